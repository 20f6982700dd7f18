"""Scheduler tick cost on SQLite, at 1,000 and 100,000 couples.

The issue's targets, with 100,000 couples in SQLite:

* a minute with nothing due costs at most 50 ms (one unit of work: `bot.core.beat.tick` in a fresh
  session, which should be a single probe of the `schedule.next_due_at` index);
* the busiest minute, 2,000 couples due at once, is recorded as deliveries within 2 s (looping
  `bot.core.beat.tick` in fresh sessions until a batch comes back short, as `Rekindle.tick` does).

For each size the script makes a fresh SQLite file in a temp dir, migrates it, and bulk-inserts
the couples directly (two members each, spread over five time zones and a dozen evening times,
plus one schedule row per member and rhythm). The `--due` couples (2,000, or every couple when
there are fewer) live in Europe/Berlin with the evening at 20:30, and their evening rows are due
at T = Tuesday 2026-01-13 20:30 Berlin (19:30 UTC); every other row is due later than T + 1 min.

* idle tick: clock at T - 5 min, median of `--idle-repeats` units of work;
* busy minute: clock at T + 30 s, every due row turned into deliveries. It writes, so each repeat
  starts from a copy of the freshly populated file (and a warm-up idle tick, untimed).

The same run reports the smaller size, so the growth is visible; "ms/row" divides the busy time
by rows handled, which compares sizes whose due counts differ. `--profile` adds one extra busy
run per size with every SQL statement timed, to show which query dominates.

Run from the repository root:

    python bench/tick.py                          # 1,000 and 100,000 couples (a few minutes)
    python bench/tick.py --couples 1000 10000     # a quick look
    python bench/tick.py --profile                # plus the per-statement breakdown
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import shutil
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import event, func, insert
from sqlmodel import select

from bot import content
from bot.content import Library
from bot.core import rhythm
from bot.core.beat import tick
from bot.core.models import Conversation, Couple, Delivery, Member, Schedule
from bot.db import Database

LIMIT = 2000  # the batch Rekindle.tick uses
T = datetime(2026, 1, 13, 19, 30, tzinfo=UTC)  # Tuesday 20:30 in Berlin: a check-in evening
IDLE_AT = T - timedelta(minutes=5)
BUSY_AT = T + timedelta(seconds=30)
QUIET_AFTER = T + timedelta(minutes=1)  # nothing but the busy rows is due at or before this
CREATED = T - timedelta(days=30)
BUSY_ZONE, BUSY_TIME = "Europe/Berlin", "20:30"
ZONES = ("Europe/Berlin", "America/New_York", "Asia/Tokyo", "Europe/London", "America/Los_Angeles")
OTHER_TIMES = tuple(
    f"{hour:02d}:{minute:02d}"
    for hour in (19, 20, 21)
    for minute in (0, 15, 30, 45)
    if f"{hour:02d}:{minute:02d}" != BUSY_TIME
)
CHUNK = 5000  # couples per bulk insert (10,000 members, 40,000 schedule rows)
IDLE_TARGET_S, BUSY_TARGET_S = 0.050, 2.0


@dataclass
class Result:
    couples: int
    due_couples: int
    populate_s: float
    db_mb: float
    idle_s: list[float] = field(default_factory=list)
    busy_s: list[float] = field(default_factory=list)
    busy_units: int = 0
    rows: int = 0
    deliveries: int = 0
    conversations: int = 0

    @property
    def idle_median(self) -> float:
        return statistics.median(self.idle_s)

    @property
    def busy_median(self) -> float:
        return statistics.median(self.busy_s)

    @property
    def ms_per_row(self) -> float:
        return 1000 * self.busy_median / max(self.rows, 1)


# --- populating ------------------------------------------------------------------------------


class Due:
    """`rhythm.next_due`, memoised: with one reference instant it depends only on the rhythm,
    the evening time and the zone, so 800,000 rows need only a few dozen real calls."""

    def __init__(self) -> None:
        self._cache: dict[tuple[str, str, str], datetime] = {}

    def __call__(self, name: str, evening_time: str, zone: str) -> datetime:
        key = (name, evening_time, zone)
        if key not in self._cache:
            couple = Couple(evening_time=evening_time, created_at=CREATED)
            self._cache[key] = rhythm.next_due(name, QUIET_AFTER, couple=couple, zone=zone)
        return self._cache[key]


def _couple_setup(couple_id: int, due_couples: int) -> tuple[str, str]:
    """(zone, evening time) of a couple: the first `due_couples` share the busy minute."""
    if couple_id <= due_couples:
        return BUSY_ZONE, BUSY_TIME
    return ZONES[couple_id % len(ZONES)], OTHER_TIMES[couple_id % len(OTHER_TIMES)]


def _chunk_rows(
    first: int, last: int, due_couples: int, due: Due
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
    couples: list[dict[str, Any]] = []
    members: list[dict[str, Any]] = []
    schedules: list[dict[str, Any]] = []
    for couple_id in range(first, last + 1):
        zone, evening = _couple_setup(couple_id, due_couples)
        a, b = 2 * couple_id - 1, 2 * couple_id
        couples.append(
            {
                "id": couple_id,
                "member_a_id": a,
                "member_b_id": b,
                "evening_time": evening,
                "curiosity_days": "mon,wed,fri",
                "checkin_on": True,
                "curiosity_on": True,
                "appreciation_on": True,
                "affection_on": True,
                "goals_on": True,
                "date_on": True,
                "paused_until": None,
                "depth": 1,
                "depth_answered": 0,
                "skipped_on": None,
                "created_at": CREATED,
                "ended_at": None,
            }
        )
        for member_id in (a, b):
            members.append(
                {
                    "id": member_id,
                    "channel": "bench",
                    "user_id": f"u{member_id}",
                    "chat_id": f"c{member_id}",
                    "display_name": f"Member {member_id}",
                    "language": "en",
                    "timezone": zone,
                    "couple_id": couple_id,
                    "awaiting": None,
                    "current_conversation_id": None,
                    "unreachable_at": None,
                    "created_at": CREATED,
                }
            )
            for name in rhythm.RHYTHMS:
                busy = couple_id <= due_couples and name == "evening"
                schedules.append(
                    {
                        "member_id": member_id,
                        "rhythm": name,
                        "next_due_at": T if busy else due(name, evening, zone),
                    }
                )
    return couples, members, schedules


async def populate(db: Database, couples: int, due_couples: int) -> None:
    """Bulk Core inserts in one transaction, with fsyncs off for this phase only."""
    due = Due()
    # The busy couples' evening really does fall on T, one minute after it nothing is due.
    couple = Couple(evening_time=BUSY_TIME, created_at=CREATED)
    assert rhythm.next_due("evening", T - timedelta(minutes=1), couple=couple, zone=BUSY_ZONE) == T
    async with db.engine.connect() as conn:
        # Pragmas that must be set outside a transaction, on the driver's connection (any
        # SQLAlchemy statement would first BEGIN IMMEDIATE). The engine is disposed right after
        # populating, so the measured phase gets fresh connections with the app's settings.
        raw = (await conn.get_raw_connection()).driver_connection
        assert raw is not None
        for pragma in ("synchronous=OFF", "foreign_keys=OFF", "cache_size=-200000"):
            await raw.execute(f"PRAGMA {pragma}")
        async with conn.begin():
            for first in range(1, couples + 1, CHUNK):
                last = min(first + CHUNK - 1, couples)
                couple_rows, member_rows, schedule_rows = _chunk_rows(first, last, due_couples, due)
                await conn.execute(insert(Couple), couple_rows)
                await conn.execute(insert(Member), member_rows)
                await conn.execute(insert(Schedule), schedule_rows)
        for pragma in ("synchronous=NORMAL", "foreign_keys=ON", "cache_size=-2000"):
            await raw.execute(f"PRAGMA {pragma}")
    # No ANALYZE or PRAGMA optimize: the query planner sees the database as the app leaves it.
    await _check_due(db, due_couples)


async def _check_due(db: Database, due_couples: int) -> None:
    async with db.session() as session:
        idle = await session.exec(select(func.count()).where(Schedule.next_due_at <= IDLE_AT))
        busy = await session.exec(select(func.count()).where(Schedule.next_due_at <= QUIET_AFTER))
        idle_rows, busy_rows = idle.one(), busy.one()
    assert idle_rows == 0, f"{idle_rows} rows due at the idle clock"
    assert busy_rows == 2 * due_couples, f"{busy_rows} rows due in the busy minute"


async def checkpoint_and_close(db: Database) -> None:
    """Fold the WAL into the main file, so the file alone is a complete snapshot."""
    async with db.engine.connect() as conn:
        raw = (await conn.get_raw_connection()).driver_connection
        assert raw is not None
        await raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # outside a transaction
    await db.dispose()


def remove_db(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def restore(snapshot: Path, work: Path) -> None:
    remove_db(work)
    shutil.copyfile(snapshot, work)


# --- measuring -------------------------------------------------------------------------------


async def idle_tick(db: Database, library: Library) -> float:
    start = time.perf_counter()
    async with db.session() as session:
        handled, _ = await tick(session, library, now=IDLE_AT, limit=LIMIT)
    elapsed = time.perf_counter() - start
    assert handled == 0, f"{handled} rows due at the idle clock"
    return elapsed


@dataclass
class Busy:
    seconds: float = 0.0
    in_tick: float = 0.0  # inside tick(); the rest is BEGIN IMMEDIATE + COMMIT
    units: int = 0
    rows: int = 0
    deliveries: int = 0


async def busy_minute(db: Database, library: Library) -> Busy:
    """Everything due in the busiest minute recorded, in units of work as Rekindle.tick does."""
    result = Busy()
    start = time.perf_counter()
    while True:
        async with db.session() as session:
            tick_start = time.perf_counter()
            handled, made = await tick(session, library, now=BUSY_AT, limit=LIMIT)
            result.in_tick += time.perf_counter() - tick_start
        result.units += 1
        result.rows += handled
        result.deliveries += made
        if handled < LIMIT:
            break
    result.seconds = time.perf_counter() - start
    return result


async def _count(db: Database, table: Any) -> int:
    async with db.session() as session:
        return (await session.exec(select(func.count()).select_from(table))).one()


class SqlTimer:
    """Wall time of every statement, grouped by its SQL (the driver round trip included)."""

    def __init__(self, db: Database) -> None:
        self.engine = db.engine.sync_engine
        self.totals: dict[str, list[float]] = {}

    def __enter__(self) -> SqlTimer:
        event.listen(self.engine, "before_cursor_execute", self._before)
        event.listen(self.engine, "after_cursor_execute", self._after)
        return self

    def __exit__(self, *_: object) -> None:
        event.remove(self.engine, "before_cursor_execute", self._before)
        event.remove(self.engine, "after_cursor_execute", self._after)

    def _before(self, conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        conn.info.setdefault("bench_started", []).append(time.perf_counter())

    def _after(self, conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        elapsed = time.perf_counter() - conn.info["bench_started"].pop()
        entry = self.totals.setdefault(" ".join(statement.split()), [0, 0.0])
        entry[0] += 1
        entry[1] += elapsed

    def report(self, busy: Busy) -> Iterator[str]:
        sql_total = sum(total for _, total in self.totals.values())
        count = sum(int(n) for n, _ in self.totals.values())
        yield (
            f"    busy run {busy.seconds:.2f} s: {count:,} statements taking {sql_total:.2f} s, "
            f"{busy.in_tick - sql_total:.2f} s Python/ORM in tick(), "
            f"{busy.seconds - busy.in_tick:.2f} s BEGIN/COMMIT ({busy.units} units of work)"
        )
        yield f"    {'calls':>7} {'total s':>8} {'ms/call':>8}  statement"
        ranked = sorted(self.totals.items(), key=lambda item: -item[1][1])
        for statement, (calls, total) in ranked[:12]:
            short = statement if len(statement) <= 110 else statement[:107] + "..."
            yield f"    {int(calls):>7,} {total:>8.3f} {1000 * total / calls:>8.3f}  {short}"


# --- one size --------------------------------------------------------------------------------


async def run_size(
    couples: int, due_wanted: int, library: Library, args: argparse.Namespace, tmp: Path
) -> Result:
    due_couples = min(due_wanted, couples)
    work, snapshot = tmp / f"tick-{couples}.db", tmp / f"tick-{couples}.snapshot.db"
    url = f"sqlite+aiosqlite:///{work}"
    print(f"\n{couples:,} couples ({due_couples:,} due in the busy minute)", flush=True)

    db = Database(url)
    await db.migrate()
    start = time.perf_counter()
    await populate(db, couples, due_couples)
    populate_s = time.perf_counter() - start
    await checkpoint_and_close(db)
    shutil.copyfile(work, snapshot)
    result = Result(couples, due_couples, populate_s, work.stat().st_size / 2**20)
    print(f"  populated in {populate_s:.1f} s ({result.db_mb:.0f} MB)", flush=True)

    db = Database(url)
    await idle_tick(db, library)  # warm the pool and the index pages
    result.idle_s = [await idle_tick(db, library) for _ in range(args.idle_repeats)]
    await db.dispose()
    print(
        f"  idle tick: median {1000 * result.idle_median:.2f} ms, "
        f"min {1000 * min(result.idle_s):.2f}, max {1000 * max(result.idle_s):.2f}",
        flush=True,
    )

    for repeat in range(args.repeats + (1 if args.profile else 0)):
        profiling = repeat == args.repeats
        restore(snapshot, work)
        db = Database(url)
        await idle_tick(db, library)  # warm-up, untimed
        if profiling:
            with SqlTimer(db) as timer:
                busy = await busy_minute(db, library)
            print("  profile (extra busy run, not counted above):")
            for line in timer.report(busy):
                print(line)
        else:
            busy = await busy_minute(db, library)
            result.busy_s.append(busy.seconds)
            result.busy_units, result.rows, result.deliveries = (
                busy.units,
                busy.rows,
                busy.deliveries,
            )
            print(
                f"  busy minute #{repeat + 1}: {busy.seconds:.2f} s "
                f"({busy.rows:,} rows, {busy.deliveries:,} deliveries, "
                f"{busy.units} units of work, {busy.seconds - busy.in_tick:.3f} s in BEGIN/COMMIT)",
                flush=True,
            )
            stored = await _count(db, Delivery)
            assert stored == busy.deliveries, f"{stored} deliveries stored"
            result.conversations = await _count(db, Conversation)
        await db.dispose()
    remove_db(work)
    remove_db(snapshot)
    return result


# --- report ----------------------------------------------------------------------------------


def _verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def report(results: list[Result], args: argparse.Namespace) -> None:
    print(
        f"\nTick cost on SQLite {sqlite3.sqlite_version}, Python {platform.python_version()}, "
        f"{os.cpu_count()} CPUs; idle: median of {args.idle_repeats}, "
        f"busy: median of {args.repeats} (each from a fresh copy); batch limit {LIMIT}"
    )
    header = (
        f"{'couples':>9} {'populate s':>10} {'DB MB':>6} {'idle ms':>8} {'busy s':>7} "
        f"{'due':>6} {'rows':>6} {'deliveries':>10} {'convs':>6} {'ms/row':>7}"
    )
    print(header)
    print("-" * len(header))
    for r in results:
        print(
            f"{r.couples:>9,} {r.populate_s:>10.1f} {r.db_mb:>6.0f} {1000 * r.idle_median:>8.2f} "
            f"{r.busy_median:>7.2f} {r.due_couples:>6,} {r.rows:>6,} {r.deliveries:>10,} "
            f"{r.conversations:>6,} {r.ms_per_row:>7.3f}"
        )
    small, large = min(results, key=lambda r: r.couples), max(results, key=lambda r: r.couples)
    if large is not small:
        print(
            f"growth {large.couples:,}/{small.couples:,}: "
            f"idle x{large.idle_median / small.idle_median:.2f}, "
            f"busy x{large.busy_median / small.busy_median:.2f}, "
            f"per row x{large.ms_per_row / small.ms_per_row:.2f}"
        )
    where = f"at {large.couples:,} couples" + ("" if large.couples == 100_000 else " (not 100,000)")
    idle_ok = large.idle_median <= IDLE_TARGET_S
    busy_ok = large.busy_median <= BUSY_TARGET_S
    print(
        f"targets {where}: idle tick <= {1000 * IDLE_TARGET_S:.0f} ms: {_verdict(idle_ok)} "
        f"({1000 * large.idle_median:.2f} ms); busiest minute "
        f"({large.due_couples:,} couples due) <= {BUSY_TARGET_S:.0f} s: {_verdict(busy_ok)} "
        f"({large.busy_median:.2f} s)"
    )


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument(
        "--couples", type=int, nargs="+", default=[1_000, 100_000], help="sizes to measure"
    )
    parser.add_argument("--due", type=int, default=2000, help="couples due in the busy minute")
    parser.add_argument("--repeats", type=int, default=3, help="busy-minute runs per size")
    parser.add_argument("--idle-repeats", type=int, default=21, help="idle ticks per size")
    parser.add_argument("--profile", action="store_true", help="time every SQL statement once")
    args = parser.parse_args()
    if args.repeats < 1 or args.idle_repeats < 1 or min(args.couples) < 1 or args.due < 1:
        parser.error("sizes, --due and repeats must be positive")

    library = content.load()
    results = []
    with tempfile.TemporaryDirectory(prefix="rekindle-bench-") as tmp:
        for couples in sorted(set(args.couples)):
            results.append(await run_size(couples, args.due, library, args, Path(tmp)))
    report(results, args)


if __name__ == "__main__":
    asyncio.run(main())
