"""Something one partner writes for both (a goal, a win): stored, confirmed, and told."""

from __future__ import annotations

from collections.abc import Callable

from sqlmodel import SQLModel

from bot.core import texts
from bot.core.context import Ctx
from bot.core.members import partner_of


async def note_for_both(
    ctx: Ctx,
    words: str,
    *,
    limit: int,
    ask: str,
    done: str,
    told: str,
    kind: str,
    row: Callable[[int, str], SQLModel],
) -> bool:
    """Store `row(couple_id, words)`, confirm with `done`, tell the partner `told` (sentences
    of the catalog, each said in its reader's language). Without
    a partner or words, answer kindly and return False."""
    partner = await partner_of(ctx.session, ctx.member)
    if partner is None or ctx.member.couple_id is None:
        ctx.reply(ctx.say(texts.CHECKIN_NOT_PAIRED))
        return False
    words = " ".join(words.split())[:limit]
    if not words:
        ctx.reply(ctx.say(ask))
        return False
    ctx.session.add(row(ctx.member.couple_id, words))
    ctx.reply(ctx.say(done))
    ctx.push(
        partner,
        ctx.say_to(partner, told, partner=ctx.member.display_name, words=words),
        kind=kind,
        author=ctx.member,
    )
    return True
