"""Shared fixtures: a movable clock, a fresh database per test (SQLite, and PostgreSQL when
TEST_DATABASE_URL is set), and the real service wired to a recording channel (the classes
live in tests/helpers/service.py)."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator

import pytest

from bot import crypto
from bot.clock import MovableClock
from bot.db import Database
from bot.outbox import Outbox
from bot.service import Rekindle
from tests.helpers.postgres import drop_postgres, fresh_postgres
from tests.helpers.service import LIBRARY, PAIRING_KEY, START, Harness, RecordingChannel

BACKENDS = [
    "sqlite",
    pytest.param(
        "postgresql",
        marks=pytest.mark.skipif(
            not os.environ.get("TEST_DATABASE_URL"), reason="TEST_DATABASE_URL is not set"
        ),
    ),
]


@pytest.fixture(params=BACKENDS)
async def database_url(request: pytest.FixtureRequest, tmp_path) -> AsyncIterator[str]:
    """A fresh, empty database: a SQLite file, or a PostgreSQL database made and dropped."""
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'test.db'}"
        return
    base = os.environ["TEST_DATABASE_URL"]
    url, name = await fresh_postgres(base)
    try:
        yield url
    finally:
        await drop_postgres(base, name)


@pytest.fixture
async def sqlite_url(tmp_path) -> str:
    return f"sqlite+aiosqlite:///{tmp_path / 'test.db'}"


@pytest.fixture(autouse=True)
def no_encryption_key() -> None:
    """Each test starts without a key; tests of encryption set one themselves."""
    crypto.use(None)


@pytest.fixture
def clock() -> MovableClock:
    return MovableClock(START)


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[Database]:
    database = Database(database_url)
    await database.migrate()
    try:
        yield database
    finally:
        await database.dispose()


@pytest.fixture
def channel() -> RecordingChannel:
    return RecordingChannel()


@pytest.fixture
def service(db: Database, clock: MovableClock, channel: RecordingChannel) -> Rekindle:
    return Rekindle(
        db=db,
        clock=clock,
        content=LIBRARY,
        outbox=Outbox(db, clock, {"test": channel}),
        pairing_keys=(PAIRING_KEY,),
    )


@pytest.fixture
def bot(service: Rekindle, channel: RecordingChannel, clock: MovableClock) -> Harness:
    return Harness(service, channel, clock)
