"""Data rights and privacy at rest: /export, /deletemydata, encryption, key rotation, backup."""

from __future__ import annotations

import asyncio
import json
import logging
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from bot import crypto, maintenance
from bot.core.events import ButtonPress, Command
from bot.core.models import Delivery, Goal, Member
from bot.db import Database
from tests.helpers.service import START, Harness, sender

WORDS = {
    "answer": "the lighthouse we never visited",
    "appreciation": "the way you hum while cooking",
    "goal": "learn the tango before spring",
    "win": "we finally fixed the bicycle",
}


async def full_history(bot: Harness) -> None:
    await bot.say("a", "/timezone Europe/Berlin")
    await bot.say("b", "/timezone Europe/Berlin")
    await bot.pair()
    await bot.say("a", "/checkin")
    await bot.say("a", WORDS["answer"])
    await bot.say("b", "a reply from Sam about the evening")
    await bot.say("a", f"/appreciate {WORDS['appreciation']}")
    await bot.say("b", "/appreciate thank you for the tea, Alex")
    await bot.say("a", f"/goal {WORDS['goal']}")
    await bot.say("a", f"/win {WORDS['win']}")


async def test_export_holds_my_profile_answers_appreciations_goals_wins_and_dates(
    bot: Harness,
) -> None:
    await full_history(bot)
    await bot.say("a", "/date fri 19:30")
    reply = next(o for o in await bot.say("a", "/export") if o.attachment)
    assert reply.attachment is not None
    assert reply.attachment.kind == "document"
    data = json.loads(reply.attachment.data)
    assert data["profile"]["name"] == "Alex"
    assert data["profile"]["paired_with"] == "Sam"
    assert [a["answer"] for a in data["answers"]] == [WORDS["answer"]]
    assert data["answers"][0]["question"]
    assert [a["words"] for a in data["appreciations_sent"]] == [WORDS["appreciation"]]
    assert len(data["appreciations_received"]) == 1
    assert "thank you for the tea, Alex" not in reply.attachment.data.decode()  # Sam's words
    assert [g["goal"] for g in data["goals"]] == [WORDS["goal"]]
    assert [w["win"] for w in data["wins"]] == [WORDS["win"]]
    assert len(data["dates"]) == 1
    assert "a reply from Sam" not in reply.attachment.data.decode()  # Sam's answers are Sam's


async def test_deletemydata_erases_everything_i_wrote_and_tells_the_partner(bot: Harness) -> None:
    await full_history(bot)
    async with bot.service.db.session() as session:
        alex = (await session.exec(select(Member).where(Member.user_id == "a"))).one()
    [ask] = await bot.say("a", "/deletemydata")
    assert "can't be undone" in ask.text
    assert (
        "Nothing was erased"
        in (await bot.send(ButtonPress(sender=sender("a", "Alex"), data=ask.buttons[1][0].data)))[
            0
        ].text
    )
    [ask] = await bot.say("a", "/deletemydata")
    # Someone else pressing Alex's button erases nothing.
    forged = await bot.send(ButtonPress(sender=sender("b", "Sam"), data=ask.buttons[0][0].data))
    assert "expired" in forged[0].text
    [done] = await bot.send(ButtonPress(sender=sender("a", "Alex"), data=ask.buttons[0][0].data))
    assert "erased" in done.text
    assert any(
        "has left Rekindle and erased their data" in o.text
        for o in bot.channel.sent
        if o.to.chat_id == "b"
    )
    # Scan every table, every column: no trace of Alex's id as a member reference, no words.
    async with bot.service.db.engine.connect() as conn:
        tables = await conn.run_sync(lambda sync: inspect(sync).get_table_names())
        for table in tables:
            rows = (await conn.execute(text(f'SELECT * FROM "{table}"'))).mappings().all()
            for row in rows:
                flat = json.dumps({k: str(v) for k, v in row.items()})
                for words in WORDS.values():
                    assert words not in flat, (table, row)
                if table == "member":
                    assert row["id"] != alex.id
                for column in (
                    "member_id",
                    "sender_id",
                    "receiver_id",
                    "created_by",
                    "author_id",
                    "member_a_id",
                    "member_b_id",
                    "used_by_member_id",
                ):
                    if column in row:
                        assert row[column] != alex.id, (table, column, row)
    # Sam's own words stay Sam's.
    [export] = [o for o in await bot.say("b", "/export") if o.attachment]
    assert export.attachment is not None
    assert "a reply from Sam" in export.attachment.data.decode()
    # Alex can start again from nothing.
    assert "Hi Alex" in (await bot.say("a", "/start"))[0].text


