"""Small SQL helpers shared by features."""

from __future__ import annotations

from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel.ext.asyncio.session import AsyncSession


def insert(session: AsyncSession, table: Any) -> Any:
    """The dialect's INSERT, which knows ON CONFLICT (SQLite and PostgreSQL spell it alike)."""
    dialect = session.bind.dialect.name if session.bind is not None else "sqlite"
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)


def is_postgres(session: AsyncSession) -> bool:
    return session.bind is not None and session.bind.dialect.name == "postgresql"


MAX_ID = 2**63 - 1


def row_id(text: str) -> int | None:
    """A primary key from button data, or None. Only ASCII digits (`"²".isdigit()` is true)
    and only values a database integer can hold."""
    if not text or len(text) > 19 or not (text.isascii() and text.isdigit()):
        return None
    value = int(text)
    return value if value <= MAX_ID else None


def small_number(text: str) -> int | None:
    """A short ASCII number someone typed (days, hours), or None."""
    if not text or len(text) > 6 or not (text.isascii() and text.isdigit()):
        return None
    return int(text)
