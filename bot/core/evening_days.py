"""Which evenings bring a question, and what each brings: the couple's weekly check-in on the
day they picked, goals every other Sunday, curiosity on its days, a photo moment every other
Thursday, else a check-in; on the couple's `evenings_per_week` days only, and every other
evening while they are quieter (`bot.core.cadence`). One rule, read by the beat (a batch of
couples) and by `/checkin` (one)."""

from __future__ import annotations

from datetime import date, time, timedelta

from bot.core import love_maps, ritual, texts
from bot.core.local_time import parse_hhmm
from bot.core.models import Couple

DEFAULT_EVENING = time(20, 30)
EVENINGS_A_WEEK = range(3, 8)  # how many evenings a week may bring a question (`/evenings`)


def _kind_of_day(couple: Couple, day: date) -> str | None:
    """What the evening brings when every evening brings a question: the couple's weekly
    check-in on the day they picked, goals every other Sunday, curiosity on its days, a photo
    moment every other Thursday, else a check-in (which `bot.core.love_maps` may turn into
    "Still true?" on Tuesdays and a guessing round on Saturdays)."""
    weekday = texts.DAY_NAMES[day.weekday()]
    odd_week = day.isocalendar().week % 2 == 1
    if couple.ritual_day == weekday:  # opted in (/settings), so it comes before the rest
        return ritual.KIND
    if couple.goals_on and weekday == "sun" and not odd_week:
        return "goals"
    if couple.curiosity_on and weekday in couple.curiosity_days.split(","):
        return "curiosity"
    if couple.photos_on and weekday == "thu" and odd_week:
        return "photo"
    if couple.checkin_on:
        return "check-in"
    return None


def _apart(day: int, chosen: list[int]) -> tuple[int, int]:
    """How far a weekday lies from the days already chosen, round the week: the nearest one,
    then the width of the gap it falls in (so a day in the middle of the widest gap wins)."""
    if not chosen:
        return 7, 7
    after = min((other - day) % 7 for other in chosen)
    before = min((day - other) % 7 for other in chosen)
    return min(after, before), after + before


def evening_days(couple: Couple) -> frozenset[int]:
    """The weekdays (0 = Monday) whose evening brings a question: every day by default, else
    the couple's `evenings_per_week` (3 to 7, `/evenings`), the same days every week (so, with
    check-ins on, any seven days in a row bring that many), chosen by one rule. The evenings
    that have a kind of their own come first: Sunday (goals, every other week), then the
    curiosity days, then Thursday (photo moments, every other week); the rest are check-in
    evenings. Where a group does not all fit, and for the check-in evenings, each next day is
    the one farthest from those already chosen, round the week (ties: a love-maps day, then
    the earlier day)."""
    wanted = min(max(couple.evenings_per_week, EVENINGS_A_WEEK.start), EVENINGS_A_WEEK.stop - 1)
    if wanted == 7:
        return frozenset(range(7))
    groups: list[list[int]] = []
    if couple.ritual_day in texts.DAY_NAMES:  # chosen by the couple: kept whatever the count
        groups.append([texts.DAY_NAMES.index(couple.ritual_day)])
    if couple.goals_on:
        groups.append([6])
    if couple.curiosity_on:
        days = couple.curiosity_days.split(",")
        groups.append([i for i, name in enumerate(texts.DAY_NAMES) if name in days])
    if couple.photos_on:
        groups.append([3])
    if couple.checkin_on:
        groups.append(list(range(7)))
    loved = {
        day for kind, day in love_maps.DAYS.items() if getattr(couple, love_maps.SWITCHES[kind])
    }
    chosen: list[int] = []
    for group in groups:
        left = [day for day in group if day not in chosen]
        while left and len(chosen) < wanted:
            best = max(left, key=lambda d: (*_apart(d, chosen), d in loved, -d))
            chosen.append(best)
            left.remove(best)
    return frozenset(chosen)


def previous_evening(couple: Couple, day: date) -> date | None:
    """The latest day before `day` whose evening brings a question, within two weeks."""
    days = evening_days(couple)
    for back in range(1, 15):
        earlier = day - timedelta(days=back)
        if earlier.weekday() in days and _kind_of_day(couple, earlier) is not None:
            return earlier
    return None


def evening_kind(couple: Couple, day: date, *, last_asked: date | None = None) -> str | None:
    """What the couple-day's evening brings (see `_kind_of_day`), or None: no question that
    evening. None on a day that is not one of the couple's `evening_days`; and while the couple
    is quieter (`Couple.quiet_since`, see `bot.core.cadence`), None on an evening right after
    one that brought a question: `last_asked` is the day of the couple's latest conversation
    before `day` (a caller that does not pass it gets the couple's usual rhythm)."""
    if day.weekday() not in evening_days(couple):
        return None
    kind = _kind_of_day(couple, day)
    if kind is None or couple.quiet_since is None or last_asked is None:
        return kind
    if last_asked == previous_evening(couple, day):
        return None  # quieter: every other evening
    return kind


def evening_at(couple: Couple) -> time:
    """The couple's evening time (each partner's own clock)."""
    return parse_hhmm(couple.evening_time) or DEFAULT_EVENING
