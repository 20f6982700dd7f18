"""Date nights, asked not announced: `/date` (a day button or `fri 19:30`) or a someday item's
"Plan it" asks the partner, who answers "Yes 💛" or "Another time" (the proposer then picks
another day). Only an accepted date is reminded that morning and asked about the next day."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

from sqlalchemy import ColumnElement, and_, delete, update
from sqlmodel import col, select

from bot.core import texts, typed, words
from bot.core.context import Ctx
from bot.core.events import Button, keyboard
from bot.core.local_time import local_moment, parse_hhmm
from bot.core.members import couple_members, partner_of
from bot.core.models import DatePlan, Member, Schedule, Someday
from bot.core.rhythm import in_quiet_hours, set_due
from bot.core.router import Router
from bot.core.sql import row_id
from bot.core.zones import zone_info

AWAITING = "date"  # and "date:<someday id>" for a day that plans a someday item
DEFAULT_TIME = time(19, 30)
HORIZON = timedelta(days=366)  # plans further ahead than a year are surely a typo
MORNING = time(9, 0)
ASK_AT = time(10, 0)
DATE_RHYTHMS = ("date-morning", "date-ask")

router = Router()


def parse_when(text: str, today: date, *, lang: str | None = None) -> tuple[date, time] | None:
    """`fri 19:30`, `tomorrow`, `today 20:00`, `2026-12-24 19:00`: a local day and time. The
    words may be English or the member's language `lang` (`vie 19:30`, `завтра 20:00`)."""
    parts = text.strip().lower().replace(",", " ").split()
    if not parts or len(parts) > 2:
        return None
    at = DEFAULT_TIME
    if len(parts) == 2:
        parsed = parse_hhmm(parts[1])
        if parsed is None:
            return None
        at = parsed
    head = parts[0]
    if typed.is_word(head, "INPUT_TODAY", lang=lang):
        return today, at
    if typed.is_word(head, "INPUT_TOMORROW", lang=lang):
        return today + timedelta(days=1), at
    weekday = typed.weekdays(lang).get(typed.fold(head))
    if weekday is not None:
        ahead = (weekday - today.weekday()) % 7
        return today + timedelta(days=ahead), at
    if re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", head):
        try:
            day = date.fromisoformat(head)
        except ValueError:
            return None
        return (day, at) if day <= today + HORIZON else None
    return None


def words_for(moment: datetime, member: Member) -> str:
    return words.when(moment, member.timezone, "day_time", words.spoken(member.language))


def today_of(member: Member, now: datetime) -> date:
    return now.astimezone(zone_info(member.timezone)).date()


def awaiting_day(member: Member) -> bool:
    """Whether the member was asked for a date's day (by /date, a someday item's "Plan it", or
    "Another time"): a day they type next plans it."""
    return member.awaiting == AWAITING or (member.awaiting or "").startswith(f"{AWAITING}:")


def _awaited_someday(member: Member) -> int | None:
    """The someday item the day the member was asked for is for (`date:<someday id>`)."""
    awaiting = member.awaiting or ""
    return (
        row_id(awaiting.removeprefix(f"{AWAITING}:"))
        if awaiting.startswith(f"{AWAITING}:")
        else None
    )


def awaiting_for(someday_id: int | None) -> str:
    return AWAITING if someday_id is None else f"{AWAITING}:{someday_id}"


def day_buttons(
    today: date, *, couple_id: int, someday_id: int | None, lang: str
) -> tuple[tuple[Button, ...], ...]:
    """A week of day buttons from `today`, for a date at the default time (and the someday
    item it plans, if any)."""
    days = [today + timedelta(days=i) for i in range(7)]
    tail = "" if someday_id is None else f":{someday_id}"
    return keyboard(
        *[
            [
                (
                    words.when(d, None, "weekday_day", lang),
                    f"dateday:{d.isoformat()}:{couple_id}{tail}",
                )
                for d in row
            ]
            for row in (days[:4], days[4:])
        ]
    )


def ahead(couple_id: int, now: datetime) -> ColumnElement[bool]:
    """The couple's dates still ahead and still standing: asked or accepted, not cancelled,
    not declined."""
    return and_(
        col(DatePlan.couple_id) == couple_id,
        col(DatePlan.cancelled_at).is_(None),
        col(DatePlan.declined_at).is_(None),
        col(DatePlan.at) > now,
    )


