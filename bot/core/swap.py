"""Swapping tonight's question: "Skip" (another at the same depth, once a day) and "Too deep for
now" (a lighter one, and a lighter mix for a while: `bot.core.depth`). The question swapped
away counts as seen, so it does not come back soon (`bot.core.prompts`); an answer already
given to it no longer fits and is kept as late; the partner gets the new question, never told
who asked for it."""

from __future__ import annotations

from sqlalchemy import update
from sqlmodel import col, select

from bot.core import ritual, texts, words
from bot.core.context import Ctx
from bot.core.conversations import prompt_buttons, prompt_text
from bot.core.depth import LIGHTER_FOR
from bot.core.local_time import local_date
from bot.core.members import partner_of
from bot.core.models import Answer, Conversation, Couple
from bot.core.prompts import choose, record_seen, record_use, texts_as_sent
from bot.core.router import Router
from bot.core.sql import row_id

router = Router()


async def swap(ctx: Ctx, conversation_id: str, *, lighter: bool) -> None:
    """ "Skip" (another question at the same depth, once a day) or "Too deep for now"."""
    key = row_id(conversation_id)
    conversation = await ctx.session.get(Conversation, key) if key is not None else None
    couple = await ctx.session.get(Couple, ctx.member.couple_id) if ctx.member.couple_id else None
    if (
        conversation is None
        or couple is None
        or conversation.couple_id != couple.id
        or conversation.closed_at is not None
        or conversation.revealed_at is not None
    ):
        ctx.reply(ctx.say(texts.SKIP_NOTHING))
        return
    await do_swap(ctx, couple, conversation, lighter=lighter)


async def do_swap(ctx: Ctx, couple: Couple, conversation: Conversation, *, lighter: bool) -> None:
    assert couple.id is not None
    assert conversation.id is not None
    if conversation.kind == ritual.KIND:  # the bot's own three questions: nothing to swap to
        ctx.reply(ctx.say(texts.RITUAL_NO_SKIP))
        return
    partner = await partner_of(ctx.session, ctx.member)
    answered = (
        await ctx.session.exec(
            select(Answer.member_id).where(
                Answer.conversation_id == conversation.id, col(Answer.late).is_(False)
            )
        )
    ).all()
    if partner is not None and partner.id in answered:
        ctx.reply(ctx.say(texts.SKIP_ANSWERED, partner=partner.display_name))
        return
    today = local_date(ctx.now, ctx.member.timezone).isoformat()
    if not lighter and couple.skipped_on == today:
        ctx.reply(ctx.say(texts.SKIP_USED))
        return
    depth = conversation.depth
    if lighter and depth is not None:
        depth = max(1, depth - 1)
        couple.lighter_until = ctx.now + LIGHTER_FOR  # a lighter mix for a while
    else:
        couple.skipped_on = today
    prompt = await choose(
        ctx.session,
        ctx.content,
        couple_id=couple.id,
        kind=conversation.kind,
        depth=depth,
        day=conversation.day,
        avoid=conversation.prompt_id,
    )
    await record_seen(
        ctx.session, {(couple.id, conversation.kind): conversation.prompt_id}, now=ctx.now
    )
    conversation.prompt_id, conversation.depth = prompt.id, prompt.depth or depth
    conversation.prompt_text = texts_as_sent(ctx.content, prompt.id)
    await record_use(
        ctx.session,
        couple_id=couple.id,
        kind=conversation.kind,
        day=conversation.day,
        prompt_id=prompt.id,
    )
    for old in answered:  # an answer to the old question would not fit the new one
        await ctx.session.exec(
            update(Answer)
            .where(col(Answer.conversation_id) == conversation.id, col(Answer.member_id) == old)
            .values(late=True)
        )
    partner_name = partner.display_name if partner else ctx.say(texts.YOUR_PARTNER)
    intro = ctx.say(texts.TOO_DEEP_DONE if lighter else texts.SKIPPED)
    framed = prompt_text(ctx.content, conversation, partner_name=partner_name, lang=ctx.lang)
    ctx.reply(f"{intro}\n{framed}", prompt_buttons(conversation, ctx.lang))
    if partner is not None and partner.current_conversation_id == conversation.id:
        theirs = words.spoken(partner.language)
        told = texts.TOO_DEEP_TOLD if lighter else texts.SKIP_TOLD
        ctx.push(
            partner,
            f"{ctx.say_to(partner, told)}\n"
            + prompt_text(
                ctx.content, conversation, partner_name=ctx.member.display_name, lang=theirs
            ),
            buttons=prompt_buttons(conversation, theirs),
            kind="swap",
            conversation_id=conversation.id,
        )


@router.button("skip")
async def _skip_pressed(ctx: Ctx, parts: list[str]) -> None:
    """`skip:<conversation id>`, under a prompt."""
    match parts:
        case [conversation_id]:
            await swap(ctx, conversation_id, lighter=False)
        case _:
            ctx.reply(ctx.say(texts.STALE_BUTTON))


@router.button("deep")
async def _too_deep_pressed(ctx: Ctx, parts: list[str]) -> None:
    """`deep:<conversation id>`, under a prompt."""
    match parts:
        case [conversation_id]:
            await swap(ctx, conversation_id, lighter=True)
        case _:
            ctx.reply(ctx.say(texts.STALE_BUTTON))
