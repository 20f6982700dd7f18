"""Columns that hold a partner's words, and the one thing the core needs from encryption at
rest: a `Sealer` that turns a text into what is stored and back. `bot/crypto.py` provides it
(Fernet when ENCRYPTION_KEY is set, the text as written otherwise) and installs it with
`use_sealer`; the core never sees a key or a cipher.

A stored value the sealer cannot open reads as `UNREADABLE` (a JSON value as None) and is
logged without its contents: it costs only itself, never the query it came in.
"""

from __future__ import annotations

import json
import logging
from typing import Any, Protocol

from sqlalchemy import Text
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

log = logging.getLogger(__name__)

UNREADABLE = "🔒 …"


class Unreadable(Exception):
    """A stored value the sealer in use cannot open (a wrong or missing key, a damaged row)."""


class Sealer(Protocol):
    def seal(self, text: str) -> str:
        """What is stored for a text."""
        ...

    def open(self, stored: str) -> str:
        """The text a stored value was sealed from; raises `Unreadable`."""
        ...


_sealer: Sealer | None = None


def use_sealer(sealer: Sealer) -> None:
    """Install how secret columns are sealed at rest, for the whole process."""
    global _sealer  # noqa: PLW0603 - one sealer per process, like the engine
    _sealer = sealer


def _current() -> Sealer:
    if _sealer is None:
        raise RuntimeError("no sealer is installed for secret columns: import bot.crypto")
    return _sealer


def _open(stored: str) -> str | None:
    try:
        return _current().open(stored)
    except Unreadable:
        log.error("a stored value could not be read with ENCRYPTION_KEY")
        return None


class SecretText(TypeDecorator[str]):
    """A partner's free text: sealed at rest."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: Dialect) -> str | None:
        return None if value is None else _current().seal(value)

    def process_result_value(self, value: str | None, dialect: Dialect) -> str | None:
        if value is None:
            return None
        text = _open(value)
        return UNREADABLE if text is None else text


class SecretJSON(TypeDecorator[Any]):
    """JSON that may carry a partner's words (an outbox payload, a caption)."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> str | None:
        return None if value is None else _current().seal(json.dumps(value, ensure_ascii=False))

    def process_result_value(self, value: str | None, dialect: Dialect) -> Any:
        """The JSON value, or None for one that cannot be read (its reader decides what that
        means: the outbox marks such a delivery failed)."""
        if value is None:
            return None
        text = _open(value)
        return None if text is None else json.loads(text)
