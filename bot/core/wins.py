"""Wins the couple logs themselves: `/win we cooked together`."""

from __future__ import annotations

from bot.core import milestones, texts
from bot.core.context import Ctx
from bot.core.members import partner_of
from bot.core.models import Win

MAX_WIN = 500


async def log_win(ctx: Ctx, words: str) -> None:
    partner = await partner_of(ctx.session, ctx.member)
    if partner is None or ctx.member.couple_id is None:
        ctx.reply(texts.CHECKIN_NOT_PAIRED)
        return
    words = " ".join(words.split())
    if not words:
        ctx.reply(texts.WIN_ASK)
        return
    ctx.session.add(
        Win(
            couple_id=ctx.member.couple_id,
            member_id=ctx.member.id,
            text=words[:MAX_WIN],
            created_at=ctx.now,
        )
    )
    ctx.reply(texts.WIN_LOGGED)
    ctx.push(
        partner,
        texts.WIN_TOLD.format(partner=ctx.member.display_name, words=words[:MAX_WIN]),
        kind="win",
        author=ctx.member,
    )
    await milestones.celebrate(ctx)
