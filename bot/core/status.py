"""A status that stays put: one message in each partner's chat, kept pinned and edited in place
instead of resent ("💛 Day 1,234 together · 12 days until you meet · evening question at
20:30").

The core says what the line is, for each member in their language and zone: the days together
(from `Couple.anniversary`, else from the day they paired), the days until they meet while
`Couple.apart_until` is ahead, and the evening time (or until when questions are paused). It
goes out as an `Outgoing` with `status` set, through the outbox like any push: a channel that
can keep a status (`ports.StatusChannel`) edits the message `Member.status_ref` names, or, when
there is none or it is gone, sends a new one silently and pins it, never in quiet hours; a
channel that cannot skips it (`bot/outbox.py`). A status line never counts toward the daily
limit of unasked-for messages and never makes a sound.

It is brought up to date as each member's day begins (the "status" rhythm,
`bot/core/beat/status.py`; the first one comes the morning after pairing, so it does not crowd
"You're now paired") and whenever something it shows changes: whatever changes the evening
time, a zone, a language, the anniversary, the meet date or a pause calls
`changed(ctx, couple)`.
`/settings` turns it off for the couple (`Couple.status_on`), which unpins it in both chats;
unpairing unpins it too (`ended`).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from sqlalchemy import delete
from sqlmodel import SQLModel, col
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.core import texts, words
from bot.core.context import Ctx, recipient
from bot.core.events import DROP, KEEP, Outgoing, Recipient
from bot.core.local_time import local_date
from bot.core.members import couple_members
from bot.core.models import Couple, Delivery, Member
from bot.core.rhythm import new_deliveries
from bot.core.sql import among, insert_rows

KIND = "status"  # the deliveries' kind, and the rhythm's name
SEPARATOR = " · "


def days_together(couple: Couple, *, today: date, zone: str | None) -> int:
    """Which day together `today` is, counted from day 1: the anniversary's, or (with none, or
    one that is not a past date) the day they paired, in the reader's zone."""
    start = local_date(couple.created_at, zone)
    if couple.anniversary:
        try:
            anniversary = date.fromisoformat(couple.anniversary)
        except ValueError:
            anniversary = None
        if anniversary is not None and anniversary <= today:
            start = anniversary
    return max(1, (today - start).days + 1)


def days_until_meet(couple: Couple, *, today: date, zone: str | None, now: datetime) -> int | None:
    """How many days until the couple meet again (0: today), while the date is still ahead;
    None when they gave no date or it has passed."""
    if couple.apart_until is None or couple.apart_until <= now:
        return None
    return max(0, (local_date(couple.apart_until, zone) - today).days)


def line(couple: Couple, *, zone: str | None, lang: str | None, now: datetime) -> str:
    """The status line for a member who lives in `zone` and reads `lang`."""
    today = local_date(now, zone)
    day = words.number(days_together(couple, today=today, zone=zone), lang)
    parts = [words.translate(texts.PINNED_DAY, lang).format(day=day)]
    until = days_until_meet(couple, today=today, zone=zone, now=now)
    if until == 0:
        parts.append(words.translate(texts.PINNED_MEET_TODAY, lang))
    elif until is not None:
        parts.append(words.plural("PINNED_MEET", until, lang))
    if couple.paused_until is not None and couple.paused_until > now:
        until_day = words.when(couple.paused_until, zone, "day", lang)
        parts.append(words.translate(texts.PINNED_PAUSED, lang).format(day=until_day))
    elif couple.checkin_on or couple.curiosity_on or couple.goals_on:
        parts.append(words.translate(texts.PINNED_EVENING, lang).format(time=couple.evening_time))
    return SEPARATOR.join(parts)


def keep(to: Recipient, couple: Couple, *, zone: str | None, lang: str, now: datetime) -> Outgoing:
    """The member's status line, to show in their chat's status message."""
    return Outgoing(
        to=to, text=line(couple, zone=zone, lang=lang, now=now), silent=True, lang=lang, status=KEEP
    )


def drop(to: Recipient) -> Outgoing:
    """Unpin the member's status message."""
    return Outgoing(to=to, text="", silent=True, status=DROP)


def row(out: Outgoing, *, key: str, now: datetime, day: str | None = None) -> dict[str, Any]:
    """A status delivery's row: due now, not proactive (never counted toward the daily limit)."""
    return {
        "key": key,
        "member_id": out.to.member_id,
        "kind": KIND,
        "payload": out.to_payload(),
        "status": "pending",
        "attempts": 0,
        "next_attempt_at": now,
        "created_at": now,
        "day": day,
        "proactive": False,
    }


async def record(session: AsyncSession, rows: list[dict[str, Any]]) -> int:
    """Record status deliveries (made by `row`), each replacing any still waiting for the same
    member: only the newest line is worth sending. Returns how many were new."""
    if not rows:
        return 0
    await _forget_waiting(session, {r["member_id"] for r in rows})
    result = await insert_rows(
        session, SQLModel.metadata.tables["delivery"], rows, build=new_deliveries
    )
    return len(result.scalars().all())


async def _forget_waiting(session: AsyncSession, member_ids: set[int]) -> None:
    """Drop the status deliveries still waiting for these members."""
    await session.exec(
        delete(Delivery).where(
            among(col(Delivery.member_id), member_ids),
            col(Delivery.kind) == KIND,
            col(Delivery.status) == "pending",
        )
    )


def _key(member_id: int) -> str:
    return f"{KIND}:{member_id}:{uuid.uuid4().hex}"


async def changed(ctx: Ctx, couple: Couple) -> None:
    """Something the status line shows changed (the evening time, a zone, the anniversary, the
    meet date, a pause) or the switch did: bring both partners' lines up to date, or unpin
    them when the couple turned the status off. Call it after making the change."""
    assert couple.id is not None
    members = await couple_members(ctx.session, couple.id)
    if not couple.status_on or couple.ended_at is not None:
        await ended(ctx.session, members, now=ctx.now)
        return
    outs = [
        keep(
            recipient(member),
            couple,
            zone=member.timezone,
            lang=words.spoken(member.language),
            now=ctx.now,
        )
        for member in members
    ]
    await record(ctx.session, [row(out, key=_key(out.to.member_id), now=ctx.now) for out in outs])


async def ended(session: AsyncSession, members: Iterable[Member], *, now: datetime) -> None:
    """The couple is over (unpaired) or turned the status off: no line still waiting is sent,
    and each one's status message, if they have one, is unpinned."""
    people = [m for m in members if m.id is not None]
    await _forget_waiting(session, {m.id for m in people if m.id is not None})
    await record(
        session,
        [
            row(drop(recipient(m)), key=_key(m.id), now=now)
            for m in people
            if m.id is not None and m.status_ref is not None
        ],
    )