async def test_with_a_key_the_database_file_holds_no_partner_words(
    bot: Harness, database_url: str
) -> None:
    if not database_url.startswith("sqlite"):
        pytest.skip("reads the raw SQLite file")
    crypto.use(crypto.new_key())
    await full_history(bot)
    await bot.service.db.dispose()  # checkpoint the WAL into the file
    raw = b""
    for path in Path(database_url.split("///", 1)[1]).parent.glob("test.db*"):
        raw += path.read_bytes()
    for words in WORDS.values():
        assert words.encode() not in raw
    assert b"enc1:" in raw
    # ...and the bot still reads them back.
    [export] = [o for o in await bot.say("a", "/export") if o.attachment]
    assert export.attachment is not None
    assert WORDS["answer"] in export.attachment.data.decode()


async def test_a_key_can_be_rotated_and_old_plain_texts_get_encrypted(bot: Harness) -> None:
    await full_history(bot)  # written without a key
    old, new = crypto.new_key(), crypto.new_key()
    crypto.use(old)
    assert await maintenance.rotate_key(bot.service.db) > 0
    crypto.use(f"{new},{old}")
    assert await maintenance.rotate_key(bot.service.db) > 0
    crypto.use(new)  # the old key is gone now, and everything still reads
    [export] = [o for o in await bot.say("a", "/export") if o.attachment]
    assert export.attachment is not None
    assert WORDS["goal"] in export.attachment.data.decode()
    crypto.use(old)  # everything is under the new key now: the old one reads nothing
    [export] = [o for o in await bot.say("a", "/export") if o.attachment]
    assert export.attachment is not None
    assert WORDS["goal"] not in export.attachment.data.decode()
    assert crypto.UNREADABLE in export.attachment.data.decode()


def test_a_wrong_key_is_explained() -> None:
    with pytest.raises(crypto.KeyError_, match="new-key"):
        crypto.use("not-a-key")


async def test_backup_copies_a_live_sqlite_database(
    bot: Harness, database_url: str, tmp_path: Path
) -> None:
    if not database_url.startswith("sqlite"):
        pytest.skip("SQLite's backup API")
    await full_history(bot)
    target = tmp_path / "copy" / "backup.db"
    result = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "bot", "backup", str(target)],
        env={"DATABASE_URL": database_url, "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "Backed up" in result.stdout
    copy = sqlite3.connect(target)
    assert copy.execute("SELECT count(*) FROM member").fetchone()[0] == 2
    assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    copy.close()


def test_backup_of_postgres_points_to_pg_dump(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot", "backup", str(tmp_path / "x")],
        env={"DATABASE_URL": "postgresql+asyncpg://u@h/db", "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert "pg_dump" in result.stderr


def test_without_a_key_the_bot_warns_once(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    from bot.app import build
    from bot.clock import SystemClock
    from bot.config import Settings

    async def start() -> None:
        service = await build(
            Settings(_env_file=None),
            SystemClock(),
            {},
            database_url=f"sqlite+aiosqlite:///{tmp_path / 'k.db'}",
        )
        await service.db.dispose()

    with caplog.at_level("WARNING"):
        asyncio.run(start())
    warnings = [r for r in caplog.records if "ENCRYPTION_KEY is not set" in r.getMessage()]
    assert len(warnings) == 1


async def test_erasing_removes_my_words_still_waiting_in_the_outbox(bot: Harness) -> None:
    """Found by the property-based test: a queued appreciation kept the erased words, and the
    next appreciation collided with its key."""
    await full_history(bot)
    await bot.service.handle(
        Command(sender=sender("a", "Alex"), name="appreciate", args="queued words, unsent")
    )
    [ask] = await bot.service.handle(Command(sender=sender("a", "Alex"), name="deletemydata"))
    await bot.service.handle(ButtonPress(sender=sender("a", "Alex"), data=ask.buttons[0][0].data))
    async with bot.service.db.session() as session:
        waiting = (await session.exec(select(Delivery).where(Delivery.status == "pending"))).all()
    assert all("queued words" not in json.dumps(d.payload) for d in waiting)
    await bot.pair("a", "b")
    assert "Sent to Sam" in (await bot.say("a", "/appreciate after starting again"))[0].text


async def test_a_failing_write_logs_none_of_the_partners_words(
    db: Database, caplog: pytest.LogCaptureFixture
) -> None:
    """SQLAlchemy puts a statement's parameters into its errors (`[parameters: (...)]`), and an
    error's traceback goes to the log: the engine must leave them out."""
    words = "my very private words about the lake"
    log = logging.getLogger("tests.failing_write")
    with pytest.raises(IntegrityError) as caught:
        async with db.session() as session:
            session.add(Goal(couple_id=999_999, text=words, created_at=START))  # no such couple
    log.exception("unit of work failed", exc_info=caught.value)
    assert words not in str(caught.value)
    assert words not in repr(caught.value)
    assert words not in caplog.text
    assert "unit of work failed" in caplog.text  # the traceback was logged, without the words
