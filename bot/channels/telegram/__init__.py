"""The Telegram channel (python-telegram-bot 22)."""

import os

# Opt in to PTB's announced future behaviour (time periods as timedelta) so that reading
# RetryAfter.retry_after, here and inside PTB's rate limiter, raises no deprecation warning.
os.environ.setdefault("PTB_TIMEDELTA", "true")

from bot.channels.telegram.app import TelegramRunner, build_application
from bot.channels.telegram.channel import TelegramChannel

__all__ = ["TelegramChannel", "TelegramRunner", "build_application"]
