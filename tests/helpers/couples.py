"""Builders for unit tests of the core below the service: a paired couple written straight to
the database (no pairing flow), and the beat's claimed `Row` for one of its members."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.core.beat.claim import Row
from bot.core.models import Couple, Member
from tests.helpers.service import START


async def couple_of_two(
    session: AsyncSession,
    *,
    names: tuple[str, str] = ("Alex", "Sam"),
    zones: tuple[str | None, str | None] = ("Europe/Berlin", "Europe/Berlin"),
    created_at: datetime = START,
    **settings: Any,
) -> tuple[Couple, Member, Member]:
    """A couple (with `settings` on its row) and its two members, flushed so all have ids."""
    couple = Couple(created_at=created_at, **settings)
    session.add(couple)
    await session.flush()
    members = []
    for number, (name, zone) in enumerate(zip(names, zones, strict=True)):
        member = Member(
            channel="test",
            user_id=f"u{couple.id}-{number}",
            chat_id=f"c{couple.id}-{number}",
            display_name=name,
            timezone=zone,
            couple_id=couple.id,
            created_at=created_at,
        )
        session.add(member)
        members.append(member)
    await session.flush()
    couple.member_a_id, couple.member_b_id = members[0].id, members[1].id
    await session.flush()
    return couple, members[0], members[1]


def row_for(
    couple: Couple,
    member: Member,
    partner: Member | None,
    rhythm: str,
    slot: datetime,
    *,
    unreachable: bool = False,
) -> Row:
    """The row `claim` would return for the member's schedule row of `rhythm` due at `slot`."""
    assert member.id is not None
    row = Row(
        member_id=member.id,
        rhythm=rhythm,
        slot=slot,
        channel=member.channel,
        chat_id=member.chat_id,
        zone=member.timezone,
        unreachable=unreachable,
        current_conversation_id=member.current_conversation_id,
        couple=couple,
    )
    if partner is not None:
        row.partner_id, row.partner_name, row.partner_zone = (
            partner.id,
            partner.display_name,
            partner.timezone,
        )
    return row
