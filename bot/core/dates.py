"""Date nights, asked not announced: `/date` (a day button or `fri 19:30`) or a someday item's
"Plan it" asks the partner, who answers "Yes 💛" or "Another time" (the proposer then picks
another day). Only an accepted date is reminded that morning and asked about the next day."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

from sqlalchemy import ColumnElement, and_, delete, update
from sqlmodel import col, select

from bot.core import milestones, texts, typed, words
from bot.core.context import Ctx
from bot.core.events import Button, keyboard
from bot.core.local_time import local_moment, parse_hhmm
from bot.core.members import couple_members, partner_of
from bot.core.models import DatePlan, Member, Schedule, Someday, Win
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


def _words(moment: datetime, member: Member) -> str:
    return words.when(moment, member.timezone, "day_time", words.spoken(member.language))


def _today(member: Member, now: datetime) -> date:
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


def _awaiting(someday_id: int | None) -> str:
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


def _ahead(couple_id: int, now: datetime) -> ColumnElement[bool]:
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
    when = parse_when(args, _today(ctx.member, ctx.now), lang=ctx.lang)
    if when is None:
        ctx.reply(ctx.say(texts.DATE_BAD))
        return
    await propose(ctx, when, someday_id=_awaited_someday(ctx.member))


async def ask_day(ctx: Ctx, item: Someday | None) -> None:
    """Ask the member for the day of a date (for a someday item, if given): day buttons, or a
    day they type next."""
    assert ctx.member.couple_id is not None
    someday_id = item.id if item is not None else None
    ctx.member.awaiting = _awaiting(someday_id)
    buttons = day_buttons(
        _today(ctx.member, ctx.now),
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
    when = parse_when(day, _today(ctx.member, ctx.now)) if len(day) == 10 else None
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
    today = _today(ctx.member, ctx.now)
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
        .where(_ahead(couple_id, ctx.now), col(DatePlan.accepted_at).is_(None))
        .values(cancelled_at=ctx.now)
    )
    standing = (
        await ctx.session.exec(
            select(DatePlan)
            .where(_ahead(couple_id, ctx.now), col(DatePlan.accepted_at).is_not(None))
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
            ctx.say(texts.DATE_ASKED, partner=partner.display_name, when=_words(moment, ctx.member))
        )
    else:
        ctx.reply(
            ctx.say(
                texts.DATE_ASKED_INSTEAD,
                partner=partner.display_name,
                when=_words(moment, ctx.member),
                before=_words(standing.at, ctx.member),
            )
        )
    said = {"partner": ctx.member.display_name, "when": _words(moment, partner)}
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


async def _remind(ctx: Ctx, moment: datetime, *, members: list[Member]) -> None:
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


async def _call_off(ctx: Ctx, plans: list[DatePlan]) -> None:
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


async def answer(ctx: Ctx, plan_id: str, *, yes: bool) -> None:
    """ "Yes 💛" or "Another time" under a proposed date: only the partner who was asked, once.
    Yes makes it the couple's date (reminded that morning, asked about the day after);
    another time tells the proposer, with days to pick another."""
    key = row_id(plan_id)
    found = await ctx.session.get(DatePlan, key) if key is not None else None
    if found is None or ctx.member.couple_id is None or found.couple_id != ctx.member.couple_id:
        ctx.reply(ctx.say(texts.STALE_BUTTON))
        return
    proposer = await ctx.session.get(Member, found.created_by) if found.created_by else None
    if proposer is not None and proposer.couple_id != found.couple_id:
        proposer = None  # they left the couple: nobody to tell
    if found.created_by == ctx.member.id:
        partner = await partner_of(ctx.session, ctx.member)
        name = partner.display_name if partner is not None else ctx.say(texts.YOUR_PARTNER)
        ctx.reply(ctx.say(texts.DATE_NOT_YOURS, partner=name))
        return
    if found.accepted_at is not None or found.declined_at is not None:
        ctx.reply(ctx.say(texts.DATE_ALREADY_ANSWERED))
        return
    if found.cancelled_at is not None or found.at <= ctx.now:
        ctx.reply(ctx.say(texts.DATE_GONE))
        return
    changed = await ctx.session.exec(
        update(DatePlan)
        .where(
            col(DatePlan.id) == found.id,
            col(DatePlan.accepted_at).is_(None),
            col(DatePlan.declined_at).is_(None),
            col(DatePlan.cancelled_at).is_(None),
        )
        .values({"accepted_at" if yes else "declined_at": ctx.now})
    )
    if changed.rowcount != 1:
        ctx.reply(ctx.say(texts.DATE_ALREADY_ANSWERED))
        return
    await ctx.session.refresh(found)
    if yes:
        await _accepted(ctx, found, proposer=proposer)
    else:
        await _declined(ctx, found, proposer=proposer)


async def _accepted(ctx: Ctx, found: DatePlan, *, proposer: Member | None) -> None:
    assert ctx.member.couple_id is not None
    # One date ahead at a time: this one takes the place of any other.
    others = (
        await ctx.session.exec(
            select(DatePlan).where(
                _ahead(ctx.member.couple_id, ctx.now),
                col(DatePlan.id) != found.id,
            )
        )
    ).all()
    await _call_off(ctx, list(others))
    if found.someday_id is not None:
        await ctx.session.exec(
            update(Someday)
            .where(
                col(Someday.id) == found.someday_id,
                col(Someday.couple_id) == found.couple_id,
                col(Someday.planned_at).is_(None),
            )
            .values(planned_at=ctx.now)
        )
    await _remind(ctx, found.at, members=await couple_members(ctx.session, ctx.member.couple_id))
    ctx.reply(ctx.say(texts.DATE_ACCEPTED, when=_words(found.at, ctx.member)))
    if proposer is not None:
        ctx.push(
            proposer,
            ctx.say_to(
                proposer,
                texts.DATE_ACCEPTED_TOLD,
                partner=ctx.member.display_name,
                when=_words(found.at, proposer),
            ),
            kind="date",
            silent=in_quiet_hours(ctx.now, proposer.timezone),
        )


async def _declined(ctx: Ctx, found: DatePlan, *, proposer: Member | None) -> None:
    name = proposer.display_name if proposer is not None else ctx.say(texts.YOUR_PARTNER)
    ctx.reply(ctx.say(texts.DATE_DECLINED, partner=name))
    if proposer is None:
        return
    # The proposer may type a day too, unless they are in the middle of something else.
    if proposer.awaiting is None or awaiting_day(proposer):
        proposer.awaiting = _awaiting(found.someday_id)
    ctx.push(
        proposer,
        ctx.say_to(
            proposer,
            texts.DATE_DECLINED_TOLD,
            partner=ctx.member.display_name,
            when=_words(found.at, proposer),
        ),
        buttons=day_buttons(
            _today(proposer, ctx.now),
            couple_id=found.couple_id,
            someday_id=found.someday_id,
            lang=words.spoken(proposer.language),
        ),
        kind="date",
        silent=in_quiet_hours(ctx.now, proposer.timezone),
    )


async def cancel(ctx: Ctx) -> None:
    """`/date cancel`: the date ahead (asked or accepted) is off; both are told."""
    assert ctx.member.couple_id is not None
    ahead = list(
        (
            await ctx.session.exec(
                select(DatePlan)
                .where(_ahead(ctx.member.couple_id, ctx.now))
                .order_by(col(DatePlan.at))
            )
        ).all()
    )
    if not ahead:
        ctx.reply(ctx.say(texts.DATE_NONE))
        return
    accepted = [p for p in ahead if p.accepted_at is not None]
    first = accepted[0] if accepted else ahead[0]
    await _call_off(ctx, ahead)
    members = await couple_members(ctx.session, ctx.member.couple_id)
    if accepted:  # only an accepted date has reminders (a past date's question stays)
        await ctx.session.exec(
            delete(Schedule).where(
                col(Schedule.member_id).in_([m.id for m in members]),
                col(Schedule.rhythm).in_(DATE_RHYTHMS),
            )
        )
    ctx.reply(ctx.say(texts.DATE_CANCELLED, when=_words(first.at, ctx.member)))
    for member in members:
        if member.id != ctx.member.id:
            ctx.push(
                member,
                ctx.say_to(
                    member,
                    texts.DATE_CANCEL_TOLD,
                    partner=ctx.member.display_name,
                    when=_words(first.at, member),
                ),
                kind="date",
            )


async def how_was_it(ctx: Ctx, answer: str, plan_id: str) -> None:
    """The buttons under "How was your date?": lovely records a win, once per date."""
    key = row_id(plan_id)
    found = await ctx.session.get(DatePlan, key) if key is not None else None
    if (
        found is None
        or found.couple_id != ctx.member.couple_id
        or found.cancelled_at is not None
        or found.accepted_at is None
        or found.declined_at is not None
    ):
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
    """`dateday:<YYYY-MM-DD>:<couple id>[:<someday id>]`, the day buttons of /date, of a someday
    item's "Plan it" and of "Another time"."""
    match parts:
        case [day, couple_id]:
            await pick_day(ctx, day, couple_id=couple_id, someday_id=None)
        case [day, couple_id, someday_id]:
            await pick_day(ctx, day, couple_id=couple_id, someday_id=someday_id)
        case _:
            ctx.reply(ctx.say(texts.STALE_BUTTON))


@router.button("dateyes")
async def _yes_pressed(ctx: Ctx, parts: list[str]) -> None:
    """`dateyes:<plan id>`, "Yes 💛" under a proposed date."""
    match parts:
        case [plan_id]:
            await answer(ctx, plan_id, yes=True)
        case _:
            ctx.reply(ctx.say(texts.STALE_BUTTON))


@router.button("datelater")
async def _later_pressed(ctx: Ctx, parts: list[str]) -> None:
    """`datelater:<plan id>`, "Another time" under a proposed date."""
    match parts:
        case [plan_id]:
            await answer(ctx, plan_id, yes=False)
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
