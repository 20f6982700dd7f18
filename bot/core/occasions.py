"""The couple's days: reading a typed date or birthday, the days together, and which occasions a
member's morning brings (an anniversary, days together, a partner's birthday ahead or today,
the day they meet), each marked so it is sent once (`Occasion.mark`, a `Milestone` name). Pure
rules, plus planning the morning rhythm; the commands are in `bot.core.our_dates`."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import NamedTuple

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.core import apart, words
from bot.core.local_time import local_date
from bot.core.members import couple_members
from bot.core.models import Couple
from bot.core.rhythm import ensure_due, next_due

MIN_YEAR = 1900
HEADS_UP = timedelta(days=3)  # how long before a partner's birthday the other is told
DAY_MILESTONES = (100, 500)  # besides every 1,000 days and every 365
YEAR_DAYS = 365
THOUSAND = 1000
MARK_LENGTH = 32  # Milestone.name


# --- reading dates ---------------------------------------------------------------------------


def parse_day(text: str) -> date | None:
    """`2019-06-14` (or with `/` or `.` between) as a date, or None."""
    found = re.fullmatch(r"([0-9]{4})[-/.]([0-9]{1,2})[-/.]([0-9]{1,2})", text.strip())
    if found is None:
        return None
    try:
        return date(*(int(part) for part in found.groups()))
    except ValueError:
        return None


def parse_birthday(text: str) -> str | None:
    """A birthday as stored: `06-20` → "06-20", `1990-06-20` → "1990-06-20"; None if it is
    neither (or no such day: `02-30`). February 29 is fine without a year."""
    given = text.strip()
    short = re.fullmatch(r"([0-9]{1,2})[-/.]([0-9]{1,2})", given)
    if short is not None:
        month, day = (int(part) for part in short.groups())
        try:
            date(2000, month, day)  # a leap year: 02-29 is a birthday too
        except ValueError:
            return None
        return f"{month:02d}-{day:02d}"
    full = parse_day(given)
    return full.isoformat() if full is not None else None


def month_day(stored: str) -> tuple[int | None, int, int] | None:
    """A stored birthday's (year or None, month, day); None if it is not one."""
    parts = stored.split("-")
    try:
        numbers = [int(part) for part in parts]
    except ValueError:
        return None
    match numbers:
        case [month, day]:
            return None, month, day
        case [year, month, day]:
            return year, month, day
    return None


def on_year(month: int, day: int, *, year: int) -> date | None:
    """A yearly day in `year`; February 29 is February 28 in a year without it."""
    if (month, day) == (2, 29) and not _is_leap(year):
        day = 28
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _is_leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def birthday_in(stored: str | None, year: int) -> date | None:
    """The day a stored birthday falls on in `year`."""
    found = month_day(stored) if stored else None
    return on_year(found[1], found[2], year=year) if found else None


def anniversary_of(couple: Couple) -> date | None:
    """The couple's anniversary as a date (None when unset)."""
    return parse_day(couple.anniversary) if couple.anniversary else None


def together_since(couple: Couple, zone: str | None) -> date:
    """The first day together: the anniversary, else the member's local date of pairing."""
    return anniversary_of(couple) or local_date(couple.created_at, zone)


def days_together(couple: Couple, *, day: date, zone: str | None) -> int:
    return (day - together_since(couple, zone)).days


def is_day_milestone(days: int, *, anniversary: bool) -> bool:
    """100, 365, 500, 1,000, every further 1,000 and every year (730, 1,095, …). With an
    anniversary set, the years are its own to celebrate (naming them, on the very day), so
    the yearly counts that are not otherwise milestones give way to it."""
    if days <= 0:
        return False
    if days in DAY_MILESTONES or days % THOUSAND == 0:
        return True
    return days % YEAR_DAYS == 0 and not anniversary


# --- the mornings ----------------------------------------------------------------------------


