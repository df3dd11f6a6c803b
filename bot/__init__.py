"""Wiring: settings, the Telegram application and the command line."""
