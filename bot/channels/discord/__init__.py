"""The Discord channel (discord.py 2).

This module is what the runner reads to find the platform (`PLATFORM`); it stays light.
discord.py is imported only when the platform is built (or when one of the names below is used:
`from bot.channels.discord import DiscordChannel` still works)."""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from bot.channels.base import Channel
from bot.channels.discord.settings import DiscordSettings
from bot.channels.plugin import RunnerFactory, SendLimits, is_set, secret_values

if TYPE_CHECKING:
    from bot.channels.discord.app import DiscordRunner, RekindleClient, build_client
    from bot.channels.discord.channel import DiscordChannel
    from bot.config import Settings
    from bot.service import Rekindle

__all__ = [
    "PLATFORM",
    "DiscordChannel",
    "DiscordRunner",
    "DiscordSettings",
    "RekindleClient",
    "build_client",
]

_LAZY = {
    "DiscordChannel": "bot.channels.discord.channel",
    "DiscordRunner": "bot.channels.discord.app",
    "RekindleClient": "bot.channels.discord.app",
    "build_client": "bot.channels.discord.app",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


class Discord:
    """Discord: DMs and slash commands over the gateway, one connection per token."""

    name = "discord"
    # Discord allows a bot 50 requests a second overall and tells per-route limits in its
    # responses, which discord.py honours (and waits out 429s itself). The outbox keeps to the
    # same pace as on Telegram, within both: 30 a second overall, one a second in one DM.
    limits = SendLimits(rate=30.0, per_chat_interval=1.0)
    loggers: Mapping[str, int] = {"discord": logging.INFO}
    setup_help = """\
To run it on Discord, set DISCORD_TOKEN (README, "Discord", says how to create
the bot)."""

    def enabled(self, settings: Settings) -> bool:
        return is_set(settings.section(DiscordSettings).discord_token)

    def secrets(self, settings: Settings) -> list[str]:
        return secret_values(settings.section(DiscordSettings).discord_token)

    def check(self, settings: Settings) -> str | None:
        return None

    def build(self, settings: Settings) -> tuple[Channel, RunnerFactory]:
        from bot.channels.discord.app import DiscordRunner, build_client
        from bot.channels.discord.channel import DiscordChannel

        client = build_client()

        def runner(service: Rekindle, on_pushed: Callable[[], None]) -> DiscordRunner:
            return DiscordRunner(settings, client, service, on_pushed)

        return DiscordChannel(client), runner


PLATFORM = Discord()
