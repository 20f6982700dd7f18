"""Whole-process CPU per update of the running bot, against a bare PTB echo bot in the same run.

The issue's target ("Speed where it counts"): measured as an operator sees it, the CPU the bot
process spends per update is at most 2.0x what a bare python-telegram-bot echo bot spends on the
same updates, on SQLite; at most 2.5x on PostgreSQL.

The fake Bot API (`tests.helpers.telegram.fake_bot_api.FakeBotApi`) runs in this process; each
bot runs as a child process started as an operator starts it: Rekindle as `python -m bot` with
BOT_TOKEN, TELEGRAM_API_URL (the fake), DATABASE_URL (a fresh SQLite file in a temp dir, or a
scratch PostgreSQL database `bench_process` this script creates and drops), PAIRING_SECRET and
LOG_LEVEL=WARNING, every other setting at its default (so SEND_RATE_PER_SECOND=25 and
TICK_SECONDS=30); the child runs in the temp dir, so no `.env` is read. CPU is the child's own
utime + stime from /proc/<pid>/stat (its children excluded; PostgreSQL's server processes are
not in it), read when the bot is idle before the measured phase and again when it is idle after
it, so start-up and setup are left out. "Idle": no update pending at the fake and no Bot API
call but getUpdates for `--quiet` seconds. The main thread's share (the event loop: PTB,
SQLAlchemy, the bot) is read from /proc/<pid>/task/<pid>/stat; the rest is other threads
(aiosqlite runs each SQLite connection in a thread of its own).

Rekindle, per run:

* setup (untimed): `--couples` couples pair through the fake as people do: both partners send
  `/timezone +HH:00` (an offset that puts them near 14:30 local time, 6 hours from the 20:30
  evening and from the couple-day's turn, so nothing scheduled falls into the measurement), then
  partner A `/pair`, and partner B `/pair CODE` with the code from A's invite.
* measured: the couples go in waves of `--wave` (default 50); a wave takes four steps, each
  step's updates queued at the fake at once, the next step starting when every reply of this
  one has arrived (each partner writes after reading the bot's answer): A `/checkin` (the
  evening question goes to both), B `/checkin` ("already out"), A answers in text (sealed), B
  answers (the reveal goes to both). That is 4 updates a couple (1,200 for 300 couples); then
  the bench waits until the bot is idle again.
* checked: every partner got a message holding the other's answer (2 reveals a couple), the
  fake answered every call with 200, and the bot logged no error; else FAIL. (With every couple
  in one wave, `--wave 0`, 300 `/pair CODE` at once have made SQLite give up on `BEGIN
  IMMEDIATE`, "database is locked" after the 15 s busy timeout, on a loaded machine, losing
  updates: hence waves.)

The echo bot, per run: a bare PTB bot (`ApplicationBuilder` defaults, one
`MessageHandler(filters.TEXT, ...)`, `run_polling`) written to a temp file and started the same
way against a fresh fake with as many users. It answers 100 untimed warm-up messages, then gets
the same updates (same texts, steps and waves) and sends as many messages as Rekindle did: M
sendMessage calls over U updates in Rekindle's measured phase make the echo bot's k-th update
send floor((k+1)M/U) - floor(kM/U) `reply_text`s, M in all. A step ends when its share of
those has arrived.

Each bot's messages reach the fake at its own pace: Rekindle's through its AIORateLimiter at
SEND_RATE_PER_SECOND (25/s overall) and its outbox (partners' messages), the bare echo bot's at
once (PTB's default: no limiter, one update at a time). So Rekindle's measured phase lasts at
least M / 25 seconds (96 s for 300 couples) and the echo bot's less; the report gives both wall
times. What Rekindle does meanwhile (long polls, the 30 s beat) is counted, as for an operator:
idle, it spends about 4 ms of CPU a second.

`--profile` also profiles Rekindle's measured phase: with `py-spy record --pid PID --gil` when
py-spy is installed (`pip install py-spy`), else with cProfile, through a small wrapper the
child then runs instead of `python -m bot` (it runs the `bot` module the same way) that turns a
`cProfile.Profile` on at SIGUSR1 and off, saving it, at SIGUSR2. py-spy's `--gil` samples
whichever thread holds the GIL, so Python in every thread but not SQLite's C code (it lets go of
the GIL); without `--gil`, py-spy counts threads blocked in aiosqlite's queue or in SQLite's
busy wait as busy here (4x more samples than the process had CPU). py-spy's samples are
wall time with the GIL held, so a thread the OS preempts while holding it (aiosqlite's, on a
busy machine) looks busier than its CPU. `--profiler cProfile` picks cProfile: the main
thread's CPU time (`time.thread_time`), not wall time, so waiting is not in it; it slows the bot
down, inflating that run's CPU figures. The output names the
profiler, prints the top functions and where the profile was kept.

Run from the repository root:

    python bench/process.py                      # 300 couples on SQLite (~3 to 5 min)
    python bench/process.py --couples 30         # a quick look (~40 s)
    python bench/process.py --db postgres        # on a scratch PostgreSQL database
    python bench/process.py --couples 30 --profile
"""

