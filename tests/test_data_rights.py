"""Issue #11, "Trust, round two": /export holds everything a person wrote, from every pairing,
and nothing their partners wrote; /deletemydata leaves no trace in the database files."""

from __future__ import annotations

import json
import logging
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlmodel import col, select

from bot.channels.base import PermanentSendError, RejectedSendError, TemporarySendError
from bot.core.events import ButtonPress, Command, Media, MediaRef, Outgoing
from bot.core.models import Answer, Delivery, Goal, Member
from bot.outbox import MAX_ATTEMPTS, MAX_BACKOFF, Outbox
from tests.helpers.service import Harness, sender

GOALS_SUNDAY = datetime(2026, 12, 13, 10, 0, tzinfo=UTC)  # ISO week 50: a goals evening

ALEX = {
    "goals answer": "a small garden with tomatoes and quiet mornings",
    "late answer": "and a hammock, I forgot the hammock",
    "first appreciation": "how you carried the groceries in the rain",
    "first goal": "walk the whole coast path together",
    "first win": "we talked instead of scrolling tonight",
    "caption": "this photo of the harbour reminded me of us",
    "second appreciation": "your patience with my terrible jokes",
    "second goal": "cook a new recipe every month",
    "second win": "we finished the puzzle at last",
}
SAM = {
    "goals answer": "a year of saying yes to small adventures",
    "appreciation": "the note you hid in my coat pocket",
    "goal": "learn to sail before we turn forty",
    "win": "Sam's win about the repaired fence",
}
CHRIS = {
    "answer": "Chris's evening answer about the long drive",
    "appreciation": "Chris thanks you for the birthday cake",
    "goal": "Chris's goal of visiting Lisbon",
    "win": "Chris's win about the tidy attic",
}


async def press(bot: Harness, who: str, data: str) -> str:
    replies = await bot.send(ButtonPress(sender=sender(who, bot.names[who]), data=data))
    return "\n".join(out.text for out in replies)


async def answer_id(bot: Harness, user: str) -> int:
    async with bot.service.db.session() as session:
        member = (await session.exec(select(Member).where(Member.user_id == user))).one()
        found = (
            await session.exec(
                select(Answer.id)
                .where(Answer.member_id == member.id, col(Answer.late).is_(False))
                .order_by(col(Answer.id).desc())
            )
        ).first()
    assert found is not None
    return found


async def two_pairings(bot: Harness) -> None:
    """Alex writes everything there is to write with Sam, unpairs, and again with Chris."""
    bot.clock.set(GOALS_SUNDAY)
    for who in ("a", "b", "c"):
        await bot.say(who, "/timezone Europe/Berlin")
    await bot.pair("a", "b")
    await bot.say("a", "/checkin")
    await bot.say("a", ALEX["goals answer"])
    await bot.say("b", SAM["goals answer"])
    # Each saves the other's revealed answer as a goal: the words stay their author's.
    assert "Saved" in await press(bot, "b", f"save:{await answer_id(bot, 'a')}")
    assert "Saved" in await press(bot, "a", f"save:{await answer_id(bot, 'b')}")
    await bot.say("a", ALEX["late answer"])
    await bot.say("a", f"/appreciate {ALEX['first appreciation']}")
    await bot.say("a", f"/goal {ALEX['first goal']}")
    await bot.say("a", f"/win {ALEX['first win']}")
    await bot.say("b", f"/appreciate {SAM['appreciation']}")
    await bot.say("b", f"/goal {SAM['goal']}")
    await bot.say("b", f"/win {SAM['win']}")
    [ask] = await bot.say("a", "/unpair")
    assert "unpaired" in await press(bot, "a", ask.buttons[0][0].data)

    bot.clock.advance(timedelta(days=1))
    await bot.pair("a", "c")
    await bot.say("a", "/checkin")
    await bot.send(
        Media(
            sender=sender("a", "Alex"),
            media=MediaRef(channel="test", kind="photo", ref="photo-1", caption=ALEX["caption"]),
        )
    )
    await bot.say("c", CHRIS["answer"])
    await bot.say("a", f"/appreciate {ALEX['second appreciation']}")
    await bot.say("a", f"/goal {ALEX['second goal']}")
    await bot.say("a", f"/win {ALEX['second win']}")
    await bot.say("c", f"/appreciate {CHRIS['appreciation']}")
    await bot.say("c", f"/goal {CHRIS['goal']}")
    await bot.say("c", f"/win {CHRIS['win']}")


