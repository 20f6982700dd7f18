"""Decide: whether a claimed row fires at all (pause, reachability, its switch, quiet hours, the
2-hour grace), and which of the made messages fit the member's daily limit."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import TypeVar

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.core.beat.claim import Row
from bot.core.rhythm import DAILY_LIMIT, DIGEST, GRACE, NUDGES, is_quiet, sent_today

T = TypeVar("T")


def may_fire(row: Row, now: datetime) -> bool:
    couple = row.couple
    if now - row.slot > GRACE or row.partner_id is None or row.unreachable:
        return False
    if couple.paused_until is not None and couple.paused_until > now:
        return False
    if row.rhythm in NUDGES and not getattr(couple, NUDGES[row.rhythm].switch):
        return False
    # With the Sunday digest on, the nudges come in it, not on their own days.
    if row.rhythm in NUDGES and couple.digest_on:
        return False
    if row.rhythm == "digest" and not getattr(couple, DIGEST.switch):
        return False
    return not is_quiet(row.slot, row.zone, couple=couple, rhythm=row.rhythm)


async def within_daily_limit(
    session: AsyncSession, rows: list[Row], made: Mapping[tuple[int, str], T]
) -> list[tuple[Row, T]]:
    """The rows that made a message, in claim order, each with it, as long as the member's local
    day has room (DAILY_LIMIT proactive messages, counting those already recorded)."""
    sent = await sent_today(session, [(row.member_id, row.day.isoformat()) for row in rows])
    kept: list[tuple[Row, T]] = []
    for row in rows:
        key = (row.member_id, row.day.isoformat())
        if sent[key] >= DAILY_LIMIT:
            continue
        message = made.get((row.member_id, row.rhythm))
        if message is None:
            continue
        sent[key] += 1
        kept.append((row, message))
    return kept