from __future__ import annotations

import argparse
import asyncio
import math
import os
import platform
import pstats
import re
import shutil
import signal
import statistics
import sys
import sysconfig
import tempfile
import time
from collections import Counter, deque
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the repository root

from bench.footprint import SETTINGS_VARS
from bot.core import texts
from tests.helpers.telegram.fake_bot_api import FakeBotApi

TOKEN = "123:abc"
TARGETS = {"sqlite": 2.0, "postgres": 2.5}
PG_SERVER = ("-h", "127.0.0.1", "-p", "5432", "-U", "postgres")
PG_DATABASE = "bench_process"
PG_URL = f"postgresql+asyncpg://postgres@127.0.0.1:5432/{PG_DATABASE}"
PAIRING_SECRET = "bench-process-pairing-secret-0123456789"
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
FIRST_A, FIRST_B = 100_000, 200_000  # user ids: partner A of couple i is FIRST_A + i
WARMUP = "warm-up"
LOCAL_HOUR = 14.5  # where the couples' clocks stand: 6 h from the 20:30 evening and 08:30
SPY_RATE = 200  # py-spy samples a second
WAVE = 50  # couples whose updates are queued at once
ECHO_WARMUP = 100  # untimed messages the echo bot answers first
LOGGED_ERROR = re.compile(r"^\S+ \S+ (ERROR|CRITICAL) ")  # as bot/logs.py writes them in text
REPO = Path(__file__).resolve().parent.parent
PATH_PREFIXES = sorted(
    {f"{path}/" for path in (REPO, *(sysconfig.get_paths()[k] for k in ("purelib", "stdlib")))},
    key=len,
    reverse=True,
)

ECHO_BOT = '''\
"""A bare python-telegram-bot echo bot sending Rekindle's number of messages per update."""

import os

from telegram import Update
from telegram.ext import ApplicationBuilder, ContextTypes, MessageHandler, filters

MESSAGES = int(os.environ["ECHO_MESSAGES"])
UPDATES = int(os.environ["ECHO_UPDATES"])
seen = 0


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    global seen
    text = update.message.text
    if text.startswith("warm-up"):
        await update.message.reply_text(text)
        return
    k, seen = seen, seen + 1
    for _ in range((k + 1) * MESSAGES // UPDATES - k * MESSAGES // UPDATES):
        await update.message.reply_text(text)


application = (
    ApplicationBuilder()
    .token(os.environ["BOT_TOKEN"])
    .base_url(os.environ["TELEGRAM_API_URL"])
    .build()
)
application.add_handler(MessageHandler(filters.TEXT, echo))
application.run_polling(timeout=10)
'''

CPROFILE_WRAPPER = '''\
"""`python -m bot` under a cProfile profiler: on at SIGUSR1, off and saved at SIGUSR2."""

import cProfile
import time
import os
import runpy
import signal
import sys

profiler = cProfile.Profile(time.thread_time)


def start(signum, frame):
    profiler.enable()


def stop(signum, frame):
    profiler.disable()
    profiler.dump_stats(os.environ["BENCH_PROFILE_OUT"] + ".part")
    os.replace(os.environ["BENCH_PROFILE_OUT"] + ".part", os.environ["BENCH_PROFILE_OUT"])


signal.signal(signal.SIGUSR1, start)
signal.signal(signal.SIGUSR2, stop)
sys.argv = ["bot"]
runpy.run_module("bot", run_name="__main__", alter_sys=True)
'''


