"""Compose: what each firing row sends, from one table of rhythms (`COMPOSERS`).

A rhythm's composer is two parts: `gather`, which looks up what the rows of a batch need in a
few set-based statements (shared by rhythms that need the same lookups, and called once for
all of their rows), and `compose`, which turns one row and what was gathered into its message
(or None: nothing to send). A new rhythm is one entry here and one in `bot/core/rhythm.py`."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import datetime
from typing import Any, NamedTuple

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.core import cadence, love_maps, ritual, texts
from bot.core.apart import days_to_meet
from bot.core.beat.claim import Row
from bot.core.beat.ideas import (
    affection,
    appreciation,
    date_ask,
    date_idea,
    date_ideas,
    date_morning,
    date_plans,
    digest_affection,
    nudge_prompts,
)
from bot.core.beat.made import Composer, Gather, Made
from bot.core.beat.made import out as _out
from bot.core.beat.made import say as _say
from bot.core.beat.mornings import mornings, our_days
from bot.core.conversations import prompt_buttons, prompt_text
from bot.core.day_conversation import conversations_for_days
from bot.core.events import Outgoing
from bot.core.milestones import line as celebration_line
from bot.core.models import Answer, Conversation, Couple
from bot.core.ports import Library, Prompt
from bot.core.prompts import Use, Want, prompts_for_days
from bot.core.rhythm import NUDGES
from bot.core.sql import among
from bot.core.tally import collect, summary

__all__ = ["COMPOSERS", "Composer", "Made", "compose"]


async def compose(
    session: AsyncSession, library: Library, rows: list[Row], *, now: datetime
) -> dict[tuple[int, str], Made]:
    """Each row's message, by (member, rhythm). Every gather runs once, for all of its rows, in
    the table's order (the evening's first: making a conversation closes the one before, which
    a reminder looks at)."""
    by_gather: dict[Gather[Any], list[Row]] = {c.gather: [] for c in COMPOSERS.values()}
    for row in rows:
        by_gather[COMPOSERS[row.rhythm].gather].append(row)
    found = {
        gather: await gather(session, library, some, now)
        for gather, some in by_gather.items()
        if some
    }
    made: dict[tuple[int, str], Made] = {}
    for row in rows:
        composer = COMPOSERS[row.rhythm]
        message = composer.compose(row, library, found[composer.gather])
        if message is not None:
            made[(row.member_id, row.rhythm)] = message
    return made


# --- evening: the day's conversation, found or made for all couples at once ------------------


class Evenings(NamedTuple):
    """Each couple-day's conversation, what the love-maps ones come back to, and the
    couple-days that bring the word that it goes quieter (`bot.core.cadence`)."""

    conversations: dict[tuple[int, str], Conversation]
    sources: dict[int, love_maps.Source]
    quiet: set[tuple[int, str]]


async def conversations(
    session: AsyncSession, library: Library, rows: list[Row], now: datetime
) -> Evenings:
    couples = {row.couple_id: row.couple for row in rows}
    histories = await cadence.histories(
        session, couples, through=max(row.couple_day for row in rows)
    )
    wanted: dict[tuple[int, str], tuple[Couple, str]] = {}
    quiet: set[tuple[int, str]] = set()
    for row in rows:
        key = (row.couple_id, row.couple_day.isoformat())
        kind = cadence.tonight(
            row.couple,
            row.couple_day,
            history=histories[row.couple_id],
            slot=row.slot,
            zones=(row.zone, row.partner_zone),
        )
        if kind == cadence.QUIET:
            quiet.add(key)
        elif kind is not None:
            wanted.setdefault(key, (row.couple, kind))
    found = await conversations_for_days(session, library, wanted, now=now)
    return Evenings(found, await love_maps.sources(session, found.values()), quiet)


def evening(row: Row, library: Library, found: Evenings) -> Made | None:
    key = (row.couple_id, row.couple_day.isoformat())
    if key in found.quiet:
        return Made(_out(row, _say(row, texts.QUIET_NOTICE)), kind=cadence.QUIET)
    conversation = found.conversations.get(key)
    if conversation is None:
        return None
    lang = row.language
    text = prompt_text(
        library,
        conversation,
        partner_name=row.partner_name,
        lang=lang,
        reader_id=row.member_id,
        zone=row.zone,
        source=found.sources.get(conversation.id or 0),
        meet_in=days_to_meet(row.couple, day=row.day, zones=(row.zone, row.partner_zone)),
    )
    buttons = prompt_buttons(conversation, lang)
    return Made(Outgoing(row.recipient(), text, buttons, lang=lang), conversation.id)


# --- reminder: only to a member whose partner answered while they have not -------------------


async def waiting_partners(
    session: AsyncSession, _library: Library, rows: list[Row], _now: datetime
) -> set[int]:
    ids = {row.current_conversation_id for row in rows if row.current_conversation_id}
    if not ids:
        return set()
    kinds = dict(
        (
            await session.exec(
                select(col(Conversation.id), col(Conversation.kind)).where(
                    among(col(Conversation.id), ids),
                    col(Conversation.closed_at).is_(None),
                    col(Conversation.revealed_at).is_(None),
                )
            )
        ).all()
    )
    open_ids = set(kinds)
    # A weekly check-in is answered once all three of its questions are (`bot.core.ritual`):
    # its answers' words are read for that, and only its.
    rituals = {i for i, kind in kinds.items() if kind == ritual.KIND}
    answered = set(
        (
            await session.exec(
                select(col(Answer.conversation_id), col(Answer.member_id)).where(
                    among(col(Answer.conversation_id), open_ids - rituals),
                    col(Answer.late).is_(False),
                )
            )
        ).all()
    )
    if rituals:
        found = await session.exec(
            select(Answer).where(
                among(col(Answer.conversation_id), rituals), col(Answer.late).is_(False)
            )
        )
        answered |= {(a.conversation_id, a.member_id) for a in found.all() if ritual.finished(a)}
    return {
        row.member_id
        for row in rows
        if row.current_conversation_id in open_ids
        and (row.current_conversation_id, row.partner_id) in answered
        and (row.current_conversation_id, row.member_id) not in answered
    }


def reminder(row: Row, _library: Library, waiting: set[int]) -> Made | None:
    if row.member_id not in waiting:
        return None
    return Made(_out(row, _say(row, texts.REMINDER, partner=row.partner_name)))


# --- the Sunday digest: the week's nudges in one message (`bot.core.cadence`) ----------------


def _in_digest(kind: str) -> Composer[Any]:
    """How a nudge is made in the digest: as on its own day, but for the affection idea's
    words (whatever a nudge's own composer says, with its buttons, is what the digest says)."""
    return DIGEST_PARTS.get(kind) or COMPOSERS[kind]


def _nudges_of(row: Row) -> list[Row]:
    """The digest row as a row of each nudge the couple has on (its kind, on the digest's day)."""
    return [
        replace(row, rhythm=kind)
        for kind, weekly in NUDGES.items()
        if getattr(row.couple, weekly.switch)
    ]


async def digest_nudges(
    session: AsyncSession, library: Library, rows: list[Row], now: datetime
) -> dict[Gather[Any], Any]:
    """Each nudge's own gather, once for all the digest rows that have that nudge on (what each
    found, by the gather)."""
    by_gather: dict[Gather[Any], list[Row]] = {}
    for row in rows:
        for nudge in _nudges_of(row):
            by_gather.setdefault(_in_digest(nudge.rhythm).gather, []).append(nudge)
    return {gather: await gather(session, library, some, now) for gather, some in by_gather.items()}


def digest(row: Row, library: Library, found: dict[Gather[Any], Any]) -> Made | None:
    """The nudges of the week in one message, each with its buttons; nothing if none is on."""
    parts = []
    for nudge in _nudges_of(row):
        composer = _in_digest(nudge.rhythm)
        made = composer.compose(nudge, library, found[composer.gather])
        if made is not None:
            parts.append(made.out)
    if not parts:
        return None
    ideas = "\n\n".join(out.text for out in parts)
    buttons = tuple(line for out in parts for line in out.buttons)
    return Made(_out(row, _say(row, texts.DIGEST, ideas=ideas), buttons))


# --- recap: the week shared, only if they shared anything -----------------------------------


class Weeks(NamedTuple):
    """Each couple's week, and the closing line of the recap of those who shared anything."""

    shared: dict[int, Counter[str]]
    lines: dict[Use, Prompt]


async def weeks(session: AsyncSession, library: Library, rows: list[Row], now: datetime) -> Weeks:
    """Each couple's week (a query or two per couple: one row a week each), and for a couple
    who shared anything the recap line they have seen least."""
    found: dict[int, Counter[str]] = {}
    for row in rows:
        if row.couple_id not in found:
            found[row.couple_id] = (
                await collect(session, row.couple_id, zone=row.zone, now=now)
            ).week
    wanted = {
        Use(row.couple_id, "recap", row.day.isoformat()): Want(occasion="recap")
        for row in rows
        if sum(found[row.couple_id].values())
    }
    return Weeks(found, await prompts_for_days(session, library, wanted))


def recap(row: Row, library: Library, found: Weeks) -> Made | None:
    week = found.shared[row.couple_id]
    if sum(week.values()) == 0:
        return None  # nothing shared: no message at all, never a nudge about it
    chosen = found.lines.get(Use(row.couple_id, "recap", row.day.isoformat()))
    line = celebration_line(library, chosen.id if chosen else None, lang=row.language)
    text = _say(row, texts.RECAP, summary=summary(week, row.language), line=line)
    return Made(_out(row, text))


COMPOSERS: dict[str, Composer[Any]] = {
    "evening": Composer(conversations, evening),
    "affection": Composer(nudge_prompts, affection),
    "appreciation": Composer(nudge_prompts, appreciation),
    "date": Composer(date_ideas, date_idea),
    "reminder": Composer(waiting_partners, reminder),
    "date-morning": Composer(date_plans, date_morning),
    "date-ask": Composer(date_plans, date_ask),
    "recap": Composer(weeks, recap),
    "digest": Composer(digest_nudges, digest),
    "ourdays": Composer(mornings, our_days),
}
# A nudge made differently in the digest than on its own day.
DIGEST_PARTS: dict[str, Composer[Any]] = {"affection": Composer(nudge_prompts, digest_affection)}
