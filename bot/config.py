"""Settings from the environment and `.env` (see `.env.example` for every one of them).

What is not about one platform lives here; each platform's own settings (its token, its
server) are a section declared in its folder (`bot/channels/<platform>/`), read from the same
environment and `.env` (see `Settings.section`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pydantic import Field, PrivateAttr, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.channels.plugin import PlatformSettings, Section, secret_values

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///rekindle.db"


class Settings(BaseSettings):
    """Everything an operator can set. Tokens are secrets: they never reach a log.

    `Settings(name=value)` also takes the fields of every platform's section (for tests and
    tools); each section is built with them, over the environment and `.env`."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    database_url: str = DEFAULT_DATABASE_URL
    encryption_key: SecretStr | None = None
    pairing_secret: SecretStr | None = None
    log_level: str = "INFO"
    log_format: str = Field(default="plain", pattern="^(plain|json)$")
    content_dir: str | None = None
    tick_seconds: float = Field(default=30.0, gt=0, le=60)
    send_rate_per_second: float = Field(default=25.0, gt=0, le=30)
    platforms: str = Field(
        default="",
        description="platform packages beyond bot/channels/, as comma-separated module paths",
    )

    _given: dict[str, Any] = PrivateAttr(default_factory=dict)
    _sections: dict[type[PlatformSettings], PlatformSettings] = PrivateAttr(default_factory=dict)

    if not TYPE_CHECKING:  # so that type checkers still see each field's type in __init__

        def __init__(self, **values: Any) -> None:
            super().__init__(**values)
            self._given = values

    def section(self, kind: type[Section]) -> Section:
        """A platform's settings section: the environment and `.env` this object read (unless
        it was told `_env_file=...`), overridden by what it was given by name."""
        made = self._sections.get(kind)
        if made is None:
            given = {
                name: value
                for name, value in self._given.items()
                if name in kind.model_fields or name.startswith("_env_file")
            }
            made = self._sections[kind] = kind(**given)
        assert isinstance(made, kind)
        return made

    @property
    def secrets(self) -> list[str]:
        """Every secret value set, so logs can be scrubbed of them (a token's secret half too,
        as it may appear URL-encoded or split): every platform's, then these."""
        from bot.channels.plugin import discover

        values = [v for p in discover(self.platforms) for v in p.secrets(self)]
        return values + secret_values(self.encryption_key, self.pairing_secret)

    @property
    def channels(self) -> list[str]:
        """The platforms `python -m bot` runs (those whose token is set)."""
        from bot.channels.plugin import discover

        return [p.name for p in discover(self.platforms) if p.enabled(self)]