class BenchFakeBotApi(FakeBotApi):
    """The fake, keeping what the bench waits on as messages come in (O(1) per message: it shares
    the machine's two cores with the bot): the number of bot messages, the moment of the last
    call other than getUpdates, every answer that was not 200, and the chats still awaiting a
    message (holding a needle, or any message when the needle is "")."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.sent = 0
        self.last_call = time.monotonic()
        self.not_ok: list[tuple[str, int, str]] = []
        self.awaited: dict[int, str] = {}

    async def _handle_http(self, token: str, method_name: str, *args: Any) -> tuple[int, Any]:
        if method_name != "getUpdates":
            self.last_call = time.monotonic()
        status, body = await super()._handle_http(token, method_name, *args)
        if status != 200:
            self.not_ok.append((method_name, status, str(body.get("description", ""))))
        if method_name != "getUpdates":
            self.last_call = time.monotonic()
        return status, body

    def quiet_for(self) -> float:
        """Seconds since the last call but getUpdates, or 0 while an update is pending."""
        return 0.0 if self._pending else time.monotonic() - self.last_call

    def _new_record(self, chat_id: int, kind: str, p: Any, **fields: Any) -> Any:
        self.sent += 1
        needle = self.awaited.get(chat_id)
        if needle is not None and needle in (fields.get("rendered") or ""):
            del self.awaited[chat_id]
        return super()._new_record(chat_id, kind, p, **fields)


@dataclass
class Phase:
    """One measured phase of one bot."""

    label: str
    updates: int = 0
    cpu_s: float = 0.0
    main_cpu_s: float = 0.0  # of that, the main thread's (the event loop)
    wall_s: float = 0.0
    methods: Counter[str] = field(default_factory=Counter)
    setup_s: float | None = None
    setup_cpu_s: float | None = None
    reveals: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def messages(self) -> int:
        return self.methods["sendMessage"]

    @property
    def ms_per_update(self) -> float:
        return 1000 * self.cpu_s / self.updates if self.updates else math.nan


@dataclass
class Couple:
    index: int
    a: int
    b: int
    code: str = ""

    @property
    def answer_a(self) -> str:
        return f"[a-{self.index}] a long walk by the river after dinner, like the first summer"

    @property
    def answer_b(self) -> str:
        return f"[b-{self.index}] the morning you brought me coffee before my exam"


def cpu_seconds(pid: int, tid: int | None = None) -> float:
    """utime + stime of the process (not its children), from /proc/<pid>/stat; or of one of its
    threads, from /proc/<pid>/task/<tid>/stat."""
    path = f"/proc/{pid}/stat" if tid is None else f"/proc/{pid}/task/{tid}/stat"
    with open(path, encoding="ascii") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def zone_offset(now: datetime) -> str:
    """The whole-hour UTC offset whose local time is closest to LOCAL_HOUR now."""
    hours = round(LOCAL_HOUR - (now.hour + now.minute / 60))
    hours = (hours + 12) % 24 - 12  # -12 .. +11
    return f"{'+' if hours >= 0 else '-'}{abs(hours):02d}:00"


def waves(couples: list[Couple], size: int) -> list[list[Couple]]:
    size = size or len(couples)
    return [couples[i : i + size] for i in range(0, len(couples), size)]


async def settle(api: BenchFakeBotApi, quiet: float, within: float) -> None:
    """Until no update is pending at the fake and no call but getUpdates came for `quiet` s."""
    deadline = time.monotonic() + within
    while api.quiet_for() < quiet:
        if time.monotonic() > deadline:
            raise TimeoutError(f"the bot did not go idle within {within:g} s")
        await asyncio.sleep(0.05)


async def step(
    api: BenchFakeBotApi,
    sends: list[tuple[int, str]],
    awaited: dict[int, str],
    within: float,
    what: str,
) -> None:
    """Queue `sends` at once; wait until every chat in `awaited` got a message with its needle."""
    api.awaited = dict(awaited)
    for user, text in sends:
        api.send_text(user, text)
    try:
        await api.wait_for(lambda: not api.awaited, within=within)
    except TimeoutError:
        raise TimeoutError(
            f"{what}: {len(api.awaited)} chat(s) still waiting after {within:g} s"
        ) from None


async def step_count(
    api: BenchFakeBotApi, sends: list[tuple[int, str]], target: int, within: float, what: str
) -> None:
    """Queue `sends` at once; wait until the fake holds `target` bot messages in all."""
    for user, text in sends:
        api.send_text(user, text)
    try:
        await api.wait_for(lambda: api.sent >= target, within=within)
    except TimeoutError:
        raise TimeoutError(f"{what}: {api.sent} of {target} messages after {within:g} s") from None


def measured_steps(wave: list[Couple]) -> list[tuple[str, list[tuple[int, str]], dict[int, str]]]:
    """The four steps of a wave: (name, updates to send, chat -> needle awaited)."""
    already_out = texts.CHECKIN_SENT.split("{", 1)[0]
    sealed = texts.SEALED.split("{", 1)[0]
    return [
        (
            "A /checkin",
            [(c.a, "/checkin") for c in wave],
            {chat: "" for c in wave for chat in (c.a, c.b)},
        ),
        ("B /checkin", [(c.b, "/checkin") for c in wave], {c.b: already_out for c in wave}),
        ("A answers", [(c.a, c.answer_a) for c in wave], {c.a: sealed for c in wave}),
        (
            "B answers",
            [(c.b, c.answer_b) for c in wave],
            {**{c.a: c.answer_b for c in wave}, **{c.b: c.answer_a for c in wave}},
        ),
    ]


def step_timeout(couples: int) -> float:
    return 60 + couples * 0.5  # a step sends at most 2 messages a couple, at 25/s


def child_env(api: FakeBotApi, database_url: str | None, extra: dict[str, str]) -> dict[str, str]:
    drop = {*SETTINGS_VARS, "PAIRING_SECRET", "PLATFORMS", "TELEGRAM_API_URL"}
    env = {key: value for key, value in os.environ.items() if key.upper() not in drop}
    env.update(
        BOT_TOKEN=TOKEN,
        TELEGRAM_API_URL=api.base_url,
        LOG_LEVEL="WARNING",
        PYTHONUNBUFFERED="1",
        PYTHONPATH=os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")]).rstrip(
            os.pathsep
        ),
        **extra,
    )
    if database_url is not None:
        env["DATABASE_URL"] = database_url
        env["PAIRING_SECRET"] = PAIRING_SECRET
    return env


class Child:
    """A bot process, its last lines of output kept (and its pipe never left to fill up)."""

    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process
        self.output: deque[str] = deque(maxlen=20)
        self.errors = 0  # lines it logged at ERROR or CRITICAL
        self.reader = asyncio.create_task(self._collect())

    @classmethod
    async def spawn(cls, argv: list[str], env: dict[str, str], cwd: Path) -> Child:
        process = await asyncio.create_subprocess_exec(
            *argv,
            env=env,
            cwd=cwd,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
            stdin=asyncio.subprocess.DEVNULL,
        )
        return cls(process)

    async def _collect(self) -> None:
        assert self.process.stdout is not None
        async for line in self.process.stdout:
            text = line.decode(errors="replace").rstrip()
            self.output.append(text)
            self.errors += bool(LOGGED_ERROR.match(text))

    @property
    def pid(self) -> int:
        return self.process.pid

    def cpu(self) -> tuple[float, float]:
        """CPU seconds of the whole process and of its main thread (the event loop)."""
        if self.process.returncode is not None:
            raise RuntimeError(f"the bot exited (code {self.process.returncode})")
        return cpu_seconds(self.pid), cpu_seconds(self.pid, self.pid)

    async def polling(self, api: FakeBotApi, within: float = 60.0) -> None:
        deadline = time.monotonic() + within
        while not any(name == "getUpdates" for name, _ in api.calls):
            if self.process.returncode is not None or time.monotonic() > deadline:
                raise RuntimeError(f"no getUpdates (exit code {self.process.returncode})")
            await asyncio.sleep(0.05)

    async def stop(self, within: float = 30.0) -> None:
        if self.process.returncode is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(self.process.wait(), within)
            except TimeoutError:
                self.process.kill()
                await self.process.wait()
        await self.reader

    def tail(self) -> str:
        return "\n      ".join(self.output)


class Stopwatch:
    """Wall time and the child's CPU (all of it, and its main thread's) from its making on."""

    def __init__(self, child: Child) -> None:
        self.child = child
        self.wall = time.monotonic()
        self.cpu, self.main = child.cpu()

    def read(self, quiet: float) -> tuple[float, float, float]:
        """Wall seconds (less the `quiet` seconds of idle that ended it), CPU s, main thread's."""
        cpu, main = self.child.cpu()
        return time.monotonic() - self.wall - quiet, cpu - self.cpu, main - self.main


