"""Operator commands: `backup`, `new-key`, `rotate-key`; and the start-up check that the keys
given can read what is stored."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlalchemy import Integer, TableClause, Text, bindparam, column, select, table, update
from sqlalchemy.engine import make_url

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


def _raw(table_name: str, column_name: str) -> TableClause:
    """A secret column as stored (ciphertext, escaped text), without the model's processors."""
    return table(table_name, column("id", Integer), column(column_name, Text))


async def rotate_key(db: Database) -> int:
    """Re-encrypt every stored partner text with the first key of ENCRYPTION_KEY (texts written
    before a key was set are encrypted now). Returns how many values were rewritten. A value no
    key given can read is left exactly as it is, and counted in the error raised at the end."""
    if not crypto.active():
        raise ValueError("set ENCRYPTION_KEY first (the new key first, then the old ones)")
    rewritten = unreadable = 0
    for table_name, column_name in SECRET_COLUMNS:
        raw = _raw(table_name, column_name)
        stored = raw.c[column_name]
        last_id = 0
        while True:
            async with db.session() as session:
                connection = await session.connection()
                rows = (
                    await connection.execute(
                        select(raw.c.id, stored)
                        .where(raw.c.id > last_id, stored.is_not(None))
                        .order_by(raw.c.id)
                        .limit(BATCH)
                    )
                ).all()
                if not rows:
                    break
                values = []
                for row_id, value in rows:
                    try:
                        values.append({"row_id": row_id, "value": crypto.seal(crypto.open_(value))})
                    except crypto.KeyError_:
                        unreadable += 1
                if values:
                    await connection.execute(
                        update(raw)
                        .where(raw.c.id == bindparam("row_id"))
                        .values({column_name: bindparam("value")}),
                        values,
                    )
            rewritten += len(values)
            last_id = rows[-1][0]
    if unreadable:
        raise crypto.KeyError_(
            f"{unreadable} stored value(s) could not be read with any key in ENCRYPTION_KEY "
            f"and were left as they are ({rewritten} re-encrypted): add the key they were "
            "written with after the new one and run rotate-key again"
        )
    return rewritten


async def unreadable_store(db: Database) -> str | None:
    """Why the stored partners' words cannot be read with the keys now in use, or None if they
    can. Checks the oldest and the newest encrypted value of every secret column: a database
    written with another key, or with a key while none is given now, fails here."""
    async with db.session() as session:
        connection = await session.connection()
        for table_name, column_name in SECRET_COLUMNS:
            raw = _raw(table_name, column_name)
            stored = raw.c[column_name]
            encrypted = select(stored).where(stored.like(f"{crypto.PREFIX}%")).limit(1)
            for order in (raw.c.id.asc(), raw.c.id.desc()):
                value = (await connection.execute(encrypted.order_by(order))).scalar()
                if value is None:
                    break  # nothing encrypted in this column
                try:
                    crypto.open_(value)
                except crypto.KeyError_:
                    return (
                        f"stored partners' words (table {table_name}) cannot be read with "
                        + ("the ENCRYPTION_KEY given" if crypto.active() else "no ENCRYPTION_KEY")
                        + ". Set ENCRYPTION_KEY to the key they were written with (several keys, "
                        "comma-separated, new first, are all tried); to change keys, run "
                        "`python -m bot rotate-key` with ENCRYPTION_KEY=<new>,<old>."
                    )
    return None
