"""Choosing a prompt: the least used of its kind and depth, so none repeats before all were.

"Used" counts the day's picks (`PromptUse`) and what a couple was shown besides (`PromptSeen`:
prompts swapped away, celebration lines). Among the least used, a pack the couple chose comes
first (the 36-question series in its order), and dates lean cheap and easy: a couple's first
dates are the cheapest and easiest there are, later ones are drawn with weights that favour
them, so the bigger ones come now and then.

Each rule here takes a batch (the tick chooses for hundreds of couples at once) and serves one
row as a batch of one (`choose`, `prompt_for_day`), so both take the very same choice."""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import FromClause, func, literal, union_all
from sqlmodel import SQLModel, col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.core.models import Conversation, PromptSeen, PromptUse
from bot.core.packs import SERIES, packs_on
from bot.core.ports import Library, Prompt
from bot.core.sql import among, insert_from, insert_rows

# How a date's cost and effort rank it: 0 is free and easy. A date's weight is halved per rank.
COST_RANK = {"free": 0, "low": 1, "high": 2}
EFFORT_RANK = {"easy": 0, "some": 1, "big": 2}
FIRST_DATES = 4  # a couple's first date ideas are the cheapest and easiest there are


class Use(NamedTuple):
    """Which prompt is wanted: a couple's prompt of a kind for a day."""

    couple_id: int
    kind: str
    day: str


class Want(NamedTuple):
    """What the prompt must fit: its depth (curiosity), whether the couple is apart (True,
    False, or None for any), one not to pick again (a skipped one), and for a celebration line
    its occasion (the pool it is drawn from)."""

    depth: int | None = None
    apart: bool | None = None
    avoid: str | None = None
    occasion: str | None = None


async def choose_many(
    session: AsyncSession, library: Library, wanted: Mapping[Use, Want]
) -> dict[Use, Prompt]:
    """For each use, the prompt of the kind the couple has used least, picked reproducibly for
    the day, with one counting query per kind and one for the packs on. A use with no prompt to
    fit is left out."""
    chosen: dict[Use, Prompt] = {}
    by_kind: dict[str, list[Use]] = defaultdict(list)
    for use in wanted:
        by_kind[use.kind].append(use)
    packs = await packs_on(session, {use.couple_id for use in wanted})
    pools: dict[tuple[object, ...], _Pool] = {}  # the batch's couples share a few pools
    for kind, uses in by_kind.items():
        used = await _used(session, kind, {use.couple_id for use in uses})
        for use in uses:
            times = used.get(use.couple_id, Counter())
            on = packs.get(use.couple_id, frozenset())
            prompt = _pick(library, use, want=wanted[use], times=times, packs=on, pools=pools)
            if prompt is not None:
                chosen[use] = prompt
    return chosen


async def _used(session: AsyncSession, kind: str, couple_ids: set[int]) -> dict[int, Counter[str]]:
    """How often each couple was given each prompt of the kind: picked for a day or seen."""
    picked = select(col(PromptUse.couple_id), col(PromptUse.prompt_id)).where(
        col(PromptUse.kind) == kind, among(col(PromptUse.couple_id), couple_ids)
    )
    seen = select(col(PromptSeen.couple_id), col(PromptSeen.prompt_id)).where(
        col(PromptSeen.kind) == kind, among(col(PromptSeen.couple_id), couple_ids)
    )
    both = union_all(picked, seen).subquery()
    result = await session.exec(
        select(both.c.couple_id, both.c.prompt_id, func.count(literal(1))).group_by(
            both.c.couple_id, both.c.prompt_id
        )
    )
    used: dict[int, Counter[str]] = defaultdict(Counter)
    for couple_id, prompt_id, number in result:
        used[couple_id][prompt_id] = number
    return used


def _pick(
    library: Library,
    use: Use,
    *,
    want: Want,
    times: Counter[str],
    packs: frozenset[str],
    pools: dict[tuple[object, ...], _Pool] | None = None,
) -> Prompt | None:
    """The one rule: the series' next question on a fresh pick, else the least used of the
    pool, a chosen pack's first, dates weighted toward cheap and easy; reproducible per day.
    `pools` keeps the pools already looked up (for a batch)."""
    depth, apart, avoid, occasion = want
    if use.kind == "curiosity" and SERIES in packs and avoid is None:
        for prompt in library.of_pack(SERIES):
            if prompt.kind == "curiosity" and not times[prompt.id]:
                return prompt  # the 36 questions, in order, one each curiosity evening
    key = (use.kind, depth, apart, packs - {SERIES}, occasion)
    pool = None if pools is None else pools.get(key)
    if pool is None:
        pool = _Pool.of(
            library.for_occasion(occasion)
            if occasion is not None
            else library.of(use.kind, depth, apart=apart, packs=sorted(packs - {SERIES}))
        )
        if pools is not None:
            pools[key] = pool
    if not pool.prompts:
        return None
    candidates = _least_used(pool, avoid=avoid, times=times)
    rng = random.Random(f"{use.couple_id}:{use.kind}:{use.day}:{avoid}")  # noqa: S311
    if use.kind != "date":
        return rng.choice(candidates)
    ranks = [_rank(p) for p in candidates]
    if sum(times.values()) < FIRST_DATES:
        cheapest = [p for p, rank in zip(candidates, ranks, strict=True) if rank == min(ranks)]
        return rng.choice(cheapest)
    return rng.choices(candidates, weights=[0.5**rank for rank in ranks])[0]


