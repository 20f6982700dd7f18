"""Date nights: `/date` plans one (a day button or `fri 19:30`), both are reminded that
morning, and asked "how was it?" the next day."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

from sqlalchemy import delete, update
from sqlmodel import col, select

from bot.core import milestones, texts, typed, words
from bot.core.context import Ctx
from bot.core.events import keyboard
from bot.core.local_time import local_moment, parse_hhmm
from bot.core.members import couple_members, partner_of
from bot.core.models import DatePlan, Member, Schedule, Win
from bot.core.rhythm import set_due
from bot.core.router import Router
from bot.core.sql import row_id
from bot.core.zones import zone_info

AWAITING = "date"
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


def _words(moment: datetime, member: Member) -> str:
    return words.when(moment, member.timezone, "day_time", words.spoken(member.language))


async def _active(ctx: Ctx) -> DatePlan | None:
    return (
        await ctx.session.exec(
            select(DatePlan).where(
                DatePlan.couple_id == ctx.member.couple_id,
                col(DatePlan.cancelled_at).is_(None),
                DatePlan.at > ctx.now,
            )
        )
    ).first()


@router.command("date")
async def plan(ctx: Ctx, args: str) -> None:
    """`/date`, `/date fri 19:30`, `/date cancel`."""
    partner = await partner_of(ctx.session, ctx.member)
    if partner is None or ctx.member.couple_id is None:
        ctx.reply(ctx.say(texts.CHECKIN_NOT_PAIRED))
        return
    if typed.is_word(args, "INPUT_CANCEL", lang=ctx.lang):
        await cancel(ctx)
        return
    today = ctx.now.astimezone(zone_info(ctx.member.timezone)).date()
    if not args.strip():
        ctx.member.awaiting = AWAITING
        days = [today + timedelta(days=i) for i in range(7)]
        rows = [days[:4], days[4:]]
        ctx.reply(
            ctx.say(texts.DATE_ASK),
            keyboard(
                *[
                    [
                        (
                            words.when(d, None, "weekday_day", ctx.lang),
                            f"dateday:{d.isoformat()}:{ctx.member.couple_id}",
                        )
                        for d in row
                    ]
                    for row in rows
                ]
            ),
        )
        return
    when = parse_when(args, today, lang=ctx.lang)
    if when is None:
        ctx.reply(ctx.say(texts.DATE_BAD))
        return
    await _set(ctx, *when)


async def pick_day(ctx: Ctx, day: str, couple_id: str) -> None:
    if str(ctx.member.couple_id) != couple_id:
        ctx.reply(ctx.say(texts.STALE_BUTTON))
        return
    today = ctx.now.astimezone(zone_info(ctx.member.timezone)).date()
    when = parse_when(day, today) if len(day) == 10 else None
    if when is None:
        ctx.reply(ctx.say(texts.STALE_BUTTON))
        return
    await _set(ctx, when[0], DEFAULT_TIME)


async def _set(ctx: Ctx, day: date, at: time) -> None:
    today = ctx.now.astimezone(zone_info(ctx.member.timezone)).date()
    if day > today + HORIZON:
        ctx.reply(ctx.say(texts.DATE_BAD))
        return
    if day < today:
        ctx.reply(ctx.say(texts.DATE_PAST))
        return
    moment = local_moment(day, at, zone=ctx.member.timezone)
    if moment <= ctx.now:
        ctx.reply(ctx.say(texts.DATE_PAST))
        return
    assert ctx.member.couple_id is not None
    ctx.member.awaiting = None
    await ctx.session.exec(
        update(DatePlan)
        .where(
            col(DatePlan.couple_id) == ctx.member.couple_id,
            col(DatePlan.cancelled_at).is_(None),
            col(DatePlan.at) > ctx.now,
        )
        .values(cancelled_at=ctx.now)
    )
    plan_row = DatePlan(
        couple_id=ctx.member.couple_id, created_by=ctx.member.id, at=moment, created_at=ctx.now
    )
    ctx.session.add(plan_row)
    members = await couple_members(ctx.session, ctx.member.couple_id)
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
    ctx.reply(ctx.say(texts.DATE_SET, when=_words(moment, ctx.member)))
    for member in members:
        if member.id != ctx.member.id:
            ctx.push(
                member,
                ctx.say_to(
                    member,
                    texts.DATE_TOLD,
                    partner=ctx.member.display_name,
                    when=_words(moment, member),
                ),
                kind="date",
            )


async def cancel(ctx: Ctx) -> None:
    active = await _active(ctx)
    if active is None:
        ctx.reply(ctx.say(texts.DATE_NONE))
        return
    active.cancelled_at = ctx.now
    assert ctx.member.couple_id is not None
    members = await couple_members(ctx.session, ctx.member.couple_id)
    await ctx.session.exec(
        delete(Schedule).where(
            col(Schedule.member_id).in_([m.id for m in members]),
            col(Schedule.rhythm).in_(DATE_RHYTHMS),
        )
    )
    ctx.reply(ctx.say(texts.DATE_CANCELLED, when=_words(active.at, ctx.member)))
    for member in members:
        if member.id != ctx.member.id:
            ctx.push(
                member,
                ctx.say_to(
                    member,
                    texts.DATE_CANCEL_TOLD,
                    partner=ctx.member.display_name,
                    when=_words(active.at, member),
                ),
                kind="date",
            )


async def how_was_it(ctx: Ctx, answer: str, plan_id: str) -> None:
    """The buttons under "How was your date?": lovely records a win, once per date."""
    key = row_id(plan_id)
    found = await ctx.session.get(DatePlan, key) if key is not None else None
    if found is None or found.couple_id != ctx.member.couple_id or found.cancelled_at is not None:
        ctx.reply(ctx.say(texts.STALE_BUTTON))
        return
    if answer != "lovely":
        ctx.reply(ctx.say(texts.DATE_NOT_DONE))
        return
    changed = await ctx.session.exec(
        update(DatePlan)
        .where(col(DatePlan.id) == found.id, col(DatePlan.lovely_at).is_(None))
        .values(lovely_at=ctx.now)
    )
    if changed.rowcount == 1:
        ctx.session.add(
            Win(
                couple_id=found.couple_id,
                member_id=ctx.member.id,
                text=ctx.say(texts.DATE_WIN),
                created_at=ctx.now,
            )
        )
        await milestones.celebrate(ctx)
    ctx.reply(ctx.say(texts.DATE_LOVELY_DONE))


@router.button("dateday")
async def _day_pressed(ctx: Ctx, parts: list[str]) -> None:
    """`dateday:<YYYY-MM-DD>:<couple id>`, the day buttons of /date."""
    match parts:
        case [day, couple_id]:
            await pick_day(ctx, day, couple_id)
        case _:
            ctx.reply(ctx.say(texts.STALE_BUTTON))


@router.button("datehow")
async def _how_was_it_pressed(ctx: Ctx, parts: list[str]) -> None:
    """`datehow:<lovely|no>:<plan id>`, under "How was your date?"."""
    match parts:
        case [answer, plan_id]:
            await how_was_it(ctx, answer, plan_id)
        case _:
            ctx.reply(ctx.say(texts.STALE_BUTTON))
