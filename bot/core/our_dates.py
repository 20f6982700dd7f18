"""Our dates: `/anniversary` (the couple's), `/birthday` (one's own), `/meet` (the day a couple
apart see each other: `Couple.apart_until`, see bot/core/apart.py) and `/ourdays`, which lists
them with buttons to change or clear each.

Every morning (`rhythm.OUR_DAYS`, composed in bot/core/beat/compose.py) each partner's own local
date is looked at: the anniversary (naming the years), days together (from the anniversary, or
from pairing when none is set) at 100, 365, 500, 1,000, every further 1,000 and every year, a
partner's birthday three days ahead (a quiet heads-up to the other, with a date idea), a
birthday on the day (a line to the one whose it is, a nudge to the other), and the day they
meet. Each is sent once per member: its `Milestone` name (`Occasion.mark`) is recorded with
the delivery.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import NamedTuple

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.core import apart, status, texts, words
from bot.core import typed as typed_words
from bot.core.context import Ctx
from bot.core.events import keyboard
from bot.core.local_time import local_date
from bot.core.members import couple_and_partner, couple_members, couple_of, partner_of
from bot.core.models import Couple, Member
from bot.core.rhythm import ensure_due, next_due
from bot.core.router import Router

MIN_YEAR = 1900
HEADS_UP = timedelta(days=3)  # how long before a partner's birthday the other is told
DAY_MILESTONES = (100, 500)  # besides every 1,000 days and every 365
YEAR_DAYS = 365
THOUSAND = 1000
MARK_LENGTH = 32  # Milestone.name
MAX_TYPED_DATE = 24  # longer, a message is not a date typed when one was asked for
AWAITING_ANNIVERSARY = "anniversary"
AWAITING_BIRTHDAY = "birthday"
AWAITING_MEET = "meet"
WHATS = ("anniv", "bday", "meet")  # what an /ourdays button changes or clears

router = Router()


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


def _month_day(stored: str) -> tuple[int | None, int, int] | None:
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
    found = _month_day(stored) if stored else None
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


def _today(ctx: Ctx, member: Member | None = None) -> date:
    return local_date(ctx.now, (member or ctx.member).timezone)


def _full_date(day: date, member: Member) -> str:
    return words.when(day, None, "full_date", words.spoken(member.language))


def _birthday_words(stored: str, member: Member) -> str:
    """A stored birthday as the member reads it: "20 June", or "20 Jun 1990" with its year."""
    found = _month_day(stored)
    if found is None:
        return stored
    year, month, day = found
    lang = words.spoken(member.language)
    if year is None:
        shown = on_year(month, day, year=2000)  # a leap year: 29 February shows as itself
        assert shown is not None
        return words.when(shown, None, "day_month", lang)
    return words.when(date(year, month, day), None, "full_date", lang)


@router.command("anniversary")
async def anniversary(ctx: Ctx, args: str) -> None:
    """`/anniversary 2019-06-14`: the couple's day; either partner sets it, both are told."""
    paired = await couple_and_partner(ctx)
    if paired is None:
        return
    couple, partner = paired
    if not args.strip():
        ctx.member.awaiting = AWAITING_ANNIVERSARY
        ctx.reply(ctx.say(texts.ANNIVERSARY_ASK))
        return
    day = parse_day(args)
    if day is None or day.year < MIN_YEAR:
        ctx.reply(ctx.say(texts.ANNIVERSARY_BAD))
        return
    if day > _today(ctx):
        ctx.reply(ctx.say(texts.ANNIVERSARY_FUTURE))
        return
    ctx.member.awaiting = None
    couple.anniversary = day.isoformat()
    await plan_mornings(ctx.session, couple, now=ctx.now)
    await status.changed(ctx, couple)  # the pinned line counts the days from it
    ctx.reply(ctx.say(texts.ANNIVERSARY_SET, day=_full_date(day, ctx.member)))
    ctx.push(
        partner,
        ctx.say_to(
            partner,
            texts.ANNIVERSARY_TOLD,
            partner=ctx.member.display_name,
            day=_full_date(day, partner),
        ),
        kind="our-dates",
    )


