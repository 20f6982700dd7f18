"""Shared moments recorded from buttons: an affection idea done."""

from __future__ import annotations

from datetime import timedelta

from bot.core import texts
from bot.core.context import Ctx
from bot.core.members import couple_of
from bot.core.models import Moment
from bot.core.router import Router
from bot.core.sql import insert
from bot.core.zones import zone_info

router = Router()


async def affection_done(ctx: Ctx, couple_id: str, day: str) -> None:
    """ "Done 🤗": one shared moment per couple and day, whoever presses first."""
    couple = await couple_of(ctx.session, ctx.member)
    today = ctx.now.astimezone(zone_info(ctx.member.timezone)).date()
    recent = {(today - timedelta(days=n)).isoformat() for n in range(7)}
    if couple is None or str(couple.id) != couple_id or day not in recent:
        ctx.reply(ctx.say(texts.STALE_BUTTON))
        return
    result = await ctx.session.exec(
        insert(ctx.session, Moment)
        .values(
            couple_id=couple.id,
            kind="affection",
            day=day,
            member_id=ctx.member.id,
            created_at=ctx.now,
        )
        .on_conflict_do_nothing()
    )
    ctx.reply(ctx.say(texts.AFFECTION_DONE if result.rowcount else texts.AFFECTION_ALREADY))


@router.button("hug")
async def _affection_pressed(ctx: Ctx, parts: list[str]) -> None:
    """`hug:<couple id>:<day>`, under an affection idea."""
    match parts:
        case [couple_id, day]:
            await affection_done(ctx, couple_id, day)
        case _:
            ctx.reply(ctx.say(texts.STALE_BUTTON))
