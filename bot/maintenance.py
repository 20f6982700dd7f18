"""Operator commands: `backup`, `new-key`, `rotate-key`."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlalchemy import bindparam, select, update
from sqlalchemy.engine import make_url
from sqlmodel import SQLModel

from bot import crypto
from bot.db import Database
from bot.files import private_sqlite

# Every column that holds a partner's words (see bot/crypto.py).
SECRET_COLUMNS = (
    ("answer", "text"),
    ("answer", "media"),
    ("appreciation", "text"),
    ("goal", "text"),
    ("win", "text"),
    ("delivery", "payload"),
)
BATCH = 500


def sqlite_path(url: str) -> Path | None:
    parsed = make_url(url)
    if (
        parsed.get_backend_name() != "sqlite"
        or not parsed.database
        or parsed.database == ":memory:"
    ):
        return None
    return Path(parsed.database)


def backup(url: str, target: Path) -> str:
    """A consistent copy of a SQLite database, safe while the bot runs (SQLite's online
    backup API copies page by page and restarts if a writer changes a page it copied)."""
    source = sqlite_path(url)
    if source is None:
        raise ValueError(
            "backup copies SQLite databases. For PostgreSQL use its own tools, e.g. "
            '`pg_dump --format=custom --file=rekindle.dump "$DATABASE_URL"` '
            "(without the +asyncpg part of the URL)."
        )
    if not source.exists():
        raise ValueError(f"there is no database at {source}")
    target.parent.mkdir(parents=True, exist_ok=True)
    private_sqlite(target)  # the copy holds everything the database does: owner only
    reader = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    writer = sqlite3.connect(target)
    try:
        with writer:
            reader.backup(writer, pages=1024)
    finally:
        writer.close()
        reader.close()
    return f"Backed up {source} to {target} ({target.stat().st_size:,} bytes)."


async def rotate_key(db: Database) -> int:
    """Re-encrypt every stored partner text with the first key of ENCRYPTION_KEY (texts written
    before a key was set are encrypted now). Returns how many values were rewritten."""
    if not crypto.active():
        raise ValueError("set ENCRYPTION_KEY first (the new key first, then the old ones)")
    rewritten = 0
    for table_name, column_name in SECRET_COLUMNS:
        table = SQLModel.metadata.tables[table_name]
        column = table.c[column_name]
        last_id = 0
        while True:
            async with db.session() as session:
                connection = await session.connection()
                rows = (
                    await connection.execute(
                        select(table.c.id, column)
                        .where(table.c.id > last_id, column.is_not(None))
                        .order_by(table.c.id)
                        .limit(BATCH)
                    )
                ).all()
                if not rows:
                    break
                await connection.execute(
                    update(table)
                    .where(table.c.id == bindparam("row_id"))
                    .values({column_name: bindparam("value")}),
                    [{"row_id": row_id, "value": value} for row_id, value in rows],
                )
            rewritten += len(rows)
            last_id = rows[-1][0]
    return rewritten