@router.command("birthday")
async def birthday(ctx: Ctx, args: str) -> None:
    """`/birthday 06-20` or `/birthday 1990-06-20`: one's own (the year only if given)."""
    if not args.strip():
        ctx.member.awaiting = AWAITING_BIRTHDAY
        ctx.reply(ctx.say(texts.BIRTHDAY_ASK))
        return
    stored = parse_birthday(args)
    if stored is None:
        ctx.reply(ctx.say(texts.BIRTHDAY_BAD))
        return
    born = parse_day(stored)
    if born is not None and (born.year < MIN_YEAR or born > _today(ctx)):
        ctx.reply(ctx.say(texts.BIRTHDAY_FUTURE if born > _today(ctx) else texts.BIRTHDAY_BAD))
        return
    ctx.member.awaiting = None
    ctx.member.birthday = stored
    partner = await partner_of(ctx.session, ctx.member)
    couple = await couple_of(ctx.session, ctx.member)
    if couple is not None:
        await plan_mornings(ctx.session, couple, now=ctx.now)
    name = partner.display_name if partner else ctx.say(texts.YOUR_PARTNER)
    ctx.reply(ctx.say(texts.BIRTHDAY_SET, day=_birthday_words(stored, ctx.member), partner=name))


def _days_to_go(ctx: Ctx, couple: Couple, *, member: Member, partner: Member) -> str:
    """ "12 days", counted on `member`'s own date (at least one: the day is still to come for
    the one who set it)."""
    zones = (member.timezone, partner.timezone)
    ahead = apart.days_to_meet(couple, day=_today(ctx, member), zones=zones) or 1
    return words.plural("DAYS", ahead, words.spoken(member.language))


def _meet_words(day: date, member: Member) -> str:
    return words.when(day, None, "day", words.spoken(member.language))


@router.command("meet")
async def meet(ctx: Ctx, args: str) -> None:
    """`/meet 2027-01-15` (or a number of days): the day a couple apart see each other (it sets
    them apart if they were not yet); a countdown in the evening question, a word on the day,
    and apart ends by itself then."""
    paired = await couple_and_partner(ctx)
    if paired is None:
        return
    couple, partner = paired
    if not args.strip():
        ctx.member.awaiting = AWAITING_MEET
        ctx.reply(ctx.say(texts.MEET_ASK))
        return
    end = apart.parse_end(args, _today(ctx), lang=ctx.lang)
    if not isinstance(end, date):
        ctx.reply(ctx.say(texts.MEET_BAD))
        return
    ctx.member.awaiting = None
    apart.set_until(couple, end, zones=(ctx.member.timezone, partner.timezone), now=ctx.now)
    await plan_mornings(ctx.session, couple, now=ctx.now)
    await status.changed(ctx, couple)  # the pinned line counts down to it
    ctx.reply(
        ctx.say(
            texts.MEET_SET,
            day=_meet_words(end, ctx.member),
            days=_days_to_go(ctx, couple, member=ctx.member, partner=partner),
        )
    )
    ctx.push(
        partner,
        ctx.say_to(
            partner,
            texts.MEET_TOLD,
            partner=ctx.member.display_name,
            day=_meet_words(end, partner),
            days=_days_to_go(ctx, couple, member=partner, partner=ctx.member),
        ),
        kind="our-dates",
    )


AWAITING = {
    AWAITING_ANNIVERSARY: anniversary,
    AWAITING_BIRTHDAY: birthday,
    AWAITING_MEET: meet,
}


def is_date_reply(text: str, *, lang: str | None) -> bool:
    """Whether a message sent while a date was asked for is meant as that date (short, with a
    digit) or as "cancel", rather than, say, an answer to the evening question."""
    if typed_words.is_word(text, "INPUT_CANCEL", lang=lang):
        return True
    return len(text.strip()) <= MAX_TYPED_DATE and any(c.isdigit() for c in text)


async def typed(ctx: Ctx, text: str) -> None:
    """A date typed after /ourdays's "change" (or a command without one) asked for it; "cancel"
    leaves everything as it was."""
    if typed_words.is_word(text, "INPUT_CANCEL", lang=ctx.lang):
        ctx.member.awaiting = None
        ctx.reply(ctx.say(texts.OURDAYS_KEPT))
        return
    await AWAITING[ctx.member.awaiting or ""](ctx, text)


# --- /ourdays ------------------------------------------------------------------------------------


