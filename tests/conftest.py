"""Shared fixtures: a movable clock, a fresh database per test (SQLite, and PostgreSQL when
TEST_DATABASE_URL is set), and the real service wired to a recording channel."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import asyncpg
import pytest
from sqlalchemy.engine import make_url

from bot import content, crypto
from bot.clock import MovableClock
from bot.core.events import Command, Outgoing, Sender, Text, parse_command
from bot.db import Database
from bot.outbox import Outbox
from bot.service import Rekindle

START = datetime(2026, 12, 1, 16, 0, tzinfo=UTC)  # a Tuesday
PAIRING_KEY = b"k" * 32  # the server secret invite codes are hashed with, in tests
LIBRARY = content.load()


class RecordingChannel:
    """A channel that keeps everything sent, per chat."""

    def __init__(self, name: str = "test") -> None:
        self.name = name
        self.sent: list[Outgoing] = []

    async def send(self, out: Outgoing) -> str:
        self.sent.append(out)
        return str(len(self.sent))

    def to(self, chat_id: str) -> list[str]:
        return [out.text for out in self.sent if out.to.chat_id == chat_id]

    def clear(self) -> None:
        self.sent.clear()


def sender(who: str, name: str | None = None, channel: str = "test") -> Sender:
    return Sender(channel=channel, user_id=who, chat_id=who, display_name=name or who.title())


class Harness:
    """The real service plus a channel: `await h.say("a", "/pair")` returns what `a` was told."""

    def __init__(self, service: Rekindle, channel: RecordingChannel, clock: MovableClock) -> None:
        self.service = service
        self.channel = channel
        self.clock = clock
        self.names = {"a": "Alex", "b": "Sam", "c": "Chris"}

    async def say(self, who: str, message: str) -> list[Outgoing]:
        who_sender = sender(who, self.names.get(who))
        parsed = parse_command(message)
        event = (
            Command(sender=who_sender, name=parsed[0], args=parsed[1])
            if parsed
            else Text(sender=who_sender, text=message)
        )
        return await self.send(event)

    async def send(self, event: object) -> list[Outgoing]:
        replies = await self.service.handle(event)  # type: ignore[arg-type]
        for out in replies:
            await self.channel.send(out)
        await self.service.outbox.deliver_due()
        return replies

    async def advance(self, delta: timedelta) -> None:
        """Move the clock, running everything that falls due on the way (like the console)."""
        target = self.clock.now() + delta
        while (wakeup := await self.service.next_wakeup()) is not None and wakeup <= target:
            if wakeup > self.clock.now():
                self.clock.set(wakeup)
            await self.service.run_due()
        self.clock.set(target)
        await self.service.run_due()

    def prompts_to(self, who: str) -> list[Outgoing]:
        return [
            out
            for out in self.channel.sent
            if out.to.chat_id == who and "Just reply to answer" in out.text
        ]

    async def pair(self, a: str = "a", b: str = "b") -> None:
        replies = await self.say(a, "/pair")
        code = next(out.invite_code for out in replies if out.invite_code)
        await self.say(b, f"/pair {code}")


async def _as_admin(base_url: str, statement: str) -> None:
    """Run one statement on the server TEST_DATABASE_URL points to (CREATE/DROP DATABASE)."""
    url = make_url(base_url)
    admin = await asyncpg.connect(
        host=url.host,
        port=url.port or 5432,
        user=url.username,
        password=url.password,
        database=url.database,
    )
    try:
        await admin.execute(statement)
    finally:
        await admin.close()


async def _fresh_postgres(base_url: str) -> tuple[str, str]:
    name = f"rekindle_test_{uuid.uuid4().hex[:12]}"
    await _as_admin(base_url, f'CREATE DATABASE "{name}"')
    url = make_url(base_url).set(database=name)
    return url.render_as_string(hide_password=False), name


async def _drop_postgres(base_url: str, name: str) -> None:
    await _as_admin(base_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


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
    url, name = await _fresh_postgres(base)
    try:
        yield url
    finally:
        await _drop_postgres(base, name)


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
