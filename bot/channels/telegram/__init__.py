"""The Telegram channel (python-telegram-bot 22).

This module is what the runner reads to find the platform (`PLATFORM`); it stays light.
python-telegram-bot is imported only when the platform is built (or when one of the names below
is used: `from bot.channels.telegram import TelegramChannel` still works), and then only what
the run needs (see `Telegram.build`)."""

from __future__ import annotations

import contextlib
import importlib
import logging
import os
import sys
from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

from bot.channels.base import Channel
from bot.channels.plugin import RunnerFactory, SendLimits, is_set, secret_values
from bot.channels.telegram.settings import (
    TelegramSettings,
    webhook_secret_problem,
    webhook_url_problem,
)

if TYPE_CHECKING:
    from bot.channels.telegram.app import TelegramRunner, build_application
    from bot.channels.telegram.channel import TelegramChannel
    from bot.config import Settings
    from bot.service import Rekindle

# Opt in to PTB's announced future behaviour (time periods as timedelta) so that reading
# RetryAfter.retry_after, here and inside PTB's rate limiter, raises no deprecation warning.
os.environ.setdefault("PTB_TIMEDELTA", "true")

__all__ = ["PLATFORM", "TelegramChannel", "TelegramRunner", "TelegramSettings", "build_application"]

_LAZY = {
    "TelegramChannel": "bot.channels.telegram.channel",
    "TelegramRunner": "bot.channels.telegram.app",
    "build_application": "bot.channels.telegram.app",
}

# Modules PTB and httpx import when they are installed, which a run may not need: PTB's webhook
# server (tornado, ~3 MB), loaded with `telegram.ext` though only `start_webhook` uses it;
# `cryptography` (~8 MB), which PTB loads for Telegram Passport, which the bot never asks for
# (it is loaded anyway when ENCRYPTION_KEY is set: see bot/crypto.py); and httpx's command-line
# client (click, rich and pygments, ~6 MB, installed with the dev tools).
WEBHOOK_SERVER = "telegram.ext._utils.webhookhandler"
PASSPORT_CRYPTOGRAPHY = "cryptography"
HTTPX_CLI = "httpx._main"


@contextlib.contextmanager
def _without(*modules: str) -> Iterator[None]:
    """Within the block, importing one of `modules` (not loaded yet) fails as if it were not
    installed (`None` in `sys.modules`), so the library that tries it goes on without it."""
    hidden = [name for name in modules if name not in sys.modules]
    for name in hidden:
        sys.modules[name] = None  # type: ignore[assignment]
    try:
        yield
    finally:
        for name in hidden:
            if sys.modules.get(name, ...) is None:
                del sys.modules[name]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


class Telegram:
    """Telegram: long polling, or a webhook server when WEBHOOK_URL is set."""

    name = "telegram"
    # The Bot API's limits: about 30 messages a second overall, one a second in one chat.
    limits = SendLimits(rate=30.0, per_chat_interval=1.0)
    loggers: Mapping[str, int] = {"telegram": logging.INFO}
    setup_help = """\
To run it on Telegram:
  1. Open Telegram, talk to @BotFather, send /newbot and follow the steps.
  2. Put the token it gives you in .env as BOT_TOKEN=... (see .env.example),
     or run: BOT_TOKEN=123456:ABC... python -m bot"""

    def enabled(self, settings: Settings) -> bool:
        return is_set(settings.section(TelegramSettings).bot_token)

    def secrets(self, settings: Settings) -> list[str]:
        section = settings.section(TelegramSettings)
        return secret_values(section.bot_token, section.webhook_secret)

    def check(self, settings: Settings) -> str | None:
        section = settings.section(TelegramSettings)
        return webhook_secret_problem(section) or webhook_url_problem(section)

    def build(self, settings: Settings) -> tuple[Channel, RunnerFactory]:
        """PTB and httpx are imported here (unless they already are) without httpx's
        command-line client and Telegram Passport's cryptography, and when polling without
        PTB's webhook server (a webhook run in a process that polled before loads it on
        start: `app.webhook_server`)."""
        unused = [HTTPX_CLI, PASSPORT_CRYPTOGRAPHY]
        if not settings.section(TelegramSettings).webhook_url:
            unused.append(WEBHOOK_SERVER)
        with _without(*unused):
            from bot.channels.telegram.app import TelegramRunner, build_application
            from bot.channels.telegram.channel import TelegramChannel

        application = build_application(settings)

        def runner(service: Rekindle, on_pushed: Callable[[], None]) -> TelegramRunner:
            return TelegramRunner(settings, application, service, on_pushed)

        return TelegramChannel(application.bot), runner


PLATFORM = Telegram()
