"""Answers before the partner's (the first of every evening, every change of mind before the
reveal) and after it: the rows stored and the words said, through the one path every update
takes on SQLite and PostgreSQL alike (`Rekindle.handle` → `core.handle`, one unit of work)."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator, Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event
from sqlmodel import col, select

from bot import crypto
from bot import service as bot_service
from bot.clock import MovableClock
from bot.core.events import Text
from bot.core.handle import handle
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


SEALED_SAM = "Thank you 💌 Your answer stays sealed until Sam answers too."
INSTEAD_SAM = "Updated. Sam will see this answer instead."
SEALED_ALEX = "Thank you 💌 Your answer stays sealed until Alex answers too."
INSTEAD_ALEX = "Updated. Alex will see this answer instead."
KEPT = (
    "You've both answered tonight's question already 💞 I've kept this with it. The next one"
    " comes tomorrow at 20:30."
)
TALK = "You've both answered 💞 Maybe take ten minutes together tonight to talk about it?"
FIRST = (
    "🎉 Your first conversation together.\nYou both made time for this today. That's the first"
    " step, and you've taken it."
)
HIGH_LOW = "Three words for how today felt?"
LAUGH = "What's the last rabbit hole you fell down reading online?"
LAUGH_NEXT = "Ask for the most surprising thing they found."  # the prompt's follow-up
APPRECIATE = (
    "💌 Recall a time your partner nudged you to rest or slow down. Thank them for looking out"
    " for you."
)


def question(partner: str) -> str:
    return (
        f"🌙 A question for tonight:\n{LAUGH}\n\n"
        f"Just reply to answer. {partner} sees it once you've both answered."
    )


def reveal(author: str, prompt: str, words: str, after: str = TALK) -> str:
    return f"💬 {author}'s answer to “{prompt}”:\n{words}\n\n{after}"


# What each step of `replay` said to the sender, then what reached Alex's and Sam's chats.
SAID = [
    [SEALED_SAM],
    [INSTEAD_SAM],
    [INSTEAD_SAM],
    [INSTEAD_SAM],
    [],  # Sam's answer: the reveal goes to both chats
    [KEPT],
    [SEALED_ALEX],
    [INSTEAD_ALEX],
    [],
    [
        SEALED_SAM,
        INSTEAD_SAM,
        INSTEAD_SAM,
        INSTEAD_SAM,
        reveal("Sam", HIGH_LOW, "Sam's own answer"),
        FIRST,
        KEPT,
        APPRECIATE,
        question("Sam"),
        reveal("Sam", LAUGH, "Sam, thinking again", LAUGH_NEXT),
        reveal("Alex", HIGH_LOW, WORDS[3]),
        FIRST,
        APPRECIATE,
        question("Alex"),
        SEALED_ALEX,
        INSTEAD_ALEX,
        reveal("Alex", LAUGH, "Alex second", LAUGH_NEXT),
    ],
]
# The answer table after `replay`: (id, conversation, member, text, media, late, message_ref,
# created_at, updated_at), timestamps as stored.
ROWS = [
    (1, 1, 1, WORDS[3], None, 0, "503", "2026-12-01 19:31:00.000000", "2026-12-01 19:34:00.000000"),
    (2, 1, 2, "Sam's own answer", None, 0, "504", *["2026-12-01 19:35:00.000000"] * 2),
    (3, 1, 1, "one more thing", None, 1, "505", *["2026-12-01 19:35:00.000000"] * 2),
    (4, 2, 2, "Sam, thinking again", None, 0, "507", *["2026-12-02 19:35:00.000000"] * 2),
    (5, 2, 1, "Alex second", None, 0, "508", *["2026-12-02 19:35:00.000000"] * 2),
]


async def test_two_evenings_of_answers_store_these_rows_and_say_these_words(
    harnesses: Callable[[str], Any], tmp_path: Path
) -> None:
    bot = await harnesses("answers")
    assert await replay(bot) == SAID
    assert rows(tmp_path / "answers.db") == ROWS
    # Each answer kept the message it was (last) given in.
    refs = [row[6] for row in rows(tmp_path / "answers.db")]
    assert refs == ["503", "504", "505", "507", "508"]


async def test_answers_are_encrypted_at_rest(
    harnesses: Callable[[str], Any], tmp_path: Path
) -> None:
    crypto.use(crypto.new_key())
    bot = await harnesses("encrypted")
    await evening(bot)
    await bot.say("a", "something only Sam may read")
    [(stored,)] = [(row[3],) for row in rows(tmp_path / "encrypted.db")]
    assert "Sam may read" not in stored
    async with bot.service.db.session() as session:
        [answer] = (await session.exec(select(Answer))).all()
    assert answer.text == "something only Sam may read"


async def test_a_new_name_a_setting_a_reply_and_the_reveal(
    harnesses: Callable[[str], Any],
) -> None:
    bot = await harnesses("cases")
    await evening(bot)

    # A new name: the member row is kept up to date, then the answer sealed.
    renamed = Text(sender=sender("a", "Alexandra"), text="from my new name")
    [reply] = await bot.send(renamed)
    assert "sealed until Sam answers" in reply.text
    async with bot.service.db.session() as session:
        names = (await session.exec(select(Member.display_name).order_by(col(Member.id)))).all()
    assert names == ["Alexandra", "Sam"]

    # A setting being typed is read as the setting.
    bot.names["a"] = "Alexandra"
    await bot.say("a", "/time")
    [reply] = await bot.say("a", "21:15")
    assert "21:15" in reply.text

    # A reply to a message: the prompt it answers is found.
    [reply] = await bot.send(Text(sender=sender("a", "Alexandra"), text="again", reply_to="1"))
    assert "Sam will see this answer instead" in reply.text

    # Now plain.
    [reply] = await bot.say("a", "plain again")
    assert "Sam will see this answer instead" in reply.text

    # The partner's answer completes the conversation: the reveal.
    await bot.say("b", "Sam's answer")
    assert any("Alexandra's answer" in text for text in bot.channel.to("b"))

    # Someone who never wrote before, and so is not paired.
    [reply] = await bot.say("c", "hello?")
    assert "pair" in reply.text.lower()


async def test_an_answer_waits_for_another_writer_instead_of_failing(
    harnesses: Callable[[str], Any], tmp_path: Path
) -> None:
    """Another process holds the write lock: the answer is not refused or lost; it waits for
    the lock in aiosqlite's thread, not on the event loop."""
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
    assert [row[3] for row in rows(tmp_path / "locked.db")] == ["while the lock is held"]
    # The lock is free again.
    [reply] = await bot.say("a", "and now")
    assert "Sam will see this answer instead" in reply.text


