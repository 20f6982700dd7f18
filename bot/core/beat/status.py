"""The status rhythm: as each member's day begins, their pinned status line is brought up to date
(`bot.core.status`). Unlike the other rhythms it is no message: it is never counted toward the
daily limit, is not held back by quiet hours or a pause (an edit makes no sound; a status that
must be sent anew waits for the morning in the outbox), and each one replaces any still waiting.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.core import status
from bot.core.beat.claim import Row
from bot.core.rhythm import GRACE


def _fires(row: Row, now: datetime) -> bool:
    return (
        now - row.slot <= GRACE
        and row.partner_id is not None
        and not row.unreachable
        and row.couple.status_on
    )


async def refresh(session: AsyncSession, rows: list[Row], now: datetime) -> int:
    """Record the status line of each due status row that fires; return how many."""
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
