"""What a platform declares so that the runner can run it without naming it, and how the
platforms are found.

A platform is one folder, `bot/channels/<platform>/`, whose package `__init__` holds a module-level
`PLATFORM` (see `Platform`). That module stays light: the platform's chat library is imported
only inside `build`, so a platform whose token is not set costs no memory and no start-up time.
Packages elsewhere (a platform kept outside this repository, a test's toy) are named in the
`PLATFORMS` setting, as comma-separated module paths.
"""

from __future__ import annotations

import importlib
import logging
import pkgutil
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol, TypeVar

from pydantic import SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.channels.base import Channel

if TYPE_CHECKING:
    from bot.config import Settings
    from bot.service import Rekindle

log = logging.getLogger(__name__)


class PlatformSettings(BaseSettings):
    """A platform's own settings section, read from the same environment and `.env` as
    `bot.config.Settings` (each field's variable is its name in capitals)."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")


Section = TypeVar("Section", bound=PlatformSettings)


class Runner(Protocol):
    """A channel's receiving side: started before the beat, stopped after it."""

    async def start(self) -> None: ...

    async def stop(self) -> None: ...


# Given the service and the outbox worker's wake-up, a platform's receiving side.
RunnerFactory = Callable[["Rekindle", Callable[[], None]], Runner]


@dataclass(frozen=True)
class SendLimits:
    """How fast the outbox may send on one platform: messages a second overall, and seconds
    between two messages to one chat. The operator's SEND_RATE_PER_SECOND caps all platforms
    together on top of these."""

    rate: float = 30.0
    per_chat_interval: float = 1.0


class Platform(Protocol):
    """One chat platform, as the runner sees it."""

    @property
    def name(self) -> str:
        """The channel's name: `Member.channel`, the outbox's key, the loggers' extra."""
        ...

    @property
    def limits(self) -> SendLimits: ...

    @property
    def loggers(self) -> Mapping[str, int]:
        """The platform library's loggers, each with the lowest level it may log at (they log
        whole updates and request URLs below it)."""
        ...

    @property
    def setup_help(self) -> str:
        """How to get a token and where to put it, for `python -m bot` without one."""
        ...

    def enabled(self, settings: Settings) -> bool:
        """Whether `python -m bot` runs this platform (usually: its token is set)."""
        ...

    def secrets(self, settings: Settings) -> list[str]:
        """Every secret value of its section that is set, to scrub from the logs."""
        ...

    def check(self, settings: Settings) -> str | None:
        """A sentence saying what is wrong with its settings, or None (never a secret)."""
        ...

    def build(self, settings: Settings) -> tuple[Channel, RunnerFactory]:
        """Its sending side (for the outbox), and how to make its receiving side once the
        service exists. The platform's library is imported here, not before."""
        ...


def secret_values(*secrets: SecretStr | None) -> list[str]:
    """The values of the secrets that are set, with the part after a `:` as well (a token's
    secret half may appear on its own, URL-encoded or split)."""
    values = []
    for secret in secrets:
        if secret is not None and secret.get_secret_value():
            value = secret.get_secret_value()
            values.append(value)
            if ":" in value:
                values.append(value.split(":", 1)[1])
    return values


def is_set(secret: SecretStr | None) -> bool:
    return secret is not None and bool(secret.get_secret_value())


def _platform_of(module_path: str) -> Platform | None:
    module = importlib.import_module(module_path)
    platform: Platform | None = getattr(module, "PLATFORM", None)
    return platform


def discover(extra: str = "") -> list[Platform]:
    """Every platform: each package under `bot/channels/` that declares a `PLATFORM`, in name
    order, then those named in `extra` (comma-separated module paths), in that order."""
    import bot.channels

    paths = [
        f"{bot.channels.__name__}.{found.name}"
        for found in sorted(pkgutil.iter_modules(bot.channels.__path__), key=lambda m: m.name)
        if found.ispkg
    ]
    paths += [path.strip() for path in extra.split(",") if path.strip()]
    platforms: list[Platform] = []
    for path in paths:
        platform = _platform_of(path)
        if platform is not None and all(p.name != platform.name for p in platforms):
            platforms.append(platform)
    return platforms
