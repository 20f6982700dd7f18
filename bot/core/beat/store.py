"""Store: record the batch's deliveries (each under its unique key, so a row seen twice sends
once), point members at the conversation a new evening prompt opens and set its one reminder,
then move every claimed row to its next occurrence."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import FromClause, delete, select, tuple_, update
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.core.beat.claim import Row, table
from bot.core.beat.compose import Made
from bot.core.rhythm import GRACE, ONE_SHOT, REMINDER_AFTER, delivery, next_due, record_many
from bot.core.sql import insert_from, insert_rows, with_rows


async def store(session: AsyncSession, sending: list[tuple[Row, Made]], now: datetime) -> int:
    """Record the deliveries; for each evening prompt that was new, point the member at its
    conversation and set the one reminder (an evening that brought no question, such as the
    word that it goes quieter, opens nothing). Returns how many deliveries were new."""
    values = [
        delivery(
            row.member_id,
            made.out,
            kind=made.kind or row.rhythm,
            day=row.day.isoformat(),
            now=now,
            conversation_id=made.conversation_id,
        )
        for row, made in sending
    ]
    new_keys = await record_many(session, values)
    celebrated = [
        {"couple_id": row.couple_id, "name": name, "reached_at": now}
        for (row, made), value in zip(sending, values, strict=True)
        if value["key"] in new_keys
        for name in made.milestones
    ]
    if celebrated:  # once each: the next morning (or a second tick) finds them celebrated
        await insert_rows(session, table("milestone"), celebrated, build=_milestones)
    opened = [
        (row, made.conversation_id)
        for (row, made), value in zip(sending, values, strict=True)
        if row.rhythm == "evening" and made.conversation_id is not None and value["key"] in new_keys
    ]
    if opened:
        member = table("member")
        statement, params = with_rows(
            session,
            [member.c.id, member.c.current_conversation_id],
            [(row.member_id, cid) for row, cid in opened],
            build=_point,
        )
        await session.exec(statement, params=params)
        reminders = [
            {
                "member_id": row.member_id,
                "rhythm": "reminder",
                "next_due_at": row.slot + REMINDER_AFTER,
            }
            for row, _ in opened
        ]
        await insert_rows(session, table("schedule"), reminders, build=_reminders)
    return len(new_keys)


def _milestones(listed: FromClause, dialect: str) -> Any:
    statement = insert_from(table("milestone"), listed, dialect=dialect)
    return statement.on_conflict_do_nothing(index_elements=["couple_id", "name"])


def _point(pointed: FromClause, dialect: str) -> Any:
    member = table("member")
    return (
        update(member)
        .where(member.c.id == pointed.c.id)
        .values(current_conversation_id=pointed.c.current_conversation_id)
    )


def _reminders(listed: FromClause, dialect: str) -> Any:
    statement = insert_from(table("schedule"), listed, dialect=dialect)
    return statement.on_conflict_do_update(
        index_elements=["member_id", "rhythm"],
        set_={"next_due_at": statement.excluded.next_due_at},
    )


async def advance(session: AsyncSession, rows: list[Row], now: datetime) -> None:
    """Reminders fire once and go; every other row moves to its next occurrence (a slot more
    than the grace late counts from now, so missed days are skipped, not sent)."""
    schedule = table("schedule")
    key = [schedule.c.member_id, schedule.c.rhythm, schedule.c.next_due_at]
    gone = [(row.member_id, row.rhythm, row.slot) for row in rows if row.rhythm in ONE_SHOT]
    if gone:
        statement, params = with_rows(session, key, gone, build=_gone)
        await session.exec(statement, params=params)
    moving = [
        (
            row.member_id,
            row.rhythm,
            next_due(row.rhythm, max(row.slot, now - GRACE), couple=row.couple, zone=row.zone),
        )
        for row in rows
        if row.rhythm not in ONE_SHOT
    ]
    if moving:
        statement, params = with_rows(session, key, moving, build=_moved)
        await session.exec(statement, params=params)


def _gone(listed: FromClause, dialect: str) -> Any:
    schedule = table("schedule")
    key = [schedule.c.member_id, schedule.c.rhythm, schedule.c.next_due_at]
    return delete(schedule).where(tuple_(*key).in_(select(*listed.c)))


def _moved(listed: FromClause, dialect: str) -> Any:
    schedule = table("schedule")
    return (
        update(schedule)
        .where(schedule.c.member_id == listed.c.member_id, schedule.c.rhythm == listed.c.rhythm)
        .values(next_due_at=listed.c.next_due_at)
    )
