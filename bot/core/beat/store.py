"""Store: record the batch's deliveries (each under its unique key, so a row seen twice sends
once), point members at the conversation a new evening prompt opens and set its one reminder,
then move every claimed row to its next occurrence."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import bindparam, delete, update
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.core.beat.claim import Row, table
from bot.core.beat.compose import Made
from bot.core.rhythm import GRACE, ONE_SHOT, REMINDER_AFTER, delivery, next_due, record_many
from bot.core.sql import insert


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
        await session.exec(
            insert(session, table("milestone")).on_conflict_do_nothing(
                index_elements=["couple_id", "name"]
            ),
            params=celebrated,
        )
    opened = [
        (row, made.conversation_id)
        for (row, made), value in zip(sending, values, strict=True)
        if row.rhythm == "evening" and made.conversation_id is not None and value["key"] in new_keys
    ]
    if opened:
        member = table("member")
        await session.exec(
            update(member)
            .where(member.c.id == bindparam("member"))
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
        statement = insert(session, table("schedule"))
        await session.exec(
            statement.on_conflict_do_update(
                index_elements=["member_id", "rhythm"],
                set_={"next_due_at": statement.excluded.next_due_at},
            ),
            params=reminders,
        )
    return len(new_keys)


async def advance(session: AsyncSession, rows: list[Row], now: datetime) -> None:
    """Reminders fire once and go; every other row moves to its next occurrence (a slot more
    than the grace late counts from now, so missed days are skipped, not sent)."""
    schedule = table("schedule")
    gone = [
        {"member": row.member_id, "which": row.rhythm, "slot": row.slot}
        for row in rows
        if row.rhythm in ONE_SHOT
    ]
    if gone:
        await session.exec(
            delete(schedule).where(
                schedule.c.member_id == bindparam("member"),
                schedule.c.rhythm == bindparam("which"),
                schedule.c.next_due_at == bindparam("slot"),
            ),
            params=gone,
        )
    moving = [
        {
            "member": row.member_id,
            "which": row.rhythm,
            "due": next_due(
                row.rhythm, max(row.slot, now - GRACE), couple=row.couple, zone=row.zone
            ),
        }
        for row in rows
        if row.rhythm not in ONE_SHOT
    ]
    if moving:
        await session.exec(
            update(schedule)
            .where(
                schedule.c.member_id == bindparam("member"), schedule.c.rhythm == bindparam("which")
            )
            .values(next_due_at=bindparam("due")),
            params=moving,
        )
