"""Invite codes are stored as HMAC-SHA256 under a server secret, not as a plain SHA-256: a copy
of the database alone is not enough to try codes against the stored hashes."""

from __future__ import annotations

import hashlib
import hmac
from datetime import timedelta

from sqlmodel import select

from bot.core import pairing, texts
from bot.core.models import Invite, Member
from bot.outbox import Outbox
from bot.service import Rekindle
from tests.helpers.service import LIBRARY, PAIRING_KEY, START, Harness, RecordingChannel


async def make_code(bot: Harness, who: str = "a") -> str:
    replies = await bot.say(who, "/pair")
    return next(out.invite_code for out in replies if out.invite_code)


async def stored_hashes(bot: Harness) -> list[str]:
    async with bot.service.db.session() as session:
        return list((await session.exec(select(Invite.code_hash))).all())


def with_keys(bot: Harness, *keys: bytes) -> Harness:
    """Another process on the same database, with its own idea of the server secret."""
    db, clock = bot.service.db, bot.clock
    channel = RecordingChannel()
    service = Rekindle(
        db=db,
        clock=clock,
        content=LIBRARY,
        outbox=Outbox(db, clock, {"test": channel}),
        pairing_keys=keys,
    )
    return Harness(service, channel, clock)


async def test_the_stored_hash_is_an_hmac_under_the_server_secret(bot: Harness) -> None:
    code = await make_code(bot)
    [stored] = await stored_hashes(bot)
    assert stored != hashlib.sha256(code.encode()).hexdigest()
    assert stored == hmac.new(PAIRING_KEY, code.encode(), hashlib.sha256).hexdigest()
    assert stored == pairing.code_hash(code, PAIRING_KEY)
    replies = await bot.say("b", f"/pair {code}")
    assert any("paired with Alex" in out.text for out in replies)


async def test_a_database_copy_with_the_wrong_secret_matches_no_code(bot: Harness) -> None:
    code = await make_code(bot)
    [stored] = await stored_hashes(bot)
    wrong = b"w" * 32
    assert pairing.code_hash(code, wrong) != stored
    stranger = with_keys(bot, wrong)
    replies = await stranger.say("b", f"/pair {code}")
    assert not any("paired with" in out.text for out in replies)
    assert [out.text for out in replies] == [texts.PAIR_UNKNOWN]


async def test_after_a_secret_rotation_a_code_hashed_with_the_old_one_still_redeems(
    bot: Harness,
) -> None:
    code = await make_code(bot)  # hashed with PAIRING_KEY
    new = b"n" * 32
    rotated = with_keys(bot, new, PAIRING_KEY)
    replies = await rotated.say("b", f"/pair {code}")
    assert any("paired with Alex" in out.text for out in replies)
    fresh = await make_code(rotated, "c")
    assert pairing.code_hash(fresh, new) in await stored_hashes(rotated)  # new codes: new key


async def test_an_invite_stored_before_the_upgrade_as_plain_sha256_still_redeems(
    bot: Harness,
) -> None:
    """Transitional: invites made by the previous version live up to 24 hours."""
    await bot.say("a", "/start")
    code = "K7MQ2XRT9B"
    async with bot.service.db.session() as session:
        alex = (await session.exec(select(Member).where(Member.user_id == "a"))).one()
        assert alex.id is not None
        session.add(
            Invite(
                code_hash=hashlib.sha256(code.encode()).hexdigest(),
                member_id=alex.id,
                created_at=START - timedelta(hours=1),
                expires_at=START + timedelta(hours=23),
            )
        )
    replies = await bot.say("b", f"/pair {code}")
    assert any("paired with Alex" in out.text for out in replies)
