"""The database: engine, one unit of work per event, and migrations applied at start.

SQLite (the default) runs in WAL mode with foreign keys on, and every unit of work takes the
write lock up front (`BEGIN IMMEDIATE`), so "read, then decide, then write" never races another
writer. PostgreSQL relies on row locks and conditional updates instead.
"""

from __future__ import annotations

import logging
import re
import sqlite3
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlmodel.ext.asyncio.session import AsyncSession

log = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).parent / "migrations"
SQLITE_BUSY_TIMEOUT_MS = 15_000
_MIGRATION_LOCK_ID = 0x7265_6B69  # "reki": serialises migrations of processes starting together


def alembic_config(url: str | None = None) -> Any:
    """An Alembic config pointing at the package's migrations."""
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    if url is not None:
        cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


class Database:
    """One engine and the sessions made from it."""

    def __init__(self, url: str, **engine_options: Any) -> None:
        self.url = url
        self.dialect = make_url(url).get_backend_name()
        if self.dialect == "sqlite":
            engine_options.setdefault("connect_args", {"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})
        else:
            engine_options.setdefault("pool_pre_ping", True)
        self.engine: AsyncEngine = create_async_engine(url, **engine_options)
        if self.dialect == "sqlite":
            _tune_sqlite(self.engine)
        self._sessions = async_sessionmaker(
            self.engine, class_=AsyncSession, expire_on_commit=False
        )
        self._file = _sqlite_file(url) if self.dialect == "sqlite" else None
        self._direct: sqlite3.Connection | None = None

    @property
    def is_postgres(self) -> bool:
        return self.dialect == "postgresql"

    @asynccontextmanager
    async def session(self) -> AsyncIterator[AsyncSession]:
        """One unit of work: committed when the block ends, rolled back if it raises."""
        async with self._sessions() as session, session.begin():
            yield session

    async def migrate(self) -> None:
        """Bring the schema to the newest migration (safe when several processes start at once).
        A database already at the newest migration is left alone without loading Alembic (it
        costs ~11 MB of memory and a fraction of a second on every start)."""
        if await self._at_head():
            log.info("database schema is up to date", extra={"dialect": self.dialect})
            return
        async with self.engine.begin() as conn:
            if self.is_postgres:
                await conn.execute(text(f"SELECT pg_advisory_xact_lock({_MIGRATION_LOCK_ID})"))
            await conn.run_sync(_upgrade)
        log.info("database schema is up to date", extra={"dialect": self.dialect})

    @contextmanager
    def write_now(self) -> Iterator[sqlite3.Connection | None]:
        """A write transaction on this process's own sqlite3 connection, begun only if the write
        lock is free this instant: yields None (nothing begun) when it is not, or when the
        database is not a SQLite file. Committed when the block ends, rolled back if it raises.

        For the hottest small writes: no thread hand-off and no ORM, so a unit of work costs
        tens of microseconds instead of milliseconds. The block must not await (the event loop
        waits for it, and nothing else may run inside the transaction); whoever gets None takes
        the ordinary path through `session()`, which waits for the lock in a worker thread.
        """
        connection = self._begin_now()
        if connection is None:
            yield None
            return
        try:
            yield connection
            connection.commit()
        except BaseException:
            connection.rollback()
            raise

    def _begin_now(self) -> sqlite3.Connection | None:
        if self._file is None:
            return None
        connection = self._direct or self._connect_direct(self._file)
        try:
            connection.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError:  # another writer holds the lock, here or elsewhere
            return None
        return connection

    def _connect_direct(self, file: str) -> sqlite3.Connection:
        # isolation_level=None: `write_now` says when a transaction begins and ends.
        # timeout=0: never wait for a lock on the event loop's thread. The file is already in
        # WAL mode (the engine's connections set it, and migrations ran before anything else).
        connection = sqlite3.connect(file, isolation_level=None, timeout=0)
        connection.execute("PRAGMA foreign_keys=ON")
        connection.execute("PRAGMA synchronous=NORMAL")
        self._direct = connection
        return connection

    async def dispose(self) -> None:
        if self._direct is not None:
            self._direct.close()
            self._direct = None
        await self.engine.dispose()

    async def _at_head(self) -> bool:
        try:
            async with self.engine.connect() as conn:
                current = (
                    await conn.execute(text("SELECT version_num FROM alembic_version"))
                ).all()
        except Exception:  # no table yet: a new database
            return False
        return [row[0] for row in current] == [head_revision()]


def head_revision() -> str:
    """The newest migration's revision id, read from the files without importing Alembic."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in (MIGRATIONS / "versions").glob("*.py"):
        source = path.read_text(encoding="utf-8")
        revision = re.search(r"^revision: str = ['\"](\w+)['\"]", source, re.MULTILINE)
        parent = re.search(r"^down_revision: str \| None = ['\"](\w+)['\"]", source, re.MULTILINE)
        if revision:
            revisions.add(revision.group(1))
        if parent:
            parents.add(parent.group(1))
    heads = revisions - parents
    if len(heads) != 1:
        raise RuntimeError(f"migrations should have one head, found {sorted(heads)}")
    return heads.pop()


def _sqlite_file(url: str) -> str | None:
    """The file a SQLite URL names, or None for an in-memory or URI-style database (a second
    connection would not see the same data, or might open it differently)."""
    parsed = make_url(url)
    file = parsed.database
    if not file or file == ":memory:" or file.startswith("file:") or parsed.query:
        return None
    return file


def _upgrade(connection: Connection) -> None:
    from alembic import command

    cfg = alembic_config()
    cfg.attributes["connection"] = connection
    command.upgrade(cfg, "head")


def _tune_sqlite(engine: AsyncEngine) -> None:
    """WAL, foreign keys, a busy timeout, and BEGIN IMMEDIATE for every transaction."""

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the driver, decide when a transaction begins (see "begin" below).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")