async def test_a_failed_answer_leaves_nothing_behind(
    harnesses: Callable[[str], Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A unit of work that fails half way is rolled back, and the lock is free for the next."""
    bot = await harnesses("failing")
    await evening(bot)

    async def half_then_fail(ctx: Any, event: Any) -> None:
        await handle(ctx, event)
        await ctx.session.flush()  # the answer is written...
        raise RuntimeError("the disk went away")  # ...and then the unit of work fails

    monkeypatch.setattr(bot_service, "handle", half_then_fail)
    with pytest.raises(RuntimeError):
        await bot.say("a", "lost in the failure")
    assert rows(tmp_path / "failing.db") == []
    monkeypatch.setattr(bot_service, "handle", handle)
    [reply] = await bot.say("a", "kept this time")
    assert "sealed until Sam answers" in reply.text
    assert [row[3] for row in rows(tmp_path / "failing.db")] == ["kept this time"]


async def test_sqlite_and_postgresql_answer_alike(bot: Harness) -> None:
    """Every backend takes the one path and answers the same."""
    await evening(bot)
    [reply] = await bot.say("a", "an answer")
    assert "sealed until Sam answers" in reply.text


async def test_an_answer_reads_the_member_couple_and_partner_in_one_statement(
    bot: Harness,
) -> None:
    await evening(bot)
    selects: list[str] = []

    def seen(*args: Any) -> None:
        statement = " ".join(args[2].split())
        if statement.startswith("SELECT"):
            selects.append(statement)

    engine = bot.service.db.engine.sync_engine
    event.listen(engine, "before_cursor_execute", seen)
    try:
        [reply] = await bot.service.handle(Text(sender=sender("a", "Alex"), text="the walk"))
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    assert "sealed until Sam answers" in reply.text
    # The sender's row comes with their couple and partner; nothing reads them again.
    assert sum(" FROM member" in s for s in selects) == 1, selects
    assert not any(" FROM couple" in s for s in selects), selects
    # The conversation once (on PostgreSQL locked FOR UPDATE, so two answers queue).
    assert sum(" FROM conversation" in s for s in selects) == 1, selects
