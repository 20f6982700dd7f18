"""Storage: SQLite tuned as promised, migrations from empty, aware UTC datetimes."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import inspect, text
from sqlmodel import select

from bot.core.models import Member
from bot.db import Database


async def test_migrations_from_empty_create_every_table_and_are_idempotent(db: Database) -> None:
    await db.migrate()  # a second start finds nothing to do
    async with db.engine.connect() as conn:
        tables = await conn.run_sync(lambda sync: set(inspect(sync).get_table_names()))
    assert {"member", "couple", "invite", "pair_failure", "delivery", "alembic_version"} <= tables


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
