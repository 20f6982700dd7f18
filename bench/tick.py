"""Scheduler tick cost: on SQLite at 1,000 and 100,000 couples, on PostgreSQL at 1,000,000.

The issue's targets:

* SQLite, 100,000 couples: a minute with nothing due costs at most 50 ms; the busiest minute,
  2,000 couples due at once, is recorded as deliveries within 2 s;
* PostgreSQL, 1,000,000 couples: a minute with nothing due at most 50 ms; 20,000 couples due in
  one minute recorded as deliveries within 10 s.

Both are timed as the heartbeat runs them: `Rekindle.tick` (bot/service.py), which loops
`bot.core.beat.tick` in fresh units of work until a batch comes back short, in a process
settled as the bot's is (`bot.app.settle`: what startup made frozen out of the garbage
collector's full passes). A minute with
nothing due is one unit of work (a single probe of the `schedule.next_due_at` index).

Each size gets its own database: on SQLite a fresh file in a temp dir; on PostgreSQL a scratch
database (`--pg-url`'s name plus the size, e.g. bench_tick_1000000), created and dropped by
the script, or kept and reused with `--keep`. It is migrated and the couples are bulk-inserted
directly (two members each, spread over five time zones and a dozen evening times, plus one
schedule row per member and rhythm, as pairing leaves them): SQLite through Core inserts,
PostgreSQL on the server (`INSERT ... SELECT FROM generate_series`, see tick_postgres.py). The
`--due` couples live in Europe/Berlin with the evening at 20:30, and their evening rows are due
at T = Tuesday 2026-01-13 20:30 Berlin (19:30 UTC); every other row is due later than T + 1 min.

* idle tick: clock at T - 5 min, median of `--idle-repeats` ticks;
* busy minute: clock at T + 30 s, every due row turned into deliveries. It writes, so each repeat
  starts from the freshly populated state (SQLite: a copy of the file; PostgreSQL: the due
  couples' rows written anew, everything the tick wrote deleted) and a warm-up idle tick.

The same run reports every size, so the growth is visible; "ms/row" divides the busy time by
rows handled, which compares sizes whose due counts differ. `--profile` adds one extra busy run
per size with every SQL statement timed, to show which query dominates; `--explain` (PostgreSQL)
adds the EXPLAIN ANALYZE of the idle tick's query and of the busy run's costliest statements.
The script exits 1 when a target is missed.

Run from the repository root:

    python bench/tick.py                          # 1,000 and 100,000 couples on SQLite
    python bench/tick.py --couples 1000 10000     # a quick look
    python bench/tick.py --profile                # plus the per-statement breakdown
    python bench/tick.py --db postgres --keep     # 1,000,000 couples, 20,000 due, on PostgreSQL
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import tick_postgres as pg
from sqlalchemy import event, func, insert, text
from sqlmodel import select

from bot import content
from bot.app import settle
from bot.content import Library
from bot.core import rhythm
from bot.core.models import Conversation, Couple, Delivery, Member, Schedule
from bot.db import Database
from bot.outbox import Outbox
from bot.service import Rekindle

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
CHUNK = 5000  # couples per bulk insert on SQLite (10,000 members, 80,000 schedule rows)
PG_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/bench_tick"


@dataclass(frozen=True)
class Target:
    couples: int
    due: int
    idle_s: float
    busy_s: float


TARGETS = {
    "sqlite": Target(couples=100_000, due=2_000, idle_s=0.050, busy_s=2.0),
    "postgres": Target(couples=1_000_000, due=20_000, idle_s=0.050, busy_s=10.0),
}
DEFAULT_SIZES = {"sqlite": [1_000, 100_000], "postgres": [1_000_000]}


@dataclass
class Result:
    couples: int
    due_couples: int
    populate_s: float
    db_mb: float
    idle_s: list[float] = field(default_factory=list)
    busy_s: list[float] = field(default_factory=list)
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


def _assert_busy_minute() -> None:
    """The busy couples' evening really does fall on T; one minute after it nothing is due."""
    couple = Couple(evening_time=BUSY_TIME, created_at=CREATED)
    assert rhythm.next_due("evening", T - timedelta(minutes=1), couple=couple, zone=BUSY_ZONE) == T


async def populate_sqlite(db: Database, couples: int, due_couples: int) -> None:
    """Bulk Core inserts in one transaction, with fsyncs off for this phase only."""
    due = Due()
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


def pg_setup(due_couples: int) -> pg.Setup:
    return pg.Setup(
        due_couples=due_couples,
        busy=(BUSY_ZONE, BUSY_TIME),
        zones=ZONES,
        times=OTHER_TIMES,
        moment=T,
        created=CREATED,
        due=Due(),
    )


