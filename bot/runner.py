"""`python -m bot`: run every channel whose token is set (Telegram, Discord, or both in one event
loop), with one beat, one database and one outbox."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import signal
import sys
from collections.abc import Callable
from typing import Protocol

from bot import pairing_secret
from bot.app import build
from bot.channels.base import Channel
from bot.clock import Clock, SystemClock
from bot.config import Settings
from bot.db import Database
from bot.pacing import OutboxWorker
from bot.scheduler import Beat
from bot.service import Rekindle

log = logging.getLogger(__name__)


class Runner(Protocol):
    """A channel's receiving side: started before the beat, stopped after it."""

    async def start(self) -> None: ...

    async def stop(self) -> None: ...


# Telegram's secret_token: 1-256 characters, only A-Z, a-z, 0-9, _ and -. We ask for 24 or more
# so that it cannot be guessed (`python -c "import secrets; print(secrets.token_urlsafe(32))"`).
WEBHOOK_SECRET_MIN = 24
WEBHOOK_SECRET_MAX = 256
_WEBHOOK_SECRET_CHARACTERS = re.compile(r"[A-Za-z0-9_-]*")
_HOW_TO_MAKE_ONE = 'make one with: python -c "import secrets; print(secrets.token_urlsafe(32))"'


def check_settings(settings: Settings) -> str | None:
    """A sentence saying what is wrong with the settings, or None. (It never repeats a
    secret.)"""
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
    pairing_problem = pairing_secret.problem(settings)
    if pairing_problem:
        return pairing_problem
    if (
        settings.webhook_url
        and not settings.webhook_url.startswith("https://")
        and "127.0.0.1" not in settings.webhook_url
        and "localhost" not in settings.webhook_url
    ):
        return "WEBHOOK_URL must be an https:// URL (Telegram only posts to HTTPS)."
    return None


RunnerFactory = Callable[[Rekindle, Callable[[], None]], list[Runner]]


def _channels(settings: Settings) -> tuple[dict[str, Channel], RunnerFactory]:
    """The sending side of every channel whose token is set (for the outbox), and how to make
    their receiving sides once the service exists."""
    channels: dict[str, Channel] = {}
    telegram_app = None
    discord_client = None
    if "telegram" in settings.channels:
        from bot.channels.telegram import TelegramChannel, build_application

        telegram_app = build_application(settings)
        channels["telegram"] = TelegramChannel(telegram_app.bot)
    if "discord" in settings.channels:
        from bot.channels.discord import DiscordChannel, build_client

        discord_client = build_client()
        channels["discord"] = DiscordChannel(discord_client)

    def make_runners(service: Rekindle, on_pushed: Callable[[], None]) -> list[Runner]:
        runners: list[Runner] = []
        if telegram_app is not None:
            from bot.channels.telegram import TelegramRunner

            runners.append(TelegramRunner(settings, telegram_app, service, on_pushed))
        if discord_client is not None:
            from bot.channels.discord import DiscordRunner

            runners.append(DiscordRunner(settings, discord_client, service, on_pushed))
        return runners

    return channels, make_runners


async def run(
    settings: Settings,
    clock: Clock | None = None,
    stop: asyncio.Event | None = None,
    *,
    handle_signals: bool = True,
) -> int:
    """Run until SIGINT/SIGTERM (or `stop` is set); return the exit status."""
    problem = check_settings(settings)
    if problem:
        print(problem, file=sys.stderr)
        return 2
    clock = clock or SystemClock()
    stop = stop or asyncio.Event()
    # Migrations run in a child process while the channels' libraries load here.
    db = Database(settings.database_url)
    try:
        migrated = await db.start_migrating()
        channels, make_runners = _channels(settings)
        await migrated()
    except BaseException:
        await db.dispose()
        raise
    try:
        service = await build(settings, clock, channels, db=db)
    except BaseException:
        await db.dispose()
        raise
    worker = OutboxWorker(service.outbox, rate=settings.send_rate_per_second)
    runners = make_runners(service, worker.wake)

    async def beat_job() -> None:
        await service.tick()
        worker.wake()

    beat = Beat(beat_job, settings.tick_seconds)
    loop = asyncio.get_running_loop()
    signals = (signal.SIGINT, signal.SIGTERM) if handle_signals else ()
    for signum in signals:
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(signum, stop.set)
    started = []
    beating = False
    try:
        for runner in runners:
            await runner.start()
            started.append(runner)
        worker.start()
        beat.start()
        beating = True
        await beat_job()  # catch up at once after a restart
        log.info("rekindle is running", extra={"channels": ",".join(channels)})
        await stop.wait()
    finally:
        log.info("rekindle is stopping")
        if beating:  # a channel that failed to start (a wrong token) stops us before the beat
            await beat.stop()
        # Finish (or hand back) the sends in flight while every channel can still send; then
        # stop the channels. What handlers still push is in the outbox for the next start.
        await worker.stop()
        for runner in reversed(started):
            await runner.stop()
        await service.db.dispose()
        for signum in signals:
            with contextlib.suppress(NotImplementedError, RuntimeError):
                loop.remove_signal_handler(signum)
    return 0
