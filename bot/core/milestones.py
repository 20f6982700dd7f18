"""Milestones, celebrated to both partners once each, with a celebration line from content/."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.core import texts, words
from bot.core.context import Ctx
from bot.core.members import couple_members
from bot.core.models import Appreciation, Conversation, Couple, Goal, Milestone
from bot.core.ports import Library
from bot.core.prompts import Use, Want, choose_many, record_seen
from bot.core.sql import insert

# name → the occasion of its celebration line; what each says is texts.MILESTONES[name].
MILESTONES: dict[str, str] = {
    "first-reveal": "first-reveal",
    "conversations-7": "conversations",
    "conversations-30": "conversations",
    "conversations-100": "conversations",
    "appreciations-10": "appreciations",
    "appreciations-50": "appreciations",
    "first-goal": "goal-reached",
    "month": "month",
}
MONTH = timedelta(days=30)
SEEN_KIND = "celebration"  # how a line shown is remembered (`PromptSeen.kind`)


async def pick_line(
    session: AsyncSession,
    library: Library,
    *,
    couple_id: int,
    occasion: str,
    seed: str,
    now: datetime,
) -> str | None:
    """The id of the occasion's celebration line this couple has seen least (the same line for
    both partners, each in their language), remembered as seen; None when there is none."""
    use = Use(couple_id, SEEN_KIND, seed)
    chosen = await choose_many(session, library, {use: Want(occasion=occasion)})
    if use not in chosen:
        return None
    await record_seen(session, {(couple_id, SEEN_KIND): chosen[use].id}, now=now)
    return chosen[use].id


def line(library: Library, prompt_id: str | None, *, lang: str | None = None) -> str:
    """A celebration line's text in the reader's language `lang` ("" for none)."""
    if prompt_id is None:
        return ""
    return library.text(prompt_id, lang) or ""


async def reached(ctx: Ctx, couple: Couple) -> list[str]:
    """The milestones this couple has reached by now (celebrated or not)."""
    assert couple.id is not None
    # The three counts in one statement: this runs on every reveal, thanks and goal reached.
    conversations, appreciations, goals = (
        await ctx.session.exec(
            select(
                select(func.count())
                .where(
                    Conversation.couple_id == couple.id,
                    col(Conversation.revealed_at).is_not(None),
                )
                .scalar_subquery(),
                select(func.count()).where(Appreciation.couple_id == couple.id).scalar_subquery(),
                select(func.count())
                .where(Goal.couple_id == couple.id, col(Goal.reached_at).is_not(None))
                .scalar_subquery(),
            )
        )
    ).one()
    names = []
    if conversations >= 1:
        names.append("first-reveal")
    names += [f"conversations-{n}" for n in (7, 30, 100) if conversations >= n]
    names += [f"appreciations-{n}" for n in (10, 50) if appreciations >= n]
    if goals >= 1:
        names.append("first-goal")
    if ctx.now - couple.created_at >= MONTH:
        names.append("month")
    return names


async def celebrate(ctx: Ctx) -> None:
    """Celebrate, to both, every milestone the couple reached and was not yet told about."""
    couple = await ctx.session.get(Couple, ctx.member.couple_id) if ctx.member.couple_id else None
    if couple is None or couple.id is None:
        return
    await ctx.session.flush()
    known = set(
        (
            await ctx.session.exec(select(Milestone.name).where(Milestone.couple_id == couple.id))
        ).all()
    )
    for name in await reached(ctx, couple):
        if name in known:
            continue
        result = await ctx.session.exec(
            insert(ctx.session, Milestone)
            .values(couple_id=couple.id, name=name, reached_at=ctx.now)
            .on_conflict_do_nothing()
        )
        if not result.rowcount:
            continue
        chosen = await pick_line(
            ctx.session,
            ctx.content,
            couple_id=couple.id,
            occasion=MILESTONES[name],
            seed=name,
            now=ctx.now,
        )
        for member in await couple_members(ctx.session, couple.id):
            celebration = line(ctx.content, chosen, lang=words.spoken(member.language))
            what = ctx.say_to(member, texts.MILESTONES[name])
            text = ctx.say_to(member, texts.MILESTONE, what=what, line=celebration).strip()
            ctx.push(
                member, text, kind="milestone", key=f"milestone:{couple.id}:{name}:{member.id}"
            )
