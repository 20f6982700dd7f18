"""Settings from the environment and `.env` (see `.env.example` for every one of them)."""

from __future__ import annotations

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///rekindle.db"
DEFAULT_TELEGRAM_API_URL = "https://api.telegram.org/bot"


class Settings(BaseSettings):
    """Everything an operator can set. Tokens are secrets: they never reach a log."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    bot_token: SecretStr | None = Field(default=None, description="Telegram token from BotFather")
    telegram_api_url: str = DEFAULT_TELEGRAM_API_URL
    webhook_url: str | None = None
    webhook_secret: SecretStr | None = None
    webhook_listen: str = "0.0.0.0"  # noqa: S104 - a webhook server listens on every interface
    webhook_port: int = 8443
    discord_token: SecretStr | None = None
    database_url: str = DEFAULT_DATABASE_URL
    encryption_key: SecretStr | None = None
    pairing_secret: SecretStr | None = None
    log_level: str = "INFO"
    log_format: str = Field(default="plain", pattern="^(plain|json)$")
    content_dir: str | None = None
    tick_seconds: float = Field(default=30.0, gt=0, le=60)
    send_rate_per_second: float = Field(default=25.0, gt=0, le=30)

    @property
    def secrets(self) -> list[str]:
        """Every secret value set, so logs can be scrubbed of them (the token's secret half
        too, as it may appear URL-encoded or split)."""
        values = []
        for secret in (
            self.bot_token,
            self.discord_token,
            self.webhook_secret,
            self.encryption_key,
            self.pairing_secret,
        ):
            if secret is not None and secret.get_secret_value():
                value = secret.get_secret_value()
                values.append(value)
                if ":" in value:
                    values.append(value.split(":", 1)[1])
        return values

    @property
    def channels(self) -> list[str]:
        """The channels whose token is set."""
        names = []
        if self.bot_token is not None and self.bot_token.get_secret_value():
            names.append("telegram")
        if self.discord_token is not None and self.discord_token.get_secret_value():
            names.append("discord")
        return names
