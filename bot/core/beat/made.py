"""What a composer makes (`Made`) and what it is (`Composer`: a gather for the batch, a compose
for each row), shared by the beat's composer modules (`compose.py`, `ideas.py`, `mornings.py`).
Composers take (row, library, what was gathered) positionally: the table calls them alike."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Generic, NamedTuple, TypeVar

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.core import words
from bot.core.beat.claim import Row
from bot.core.events import Button, Outgoing
from bot.core.ports import Library


def say(row: Row, sentence: str, /, **params: object) -> str:
    """A sentence of the catalog in the row member's language, filled in."""
    return words.translate(sentence, row.language).format(**params)


def out(row: Row, text: str, buttons: tuple[tuple[Button, ...], ...] = ()) -> Outgoing:
    """A message to the row's member, who reads it in their language."""
    return Outgoing(row.recipient(), text, buttons, lang=row.language)


class Made(NamedTuple):
    """A row's message, the conversation it opens (evening prompts), the kind of its delivery
    when it is not the row's rhythm, and the milestones of the couple it celebrates once
    (recorded with it, only if it is recorded)."""

    out: Outgoing
    conversation_id: int | None = None
    kind: str | None = None
    milestones: tuple[str, ...] = ()


Found = TypeVar("Found")
Gather = Callable[[AsyncSession, Library, list[Row], datetime], Awaitable[Found]]


@dataclass(frozen=True)
class Composer(Generic[Found]):
    gather: Gather[Found]
    compose: Callable[[Row, Library, Found], Made | None]
