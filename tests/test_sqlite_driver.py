"""The SQLite driver's cursor (bot/sqlite_driver.py): one hand-off to aiosqlite's thread per
statement, and everything SQLAlchemy reads of a cursor as aiosqlite's own gives it."""

from __future__ import annotations

import sqlite3
from typing import Any

import pytest
from sqlalchemy import event, func, insert, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select

from bot import sqlite_driver
from bot.core.models import Member
from bot.db import Database
from tests.helpers.service import START

# SQLite only: the driver is SQLite's (the `db` fixture, on the SQLite backend alone).
pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


def _member(number: int) -> dict[str, Any]:
    return {
        "channel": "test",
        "user_id": f"u{number}",
        "chat_id": f"c{number}",
        "display_name": f"Member {number}",
        "created_at": START,
    }


@pytest.fixture
def handed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """What is handed over to aiosqlite's thread, by name, from now on."""
    names: list[str] = []
    original: Any = sqlite_driver.Connection._execute

    async def counted(self: Any, fn: Any, *args: Any, **kwargs: Any) -> Any:
        names.append(getattr(fn, "__name__", repr(fn)))
        return await original(self, fn, *args, **kwargs)

    monkeypatch.setattr(sqlite_driver.Connection, "_execute", counted)
    return names


async def test_a_unit_of_work_hands_each_statement_over_once(
    db: Database, handed: list[str]
) -> None:
    statements: list[str] = []

    def seen(*args: Any) -> None:
        statements.append(args[2])

    event.listen(db.engine.sync_engine, "before_cursor_execute", seen)
    async with db.session() as session:
        await session.exec(insert(Member).values(_member(1)))
        # The first statement took the write lock: another writer cannot begin.
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            sqlite3.connect(_file(db), timeout=0).execute("BEGIN IMMEDIATE")
        await session.exec(select(Member).where(col(Member.user_id) == "u1"))
        await session.exec(update(Member).values(display_name="Alex"))
    # The three statements one hand-off each (aiosqlite's own cursor took four: make, execute,
    # fetch, close), BEGIN IMMEDIATE in the first one's; then the COMMIT. The pool's reset on
    # return finds no transaction open and hands nothing over.
    assert len(statements) == 3, statements
    assert handed == ["_execute"] * 3 + ["commit"], handed


async def test_a_unit_of_work_that_runs_nothing_hands_nothing_over(
    db: Database, handed: list[str]
) -> None:
    async with db.engine.begin():
        pass
    assert handed == [], handed
    # And the next one begins as every one does.
    async with db.session() as session:
        await session.exec(insert(Member).values(_member(1)))
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            sqlite3.connect(_file(db), timeout=0).execute("BEGIN IMMEDIATE")
    assert handed == ["_execute", "commit"], handed


def _file(db: Database) -> str:
    database = db.engine.url.database
    assert database is not None
    return database


async def test_a_unit_of_work_that_fails_is_rolled_back(db: Database, handed: list[str]) -> None:

    async def fails_halfway() -> None:
        async with db.session() as session:
            await session.exec(insert(Member).values(_member(1)))
            raise RuntimeError("the update failed halfway")

    with pytest.raises(RuntimeError):
        await fails_halfway()
    assert handed == ["_execute", "rollback"], handed
    async with db.session() as session:
        left = (await session.exec(select(func.count()).select_from(Member))).one()
    assert left == 0


async def test_rows_counts_ids_and_errors_read_as_from_aiosqlite(db: Database) -> None:
    async with db.session() as session:
        inserted = await session.exec(insert(Member).values(_member(1)))
        assert inserted.lastrowid == 1
        # Several rows at once (executemany, no RETURNING), then RETURNING.
        await session.exec(insert(Member), params=[_member(n) for n in (2, 3, 4)])
        returned = await session.exec(
            insert(Member).values(_member(5)).returning(col(Member.id), col(Member.user_id))
        )
        assert returned.all() == [(5, "u5")]
        changed = await session.exec(
            update(Member).where(col(Member.id) > 2).values(display_name="Sam")
        )
        assert changed.rowcount == 3
        names = await session.exec(select(Member.display_name).order_by(col(Member.id)))
        assert names.all() == ["Member 1", "Member 2", "Sam", "Sam", "Sam"]
        # A statement with no rows, one at a time, and a result read in parts.
        assert (await session.exec(select(Member).where(col(Member.id) == 99))).first() is None
        parts = await session.exec(select(Member.id, Member.user_id).order_by(col(Member.id)))
        assert parts.fetchmany(2) == [(1, "u1"), (2, "u2")]
        assert parts.fetchone() == (3, "u3")
        assert parts.fetchall() == [(4, "u4"), (5, "u5")]

    with pytest.raises(IntegrityError):  # the same user twice on a channel
        async with db.session() as session:
            await session.exec(insert(Member).values(_member(1)))
    async with db.session() as session:  # rolled back; the connection goes on
        count = (await session.exec(select(func.count()).select_from(Member))).one()
        assert count == 5
