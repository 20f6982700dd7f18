"""Something one partner writes for both (a goal, a win): stored, confirmed, and told."""

from __future__ import annotations

from collections.abc import Callable

from sqlmodel import SQLModel

from bot.core import milestones, texts
from bot.core import words as words_
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
    occasion: str | None = None,
) -> bool:
    """Store `row(couple_id, words)`, confirm with `done`, tell the partner `told` (sentences
    of the catalog, each said in its reader's language), both closed with a celebration line of
    `occasion` when given. Without a partner or words, answer kindly and return False."""
    partner = await partner_of(ctx.session, ctx.member)
    if partner is None or ctx.member.couple_id is None:
        ctx.reply(ctx.say(texts.CHECKIN_NOT_PAIRED))
        return False
    words = " ".join(words.split())[:limit]
    if not words:
        ctx.reply(ctx.say(ask))
        return False
    ctx.session.add(row(ctx.member.couple_id, words))
    chosen = None
    if occasion is not None:
        chosen = await milestones.pick_line(
            ctx.session,
            ctx.content,
            couple_id=ctx.member.couple_id,
            occasion=occasion,
            seed=f"{kind}:{ctx.now.isoformat()}",
            now=ctx.now,
        )

    def closed(sentence: str, lang: str | None) -> str:
        line = milestones.line(ctx.content, chosen, lang=lang)
        return f"{sentence}\n{line}" if line else sentence

    ctx.reply(closed(ctx.say(done), ctx.lang))
    ctx.push(
        partner,
        closed(
            ctx.say_to(partner, told, partner=ctx.member.display_name, words=words),
            words_.spoken(partner.language),
        ),
        kind=kind,
        author=ctx.member,
    )
    return True
