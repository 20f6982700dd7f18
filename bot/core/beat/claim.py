"""Claim: the due schedule rows of a batch, each with its member, couple and partner, as plain
values (on PostgreSQL `FOR UPDATE SKIP LOCKED`, so several processes share the work)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from functools import cache, cached_property
from typing import Any

from sqlalchemy import Select, Table, and_, bindparam, case
from sqlalchemy import select as sa_select
from sqlmodel import SQLModel, col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.core import texts, words
from bot.core.coupleday import couple_day
from bot.core.evening_days import evening_at
from bot.core.events import Recipient
from bot.core.local_time import local_date
from bot.core.models import Couple
from bot.core.sql import among, is_postgres


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
    """Up to `limit` rows due by `now`, the earliest first, each with its member and partner
    (the couple's other member, as `members.partner_of` has it) in one plain query, and the
    couples in a second (none when nothing is due: a quiet minute stays one cheap probe)."""
    query = _due(is_postgres(session))
    # Plain rows through the session's connection (same transaction): no ORM objects to build.
    connection = await session.connection()
    claimed = (await connection.execute(query, {"now": now, "limit": limit})).all()
    if not claimed:
        return []
    # The couples, loaded by the ORM (which fills instances far faster than their constructor
    # validates them; a couple's rows share one, which the session writes back if changed).
    wanted = {r[8] for r in claimed}
    couples = {
        c.id: c for c in await session.exec(select(Couple).where(among(col(Couple.id), wanted)))
    }
    rows = []
    for r in claimed:
        language = words.spoken(r[9])
        row = Row(r[0], r[1], r[2], r[3], r[4], r[5], r[6] is not None, r[7], couples[r[8]])
        row.language = language
        if r[10] is None:
            row.partner_name = words.translate(texts.YOUR_PARTNER, language)
        else:
            row.partner_id, row.partner_name, row.partner_zone = r[10], r[11], r[12]
        rows.append(row)
    return rows


@cache  # made once per dialect, not per beat: its text and cache key are the same each time
def _due(postgres: bool) -> Select[Any]:
    """The claim's query (see `claim`), its instant and limit left to the parameters."""
    schedule, member, couple = table("schedule"), table("member"), table("couple")
    partner = member.alias("partner")
    other = case(
        (couple.c.member_a_id == member.c.id, couple.c.member_b_id), else_=couple.c.member_a_id
    )
    query = (
        sa_select(
            schedule.c.member_id,
            schedule.c.rhythm,
            schedule.c.next_due_at,
            member.c.channel,
            member.c.chat_id,
            member.c.timezone,
            member.c.unreachable_at,
            member.c.current_conversation_id,
            member.c.couple_id,
            member.c.language,
            partner.c.id,
            partner.c.display_name,
            partner.c.timezone,
        )
        .join(member, member.c.id == schedule.c.member_id)
        .join(couple, couple.c.id == member.c.couple_id)
        .outerjoin(
            partner,
            and_(
                partner.c.id == other,
                partner.c.id != member.c.id,
                partner.c.couple_id == member.c.couple_id,
            ),
        )
        .where(schedule.c.next_due_at <= bindparam("now"))
        .order_by(schedule.c.next_due_at)
        .limit(bindparam("limit"))
    )
    if postgres:
        query = query.with_for_update(skip_locked=True, of=schedule)
    return query


def table(name: str) -> Table:
    return SQLModel.metadata.tables[name]
