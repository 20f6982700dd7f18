"""Shared goals: added by either partner, listed, marked reached (and celebrated) with a button."""

from __future__ import annotations

from sqlalchemy import update
from sqlmodel import col, select

from bot.core import milestones, texts, words
from bot.core.context import Ctx
from bot.core.events import keyboard
from bot.core.members import partner_of
from bot.core.models import Answer, Conversation, Goal
from bot.core.router import Router
from bot.core.shared_notes import note_for_both
from bot.core.sql import insert, row_id

MAX_GOAL = 200
GOALS_EVENING = "goals"  # the kind of evening conversation the goals rhythm opens
LABEL = 40

router = Router()


@router.command("goal")
async def add(ctx: Ctx, words: str) -> None:
    """`/goal <words>`: a goal both see."""
    await note_for_both(
        ctx,
        words,
        limit=MAX_GOAL,
        ask=texts.GOAL_ASK,
        done=texts.GOAL_ADDED,
        told=texts.GOAL_TOLD,
        kind="goal",
        row=lambda couple_id, text: Goal(
            couple_id=couple_id, created_by=ctx.member.id, text=text, created_at=ctx.now
        ),
    )


@router.command("goals")
async def show(ctx: Ctx, _args: str = "") -> None:
    """`/goals`: open and reached goals, a button under each open one."""
    if ctx.member.couple_id is None:
        ctx.reply(ctx.say(texts.CHECKIN_NOT_PAIRED))
        return
    goals = (
        await ctx.session.exec(
            select(Goal).where(Goal.couple_id == ctx.member.couple_id).order_by(col(Goal.id))
        )
    ).all()
    if not goals:
        ctx.reply(ctx.say(texts.GOALS_NONE))
        return
    open_goals = [g for g in goals if g.reached_at is None]
    reached = [g for g in goals if g.reached_at is not None]
    lines = [ctx.say(texts.GOALS_LIST)]
    if open_goals:
        lines += [ctx.say(texts.GOALS_OPEN), *(f"• {g.text}" for g in open_goals)]
    if reached:
        lines += [ctx.say(texts.GOALS_REACHED), *(f"✓ {g.text}" for g in reached)]
    if open_goals:
        lines.append(ctx.say(texts.GOALS_TAP))
    buttons = keyboard(*[[(f"✓ {_short(g.text)}", f"goal:{g.id}")] for g in open_goals[:20]])
    ctx.reply("\n".join(lines), buttons)


def _short(text: str) -> str:
    return text if len(text) <= LABEL else text[: LABEL - 1] + "…"


async def reach(ctx: Ctx, goal_id: str) -> None:
    """A goal's button: reached, celebrated to both, counted as a win."""
    key = row_id(goal_id)
    goal = await ctx.session.get(Goal, key) if key is not None else None
    if goal is None or goal.couple_id != ctx.member.couple_id:
        ctx.reply(ctx.say(texts.STALE_BUTTON))
        return
    changed = await ctx.session.exec(
        update(Goal)
        .where(col(Goal.id) == goal.id, col(Goal.reached_at).is_(None))
        .values(reached_at=ctx.now)
    )
    if changed.rowcount != 1:
        ctx.reply(ctx.say(texts.GOAL_ALREADY))
        return
    chosen = await milestones.pick_line(
        ctx.session,
        ctx.content,
        couple_id=goal.couple_id,
        occasion="goal-reached",
        seed=f"goal:{goal.id}",
        now=ctx.now,
    )
    line = milestones.line(ctx.content, chosen, lang=ctx.lang)
    ctx.reply(ctx.say(texts.GOAL_REACHED, words=goal.text, line=line))
    partner = await partner_of(ctx.session, ctx.member)
    if partner is not None:
        theirs = milestones.line(ctx.content, chosen, lang=words.spoken(partner.language))
        message = ctx.say_to(partner, texts.GOAL_REACHED, words=goal.text, line=theirs)
        ctx.push(partner, message, kind="goal-reached")
    await milestones.celebrate(ctx)


async def save_answer(ctx: Ctx, answer_id: str) -> None:
    """ "Save as a shared goal" under a goals-and-values reveal. Button data can be forged, so
    the answer must be an on-time answer to a revealed goals evening of the presser's own
    couple; each answer becomes at most one goal, however many presses (and processes)."""
    key = row_id(answer_id)
    answer = await ctx.session.get(Answer, key) if key is not None else None
    conversation = await ctx.session.get(Conversation, answer.conversation_id) if answer else None
    if (
        answer is None
        or answer.id is None
        or conversation is None
        or ctx.member.couple_id is None
        or conversation.couple_id != ctx.member.couple_id
        or conversation.kind != GOALS_EVENING
        or conversation.revealed_at is None
        or answer.late
        or not answer.text
    ):
        ctx.reply(ctx.say(texts.STALE_BUTTON))
        return
    saved = (
        await ctx.session.exec(select(Goal.id).where(Goal.source_answer_id == answer.id))
    ).first()
    if saved is not None:
        ctx.reply(ctx.say(texts.GOAL_ALREADY_SAVED))
        return
    # A press racing this one (another process, PostgreSQL) waits on the unique constraint and
    # then inserts nothing.
    inserted = await ctx.session.exec(
        insert(ctx.session, Goal)
        .values(
            couple_id=conversation.couple_id,
            created_by=ctx.member.id,
            text=" ".join(answer.text.split())[:MAX_GOAL],
            source_answer_id=answer.id,
            created_at=ctx.now,
        )
        .on_conflict_do_nothing(index_elements=["source_answer_id"])
    )
    if inserted.rowcount != 1:
        ctx.reply(ctx.say(texts.GOAL_ALREADY_SAVED))
        return
    ctx.reply(ctx.say(texts.GOAL_SAVED))


@router.button("goal")
async def _goal_pressed(ctx: Ctx, parts: list[str]) -> None:
    """`goal:<goal id>`, under an open goal in /goals."""
    match parts:
        case [goal_id]:
            await reach(ctx, goal_id)
        case _:
            ctx.reply(ctx.say(texts.STALE_BUTTON))


@router.button("save")
async def _save_pressed(ctx: Ctx, parts: list[str]) -> None:
    """`save:<answer id>`, under a goals-and-values reveal."""
    match parts:
        case [answer_id]:
            await save_answer(ctx, answer_id)
        case _:
            ctx.reply(ctx.say(texts.STALE_BUTTON))
