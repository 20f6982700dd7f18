"""The console channel: two simulated partners in one terminal, for trying the bot without a
token. It runs as its own subcommand, `python -m bot console` (see `app.run_console`), never
beside the chat platforms, so `python -m bot` does not run it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from bot.channels.base import Channel
from bot.channels.plugin import RunnerFactory, SendLimits

if TYPE_CHECKING:
    from bot.config import Settings


class Console:
    """The console, as a platform: never enabled in run mode, nothing secret, no limits."""

    name = "console"
    limits = SendLimits(rate=30.0, per_chat_interval=0.0)
    loggers: Mapping[str, int] = {}
    setup_help = ""  # it needs none: `python -m bot` without a token points to it anyway

    def enabled(self, settings: Settings) -> bool:
        return False

    def secrets(self, settings: Settings) -> list[str]:
        return []

    def check(self, settings: Settings) -> str | None:
        return None

    def build(self, settings: Settings) -> tuple[Channel, RunnerFactory]:
        raise NotImplementedError("the console runs as `python -m bot console`, on its own")


PLATFORM = Console()
