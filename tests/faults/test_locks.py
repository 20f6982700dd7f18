"""A SQLite file locked by someone else: events and the tick wait, they do not fail."""

from __future__ import annotations

import asyncio
import sqlite3
import time
from datetime import UTC, datetime
from typing import Any

from sqlmodel import col, select

from bot.clock import MovableClock
from bot.core import texts
from bot.core.events import Command
from bot.core.models import Appreciation, Delivery
from bot.db import Database
from bot.outbox import Outbox
from bot.service import Rekindle
from tests.helpers.faults import (
    is_evening_prompt,
)
from tests.helpers.service import LIBRARY, RecordingChannel, sender


async def test_a_locked_sqlite_file_makes_events_and_the_tick_wait_not_fail(
    sqlite_url: str,
) -> None:
    """Promise: while another connection holds the SQLite write lock (BEGIN EXCLUSIVE) for
    2 s, an event and a tick wait (busy timeout, 15 s) and then complete; nothing is lost.
    A service started while the lock is held (a fresh engine, as after a restart) waits too."""
    path = sqlite_url.removeprefix("sqlite+aiosqlite:///")
    clock = MovableClock(datetime(2026, 12, 1, 16, 0, tzinfo=UTC))
    channel = RecordingChannel()
    db = Database(sqlite_url)
    await db.migrate()
    service = Rekindle(
        db=db, clock=clock, content=LIBRARY, outbox=Outbox(db, clock, {"test": channel})
    )
    alex, sam = sender("a", "Alex"), sender("b", "Sam")
    cold = Database(sqlite_url)  # a fresh engine: its first connection opens during the lock
    cold_service = Rekindle(db=cold, clock=clock, content=LIBRARY, outbox=Outbox(cold, clock, {}))
    tasks: list[asyncio.Task[Any]] = []
    try:
        replies = await service.handle(Command(sender=alex, name="pair"))
        code = next(out.invite_code for out in replies if out.invite_code)
        await service.handle(Command(sender=sam, name="pair", args=code))
        await service.outbox.deliver_due()
        channel.clear()
        clock.set(datetime(2026, 12, 1, 20, 31, tzinfo=UTC))  # the evening is due

        locker = sqlite3.connect(path, isolation_level=None, timeout=0)
        locker.execute("BEGIN EXCLUSIVE")
        locked_at = time.monotonic()
        try:
            event = asyncio.create_task(
                service.handle(Command(sender=alex, name="appreciate", args="you make me laugh"))
            )
            beat = asyncio.create_task(service.tick())
            cold_event = asyncio.create_task(
                cold_service.handle(Command(sender=sam, name="appreciate", args="you listen"))
            )
            tasks = [event, beat, cold_event]
            await asyncio.sleep(2.0)
            for task in tasks:
                assert not task.done(), task  # waiting for the lock, neither done nor failed
        finally:
            locker.execute("COMMIT")
            locker.close()
        replies, recorded, cold_replies = await asyncio.wait_for(asyncio.gather(*tasks), 10)
        waited = time.monotonic() - locked_at
        assert waited >= 2.0
        assert [out.text for out in replies] == [texts.APPRECIATE_SENT.format(partner="Sam")]
        assert [out.text for out in cold_replies] == [texts.APPRECIATE_SENT.format(partner="Alex")]
        assert recorded == 2
        while await service.outbox.deliver_due():
            pass
        for who, partner in (("a", "Sam"), ("b", "Alex")):
            told = channel.to(who)
            assert sum(is_evening_prompt(t) for t in told) == 1, told
            assert sum(f"{partner} appreciates you" in t for t in told) == 1, told
        async with db.session() as session:
            assert len((await session.exec(select(Appreciation))).all()) == 2
            pending = (
                await session.exec(select(Delivery).where(col(Delivery.status) != "sent"))
            ).all()
            assert pending == []
        print(f"locked for 2 s: event, tick and a cold start all waited {waited:.2f} s")
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await cold.dispose()
        await db.dispose()
