"""Wiring for `python -m bot console`."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.app import build
from bot.channels.console.channel import ConsoleChannel, ConsoleSession, read_lines
from bot.clock import MovableClock
from bot.config import Settings


async def run_console(settings: Settings, database_url: str, start: datetime | None) -> int:
    clock = MovableClock(start or datetime.now(UTC))
    channel = ConsoleChannel()
    service = await build(settings, clock, {"console": channel}, database_url=database_url)

    async def advance(delta: timedelta) -> None:
        """Walk the clock to each moment something falls due, running it, up to the target."""
        target = clock.now() + delta
        while (wakeup := await service.next_wakeup()) is not None and wakeup <= target:
            if wakeup > clock.now():
                clock.set(wakeup)
            await service.run_due()
        clock.set(target)
        await service.run_due()

    session = ConsoleSession(
        service=service, channel=channel, clock=clock, advance=advance, write=channel.print_line
    )
    try:
        await read_lines(session)
    finally:
        await service.db.dispose()
    return 0
