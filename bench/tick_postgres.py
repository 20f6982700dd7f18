"""PostgreSQL for bench/tick.py: a scratch database per size, populated on the server.

The rows are the very rows `tick._chunk_rows` makes for SQLite (`check_sample` compares a few
of each kind after populating), written with `INSERT ... SELECT FROM generate_series(...)`, so
1,000,000 couples (2,000,000 members, 16,000,000 schedule rows) take a few minutes, not an hour
of ORM objects. Each rhythm's next due instant is computed in Python (`rhythm.next_due`, one
call per rhythm, evening time and zone) and joined in as an array.

A populated database is marked with a comment naming what it holds; a later run with the same
size and due count reuses it (`--keep` keeps it at the end; without it the database is
dropped). Between busy repeats only the due couples' slice is put back (`restore_slice`):
everything the busy minute wrote is in the tables population leaves empty, or in the due
couples' own couple, member and schedule rows.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

import asyncpg
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlmodel import SQLModel

from bot.core import rhythm

RECIPE = "rekindle bench/tick.py population v1"
POPULATED = ("couple", "member", "schedule", "alembic_version")
CHUNK = 100_000  # couples per statement (200,000 members, 1,600,000 schedule rows)


def scratch_url(url: str, couples: int) -> str:
    """The scratch database of one size: the URL's database name with the size appended. Only
    a name starting with "bench" is used, so no real database is ever dropped."""
    parsed = make_url(url)
    name = f"{parsed.database}_{couples}"
    if not name.startswith("bench"):
        raise SystemExit(f"refusing scratch database {name!r}: its name must start with 'bench'")
    return parsed.set(database=name).render_as_string(hide_password=False)


def _admin_dsn(url: str) -> tuple[str, str]:
    """asyncpg's DSN of the maintenance database `postgres`, and the scratch database's name."""
    parsed = make_url(url)
    name = parsed.database or ""
    admin = parsed.set(drivername="postgresql", database="postgres")
    return admin.render_as_string(hide_password=False), name


def marker(couples: int, due_couples: int, moment: datetime) -> str:
    return f"{RECIPE}: {couples} couples, {due_couples} due at {moment.isoformat()}"


async def prepare(url: str, wanted: str) -> bool:
    """Make sure the scratch database exists; True if it already holds the population `wanted`
    (its comment), False if it was (re)created empty."""
    dsn, name = _admin_dsn(url)
    admin = await asyncpg.connect(dsn)
    try:
        comment = await admin.fetchval(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = $1",
            name,
        )
        exists = await admin.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name)
        if exists and comment == wanted:
            return True
        if exists:
            await admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        await admin.execute(f'CREATE DATABASE "{name}"')
        return False
    finally:
        await admin.close()


async def mark(url: str, wanted: str) -> None:
    dsn, name = _admin_dsn(url)
    admin = await asyncpg.connect(dsn)
    try:
        await admin.execute(f"COMMENT ON DATABASE \"{name}\" IS '{wanted}'")
    finally:
        await admin.close()


async def drop(url: str) -> None:
    dsn, name = _admin_dsn(url)
    admin = await asyncpg.connect(dsn)
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.close()


async def size_mb(conn: AsyncConnection) -> float:
    size = (await conn.execute(text("SELECT pg_database_size(current_database())"))).scalar_one()
    return int(size) / 2**20


# --- populating ------------------------------------------------------------------------------


class Setup:
    """What the SQL needs of bench/tick.py's layout: the busy slice, the other couples' zones
    and times by id, and each rhythm's next due instant (`due(name, evening, zone)`)."""

    def __init__(
        self,
        *,
        due_couples: int,
        busy: tuple[str, str],
        zones: tuple[str, ...],
        times: tuple[str, ...],
        moment: datetime,
        created: datetime,
        due: Callable[[str, str, str], datetime],
    ) -> None:
        self.due_couples = due_couples
        self.busy_zone, self.busy_time = busy
        self.zones, self.times = list(zones), list(times)
        self.moment, self.created = moment, created
        combos = [
            (name, evening, zone)
            for name in rhythm.RHYTHMS
            for evening in {self.busy_time, *self.times}
            for zone in {self.busy_zone, *self.zones}
        ]
        self.due_rhythm = [name for name, _, _ in combos]
        self.due_time = [evening for _, evening, _ in combos]
        self.due_zone = [zone for _, _, zone in combos]
        self.due_at = [due(*combo) for combo in combos]
        self.due_order = [rhythm.RHYTHMS.index(name) for name in self.due_rhythm]

    def params(self, first: int, last: int) -> dict[str, Any]:
        return {
            "first": first,
            "last": last,
            "due": self.due_couples,
            "busy_zone": self.busy_zone,
            "busy_time": self.busy_time,
            "zones": self.zones,
            "times": self.times,
            "created": self.created,
            "moment": self.moment,
            "due_rhythm": self.due_rhythm,
            "due_time": self.due_time,
            "due_zone": self.due_zone,
            "due_at": self.due_at,
            "due_order": self.due_order,
        }


