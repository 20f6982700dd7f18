"""Leases on one database (SQLite and PostgreSQL): one holder at a time, taken over on expiry."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from bot import lease
from bot.clock import MovableClock
from bot.core.models import Lease
from bot.db import Database

TTL = timedelta(seconds=60)
NAME = "discord:0123456789abcdef"


async def test_one_holder_at_a_time_and_a_takeover_once_it_expires(
    db: Database, clock: MovableClock
) -> None:
    a, b = lease.holder_id(), lease.holder_id()
    assert a != b
    assert await lease.take(db, NAME, a, clock.now(), TTL)
    assert not await lease.take(db, NAME, b, clock.now(), TTL)
    clock.advance(timedelta(seconds=20))
    assert await lease.take(db, NAME, a, clock.now(), TTL)  # renewed: now until +80 s
    clock.advance(timedelta(seconds=59))
    assert not await lease.take(db, NAME, b, clock.now(), TTL)  # still a's (renewed)
    clock.advance(timedelta(seconds=1))  # a was frozen: its lease ran out
    assert await lease.take(db, NAME, b, clock.now(), TTL)
    assert not await lease.take(db, NAME, a, clock.now(), TTL)  # a finds it was taken over
    async with db.session() as session:
        [row] = (await session.exec(select(Lease))).all()
    assert row.holder == b
    assert row.expires_at == clock.now() + TTL


async def test_release_frees_only_my_own_lease(db: Database, clock: MovableClock) -> None:
    a, b = lease.holder_id(), lease.holder_id()
    assert await lease.take(db, NAME, a, clock.now(), TTL)
    await lease.release(db, NAME, b)  # not b's: nothing happens
    assert not await lease.take(db, NAME, b, clock.now(), TTL)
    await lease.release(db, NAME, a)
    assert await lease.take(db, NAME, b, clock.now(), TTL)
    assert await lease.take(db, "another", a, clock.now(), TTL)  # leases are independent
