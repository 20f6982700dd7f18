"""Stored words read back as written: a text that looks like ciphertext is still plain text, a
value no key can read takes down only itself, and the bot refuses to start with keys that
cannot read what is stored (issue #11, items 1 and 2)."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from asyncio.subprocess import PIPE
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlmodel import select

from bot import crypto, maintenance
from bot.core.models import Couple, Delivery, Goal
from bot.db import Database, _upgrade
from tests.helpers.service import Harness


async def paired(bot: Harness) -> None:
    await bot.say("a", "/start")
    await bot.say("b", "/start")
    await bot.pair()


@pytest.mark.parametrize("words", ["enc1:hello", "txt1:hello", "enc1:gAAAAABnot-really"])
async def test_a_goal_that_looks_like_ciphertext_is_kept_as_written(
    bot: Harness, words: str
) -> None:
    await paired(bot)
    await bot.say("a", f"/goal {words}")
    [listing] = await bot.say("a", "/goals")
    assert f"• {words}" in listing.text
    [export] = [o for o in await bot.say("a", "/export") if o.attachment]
    assert export.attachment is not None
    assert [g["goal"] for g in json.loads(export.attachment.data)["goals"]] == [words]


async def test_an_answer_that_looks_like_ciphertext_is_revealed(bot: Harness) -> None:
    await paired(bot)
    await bot.say("a", "/checkin")
    await bot.say("a", "enc1:my answer")
    await bot.say("b", "txt1:and mine")
    assert any("enc1:my answer" in line for line in bot.channel.to("b"))
    assert any("txt1:and mine" in line for line in bot.channel.to("a"))


async def test_with_a_key_such_texts_are_encrypted_and_read_back(bot: Harness) -> None:
    crypto.use(crypto.new_key())
    await paired(bot)
    await bot.say("a", "/goal enc1:hello")
    [listing] = await bot.say("a", "/goals")
    assert "• enc1:hello" in listing.text


async def test_migration_0005_escapes_plain_texts_written_before_it(database_url: str) -> None:
    """A database at 0004 holds a plain 'enc1:hello' (the bug), a plain 'txt1:x', and a real
    ciphertext: after the upgrade all three read back as written."""
    key = crypto.new_key()
    db = Database(database_url)
    async with db.engine.begin() as conn:
        await conn.run_sync(_upgrade, "0004")
        await conn.execute(
            text(
                "INSERT INTO couple (id, evening_time, curiosity_days, checkin_on, curiosity_on,"
                " appreciation_on, affection_on, goals_on, date_on, depth, depth_answered,"
                " created_at) VALUES (1, '20:30', 'mon', true, true, true, true, true, true,"
                " 1, 0, '2026-12-01 10:00:00')"
            )
        )
        crypto.use(key)
        ciphertext = crypto.seal("a secret goal")
        crypto.use(None)
        for goal_id, stored in ((1, "enc1:hello"), (2, "txt1:x"), (3, ciphertext), (4, "plain")):
            await conn.execute(
                text(
                    "INSERT INTO goal (id, couple_id, text, created_at)"
                    " VALUES (:id, 1, :text, '2026-12-01 10:00:00')"
                ),
                {"id": goal_id, "text": stored},
            )
        await conn.run_sync(_upgrade, "head")
    crypto.use(key)
    async with db.session() as session:
        goals = (await session.exec(select(Goal).order_by(Goal.id))).all()  # type: ignore[arg-type]
    assert [g.text for g in goals] == ["enc1:hello", "txt1:x", "a secret goal", "plain"]
    await db.dispose()


async def test_a_value_no_key_can_read_takes_down_only_itself(bot: Harness) -> None:
    await paired(bot)
    crypto.use(crypto.new_key())
    await bot.say("a", "/goal written with the first key")
    crypto.use(crypto.new_key())  # the first key is lost
    await bot.say("a", "/goal written with the second key")
    [listing] = await bot.say("a", "/goals")
    assert "• written with the second key" in listing.text
    assert f"• {crypto.UNREADABLE}" in listing.text
    [export] = [o for o in await bot.say("a", "/export") if o.attachment]
    assert export.attachment is not None
    goals = [g["goal"] for g in json.loads(export.attachment.data)["goals"]]
    assert goals == [crypto.UNREADABLE, "written with the second key"]


async def test_an_unreadable_delivery_is_marked_failed_and_the_others_go_out(
    bot: Harness,
) -> None:
    await paired(bot)
    bot.channel.clear()
    crypto.use(crypto.new_key())
    held = bot.service.outbox.deliver_due

    async def hold(limit: int = 100) -> int:  # keep the first appreciation in the outbox
        return 0

    bot.service.outbox.deliver_due = hold  # type: ignore[method-assign]
    await bot.say("a", "/appreciate queued under a key that is then lost")
    crypto.use(crypto.new_key())
    await bot.say("b", "/appreciate queued under the key in use")
    bot.service.outbox.deliver_due = held  # type: ignore[method-assign]
    assert await bot.service.outbox.deliver_due() == 1
    assert any("queued under the key in use" in line for line in bot.channel.to("a"))
    assert not any("lost" in line for line in bot.channel.to("b"))
    async with bot.service.db.session() as session:
        statuses = sorted(
            d.status
            for d in (await session.exec(select(Delivery))).all()
            if d.kind == "appreciation"
        )
    assert statuses == ["failed", "sent"]
    assert await bot.service.outbox.deliver_due() == 0  # the failed one is not tried again


async def test_rotate_key_leaves_what_it_cannot_read_untouched(bot: Harness) -> None:
    await paired(bot)
    lost, kept, new = crypto.new_key(), crypto.new_key(), crypto.new_key()
    crypto.use(lost)
    await bot.say("a", "/goal under the lost key")
    crypto.use(kept)
    await bot.say("a", "/goal under the kept key")
    crypto.use(f"{new},{kept}")
    with pytest.raises(crypto.KeyError_, match="could not be read"):
        await maintenance.rotate_key(bot.service.db)
    crypto.use(f"{new},{lost}")  # the lost key turns up again: nothing was overwritten
    await maintenance.rotate_key(bot.service.db)
    crypto.use(new)
    [listing] = await bot.say("a", "/goals")
    assert "• under the lost key" in listing.text
    assert "• under the kept key" in listing.text


async def test_the_start_check_reads_the_oldest_and_newest_encrypted_values(
    bot: Harness,
) -> None:
    await paired(bot)
    assert await maintenance.unreadable_store(bot.service.db) is None  # nothing encrypted
    first = crypto.new_key()
    crypto.use(first)
    await bot.say("a", "/win an early win")
    assert await maintenance.unreadable_store(bot.service.db) is None
    crypto.use(None)
    assert "no ENCRYPTION_KEY" in (await maintenance.unreadable_store(bot.service.db) or "")
    crypto.use(crypto.new_key())
    assert "(table win)" in (await maintenance.unreadable_store(bot.service.db) or "")
    crypto.use(f"{crypto.new_key()},{first}")
    assert await maintenance.unreadable_store(bot.service.db) is None


async def _start_bot(database_url: str, key: str | None) -> tuple[int, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"ENCRYPTION_KEY", "DISCORD_TOKEN"}}
    env.update(
        DATABASE_URL=database_url, BOT_TOKEN="123:fake", TELEGRAM_API_URL="http://127.0.0.1:9/bot"
    )
    if key is not None:
        env["ENCRYPTION_KEY"] = key
    child = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        env=env,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=PIPE,
        stderr=PIPE,
    )
    _out, err = await asyncio.wait_for(child.communicate(), 60)
    assert child.returncode is not None
    return child.returncode, err.decode()


@pytest.mark.parametrize("given", ["none", "another"])
async def test_the_bot_refuses_to_start_with_keys_that_cannot_read_the_store(
    tmp_path: Path, given: str
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'keyed.db'}"
    db = Database(url)
    await db.migrate()
    crypto.use(crypto.new_key())
    async with db.session() as session:
        couple = Couple(created_at=datetime.now(UTC))
        session.add(couple)
        await session.flush()
        assert couple.id is not None
        session.add(Goal(couple_id=couple.id, text="under a key", created_at=datetime.now(UTC)))
    await db.dispose()
    crypto.use(None)
    status, err = await _start_bot(url, None if given == "none" else crypto.new_key())
    assert status == 2
    assert "ENCRYPTION_KEY" in err
    assert "rotate-key" in err
    assert "under a key" not in err
