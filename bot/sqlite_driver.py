"""aiosqlite with one thread hand-off per statement.

aiosqlite runs each SQLite connection in a thread of its own and hands every call over to it:
through SQLAlchemy's adapter a statement took four hand-offs (make a cursor, execute, fetch
the rows, close the cursor), each a queue put, a wake-up of the thread, a wake-up of the event
loop and a pass of the GIL back and forth, several times the CPU of running a short statement.
Here a cursor does all four in the connection's thread in one call and keeps the rows, so
fetching and closing cost nothing more. A transaction's BEGIN goes over with its first
statement, and a commit or rollback with no transaction open (the pool's reset of a connection
whose unit of work committed) is not handed over at all: a unit of work of n statements takes
n + 1 hand-offs (it took n + 3). It is still aiosqlite (its connection, its thread,
its queue): only `cursor()` is different, and SQLAlchemy's aiosqlite dialect drives it as it
drives aiosqlite's own (`Database` passes it as the engine's `async_creator`).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Awaitable, Callable, Generator, Iterable, Sequence
from threading import Thread
from typing import Any

import aiosqlite
from sqlalchemy.engine import make_url

# What one execution leaves behind: description, rows, rowcount, lastrowid.
_Done = tuple[Any, list[Any], int, int | None]


def connector(url: str, connect_args: dict[str, Any]) -> Callable[[], Awaitable[Any]]:
    """The engine's `async_creator` for a `sqlite+aiosqlite` URL: connects as the dialect would
    (the URL's file or `:memory:`, its query options, then `connect_args`), with this module's
    cursor."""
    parsed = make_url(url)
    args, options = parsed.get_dialect()().create_connect_args(parsed)
    options = {**options, **connect_args}

    def open_file() -> sqlite3.Connection:
        return sqlite3.connect(*args, **options)  # type: ignore[call-overload,no-any-return]

    async def connect() -> aiosqlite.Connection:
        connection = Connection(open_file, 64)
        # As SQLAlchemy does for aiosqlite's own: its thread must not keep the process alive.
        thread = connection if isinstance(connection, Thread) else connection._thread
        thread.daemon = True
        return await connection

    return connect


class Connection(aiosqlite.Connection):
    """aiosqlite's connection, with a cursor that runs a statement in one hand-off."""

    _begin: str | None = None  # a BEGIN to run before the next statement, in its hand-off

    def cursor(self) -> Cursor:  # type: ignore[override]
        return Cursor(self)

    def begin_with_next(self, sql: str) -> None:
        """Open the transaction (`sql`: "BEGIN IMMEDIATE") in the hand-off of the statement that
        follows, not in one of its own: the lock is taken when it is first needed, and a
        transaction that runs nothing opens nothing."""
        self._begin = sql

    def _take_begin(self) -> str | None:
        begin, self._begin = self._begin, None
        return begin

    async def commit(self) -> None:
        """As `rollback`: handed over only when a transaction is open."""
        self._begin = None
        if self._conn.in_transaction:
            await super().commit()

    async def rollback(self) -> None:
        """Hand a rollback over only when a transaction is open. The pool rolls back every
        connection it takes back (its reset on return), after a unit of work's COMMIT too:
        a hand-off that did nothing. Whether one is open is SQLite's own flag, read here while
        the connection is idle (SQLAlchemy awaits each call on it before the next)."""
        self._begin = None
        if self._conn.in_transaction:
            await super().rollback()


class Cursor:
    """What SQLAlchemy's adapter uses of an aiosqlite cursor: awaited or entered to make it,
    `execute`/`executemany`, then `description`, `rowcount`, `lastrowid`, the fetches and
    `close`. Executing runs, fetches every row and closes the sqlite3 cursor in the thread."""

    arraysize = 1

    def __init__(self, connection: Connection) -> None:
        self._connection = connection
        self.description: Any = None
        self.rowcount = -1
        self.lastrowid: int | None = None
        self._rows: list[Any] = []

    def __await__(self) -> Generator[Any, None, Cursor]:
        return self._made().__await__()

    async def _made(self) -> Cursor:
        return self

    async def __aenter__(self) -> Cursor:
        return self

    async def __aexit__(self, *_: object) -> None:
        self._rows = []

    async def execute(self, sql: str, parameters: Sequence[Any] | None = None) -> Cursor:
        run = self._connection._execute  # aiosqlite's own hand-off (untyped)
        begin = self._connection._take_begin()
        done: _Done = await run(_execute, self._connection, begin, sql, parameters)  # type: ignore[no-untyped-call]
        self._keep(done)
        return self

    async def executemany(self, sql: str, parameters: Iterable[Sequence[Any]]) -> Cursor:
        run = self._connection._execute
        begin = self._connection._take_begin()
        done: _Done = await run(_execute_many, self._connection, begin, sql, parameters)  # type: ignore[no-untyped-call]
        self._keep(done)
        return self

    def _keep(self, done: _Done) -> None:
        self.description, self._rows, self.rowcount, self.lastrowid = done

    async def fetchall(self) -> list[Any]:
        rows, self._rows = self._rows, []
        return rows

    async def fetchmany(self, size: int | None = None) -> list[Any]:
        size = size or self.arraysize
        rows, self._rows = self._rows[:size], self._rows[size:]
        return rows

    async def fetchone(self) -> Any:
        return self._rows.pop(0) if self._rows else None

    async def close(self) -> None:
        self._rows = []


def _execute(
    connection: Connection, begin: str | None, sql: str, parameters: Sequence[Any] | None
) -> _Done:
    if begin is not None:  # in the connection's thread, as everything below
        connection._conn.execute(begin)
    cursor = connection._conn.cursor()
    try:
        cursor.execute(sql, () if parameters is None else parameters)
        rows = cursor.fetchall() if cursor.description else []
        return cursor.description, rows, cursor.rowcount, cursor.lastrowid
    finally:
        cursor.close()


def _execute_many(
    connection: Connection, begin: str | None, sql: str, parameters: Iterable[Sequence[Any]]
) -> _Done:
    if begin is not None:
        connection._conn.execute(begin)
    cursor = connection._conn.cursor()
    try:
        cursor.executemany(sql, parameters)
        rows = cursor.fetchall() if cursor.description else []
        return cursor.description, rows, cursor.rowcount, cursor.lastrowid
    finally:
        cursor.close()