class Occasion(NamedTuple):
    """One of a member's dates falling on their local day, and the `Milestone` name that makes
    it once: `number` is the years, the days together, or the days ahead of a birthday."""

    what: str  # anniversary | days | birthday | their-birthday | heads-up | meet
    mark: str
    number: int = 0
    day: date | None = None


def _mark(what: str, key: object, *, member_id: int) -> str:
    name = f"{what}-{key}:{member_id}"
    assert len(name) <= MARK_LENGTH, name
    return name


def occasions(
    couple: Couple,
    *,
    day: date,
    member_id: int,
    birthday: str | None,
    partner_birthday: str | None,
    zones: tuple[str | None, str | None],
) -> list[Occasion]:
    """What the member's local `day` is for them (`zones`: theirs, then their partner's)."""
    found: list[Occasion] = []
    anniversary = anniversary_of(couple)
    if anniversary is not None:
        years = day.year - anniversary.year
        if years >= 1 and on_year(anniversary.month, anniversary.day, year=day.year) == day:
            found.append(
                Occasion("anniversary", _mark("anniv", day.year, member_id=member_id), years)
            )
    days = days_together(couple, day=day, zone=zones[0])
    if is_day_milestone(days, anniversary=anniversary is not None):
        found.append(Occasion("days", _mark("days", days, member_id=member_id), days))
    if birthday_in(birthday, day.year) == day:
        found.append(Occasion("birthday", _mark("bday", day.year, member_id=member_id)))
    if birthday_in(partner_birthday, day.year) == day:
        found.append(Occasion("their-birthday", _mark("their-bday", day.year, member_id=member_id)))
    ahead = day + HEADS_UP
    if birthday_in(partner_birthday, ahead.year) == ahead:
        found.append(
            Occasion(
                "heads-up", _mark("heads-up", ahead.year, member_id=member_id), HEADS_UP.days, ahead
            )
        )
    if apart.meet_day(couple, zones) == day:
        found.append(Occasion("meet", _mark("meet", day.isoformat(), member_id=member_id)))
    return found


def morning(
    found: Sequence[Occasion],
    *,
    lang: str,
    name: str,
    partner_name: str,
    idea: str | None = None,
) -> str:
    """The member's morning message for their occasions, in their language `lang` (`idea`: a
    date idea for a heads-up)."""
    lines: list[str] = []
    for occasion in found:
        match occasion.what:
            case "anniversary":
                lines.append(words.plural("ANNIVERSARY_TODAY", occasion.number, lang))
            case "days":
                lines.append(words.plural("DAYS_TOGETHER_TODAY", occasion.number, lang))
            case "birthday":
                lines.append(words.say("BIRTHDAY_TODAY", lang, name=name))
            case "their-birthday":
                lines.append(words.say("BIRTHDAY_PARTNER_TODAY", lang, partner=partner_name))
            case "heads-up":
                assert occasion.day is not None
                heads_up = words.say(
                    "BIRTHDAY_HEADS_UP",
                    lang,
                    partner=partner_name,
                    day=words.when(occasion.day, None, "day", lang),
                    days=words.plural("DAYS", occasion.number, lang),
                )
                if idea:
                    heads_up += "\n" + words.say("BIRTHDAY_IDEA", lang, idea=idea)
                lines.append(heads_up)
            case "meet":
                lines.append(words.say("MEET_TODAY", lang))
    return "\n\n".join(lines)


async def plan_mornings(session: AsyncSession, couple: Couple, *, now: datetime) -> None:
    """Make sure both partners have their morning row (a couple paired before it existed gets
    it when either of them first saves a date)."""
    assert couple.id is not None
    for member in await couple_members(session, couple.id):
        assert member.id is not None
        due = next_due("ourdays", now, couple=couple, zone=member.timezone)
        await ensure_due(session, member.id, rhythm="ourdays", due=due)


# --- /anniversary, /birthday, /meet ------------------------------------------------------------