class Profiler:
    """py-spy attached to the bot for the measured phase, or the cProfile wrapper's signals. The
    profile is kept in the system's temp dir (its path is printed)."""

    def __init__(self, kind: str, directory: Path, name: str) -> None:
        self.kind = kind  # "py-spy" or "cProfile"
        self.directory = directory
        suffix = ".txt" if kind == "py-spy" else ".prof"
        self.output = Path(tempfile.gettempdir()) / f"rekindle-bench-process-{name}{suffix}"
        self.output.unlink(missing_ok=True)
        self.spy: asyncio.subprocess.Process | None = None

    def argv(self, python: str) -> list[str]:
        if self.kind == "py-spy":
            return [python, "-m", "bot"]
        wrapper = self.directory / "cprofile_bot.py"
        wrapper.write_text(CPROFILE_WRAPPER, encoding="utf-8")
        return [python, str(wrapper)]

    def env(self) -> dict[str, str]:
        return {"BENCH_PROFILE_OUT": str(self.output)} if self.kind == "cProfile" else {}

    async def start(self, pid: int) -> None:
        if self.kind == "cProfile":
            os.kill(pid, signal.SIGUSR1)
            return
        spy = shutil.which("py-spy")
        assert spy is not None
        self.spy = await asyncio.create_subprocess_exec(
            *[spy, "record", "--pid", str(pid), "--gil", "--rate", str(SPY_RATE)],
            *["--format", "raw", "--output", str(self.output)],
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.DEVNULL,
        )
        await asyncio.sleep(0.5)  # attached

    async def stop(self, pid: int) -> None:
        if self.kind == "cProfile":
            os.kill(pid, signal.SIGUSR2)
            for _ in range(300):  # it is written when the bot's main thread next runs
                if self.output.exists():
                    break
                await asyncio.sleep(0.1)
            return
        assert self.spy is not None
        self.spy.send_signal(signal.SIGINT)
        await asyncio.wait_for(self.spy.wait(), 60)

    def report(self, top: int) -> None:
        if not self.output.exists():
            print(f"  ({self.kind} wrote no profile)")
            return
        print(f"  {self.kind} profile kept in {self.output}")
        if self.kind == "cProfile":
            print_cprofile(self.output, top)
        else:
            print_pyspy(self.output, top)


