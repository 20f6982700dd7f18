"""Love maps: the couple's own answers come back (Gottman's "love maps" are built by asking
again and updating).

- "Still true?" (kind `callback`): on Tuesday's check-in evening, each partner gets their own
  answer to an earlier question, quoted ("In March you answered …"), and is asked whether it
  is still true; the two new answers are revealed like any others.
- A guessing round (kind `guess`): on Saturday's check-in evening, each partner guesses what the
  other answered to an earlier question; once both guessed, each sees the partner's answer
  beside their own guess, and the partner's guess about them. No score.

Both start once the couple has an answer four weeks old, come at most once a week each, and
come back to an earlier conversation (`Conversation.source_id`) that both answered in words,
on time, and saw revealed; never one whose question either of them swapped away, never the
same one twice for the same kind. A quote is read from the member's own answer when the
message is made, so words a partner erased are never quoted. Either partner can turn each off
in /settings → Love maps (`Couple.callbacks_on`, `guessing_on`), as well as the follow-ups
after a reveal, good news and photo moments."""

from __future__ import annotations

import random
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.core import texts, words
from bot.core.context import Ctx
from bot.core.events import keyboard
from bot.core.members import couple_of
from bot.core.models import Answer, Conversation, Couple, Member, PromptSeen
from bot.core.router import Router
from bot.core.sql import among

CALLBACK, GUESS = "callback", "guess"
KINDS = (CALLBACK, GUESS)
DAYS = {CALLBACK: 1, GUESS: 5}  # Tuesday, Saturday: check-in evenings by default
SWITCHES = {CALLBACK: "callbacks_on", GUESS: "guessing_on"}
AFTER = timedelta(days=28)  # an answer comes back when it is at least four weeks old
SOURCE_KINDS = ("curiosity", "goals", "check-in")
QUOTE = 200  # characters of a member's own words quoted, cut at a word

router = Router()


@dataclass(frozen=True)
class Source:
    """An earlier conversation a love-maps evening comes back to: when it was, and each
    partner's answer there (member id → words)."""

    conversation: Conversation
    said: Mapping[int, str]


def kind_for(couple: Couple, day: date) -> str | None:
    """The love-maps kind a check-in evening of this couple-day may become, if any."""
    for kind, weekday in DAYS.items():
        if day.weekday() == weekday and getattr(couple, SWITCHES[kind]):
            return kind
    return None


async def sources_for(
    session: AsyncSession, wanted: Mapping[tuple[int, str], str]
) -> dict[tuple[int, str], Conversation]:
    """For each (couple id, day) → kind, an earlier conversation to come back to, if the couple
    has one that fits (see the module's rules); a few queries for the whole batch."""
    if not wanted:
        return {}
    couple_ids = {couple_id for couple_id, _ in wanted}
    latest = max(date.fromisoformat(day) for _, day in wanted) - AFTER
    rows = (
        await session.exec(
            select(Conversation).where(
                among(col(Conversation.couple_id), couple_ids),
                col(Conversation.kind).in_(SOURCE_KINDS),
                col(Conversation.revealed_at).is_not(None),
                col(Conversation.day) <= latest.isoformat(),
            )
        )
    ).all()
    both = await _answered_in_words(session, [c.id for c in rows if c.id is not None])
    used = set(
        (
            await session.exec(
                select(Conversation.couple_id, Conversation.kind, Conversation.source_id).where(
                    among(col(Conversation.couple_id), couple_ids),
                    col(Conversation.kind).in_(KINDS),
                )
            )
        ).all()
    )
    swapped = set(
        (
            await session.exec(
                select(PromptSeen.couple_id, PromptSeen.prompt_id).where(
                    among(col(PromptSeen.couple_id), couple_ids),
                    col(PromptSeen.kind).in_(SOURCE_KINDS),
                )
            )
        ).all()
    )
    chosen: dict[tuple[int, str], Conversation] = {}
    for (couple_id, day), kind in wanted.items():
        cutoff = (date.fromisoformat(day) - AFTER).isoformat()
        fits = [
            c
            for c in rows
            if c.couple_id == couple_id
            and c.day <= cutoff
            and c.id in both
            and (couple_id, kind, c.id) not in used
            and (couple_id, c.prompt_id) not in swapped
        ]
        if not fits:
            continue
        # Curiosity first (the richest answers), then goals, then check-ins.
        best = min(SOURCE_KINDS.index(c.kind) for c in fits)
        fits = sorted((c for c in fits if SOURCE_KINDS.index(c.kind) == best), key=_day)
        chosen[(couple_id, day)] = random.Random(f"{couple_id}:{kind}:{day}").choice(fits)  # noqa: S311
    return chosen


def _day(conversation: Conversation) -> str:
    return conversation.day