@router.command("date")
async def plan(ctx: Ctx, args: str) -> None:
    """`/date`, `/date fri 19:30`, `/date cancel`. A day typed after "Plan it" on a someday
    item (or after "Another time" on one) still plans that item."""
    partner = await partner_of(ctx.session, ctx.member)
    if partner is None or ctx.member.couple_id is None:
        ctx.reply(ctx.say(texts.CHECKIN_NOT_PAIRED))
        return
    if typed.is_word(args, "INPUT_CANCEL", lang=ctx.lang):
        if awaiting_day(ctx.member):
            ctx.member.awaiting = None
        await cancel(ctx)
        return
    if not args.strip():
        await ask_day(ctx, None)
        return
    when = parse_when(args, today_of(ctx.member, ctx.now), lang=ctx.lang)
    if when is None:
        ctx.reply(ctx.say(texts.DATE_BAD))
        return
    await propose(ctx, when, someday_id=_awaited_someday(ctx.member))


async def ask_day(ctx: Ctx, item: Someday | None) -> None:
    """Ask the member for the day of a date (for a someday item, if given): day buttons, or a
    day they type next."""
    assert ctx.member.couple_id is not None
    someday_id = item.id if item is not None else None
    ctx.member.awaiting = awaiting_for(someday_id)
    buttons = day_buttons(
        today_of(ctx.member, ctx.now),
        couple_id=ctx.member.couple_id,
        someday_id=someday_id,
        lang=ctx.lang,
    )
    if item is None:
        ctx.reply(ctx.say(texts.DATE_ASK), buttons)
        return
    partner = await partner_of(ctx.session, ctx.member)
    name = partner.display_name if partner is not None else ctx.say(texts.YOUR_PARTNER)
    ctx.reply(ctx.say(texts.SOMEDAY_PLAN_ASK, words=item.text, partner=name), buttons)


async def pick_day(ctx: Ctx, day: str, *, couple_id: str, someday_id: str | None) -> None:
    """A day button: a date that day at the default time."""
    someday_key = row_id(someday_id) if someday_id is not None else None
    if str(ctx.member.couple_id) != couple_id or (someday_id is not None and someday_key is None):
        ctx.reply(ctx.say(texts.STALE_BUTTON))
        return
    when = parse_when(day, today_of(ctx.member, ctx.now)) if len(day) == 10 else None
    if when is None:
        ctx.reply(ctx.say(texts.STALE_BUTTON))
        return
    await propose(ctx, (when[0], DEFAULT_TIME), someday_id=someday_key)


async def propose(ctx: Ctx, when: tuple[date, time], *, someday_id: int | None) -> None:
    """Ask the partner for a date (for a someday item, if given): it replaces any question
    still unanswered; an accepted date ahead stands until the partner says yes to this one."""
    partner = await partner_of(ctx.session, ctx.member)
    if partner is None or ctx.member.couple_id is None:
        ctx.reply(ctx.say(texts.CHECKIN_NOT_PAIRED))
        return
    day, at = when
    today = today_of(ctx.member, ctx.now)
    if day > today + HORIZON:
        ctx.reply(ctx.say(texts.DATE_BAD))
        return
    if day < today:  # before the local moment: 0001-01-01 has none in every zone
        ctx.reply(ctx.say(texts.DATE_PAST))
        return
    moment = local_moment(day, at, zone=ctx.member.timezone)
    if moment <= ctx.now:
        ctx.reply(ctx.say(texts.DATE_PAST))
        return
    item = await ctx.session.get(Someday, someday_id) if someday_id is not None else None
    ctx.member.awaiting = None
    if someday_id is not None and (item is None or item.couple_id != ctx.member.couple_id):
        ctx.reply(ctx.say(texts.STALE_BUTTON))  # forged, or erased with whoever added it
        return
    if item is not None and item.removed_at is not None:
        ctx.reply(ctx.say(texts.SOMEDAY_ALREADY_REMOVED))
        return
    if item is not None and item.planned_at is not None:
        ctx.reply(ctx.say(texts.SOMEDAY_ALREADY_PLANNED))
        return
    couple_id = ctx.member.couple_id
    await ctx.session.exec(
        update(DatePlan)
        .where(ahead(couple_id, ctx.now), col(DatePlan.accepted_at).is_(None))
        .values(cancelled_at=ctx.now)
    )
    standing = (
        await ctx.session.exec(
            select(DatePlan)
            .where(ahead(couple_id, ctx.now), col(DatePlan.accepted_at).is_not(None))
            .order_by(col(DatePlan.at))
        )
    ).first()
    asked = DatePlan(
        couple_id=couple_id,
        created_by=ctx.member.id,
        at=moment,
        created_at=ctx.now,
        someday_id=item.id if item is not None else None,
    )
    ctx.session.add(asked)
    await ctx.session.flush()
    if standing is None:
        ctx.reply(
            ctx.say(
                texts.DATE_ASKED, partner=partner.display_name, when=words_for(moment, ctx.member)
            )
        )
    else:
        ctx.reply(
            ctx.say(
                texts.DATE_ASKED_INSTEAD,
                partner=partner.display_name,
                when=words_for(moment, ctx.member),
                before=words_for(standing.at, ctx.member),
            )
        )
    said = {"partner": ctx.member.display_name, "when": words_for(moment, partner)}
    author = None
    if item is None:
        text = ctx.say_to(partner, texts.DATE_PROPOSAL, **said)
    else:
        text = ctx.say_to(partner, texts.DATE_PROPOSAL_SOMEDAY, words=item.text, **said)
        # The item's words are whoever added it: erased with them while still unsent.
        author = next((m for m in (ctx.member, partner) if m.id == item.added_by), None)
    ctx.push(
        partner,
        text,
        buttons=keyboard(
            [
                (ctx.say_to(partner, texts.DATE_YES_BUTTON), f"dateyes:{asked.id}"),
                (ctx.say_to(partner, texts.DATE_LATER_BUTTON), f"datelater:{asked.id}"),
            ]
        ),
        kind="date",
        silent=in_quiet_hours(ctx.now, partner.timezone),  # at night it comes without a sound
        author=author,
    )