async def test_export_holds_all_i_wrote_in_every_pairing_and_none_of_my_partners_words(
    bot: Harness,
) -> None:
    await two_pairings(bot)
    [export] = [o for o in await bot.say("a", "/export") if o.attachment]
    assert export.attachment is not None
    raw = export.attachment.data.decode()
    data = json.loads(raw)
    for what, words in ALEX.items():
        assert words in raw, what
    for words in [*SAM.values(), *CHRIS.values()]:
        assert words not in raw
    assert [a["answer"] for a in data["answers"]] == [
        ALEX["goals answer"],
        ALEX["late answer"],
        ALEX["caption"],
    ]
    assert [a["late"] for a in data["answers"]] == [False, True, False]
    assert data["answers"][2]["media"] == "photo"
    assert data["answers"][2]["caption"] == ALEX["caption"]
    assert all(a["question"] for a in data["answers"])  # context: the prompt each answered
    assert [a["words"] for a in data["appreciations_sent"]] == [
        ALEX["first appreciation"],
        ALEX["second appreciation"],
    ]
    assert len(data["appreciations_received"]) == 2  # that they came, not the partner's words
    assert sorted(g["goal"] for g in data["goals"]) == sorted(
        [ALEX["goals answer"], ALEX["first goal"], ALEX["second goal"]]
    )
    assert [w["win"] for w in data["wins"]] == [ALEX["first win"], ALEX["second win"]]
    assert data["profile"]["paired_with"] == "Chris"


async def erase(bot: Harness, who: str) -> str:
    [ask] = await bot.say(who, "/deletemydata")
    return await press(bot, who, ask.buttons[0][0].data)


def file_bytes(database_url: str) -> dict[str, bytes]:
    """The raw bytes of the SQLite database and its WAL, read while the bot has them open."""
    base = Path(database_url.split("///", 1)[1])
    return {
        name: path.read_bytes()
        for name in ("db", "db-wal")
        if (path := base.with_name(base.name.removesuffix(".db") + "." + name)).exists()
    }


async def test_erased_words_leave_the_database_files_while_the_bot_runs(
    bot: Harness, database_url: str
) -> None:
    await two_pairings(bot)
    async with bot.service.db.session() as session:
        saved = await session.exec(select(Goal).where(col(Goal.source_answer_id).is_not(None)))
        assert [g.text for g in saved.all()].count(ALEX["goals answer"]) == 1
    if database_url.startswith("sqlite"):
        raw = file_bytes(database_url)
        assert set(raw) == {"db", "db-wal"}
        assert all(any(w.encode() in b for b in raw.values()) for w in ALEX.values())
    assert "erased" in await erase(bot, "a")
    async with bot.service.db.session() as session:
        goals = [g.text for g in (await session.exec(select(Goal))).all()]
    # The goal Sam saved from Alex's answer went with it; the one Alex saved from Sam's stays.
    assert ALEX["goals answer"] not in goals
    assert SAM["goals answer"] in goals
    if not database_url.startswith("sqlite"):
        return
    # Still running: Chris writes on, and the outbox keeps sending.
    await bot.say("c", "/win Chris carries on after the erase")
    for name, content in file_bytes(database_url).items():
        for what, words in ALEX.items():
            assert words.encode() not in content, (name, what)


async def test_an_erase_while_a_reader_holds_the_wal_finishes_and_scrubs_later(
    bot: Harness, database_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    if not database_url.startswith("sqlite"):
        pytest.skip("SQLite's write-ahead log")
    await two_pairings(bot)
    reader = sqlite3.connect(database_url.split("///", 1)[1], isolation_level=None)
    try:
        reader.execute("BEGIN")
        reader.execute("SELECT count(*) FROM answer").fetchone()  # holds an older snapshot
        with caplog.at_level(logging.WARNING):
            assert "erased" in await erase(bot, "a")
        warnings = [r for r in caplog.records if "checkpoint" in r.getMessage()]
        assert warnings
        for record in warnings:
            assert isinstance(record.__dict__.get("member"), int)
            for words in ALEX.values():
                assert words not in str(record.__dict__)
    finally:
        reader.close()
    await bot.service.run_due()  # the next beat tries again
    for name, content in file_bytes(database_url).items():
        for what, words in ALEX.items():
            assert words.encode() not in content, (name, what)


class FailingChannel:
    name = "test"

    def __init__(self, error: Exception) -> None:
        self.error = error

    async def send(self, out: Outgoing) -> str:
        raise self.error


@pytest.mark.parametrize(
    "error",
    [RejectedSendError("400 message too long"), PermanentSendError(), TemporarySendError("5xx")],
    ids=["rejected", "unreachable", "given-up"],
)
async def test_a_delivery_that_can_no_longer_be_sent_keeps_no_words(
    bot: Harness, error: Exception
) -> None:
    await bot.pair("a", "b")
    await bot.service.outbox.deliver_due()
    words = "the words that never arrived"
    await bot.service.handle(Command(sender=sender("a", "Alex"), name="appreciate", args=words))
    outbox = Outbox(bot.service.db, bot.clock, {"test": FailingChannel(error)})
    for _ in range(MAX_ATTEMPTS):
        await outbox.deliver_due()
        bot.clock.advance(MAX_BACKOFF)
    async with bot.service.db.session() as session:
        deliveries = (await session.exec(select(Delivery))).all()
    ended = [d for d in deliveries if d.kind == "appreciation"]
    assert [d.status for d in ended] == ["failed"]
    for delivery in deliveries:
        if delivery.status != "pending":
            assert delivery.payload["text"] == ""
            assert words not in json.dumps(delivery.payload)
