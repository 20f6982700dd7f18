"""Prompt packs a couple can opt into: long distance, new parents, after a rough patch,
playful, the 36-question series, intimacy (content/<lang>/pack-*.yaml).

Each partner chooses for themselves (`PackChoice`); a pack is on for a couple only while both
chose it, and `bot.core.prompts` then mixes its prompts into their kinds, the pack's first (the
series in its order, one each curiosity evening). Joining a pack invites the partner, except
for a private one (intimacy): there each partner's choice stays their own, nobody is told, and
leaving any pack says nothing to the other."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from sqlalchemy import delete, func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.core import texts
from bot.core.context import Ctx
from bot.core.events import keyboard
from bot.core.members import couple_and_partner
from bot.core.models import Member, PackChoice
from bot.core.router import Router
from bot.core.sql import among, insert

PACKS = ("long-distance", "new-parents", "rough-patch", "playful", "thirty-six", "intimacy")
SERIES = "thirty-six"  # sent in its order, in place of the curiosity question
PRIVATE = frozenset({"intimacy"})  # the partner never learns one's choice

router = Router()


async def packs_on(session: AsyncSession, couple_ids: Iterable[int]) -> dict[int, frozenset[str]]:
    """The packs on for each couple (both partners chose them), in one query."""
    ids = set(couple_ids)
    if not ids:
        return {}
    result = await session.exec(
        select(col(PackChoice.couple_id), col(PackChoice.pack))
        .where(among(col(PackChoice.couple_id), ids))
        .group_by(col(PackChoice.couple_id), col(PackChoice.pack))
        .having(func.count(func.distinct(PackChoice.member_id)) >= 2)
    )
    found: dict[int, set[str]] = {}
    for couple_id, pack in result.all():
        found.setdefault(couple_id, set()).add(pack)
    return {couple_id: frozenset(packs) for couple_id, packs in found.items()}


async def _choices(session: AsyncSession, couple_id: int) -> Counter[tuple[int, str]]:
    result = await session.exec(
        select(col(PackChoice.member_id), col(PackChoice.pack)).where(
            PackChoice.couple_id == couple_id
        )
    )
    return Counter(result.all())


def _menu_text(ctx: Ctx, chosen: Counter[tuple[int, str]], partner: Member) -> str:
    lines = []
    for pack in PACKS:
        mine, theirs = (ctx.member.id, pack) in chosen, (partner.id, pack) in chosen
        if mine and theirs:
            status = ctx.say(texts.PACK_ON)
        elif mine and pack in PRIVATE:
            status = ctx.say(texts.PACK_PRIVATE_WAITING)
        elif mine:
            status = ctx.say(texts.PACK_WAITING, partner=partner.display_name)
        elif theirs and pack not in PRIVATE:
            status = ctx.say(texts.PACK_INVITED, partner=partner.display_name)
        else:
            status = ""
        name, about = ctx.say(texts.PACK_NAMES[pack]), ctx.say(texts.PACK_ABOUT[pack])
        lines.append(ctx.say(texts.PACK_LINE, name=name, about=about, status=status))
    return ctx.say(texts.PACKS, packs="\n".join(lines))


async def show(ctx: Ctx) -> None:
    """The packs menu: each pack, where the member and (unless private) the partner stand."""
    paired = await couple_and_partner(ctx)
    if paired is None:
        return
    couple, partner = paired
    assert couple.id is not None
    chosen = await _choices(ctx.session, couple.id)
    buttons = [
        (
            f"{'✅' if (ctx.member.id, pack) in chosen else '⬜'} "
            + ctx.say(texts.PACK_NAMES[pack]),
            f"pack:{pack}:{couple.id}",
        )
        for pack in PACKS
    ]
    ctx.reply(_menu_text(ctx, chosen, partner), keyboard(*([button] for button in buttons)))


@router.button("pack")
async def _pressed(ctx: Ctx, parts: list[str]) -> None:
    """`pack:<pack>:<couple id>`: turn the pack on or off for the presser; `packjoin:` from an
    invitation only turns it on."""
    await _toggle(ctx, parts, join_only=False)


@router.button("packjoin")
async def _join_pressed(ctx: Ctx, parts: list[str]) -> None:
    await _toggle(ctx, parts, join_only=True)


async def _toggle(ctx: Ctx, parts: list[str], *, join_only: bool) -> None:
    paired = await couple_and_partner(ctx)
    if paired is None:
        return
    couple, partner = paired
    if len(parts) != 2 or parts[0] not in PACKS or parts[1] != str(couple.id):
        ctx.reply(ctx.say(texts.STALE_BUTTON))
        return
    assert couple.id is not None
    assert ctx.member.id is not None
    pack = parts[0]
    chosen = await _choices(ctx.session, couple.id)
    name = ctx.say(texts.PACK_NAMES[pack])
    if (ctx.member.id, pack) in chosen and not join_only:
        await ctx.session.exec(
            delete(PackChoice).where(
                col(PackChoice.couple_id) == couple.id,
                col(PackChoice.member_id) == ctx.member.id,
                col(PackChoice.pack) == pack,
            )
        )
        ctx.reply(ctx.say(texts.PACK_LEFT, name=name))  # the partner is told nothing
        await show(ctx)
        return
    if (ctx.member.id, pack) not in chosen:
        await ctx.session.exec(
            insert(ctx.session, PackChoice)
            .values(couple_id=couple.id, member_id=ctx.member.id, pack=pack, created_at=ctx.now)
            .on_conflict_do_nothing()
        )
        if (partner.id, pack) in chosen:
            ctx.reply(ctx.say(texts.PACK_STARTED, name=name))
            theirs = ctx.say_to(partner, texts.PACK_NAMES[pack])
            ctx.push(partner, ctx.say_to(partner, texts.PACK_STARTED, name=theirs), kind="pack")
        elif pack not in PRIVATE:
            invite = ctx.say_to(
                partner,
                texts.PACK_INVITE,
                partner=ctx.member.display_name,
                name=ctx.say_to(partner, texts.PACK_NAMES[pack]),
                about=ctx.say_to(partner, texts.PACK_ABOUT[pack]),
            )
            button = (ctx.say_to(partner, texts.PACK_INVITE_BUTTON), f"packjoin:{pack}:{couple.id}")
            ctx.push(partner, invite, buttons=keyboard([button]), kind="pack")
    await show(ctx)


async def chosen_by(session: AsyncSession, member: Member) -> list[str]:
    """The packs a member chose, for their /export."""
    result = await session.exec(
        select(col(PackChoice.pack)).where(col(PackChoice.member_id) == member.id)
    )
    return sorted(result.all())


async def forget(session: AsyncSession, member_id: int | None) -> None:
    """A member's pack choices, gone (erasing their data)."""
    await session.exec(delete(PackChoice).where(col(PackChoice.member_id) == member_id))