def print_cprofile(path: Path, top: int) -> None:
    raw: dict[Any, Any] = pstats.Stats(str(path)).stats  # type: ignore[attr-defined]
    total = sum(entry[2] for entry in raw.values())
    print(
        f"  cProfile (main thread only; SQLite's work in aiosqlite's threads shows as the event "
        f"loop waiting): {total:.2f} s of own time in all"
    )
    ours = {key: entry for key, entry in raw.items() if "/bot/" in key[0]}
    for title, rows, column in (
        ("own time", raw, 2),
        ("cumulative time", raw, 3),
        ("cumulative time, Rekindle's own functions", ours, 3),
    ):
        ranked = sorted(rows.items(), key=lambda item: item[1][column], reverse=True)[:top]
        print(f"  top {top} by {title}:")
        print(f"    {'own s':>7} {'cum s':>7} {'calls':>8}  function")
        for (filename, line, name), entry in ranked:
            print(
                f"    {entry[2]:7.3f} {entry[3]:7.3f} {entry[1]:8d}  "
                f"{name} ({short_path(filename)}:{line})"
            )


_FRAME = re.compile(r"^(?P<name>.*) \((?P<file>[^()]*?)(?::(?P<line>\d+))?\)$")


def _function(frame: str) -> str:
    """A frame as py-spy writes it, "name (file:line)", without the line: one row a function."""
    match = _FRAME.match(frame)
    return frame if match is None else f"{match['name']} ({short_path(match['file'])})"


def print_pyspy(path: Path, top: int) -> None:
    own: Counter[str] = Counter()
    total: Counter[str] = Counter()
    packages: Counter[str] = Counter()
    samples = 0
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        stack, _, count_text = line.rpartition(" ")
        frames = [_function(frame) for frame in stack.split(";") if frame]
        if not frames or not count_text.isdigit():
            continue
        count = int(count_text)
        samples += count
        own[frames[-1]] += count
        packages[_package(frames[-1])] += count
        for function in set(frames):
            total[function] += count
    if not samples:
        print("  (py-spy recorded no samples)")
        return
    print(
        f"  py-spy --gil: {samples} samples ({samples / SPY_RATE:.1f} s at {SPY_RATE}/s) of "
        f"whichever thread held the GIL, i.e. Python code in any thread; SQLite's C code (it "
        f"lets go of the GIL) and waiting are not in it. Stacks run inside SQLAlchemy's "
        f"greenlets start at the greenlet, so callers' cumulative shares are lower bounds."
    )
    ours = Counter({name: count for name, count in total.items() if "(bot/" in name})
    for title, counter in (
        ("own samples", own),
        ("samples in the stack (cumulative)", total),
        ("samples in the stack, Rekindle's own functions", ours),
    ):
        print(f"  top {top} functions by {title}:")
        for function, count in counter.most_common(top):
            print(f"    {100 * count / samples:5.1f}%  {function}")
    print("  own samples by package:")
    for package, count in packages.most_common(12):
        print(f"    {100 * count / samples:5.1f}%  {package}")


