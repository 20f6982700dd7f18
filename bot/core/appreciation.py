"""Appreciation: one partner's words for the other, delivered at once, thanked with a button."""

from __future__ import annotations

from sqlalchemy import update
from sqlmodel import col

from bot.core import milestones, texts
from bot.core.context import Ctx
from bot.core.events import keyboard
from bot.core.members import partner_of
from bot.core.models import Appreciation, Member
from bot.core.rhythm import QUIET_FROM, QUIET_UNTIL
from bot.core.router import Router
from bot.core.sql import row_id
from bot.core.zones import zone_info

AWAITING = "appreciation"
MAX_WORDS = 2000

router = Router()


def _quiet_for(ctx: Ctx, member: Member) -> bool:
    local = ctx.now.astimezone(zone_info(member.timezone)).time()
    return local >= QUIET_FROM or local < QUIET_UNTIL


@router.command("appreciate")
async def appreciate(ctx: Ctx, words: str) -> None:
    """`/appreciate <words>`; without words, ask for them and take the next message."""
    partner = await partner_of(ctx.session, ctx.member)
    if partner is None or ctx.member.couple_id is None:
        ctx.reply(ctx.say(texts.CHECKIN_NOT_PAIRED))
        return
    words = words.strip()
    if not words:
        ctx.member.awaiting = AWAITING
        ctx.reply(ctx.say(texts.APPRECIATE_ASK, partner=partner.display_name))
        return
    ctx.member.awaiting = None
    appreciation = Appreciation(
        couple_id=ctx.member.couple_id,
        sender_id=ctx.member.id,
        receiver_id=partner.id,
        text=words[:MAX_WORDS],
        created_at=ctx.now,
    )
    ctx.session.add(appreciation)
    await ctx.session.flush()
    # At night it still arrives at once, only without a sound.
    ctx.push(
        partner,
        ctx.say_to(
            partner, texts.APPRECIATION, partner=ctx.member.display_name, words=appreciation.text
        ),
        buttons=keyboard([(ctx.say_to(partner, texts.THANK_BUTTON), f"thank:{appreciation.id}")]),
        kind="appreciation",
        silent=_quiet_for(ctx, partner),
        author=ctx.member,
    )
    ctx.reply(ctx.say(texts.APPRECIATE_SENT, partner=partner.display_name))
    await milestones.celebrate(ctx)


async def thank(ctx: Ctx, appreciation_id: str) -> None:
    """ "❤️ Thank you": only the receiver, once; the sender is told."""
    key = row_id(appreciation_id)
    found = await ctx.session.get(Appreciation, key) if key is not None else None
    if (
        found is None
        or found.receiver_id != ctx.member.id
        or found.couple_id != ctx.member.couple_id
    ):
        ctx.reply(ctx.say(texts.STALE_BUTTON))
        return
    changed = await ctx.session.exec(
        update(Appreciation)
        .where(col(Appreciation.id) == found.id, col(Appreciation.thanked_at).is_(None))
        .values(thanked_at=ctx.now)
    )
    if changed.rowcount != 1:
        ctx.reply(ctx.say(texts.THANK_ALREADY))
        return
    ctx.reply(ctx.say(texts.THANKED))
    sender = await ctx.session.get(Member, found.sender_id) if found.sender_id else None
    if sender is not None and sender.couple_id == ctx.member.couple_id:
        ctx.push(
            sender,
            ctx.say_to(sender, texts.THANKED_TOLD, partner=ctx.member.display_name),
            kind="thanked",
        )


@router.button("appr")
async def _appreciate_pressed(ctx: Ctx, parts: list[str]) -> None:
    """`appr:<couple id>`, under the appreciation nudge: ask for the words."""
    match parts:
        case [couple_id] if couple_id == str(ctx.member.couple_id):
            await appreciate(ctx, "")
        case _:
            ctx.reply(ctx.say(texts.STALE_BUTTON))


@router.button("thank")
async def _thank_pressed(ctx: Ctx, parts: list[str]) -> None:
    """`thank:<appreciation id>`, under a received appreciation."""
    match parts:
        case [appreciation_id]:
            await thank(ctx, appreciation_id)
        case _:
            ctx.reply(ctx.say(texts.STALE_BUTTON))
