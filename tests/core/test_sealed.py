"""The sealed-answer fast path (`bot.core.sealed`): on SQLite it must leave exactly the rows the
general path leaves and say exactly the same words, and hand everything that is not the plain
case (and every moment another writer holds the lock) to the general path."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator, Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import col, select

from bot import crypto
from bot.clock import MovableClock
from bot.core.events import Text
from bot.core.models import Answer, Member
from bot.db import Database
from bot.outbox import Outbox
from bot.service import Rekindle
from tests.helpers.service import LIBRARY, START, Harness, RecordingChannel, sender

# Answers as people write them: markup, emoji, other scripts, quotes, a long one.
WORDS = [
    "first thought",
    "<b>second</b> thought & more",
    "😊 Ещё — 続き \"quoted\" 'single'",
    "a long one " * 300,
]


async def new_harness(url: str) -> Harness:
    db = Database(url)
    await db.migrate()
    clock = MovableClock(START)
    channel = RecordingChannel()
    service = Rekindle(
        db=db, clock=clock, content=LIBRARY, outbox=Outbox(db, clock, {"test": channel})
    )
    return Harness(service, channel, clock)


@pytest.fixture
async def harnesses(tmp_path: Path) -> AsyncIterator[Callable[[str], Any]]:
    made: list[Harness] = []

    async def make(name: str) -> Harness:
        harness = await new_harness(f"sqlite+aiosqlite:///{tmp_path / name}.db")
        made.append(harness)
        return harness

    yield make
    for harness in made:
        await harness.service.db.dispose()


def general_only(bot: Harness) -> None:
    """Turn the fast path off for this service: every answer takes the general path."""
    bot.service.sealed.take = lambda *_args: None  # type: ignore[method-assign]


async def evening(bot: Harness) -> None:
    await bot.say("a", "/timezone Europe/Berlin")
    await bot.say("b", "/timezone Europe/Berlin")
    await bot.pair()
    await bot.advance(timedelta(hours=3, minutes=31))  # 20:31 in Berlin: the check-in is out
    bot.channel.clear()


def rows(path: Path) -> list[tuple[Any, ...]]:
    """The answer table exactly as stored (ids, timestamps' text, flags)."""
    with sqlite3.connect(path) as connection:
        return connection.execute(
            "SELECT id, conversation_id, member_id, text, media, late, message_ref, created_at,"
            " updated_at FROM answer ORDER BY id"
        ).fetchall()


async def replay(bot: Harness) -> list[list[str]]:
    """Two evenings of answers, changes of mind, a reveal and a late answer, each in a message
    of its own (the answer keeps the message it was given in); what each step said to the
    sender, and what reached both chats."""
    said: list[list[str]] = []
    refs = iter(range(500, 600))

    async def write(who: str, words: str) -> None:
        event = Text(sender=sender(who, bot.names[who]), text=words, message_ref=str(next(refs)))
        said.append([out.text for out in await bot.send(event)])

    await evening(bot)
    for words in WORDS:
        await write("a", words)
        bot.clock.advance(timedelta(minutes=1))
    await write("b", "Sam's own answer")
    await write("a", "one more thing")
    await bot.advance(timedelta(days=1))
    await write("b", "Sam first tonight")
    await write("b", "Sam, thinking again")
    await write("a", "Alex second")
    said.append(bot.channel.to("a") + bot.channel.to("b"))
    return said


async def test_both_paths_store_the_same_rows_and_say_the_same_words(
    harnesses: Callable[[str], Any], tmp_path: Path
) -> None:
    quick, general = await harnesses("quick"), await harnesses("general")
    general_only(general)
    assert await replay(quick) == await replay(general)
    assert rows(tmp_path / "quick.db") == rows(tmp_path / "general.db")
    # Each answer kept the message it was (last) given in: on the fast path too.
    refs = [row[6] for row in rows(tmp_path / "quick.db")]
    assert refs == ["503", "504", "505", "507", "508"]
    # The fast path really ran: the four answers and two changes of mind before each reveal.
    assert quick.service.quick_answers == 6
    assert general.service.quick_answers == 0


async def test_answers_taken_quickly_are_encrypted_at_rest_like_any_other(
    harnesses: Callable[[str], Any], tmp_path: Path
) -> None:
    crypto.use(crypto.new_key())
    bot = await harnesses("encrypted")
    await evening(bot)
    await bot.say("a", "something only Sam may read")
    assert bot.service.quick_answers == 1
    [(stored,)] = [(row[3],) for row in rows(tmp_path / "encrypted.db")]
    assert "Sam may read" not in stored
    async with bot.service.db.session() as session:
        [answer] = (await session.exec(select(Answer))).all()
    assert answer.text == "something only Sam may read"


async def test_everything_but_the_plain_case_takes_the_general_path(
    harnesses: Callable[[str], Any],
) -> None:
    bot = await harnesses("cases")
    await evening(bot)

    # A new name: the general path keeps the member row up to date, then seals the answer.
    renamed = Text(sender=sender("a", "Alexandra"), text="from my new name")
    [reply] = await bot.send(renamed)
    assert "sealed until Sam answers" in reply.text
    assert bot.service.quick_answers == 0
    async with bot.service.db.session() as session:
        names = (await session.exec(select(Member.display_name).order_by(col(Member.id)))).all()
    assert names == ["Alexandra", "Sam"]

    # A setting being typed: the general path reads it as the setting.
    bot.names["a"] = "Alexandra"
    await bot.say("a", "/time")
    [reply] = await bot.say("a", "21:15")
    assert "21:15" in reply.text
    assert bot.service.quick_answers == 0

    # A reply to a message: the general path finds which prompt it answers.
    [reply] = await bot.send(Text(sender=sender("a", "Alexandra"), text="again", reply_to="1"))
    assert "Sam will see this answer instead" in reply.text
    assert bot.service.quick_answers == 0

    # Now plain: the fast path.
    [reply] = await bot.say("a", "plain again")
    assert "Sam will see this answer instead" in reply.text
    assert bot.service.quick_answers == 1

    # The partner's answer completes the conversation: the reveal is the general path's.
    await bot.say("b", "Sam's answer")
    assert bot.service.quick_answers == 1
    assert any("Alexandra's answer" in text for text in bot.channel.to("b"))

    # Someone who never wrote before, and someone not paired: the general path.
    [reply] = await bot.say("c", "hello?")
    assert "pair" in reply.text.lower()
    assert bot.service.quick_answers == 1


async def test_an_answer_waits_for_another_writer_instead_of_failing(
    harnesses: Callable[[str], Any], tmp_path: Path
) -> None:
    """Another process holds the write lock: the answer is not refused or lost; it takes the
    general path, which waits for the lock in aiosqlite's thread, not on the event loop."""
    bot = await harnesses("locked")
    await evening(bot)
    other = sqlite3.connect(tmp_path / "locked.db", isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    answering = asyncio.create_task(bot.say("a", "while the lock is held"))
    await asyncio.sleep(0.3)
    assert not answering.done()  # waiting (in a worker thread: this test is still running)
    other.execute("COMMIT")
    other.close()
    [reply] = await asyncio.wait_for(answering, 10)
    assert "sealed until Sam answers" in reply.text
    assert bot.service.quick_answers == 0
    assert [row[3] for row in rows(tmp_path / "locked.db")] == ["while the lock is held"]
    # The lock is free again: the next answer is quick.
    await bot.say("a", "and now")
    assert bot.service.quick_answers == 1


async def test_a_failed_quick_answer_leaves_nothing_behind(
    harnesses: Callable[[str], Any], tmp_path: Path
) -> None:
    """A write that fails half way is rolled back, and the lock is free for the next one."""
    bot = await harnesses("failing")
    await evening(bot)
    take = bot.service.sealed.take

    def half_then_fail(connection: sqlite3.Connection, *args: Any) -> Any:
        take(connection, *args)
        raise RuntimeError("the disk went away")

    bot.service.sealed.take = half_then_fail
    with pytest.raises(RuntimeError):
        await bot.say("a", "lost in the failure")
    assert rows(tmp_path / "failing.db") == []
    bot.service.sealed.take = take
    [reply] = await bot.say("a", "kept this time")
    assert "sealed until Sam answers" in reply.text
    assert [row[3] for row in rows(tmp_path / "failing.db")] == ["kept this time"]


async def test_no_fast_path_without_a_sqlite_file(db: Database, bot: Harness) -> None:
    """PostgreSQL (and in-memory SQLite) always take the general path, and answer the same."""
    await evening(bot)
    [reply] = await bot.say("a", "an answer")
    assert "sealed until Sam answers" in reply.text
    assert bot.service.quick_answers == (1 if db.dialect == "sqlite" else 0)
    memory = Database("sqlite+aiosqlite:///:memory:")
    with memory.write_now() as connection:
        assert connection is None
    await memory.dispose()
