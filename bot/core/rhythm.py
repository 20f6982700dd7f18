"""The daily rhythm: when each member's next prompt or nudge is due, and the tick that sends it.

Each (member, rhythm) has one row in `schedule` with its next due instant, indexed, so a tick
with nothing due is one index probe. A due row becomes a delivery whose unique key names
(kind, member, local date): however many ticks or processes see the row, one message results.
A row more than two hours late (the bot was down) is skipped for that day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from sqlalchemy import delete, func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.content import Library
from bot.core import texts
from bot.core.conversations import conversation_for_day, evening_kind, prompt_buttons, prompt_text
from bot.core.events import Outgoing, Recipient, keyboard
from bot.core.models import Answer, Conversation, Couple, Delivery, Member, Schedule
from bot.core.prompts import prompt_for_day
from bot.core.schedule import local_date, local_moment, parse_hhmm
from bot.core.sql import insert
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
RHYTHMS = ("evening", *NUDGES)


def next_due(rhythm: str, after: datetime, couple: Couple, zone: str | None) -> datetime:
    """The first instant strictly after `after` at which the rhythm comes round for the member."""
    if rhythm == "evening":
        at = parse_hhmm(couple.evening_time) or time(20, 30)
        days: frozenset[int] = frozenset(range(7))
    else:
        at, days = NUDGES[rhythm].at, NUDGES[rhythm].days
    start = local_date(after, zone)
    for offset in range(9):
        day = start + timedelta(days=offset)
        if day.weekday() in days:
            moment = local_moment(day, at, zone)
            if moment > after:
                return moment
    raise AssertionError("unreachable: every rhythm recurs within a week")


async def plan(session: AsyncSession, couple: Couple, members: list[Member], now: datetime) -> None:
    """(Re)write every member's schedule from the couple's settings, e.g. after pairing or a
    change of time or zone. A slot already delivered today keeps its unique key, so moving the
    time later on the same day does not send the day's prompt again."""
    for member in members:
        assert member.id is not None
        for rhythm in RHYTHMS:
            await set_due(
                session, member.id, rhythm, next_due(rhythm, now, couple, member.timezone)
            )


async def set_due(session: AsyncSession, member_id: int, rhythm: str, due: datetime) -> None:
    await session.exec(
        insert(session, Schedule)
        .values(member_id=member_id, rhythm=rhythm, next_due_at=due)
        .on_conflict_do_update(index_elements=["member_id", "rhythm"], set_={"next_due_at": due})
    )


async def unplan(session: AsyncSession, member_ids: list[int]) -> None:
    await session.exec(delete(Schedule).where(col(Schedule.member_id).in_(member_ids)))


def is_quiet(moment: datetime, zone: str | None, couple: Couple, rhythm: str) -> bool:
    """Between 22:30 and 07:30 local nothing is sent, unless the couple chose that evening time."""
    local = moment.astimezone(zone_info(zone)).time()
    quiet = local >= QUIET_FROM or local < QUIET_UNTIL
    return quiet and rhythm != "evening"


async def _sent_today(session: AsyncSession, member_id: int, day: str) -> int:
    return (
        await session.exec(
            select(func.count()).where(
                Delivery.member_id == member_id, Delivery.day == day, col(Delivery.proactive)
            )
        )
    ).one()


async def record(
    session: AsyncSession,
    member: Member,
    out: Outgoing,
    *,
    kind: str,
    day: str,
    now: datetime,
    conversation_id: int | None = None,
) -> bool:
    """Record a proactive delivery under its unique key; False if it was already there."""
    assert member.id is not None
    result = await session.exec(
        insert(session, Delivery)
        .values(
            key=f"{kind}:{member.id}:{day}",
            member_id=member.id,
            kind=kind,
            payload=out.to_payload(),
            next_attempt_at=now,
            created_at=now,
            day=day,
            proactive=True,
            conversation_id=conversation_id,
        )
        .on_conflict_do_nothing(index_elements=["key"])
    )
    return bool(result.rowcount)


@dataclass
class Due:
    schedule: Schedule
    member: Member
    couple: Couple
    partner: Member | None


