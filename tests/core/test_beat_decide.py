"""The beat's decisions (`bot.core.beat.decide`): whether a claimed row fires at all, and which
made messages fit the member's daily limit."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bot.core.beat.claim import Row
from bot.core.beat.decide import may_fire, within_daily_limit
from bot.core.events import Outgoing, Recipient
from bot.core.models import Couple
from bot.core.rhythm import DAILY_LIMIT, GRACE, NUDGES, ONE_SHOT, RHYTHMS, delivery, record_many
from bot.db import Database
from tests.helpers.couples import couple_of_two, row_for
from tests.helpers.service import START

NOON = datetime(2026, 12, 2, 11, 0, tzinfo=UTC)  # Wednesday, 12:00 in Berlin
LATE = datetime(2026, 12, 2, 22, 0, tzinfo=UTC)  # Wednesday, 23:00 in Berlin


# A rhythm that is off unless the couple turns it on (/settings).
TURNED_ON: dict[str, dict[str, Any]] = {"digest": {"digest_on": True}}


def row(rhythm: str = "affection", slot: datetime = NOON, **couple: Any) -> Row:
    """A reachable member with a partner, in Berlin, whose `rhythm` is due at `slot` (and on,
    if it is one the couple turns on)."""
    couple = {**TURNED_ON.get(rhythm, {}), **couple}
    return Row(
        member_id=1,
        rhythm=rhythm,
        slot=slot,
        channel="test",
        chat_id="1",
        zone="Europe/Berlin",
        unreachable=False,
        current_conversation_id=None,
        couple=Couple(id=1, created_at=START, **couple),
        partner_id=2,
        partner_name="Sam",
        partner_zone="Europe/Berlin",
    )


@pytest.mark.parametrize("rhythm", [*RHYTHMS, *ONE_SHOT])
def test_a_row_at_its_slot_fires(rhythm: str) -> None:
    assert may_fire(row(rhythm), NOON)


def test_a_paused_couple_hears_nothing_until_the_pause_ends() -> None:
    until = NOON + timedelta(days=3)
    assert not may_fire(row("evening", paused_until=until), NOON)
    assert not may_fire(row("reminder", paused_until=until), NOON)
    assert may_fire(row("evening", paused_until=NOON), NOON)  # ends at that instant
    assert may_fire(row("evening", paused_until=NOON - timedelta(days=1)), NOON)


def test_an_unreachable_member_or_one_without_a_partner_is_not_sent_to() -> None:
    assert not may_fire(replace(row("evening"), unreachable=True), NOON)
    assert not may_fire(replace(row("evening"), partner_id=None), NOON)


@pytest.mark.parametrize("rhythm", NUDGES)
def test_a_switched_off_nudge_does_not_fire_and_stops_nothing_else(rhythm: str) -> None:
    off: dict[str, Any] = {NUDGES[rhythm].switch: False}
    assert not may_fire(row(rhythm, **off), NOON)
    for other in [*RHYTHMS, *ONE_SHOT]:
        if other != rhythm:
            assert may_fire(row(other, **off), NOON), other


def test_with_the_digest_on_the_nudges_wait_for_sunday_and_nothing_else_does() -> None:
    assert not may_fire(row("digest", digest_on=False), NOON)
    for rhythm in [*RHYTHMS, *ONE_SHOT]:
        assert may_fire(row(rhythm, digest_on=True), NOON) is (rhythm not in NUDGES), rhythm


def test_a_slot_more_than_the_grace_late_is_skipped() -> None:
    assert may_fire(row("evening"), NOON + GRACE)
    assert not may_fire(row("evening"), NOON + GRACE + timedelta(seconds=1))
    assert not may_fire(row("affection"), NOON + timedelta(days=1))


@pytest.mark.parametrize("rhythm", [*RHYTHMS, *ONE_SHOT])
def test_in_quiet_hours_only_the_evening_fires(rhythm: str) -> None:
    assert may_fire(row(rhythm, slot=LATE), LATE) is (rhythm == "evening")


def test_quiet_hours_are_read_at_the_slot_not_when_the_beat_runs() -> None:
    before_quiet = datetime(2026, 12, 2, 21, 0, tzinfo=UTC)  # 22:00 Berlin
    assert may_fire(row("affection", slot=before_quiet), before_quiet + timedelta(minutes=45))
    assert not may_fire(row("affection", slot=LATE), LATE + timedelta(hours=1))


# --- the daily limit --------------------------------------------------------------------------


def to(member_id: int) -> Outgoing:
    return Outgoing(Recipient(member_id, "test", str(member_id)), "a message")


async def test_the_daily_limit_counts_what_was_sent_and_keeps_claim_order(db: Database) -> None:
    day = NOON.date().isoformat()
    async with db.session() as session:
        couple, alex, sam = await couple_of_two(session)
        assert alex.id is not None
        assert sam.id is not None
        # Alex has had one proactive message today, and three yesterday (another day).
        sent = [
            delivery(alex.id, to(alex.id), kind=kind, day=on, now=START)
            for kind, on in [
                ("evening", day),
                ("evening", "2026-12-01"),
                ("date", "2026-12-01"),
                ("affection", "2026-12-01"),
            ]
        ]
        await record_many(session, sent)
        rows = [
            row_for(couple, alex, sam, "reminder", NOON),  # made nothing: uses no room
            row_for(couple, alex, sam, "affection", NOON),
            row_for(couple, alex, sam, "appreciation", NOON),
            row_for(couple, alex, sam, "date", NOON),
            row_for(couple, sam, alex, "affection", NOON),
            row_for(couple, sam, alex, "appreciation", NOON),
        ]
        made = {(r.member_id, r.rhythm): f"{r.member_id}:{r.rhythm}" for r in rows[1:]}
        kept = await within_daily_limit(session, rows, made)
    assert DAILY_LIMIT == 3
    assert [message for _, message in kept] == [
        f"{alex.id}:affection",
        f"{alex.id}:appreciation",  # Alex's third of the day; the date idea has no room
        f"{sam.id}:affection",
        f"{sam.id}:appreciation",
    ]
    assert all(made[(r.member_id, r.rhythm)] == message for r, message in kept)


async def test_a_member_already_at_the_limit_gets_nothing_more(db: Database) -> None:
    day = NOON.date().isoformat()
    async with db.session() as session:
        couple, alex, sam = await couple_of_two(session)
        assert alex.id is not None
        await record_many(
            session,
            [
                delivery(alex.id, to(alex.id), kind=kind, day=day, now=START)
                for kind in ("evening", "affection", "date")
            ],
        )
        rows = [row_for(couple, alex, sam, "reminder", NOON)]
        assert await within_daily_limit(session, rows, {(alex.id, "reminder"): "x"}) == []
        assert await within_daily_limit(session, [], {}) == []