def short_path(filename: str) -> str:
    """A file's path from its package on ("telegram/_bot.py"), or as given."""
    for prefix in PATH_PREFIXES:
        if filename.startswith(prefix):
            return filename[len(prefix) :]
    return filename


def _package(function: str) -> str:
    """The top package of "name (package/module.py)", or the module's name."""
    match = re.search(r"\((?:<frozen )?([^()/<>.]+)", function)
    return match.group(1) if match else function


async def run_rekindle(
    args: argparse.Namespace, database_url: str, directory: Path, profiler: Profiler | None
) -> Phase:
    phase = Phase("Rekindle")
    api = BenchFakeBotApi(token=TOKEN, bot_username="rekindle_test_bot")
    await api.start()
    couples = [Couple(i, FIRST_A + i, FIRST_B + i) for i in range(args.couples)]
    for couple in couples:
        api.user(couple.a, f"Alex{couple.index}")
        api.user(couple.b, f"Sam{couple.index}")
    argv = profiler.argv(sys.executable) if profiler else [sys.executable, "-m", "bot"]
    env = child_env(api, database_url, profiler.env() if profiler else {})
    child = await Child.spawn(argv, env, directory)
    try:
        await child.polling(api)
        setup = Stopwatch(child)
        await pair(api, couples, args)
        await settle(api, args.quiet, step_timeout(args.couples))
        phase.setup_s, phase.setup_cpu_s, _ = setup.read(args.quiet)
        calls_before = len(api.calls)
        if profiler:
            await profiler.start(child.pid)
        measured = Stopwatch(child)
        for wave in waves(couples, args.wave):
            for what, sends, awaited in measured_steps(wave):
                await step(api, sends, awaited, step_timeout(len(wave)), what)
                phase.updates += len(sends)
        await settle(api, args.quiet, step_timeout(args.couples))
        phase.wall_s, phase.cpu_s, phase.main_cpu_s = measured.read(args.quiet)
        if profiler:
            await profiler.stop(child.pid)
        phase.methods = Counter(name for name, _ in api.calls[calls_before:])
        del phase.methods["getUpdates"]
        check_reveals(api, couples, phase)
        if child.errors:
            phase.problems.append(f"the bot logged {child.errors} error(s):\n      {child.tail()}")
    except (TimeoutError, RuntimeError) as exc:
        phase.problems.append(f"{exc}\n      {child.tail()}")
    finally:
        await child.stop()
        await api.stop()
    return phase


async def pair(api: BenchFakeBotApi, couples: list[Couple], args: argparse.Namespace) -> None:
    """Every couple pairs as people do: both set a time zone, A `/pair`, B `/pair CODE`."""
    zone = zone_offset(datetime.now(UTC))
    zone_set = texts.ZONE_SET.split("{", 1)[0]
    paired = texts.PAIR_DONE.split("{", 1)[0]
    within = step_timeout(args.couples)
    for wave in waves(couples, args.wave):
        await step(
            api,
            [(user, f"/timezone {zone}") for c in wave for user in (c.a, c.b)],
            {user: zone_set for c in wave for user in (c.a, c.b)},
            within,
            "setup: /timezone",
        )
        await step(api, [(c.a, "/pair") for c in wave], {c.a: "" for c in wave}, within, "/pair")
        for couple in wave:
            invite = api.texts(couple.a, rendered=True)[-1]
            match = re.search(r"\?start=(\w+)", invite) or re.search(r"/pair (\w+)", invite)
            if match is None:
                raise RuntimeError(f"no invite code in {invite!r}")
            couple.code = match.group(1)
        await step(
            api,
            [(c.b, f"/pair {c.code}") for c in wave],
            {user: paired for c in wave for user in (c.a, c.b)},
            within,
            "setup: /pair CODE",
        )


def check_reveals(api: BenchFakeBotApi, couples: list[Couple], phase: Phase) -> None:
    """Each partner got the other's answer; the fake answered every call with 200."""
    missing = 0
    for couple in couples:
        for chat, answer in ((couple.a, couple.answer_b), (couple.b, couple.answer_a)):
            got = sum(answer in text for text in api.texts(chat, rendered=True))
            phase.reveals += got
            missing += got == 0
    if missing:
        phase.problems.append(f"{missing} partner(s) never got the other's answer")
    if api.not_ok:
        shown = Counter(api.not_ok).most_common(5)
        phase.problems.append(f"{len(api.not_ok)} call(s) not answered 200: {shown}")


