"""A toy chat platform, all in this folder: what it takes to add a platform to Rekindle.

Name the package in the PLATFORMS setting (`PLATFORMS=tests.helpers.toy_platform`) and set
TOY_TOKEN; `python -m bot` then runs it beside (or instead of) the platforms in bot/channels/.
Like theirs, this module stays light: the working parts are imported in `build`."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from pydantic import SecretStr

from bot.channels.plugin import PlatformSettings, RunnerFactory, SendLimits, is_set, secret_values

if TYPE_CHECKING:
    from bot.config import Settings
    from bot.service import Rekindle
    from tests.helpers.toy_platform.parts import ToyChannel, ToyRunner

TOKEN_MIN = 8


class ToySettings(PlatformSettings):
    """TOY_TOKEN."""

    toy_token: SecretStr | None = None


class Toy:
    """The toy platform: a channel that records what it sends, a runner the test talks
    through."""

    name = "toy"
    limits = SendLimits(rate=50.0, per_chat_interval=0.01)
    loggers: Mapping[str, int] = {"toy.library": logging.WARNING}
    setup_help = "To run it on the toy platform, set TOY_TOKEN."

    def __init__(self) -> None:
        self.channels: list[ToyChannel] = []
        self.runners: list[ToyRunner] = []

    def enabled(self, settings: Settings) -> bool:
        return is_set(settings.section(ToySettings).toy_token)

    def secrets(self, settings: Settings) -> list[str]:
        return secret_values(settings.section(ToySettings).toy_token)

    def check(self, settings: Settings) -> str | None:
        token = settings.section(ToySettings).toy_token
        if token is not None and 0 < len(token.get_secret_value()) < TOKEN_MIN:
            return f"TOY_TOKEN must be at least {TOKEN_MIN} characters long."
        return None

    def build(self, settings: Settings) -> tuple[ToyChannel, RunnerFactory]:
        from tests.helpers.toy_platform.parts import ToyChannel, ToyRunner

        channel = ToyChannel(self.name)
        self.channels.append(channel)

        def runner(service: Rekindle, on_pushed: Callable[[], None]) -> ToyRunner:
            made = ToyRunner(self.name, channel, service, on_pushed)
            self.runners.append(made)
            return made

        return channel, runner


PLATFORM = Toy()