async def remind(ctx: Ctx, moment: datetime, *, members: list[Member]) -> None:
    """Both partners' morning reminder (if that morning is still ahead) and the day-after
    question, each on their own clock."""
    for member in members:
        assert member.id is not None
        local_day = moment.astimezone(zone_info(member.timezone)).date()
        morning = local_moment(local_day, MORNING, zone=member.timezone)
        if morning > ctx.now:
            await set_due(ctx.session, member.id, rhythm="date-morning", due=morning)
        else:
            await ctx.session.exec(
                delete(Schedule).where(
                    col(Schedule.member_id) == member.id, col(Schedule.rhythm) == "date-morning"
                )
            )
        await set_due(
            ctx.session,
            member.id,
            rhythm="date-ask",
            due=local_moment(local_day + timedelta(days=1), ASK_AT, zone=member.timezone),
        )


async def call_off(ctx: Ctx, plans: list[DatePlan]) -> None:
    """Cancel dates; a someday item one of them planned goes back on the open list."""
    for plan_row in plans:
        plan_row.cancelled_at = ctx.now
    items = [p.someday_id for p in plans if p.someday_id is not None and p.accepted_at is not None]
    if items:
        await ctx.session.exec(
            update(Someday)
            .where(col(Someday.id).in_(items), col(Someday.couple_id) == ctx.member.couple_id)
            .values(planned_at=None)
        )


async def cancel(ctx: Ctx) -> None:
    """`/date cancel`: the date ahead (asked or accepted) is off; both are told."""
    assert ctx.member.couple_id is not None
    coming = list(
        (
            await ctx.session.exec(
                select(DatePlan)
                .where(ahead(ctx.member.couple_id, ctx.now))
                .order_by(col(DatePlan.at))
            )
        ).all()
    )
    if not coming:
        ctx.reply(ctx.say(texts.DATE_NONE))
        return
    accepted = [p for p in coming if p.accepted_at is not None]
    first = accepted[0] if accepted else coming[0]
    await call_off(ctx, coming)
    members = await couple_members(ctx.session, ctx.member.couple_id)
    if accepted:  # only an accepted date has reminders (a past date's question stays)
        await ctx.session.exec(
            delete(Schedule).where(
                col(Schedule.member_id).in_([m.id for m in members]),
                col(Schedule.rhythm).in_(DATE_RHYTHMS),
            )
        )
    ctx.reply(ctx.say(texts.DATE_CANCELLED, when=words_for(first.at, ctx.member)))
    for member in members:
        if member.id != ctx.member.id:
            ctx.push(
                member,
                ctx.say_to(
                    member,
                    texts.DATE_CANCEL_TOLD,
                    partner=ctx.member.display_name,
                    when=words_for(first.at, member),
                ),
                kind="date",
            )


@router.button("dateday")
async def _day_pressed(ctx: Ctx, parts: list[str]) -> None:
    """`dateday:<YYYY-MM-DD>:<couple id>[:<someday id>]`, the day buttons of /date, of a someday
    item's "Plan it" and of "Another time"."""
    match parts:
        case [day, couple_id]:
            await pick_day(ctx, day, couple_id=couple_id, someday_id=None)
        case [day, couple_id, someday_id]:
            await pick_day(ctx, day, couple_id=couple_id, someday_id=someday_id)
        case _:
            ctx.reply(ctx.say(texts.STALE_BUTTON))
