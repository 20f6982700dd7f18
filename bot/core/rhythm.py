"""The daily rhythm: when each member's next prompt or nudge is due (`bot/core/beat/` sends).

Each (member, rhythm) has one row in `schedule` with its next due instant, indexed, so a tick
with nothing due is one index probe. A due row becomes a delivery whose unique key names
(kind, member, local date): however many ticks or processes see the row, one message results.
A row more than two hours late (the bot was down) is skipped for that day.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from functools import lru_cache
from typing import Any

from sqlalchemy import FromClause, delete, func
from sqlmodel import SQLModel, col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.core.events import Outgoing
from bot.core.local_time import local_date, local_moment, parse_hhmm
from bot.core.models import Couple, Delivery, Member, Schedule
from bot.core.sql import among, insert, insert_from, insert_rows
from bot.core.zones import zone_info

GRACE = timedelta(hours=2)
REMINDER_AFTER = timedelta(minutes=90)
DAILY_LIMIT = 3  # proactive messages per member per local day
QUIET_FROM, QUIET_UNTIL = time(22, 30), time(7, 30)


@dataclass(frozen=True)
class Weekly:
    """A nudge on some weekdays (0 = Monday) at a fixed local time."""

    days: frozenset[int]
    at: time
    switch: str  # the couple's on/off column


NUDGES = {
    "affection": Weekly(frozenset({1, 5}), time(8, 0), "affection_on"),  # Tue, Sat morning
    "appreciation": Weekly(frozenset({2}), time(18, 0), "appreciation_on"),  # Wednesday evening
    "date": Weekly(frozenset({3}), time(18, 0), "date_on"),  # Thursday evening
}
RECAP = Weekly(frozenset({6}), time(19, 0), "")  # Sunday evening, only if they shared anything
# The pinned status line, brought up to date as each day begins (`bot/core/beat/status.py`).
STATUS = Weekly(frozenset(range(7)), time(0, 0), "status_on")
# The week's nudges in one message, instead of on their own days (`bot.core.cadence`).
DIGEST = Weekly(frozenset({6}), time(10, 0), "digest_on")  # Sunday morning
# Every morning, our dates are looked at (`bot/core/our_dates.py`); a message only on a day
# that is one of them: an anniversary, a birthday, days together, the day they meet.
OUR_DAYS = Weekly(frozenset(range(7)), time(9, 30), "")
RHYTHMS = ("evening", *NUDGES, "recap", "status", "digest", "ourdays")
SHOWN: dict[str, object] = {"text": "", "buttons": [], "media": None, "sent": True}
ONE_SHOT = ("reminder", "date-morning", "date-ask")  # set by an event, fire once, then go


def next_due(rhythm: str, after: datetime, *, couple: Couple, zone: str | None) -> datetime:
    """The first instant strictly after `after` at which the rhythm comes round for the member."""
    return _next_due(rhythm, after, evening_time=couple.evening_time, zone=zone)


@lru_cache(maxsize=4096)  # a batch's rows share a few instants, evening times and zones
def _next_due(rhythm: str, after: datetime, *, evening_time: str, zone: str | None) -> datetime:
    if rhythm == "evening":
        at = parse_hhmm(evening_time) or time(20, 30)
        days: frozenset[int] = frozenset(range(7))
    else:
        weekly = {"recap": RECAP, "status": STATUS, "digest": DIGEST, "ourdays": OUR_DAYS}.get(
            rhythm
        ) or NUDGES[rhythm]
        at, days = weekly.at, weekly.days
    start = local_date(after, zone)
    for offset in range(9):
        day = start + timedelta(days=offset)
        if day.weekday() in days:
            moment = local_moment(day, at, zone=zone)
            if moment > after:
                return moment
    raise AssertionError("unreachable: every rhythm recurs within a week")


async def plan(
    session: AsyncSession, couple: Couple, *, members: list[Member], now: datetime
) -> None:
    """(Re)write every member's schedule from the couple's settings, e.g. after pairing or a
    change of time or zone. A slot already delivered today keeps its unique key, so moving the
    time later on the same day does not send the day's prompt again."""
    for member in members:
        assert member.id is not None
        for rhythm in RHYTHMS:
            await set_due(
                session,
                member.id,
                rhythm=rhythm,
                due=next_due(rhythm, now, couple=couple, zone=member.timezone),
            )


async def plan_missing(
    session: AsyncSession, evenings: Iterable[tuple[int, Couple, str | None]], *, now: datetime
) -> None:
    """Members paired before a rhythm existed have no row for it: give each member whose
    evening comes round (member id, couple, zone) a row for every rhythm they lack, due at its
    next time (one lookup, then one insert for what is missing). So a new rhythm reaches every
    couple within a day, without a migration that would have to know each member's zone."""
    members = {member_id: (couple, zone) for member_id, couple, zone in evenings}
    if not members:
        return
    # Only the rows of members who lack a rhythm come back (almost always none): the counting
    # is the database's, over the primary key's entries of these members. Each has a row (the
    # evening that brought them here), so each one lacking some is counted.
    schedule = SQLModel.metadata.tables["schedule"]
    lacking = (
        select(schedule.c.member_id)
        .where(among(schedule.c.member_id, members), schedule.c.rhythm.in_(RHYTHMS))
        .group_by(schedule.c.member_id)
        .having(func.count() < len(RHYTHMS))
    )
    found = await session.exec(
        select(schedule.c.member_id, schedule.c.rhythm).where(
            schedule.c.member_id.in_(lacking), schedule.c.rhythm.in_(RHYTHMS)
        )
    )
    have: dict[int, set[str]] = {}
    for member_id, rhythm in found.all():
        have.setdefault(member_id, set()).add(rhythm)
    params = [
        {
            "member_id": member_id,
            "rhythm": rhythm,
            "next_due_at": next_due(rhythm, now, couple=couple, zone=zone),
        }
        for member_id, rhythms in have.items()
        for couple, zone in [members[member_id]]
        for rhythm in RHYTHMS
        if rhythm not in rhythms
    ]
    if params:
        await session.exec(
            insert(session, schedule).on_conflict_do_nothing(
                index_elements=["member_id", "rhythm"]
            ),
            params=params,
        )


