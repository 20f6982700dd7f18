"""Getting started: the greeting and the member's time zone."""

from __future__ import annotations

from bot.core import status, texts, words
from bot.core.context import Ctx
from bot.core.events import keyboard
from bot.core.members import couple_of, partner_of
from bot.core.rhythm import plan
from bot.core.router import Router
from bot.core.zones import COMMON_ZONES, parse_zone

AWAITING_ZONE = "timezone"

router = Router()


def zone_picker(lang: str | None = None) -> tuple[tuple[object, ...], ...]:
    """The common zones as buttons, labelled in the reader's language."""
    rows = [list(COMMON_ZONES[i : i + 2]) for i in range(0, len(COMMON_ZONES), 2)]
    return keyboard(
        *[[(words.translate(label, lang), f"tz:{zone}") for label, zone in row] for row in rows]
    )


@router.command("start")
async def start(ctx: Ctx, args: str) -> None:
    """`/start` (and `/start CODE` from a deep link)."""
    from bot.core.pairing import redeem

    member = ctx.member
    if member.timezone is None:
        ctx.reply(ctx.say(texts.GREETING, name=member.display_name), zone_picker(ctx.lang))  # type: ignore[arg-type]
        member.awaiting = AWAITING_ZONE
    else:
        partner = await partner_of(ctx.session, member)
        status = (
            ctx.say(texts.STATUS_PAIRED, partner=partner.display_name)
            if partner
            else ctx.say(texts.STATUS_UNPAIRED)
        )
        ctx.reply(ctx.say(texts.GREETING_AGAIN, name=member.display_name, status=status))
    if args.strip():
        await redeem(ctx, args)


@router.command("timezone")
async def set_zone(ctx: Ctx, typed: str) -> None:
    """`/timezone <zone>`, a typed zone after the question, or a zone button."""
    if not typed.strip():
        ctx.reply(ctx.say(texts.ZONE_ASK), zone_picker(ctx.lang))  # type: ignore[arg-type]
        ctx.member.awaiting = AWAITING_ZONE
        return
    zone = parse_zone(typed)
    if zone is None:
        shown = typed.strip()[:40]
        ctx.reply(ctx.say(texts.ZONE_UNKNOWN, typed=shown), zone_picker(ctx.lang))  # type: ignore[arg-type]
        return
    first_time = ctx.member.timezone is None
    ctx.member.timezone = zone
    ctx.member.awaiting = None
    couple = await couple_of(ctx.session, ctx.member)
    if couple is not None:
        await plan(ctx.session, couple, members=[ctx.member], now=ctx.now)
        await status.changed(ctx, couple)
    local = words.when(ctx.now, zone, "clock", ctx.lang)
    message = ctx.say(texts.ZONE_SET, zone=zone, local=local)
    if first_time and ctx.member.couple_id is None:
        message += "\n" + ctx.say(texts.ZONE_NEXT_PAIR)
    ctx.reply(message)


@router.button("tz")
async def _zone_pressed(ctx: Ctx, parts: list[str]) -> None:
    """`tz:<zone>`, from the zone picker."""
    zone = ":".join(parts)
    if zone:
        await set_zone(ctx, zone)
    else:
        ctx.reply(ctx.say(texts.STALE_BUTTON))
