"""Leases: something only one process may do at a time (hold a chat platform's single gateway
connection for one token), held by one holder until it expires, renewed while the holder lives.

Taking and renewing are one conditional statement, on SQLite and PostgreSQL alike: insert the
lease if there is none, else take it over only if it expired or is already ours. One row changed
means we hold it; none, that another live holder does.
"""

from __future__ import annotations

import os
import secrets
import socket
from datetime import datetime, timedelta

from sqlalchemy import delete

from bot.core.models import Lease
from bot.core.sql import dialect_insert
from bot.db import Database

HOLDER_LENGTH = 64


def holder_id() -> str:
    """This process, unique among all (host, pid, and a random part for a reused pid)."""
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{secrets.token_hex(4)}"[:HOLDER_LENGTH]


async def take(db: Database, name: str, holder: str, now: datetime, ttl: timedelta) -> bool:
    """Take or renew the lease `name` for `holder` until now + ttl; True if it is ours."""
    table = Lease.__table__  # type: ignore[attr-defined]
    insert = dialect_insert(db.dialect, table)
    statement = insert.values(name=name, holder=holder, expires_at=now + ttl)
    statement = statement.on_conflict_do_update(
        index_elements=[table.c.name],
        set_={"holder": statement.excluded.holder, "expires_at": statement.excluded.expires_at},
        where=(table.c.expires_at <= now) | (table.c.holder == holder),
    )
    async with db.session() as session:
        connection = await session.connection()
        changed = await connection.execute(statement)
    return changed.rowcount == 1


async def release(db: Database, name: str, holder: str) -> None:
    """Give the lease up now, if it is still ours."""
    table = Lease.__table__  # type: ignore[attr-defined]
    async with db.session() as session:
        connection = await session.connection()
        await connection.execute(
            delete(table).where(table.c.name == name, table.c.holder == holder)
        )
