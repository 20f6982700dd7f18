"""Finding members and their partners."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import bindparam, case, update
from sqlalchemy.orm import aliased
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.core import texts, words
from bot.core.context import Ctx
from bot.core.events import Outgoing, Sender
from bot.core.models import Couple, Member
from bot.core.sql import insert

MAX_NAME = 64


def clean_name(name: str) -> str:
    """A display name safe to show: printable, trimmed, never empty."""
    printable = "".join(ch for ch in name if ch.isprintable()).strip()
    return printable[:MAX_NAME] or texts.YOUR_PARTNER


def clean_handle(handle: str | None) -> str | None:
    """A platform handle safe to show (printable, trimmed, bounded), or None if there is none."""
    if handle is None:
        return None
    printable = "".join(ch for ch in handle if ch.isprintable()).strip()
    return printable[:MAX_NAME] or None


_PARTNER = aliased(Member, name="partner")
# The sender's row with their couple and partner, in one statement built once: nearly every
# update needs all three, and once they are in the session `couple_of` and `partner_of` (which
# read by primary key) need no statement of their own. The partner is the couple's other
# member, as `partner_of` picks it.
_MEMBER_COUPLE_PARTNER = (
    select(Member, Couple, _PARTNER)
    .outerjoin(Couple, col(Couple.id) == col(Member.couple_id))
    .outerjoin(
        _PARTNER,
        col(_PARTNER.id)
        == case(
            (col(Couple.member_a_id) == col(Member.id), col(Couple.member_b_id)),
            else_=col(Couple.member_a_id),
        ),
    )
    .where(
        col(Member.channel) == bindparam("channel"),
        col(Member.user_id) == bindparam("user_id"),
    )
)


async def _member_row(session: AsyncSession, sender: Sender) -> Member | None:
    params = {"channel": sender.channel, "user_id": sender.user_id}
    row = (await session.exec(_MEMBER_COUPLE_PARTNER, params=params)).first()
    return None if row is None else row[0]


async def member_for(session: AsyncSession, sender: Sender, now: datetime) -> Member:
    """The sender's member row, created on first contact and refreshed from what the channel
    says (name, chat, language), with their couple and partner loaded alongside. Safe when two
    first messages race."""
    member = await _member_row(session, sender)
    if member is None:
        await session.exec(
            insert(session, Member)
            .values(
                channel=sender.channel,
                user_id=sender.user_id,
                chat_id=sender.chat_id,
                display_name=clean_name(sender.display_name),
                language=sender.language,
                created_at=now,
            )
            .on_conflict_do_nothing()
        )
        member = await _member_row(session, sender)
        assert member is not None
    member.chat_id = sender.chat_id
    member.display_name = clean_name(sender.display_name)
    # The language comes from the platform at first contact; after that it is the member's to
    # choose (/language), so a platform's later word does not undo their choice.
    member.unreachable_at = None  # they wrote to us, so we can write to them
    return member


async def partner_of(session: AsyncSession, member: Member) -> Member | None:
    """The other member of the member's active couple, if any."""
    if member.couple_id is None:
        return None
    # By primary key through the couple's row: both are read once per unit of work (the
    # session keeps what it loaded), however often a feature asks.
    couple = await session.get(Couple, member.couple_id)
    if couple is None:
        return None
    other = couple.member_b_id if couple.member_a_id == member.id else couple.member_a_id
    partner = await session.get(Member, other) if other is not None else None
    if partner is None or partner.id == member.id or partner.couple_id != member.couple_id:
        return None
    return partner


async def couple_of(session: AsyncSession, member: Member) -> Couple | None:
    if member.couple_id is None:
        return None
    return await session.get(Couple, member.couple_id)


async def couple_members(session: AsyncSession, couple_id: int) -> list[Member]:
    """The couple's members (both, or the one left), by id. By primary key
    through the couple's row, as `partner_of`: no statement when the unit of work has them."""
    couple = await session.get(Couple, couple_id)
    if couple is None:
        return []
    members = []
    ids = {couple.member_a_id, couple.member_b_id}
    for member_id in sorted(member_id for member_id in ids if member_id is not None):
        member = await session.get(Member, member_id)
        if member is not None and member.couple_id == couple_id:
            members.append(member)
    return members


async def mark_unreachable(session: AsyncSession, member_id: int, now: datetime) -> None:
    """The channel says this member cannot be reached (they blocked the bot): remember it, and
    tell the partner once per such spell, kindly."""
    from bot.core.context import new_delivery, recipient

    changed = await session.exec(
        update(Member)
        .where(col(Member.id) == member_id, col(Member.unreachable_at).is_(None))
        .values(unreachable_at=now)
    )
    if changed.rowcount != 1:
        return
    member = await session.get(Member, member_id)
    partner = await partner_of(session, member) if member is not None else None
    if member is None or partner is None:
        return
    lang = words.spoken(partner.language)
    out = Outgoing(
        to=recipient(partner),
        text=words.translate(texts.PARTNER_UNREACHABLE, lang).format(partner=member.display_name),
        lang=lang,
    )
    session.add(
        new_delivery(
            partner,
            out,
            kind="unreachable",
            now=now,
            key=f"unreachable:{member_id}:{now.isoformat()}",
        )
    )


async def couple_and_partner(ctx: Ctx) -> tuple[Couple, Member] | None:
    """The writer's couple and partner; None (and a pointer to /pair) if they have none."""
    couple = await couple_of(ctx.session, ctx.member)
    partner = await partner_of(ctx.session, ctx.member)
    if couple is None or partner is None:
        ctx.reply(ctx.say(texts.CHECKIN_NOT_PAIRED))
        return None
    return couple, partner
