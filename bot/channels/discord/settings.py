"""The Discord section of the settings."""

from __future__ import annotations

from pydantic import SecretStr

from bot.channels.plugin import PlatformSettings


class DiscordSettings(PlatformSettings):
    """DISCORD_TOKEN."""

    discord_token: SecretStr | None = None
