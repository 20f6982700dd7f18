"""The Telegram section of the settings, and what is wrong with it."""

from __future__ import annotations

import re

from pydantic import Field, SecretStr

from bot.channels.plugin import PlatformSettings

DEFAULT_TELEGRAM_API_URL = "https://api.telegram.org/bot"

# Telegram's secret_token: 1-256 characters, only A-Z, a-z, 0-9, _ and -. We ask for 24 or more
# so that it cannot be guessed (`python -c "import secrets; print(secrets.token_urlsafe(32))"`).
WEBHOOK_SECRET_MIN = 24
WEBHOOK_SECRET_MAX = 256
_WEBHOOK_SECRET_CHARACTERS = re.compile(r"[A-Za-z0-9_-]*")
_HOW_TO_MAKE_ONE = 'make one with: python -c "import secrets; print(secrets.token_urlsafe(32))"'


class TelegramSettings(PlatformSettings):
    """BOT_TOKEN, TELEGRAM_API_URL and the webhook's WEBHOOK_* variables."""

    bot_token: SecretStr | None = Field(default=None, description="Telegram token from BotFather")
    telegram_api_url: str = DEFAULT_TELEGRAM_API_URL
    webhook_url: str | None = None
    webhook_secret: SecretStr | None = None
    webhook_listen: str = "0.0.0.0"  # noqa: S104 - a webhook server listens on every interface
    webhook_port: int = 8443


def webhook_secret_problem(settings: TelegramSettings) -> str | None:
    """What is wrong with the webhook's secret, or None. (It never repeats the secret.)"""
    if settings.webhook_url and not settings.webhook_secret:
        return (
            "WEBHOOK_URL is set but WEBHOOK_SECRET is not: "
            "set a secret so that only Telegram can post updates."
        )
    secret = settings.webhook_secret.get_secret_value() if settings.webhook_secret else ""
    if secret and not _WEBHOOK_SECRET_CHARACTERS.fullmatch(secret):
        return (
            "WEBHOOK_SECRET may hold only A-Z, a-z, 0-9, _ and - (Telegram refuses any other "
            f"character); {_HOW_TO_MAKE_ONE}"
        )
    if secret and len(secret) < WEBHOOK_SECRET_MIN:
        return (
            f"WEBHOOK_SECRET is {len(secret)} characters long; it must be at least "
            f"{WEBHOOK_SECRET_MIN} so that it cannot be guessed; {_HOW_TO_MAKE_ONE}"
        )
    if len(secret) > WEBHOOK_SECRET_MAX:
        return (
            f"WEBHOOK_SECRET may be at most {WEBHOOK_SECRET_MAX} characters long "
            "(Telegram's limit)."
        )
    return None


def webhook_url_problem(settings: TelegramSettings) -> str | None:
    """What is wrong with the webhook's URL, or None."""
    if (
        settings.webhook_url
        and not settings.webhook_url.startswith("https://")
        and "127.0.0.1" not in settings.webhook_url
        and "localhost" not in settings.webhook_url
    ):
        return "WEBHOOK_URL must be an https:// URL (Telegram only posts to HTTPS)."
    return None
