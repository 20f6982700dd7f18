"""The tick: every due schedule row of a batch turned into deliveries with a fixed number of
set-based statements (not a few statements per row), so a busy minute stays cheap.

One batch, in one unit of work:
  1. claim the due rows (on PostgreSQL `FOR UPDATE SKIP LOCKED`) with their member and couple;
  2. decide per row whether it fires (pause, reachability, quiet hours, 2-hour grace);
  3. find or make the day's conversations and nudge prompts for all couples at once;
  4. insert every delivery with ON CONFLICT DO NOTHING on its unique key, RETURNING the keys
     that were new, and only for those point members at their conversation and set reminders;
  5. move every claimed row to its next occurrence.
"""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Table, bindparam, delete, func, tuple_, update
from sqlalchemy import select as sa_select
from sqlmodel import SQLModel, col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.core import texts
from bot.core.apart import is_apart
from bot.core.conversations import evening_at, evening_kind, prompt_buttons, prompt_text
from bot.core.coupleday import couple_day
from bot.core.events import Outgoing, Recipient, keyboard
from bot.core.milestones import line as celebration_line
from bot.core.models import Answer, Conversation, Couple, DatePlan, Delivery, PromptUse, Schedule
from bot.core.ports import Library
from bot.core.rhythm import (
    DAILY_LIMIT,
    GRACE,
    NUDGES,
    ONE_SHOT,
    REMINDER_AFTER,
    is_quiet,
    next_due,
)
from bot.core.schedule import local_date
from bot.core.sql import insert, is_postgres
from bot.core.tally import collect, summary
from bot.core.zones import zone_info


@dataclass
class Row:
    """One claimed schedule row with what deciding about it needs (plain values, no ORM)."""

    member_id: int
    rhythm: str
    slot: datetime
    channel: str
    chat_id: str
    zone: str | None
    unreachable: bool
    current_conversation_id: int | None
    couple: Couple
    partner_id: int | None = None
    partner_name: str = texts.YOUR_PARTNER
    partner_zone: str | None = None

    @property
    def day(self) -> date:
        """The member's local date of the slot: what a delivery's key names."""
        return local_date(self.slot, self.zone)

    @property
    def couple_day(self) -> date:
        """The couple-day an evening slot belongs to: what the conversation's key names."""
        return couple_day(self.slot, evening_at(self.couple), (self.zone, self.partner_zone))

    def recipient(self) -> Recipient:
        return Recipient(member_id=self.member_id, channel=self.channel, chat_id=self.chat_id)


async def _claim(session: AsyncSession, now: datetime, limit: int) -> list[Row]:
    schedule, member = _table("schedule"), _table("member")
    query = (
        sa_select(
            schedule.c.member_id,
            schedule.c.rhythm,
            schedule.c.next_due_at,
            member.c.channel,
            member.c.chat_id,
            member.c.timezone,
            member.c.unreachable_at,
            member.c.current_conversation_id,
            member.c.couple_id,
        )
        .join(member, member.c.id == schedule.c.member_id)
        .where(schedule.c.next_due_at <= now, member.c.couple_id.is_not(None))
        .order_by(schedule.c.next_due_at)
        .limit(limit)
    )
    if is_postgres(session):
        query = query.with_for_update(skip_locked=True, of=schedule)
    # Plain rows through the session's connection (same transaction): no ORM objects to build.
    connection = await session.connection()
    claimed = (await connection.execute(query)).all()
    # The couples, loaded by the ORM (which fills instances far faster than their constructor
    # validates them); read only here.
    wanted = {r[8] for r in claimed}
    couples: dict[int | None, Couple] = (
        {c.id: c for c in await session.exec(select(Couple).where(col(Couple.id).in_(wanted)))}
        if wanted
        else {}
    )
    rows = [
        Row(r[0], r[1], r[2], r[3], r[4], r[5], r[6] is not None, r[7], couples[r[8]])
        for r in claimed
    ]
    if couples:
        people = await connection.execute(
            sa_select(
                member.c.id, member.c.couple_id, member.c.display_name, member.c.timezone
            ).where(member.c.couple_id.in_(list(couples)))
        )
        by_couple: dict[int, list[tuple[int, str, str | None]]] = defaultdict(list)
        for member_id, couple_id, name, zone in people.all():
            by_couple[couple_id].append((member_id, name, zone))
        for row in rows:
            for member_id, name, zone in by_couple.get(row.couple.id or 0, []):
                if member_id != row.member_id:
                    row.partner_id, row.partner_name, row.partner_zone = member_id, name, zone
    return rows