# A couple's zone and evening time, by its id `c`: as `tick._couple_setup` has them.
_ZONE = (
    "CASE WHEN c <= :due THEN :busy_zone "
    "ELSE (CAST(:zones AS text[]))[c % cardinality(CAST(:zones AS text[])) + 1] END"
)
_TIME = (
    "CASE WHEN c <= :due THEN :busy_time "
    "ELSE (CAST(:times AS text[]))[c % cardinality(CAST(:times AS text[])) + 1] END"
)

COUPLES = text(
    f"""
    INSERT INTO couple (id, member_a_id, member_b_id, evening_time, curiosity_days, checkin_on,
        curiosity_on, appreciation_on, affection_on, goals_on, date_on, paused_until, depth,
        depth_answered, skipped_on, created_at, ended_at)
    SELECT c, 2 * c - 1, 2 * c, {_TIME}, 'mon,wed,fri', true, true, true, true, true, true, NULL,
        1, 0, NULL, :created, NULL
    FROM generate_series(CAST(:first AS integer), CAST(:last AS integer)) AS c
    """
)
MEMBERS = text(
    f"""
    INSERT INTO member (id, channel, user_id, chat_id, display_name, language, timezone,
        couple_id, awaiting, current_conversation_id, unreachable_at, created_at)
    SELECT m, 'bench', 'u' || m, 'c' || m, 'Member ' || m, 'en', {_ZONE}, c, NULL, NULL, NULL,
        :created
    FROM generate_series(2 * CAST(:first AS integer) - 1, 2 * CAST(:last AS integer)) AS m,
        LATERAL (SELECT (m + 1) / 2 AS c) AS couple_of
    """
)
SCHEDULES = text(
    """
    INSERT INTO schedule (member_id, rhythm, next_due_at)
    SELECT m.id, d.rhythm,
        CASE WHEN m.couple_id <= :due AND d.rhythm = 'evening' THEN :moment ELSE d.at END
    FROM member AS m
    JOIN couple AS c ON c.id = m.couple_id
    JOIN unnest(CAST(:due_rhythm AS text[]), CAST(:due_time AS text[]),
                CAST(:due_zone AS text[]), CAST(:due_at AS timestamptz[]),
                CAST(:due_order AS integer[])) AS d(rhythm, evening_time, zone, at, ord)
        ON d.evening_time = c.evening_time AND d.zone = m.timezone
    WHERE m.id BETWEEN 2 * CAST(:first AS integer) - 1 AND 2 * CAST(:last AS integer)
    ORDER BY m.id, d.ord
    """
)


async def populate_range(conn: AsyncConnection, setup: Setup, first: int, last: int) -> None:
    params = setup.params(first, last)
    for statement in (COUPLES, MEMBERS, SCHEDULES):
        await conn.execute(statement, params)


