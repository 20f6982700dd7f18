"""The tables. Every datetime is timezone-aware UTC; every free text a partner writes is marked."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, Index, UniqueConstraint
from sqlmodel import Field, SQLModel


class Member(SQLModel, table=True):
    """One person on one channel. A member is in at most one active couple."""

    __table_args__ = (UniqueConstraint("channel", "user_id", name="uq_member_channel_user"),)

    id: int | None = Field(default=None, primary_key=True)
    channel: str = Field(max_length=16)
    user_id: str = Field(max_length=64)
    chat_id: str = Field(max_length=64)
    display_name: str = Field(max_length=128)
    language: str | None = Field(default=None, max_length=16)
    timezone: str | None = Field(default=None, max_length=64)
    couple_id: int | None = Field(default=None, foreign_key="couple.id", index=True)
    awaiting: str | None = Field(default=None, max_length=32)
    unreachable_at: datetime | None = None
    created_at: datetime


class Couple(SQLModel, table=True):
    """Two members who paired. `ended_at` is set when they unpair; the row stays as history."""

    id: int | None = Field(default=None, primary_key=True)
    # Plain ids, not foreign keys: members point at their couple, and a member who erases their
    # data leaves the couple's history behind without a dangling reference to clean up.
    member_a_id: int | None = None
    member_b_id: int | None = None
    evening_time: str = Field(default="20:30", max_length=5)
    created_at: datetime
    ended_at: datetime | None = None


class Invite(SQLModel, table=True):
    """A one-time pairing code. Only its hash is stored; `used_at` makes it single use."""

    id: int | None = Field(default=None, primary_key=True)
    code_hash: str = Field(max_length=64, unique=True)
    member_id: int = Field(foreign_key="member.id", index=True, ondelete="CASCADE")
    created_at: datetime
    expires_at: datetime
    used_at: datetime | None = None
    used_by_member_id: int | None = Field(
        default=None, foreign_key="member.id", ondelete="SET NULL"
    )


class PairFailure(SQLModel, table=True):
    """A wrong code someone tried: counted to slow down guessing."""

    __tablename__ = "pair_failure"
    __table_args__ = (Index("ix_pair_failure_member_at", "member_id", "at"),)

    id: int | None = Field(default=None, primary_key=True)
    member_id: int = Field(foreign_key="member.id", ondelete="CASCADE")
    at: datetime


class Delivery(SQLModel, table=True):
    """One message the bot pushes to a member, recorded before it is sent and marked after.

    `key` is unique: a scheduled prompt's key names (member, kind, local date), so it can be
    recorded only once however many ticks or processes try.
    """

    __table_args__ = (Index("ix_delivery_status_next", "status", "next_attempt_at"),)

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=128, unique=True)
    member_id: int = Field(foreign_key="member.id", index=True, ondelete="CASCADE")
    kind: str = Field(max_length=32)
    payload: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    status: str = Field(default="pending", max_length=16)
    attempts: int = 0
    next_attempt_at: datetime
    created_at: datetime
    sent_at: datetime | None = None
    message_ref: str | None = Field(default=None, max_length=64)
