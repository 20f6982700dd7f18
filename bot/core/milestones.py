"""Milestones, celebrated to both partners once each, with a celebration line from content/."""

from __future__ import annotations

import zlib
from datetime import timedelta

from sqlalchemy import func
from sqlmodel import col, select

from bot.core import texts, words
from bot.core.context import Ctx
from bot.core.members import couple_members
from bot.core.models import Appreciation, Conversation, Couple, Goal, Milestone
from bot.core.ports import Library
from bot.core.sql import insert

# name: (occasion of its celebration line, which line of that occasion); what each says is
# texts.MILESTONES[name].
MILESTONES: dict[str, tuple[str, int]] = {
    "first-reveal": ("first-reveal", 0),
    "conversations-7": ("conversations", 0),
    "conversations-30": ("conversations", 1),
    "conversations-100": ("conversations", 2),
    "appreciations-10": ("appreciations", 0),
    "appreciations-50": ("appreciations", 1),
    "first-goal": ("goal-reached", 0),
    "month": ("month", 0),
}
MONTH = timedelta(days=30)


def line(
    library: Library,
    occasion: str,
    *,
    seed: str,
    index: int | None = None,
    lang: str | None = None,
) -> str:
    """A celebration line for the occasion, in the reader's language `lang`: the given one, or
    one picked by a stable seed (the same line for both partners, each in their language)."""
    pool = library.for_occasion(occasion)
    if not pool:
        return ""
    position = index if index is not None else zlib.crc32(seed.encode())
    chosen = pool[position % len(pool)]
    return library.text(chosen.id, lang) or chosen.text


async def reached(ctx: Ctx, couple: Couple) -> list[str]:
    """The milestones this couple has reached by now (celebrated or not)."""
    assert couple.id is not None
    conversations = (
        await ctx.session.exec(
            select(func.count()).where(
                Conversation.couple_id == couple.id, col(Conversation.revealed_at).is_not(None)
            )
        )
    ).one()
    appreciations = (
        await ctx.session.exec(select(func.count()).where(Appreciation.couple_id == couple.id))
    ).one()
    goals = (
        await ctx.session.exec(
            select(func.count()).where(
                Goal.couple_id == couple.id, col(Goal.reached_at).is_not(None)
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
        occasion, index = MILESTONES[name]
        for member in await couple_members(ctx.session, couple.id):
            lang = words.spoken(member.language)
            celebration = line(ctx.content, occasion, seed=name, index=index, lang=lang)
            what = ctx.say_to(member, texts.MILESTONES[name])
            text = ctx.say_to(member, texts.MILESTONE, what=what, line=celebration).strip()
            ctx.push(
                member, text, kind="milestone", key=f"milestone:{couple.id}:{name}:{member.id}"
            )