async def run_echo(args: argparse.Namespace, directory: Path, messages: int, updates: int) -> Phase:
    phase = Phase("bare PTB echo bot")
    api = BenchFakeBotApi(token=TOKEN, bot_username="echo_test_bot")
    await api.start()
    couples = [Couple(i, FIRST_A + i, FIRST_B + i) for i in range(args.couples)]
    for couple in couples:
        api.user(couple.a, f"Alex{couple.index}")
        api.user(couple.b, f"Sam{couple.index}")
    script = directory / "echo_bot.py"
    script.write_text(ECHO_BOT, encoding="utf-8")
    extra = {"ECHO_MESSAGES": str(messages), "ECHO_UPDATES": str(max(updates, 1))}
    child = await Child.spawn([sys.executable, str(script)], child_env(api, None, extra), directory)
    within = step_timeout(args.couples)
    try:
        await child.polling(api)
        setup = Stopwatch(child)
        users = [user for c in couples for user in (c.a, c.b)][:ECHO_WARMUP]
        await step_count(api, [(u, f"{WARMUP} {u}") for u in users], len(users), within, WARMUP)
        await settle(api, args.quiet, within)
        phase.setup_s, phase.setup_cpu_s, _ = setup.read(args.quiet)
        calls_before, sent_before = len(api.calls), api.sent
        measured = Stopwatch(child)
        for wave in waves(couples, args.wave):
            for what, sends, _ in measured_steps(wave):
                phase.updates += len(sends)
                target = sent_before + phase.updates * messages // max(updates, 1)
                await step_count(api, sends, target, within, f"echo: {what}")
        await settle(api, args.quiet, within)
        phase.wall_s, phase.cpu_s, phase.main_cpu_s = measured.read(args.quiet)
        phase.methods = Counter(name for name, _ in api.calls[calls_before:])
        del phase.methods["getUpdates"]
        if phase.messages != messages:
            phase.problems.append(f"sent {phase.messages} messages, not {messages}")
        if api.not_ok:
            phase.problems.append(f"{len(api.not_ok)} call(s) not answered 200")
    except (TimeoutError, RuntimeError) as exc:
        phase.problems.append(f"{exc}\n      {child.tail()}")
    finally:
        await child.stop()
        await api.stop()
    return phase


