"""Choosing a prompt: the least used of its kind and depth, so none repeats before all were.

Each rule here takes a batch (the tick chooses for hundreds of couples at once) and serves one
row as a batch of one (`choose`, `prompt_for_day`), so both take the very same choice."""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from collections.abc import Mapping
from typing import NamedTuple

from sqlalchemy import func, tuple_
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.core.models import Conversation, PromptUse
from bot.core.ports import Library, Prompt
from bot.core.sql import insert


class Use(NamedTuple):
    """Which prompt is wanted: a couple's prompt of a kind for a day."""

    couple_id: int
    kind: str
    day: str


class Want(NamedTuple):
    """What the prompt must fit: its depth (curiosity), whether the couple is apart (True,
    False, or None for any), and one not to pick again (a skipped one)."""

    depth: int | None = None
    apart: bool | None = None
    avoid: str | None = None


async def choose_many(
    session: AsyncSession, library: Library, wanted: Mapping[Use, Want]
) -> dict[Use, Prompt]:
    """For each use, the prompt of the kind the couple has used least, picked reproducibly for
    the day, with one counting query per kind. A use with no prompt to fit is left out."""
    chosen: dict[Use, Prompt] = {}
    by_kind: dict[str, list[Use]] = defaultdict(list)
    for use in wanted:
        by_kind[use.kind].append(use)
    for kind, uses in by_kind.items():
        used: Counter[tuple[int, str]] = Counter()
        result = await session.exec(
            select(col(PromptUse.couple_id), col(PromptUse.prompt_id), func.count())
            .where(
                col(PromptUse.kind) == kind,
                col(PromptUse.couple_id).in_({use.couple_id for use in uses}),
            )
            .group_by(col(PromptUse.couple_id), col(PromptUse.prompt_id))
        )
        for couple_id, prompt_id, number in result.all():
            used[(couple_id, prompt_id)] = number
        for use in uses:
            depth, apart, avoid = wanted[use]
            pool = library.of(kind, depth, apart=apart)
            if not pool:
                continue
            candidates = [p for p in pool if p.id != avoid] or pool
            fewest = min(used[(use.couple_id, p.id)] for p in candidates)
            candidates = [p for p in candidates if used[(use.couple_id, p.id)] == fewest]
            seed = f"{use.couple_id}:{kind}:{use.day}:{avoid}"
            chosen[use] = random.Random(seed).choice(candidates)  # noqa: S311
    return chosen


async def choose(
    session: AsyncSession,
    library: Library,
    *,
    couple_id: int,
    kind: str,
    depth: int | None,
    day: str,
    avoid: str | None = None,
) -> Prompt:
    """A prompt of the kind the couple has used least, picked reproducibly for the day."""
    use = Use(couple_id, kind, day)
    chosen = await choose_many(session, library, {use: Want(depth, None, avoid)})
    if use not in chosen:
        raise LookupError(f"no {kind} prompts at depth {depth} in content/")
    return chosen[use]


async def prompts_for_days(
    session: AsyncSession, library: Library, wanted: Mapping[Use, Want]
) -> dict[Use, Prompt]:
    """Each couple's prompt of a kind for a day: chosen once (the first time it is wanted) and
    recorded, the same for both partners. A recorded prompt no longer in content/ is chosen
    anew. A use with no prompt to fit is left out."""
    if not wanted:
        return {}
    result = await session.exec(
        select(
            col(PromptUse.couple_id),
            col(PromptUse.kind),
            col(PromptUse.day),
            col(PromptUse.prompt_id),
        ).where(
            tuple_(col(PromptUse.couple_id), col(PromptUse.kind), col(PromptUse.day)).in_(
                list(wanted)
            )
        )
    )
    found: dict[Use, Prompt] = {}
    for couple_id, kind, day, prompt_id in result.all():
        prompt = library.get(prompt_id)
        if prompt is not None:
            found[Use(couple_id, kind, day)] = prompt
    fresh = await choose_many(
        session, library, {use: want for use, want in wanted.items() if use not in found}
    )
    await record_uses(session, {use: prompt.id for use, prompt in fresh.items()})
    return found | fresh


async def prompt_for_day(
    session: AsyncSession,
    library: Library,
    *,
    couple_id: int,
    kind: str,
    depth: int | None,
    day: str,
) -> Prompt:
    """The couple's prompt of this kind for the day: chosen once, the same for both partners."""
    use = Use(couple_id, kind, day)
    found = await prompts_for_days(session, library, {use: Want(depth)})
    if use not in found:
        raise LookupError(f"no {kind} prompts at depth {depth} in content/")
    return found[use]


async def record_uses(session: AsyncSession, uses: Mapping[Use, str]) -> None:
    """Remember each day's prompt (replacing a skipped one), in one statement."""
    if not uses:
        return
    statement = insert(session, PromptUse)
    await session.exec(
        statement.on_conflict_do_update(
            index_elements=["couple_id", "kind", "day"],
            set_={"prompt_id": statement.excluded.prompt_id},
        ),
        params=[
            {"couple_id": use.couple_id, "kind": use.kind, "day": use.day, "prompt_id": prompt_id}
            for use, prompt_id in uses.items()
        ],
    )


async def record_use(
    session: AsyncSession, *, couple_id: int, kind: str, day: str, prompt_id: str
) -> None:
    """Remember the day's prompt (replacing a skipped one)."""
    await record_uses(session, {Use(couple_id, kind, day): prompt_id})


def texts_as_sent(library: Library, prompt_id: str) -> dict[str, str]:
    """The prompt's text in every language the library has (language -> text): what a
    conversation stores when it is made or its prompt is swapped."""
    found = {lang: library.text(prompt_id, lang) for lang in library.languages}
    return {lang: text for lang, text in found.items() if text is not None}


def question_of(library: Library, conversation: Conversation, *, lang: str | None) -> str | None:
    """The question a conversation asked, in the reader's language `lang`: as stored when it was
    sent, else as the library has it now, else as stored in English; None when nothing knows it
    (the caller says "tonight's question")."""
    stored = conversation.prompt_text or {}
    reader = lang or "en"
    return (
        stored.get(reader)
        or library.text(conversation.prompt_id, reader)
        or stored.get("en")
        or next(iter(stored.values()), None)
    )