async def tick(
    session: AsyncSession, library: Library, now: datetime, limit: int = 2000
) -> tuple[int, int]:
    """Turn up to `limit` due rows into deliveries. Returns (rows handled, deliveries
    recorded); call again while rows handled == limit."""
    rows = await _claim(session, now, limit)
    if not rows:
        return 0, 0
    firing = [row for row in rows if _may_fire(row, now)]
    evenings = await _evening_conversations(session, library, firing, now)
    nudges = await _nudge_prompts(session, library, firing, now)
    waiting = await _waiting_partners(session, [r for r in firing if r.rhythm == "reminder"])
    extras = await _dates_and_recaps(session, library, firing, now)
    sent_today = await _sent_today(session, firing)
    planned: list[tuple[Row, dict[str, Any], int | None]] = []
    for row in firing:
        day = row.day.isoformat()
        if sent_today[(row.member_id, day)] >= DAILY_LIMIT:
            continue
        made = extras.get((row.member_id, row.rhythm)) or _delivery_for(
            row, library, evenings, nudges, waiting
        )
        if made is None:
            continue
        out, conversation_id = made
        sent_today[(row.member_id, day)] += 1
        planned.append((row, _values(row, out, day, now, conversation_id), conversation_id))
    recorded = await _insert(session, planned)
    await _advance(session, rows, now)
    return len(rows), recorded


def _may_fire(row: Row, now: datetime) -> bool:
    couple = row.couple
    if now - row.slot > GRACE or row.partner_id is None or row.unreachable:
        return False
    if couple.paused_until is not None and couple.paused_until > now:
        return False
    if row.rhythm in NUDGES and not getattr(couple, NUDGES[row.rhythm].switch):
        return False
    return not is_quiet(row.slot, row.zone, couple, row.rhythm)


async def _sent_today(session: AsyncSession, rows: list[Row]) -> Counter[tuple[int, str]]:
    counts: Counter[tuple[int, str]] = Counter()
    if not rows:
        return counts
    keys = {(row.member_id, row.day.isoformat()) for row in rows}
    result = await session.exec(
        select(col(Delivery.member_id), col(Delivery.day), func.count())
        .where(
            col(Delivery.member_id).in_({m for m, _ in keys}),
            col(Delivery.day).in_({d for _, d in keys}),
            col(Delivery.proactive),
        )
        .group_by(col(Delivery.member_id), col(Delivery.day))
    )
    for member_id, day, number in result.all():
        counts[(member_id, day or "")] = number
    return counts


async def _choose_many(
    session: AsyncSession,
    library: Library,
    wanted: Mapping[tuple[int, str, str], tuple[int | None, bool | None]],
) -> dict[tuple[int, str, str], str]:
    """For each (couple, kind, day) with its depth and whether the couple is apart: the least
    used prompt, as `prompts.choose` picks one, with one counting query per kind."""
    chosen: dict[tuple[int, str, str], str] = {}
    by_kind: dict[str, list[tuple[int, str, str]]] = defaultdict(list)
    for key in wanted:
        by_kind[key[1]].append(key)
    for kind, keys in by_kind.items():
        used: Counter[tuple[int, str]] = Counter()
        result = await session.exec(
            select(col(PromptUse.couple_id), col(PromptUse.prompt_id), func.count())
            .where(
                col(PromptUse.kind) == kind,
                col(PromptUse.couple_id).in_({couple_id for couple_id, _, _ in keys}),
            )
            .group_by(col(PromptUse.couple_id), col(PromptUse.prompt_id))
        )
        for couple_id, prompt_id, number in result.all():
            used[(couple_id, prompt_id)] = number
        for key in keys:
            couple_id, _, day = key
            depth, apart = wanted[key]
            pool = library.of(kind, depth, apart=apart)
            if not pool:
                continue
            fewest = min(used[(couple_id, p.id)] for p in pool)
            candidates = [p for p in pool if used[(couple_id, p.id)] == fewest]
            pick = random.Random(f"{couple_id}:{kind}:{day}:None").choice(candidates)  # noqa: S311
            chosen[key] = pick.id
    if chosen:
        await session.exec(
            insert(session, PromptUse).on_conflict_do_nothing(),
            params=[
                {"couple_id": c, "kind": k, "day": d, "prompt_id": p}
                for (c, k, d), p in chosen.items()
            ],
        )
    return chosen


