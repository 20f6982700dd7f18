"""Storage: SQLite tuned as promised, migrations from empty, aware UTC datetimes."""

from __future__ import annotations

import asyncio
import sqlite3
import sys
from datetime import UTC, datetime
from pathlib import Path
from subprocess import PIPE

import pytest
from sqlalchemy import Connection, inspect, text
from sqlalchemy.engine import make_url
from sqlmodel import SQLModel, select

from bot.core.models import Member
from bot.db import Database, _upgrade, head_revision


async def test_migrations_from_empty_create_every_table_and_are_idempotent(db: Database) -> None:
    await db.migrate()  # a second start finds nothing to do
    async with db.engine.connect() as conn:
        tables = await conn.run_sync(lambda sync: set(inspect(sync).get_table_names()))
    assert {"member", "couple", "invite", "pair_failure", "delivery", "alembic_version"} <= tables


def schema(sync: Connection) -> dict[str, object]:
    """Everything about the tables that matters: columns, keys, indexes (partial ones too)."""
    inspector = inspect(sync)
    described: dict[str, object] = {}
    for table in sorted(inspector.get_table_names()):
        described[table] = {
            "columns": sorted(  # by name: the order columns were added in does not matter
                (c["name"], str(c["type"]), c["nullable"], c.get("default"))
                for c in inspector.get_columns(table)
            ),
            "primary key": inspector.get_pk_constraint(table)["constrained_columns"],
            "foreign keys": sorted(
                (
                    fk["constrained_columns"],
                    fk["referred_table"],
                    fk.get("options", {}).get("ondelete"),
                )
                for fk in inspector.get_foreign_keys(table)
            ),
            "indexes": sorted(
                (
                    i["name"],
                    i["column_names"],
                    i["unique"],
                    {k: " ".join(str(v).split()) for k, v in i.get("dialect_options", {}).items()},
                )
                for i in inspector.get_indexes(table)
            ),
            "unique": sorted(
                (u["name"], u["column_names"]) for u in inspector.get_unique_constraints(table)
            ),
        }
    return described


async def test_a_new_database_gets_exactly_the_schema_the_migrations_build(
    database_url: str, tmp_path: Path
) -> None:
    """A new database is made from the models and stamped with the newest migration (no
    Alembic at start); that must be the very schema that running every migration builds."""
    migrated = Database(database_url)
    async with migrated.engine.begin() as conn:
        await conn.run_sync(_upgrade)  # every migration, from empty

    def no_difference_to_the_models(sync: Connection) -> list[object]:
        from alembic.autogenerate import compare_metadata
        from alembic.migration import MigrationContext

        context = MigrationContext.configure(sync, opts={"compare_type": True})
        return list(compare_metadata(context, SQLModel.metadata))

    async with migrated.engine.connect() as conn:
        by_migrations = await conn.run_sync(schema)
        assert await conn.run_sync(no_difference_to_the_models) == []
    await migrated.dispose()

    if make_url(database_url).get_backend_name() == "sqlite":
        created = Database(f"sqlite+aiosqlite:///{tmp_path / 'created.db'}")
    else:  # the same database, emptied
        created = Database(database_url)
        async with created.engine.begin() as conn:
            await conn.execute(text("DROP SCHEMA public CASCADE"))
            await conn.execute(text("CREATE SCHEMA public"))
    await created.migrate()
    async with created.engine.connect() as conn:
        assert await conn.run_sync(schema) == by_migrations
        [(version,)] = (await conn.execute(text("SELECT version_num FROM alembic_version"))).all()
    await created.dispose()
    assert version == head_revision()


async def behind(url: str) -> Database:
    """A database at migration 0003, as an older Rekindle left it."""
    db = Database(url)
    async with db.engine.begin() as conn:
        await conn.run_sync(_upgrade, "0003")
    return db


async def test_a_database_behind_is_migrated_by_a_child_process(database_url: str) -> None:
    db = await behind(database_url)
    migrated = await db.start_migrating()  # `python -m bot migrate`, on SQLite and PostgreSQL
    await migrated()
    async with db.engine.connect() as conn:
        [(version,)] = (await conn.execute(text("SELECT version_num FROM alembic_version"))).all()
        columns = await conn.run_sync(lambda sync: inspect(sync).get_columns("delivery"))
    assert version == head_revision()
    assert "author_id" in {c["name"] for c in columns}  # what 0004 adds
    await db.dispose()