async def pg(*command: str) -> None:
    process = await asyncio.create_subprocess_exec(
        *command,
        *PG_SERVER,
        PG_DATABASE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    output, _ = await process.communicate()
    if process.returncode:
        raise RuntimeError(f"{command[0]} failed: {output.decode(errors='replace').strip()}")


def show(phase: Phase) -> None:
    if phase.problems:
        print(f"  {phase.label:<22} PROBLEM: " + "\n      ".join(phase.problems))
        if not phase.updates:
            return
    setup = (
        f"{phase.setup_s:6.1f} {1000 * phase.setup_cpu_s:8.0f}"
        if phase.setup_s is not None and phase.setup_cpu_s is not None
        else f"{'-':>6} {'-':>8}"
    )
    others = ", ".join(
        f"{name} {count}" for name, count in phase.methods.most_common() if name != "sendMessage"
    )
    print(
        f"  {phase.label:<22} {setup}   {phase.updates:6d} {phase.messages:6d} "
        f"{phase.messages / max(phase.updates, 1):5.2f} {phase.wall_s:6.1f} "
        f"{1000 * phase.cpu_s:8.0f} {1000 * phase.main_cpu_s:7.0f} "
        f"{phase.ms_per_update:7.2f}  {others or '-'}"
    )


async def main(args: argparse.Namespace) -> int:
    databases = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    profiler_kind = None
    if args.profile:
        profiler_kind = args.profiler or ("py-spy" if shutil.which("py-spy") else "cProfile")
    print(
        f"Python {platform.python_version()} on {platform.machine()}, {os.cpu_count()} CPUs; "
        f"{args.couples} couples, {4 * args.couples} measured updates a run, in waves of "
        f"{args.wave or args.couples} couples; {args.repeats} run(s) per database"
    )
    if profiler_kind:
        print(f"Profiling Rekindle's measured phase with {profiler_kind}")
    failed = False
    for database in databases:
        ratios: list[float] = []
        pairs: list[tuple[Phase, Phase | None]] = []
        for repeat in range(1, args.repeats + 1):
            with tempfile.TemporaryDirectory(prefix="rekindle-bench-process-") as tmp:
                directory = Path(tmp)
                profiler = (
                    Profiler(profiler_kind, directory, f"{database}-{repeat}")
                    if profiler_kind
                    else None
                )
                if database == "postgres":
                    await pg("dropdb", "--if-exists")
                    await pg("createdb")
                    url = PG_URL
                else:
                    url = f"sqlite+aiosqlite:///{directory / 'bot.db'}"
                try:
                    rekindle = await run_rekindle(args, url, directory, profiler)
                finally:
                    if database == "postgres":
                        await pg("dropdb", "--if-exists")
                rekindle.label = f"Rekindle #{repeat}"
                echo = None
                if rekindle.updates and rekindle.messages:
                    echo = await run_echo(args, directory, rekindle.messages, rekindle.updates)
                    echo.label = f"echo bot #{repeat}"
                pairs.append((rekindle, echo))
                if profiler:
                    print(f"\nProfile of Rekindle's measured phase (run #{repeat}, {database}):")
                    profiler.report(args.top)
                ok = not rekindle.problems and echo is not None and not echo.problems
                if ok and echo is not None and echo.cpu_s > 0:
                    ratios.append(rekindle.cpu_s / echo.cpu_s)
                failed = failed or not ok
        failed = report(database, pairs, ratios, args) or failed
    return 1 if failed else 0


def report(
    database: str,
    pairs: list[tuple[Phase, Phase | None]],
    ratios: list[float],
    args: argparse.Namespace,
) -> bool:
    """Print one database's runs and verdict; True if the target was missed."""
    name = {"sqlite": "SQLite", "postgres": "PostgreSQL"}[database]
    print(f"\n{name}:")
    print(
        f"  {'run':<22} {'setup':>6} {'set-CPU':>8}   {'upd':>6} {'msgs':>6} {'m/upd':>5} "
        f"{'wall':>6} {'CPU':>8} {'main':>7} {'CPU/upd':>7}  other calls"
    )
    print(
        f"  {'':<22} {'s':>6} {'ms':>8}   {'':>6} {'':>6} {'':>5} {'s':>6} {'ms':>8} {'ms':>7} "
        f"{'ms':>7}"
    )
    for rekindle, echo in pairs:
        show(rekindle)
        if echo is not None:
            show(echo)
        if rekindle.updates:
            expected = 2 * args.couples
            print(f"  {'':<22} reveals: {rekindle.reveals} of {expected}")
    target = TARGETS[database]
    if not ratios or len(ratios) < len(pairs):
        print(f"  Rekindle on {name}: no complete measurement (target <= {target:g}x): FAIL")
        return True
    good = [(r, e) for r, e in pairs if e is not None]
    rekindle_ms = statistics.median(r.ms_per_update for r, _ in good)
    echo_ms = statistics.median(e.ms_per_update for _, e in good)
    ratio = statistics.median(ratios)
    passed = ratio <= target
    spread = f" (runs: {', '.join(f'{r:.2f}' for r in ratios)})" if len(ratios) > 1 else ""
    print(
        f"  Rekindle on {name}: {rekindle_ms:.2f} ms CPU per update = {ratio:.2f}x the bare "
        f"echo bot's {echo_ms:.2f} ms{spread} (target <= {target:g}x): "
        f"{'PASS' if passed else 'FAIL'}"
    )
    return not passed


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--couples", type=int, default=300, help="couples (4 updates each)")
    parser.add_argument(
        "--db", choices=["sqlite", "postgres", "both"], default="sqlite", help="database(s)"
    )
    parser.add_argument("--repeats", type=int, default=1, help="runs of both bots per database")
    parser.add_argument(
        "--wave",
        type=int,
        default=WAVE,
        help=f"couples whose updates go in at once, a step at a time (default {WAVE}; 0: all)",
    )
    parser.add_argument("--quiet", type=float, default=1.0, help="seconds without calls = idle")
    parser.add_argument(
        "--profile",
        action="store_true",
        help="profile Rekindle's measured phase: py-spy if installed, else cProfile",
    )
    parser.add_argument(
        "--profiler",
        choices=["py-spy", "cProfile"],
        help="with --profile: this profiler (cProfile: the main thread's CPU time)",
    )
    parser.add_argument("--top", type=int, default=20, help="functions shown by --profile")
    return parser.parse_args(argv)


if __name__ == "__main__":
    sys.exit(asyncio.run(main(parse_args())))