@router.command("ourdays")
async def ourdays(ctx: Ctx, _args: str = "") -> None:
    """`/ourdays`: the anniversary, both birthdays, days together and the day they meet, with
    buttons to change or clear (one's own birthday only)."""
    paired = await couple_and_partner(ctx)
    if paired is None:
        return
    couple, partner = paired
    me, today = ctx.member, _today(ctx)
    lines = []
    anniversary = anniversary_of(couple)
    if anniversary is not None:
        lines.append(ctx.say(texts.OURDAYS_ANNIVERSARY, day=_full_date(anniversary, me)))
    else:
        lines.append(ctx.say(texts.OURDAYS_ANNIVERSARY_NONE))
    if me.birthday:
        lines.append(ctx.say(texts.OURDAYS_MY_BIRTHDAY, day=_birthday_words(me.birthday, me)))
    else:
        lines.append(ctx.say(texts.OURDAYS_MY_BIRTHDAY_NONE))
    if partner.birthday:
        day = _birthday_words(partner.birthday, me)
        lines.append(ctx.say(texts.OURDAYS_PARTNER_BIRTHDAY, partner=partner.display_name, day=day))
    else:
        lines.append(ctx.say(texts.OURDAYS_PARTNER_BIRTHDAY_NONE, partner=partner.display_name))
    days = words.number(max(0, days_together(couple, day=today, zone=me.timezone)), ctx.lang)
    since = _full_date(together_since(couple, me.timezone), me)
    together = texts.OURDAYS_TOGETHER if anniversary else texts.OURDAYS_TOGETHER_PAIRED
    lines.append(ctx.say(together, number=days, day=since))
    zones = (me.timezone, partner.timezone)
    meet_on = apart.meet_day(couple, zones)
    if meet_on is not None and meet_on > today:
        to_go = words.plural("DAYS", (meet_on - today).days, ctx.lang)
        lines.append(ctx.say(texts.OURDAYS_MEET, day=_meet_words(meet_on, me), days=to_go))
    elif meet_on == today:
        lines.append(ctx.say(texts.OURDAYS_MEET_TODAY))
    else:
        lines.append(ctx.say(texts.OURDAYS_MEET_NONE))
    is_set = {
        "anniv": anniversary is not None,
        "bday": bool(me.birthday),
        "meet": meet_on is not None and meet_on >= today,
    }
    rows: list[list[tuple[str, str]]] = []
    for what in WHATS:
        row = [(ctx.say(texts.OURDAYS_CHANGE[what]), f"ours:{what}:set:{couple.id}")]
        if is_set[what]:
            row.append((ctx.say(texts.OURDAYS_CLEAR[what]), f"ours:{what}:clear:{couple.id}"))
        rows.append(row)
    ctx.reply(ctx.say(texts.OURDAYS, lines="\n".join(lines)), keyboard(*rows))


@router.button("ours")
async def _ours_pressed(ctx: Ctx, parts: list[str]) -> None:
    """`ours:<anniv|bday|meet>:<set|clear>:<couple id>`, under /ourdays: only the presser's own
    couple, and only their own birthday."""
    match parts:
        case [what, "set", couple_id] if what in WHATS and couple_id == str(ctx.member.couple_id):
            ask = {"anniv": anniversary, "bday": birthday, "meet": meet}[what]
            await ask(ctx, "")
        case [what, "clear", couple_id] if what in WHATS and couple_id == str(ctx.member.couple_id):
            await _clear(ctx, what)
        case _:
            ctx.reply(ctx.say(texts.STALE_BUTTON))


async def _clear(ctx: Ctx, what: str) -> None:
    paired = await couple_and_partner(ctx)
    if paired is None:
        return
    couple, partner = paired
    told: str | None = None
    if what == "anniv" and couple.anniversary:
        couple.anniversary = None
        await status.changed(ctx, couple)
        ctx.reply(ctx.say(texts.ANNIVERSARY_CLEARED))
        told = texts.ANNIVERSARY_CLEARED_TOLD
    elif what == "bday" and ctx.member.birthday:
        ctx.member.birthday = None
        ctx.reply(ctx.say(texts.BIRTHDAY_CLEARED))
    elif what == "meet" and _meet_to_come(ctx, couple, partner):
        couple.apart_until = None  # still apart, with no date
        await status.changed(ctx, couple)
        ctx.reply(ctx.say(texts.MEET_CLEARED))
        told = texts.MEET_CLEARED_TOLD
    else:
        ctx.reply(ctx.say(texts.OURDAYS_NOTHING))
        return
    if told is not None:
        ctx.push(
            partner,
            ctx.say_to(partner, told, partner=ctx.member.display_name),
            kind="our-dates",
        )
    await ourdays(ctx)


def _meet_to_come(ctx: Ctx, couple: Couple, partner: Member) -> bool:
    meet_on = apart.meet_day(couple, (ctx.member.timezone, partner.timezone))
    return meet_on is not None and meet_on >= _today(ctx)