async def test_alembic_never_loads_into_the_bot_process(tmp_path: Path) -> None:
    """Neither a new database (made from the models) nor one behind (migrated by a child)."""
    old = await behind(f"sqlite+aiosqlite:///{tmp_path / 'old.db'}")
    await old.dispose()
    script = (
        "import asyncio, sys\n"
        "from bot.db import Database\n"
        "async def main(urls):\n"
        "    for url in urls:\n"
        "        db = Database(url)\n"
        "        for _ in range(2):  # the second time, the schema is current: nothing to do\n"
        "            await (await db.start_migrating())()\n"
        "        await db.dispose()\n"
        "    print('alembic' in sys.modules)\n"
        "asyncio.run(main(sys.argv[1:]))\n"
    )
    urls = [f"sqlite+aiosqlite:///{tmp_path / name}" for name in ("new.db", "old.db")]
    child = await asyncio.create_subprocess_exec(
        sys.executable, "-c", script, *urls, stdout=PIPE, stderr=PIPE
    )
    out, err = await asyncio.wait_for(child.communicate(), 60)
    assert child.returncode == 0, err.decode()
    assert out.decode().strip() == "False"
    for name in ("new.db", "old.db"):
        with sqlite3.connect(tmp_path / name) as connection:
            [(version,)] = connection.execute("SELECT version_num FROM alembic_version")
        assert version == head_revision()


async def test_a_failed_migration_stops_the_start(tmp_path: Path) -> None:
    db = await behind(f"sqlite+aiosqlite:///{tmp_path / 'odd.db'}")
    async with db.engine.begin() as conn:  # a revision this version of Rekindle never made
        await conn.execute(text("UPDATE alembic_version SET version_num = 'from_the_future'"))
    migrated = await db.start_migrating()
    with pytest.raises(RuntimeError, match="migration failed"):
        await migrated()
    await db.dispose()


async def test_sqlite_runs_in_wal_mode_with_foreign_keys(sqlite_url: str) -> None:
    db = Database(sqlite_url)
    await db.migrate()
    async with db.engine.connect() as conn:
        assert (await conn.execute(text("PRAGMA journal_mode"))).scalar() == "wal"
        assert (await conn.execute(text("PRAGMA foreign_keys"))).scalar() == 1
    await db.dispose()


async def test_datetimes_come_back_aware_in_utc(db: Database) -> None:
    moment = datetime(2026, 12, 1, 16, 0, tzinfo=UTC)
    async with db.session() as session:
        session.add(
            Member(channel="t", user_id="1", chat_id="1", display_name="A", created_at=moment)
        )
    async with db.session() as session:
        member = (await session.exec(select(Member))).one()
    assert member.created_at == moment
    assert member.created_at.utcoffset() is not None


async def test_a_failing_unit_of_work_leaves_nothing_behind(db: Database) -> None:
    moment = datetime(2026, 12, 1, 16, 0, tzinfo=UTC)
    try:
        async with db.session() as session:
            session.add(
                Member(channel="t", user_id="1", chat_id="1", display_name="A", created_at=moment)
            )
            await session.flush()
            raise RuntimeError("boom")
    except RuntimeError:
        pass
    async with db.session() as session:
        assert (await session.exec(select(Member))).all() == []


async def test_units_of_work_are_served_in_the_order_they_asked(sqlite_url: str) -> None:
    """SQLite: a chat writing back to back (a flood) must not starve another chat's unit of
    work. Waiters are served in arrival order, not whenever SQLite's busy handler wakes up
    (it sleeps longer and longer, and the writer that just finished gets straight back in)."""
    db = Database(sqlite_url)
    await db.migrate()
    order: list[str] = []
    holding = asyncio.Event()
    others_waiting = asyncio.Event()

    async def unit(name: str) -> None:
        async with db.session() as session:
            await session.exec(select(Member))
            order.append(name)
            if name == "first":
                holding.set()
                await others_waiting.wait()
                await asyncio.sleep(0.05)

    async def flood() -> None:
        await unit("first")
        await unit("again")  # straight back in, as a flooding chat would

    async def others() -> None:
        await holding.wait()
        tasks = []
        for name in ("b", "c", "d"):
            tasks.append(asyncio.create_task(unit(name)))
            await asyncio.sleep(0.01)
        others_waiting.set()
        await asyncio.gather(*tasks)

    await asyncio.wait_for(asyncio.gather(flood(), others()), timeout=30)
    await db.dispose()
    assert order == ["first", "b", "c", "d", "again"]