async def _evening_conversations(
    session: AsyncSession, library: Library, rows: list[Row], now: datetime
) -> dict[tuple[int, str], Conversation]:
    """The day's conversation for every couple with an evening row: found, or made (closing
    the couple's earlier open ones)."""
    wanted: dict[tuple[int, str], Row] = {}
    for row in rows:
        if row.rhythm == "evening" and evening_kind(row.couple, row.couple_day) is not None:
            wanted.setdefault((row.couple.id or 0, row.couple_day.isoformat()), row)
    if not wanted:
        return {}
    found = await _load_conversations(session, list(wanted))
    missing = {key: row for key, row in wanted.items() if key not in found}
    if missing:
        requests: dict[tuple[int, str, str], int | None] = {}
        kinds: dict[tuple[int, str], str] = {}
        for (couple_id, day), row in missing.items():
            kind = evening_kind(row.couple, row.couple_day)
            assert kind is not None
            kinds[(couple_id, day)] = kind
            requests[(couple_id, kind, day)] = row.couple.depth if kind == "curiosity" else None
        existing = await _existing_uses(session, list(requests))
        fresh = {key: (depth, None) for key, depth in requests.items() if key not in existing}
        existing.update(await _choose_many(session, library, fresh))
        values = [
            {
                "couple_id": couple_id,
                "day": day,
                "kind": kinds[(couple_id, day)],
                "prompt_id": existing[(couple_id, kinds[(couple_id, day)], day)],
                "depth": requests[(couple_id, kinds[(couple_id, day)], day)],
                "created_at": now,
            }
            for couple_id, day in missing
            if (couple_id, kinds[(couple_id, day)], day) in existing
        ]
        if values:
            await session.exec(
                insert(session, Conversation).on_conflict_do_nothing(), params=values
            )
        made = await _load_conversations(session, list(missing))
        found.update(made)
        for day in {day for _, day in made}:
            couples = [couple_id for couple_id, d in made if d == day]
            await session.exec(
                update(Conversation)
                .where(
                    col(Conversation.couple_id).in_(couples),
                    col(Conversation.closed_at).is_(None),
                    col(Conversation.day) < day,
                )
                .values(closed_at=now)
                .execution_options(synchronize_session=False)
            )
    return found


async def _load_conversations(
    session: AsyncSession, keys: list[tuple[int, str]]
) -> dict[tuple[int, str], Conversation]:
    result = await session.exec(
        select(Conversation).where(
            tuple_(col(Conversation.couple_id), col(Conversation.day)).in_(keys)
        )
    )
    return {(c.couple_id, c.day): c for c in result.all()}


async def _existing_uses(
    session: AsyncSession, keys: list[tuple[int, str, str]]
) -> dict[tuple[int, str, str], str]:
    if not keys:
        return {}
    result = await session.exec(
        select(
            col(PromptUse.couple_id),
            col(PromptUse.kind),
            col(PromptUse.day),
            col(PromptUse.prompt_id),
        ).where(tuple_(col(PromptUse.couple_id), col(PromptUse.kind), col(PromptUse.day)).in_(keys))
    )
    return {(c, k, d): p for c, k, d, p in result.all()}


async def _nudge_prompts(
    session: AsyncSession, library: Library, rows: list[Row], now: datetime
) -> dict[tuple[int, str, str], str]:
    keys = {
        (row.couple.id or 0, row.rhythm, row.day.isoformat()): is_apart(row.couple, now)
        for row in rows
        if row.rhythm in NUDGES
    }
    existing = await _existing_uses(session, list(keys))
    fresh = {key: (None, apart) for key, apart in keys.items() if key not in existing}
    existing.update(await _choose_many(session, library, fresh))
    return existing


