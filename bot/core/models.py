"""The tables. Every datetime is timezone-aware UTC; every free text a partner writes is marked."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, ForeignKey, Index, Integer, UniqueConstraint, false, true
from sqlmodel import Field, SQLModel

from bot.core.secret import SecretJSON, SecretText
from bot.core.sql import PartialIndex


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
    # The evening conversation most recently sent to this member: where a plain reply goes.
    current_conversation_id: int | None = Field(
        default=None,
        sa_column=Column(
            Integer,
            ForeignKey(
                "conversation.id", ondelete="SET NULL", name="fk_member_current_conversation"
            ),
        ),
    )
    unreachable_at: datetime | None = None
    # /birthday: "MM-DD" or "YYYY-MM-DD" (the year only when they gave it).
    birthday: str | None = Field(default=None, max_length=10)
    # The status message kept pinned in this member's chat (its id there), edited in place.
    status_ref: str | None = Field(default=None, max_length=64)
    created_at: datetime


class Couple(SQLModel, table=True):
    """Two members who paired. `ended_at` is set when they unpair; the row stays as history."""

    id: int | None = Field(default=None, primary_key=True)
    # Plain ids, not foreign keys: members point at their couple, and a member who erases their
    # data leaves the couple's history behind without a dangling reference to clean up.
    member_a_id: int | None = None
    member_b_id: int | None = None
    evening_time: str = Field(default="20:30", max_length=5)
    # The server defaults are those migration 0002 gave the columns it added to existing rows.
    curiosity_days: str = Field(
        default="mon,wed,fri", max_length=32, sa_column_kwargs={"server_default": "mon,wed,fri"}
    )
    checkin_on: bool = Field(default=True, sa_column_kwargs={"server_default": true()})
    curiosity_on: bool = Field(default=True, sa_column_kwargs={"server_default": true()})
    appreciation_on: bool = Field(default=True, sa_column_kwargs={"server_default": true()})
    affection_on: bool = Field(default=True, sa_column_kwargs={"server_default": true()})
    goals_on: bool = Field(default=True, sa_column_kwargs={"server_default": true()})
    date_on: bool = Field(default=True, sa_column_kwargs={"server_default": true()})
    paused_until: datetime | None = None
    # The level of the depth ladder that `bot.core.depth`'s mix replaced (0007): above 1 only for
    # a couple that climbed it, whose light first weeks are over.
    depth: int = Field(default=1, sa_column_kwargs={"server_default": "1"})
    # Curiosity conversations both answered (from 0007; before, those at the ladder's level).
    depth_answered: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    # How deep curiosity questions go: "lighter", "as-is" or "deeper" (/settings), and until
    # when "Too deep for now" keeps the mix lighter whatever the setting.
    depth_mix: str = Field(
        default="as-is", max_length=8, sa_column_kwargs={"server_default": "as-is"}
    )
    lighter_until: datetime | None = None
    skipped_on: str | None = Field(default=None, max_length=10)  # local date of the last skip
    # Love maps (/settings → Love maps): either partner may turn each off for the couple.
    callbacks_on: bool = Field(default=True, sa_column_kwargs={"server_default": true()})
    guessing_on: bool = Field(default=True, sa_column_kwargs={"server_default": true()})
    follow_ups_on: bool = Field(default=True, sa_column_kwargs={"server_default": true()})
    goodnews_on: bool = Field(default=True, sa_column_kwargs={"server_default": true()})
    photos_on: bool = Field(default=True, sa_column_kwargs={"server_default": true()})
    # Our dates (/anniversary): the couple's day, ISO "YYYY-MM-DD".
    anniversary: str | None = Field(default=None, max_length=10)
    # The couple's rhythm (/evenings): evening questions a week, 3 to 7; quieter (every other
    # evening) since when, after seven evenings neither answered; the week's nudges folded
    # into one Sunday digest; the weekday of "our weekly check-in" (None: off).
    evenings_per_week: int = Field(default=7, sa_column_kwargs={"server_default": "7"})
    quiet_since: datetime | None = None
    digest_on: bool = Field(default=False, sa_column_kwargs={"server_default": false()})
    ritual_day: str | None = Field(default=None, max_length=3)
    # The pinned status message in each partner's chat (Telegram), on unless turned off.
    status_on: bool = Field(default=True, sa_column_kwargs={"server_default": true()})
    # Apart for now (/apart): since when, and until when if they said (the date ends it).
    apart_since: datetime | None = None
    apart_until: datetime | None = None
    created_at: datetime
    ended_at: datetime | None = None


class Conversation(SQLModel, table=True):
    """One evening prompt for one couple on one day, and whether both have answered."""

    __table_args__ = (UniqueConstraint("couple_id", "day", name="uq_conversation_couple_day"),)

    id: int | None = Field(default=None, primary_key=True)
    # Indexed by uq_conversation_couple_day, which leads with it.
    couple_id: int = Field(foreign_key="couple.id", ondelete="CASCADE")
    day: str = Field(max_length=10)  # the local date (ISO) the prompt belongs to
    kind: str = Field(max_length=16)
    prompt_id: str = Field(max_length=64)
    # The question as it was sent, in every language the library had (language -> text): what
    # reveals and /export show, whatever content/ says later. None on rows made before 0006.
    prompt_text: dict[str, str] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    depth: int | None = None
    # A love-maps evening (kind "callback" or "guess", `bot.core.love_maps`): the earlier
    # conversation, revealed to both, whose answers it comes back to. A plain id, like the
    # couple's member ids: the history stays when what it points at goes.
    source_id: int | None = None
    created_at: datetime
    closed_at: datetime | None = None
    revealed_at: datetime | None = None


class Answer(SQLModel, table=True):
    """What a partner wrote (or sent) to a conversation. Free text: a partner's own words."""

    __table_args__ = (
        PartialIndex(
            "uq_answer_on_time",
            "conversation_id",
            "member_id",
            unique=True,
            where={"sqlite": "late = 0", "postgresql": "late = false"},
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    conversation_id: int = Field(foreign_key="conversation.id", index=True, ondelete="CASCADE")
    member_id: int = Field(foreign_key="member.id", index=True, ondelete="CASCADE")
    text: str | None = Field(default=None, sa_column=Column(SecretText, nullable=True))
    media: dict[str, Any] | None = Field(default=None, sa_column=Column(SecretJSON, nullable=True))
    late: bool = False
    # The channel's id of the message the answer was given in: an edit of that message (and
    # only that one) changes the answer while the conversation is sealed.
    message_ref: str | None = Field(default=None, max_length=64)
    created_at: datetime
    updated_at: datetime


class PromptUse(SQLModel, table=True):
    """Which prompt a couple got on a day, per kind: so nothing repeats until all were used."""

    __tablename__ = "prompt_use"
    __table_args__ = (UniqueConstraint("couple_id", "kind", "day", name="uq_prompt_use_day"),)

    id: int | None = Field(default=None, primary_key=True)
    couple_id: int = Field(foreign_key="couple.id", ondelete="CASCADE")
    kind: str = Field(max_length=16)
    day: str = Field(max_length=10)
    prompt_id: str = Field(max_length=64)


class PromptSeen(SQLModel, table=True):
    """A prompt a couple was shown outside the day's pick `PromptUse` keeps: one swapped away
    (skipped, too deep) or a celebration line. Counted with `PromptUse`, so it too waits its turn
    before it comes back."""

    __tablename__ = "prompt_seen"

    id: int | None = Field(default=None, primary_key=True)
    couple_id: int = Field(foreign_key="couple.id", index=True, ondelete="CASCADE")
    kind: str = Field(max_length=16)
    prompt_id: str = Field(max_length=64)
    created_at: datetime


class PackChoice(SQLModel, table=True):
    """A partner's choice of a prompt pack (/settings). A pack is on for a couple when both
    partners of it chose it (`bot.core.packs`)."""

    __tablename__ = "pack_choice"
    __table_args__ = (UniqueConstraint("couple_id", "member_id", "pack", name="uq_pack_choice"),)

    id: int | None = Field(default=None, primary_key=True)
    couple_id: int = Field(foreign_key="couple.id", index=True, ondelete="CASCADE")
    member_id: int = Field(foreign_key="member.id", ondelete="CASCADE")
    pack: str = Field(max_length=16)
    created_at: datetime


class Moment(SQLModel, table=True):
    """A shared moment worth celebrating (an affection idea done, ...): counted by /progress."""

    __table_args__ = (UniqueConstraint("couple_id", "kind", "day", name="uq_moment_day"),)

    id: int | None = Field(default=None, primary_key=True)
    couple_id: int = Field(foreign_key="couple.id", index=True, ondelete="CASCADE")
    kind: str = Field(max_length=16)
    day: str = Field(max_length=10)
    member_id: int | None = Field(default=None, foreign_key="member.id", ondelete="SET NULL")
    created_at: datetime


class Schedule(SQLModel, table=True):
    """When a member's next occurrence of a rhythm is due. The tick reads only this index."""

    member_id: int = Field(foreign_key="member.id", primary_key=True, ondelete="CASCADE")
    rhythm: str = Field(max_length=16, primary_key=True)
    next_due_at: datetime = Field(index=True)


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

    __table_args__ = (
        Index("ix_delivery_status_next", "status", "next_attempt_at"),
        Index("ix_delivery_member_day", "member_id", "day"),
    )

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=128, unique=True)
    # Indexed by ix_delivery_member_day, which leads with it.
    member_id: int = Field(foreign_key="member.id", ondelete="CASCADE")
    kind: str = Field(max_length=32)
    payload: dict[str, Any] = Field(sa_column=Column(SecretJSON, nullable=False))
    status: str = Field(default="pending", max_length=16)
    attempts: int = 0
    next_attempt_at: datetime
    created_at: datetime
    sent_at: datetime | None = None
    day: str | None = Field(default=None, max_length=10)  # local date, for proactive sends
    # Counts toward the daily limit of unasked-for messages.
    proactive: bool = Field(default=False, sa_column_kwargs={"server_default": false()})
    conversation_id: int | None = Field(
        default=None,
        sa_column=Column(
            Integer,
            ForeignKey("conversation.id", ondelete="SET NULL", name="fk_delivery_conversation"),
        ),
    )
    # Whose words the message carries (a reveal, an appreciation): erased with that member.
    author_id: int | None = Field(
        default=None,
        sa_column=Column(
            Integer, ForeignKey("member.id", ondelete="CASCADE", name="fk_delivery_author")
        ),
    )
    message_ref: str | None = Field(default=None, max_length=64)


class Appreciation(SQLModel, table=True):
    """A partner's words of appreciation for the other. Free text: a partner's own words."""

    id: int | None = Field(default=None, primary_key=True)
    couple_id: int = Field(foreign_key="couple.id", index=True, ondelete="CASCADE")
    sender_id: int | None = Field(default=None, foreign_key="member.id", ondelete="SET NULL")
    receiver_id: int | None = Field(default=None, foreign_key="member.id", ondelete="SET NULL")
    text: str = Field(sa_column=Column(SecretText, nullable=False))
    created_at: datetime
    thanked_at: datetime | None = None


class GoodNews(SQLModel, table=True):
    """A partner's good news (/goodnews), relayed at once; the receiver's reply is relayed back
    and not kept. Free text (and a photo): a partner's own words."""

    __tablename__ = "good_news"

    id: int | None = Field(default=None, primary_key=True)
    couple_id: int = Field(foreign_key="couple.id", index=True, ondelete="CASCADE")
    sender_id: int | None = Field(default=None, foreign_key="member.id", ondelete="SET NULL")
    receiver_id: int | None = Field(default=None, foreign_key="member.id", ondelete="SET NULL")
    text: str | None = Field(default=None, sa_column=Column(SecretText, nullable=True))
    media: dict[str, Any] | None = Field(default=None, sa_column=Column(SecretJSON, nullable=True))
    created_at: datetime
    replied_at: datetime | None = None


class Goal(SQLModel, table=True):
    """A goal the two share. Free text."""

    __table_args__ = (UniqueConstraint("source_answer_id", name="uq_goal_source_answer"),)

    id: int | None = Field(default=None, primary_key=True)
    couple_id: int = Field(foreign_key="couple.id", index=True, ondelete="CASCADE")
    created_by: int | None = Field(default=None, foreign_key="member.id", ondelete="SET NULL")
    text: str = Field(sa_column=Column(SecretText, nullable=False))
    # A goal saved from a revealed answer: one goal per answer, erased with the answer's words.
    source_answer_id: int | None = Field(
        default=None,
        sa_column=Column(
            Integer,
            ForeignKey("answer.id", ondelete="CASCADE", name="fk_goal_source_answer"),
        ),
    )
    created_at: datetime
    reached_at: datetime | None = None


class Win(SQLModel, table=True):
    """A shared win logged with /win (or a lovely date). Free text."""

    id: int | None = Field(default=None, primary_key=True)
    couple_id: int = Field(foreign_key="couple.id", index=True, ondelete="CASCADE")
    member_id: int | None = Field(default=None, foreign_key="member.id", ondelete="SET NULL")
    text: str = Field(sa_column=Column(SecretText, nullable=False))
    created_at: datetime


class DatePlan(SQLModel, table=True):
    """A planned date night."""

    __tablename__ = "date_plan"

    id: int | None = Field(default=None, primary_key=True)
    couple_id: int = Field(foreign_key="couple.id", index=True, ondelete="CASCADE")
    created_by: int | None = Field(default=None, foreign_key="member.id", ondelete="SET NULL")
    at: datetime
    created_at: datetime
    cancelled_at: datetime | None = None
    lovely_at: datetime | None = None
    # A date is asked, not announced: the partner accepts it, or asks for another time.
    accepted_at: datetime | None = None
    declined_at: datetime | None = None
    someday_id: int | None = None  # the someday item it plans, if any (a plain id)


class Someday(SQLModel, table=True):
    """Something the couple would like to do together some day (/someday). Free text."""

    id: int | None = Field(default=None, primary_key=True)
    couple_id: int = Field(foreign_key="couple.id", index=True, ondelete="CASCADE")
    added_by: int | None = Field(default=None, foreign_key="member.id", ondelete="SET NULL")
    text: str = Field(sa_column=Column(SecretText, nullable=False))
    created_at: datetime
    planned_at: datetime | None = None
    removed_at: datetime | None = None


class Milestone(SQLModel, table=True):
    """A milestone celebrated once per couple."""

    __table_args__ = (UniqueConstraint("couple_id", "name", name="uq_milestone_couple_name"),)

    id: int | None = Field(default=None, primary_key=True)
    couple_id: int = Field(foreign_key="couple.id", index=True, ondelete="CASCADE")
    name: str = Field(max_length=32)
    reached_at: datetime


class Lease(SQLModel, table=True):
    """Something only one process may do at a time (hold a platform's single gateway connection
    for one token): held by `holder` until `expires_at`, renewed while it lives."""

    name: str = Field(primary_key=True, max_length=64)
    holder: str = Field(max_length=64)
    expires_at: datetime
