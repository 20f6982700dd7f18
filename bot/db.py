"""The database: engine, one unit of work per event, and migrations applied at start.

SQLite (the default) runs in WAL mode with foreign keys on, and every unit of work takes the
write lock up front (`BEGIN IMMEDIATE`), so "read, then decide, then write" never races another
writer. PostgreSQL relies on row locks and conditional updates instead.
"""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
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

    async def dispose(self) -> None:
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
