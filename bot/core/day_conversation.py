"""The day's conversation: the one a couple-day has, found, or made with the day's prompt.

One rule for one couple (`/checkin`) and for a batch of couples (the tick's evenings). A
conversation is keyed by the couple-day (`bot/core/coupleday.py`), not by either partner's
local date."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import FromClause, update
from sqlmodel import SQLModel, col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.core import love_maps, ritual
from bot.core.depth import curiosity_depth, week_of
from bot.core.models import Conversation, Couple
from bot.core.ports import Library
from bot.core.prompts import Use, Want, prompts_for_days, texts_as_sent
from bot.core.sql import among, insert_from, insert_rows


async def conversations_for_days(
    session: AsyncSession,
    library: Library,
    wanted: Mapping[tuple[int, str], tuple[Couple, str]],
    *,
    now: datetime,
) -> dict[tuple[int, str], Conversation]:
    """Each couple's conversation for a couple-day ((couple id, ISO day) → the couple and the
    kind a new one takes): made by whichever partner's evening comes first, found by the other.
    Making one stores the question in every language the library has and closes the
    couple's earlier open ones (a weekly check-in stores no question: it asks the bot's own).
    One with no prompt to fit is left out."""
    if not wanted:
        return {}
    found = await _load(session, list(wanted))
    missing = {key: value for key, value in wanted.items() if key not in found}
    if missing:
        found.update(await _make(session, library, missing, now=now))
    return found


async def _make(
    session: AsyncSession,
    library: Library,
    missing: Mapping[tuple[int, str], tuple[Couple, str]],
    *,
    now: datetime,
) -> dict[tuple[int, str], Conversation]:
    """Make the conversations (see `conversations_for_days`) for days that had none; one made
    meanwhile by another unit of work (the partner's, on PostgreSQL) is kept and returned."""
    # A check-in evening may come back to an earlier conversation instead (love maps).
    earlier = await love_maps.sources_for(
        session,
        {
            key: kind
            for key, (couple, wanted_kind) in missing.items()
            if wanted_kind == "check-in"
            and (kind := love_maps.kind_for(couple, date.fromisoformat(key[1])))
        },
    )
    values = [
        {
            "couple_id": couple_id,
            "day": day,
            "kind": love_maps.kind_for(missing[(couple_id, day)][0], date.fromisoformat(day)),
            "prompt_id": source.prompt_id,
            "prompt_text": source.prompt_text or texts_as_sent(library, source.prompt_id),
            "depth": None,
            "source_id": source.id,
            "created_at": now,
        }
        for (couple_id, day), source in earlier.items()
    ]
    # The weekly check-in asks the bot's own questions (`bot.core.ritual`): no prompt to choose.
    values += [
        {
            "couple_id": couple_id,
            "day": day,
            "kind": ritual.KIND,
            "prompt_id": ritual.KIND,
            "prompt_text": None,
            "depth": None,
            "source_id": None,
            "created_at": now,
        }
        for (couple_id, day), (_, kind) in missing.items()
        if kind == ritual.KIND
    ]
    fresh = {
        key: value
        for key, value in missing.items()
        if key not in earlier and value[1] != ritual.KIND
    }
    uses = {(c, day): Use(c, kind, day) for (c, day), (_, kind) in fresh.items()}
    depths = await _depths(session, fresh, now=now)
    prompts = await prompts_for_days(
        session, library, {uses[key]: Want(depths[key]) for key in fresh}
    )
    values += [
        {
            "couple_id": couple_id,
            "day": day,
            "kind": uses[(couple_id, day)].kind,
            "prompt_id": prompts[uses[(couple_id, day)]].id,
            "prompt_text": texts_as_sent(library, prompts[uses[(couple_id, day)]].id),
            # A series question (a pack) brings its own depth; any other is the one wanted.
            "depth": prompts[uses[(couple_id, day)]].depth or depths[(couple_id, day)],
            "source_id": None,
            "created_at": now,
        }
        for couple_id, day in fresh
        if uses[(couple_id, day)] in prompts
    ]
    made: dict[tuple[int, str], Conversation] = {}
    if values:
        table = SQLModel.metadata.tables["conversation"]
        result = await insert_rows(session, table, values, build=_new_conversations)
        made = {(c.couple_id, c.day): c for c in result.scalars().all()}
    # A day not made here (one made meanwhile by another unit of work, or no prompt to fit)
    # is looked up; usually every day was made, and nothing is.
    if rest := [key for key in missing if key not in made]:
        made.update(await _load(session, rest))
    for day in sorted({day for _, day in made}):
        await session.exec(
            update(Conversation)
            .where(
                among(col(Conversation.couple_id), [c for c, d in made if d == day]),
                col(Conversation.closed_at).is_(None),
                col(Conversation.day) < day,
            )
            .values(closed_at=now)
        )
    return made


def _new_conversations(listed: FromClause, dialect: str) -> Any:
    """INSERT the listed conversations, a couple-day only once, RETURNING those made as
    `Conversation`s (the ORM fills them from the returned rows: no second query)."""
    table = SQLModel.metadata.tables["conversation"]
    statement = insert_from(table, listed, dialect=dialect).on_conflict_do_nothing()
    return select(Conversation).from_statement(statement.returning(*table.c))


async def _depths(
    session: AsyncSession,
    missing: Mapping[tuple[int, str], tuple[Couple, str]],
    *,
    now: datetime,
) -> dict[tuple[int, str], int | None]:
    """The depth each new conversation takes: `bot.core.depth.curiosity_depth` for curiosity,
    from the curiosity conversations of its week already made (one query for the batch)."""
    curious = sorted(key for key, (_, kind) in missing.items() if kind == "curiosity")
    depths: dict[tuple[int, str], int | None] = dict.fromkeys(missing)
    if not curious:
        return depths
    days = [date.fromisoformat(day) for _, day in curious]
    first = min(days) - timedelta(days=min(days).weekday())
    last = max(days) + timedelta(days=6 - max(days).weekday())
    made = await session.exec(
        select(Conversation.couple_id, Conversation.day, Conversation.depth).where(
            among(col(Conversation.couple_id), {c for c, _ in curious}),
            Conversation.kind == "curiosity",
            col(Conversation.day) >= first.isoformat(),
            col(Conversation.day) <= last.isoformat(),
        )
    )
    weeks: dict[tuple[int, tuple[int, int]], Counter[int]] = {}
    for couple_id, day, depth in made.all():
        weeks.setdefault((couple_id, week_of(day)), Counter())[depth or 1] += 1
    for couple_id, day in curious:  # by day: a couple's later day counts its earlier one
        week = weeks.setdefault((couple_id, week_of(day)), Counter())
        depth = curiosity_depth(missing[(couple_id, day)][0], week, now=now)
        depths[(couple_id, day)] = depth
        week[depth] += 1
    return depths


async def _load(
    session: AsyncSession, keys: list[tuple[int, str]]
) -> dict[tuple[int, str], Conversation]:
    # The couples' conversations of the batch's days (one or two), kept for the keys wanted:
    # two lists the indexes probe, where a list of pairs would be a condition per pair.
    wanted = set(keys)
    result = await session.exec(
        select(Conversation).where(
            among(col(Conversation.couple_id), {couple_id for couple_id, _ in wanted}),
            among(col(Conversation.day), {day for _, day in wanted}),
        )
    )
    return {(c.couple_id, c.day): c for c in result.all() if (c.couple_id, c.day) in wanted}


async def new_conversation_for_day(
    session: AsyncSession,
    library: Library,
    *,
    couple: Couple,
    day: date,
    kind: str,
    now: datetime,
) -> Conversation:
    """The couple's conversation for a couple-day that had none when the caller looked (see
    `conversations_for_days`); one another unit of work made meanwhile is the one returned."""
    assert couple.id is not None
    key = (couple.id, day.isoformat())
    made = await _make(session, library, {key: (couple, kind)}, now=now)
    if key not in made:
        raise LookupError(f"no {kind} prompt for {key} in content/")
    return made[key]
