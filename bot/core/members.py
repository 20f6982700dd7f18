"""Finding members and their partners."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.core.events import Sender
from bot.core.models import Couple, Member

MAX_NAME = 64


def clean_name(name: str) -> str:
    """A display name safe to show: printable, trimmed, never empty."""
    printable = "".join(ch for ch in name if ch.isprintable()).strip()
    return printable[:MAX_NAME] or "your partner"


async def member_for(session: AsyncSession, sender: Sender, now: datetime) -> Member:
    """The sender's member row, created on first contact and refreshed from what the channel
    says (name, chat, language). Safe when two first messages race."""
    query = select(Member).where(Member.channel == sender.channel, Member.user_id == sender.user_id)
    member = (await session.exec(query)).first()
    if member is None:
        dialect = session.bind.dialect.name if session.bind is not None else "sqlite"
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        await session.exec(
            insert(Member)
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
        member = (await session.exec(query)).one()
    member.chat_id = sender.chat_id
    member.display_name = clean_name(sender.display_name)
    if sender.language:
        member.language = sender.language
    member.unreachable_at = None  # they wrote to us, so we can write to them
    return member


async def partner_of(session: AsyncSession, member: Member) -> Member | None:
    """The other member of the member's active couple, if any."""
    if member.couple_id is None:
        return None
    return (
        await session.exec(
            select(Member).where(Member.couple_id == member.couple_id, Member.id != member.id)
        )
    ).first()


async def couple_of(session: AsyncSession, member: Member) -> Couple | None:
    if member.couple_id is None:
        return None
    return await session.get(Couple, member.couple_id)


async def couple_members(session: AsyncSession, couple_id: int) -> list[Member]:
    result = await session.exec(
        select(Member).where(Member.couple_id == couple_id).order_by(col(Member.id))
    )
    return list(result.all())
