"""The beat: every due schedule row of a batch turned into deliveries with a fixed number of
set-based statements (not a few statements per row), so a busy minute stays cheap.

One batch, in one unit of work, in four steps, each a module:
  1. claim (`claim.py`): the due rows (on PostgreSQL `FOR UPDATE SKIP LOCKED`) with their
     member, couple and partner;
  2. decide (`decide.py`): per row whether it fires (pause, reachability, its switch, quiet
     hours, the 2-hour grace), and later which messages fit the member's daily limit;
  3. compose (`compose.py`): what each firing row sends, from one table of rhythms to
     composers (the day's conversations and nudge prompts found or made for all couples at
     once, with the same rules `/checkin` uses for one);
  4. store (`store.py`): every delivery inserted with ON CONFLICT DO NOTHING on its unique key
     (kind, member, local date), only for the new ones members pointed at their conversation
     and reminders set; then every claimed row moved to its next occurrence.
The status rows (the pinned status line) are no message: `status.py` decides and records them.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.core.beat.claim import claim
from bot.core.beat.compose import compose
from bot.core.beat.decide import may_fire, within_daily_limit
from bot.core.beat.status import refresh as refresh_status
from bot.core.beat.store import advance, store
from bot.core.ports import Library
from bot.core.rhythm import plan_missing

__all__ = ["tick"]


async def tick(
    session: AsyncSession, library: Library, *, now: datetime, limit: int = 2000
) -> tuple[int, int]:
    """Turn up to `limit` due rows into deliveries. Returns (rows handled, deliveries
    recorded); call again while rows handled == limit."""
    rows = await claim(session, now, limit)
    if not rows:
        return 0, 0
    # A rhythm added since a couple paired reaches them as their next evening comes round.
    await plan_missing(
        session,
        ((row.member_id, row.couple, row.zone) for row in rows if row.rhythm == "evening"),
        now=now,
    )
    # The status line is no message: its own rules (`beat/status.py`), not the four steps.
    firing = [row for row in rows if row.rhythm != "status" and may_fire(row, now)]
    made = await compose(session, library, firing, now=now)
    sending = await within_daily_limit(session, firing, made)
    recorded = await store(session, sending, now)
    recorded += await refresh_status(session, rows, now)
    await advance(session, rows, now)
    return len(rows), recorded
