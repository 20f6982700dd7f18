"""Apart and together: `/apart [until DATE]` and `/together`. While a couple is apart, affection
and date ideas are ones that work at a distance (a prompt's `where`, see bot/content.py)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta

from bot.core import status, texts, typed, words
from bot.core.context import Ctx
from bot.core.local_time import local_date, local_moment
from bot.core.members import couple_and_partner, couple_of
from bot.core.models import Couple, Member
from bot.core.router import Router
from bot.core.sql import small_number

MAX_DAYS = 366

router = Router()


def is_apart(couple: Couple, now: datetime) -> bool:
    """Whether the couple said they are apart, and the date they gave has not come yet."""
    return couple.apart_since is not None and (
        couple.apart_until is None or couple.apart_until > now
    )


def meet_day(couple: Couple, zones: Iterable[str | None]) -> date | None:
    """The day a couple apart see each other (`/apart until …`, `/meet`), None when they gave
    none. `apart_until` is the moment that day has begun for both (the later of their two
    midnights): the earliest of their local dates of that moment is the day itself."""
    if couple.apart_since is None or couple.apart_until is None:
        return None
    return min(local_date(couple.apart_until, zone) for zone in zones)


def days_to_meet(couple: Couple, *, day: date, zones: Iterable[str | None]) -> int | None:
    """How many days from `day` (a member's local date) until the two see each other; None when
    no such day is set or it is not still to come."""
    meet = meet_day(couple, zones)
    if meet is None or meet <= day:
        return None
    return (meet - day).days


def set_until(
    couple: Couple, end: date | None, *, zones: Iterable[str | None], now: datetime
) -> None:
    """Apart from now (if not yet), until the day `end` (None: no date). The day begins at
    different moments for the two: apart ends once it has begun for both, so each of them reads
    the same date."""
    couple.apart_since = couple.apart_since if is_apart(couple, now) else now
    couple.apart_until = (
        max(local_moment(end, time(0, 0), zone=zone) for zone in zones) if end is not None else None
    )


def until_words(couple: Couple, member: Member) -> str:
    """When being apart ends, in the member's own calendar ("" when they gave no date)."""
    if couple.apart_until is None:
        return ""
    return words.when(couple.apart_until, member.timezone, "day", words.spoken(member.language))


def parse_end(args: str, today: date, *, lang: str | None = None) -> date | str | None:
    """The day they are together again: a date (`until 2027-01-15`, `2027-01-15`, or a number
    of days), None for no date, or "bad". "until" and "days" may be in the member's `lang`."""
    given = typed.strip_word(args.strip().lower(), "INPUT_UNTIL", lang=lang)
    if not given:
        return None
    count = given
    for suffix in ("days", "day"):  # "10days", as people type it in a hurry
        count = count.removesuffix(suffix)
    days = small_number(typed.strip_word(count, "INPUT_DAYS", lang=lang, at_end=True).strip())
    if days is not None:
        return today + timedelta(days=days) if 1 <= days <= MAX_DAYS else "bad"
    try:
        day = date.fromisoformat(given)
    except ValueError:
        return "bad"
    return day if today < day <= today + timedelta(days=MAX_DAYS) else "bad"


@router.command("apart")
async def apart(ctx: Ctx, args: str) -> None:
    """`/apart` or `/apart until 2027-01-15`: distance-friendly ideas for now; both told."""
    paired = await couple_and_partner(ctx)
    if paired is None:
        return
    couple, partner = paired
    end = parse_end(args, local_date(ctx.now, ctx.member.timezone), lang=ctx.lang)
    if not isinstance(end, date | None):
        ctx.reply(ctx.say(texts.APART_BAD))
        return
    set_until(couple, end, zones=(ctx.member.timezone, partner.timezone), now=ctx.now)
    await status.changed(ctx, couple)
    _tell_both(ctx, couple, partner, done=texts.APART_DONE, told=texts.APART_TOLD)


@router.command("together")
async def together(ctx: Ctx, _args: str = "") -> None:
    """`/together`: in one place again; both told."""
    paired = await couple_and_partner(ctx)
    if paired is None:
        return
    couple, partner = paired
    if not is_apart(couple, ctx.now):
        ctx.reply(ctx.say(texts.TOGETHER_ALREADY))
        return
    couple.apart_since = couple.apart_until = None
    await status.changed(ctx, couple)
    _tell_both(ctx, couple, partner, done=texts.TOGETHER_DONE, told=texts.TOGETHER_TOLD)


def _tell_both(ctx: Ctx, couple: Couple, partner: Member, *, done: str, told: str) -> None:
    def until(member: Member) -> str:
        day = until_words(couple, member)
        return ctx.say_to(member, texts.APART_UNTIL, day=day) if day else ""

    ctx.reply(ctx.say(done, until=until(ctx.member)))
    ctx.push(
        partner,
        ctx.say_to(partner, told, partner=ctx.member.display_name, until=until(partner)),
    )


async def toggle(ctx: Ctx) -> None:
    """The settings button: apart for now, or together again."""
    couple = await couple_of(ctx.session, ctx.member)
    if couple is not None and is_apart(couple, ctx.now):
        await together(ctx)
    else:
        await apart(ctx, "")
