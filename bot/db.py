"""The database: engine, one unit of work per event, and migrations applied at start.

SQLite (the default) runs in WAL mode with foreign keys on, and every unit of work takes the
write lock up front (`BEGIN IMMEDIATE`), so "read, then decide, then write" never races another
writer. Within the process, units of work take their turn in arrival order before they reach
SQLite: SQLite's own busy handler retries with growing sleeps, so a waiting connection could
miss every gap between another chat's back-to-back writes (a flooding chat would starve the
others). PostgreSQL relies on row locks and conditional updates instead.
"""

from __future__ import annotations

import asyncio
import logging
import os
import re
import sqlite3
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Column,
    Connection,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    event,
    inspect,
    text,
)
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncConnection,
    AsyncEngine,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import Session as OrmSession
from sqlmodel import Session as SyncSession
from sqlmodel.ext.asyncio.session import AsyncSession

from bot import crypto  # noqa: F401 - installs the sealer for the secret columns
from bot.files import private_sqlite
from bot.sqlite_driver import Connection as DriverConnection
from bot.sqlite_driver import connector

log = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).parent / "migrations"
SQLITE_BUSY_TIMEOUT_MS = 15_000
# How long a scrub after an erase waits for readers of older snapshots before it leaves the
# rest to the next scheduler beat.
SCRUB_WAIT_SECONDS = 1.0
# Set while a task holds its SQLite turn (see `Database.session`).
_HOLDING_TURN: ContextVar[bool] = ContextVar("holding_sqlite_turn", default=False)
_MIGRATION_LOCK_ID = 0x7265_6B69  # "reki": serialises migrations of processes starting together
# Alembic's own bookkeeping table, exactly as Alembic creates it.
_ALEMBIC_VERSION = Table(
    "alembic_version",
    MetaData(),
    Column("version_num", String(32), nullable=False),
    PrimaryKeyConstraint("version_num", name="alembic_version_pkc"),
)


def alembic_config(url: str | None = None) -> Any:
    """An Alembic config pointing at the package's migrations."""
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    if url is not None:
        cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


# A failing statement's error (and so its logged traceback) would carry its parameters:
# partners' words, before encryption when there is no key. Every engine leaves them out.
ENGINE_DEFAULTS: dict[str, Any] = {"hide_parameters": True}


class UnitOfWork(SyncSession):
    """A session that keeps every row it loaded or added for its whole (short) life.

    The ORM's identity map holds rows weakly: a couple read at the start of an update and not
    kept in a variable is read again by the next `session.get` (a statement, a thread hop and
    ORM work each time). Held here, a row is read once per unit of work (SQLAlchemy's "strong
    reference" recipe, Session Referencing Behavior)."""


@event.listens_for(UnitOfWork, "loaded_as_persistent")
@event.listens_for(UnitOfWork, "pending_to_persistent")
@event.listens_for(UnitOfWork, "detached_to_persistent")
@event.listens_for(UnitOfWork, "deleted_to_persistent")
def _keep(session: OrmSession, instance: object) -> None:
    session.info.setdefault("rows", {})[id(instance)] = instance


@event.listens_for(UnitOfWork, "persistent_to_detached")
@event.listens_for(UnitOfWork, "persistent_to_deleted")
@event.listens_for(UnitOfWork, "persistent_to_transient")
def _let_go(session: OrmSession, instance: object) -> None:
    session.info.get("rows", {}).pop(id(instance), None)