async def _waiting_partners(session: AsyncSession, rows: list[Row]) -> set[int]:
    """Members whose partner has answered their open conversation while they have not."""
    ids = {row.current_conversation_id for row in rows if row.current_conversation_id}
    if not ids:
        return set()
    open_ids = set(
        (
            await session.exec(
                select(col(Conversation.id)).where(
                    col(Conversation.id).in_(ids),
                    col(Conversation.closed_at).is_(None),
                    col(Conversation.revealed_at).is_(None),
                )
            )
        ).all()
    )
    answered = {
        (conversation_id, member_id)
        for conversation_id, member_id in (
            await session.exec(
                select(col(Answer.conversation_id), col(Answer.member_id)).where(
                    col(Answer.conversation_id).in_(open_ids),
                    col(Answer.late).is_(False),
                )
            )
        ).all()
    }
    return {
        row.member_id
        for row in rows
        if row.current_conversation_id in open_ids
        and (row.current_conversation_id, row.partner_id) in answered
        and (row.current_conversation_id, row.member_id) not in answered
    }


async def _dates_and_recaps(
    session: AsyncSession, library: Library, rows: list[Row], now: datetime
) -> dict[tuple[int, str], tuple[Outgoing, int | None]]:
    """Messages for date reminders, "how was it?" and the weekly recap (rarer rows, so a
    query or two per couple is fine)."""
    made: dict[tuple[int, str], tuple[Outgoing, int | None]] = {}
    date_rows = [row for row in rows if row.rhythm in ("date-morning", "date-ask")]
    plans: dict[int, DatePlan] = {}
    if date_rows:
        found = await session.exec(
            select(DatePlan)
            .where(
                col(DatePlan.couple_id).in_({row.couple.id for row in date_rows}),
                col(DatePlan.cancelled_at).is_(None),
            )
            .order_by(col(DatePlan.at))
        )
        plans = {plan.couple_id: plan for plan in found.all()}
    for row in date_rows:
        plan = plans.get(row.couple.id or 0)
        if plan is None:
            continue
        date_day = local_date(plan.at, row.zone)
        if row.rhythm == "date-morning" and date_day == row.day:
            at = plan.at.astimezone(zone_info(row.zone))
            made[(row.member_id, row.rhythm)] = (
                Outgoing(row.recipient(), texts.DATE_MORNING.format(time=f"{at:%H:%M}")),
                None,
            )
        elif (
            row.rhythm == "date-ask"
            and date_day == row.day - timedelta(days=1)
            and plan.lovely_at is None
        ):
            buttons = keyboard(
                [
                    (texts.DATE_LOVELY, f"datehow:lovely:{plan.id}"),
                    (texts.DATE_NOT_THIS_TIME, f"datehow:no:{plan.id}"),
                ]
            )
            made[(row.member_id, row.rhythm)] = (
                Outgoing(row.recipient(), texts.DATE_HOW, buttons),
                None,
            )
    weeks: dict[int, Counter[str]] = {}
    for row in rows:
        if row.rhythm != "recap":
            continue
        couple_id = row.couple.id or 0
        if couple_id not in weeks:
            weeks[couple_id] = (await collect(session, couple_id, row.zone, now)).week
        week = weeks[couple_id]
        if sum(week.values()) == 0:
            continue  # nothing shared: no message at all, never a nudge about it
        text = texts.RECAP.format(
            summary=summary(week), line=celebration_line(library, "recap", f"{couple_id}:{row.day}")
        )
        made[(row.member_id, row.rhythm)] = (Outgoing(row.recipient(), text), None)
    return made


