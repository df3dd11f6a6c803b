"""Telegram handlers. Each module has a `register(app)` that adds its handlers.

Handlers stay thin: they read the update, call `facts/`, and reply.
"""
