"""The couple's shared moments, counted: what /progress, its picture and the weekly recap read.
One query set, dated in the reader's zone."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.core.models import Appreciation, Conversation, DatePlan, Goal, GoodNews, Moment, Win
from bot.core.words import plural
from bot.core.zones import zone_info

WEEKS = 12
RHYTHM_EVENINGS = 3  # a week "in rhythm" has at least this many shared evenings
CATEGORIES = (
    "checkins",
    "conversations",
    "appreciations",
    "goodnews",
    "goals",
    "dates",
    "affection",
    "wins",
)


@dataclass
class Progress:
    """Counts per category for this week and all time, and shared moments per local day."""

    today: date
    week: Counter[str] = field(default_factory=Counter)
    total: Counter[str] = field(default_factory=Counter)
    daily: Counter[date] = field(default_factory=Counter)
    evenings_by_week: Counter[date] = field(default_factory=Counter)
    appreciations_by: dict[int, tuple[int, int]] = field(
        default_factory=dict
    )  # sender: (week, all)

    @property
    def week_start(self) -> date:
        return self.today - timedelta(days=self.today.weekday())

    def rhythm_weeks(self, last: int = 4) -> int:
        """How many of the last `last` weeks (this one included) had enough shared evenings."""
        starts = [self.week_start - timedelta(weeks=i) for i in range(last)]
        return sum(self.evenings_by_week[start] >= RHYTHM_EVENINGS for start in starts)


async def collect(
    session: AsyncSession, couple_id: int, *, zone: str | None, now: datetime
) -> Progress:
    """Every shared moment of the couple, dated in `zone`."""
    tz = zone_info(zone)
    progress = Progress(today=now.astimezone(tz).date())

    def add(category: str, moment: datetime | None, *, count_day: bool = True) -> date | None:
        if moment is None or moment > now:
            return None
        day = moment.astimezone(tz).date()
        progress.total[category] += 1
        if day >= progress.week_start:
            progress.week[category] += 1
        if count_day:
            progress.daily[day] += 1
        return day

    revealed = await session.exec(
        select(Conversation.kind, Conversation.revealed_at).where(
            Conversation.couple_id == couple_id, col(Conversation.revealed_at).is_not(None)
        )
    )
    for kind, at in revealed.all():
        day = add("checkins" if kind == "check-in" else "conversations", at)
        if day is not None:
            progress.evenings_by_week[day - timedelta(days=day.weekday())] += 1
    appreciations = await session.exec(
        select(Appreciation.sender_id, Appreciation.created_at).where(
            Appreciation.couple_id == couple_id
        )
    )
    for sender, at in appreciations.all():
        day = add("appreciations", at)
        if sender is not None and day is not None:
            week, total = progress.appreciations_by.get(sender, (0, 0))
            progress.appreciations_by[sender] = (week + (day >= progress.week_start), total + 1)
    for at in (
        await session.exec(select(GoodNews.created_at).where(GoodNews.couple_id == couple_id))
    ).all():
        add("goodnews", at)
    for at in (
        await session.exec(select(Goal.reached_at).where(Goal.couple_id == couple_id))
    ).all():
        add("goals", at)
    plans = await session.exec(
        select(DatePlan.at).where(
            DatePlan.couple_id == couple_id,
            col(DatePlan.accepted_at).is_not(None),  # a date asked but never agreed is no date
            col(DatePlan.declined_at).is_(None),
            col(DatePlan.cancelled_at).is_(None),
        )
    )
    for at in plans.all():
        add("dates", at)
    hugs = await session.exec(
        select(Moment.created_at).where(Moment.couple_id == couple_id, Moment.kind == "affection")
    )
    for at in hugs.all():
        add("affection", at)
    for at in (await session.exec(select(Win.created_at).where(Win.couple_id == couple_id))).all():
        add("wins", at)
    return progress


def summary(counts: Counter[str], lang: str | None = None) -> str:
    """ "3 evenings together, 2 appreciations, 1 win" — only what happened, in `lang`."""
    parts = [plural(f"RECAP_COUNTS.{c}", counts[c], lang) for c in CATEGORIES if counts[c]]
    return ", ".join(parts)