class Database:
    """One engine and the sessions made from it."""

    def __init__(self, url: str, **engine_options: Any) -> None:
        self.url = url
        self.dialect = make_url(url).get_backend_name()
        if self.dialect == "sqlite":
            engine_options.setdefault("connect_args", {"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})
            if make_url(url).get_driver_name() == "aiosqlite":  # one hand-off a statement
                connect_args = engine_options.pop("connect_args")
                engine_options.setdefault("async_creator", connector(url, connect_args))
        else:
            engine_options.setdefault("pool_pre_ping", True)
        self.engine: AsyncEngine = create_async_engine(url, **{**engine_options, **ENGINE_DEFAULTS})
        if self.dialect == "sqlite":
            _tune_sqlite(self.engine)
        self._sessions = async_sessionmaker(
            self.engine,
            class_=AsyncSession,
            sync_session_class=UnitOfWork,
            expire_on_commit=False,
        )
        self._file = _sqlite_file(url) if self.dialect == "sqlite" else None
        if self._file is not None:
            private_sqlite(Path(self._file))
        self._scrub_pending = False
        self._turns: tuple[asyncio.AbstractEventLoop, asyncio.Lock] | None = None

    @property
    def is_postgres(self) -> bool:
        return self.dialect == "postgresql"

    @asynccontextmanager
    async def session(self) -> AsyncIterator[AsyncSession]:
        """One unit of work: committed when the block ends, rolled back if it raises."""
        if self.dialect != "sqlite" or _HOLDING_TURN.get():
            # A unit of work opened inside another (a test reading back what it just did)
            # does not queue behind its own caller; SQLite's lock still keeps it correct.
            async with self._sessions() as session, session.begin():
                yield session
            return
        async with self._turn():
            holding = _HOLDING_TURN.set(True)
            try:
                async with self._sessions() as session, session.begin():
                    yield session
            finally:
                _HOLDING_TURN.reset(holding)

    def _turn(self) -> asyncio.Lock:
        """SQLite: the process's units of work, one at a time, first come first served (an
        asyncio lock is fair; SQLite's busy handler is not). One lock per event loop, so a
        Database outlives the loop it was first used in (tests, `asyncio.run` twice)."""
        loop = asyncio.get_running_loop()
        if self._turns is None or self._turns[0] is not loop:
            self._turns = (loop, asyncio.Lock())
        return self._turns[1]

    async def migrate(self) -> None:
        """Bring the schema to the newest migration (safe when several processes start at once).
        A new database gets the newest schema at once, and one already current is left alone,
        both without loading Alembic; only a database behind runs the migrations, here."""
        if await self._current_or_created():
            return
        async with self.engine.begin() as conn:
            await self._lock_migrations(conn)
            await conn.run_sync(_upgrade)
        log.info("database schema is up to date", extra={"dialect": self.dialect})

    async def start_migrating(self) -> Callable[[], Awaitable[None]]:
        """Like `migrate`, but a database behind is migrated by a child process (`python -m
        bot migrate`) while the caller goes on starting up; returns what waits for it to finish
        (it raises if the migration failed). Alembic and the migration scripts then never load
        into the long-running process (about 13 MB it would keep for its lifetime)."""
        if await self._current_or_created():
            return _nothing

        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            "migrate",
            env={**os.environ, "DATABASE_URL": self.url},  # not argv: `ps` would show it
            stdin=asyncio.subprocess.DEVNULL,
        )

        async def finished() -> None:
            status = await process.wait()
            if status != 0:
                raise RuntimeError(f"the database migration failed (exit status {status})")
            log.info("database schema is up to date", extra={"dialect": self.dialect})

        return finished

    async def _current_or_created(self) -> bool:
        """True if the schema is the newest without running a migration: it already was, or
        the database was empty and now holds the newest schema, made from the models and
        stamped with the newest migration (Alembic's recipe for a new database; a test checks
        that the migrations and the models describe the same schema). False if older
        migrations must run."""
        if await self._at_head():
            log.info("database schema is up to date", extra={"dialect": self.dialect})
            return True
        from sqlmodel import SQLModel

        import bot.core.models  # noqa: F401 - registers the tables on SQLModel.metadata

        async with self.engine.begin() as conn:
            await self._lock_migrations(conn)
            tables = await conn.run_sync(lambda sync: inspect(sync).get_table_names())
            if tables:  # not new after all: current now (another process won), or behind
                return await self._at_head(conn)
            await conn.run_sync(SQLModel.metadata.create_all)
            await conn.run_sync(_ALEMBIC_VERSION.create)
            await conn.execute(_ALEMBIC_VERSION.insert().values(version_num=head_revision()))
        log.info("new database created at the newest schema", extra={"dialect": self.dialect})
        return True

    async def _lock_migrations(self, conn: AsyncConnection) -> None:
        """Serialise schema changes of processes starting together. (SQLite: every transaction
        already begins by taking the write lock.)"""
        if self.is_postgres:
            await conn.execute(text(f"SELECT pg_advisory_xact_lock({_MIGRATION_LOCK_ID})"))

    async def scrub(self, **ids: int | None) -> bool:
        """After an erase is committed: leave no older copy of the erased words in the files.

        SQLite zeroes deleted content (`secure_delete`, set on every connection), but the
        write-ahead log still holds the pages as they were before; a checkpoint that truncates
        it moves the zeroed pages into the database file and empties the log. A reader of an
        older snapshot keeps the log from being emptied: then what can be copied is, it is
        logged (by ids only), and the next scheduler beat (`scrub_pending`) tries again.
        PostgreSQL reclaims the space of deleted rows with (auto)vacuum (see the README).
        Returns True when the files are clean."""
        if self._file is None:
            return True
        self._scrub_pending = True
        return await self.scrub_pending(**ids)

    async def scrub_pending(self, **ids: int | None) -> bool:
        """Finish a scrub an earlier erase could not: a no-op when none is pending."""
        if not self._scrub_pending or self._file is None:
            return True
        file = self._file
        try:
            busy = await asyncio.to_thread(_checkpoint_truncate, file)
        except sqlite3.Error as error:
            busy, reason = True, type(error).__name__
        else:
            reason = "a reader holds an older snapshot" if busy else ""
        if busy:
            log.warning(
                "WAL checkpoint after an erase could not finish; trying again on the next beat",
                extra={**ids, "reason": reason},
            )
            return False
        self._scrub_pending = False
        log.info("WAL checkpoint after an erase finished", extra=ids)
        return True

    async def dispose(self) -> None:
        await self.engine.dispose()

    async def _at_head(self, conn: AsyncConnection | None = None) -> bool:
        query = text("SELECT version_num FROM alembic_version")
        try:
            if conn is not None:
                async with conn.begin_nested():  # PostgreSQL: a failure must not end the outer
                    current = (await conn.execute(query)).all()
            else:
                async with self.engine.connect() as own:
                    current = (await own.execute(query)).all()
        except Exception:  # no table yet
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


async def _nothing() -> None:
    return None


def _sqlite_file(url: str) -> str | None:
    """The file a SQLite URL names, or None for an in-memory or URI-style database (a second
    connection would not see the same data, or might open it differently)."""
    parsed = make_url(url)
    file = parsed.database
    if not file or file == ":memory:" or file.startswith("file:") or parsed.query:
        return None
    return file


def _upgrade(connection: Connection, revision: str = "head") -> None:
    from alembic import command

    cfg = alembic_config()
    cfg.attributes["connection"] = connection
    command.upgrade(cfg, revision)


def _checkpoint_truncate(file: str) -> bool:
    """Copy the write-ahead log into the database file and truncate it; True if a reader or
    writer kept it from finishing within SCRUB_WAIT_SECONDS (it copies what it can anyway)."""
    connection = sqlite3.connect(file, isolation_level=None, timeout=SCRUB_WAIT_SECONDS)
    try:
        connection.execute("PRAGMA secure_delete=ON")
        row = connection.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    finally:
        connection.close()
    return row is None or row[0] != 0


def _tune_sqlite(engine: AsyncEngine) -> None:
    """WAL, foreign keys, secure delete, a busy timeout, and BEGIN IMMEDIATE for every
    transaction."""

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the driver, decide when a transaction begins (see "begin" below).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        # Deleted and overwritten content is zeroed, so erased words leave the file (with the
        # checkpoint in `Database.scrub` for the write-ahead log).
        cursor.execute("PRAGMA secure_delete=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(conn: Any) -> None:
        driver = conn.connection.driver_connection
        if isinstance(driver, DriverConnection):  # with the first statement's hand-off
            driver.begin_with_next("BEGIN IMMEDIATE")
        else:
            conn.exec_driver_sql("BEGIN IMMEDIATE")
