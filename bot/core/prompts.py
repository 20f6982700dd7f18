"""Choosing a prompt: the least used of its kind and depth, so none repeats before all were."""

from __future__ import annotations

import random
from collections import Counter

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.core.models import PromptUse
from bot.core.ports import Library, Prompt
from bot.core.sql import insert


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
    pool = library.of(kind, depth)
    if not pool:
        raise LookupError(f"no {kind} prompts at depth {depth} in content/")
    ids = [prompt.id for prompt in pool]
    used = Counter(
        (
            await session.exec(
                select(PromptUse.prompt_id).where(
                    PromptUse.couple_id == couple_id,
                    PromptUse.kind == kind,
                    col(PromptUse.prompt_id).in_(ids),
                )
            )
        ).all()
    )
    candidates = [p for p in pool if p.id != avoid] or pool
    fewest = min(used[p.id] for p in candidates)
    candidates = [p for p in candidates if used[p.id] == fewest]
    return random.Random(f"{couple_id}:{kind}:{day}:{avoid}").choice(candidates)  # noqa: S311


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
    existing = (
        await session.exec(
            select(PromptUse).where(
                PromptUse.couple_id == couple_id, PromptUse.kind == kind, PromptUse.day == day
            )
        )
    ).first()
    if existing is not None:
        prompt = library.get(existing.prompt_id)
        if prompt is not None:
            return prompt
    prompt = await choose(session, library, couple_id=couple_id, kind=kind, depth=depth, day=day)
    await record_use(session, couple_id=couple_id, kind=kind, day=day, prompt_id=prompt.id)
    return prompt


async def record_use(
    session: AsyncSession, *, couple_id: int, kind: str, day: str, prompt_id: str
) -> None:
    """Remember the day's prompt (replacing a skipped one)."""
    statement = insert(session, PromptUse).values(
        couple_id=couple_id, kind=kind, day=day, prompt_id=prompt_id
    )
    await session.exec(
        statement.on_conflict_do_update(
            index_elements=["couple_id", "kind", "day"], set_={"prompt_id": prompt_id}
        )
    )