async def populate_postgres(db: Database, couples: int, due_couples: int) -> None:
    """Server-side inserts, then the sample check against the SQLite rows, then VACUUM ANALYZE
    (what autovacuum gives a live database)."""
    setup = pg_setup(due_couples)
    due = Due()
    async with db.engine.connect() as conn:
        await pg.populate(conn, setup, couples, lambda line: print(line, flush=True))
        samples = sorted({1, due_couples, min(due_couples + 1, couples), couples // 2, couples})
        await pg.check_sample(conn, iter(samples), lambda c: _chunk_rows(c, c, due_couples, due))
        await pg.vacuum_analyze(conn)


async def check_due(db: Database, due_couples: int) -> None:
    async with db.session() as session:
        idle = await session.exec(select(func.count()).where(Schedule.next_due_at <= IDLE_AT))
        busy = await session.exec(select(func.count()).where(Schedule.next_due_at <= QUIET_AFTER))
        idle_rows, busy_rows = idle.one(), busy.one()
    assert idle_rows == 0, f"{idle_rows} rows due at the idle clock"
    assert busy_rows == 2 * due_couples, f"{busy_rows} rows due in the busy minute"


# --- SQLite files ------------------------------------------------------------------------------


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


class FixedClock:
    def __init__(self, at: datetime) -> None:
        self.at = at

    def now(self) -> datetime:
        return self.at


def service(db: Database, library: Library, at: datetime) -> Rekindle:
    """The app's service as the runner builds it (no channel: sending is not measured)."""
    clock = FixedClock(at)
    return Rekindle(db=db, clock=clock, content=library, outbox=Outbox(db, clock, {}))


async def idle_tick(db: Database, library: Library) -> float:
    app = service(db, library, IDLE_AT)
    start = time.perf_counter()
    recorded = await app.tick(LIMIT)
    elapsed = time.perf_counter() - start
    assert recorded == 0, f"{recorded} deliveries recorded at the idle clock"
    return elapsed


@dataclass
class Busy:
    seconds: float = 0.0
    deliveries: int = 0
    cpu: float = 0.0  # this process's CPU time: the rest of `seconds` it waited (database, OS)


async def busy_minute(db: Database, library: Library) -> Busy:
    """Everything due in the busiest minute recorded, by `Rekindle.tick` as the heartbeat
    calls it."""
    app = service(db, library, BUSY_AT)
    start, cpu = time.perf_counter(), time.process_time()
    deliveries = await app.tick(LIMIT)
    return Busy(time.perf_counter() - start, deliveries, time.process_time() - cpu)


async def nothing_left_due(db: Database) -> None:
    async with db.session() as session:
        left = await session.exec(select(func.count()).where(Schedule.next_due_at <= BUSY_AT))
        assert left.one() == 0, "rows still due after the busy minute"


async def _count(db: Database, table: Any) -> int:
    async with db.session() as session:
        return (await session.exec(select(func.count()).select_from(table))).one()


class SqlTimer:
    """Wall time of every statement, grouped by its SQL (the driver round trip included). With
    `explain` (PostgreSQL), each statement's first execution is also run under EXPLAIN ANALYZE
    in a savepoint that is rolled back, so the plans are those of the real run's data."""

    def __init__(self, db: Database, *, explain: bool = False) -> None:
        self.engine = db.engine.sync_engine
        self.explain = explain
        self.totals: dict[str, list[float]] = {}
        self.plans: dict[str, list[str]] = {}

    def __enter__(self) -> SqlTimer:
        event.listen(self.engine, "before_cursor_execute", self._before)
        event.listen(self.engine, "after_cursor_execute", self._after)
        return self

    def __exit__(self, *_: object) -> None:
        event.remove(self.engine, "before_cursor_execute", self._before)
        event.remove(self.engine, "after_cursor_execute", self._after)

    def _before(self, conn: Any, cursor: Any, statement: str, params: Any, _c: Any, many: bool):
        key = " ".join(statement.split())
        if (
            self.explain
            and key not in self.plans
            and key.split()[0] in ("SELECT", "INSERT", "UPDATE", "DELETE")
        ):
            nested = many and params and isinstance(params[0], (tuple, list, dict))
            first = params[0] if nested else params
            cursor.execute("SAVEPOINT bench_explain")
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {statement}", first)
            self.plans[key] = [line for (line,) in cursor.fetchall()]
            cursor.execute("ROLLBACK TO SAVEPOINT bench_explain")
        conn.info.setdefault("bench_started", []).append(time.perf_counter())

    def _after(self, conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        elapsed = time.perf_counter() - conn.info["bench_started"].pop()
        entry = self.totals.setdefault(" ".join(statement.split()), [0, 0.0])
        entry[0] += 1
        entry[1] += elapsed

    def report(self, busy: Busy, *, top: int = 14) -> Iterator[str]:
        sql_total = sum(total for _, total in self.totals.values())
        count = sum(int(n) for n, _ in self.totals.values())
        yield (
            f"    busy run {busy.seconds:.2f} s: {count:,} statements taking {sql_total:.2f} s, "
            f"{busy.seconds - sql_total:.2f} s outside them (BEGIN/COMMIT, Python, ORM, "
            f"driver); {busy.cpu:.2f} s CPU in this process"
        )
        yield f"    {'calls':>7} {'total s':>8} {'ms/call':>8}  statement"
        for statement, (calls, total) in self.ranked()[:top]:
            short = statement if len(statement) <= 110 else statement[:107] + "..."
            yield f"    {int(calls):>7,} {total:>8.3f} {1000 * total / calls:>8.3f}  {short}"

    def ranked(self) -> list[tuple[str, list[float]]]:
        return sorted(self.totals.items(), key=lambda item: -item[1][1])

    def explained(self, *, top: int) -> Iterator[str]:
        for statement, (calls, total) in self.ranked()[:top]:
            plan = self.plans.get(statement)
            if plan is None:
                continue
            short = statement if len(statement) <= 300 else statement[:297] + "..."
            yield f"\n    -- {int(calls)} calls, {total:.3f} s: {short}"
            yield from (f"    {line[:160]}" for line in plan)


# --- one size --------------------------------------------------------------------------------


class Store:
    """One size's database: made and populated once, put back before each busy run."""

    def __init__(self, args: argparse.Namespace, couples: int, due_couples: int, tmp: Path):
        self.args, self.couples, self.due_couples = args, couples, due_couples
        if args.db == "postgres":
            self.url = pg.scratch_url(args.pg_url, couples)
        else:
            self.work = tmp / f"tick-{couples}.db"
            self.snapshot = tmp / f"tick-{couples}.snapshot.db"
            self.url = f"sqlite+aiosqlite:///{self.work}"
        self.reused = False

    async def create(self) -> float:
        """Populate (or find populated) the database; return the seconds it took."""
        start = time.perf_counter()
        if self.args.db == "postgres":
            wanted = pg.marker(self.couples, self.due_couples, T)
            self.reused = reused = await pg.prepare(self.url, wanted)
            db = Database(self.url)
            await db.migrate()  # a kept database is brought up to the newest schema
            if reused:  # as the last run left it: `restore` puts it back and checks it
                print("  reusing the populated scratch database", flush=True)
            else:
                await populate_postgres(db, self.couples, self.due_couples)
                await pg.mark(self.url, wanted)
                await check_due(db, self.due_couples)
            await db.dispose()
            return 0.0 if reused else time.perf_counter() - start
        _assert_busy_minute()
        db = Database(self.url)
        await db.migrate()
        await populate_sqlite(db, self.couples, self.due_couples)
        await check_due(db, self.due_couples)
        await checkpoint_and_close(db)
        shutil.copyfile(self.work, self.snapshot)
        return time.perf_counter() - start

    async def size_mb(self) -> float:
        if self.args.db != "postgres":
            return self.work.stat().st_size / 2**20
        db = Database(self.url)
        async with db.engine.connect() as conn:
            size = await pg.size_mb(conn)
        await db.dispose()
        return size

    async def restore(self) -> None:
        if self.args.db != "postgres":
            restore(self.snapshot, self.work)
            return
        db = Database(self.url)
        async with db.engine.connect() as conn:
            await pg.restore_slice(conn, pg_setup(self.due_couples))
            await pg.vacuum_analyze(conn)
        await check_due(db, self.due_couples)
        await db.dispose()

    async def close(self) -> None:
        if self.args.db != "postgres":
            remove_db(self.work)
            remove_db(self.snapshot)
        elif not self.args.keep:
            await pg.drop(self.url)


async def run_size(
    couples: int, due_wanted: int, library: Library, args: argparse.Namespace, tmp: Path
) -> Result:
    due_couples = min(due_wanted, couples)
    print(f"\n{couples:,} couples ({due_couples:,} due in the busy minute)", flush=True)
    store = Store(args, couples, due_couples, tmp)
    populate_s = await store.create()
    if store.reused:  # as the last run's busy minute left it: put back
        await store.restore()
    result = Result(couples, due_couples, populate_s, await store.size_mb())
    print(f"  populated in {populate_s:.1f} s ({result.db_mb:.0f} MB)", flush=True)
    try:
        await measure(store, result, library, args)
    finally:
        await store.close()
    return result


async def measure(store: Store, result: Result, library: Library, args: argparse.Namespace):
    db = Database(store.url)
    await idle_tick(db, library)  # warm the pool and the index pages
    result.idle_s = [await idle_tick(db, library) for _ in range(args.idle_repeats)]
    if args.explain and args.db == "postgres":
        with SqlTimer(db, explain=True) as timer:
            await idle_tick(db, library)
        print("  idle tick, EXPLAIN ANALYZE:")
        for line in timer.explained(top=3):
            print(line)
    await db.dispose()
    print(
        f"  idle tick: median {1000 * result.idle_median:.2f} ms, "
        f"min {1000 * min(result.idle_s):.2f}, max {1000 * max(result.idle_s):.2f}",
        flush=True,
    )

    extra = 1 if args.profile or args.explain else 0
    for repeat in range(args.repeats + extra):
        profiling = repeat == args.repeats
        await store.restore()
        db = Database(store.url)
        await idle_tick(db, library)  # warm-up, untimed
        if profiling:
            with SqlTimer(db, explain=args.explain and args.db == "postgres") as timer:
                busy = await busy_minute(db, library)
            print("  profile (extra busy run, not counted above):")
            for line in timer.report(busy):
                print(line)
            for line in timer.explained(top=args.explain_top):
                print(line)
        else:
            busy = await busy_minute(db, library)
            await nothing_left_due(db)
            result.busy_s.append(busy.seconds)
            stored = await _count(db, Delivery)
            assert stored == busy.deliveries, f"{stored} deliveries stored"
            result.rows, result.deliveries = 2 * result.due_couples, busy.deliveries
            result.conversations = await _count(db, Conversation)
            print(
                f"  busy minute #{repeat + 1}: {busy.seconds:.2f} s "
                f"({busy.deliveries:,} deliveries, {result.conversations:,} conversations; "
                f"{busy.cpu:.2f} s CPU in this process)",
                flush=True,
            )
        await db.dispose()


# --- report ----------------------------------------------------------------------------------


def _verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


async def engine_version(args: argparse.Namespace) -> str:
    if args.db != "postgres":
        return f"SQLite {sqlite3.sqlite_version}"
    db = Database(args.pg_url.rsplit("/", 1)[0] + "/postgres")
    async with db.engine.connect() as conn:
        version = (await conn.execute(text("SHOW server_version"))).scalar_one()
    await db.dispose()
    return f"PostgreSQL {version}"


def report(results: list[Result], args: argparse.Namespace, engine: str) -> bool:
    print(
        f"\nTick cost on {engine}, Python {platform.python_version()}, "
        f"{os.cpu_count()} CPUs; idle: median of {args.idle_repeats}, "
        f"busy: median of {args.repeats} (each from the populated state); batch limit {LIMIT}"
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
    target = TARGETS[args.db]
    where = f"at {large.couples:,} couples" + (
        "" if large.couples == target.couples else f" (not {target.couples:,})"
    )
    due = f"{large.due_couples:,} couples due" + (
        "" if large.due_couples == target.due else f", not {target.due:,}"
    )
    idle_ok = large.idle_median <= target.idle_s
    busy_ok = large.busy_median <= target.busy_s
    print(
        f"targets {where}: idle tick <= {1000 * target.idle_s:.0f} ms: {_verdict(idle_ok)} "
        f"({1000 * large.idle_median:.2f} ms); busiest minute ({due}) "
        f"<= {target.busy_s:.0f} s: {_verdict(busy_ok)} ({large.busy_median:.2f} s)"
    )
    return idle_ok and busy_ok


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--db", choices=sorted(TARGETS), default="sqlite")
    parser.add_argument(
        "--couples", type=int, nargs="+", help="sizes to measure (default: the target's)"
    )
    parser.add_argument(
        "--due", type=int, help="couples due in the busy minute (default: the target's)"
    )
    parser.add_argument("--repeats", type=int, default=3, help="busy-minute runs per size")
    parser.add_argument("--idle-repeats", type=int, default=21, help="idle ticks per size")
    parser.add_argument("--profile", action="store_true", help="time every SQL statement once")
    parser.add_argument(
        "--explain",
        action="store_true",
        help="PostgreSQL: EXPLAIN ANALYZE the idle query and the busy run's costliest statements",
    )
    parser.add_argument("--explain-top", type=int, default=8)
    parser.add_argument(
        "--pg-url", default=PG_URL, help="scratch database URL; the size is appended to its name"
    )
    parser.add_argument(
        "--keep", action="store_true", help="PostgreSQL: keep the populated scratch database"
    )
    args = parser.parse_args()
    args.couples = args.couples or DEFAULT_SIZES[args.db]
    args.due = args.due or TARGETS[args.db].due
    if args.repeats < 1 or args.idle_repeats < 1 or min(args.couples) < 1 or args.due < 1:
        parser.error("sizes, --due and repeats must be positive")

    library = content.load()
    settle()  # as `bot.app.build` leaves the bot's process once the service is built
    results = []
    with tempfile.TemporaryDirectory(prefix="rekindle-bench-") as tmp:
        for couples in sorted(set(args.couples)):
            results.append(await run_size(couples, args.due, library, args, Path(tmp)))
    return 0 if report(results, args, await engine_version(args)) else 1


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
