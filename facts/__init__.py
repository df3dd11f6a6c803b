"""The domain: sourced facts, where they are stored and how questions find them.

Nothing in this package knows about Telegram; the bot and the CLI both call it.
"""
