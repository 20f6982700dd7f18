"""Our dates: `/anniversary` (the couple's), `/birthday` (one's own), `/meet` (the day a couple
apart see each other: `Couple.apart_until`, see bot/core/apart.py) and `/ourdays`, which lists
them with buttons to change or clear each.

Every morning (`rhythm.OUR_DAYS`; composed in bot/core/beat/mornings.py, the rules in
bot/core/occasions.py) each partner's own local date is looked at: the anniversary (naming the
years), days together (from the anniversary, or from pairing when none is set) at 100, 365,
500, 1,000, every further 1,000 and every year, a partner's birthday three days ahead (a quiet
heads-up to the other, with a date idea), a birthday on the day (a line to the one whose it is,
a nudge to the other), and the day they meet. Each is sent once per member: its `Milestone`
name (`Occasion.mark`) is recorded with the delivery.
"""

from __future__ import annotations

from datetime import date

from bot.core import apart, status, texts, words
from bot.core import typed as typed_words
from bot.core.context import Ctx
from bot.core.events import keyboard
from bot.core.local_time import local_date
from bot.core.members import couple_and_partner, couple_of, partner_of
from bot.core.models import Couple, Member
from bot.core.occasions import (
    MIN_YEAR,
    anniversary_of,
    days_together,
    month_day,
    on_year,
    parse_birthday,
    parse_day,
    plan_mornings,
    together_since,
)
from bot.core.router import Router

MAX_TYPED_DATE = 24  # longer, a message is not a date typed when one was asked for
AWAITING_ANNIVERSARY = "anniversary"
AWAITING_BIRTHDAY = "birthday"
AWAITING_MEET = "meet"
WHATS = ("anniv", "bday", "meet")  # what an /ourdays button changes or clears

router = Router()


def _today(ctx: Ctx, member: Member | None = None) -> date:
    return local_date(ctx.now, (member or ctx.member).timezone)


def _full_date(day: date, member: Member) -> str:
    return words.when(day, None, "full_date", words.spoken(member.language))


def _birthday_words(stored: str, member: Member) -> str:
    """A stored birthday as the member reads it: "20 June", or "20 Jun 1990" with its year."""
    found = month_day(stored)
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
