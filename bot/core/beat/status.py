"""The status rhythm: as each member's day begins, their pinned status line is brought up to date
(`bot.core.status`). Unlike the other rhythms it is no message: it is never counted toward the
daily limit, is not held back by quiet hours or a pause (an edit makes no sound; a status that
must be sent anew waits for the morning in the outbox), and each one replaces any still waiting.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.core import status
from bot.core.beat.claim import Row
from bot.core.models import Schedule
from bot.core.rhythm import GRACE, next_due
from bot.core.sql import insert


def _fires(row: Row, now: datetime) -> bool:
    return (
        now - row.slot <= GRACE
        and row.partner_id is not None
        and not row.unreachable
        and row.couple.status_on
    )


async def refresh(session: AsyncSession, rows: list[Row], now: datetime) -> int:
    """Record the status line of each due status row that fires; return how many."""
    await _ensure_rows(session, [row for row in rows if row.rhythm == "evening"], now)
    made = [
        status.row(
            status.keep(row.recipient(), row.couple, zone=row.zone, lang=row.language, now=now),
            key=f"{status.KIND}:{row.member_id}:{row.day.isoformat()}",
            now=now,
            day=row.day.isoformat(),
        )
        for row in rows
        if row.rhythm == status.KIND and _fires(row, now)
    ]
    return await status.record(session, made)


async def _ensure_rows(session: AsyncSession, evenings: list[Row], now: datetime) -> None:
    """Members paired before the status rhythm existed have no row for it: give them one the
    first time their evening comes round (a lookup by the primary key, then for the few without
    one, one insert)."""
    if not evenings:
        return
    have = set(
        (
            await session.exec(
                select(col(Schedule.member_id)).where(
                    col(Schedule.member_id).in_({row.member_id for row in evenings}),
                    col(Schedule.rhythm) == status.KIND,
                )
            )
        ).all()
    )
    params = [
        {
            "member_id": row.member_id,
            "rhythm": status.KIND,
            "next_due_at": next_due(status.KIND, now, couple=row.couple, zone=row.zone),
        }
        for row in evenings
        if row.member_id not in have
    ]
    if params:
        await session.exec(
            insert(session, Schedule).on_conflict_do_nothing(
                index_elements=["member_id", "rhythm"]
            ),
            params=params,
        )