async def set_due(session: AsyncSession, member_id: int, *, rhythm: str, due: datetime) -> None:
    await session.exec(
        insert(session, Schedule)
        .values(member_id=member_id, rhythm=rhythm, next_due_at=due)
        .on_conflict_do_update(index_elements=["member_id", "rhythm"], set_={"next_due_at": due})
    )


async def ensure_due(session: AsyncSession, member_id: int, *, rhythm: str, due: datetime) -> None:
    """Give the member a row for the rhythm if they have none (a rhythm added after they
    paired); a row already there keeps its time."""
    await session.exec(
        insert(session, Schedule)
        .values(member_id=member_id, rhythm=rhythm, next_due_at=due)
        .on_conflict_do_nothing(index_elements=["member_id", "rhythm"])
    )


async def unplan(session: AsyncSession, member_ids: list[int]) -> None:
    await session.exec(delete(Schedule).where(col(Schedule.member_id).in_(member_ids)))


def in_quiet_hours(moment: datetime, zone: str | None) -> bool:
    """Whether it is between 22:30 and 07:30 on the zone's clock."""
    local = moment.astimezone(zone_info(zone)).time()
    return local >= QUIET_FROM or local < QUIET_UNTIL


def is_quiet(moment: datetime, zone: str | None, *, couple: Couple, rhythm: str) -> bool:
    """Between 22:30 and 07:30 local no nudge is sent; the evening question comes at the time
    the couple chose, even a late one (the outbox then sends it silently)."""
    return in_quiet_hours(moment, zone) and rhythm != "evening"


async def sent_today(
    session: AsyncSession, keys: Iterable[tuple[int, str]]
) -> Counter[tuple[int, str]]:
    """How many proactive messages each (member, local ISO date) has had, in one query."""
    keys = set(keys)
    counts: Counter[tuple[int, str]] = Counter()
    if not keys:
        return counts
    result = await session.exec(
        select(col(Delivery.member_id), col(Delivery.day), func.count())
        .where(
            among(col(Delivery.member_id), {member for member, _ in keys}),
            among(col(Delivery.day), {day for _, day in keys}),
            col(Delivery.proactive),
        )
        .group_by(col(Delivery.member_id), col(Delivery.day))
    )
    for member_id, day, number in result.all():
        counts[(member_id, day or "")] = number
    return counts


def delivery(
    member_id: int,
    out: Outgoing,
    *,
    kind: str,
    day: str,
    now: datetime,
    conversation_id: int | None = None,
    sent: bool = False,
) -> dict[str, Any]:
    """A proactive delivery's row, under its unique key (kind, member, local date). `sent`
    makes one whose words went out another way (in a reply): it holds the key, and no words."""
    return {
        "key": f"{kind}:{member_id}:{day}",
        "member_id": member_id,
        "kind": kind,
        "payload": SHOWN if sent else out.to_payload(),
        "status": "sent" if sent else "pending",
        "attempts": 0,
        "sent_at": now if sent else None,
        "next_attempt_at": now,
        "created_at": now,
        "day": day,
        "proactive": True,
        "conversation_id": conversation_id,
    }


async def record_many(session: AsyncSession, rows: list[dict[str, Any]]) -> set[str]:
    """Record deliveries (made by `delivery`); return the keys that were new (a key already
    there is left as it was)."""
    if not rows:
        return set()
    # One small statement for every row (`insert_rows`: the rows bound as one parameter per
    # column), made once and the same text for every batch: compiled and prepared once.
    result = await insert_rows(
        session, SQLModel.metadata.tables["delivery"], rows, build=new_deliveries
    )
    return set(result.scalars().all())


def new_deliveries(listed: FromClause, dialect: str) -> Any:
    """INSERT the listed deliveries, each key only once; RETURNING the keys that were new."""
    table = SQLModel.metadata.tables["delivery"]
    return (
        insert_from(table, listed, dialect=dialect)
        .on_conflict_do_nothing(index_elements=["key"])
        .returning(table.c.key)
    )


async def record(
    session: AsyncSession,
    member: Member,
    out: Outgoing,
    *,
    kind: str,
    day: str,
    now: datetime,
    conversation_id: int | None = None,
    sent: bool = False,
) -> bool:
    """Record a proactive delivery under its unique key; False if it was already there. `sent`
    records one whose words went out another way (in a reply): it holds the key, and no words."""
    assert member.id is not None
    row = delivery(
        member.id, out, kind=kind, day=day, now=now, conversation_id=conversation_id, sent=sent
    )
    return bool(await record_many(session, [row]))