def _delivery_for(
    row: Row,
    library: Library,
    evenings: dict[tuple[int, str], Conversation],
    nudges: dict[tuple[int, str, str], str],
    waiting: set[int],
) -> tuple[Outgoing, int | None] | None:
    """What this row sends, and the conversation it opens (for evening prompts)."""
    couple_id, day = row.couple.id or 0, row.day.isoformat()
    to = row.recipient()
    if row.rhythm == "evening":
        conversation = evenings.get((couple_id, row.couple_day.isoformat()))
        if conversation is None:
            return None
        text = prompt_text(library, conversation, row.partner_name)
        return Outgoing(to=to, text=text, buttons=prompt_buttons(conversation)), conversation.id
    if row.rhythm == "reminder":
        if row.member_id not in waiting:
            return None
        return Outgoing(to=to, text=texts.REMINDER.format(partner=row.partner_name)), None
    prompt = library.get(nudges.get((couple_id, row.rhythm, day), ""))
    if prompt is None:
        return None
    if row.rhythm == "affection":
        button = (texts.AFFECTION_BUTTON, f"hug:{couple_id}:{day}")
        return Outgoing(
            to, texts.AFFECTION_NUDGE.format(prompt=prompt.text), keyboard([button])
        ), None
    if row.rhythm == "appreciation":
        button = (texts.APPRECIATION_BUTTON, f"appr:{couple_id}")
        text = texts.APPRECIATION_NUDGE.format(prompt=prompt.text)
        return Outgoing(to, text, keyboard([button])), None
    return Outgoing(to, texts.DATE_NUDGE.format(prompt=prompt.text)), None


def _values(
    row: Row, out: Outgoing, day: str, now: datetime, conversation_id: int | None
) -> dict[str, Any]:
    return {
        "key": f"{row.rhythm}:{row.member_id}:{day}",
        "member_id": row.member_id,
        "kind": row.rhythm,
        "payload": out.to_payload(),
        "status": "pending",
        "attempts": 0,
        "next_attempt_at": now,
        "created_at": now,
        "day": day,
        "proactive": True,
        "conversation_id": conversation_id,
    }


async def _insert(
    session: AsyncSession, planned: list[tuple[Row, dict[str, Any], int | None]]
) -> int:
    """Insert the deliveries; for each evening prompt that was new, point the member at its
    conversation and set the one reminder."""
    # One statement for every row, executed as "insertmanyvalues": compiled once (and cached),
    # sent as multi-row INSERTs in pages. A multi-row `.values([...])` is compiled afresh for
    # every batch, and that compiling was most of a busy tick's time.
    if not planned:
        return 0
    deliveries = _table("delivery")
    result = await session.exec(
        insert(session, deliveries)
        .on_conflict_do_nothing(index_elements=["key"])
        .returning(deliveries.c.key),
        params=[values for _, values, _ in planned],
    )
    new_keys = set(result.scalars().all())
    opened = [
        (row, conversation_id)
        for row, values, conversation_id in planned
        if row.rhythm == "evening" and values["key"] in new_keys
    ]
    if opened:
        await session.exec(
            update(_table("member"))
            .where(_table("member").c.id == bindparam("member"))
            .values(current_conversation_id=bindparam("conversation")),
            params=[{"member": row.member_id, "conversation": cid} for row, cid in opened],
        )
        reminders = [
            {
                "member_id": row.member_id,
                "rhythm": "reminder",
                "next_due_at": row.slot + REMINDER_AFTER,
            }
            for row, _ in opened
        ]
        statement = insert(session, Schedule)
        await session.exec(
            statement.on_conflict_do_update(
                index_elements=["member_id", "rhythm"],
                set_={"next_due_at": statement.excluded.next_due_at},
            ),
            params=reminders,
        )
    return len(new_keys)


async def _advance(session: AsyncSession, rows: list[Row], now: datetime) -> None:
    """Reminders fire once and go; every other row moves to its next occurrence (a slot more
    than the grace late counts from now, so missed days are skipped, not sent)."""
    table = _table("schedule")
    gone = [
        {"member": row.member_id, "which": row.rhythm, "slot": row.slot}
        for row in rows
        if row.rhythm in ONE_SHOT
    ]
    if gone:
        await session.exec(
            delete(table).where(
                table.c.member_id == bindparam("member"),
                table.c.rhythm == bindparam("which"),
                table.c.next_due_at == bindparam("slot"),
            ),
            params=gone,
        )
    moving = [
        {
            "member": row.member_id,
            "which": row.rhythm,
            "due": next_due(row.rhythm, max(row.slot, now - GRACE), row.couple, row.zone),
        }
        for row in rows
        if row.rhythm not in ONE_SHOT
    ]
    if moving:
        await session.exec(
            update(table)
            .where(table.c.member_id == bindparam("member"), table.c.rhythm == bindparam("which"))
            .values(next_due_at=bindparam("due")),
            params=moving,
        )


def _table(name: str) -> Table:
    return SQLModel.metadata.tables[name]
