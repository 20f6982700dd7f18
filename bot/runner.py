"""`python -m bot`: run every platform whose token is set (one, or several in one event loop),
with one beat, one database and one outbox. The platforms are found, not named: see
bot/channels/plugin.py."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import sys
from collections.abc import Callable
from datetime import datetime

from bot import logs, pairing_secret
from bot.app import build
from bot.channels.plugin import Runner, SendLimits, discover
from bot.clock import Clock, SystemClock
from bot.config import Settings
from bot.core.ports import Channel
from bot.db import Database
from bot.heartbeat import Beat
from bot.outbox_worker import OutboxWorker
from bot.service import Rekindle

log = logging.getLogger(__name__)

__all__ = ["Runner", "check_settings", "run"]


def check_settings(settings: Settings) -> str | None:
    """A sentence saying what is wrong with the settings, or None. (It never repeats a
    secret.)"""
    for platform in discover(settings.platforms):
        problem = platform.check(settings)
        if problem:
            return problem
    return pairing_secret.problem(settings)


RunnerFactory = Callable[[Rekindle, Callable[[], None]], list[Runner]]


def _channels(
    settings: Settings,
) -> tuple[dict[str, Channel], RunnerFactory, dict[str, SendLimits]]:
    """The sending side of every platform whose token is set (for the outbox), how to make
    their receiving sides once the service exists, and how fast each may send."""
    channels: dict[str, Channel] = {}
    factories = []
    platforms = [p for p in discover(settings.platforms) if p.enabled(settings)]
    for platform in platforms:
        logs.quiet(platform.loggers)
        channel, factory = platform.build(settings)
        channels[platform.name] = channel
        factories.append(factory)

    def make_runners(service: Rekindle, on_pushed: Callable[[], None]) -> list[Runner]:
        return [factory(service, on_pushed) for factory in factories]

    return channels, make_runners, {p.name: p.limits for p in platforms}


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
        channels, make_runners, limits = _channels(settings)
        await migrated()
    except BaseException:
        await db.dispose()
        raise
    try:
        service = await build(settings, clock, channels, db=db)
    except BaseException:
        await db.dispose()
        raise
    worker = OutboxWorker(service.outbox, rate=settings.send_rate_per_second, limits=limits)
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


async def run_console(settings: Settings, database_url: str, start: datetime | None) -> int:
    """`python -m bot console`: the console platform, driven from the terminal (it runs in the
    foreground instead of beside the other platforms)."""
    from bot.channels.console.app import run_console as console

    return await console(settings, database_url, start)
