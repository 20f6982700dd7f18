"""Answers to a date: the partner's "Yes 💛" or "Another time" to a proposal (`bot.core.dates`),
and "how was it?" the day after an accepted one."""

from __future__ import annotations

from sqlalchemy import update
from sqlmodel import col, select

from bot.core import milestones, texts, words
from bot.core.context import Ctx
from bot.core.dates import (
    ahead,
    awaiting_day,
    awaiting_for,
    call_off,
    day_buttons,
    remind,
    today_of,
    words_for,
)
from bot.core.members import couple_members, partner_of
from bot.core.models import DatePlan, Member, Someday, Win
from bot.core.rhythm import in_quiet_hours
from bot.core.router import Router
from bot.core.sql import row_id

router = Router()


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
                ahead(ctx.member.couple_id, ctx.now),
                col(DatePlan.id) != found.id,
            )
        )
    ).all()
    await call_off(ctx, list(others))
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
    await remind(ctx, found.at, members=await couple_members(ctx.session, ctx.member.couple_id))
    ctx.reply(ctx.say(texts.DATE_ACCEPTED, when=words_for(found.at, ctx.member)))
    if proposer is not None:
        ctx.push(
            proposer,
            ctx.say_to(
                proposer,
                texts.DATE_ACCEPTED_TOLD,
                partner=ctx.member.display_name,
                when=words_for(found.at, proposer),
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
        proposer.awaiting = awaiting_for(found.someday_id)
    ctx.push(
        proposer,
        ctx.say_to(
            proposer,
            texts.DATE_DECLINED_TOLD,
            partner=ctx.member.display_name,
            when=words_for(found.at, proposer),
        ),
        buttons=day_buttons(
            today_of(proposer, ctx.now),
            couple_id=found.couple_id,
            someday_id=found.someday_id,
            lang=words.spoken(proposer.language),
        ),
        kind="date",
        silent=in_quiet_hours(ctx.now, proposer.timezone),
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