async def claim_due(session: AsyncSession, now: datetime, limit: int) -> list[Due]:
    query = (
        select(Schedule, Member, Couple)
        .join(Member, col(Member.id) == Schedule.member_id)
        .join(Couple, col(Couple.id) == Member.couple_id)
        .where(Schedule.next_due_at <= now)
        .order_by(col(Schedule.next_due_at))
        .limit(limit)
    )
    if session.bind is not None and session.bind.dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True, of=Schedule)
    rows = (await session.exec(query)).all()
    couple_ids = {couple.id for _, _, couple in rows}
    everyone = (
        await session.exec(select(Member).where(col(Member.couple_id).in_(couple_ids)))
    ).all()
    by_couple: dict[int | None, list[Member]] = {}
    for person in everyone:
        by_couple.setdefault(person.couple_id, []).append(person)
    due = []
    for schedule, member, couple in rows:
        partner = next((p for p in by_couple.get(couple.id, []) if p.id != member.id), None)
        due.append(Due(schedule, member, couple, partner))
    return due


async def tick(
    session: AsyncSession, library: Library, now: datetime, limit: int = 2000
) -> tuple[int, int]:
    """Turn up to `limit` due schedule rows into deliveries. Returns (rows handled, deliveries
    recorded); call again while rows handled == limit."""
    recorded = 0
    claimed = await claim_due(session, now, limit)
    for item in claimed:
        slot = item.schedule.next_due_at
        if now - slot <= GRACE and await _fire(session, library, item, slot, now):
            recorded += 1
        if item.schedule.rhythm == "reminder":
            await session.delete(item.schedule)
        else:
            after = max(slot, now - GRACE)
            item.schedule.next_due_at = next_due(
                item.schedule.rhythm, after, item.couple, item.member.timezone
            )
    return len(claimed), recorded


async def _fire(
    session: AsyncSession, library: Library, item: Due, slot: datetime, now: datetime
) -> bool:
    member, couple, rhythm = item.member, item.couple, item.schedule.rhythm
    if couple.paused_until is not None and couple.paused_until > now:
        return False
    if member.unreachable_at is not None or item.partner is None:
        return False
    if is_quiet(slot, member.timezone, couple, rhythm):
        return False
    day = local_date(slot, member.timezone)
    if await _sent_today(session, member.id or 0, day.isoformat()) >= DAILY_LIMIT:
        return False
    to = Recipient(member_id=member.id or 0, channel=member.channel, chat_id=member.chat_id)
    partner = item.partner
    if rhythm == "evening":
        kind = evening_kind(couple, day)
        if kind is None:
            return False
        conversation = await conversation_for_day(session, library, couple, day, kind, now)
        out = Outgoing(
            to=to,
            text=prompt_text(library, conversation, partner.display_name),
            buttons=prompt_buttons(conversation),
        )
        sent = await record(
            session,
            member,
            out,
            kind="evening",
            day=day.isoformat(),
            now=now,
            conversation_id=conversation.id,
        )
        if sent:
            member.current_conversation_id = conversation.id
            await set_due(session, member.id or 0, "reminder", slot + REMINDER_AFTER)
        return sent
    if rhythm == "reminder":
        return await _remind(session, member, partner, to, day.isoformat(), now)
    nudge = NUDGES[rhythm]
    if not getattr(couple, nudge.switch):
        return False
    assert couple.id is not None
    prompt = await prompt_for_day(
        session, library, couple_id=couple.id, kind=rhythm, depth=None, day=day.isoformat()
    )
    if rhythm == "affection":
        out = Outgoing(
            to=to,
            text=texts.AFFECTION_NUDGE.format(prompt=prompt.text),
            buttons=keyboard([(texts.AFFECTION_BUTTON, f"hug:{couple.id}:{day.isoformat()}")]),
        )
    elif rhythm == "appreciation":
        out = Outgoing(
            to=to,
            text=texts.APPRECIATION_NUDGE.format(prompt=prompt.text),
            buttons=keyboard([(texts.APPRECIATION_BUTTON, f"appr:{couple.id}")]),
        )
    else:
        out = Outgoing(to=to, text=texts.DATE_NUDGE.format(prompt=prompt.text))
    return await record(session, member, out, kind=rhythm, day=day.isoformat(), now=now)


async def _remind(
    session: AsyncSession, member: Member, partner: Member, to: Recipient, day: str, now: datetime
) -> bool:
    """One gentle reminder, only when the partner has answered and is waiting to hear back."""
    conversation_id = member.current_conversation_id
    if conversation_id is None:
        return False
    conversation = await session.get(Conversation, conversation_id)
    if conversation is None or conversation.closed_at or conversation.revealed_at:
        return False
    answered = set(
        (
            await session.exec(
                select(Answer.member_id).where(
                    Answer.conversation_id == conversation_id, col(Answer.late).is_(False)
                )
            )
        ).all()
    )
    if member.id in answered or partner.id not in answered:
        return False
    out = Outgoing(to=to, text=texts.REMINDER.format(partner=partner.display_name))
    return await record(session, member, out, kind="reminder", day=day, now=now)
