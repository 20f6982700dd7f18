"""Wins the couple logs themselves: `/win we cooked together`."""

from __future__ import annotations

from bot.core import milestones, texts
from bot.core.context import Ctx
from bot.core.models import Win
from bot.core.router import Router
from bot.core.shared_notes import note_for_both

MAX_WIN = 500

router = Router()


@router.command("win")
async def log_win(ctx: Ctx, words: str) -> None:
    """`/win <words>`: a shared win, the partner told."""
    logged = await note_for_both(
        ctx,
        words,
        limit=MAX_WIN,
        ask=texts.WIN_ASK,
        done=texts.WIN_LOGGED,
        told=texts.WIN_TOLD,
        kind="win",
        occasion="win",
        row=lambda couple_id, text: Win(
            couple_id=couple_id, member_id=ctx.member.id, text=text, created_at=ctx.now
        ),
    )
    if logged:
        await milestones.celebrate(ctx)
