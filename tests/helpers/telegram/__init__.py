"""Telegram fakes: an offline PTB request, and an in-process Bot API server."""