class _Pool(NamedTuple):
    """A pool of prompts in its order, their ids, and those of a pack among them."""

    prompts: list[Prompt]
    ids: frozenset[str]
    packed: list[Prompt]

    @classmethod
    def of(cls, prompts: Iterable[Prompt]) -> _Pool:
        found = list(prompts)
        return cls(found, frozenset(p.id for p in found), [p for p in found if p.pack is not None])


def _least_used(pool: _Pool, *, avoid: str | None, times: Counter[str]) -> list[Prompt]:
    """The pool's prompts used the fewest times, in pool order, `avoid` left out unless it is
    the only one, and of those the ones of a pack if there are any. A couple has used few of a
    pool (`times` is small): the common cases take no count per prompt."""
    candidates, ids = pool.prompts, pool.ids
    if avoid in pool.ids and len(pool.ids) > 1:
        candidates, ids = [p for p in candidates if p.id != avoid], ids - {avoid}
    used = {prompt_id for prompt_id, n in times.items() if n > 0 and prompt_id in ids}
    if not used:  # none used yet: all tie at zero
        if candidates is pool.prompts:
            return pool.packed or candidates
    elif len(used) < len(ids):  # some never used: those tie at zero
        candidates = [p for p in candidates if p.id not in used]
    else:
        counts = [times[p.id] for p in candidates]
        fewest = min(counts)
        candidates = [p for p, n in zip(candidates, counts, strict=True) if n == fewest]
    return [p for p in candidates if p.pack is not None] or candidates


def _rank(date: Prompt) -> int:
    """0 for a free and easy date, up to 4 for a costly, big one."""
    return COST_RANK.get(date.cost or "", 0) + EFFORT_RANK.get(date.effort or "", 0)


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
    # The couples' picks of the batch's kinds and days (a few), kept for the uses wanted.
    result = await session.exec(
        select(
            col(PromptUse.couple_id),
            col(PromptUse.kind),
            col(PromptUse.day),
            col(PromptUse.prompt_id),
        ).where(
            among(col(PromptUse.couple_id), {use.couple_id for use in wanted}),
            among(col(PromptUse.kind), {use.kind for use in wanted}),
            among(col(PromptUse.day), {use.day for use in wanted}),
        )
    )
    found: dict[Use, Prompt] = {}
    for couple_id, kind, day, prompt_id in result.all():
        prompt = library.get(prompt_id)
        if prompt is not None and (use := Use(couple_id, kind, day)) in wanted:
            found[use] = prompt
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
    await insert_rows(
        session,
        SQLModel.metadata.tables["prompt_use"],
        [
            {"couple_id": use.couple_id, "kind": use.kind, "day": use.day, "prompt_id": prompt_id}
            for use, prompt_id in uses.items()
        ],
        build=_uses_replaced,
    )


def _uses_replaced(listed: FromClause, dialect: str) -> Any:
    statement = insert_from(SQLModel.metadata.tables["prompt_use"], listed, dialect=dialect)
    return statement.on_conflict_do_update(
        index_elements=["couple_id", "kind", "day"],
        set_={"prompt_id": statement.excluded.prompt_id},
    )


async def record_use(
    session: AsyncSession, *, couple_id: int, kind: str, day: str, prompt_id: str
) -> None:
    """Remember the day's prompt (replacing a skipped one)."""
    await record_uses(session, {Use(couple_id, kind, day): prompt_id})


async def record_seen(
    session: AsyncSession, seen: Mapping[tuple[int, str], str], *, now: datetime
) -> None:
    """Remember prompts shown besides the day's pick ((couple id, kind) → prompt id): a swapped
    one, a celebration line. They count as used when the next is chosen."""
    if not seen:
        return
    await insert_rows(
        session,
        SQLModel.metadata.tables["prompt_seen"],
        [
            {"couple_id": couple_id, "kind": kind, "prompt_id": prompt_id, "created_at": now}
            for (couple_id, kind), prompt_id in seen.items()
        ],
        build=_seen,
    )


def _seen(listed: FromClause, dialect: str) -> Any:
    return insert_from(SQLModel.metadata.tables["prompt_seen"], listed, dialect=dialect)


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
