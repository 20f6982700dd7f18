"""Claim: the due schedule rows of a batch, each with its member, couple and partner, as plain
values (on PostgreSQL `FOR UPDATE SKIP LOCKED`, so several processes share the work)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from functools import cached_property
from typing import Any

from sqlalchemy import Table, and_, case
from sqlmodel import SQLModel, col
from sqlmodel.ext.asyncio.session import AsyncSession
from sqlmodel.sql.expression import Select

from bot.core import texts, words
from bot.core.coupleday import couple_day
from bot.core.evening_days import evening_at
from bot.core.events import Recipient
from bot.core.local_time import local_date
from bot.core.models import Couple
from bot.core.sql import is_postgres


@dataclass
class Row:
    """One claimed schedule row with what deciding about it needs (plain values, no ORM)."""

    member_id: int
    rhythm: str
    slot: datetime
    channel: str
    chat_id: str
    zone: str | None
    unreachable: bool
    current_conversation_id: int | None
    couple: Couple
    partner_id: int | None = None
    partner_name: str = texts.YOUR_PARTNER
    partner_zone: str | None = None
    # The language the bot speaks to the member (`words.spoken` of their stored code).
    language: str = words.DEFAULT_LANG

    # Worked out once per row (deciding, composing and storing each ask several times): a
    # row's slot, zones and couple are settled once `claim` has filled in the partner.
    @cached_property
    def couple_id(self) -> int:
        return self.couple.id or 0

    @cached_property
    def day(self) -> date:
        """The member's local date of the slot: what a delivery's key names."""
        return local_date(self.slot, self.zone)

    @cached_property
    def couple_day(self) -> date:
        """The couple-day an evening slot belongs to: what the conversation's key names."""
        return couple_day(self.slot, evening_at(self.couple), zones=(self.zone, self.partner_zone))

    def recipient(self) -> Recipient:
        return Recipient(member_id=self.member_id, channel=self.channel, chat_id=self.chat_id)


async def claim(session: AsyncSession, now: datetime, limit: int) -> list[Row]:
    """Up to `limit` rows due by `now`, the earliest first: one query, each row with its
    member, couple and partner (the couple's other member, as `members.partner_of` has it)."""
    schedule, member, couple = table("schedule"), table("member"), table("couple")
    partner = member.alias("partner")
    other = case(
        (couple.c.member_a_id == member.c.id, couple.c.member_b_id), else_=couple.c.member_a_id
    )
    query: Select[*tuple[Any, ...]] = (
        Select(
            schedule.c.member_id,
            schedule.c.rhythm,
            schedule.c.next_due_at,
            member.c.channel,
            member.c.chat_id,
            member.c.timezone,
            member.c.unreachable_at,
            member.c.current_conversation_id,
            member.c.language,
            partner.c.id,
            partner.c.display_name,
            partner.c.timezone,
            Couple,
        )
        .join(member, member.c.id == schedule.c.member_id)
        .join(Couple, col(Couple.id) == member.c.couple_id)
        .outerjoin(
            partner,
            and_(
                partner.c.id == other,
                partner.c.id != member.c.id,
                partner.c.couple_id == member.c.couple_id,
            ),
        )
        .where(schedule.c.next_due_at <= now)
        .order_by(schedule.c.next_due_at)
        .limit(limit)
    )
    if is_postgres(session):
        query = query.with_for_update(skip_locked=True, of=schedule)
    # The couples are loaded by the ORM (which fills instances far faster than their
    # constructor validates them; both partners' rows share one), read only here.
    rows = []
    for r in (await session.exec(query)).all():
        language = words.spoken(r[8])
        row = Row(r[0], r[1], r[2], r[3], r[4], r[5], r[6] is not None, r[7], r[12])
        row.language = language
        if r[9] is None:
            row.partner_name = words.translate(texts.YOUR_PARTNER, language)
        else:
            row.partner_id, row.partner_name, row.partner_zone = r[9], r[10], r[11]
        rows.append(row)
    return rows


def table(name: str) -> Table:
    return SQLModel.metadata.tables[name]