async def populate(
    conn: AsyncConnection, setup: Setup, couples: int, progress: Callable[[str], None]
) -> None:
    """Every couple, in chunks of CHUNK couples, each committed (fsync waits off for this
    connection only); the id sequences moved past the rows written, as the app's inserts
    would have left them."""
    await _require_empty(conn)
    await conn.execute(text("SET synchronous_commit = off"))
    start = time.perf_counter()
    for first in range(1, couples + 1, CHUNK):
        last = min(first + CHUNK - 1, couples)
        await populate_range(conn, setup, first, last)
        await conn.commit()
        progress(f"    {last:,} couples written ({time.perf_counter() - start:.0f} s)")
    for table in ("couple", "member"):
        sequence = f"pg_get_serial_sequence('{table}', 'id')"
        await conn.execute(text(f"SELECT setval({sequence}, max(id)) FROM {table}"))
    await conn.execute(text("RESET synchronous_commit"))
    await conn.commit()


async def _require_empty(conn: AsyncConnection) -> None:
    for name in SQLModel.metadata.tables:
        found = (await conn.execute(text(f'SELECT EXISTS (SELECT FROM "{name}")'))).scalar()
        assert not found, f"table {name} is not empty before populating"
    await conn.commit()


async def vacuum_analyze(conn: AsyncConnection) -> None:
    """What autovacuum leaves a live database with: statistics and the visibility map (run
    here at once, so each measurement starts from the same state)."""
    autocommit = await conn.execution_options(isolation_level="AUTOCOMMIT")
    await autocommit.execute(text("VACUUM (ANALYZE)"))


async def restore_slice(conn: AsyncConnection, setup: Setup) -> None:
    """Undo a busy minute: empty every table population leaves empty, and write the due
    couples' couple, member and schedule rows anew (foreign-key triggers off for this
    transaction: the rows come back as they were)."""
    due = setup.due_couples
    await conn.execute(text("SET LOCAL session_replication_role = replica"))
    for name in SQLModel.metadata.tables:
        if name not in POPULATED:
            await conn.execute(text(f'DELETE FROM "{name}"'))
    await conn.execute(text("DELETE FROM schedule WHERE member_id <= :n"), {"n": 2 * due})
    await conn.execute(text("DELETE FROM member WHERE id <= :n"), {"n": 2 * due})
    await conn.execute(text("DELETE FROM couple WHERE id <= :n"), {"n": due})
    await populate_range(conn, setup, 1, due)
    await conn.commit()


# --- checking --------------------------------------------------------------------------------


async def check_sample(
    conn: AsyncConnection,
    ids: Iterator[int],
    expected: Callable[[int], tuple[list[dict[str, Any]], ...]],
) -> None:
    """The rows of a few couples as `expected(couple_id)` (bench/tick.py's SQLite rows) has
    them: same columns, same values."""
    for couple_id in ids:
        couples, members, schedules = expected(couple_id)
        got = await _rows(conn, "couple", "id", [couple_id], couples[0])
        assert got == couples, f"couple {couple_id}: {got} != {couples}"
        ids_ = [m["id"] for m in members]
        got = await _rows(conn, "member", "id", ids_, members[0])
        assert got == members, f"members of couple {couple_id}: {got} != {members}"
        got = await _rows(conn, "schedule", "member_id", ids_, schedules[0])
        got.sort(key=lambda row: (row["member_id"], rhythm.RHYTHMS.index(row["rhythm"])))
        assert got == schedules, f"schedule of couple {couple_id}: {got} != {schedules}"
    await conn.commit()


async def _rows(
    conn: AsyncConnection, table: str, key: str, ids: list[int], like: dict[str, Any]
) -> list[dict[str, Any]]:
    columns = ", ".join(like)
    result = await conn.execute(
        text(f"SELECT {columns} FROM {table} WHERE {key} = ANY(:ids) ORDER BY {key}"), {"ids": ids}
    )
    return [dict(row._mapping) for row in result]