async def _answered_in_words(session: AsyncSession, conversation_ids: list[int]) -> set[int]:
    """Those of the conversations both partners answered on time, in words."""
    if not conversation_ids:
        return set()
    result = await session.exec(
        select(col(Answer.conversation_id))
        .where(
            among(col(Answer.conversation_id), conversation_ids),
            col(Answer.late).is_(False),
            col(Answer.text).is_not(None),
            col(Answer.media).is_(None),
        )
        .group_by(col(Answer.conversation_id))
        .having(func.count(func.distinct(Answer.member_id)) >= 2)
    )
    return set(result.all())


async def sources(
    session: AsyncSession, conversations: Iterable[Conversation]
) -> dict[int, Source]:
    """The earlier conversations that love-maps conversations come back to (by the love-maps
    conversation's id), with what each partner answered there as it is stored now."""
    wanted = {
        c.id: c.source_id
        for c in conversations
        if c.kind in KINDS and c.id is not None and c.source_id is not None
    }
    if not wanted:
        return {}
    earlier = {
        c.id: c
        for c in (
            await session.exec(
                select(Conversation).where(among(col(Conversation.id), set(wanted.values())))
            )
        ).all()
    }
    said: dict[int, dict[int, str]] = {}
    for answer in (
        await session.exec(
            select(Answer).where(
                among(col(Answer.conversation_id), set(wanted.values())),
                col(Answer.late).is_(False),
            )
        )
    ).all():
        if answer.text:
            said.setdefault(answer.conversation_id, {})[answer.member_id] = answer.text
    return {
        conversation_id: Source(earlier[source_id], said.get(source_id, {}))
        for conversation_id, source_id in wanted.items()
        if source_id in earlier
    }


def quoted(words_: str) -> str:
    """A member's own words as quoted: up to 200 characters, cut at a word with "…"."""
    words_ = " ".join(words_.split())
    if len(words_) <= QUOTE:
        return words_
    cut = words_[: QUOTE - 1].rsplit(" ", 1)[0].rstrip(",.;:!?—-")
    return f"{cut}…"


def framed(
    question: str,
    conversation: Conversation,
    *,
    source: Source | None,
    member_id: int | None,
    partner_name: str,
    zone: str | None,
    lang: str | None,
) -> str | None:
    """A love-maps evening's message to one member, in their language; None when it cannot
    be made (its source, or the member's own words there, are gone)."""
    if source is None:
        return None
    if conversation.kind == CALLBACK:
        own = source.said.get(member_id) if member_id is not None else None
        if own is None:
            return None
        when = words.when(source.conversation.created_at, zone, "month", lang)
        return words.translate(texts.EVENING_CALLBACK, lang).format(
            when=when, prompt=question, quote=quoted(own), partner=partner_name
        )
    return words.translate(texts.EVENING_GUESS, lang).format(prompt=question, partner=partner_name)


def guess_reveal(
    question: str,
    source: Source,
    *,
    reader: Member,
    author: Member,
    reader_guess: str,
    author_guess: str,
    lang: str | None,
) -> str:
    """What a reader sees once both guessed: the partner's answer back then beside the reader's
    guess, and the partner's guess about the reader beside the reader's own answer."""
    assert reader.id is not None
    assert author.id is not None
    return words.translate(texts.GUESS_REVEAL, lang).format(
        partner=author.display_name,
        prompt=question,
        theirs=source.said.get(author.id, "…"),
        my_guess=reader_guess,
        their_guess=author_guess,
        mine=source.said.get(reader.id, "…"),
    )


# --- /settings → Love maps: five switches, either partner, for the couple --------------------

LOVE_MAP_SWITCHES = ("callbacks_on", "guessing_on", "follow_ups_on", "goodnews_on", "photos_on")


async def show(ctx: Ctx) -> None:
    """The love-maps menu: what each switch does, and whether it is on for the couple."""
    couple = await couple_of(ctx.session, ctx.member)
    if couple is None:
        ctx.reply(ctx.say(texts.CHECKIN_NOT_PAIRED))
        return
    buttons = [
        [
            (
                f"{'✅' if getattr(couple, switch) else '⬜'} "
                + ctx.say(texts.LOVE_MAP_LABELS[switch]),
                f"lm:{switch}:{couple.id}",
            )
        ]
        for switch in LOVE_MAP_SWITCHES
    ]
    ctx.reply(ctx.say(texts.LOVE_MAPS), keyboard(*buttons))


@router.button("lm")
async def _switch_pressed(ctx: Ctx, parts: list[str]) -> None:
    """`lm:<switch>:<couple id>`: turn one on or off for the couple."""
    couple = await couple_of(ctx.session, ctx.member)
    match parts:
        case [switch, couple_id] if (
            couple is not None and switch in LOVE_MAP_SWITCHES and couple_id == str(couple.id)
        ):
            setattr(couple, switch, not getattr(couple, switch))
            await show(ctx)
        case _:
            ctx.reply(ctx.say(texts.STALE_BUTTON))
