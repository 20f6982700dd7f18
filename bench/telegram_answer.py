"""Handling an answer update through the full Telegram stack, against a bare PTB echo bot.

The issue's target: handling an answer update through the full Telegram stack on an offline
request layer costs at most 1.5x what a bare python-telegram-bot echo bot costs on the same
layer, in the same run.

Both bots run in this process on `tests.helpers.telegram.offline.OfflineRequest` (no network:
every Bot API call is answered from memory), and each update goes in as PTB's update fetcher
hands it over: `Update.de_json(payload, bot)`, then
`application.update_processor.process_update(update, application.process_update(update))`
(Rekindle's per-chat processor; PTB's default for the echo bot). The timing of one update covers
de_json, the processor, PTB's dispatch, the handler and every Bot API call it makes.

Rekindle's handlers keep a per-chat reply budget (a flood guard: the same reply is not repeated
within seconds, and a burst of messages gets only a few replies). Hundreds of answers a second
from one partner would be a flood, so before each timed update the budget is renewed
(untimed): every answer is handled and replied to, as at a human pace.

* Rekindle: the real application (`build_application` + `TelegramRunner`, so the real
  handlers) on a fresh SQLite file, with Alex and Sam paired and an evening conversation open
  (`/checkin`). "answer (sealed)" is Alex answering again and again: each answer replaces the
  sealed one, one unit of work and one direct reply, nothing revealed, on the one path every
  update takes (the sealed-answer fast path, `bot/core/sealed.py`, is gone: its speed comes
  back in an issue of its own). "answer (reveal)" is
  the answer that completes a conversation: before each one, untimed, the clock moves a day
  on, Alex sends `/checkin` and answers; then Sam's answer is timed together with
  `outbox.deliver_due()`, which sends what the reveal pushed to Alex.
* Echo: `ApplicationBuilder` with the same kind of OfflineRequest and one
  `MessageHandler(filters.TEXT, echo)` that calls `update.message.reply_text(text)`.

Both use the same rate limiter: PTB's `AIORateLimiter(overall_max_rate=R, max_retries=0)` as
`build_application` makes it. R defaults to 1,000,000 a second, so the limiter's code runs but
never makes anyone wait: at Rekindle's production 25/s a burst of updates would measure the
limiter's sleeps, not the code (`--limiter-rate 25 --gap 0.15` paces updates instead). The
same pair is also measured with a pass-through rate limiter (Rekindle's replies pass
`rate_limit_args`, which PTB refuses without a limiter, so "without" means a `BaseRateLimiter`
that just makes the call, for both bots).

After a warm-up, each of `--rounds` rounds interleaves the compared pair (Rekindle's answer and
the echo) update by update, the order flipping every round, so a change in the machine's speed
(other load, frequency scaling) touches both alike; the reveal, timed for information, follows
in a block of its own, as its milliseconds of work would otherwise evict the others' caches in
between. The per-update median over all
rounds is reported, with the spread of round medians (and
the ratio of the best round medians, less sensitive to other load on the machine). The reveal
couple gains one revealed conversation per timed reveal, so by the end of a default run it
has several hundred days of history behind it.
`--profile` adds a cProfile run of the Rekindle answer path (top 15 by cumulative time, top 15
by own time, and own time per package). SQLite runs in aiosqlite's worker thread, which
cProfile does not see: that time shows up in the main thread as waiting in the event loop's
`select`.

Run from the repository root:

    python bench/telegram_answer.py                      # the default run (~1.5 min)
    python bench/telegram_answer.py --updates 50 --rounds 2 --reveals 10   # a quick look
    python bench/telegram_answer.py --profile            # plus where the time goes
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import gc
import io
import logging
import platform
import pstats
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import aiosqlite
from pydantic import SecretStr
from sqlalchemy import event
from telegram import Update
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    BaseRateLimiter,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.channels.telegram import TelegramChannel, TelegramRunner, build_application
from bot.clock import MovableClock
from bot.config import Settings
from bot.db import Database
from bot.outbox import Outbox
from bot.service import Rekindle
from tests.helpers.service import LIBRARY, START
from tests.helpers.telegram.offline import OfflineRequest, message_update

TOKEN = "123:abc"
ALEX, SAM, ECHO_USER = 101, 202, 303
TARGET_RATIO = 1.5
SEALED_AGAIN = "will see this answer instead"
REVEALED = "Alex's answer"

App = Application  # type: ignore[type-arg]


class PassThroughLimiter(BaseRateLimiter):  # type: ignore[type-arg]
    """A rate limiter that limits nothing: makes the call and returns its result."""

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, Any]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: Any,
    ) -> Any:
        return await callback(*args, **kwargs)


def make_limiter(kind: str, rate: float) -> BaseRateLimiter:  # type: ignore[type-arg]
    if kind == "aio":
        return AIORateLimiter(overall_max_rate=rate, max_retries=0)
    return PassThroughLimiter()


# --- the two bots ----------------------------------------------------------------------------


async def feed(application: App, payload: dict[str, Any]) -> None:
    """One update, as PTB's update fetcher hands it over: through the update processor."""
    update = Update.de_json(payload, application.bot)
    await application.update_processor.process_update(update, application.process_update(update))


@dataclass
class RekindleBot:
    application: App
    request: OfflineRequest
    service: Rekindle
    clock: MovableClock
    db: Database

    async def feed(self, payload: dict[str, Any]) -> None:
        await feed(self.application, payload)

    def renew_reply_budget(self) -> None:
        """A fresh flood guard (untimed): the next answer is replied to, as at human pace."""
        for owner in self.guarded:
            owner.budget = type(owner.budget)()

    @property
    def guarded(self) -> list[Any]:
        """The objects behind the registered callbacks that keep a reply `budget`."""
        owners = []
        for handlers in self.application.handlers.values():
            for handler in handlers:
                owner = getattr(handler.callback, "__self__", None)
                if hasattr(owner, "budget") and owner not in owners:
                    owners.append(owner)
        return owners

    async def say(self, user_id: int, text: str) -> None:
        name = "Alex" if user_id == ALEX else "Sam"
        self.renew_reply_budget()
        await self.feed(message_update(user_id, name, text=text))
        await self.service.outbox.deliver_due()

    def texts_to(self, chat_id: int) -> list[str]:
        return [p["text"] for p in self.request.sent() if int(p["chat_id"]) == chat_id]

    async def close(self) -> None:
        await self.application.shutdown()
        await self.db.dispose()


async def rekindle_bot(directory: Path, name: str, limiter: str, rate: float) -> RekindleBot:
    """The real application on a fresh SQLite file, Alex and Sam paired, an evening open."""
    request = OfflineRequest()
    settings = Settings(_env_file=None, bot_token=SecretStr(TOKEN))
    # Validation caps the rate at 30/s (Telegram's limit); the bench may go past it.
    settings = settings.model_copy(update={"send_rate_per_second": rate})
    application = build_application(settings, request=request)
    if limiter != "aio":
        application.bot._rate_limiter = make_limiter(limiter, rate)
    clock = MovableClock(START)
    db = Database(f"sqlite+aiosqlite:///{directory / f'{name}.db'}")
    await db.migrate()
    channel = TelegramChannel(application.bot)
    service = Rekindle(
        db=db, clock=clock, content=LIBRARY, outbox=Outbox(db, clock, {"telegram": channel})
    )
    TelegramRunner(settings, application, service, lambda: None)
    await application.initialize()
    bot = RekindleBot(application, request, service, clock, db)
    await bot.say(ALEX, "/timezone Europe/Berlin")
    await bot.say(SAM, "/timezone Europe/Berlin")
    await bot.say(ALEX, "/pair")
    link = next(t for t in bot.texts_to(ALEX) if "?start=" in t)
    await bot.say(SAM, f"/start {link.rsplit('?start=', 1)[1].strip()}")
    if not any("paired with Alex" in t for t in bot.texts_to(SAM)):
        raise RuntimeError("pairing failed: " + repr(bot.texts_to(SAM)[-3:]))
    await bot.say(ALEX, "/checkin")
    await bot.say(ALEX, "a first answer")  # sealed from now on; every later one replaces it
    return bot


@dataclass
class EchoBot:
    application: App
    request: OfflineRequest

    async def feed(self, payload: dict[str, Any]) -> None:
        await feed(self.application, payload)

    async def close(self) -> None:
        await self.application.shutdown()


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.message is not None
    assert update.message.text is not None
    await update.message.reply_text(update.message.text)


async def echo_bot(limiter: str, rate: float) -> EchoBot:
    request = OfflineRequest()
    application = (
        ApplicationBuilder()
        .token(TOKEN)
        .request(request)
        .get_updates_request(request)
        .rate_limiter(make_limiter(limiter, rate))
        .build()
    )
    application.add_handler(MessageHandler(filters.TEXT, echo))
    await application.initialize()
    return EchoBot(application, request)


# --- timing ----------------------------------------------------------------------------------


@dataclass
class Series:
    label: str
    rounds: list[list[float]] = field(default_factory=list)

    @property
    def all(self) -> list[float]:
        return [t for r in self.rounds for t in r]

    @property
    def median_us(self) -> float:
        return 1e6 * statistics.median(self.all)

    @property
    def round_medians_us(self) -> list[float]:
        return [1e6 * statistics.median(r) for r in self.rounds]


async def time_interleaved(
    plans: list[tuple[str, Callable[[], Any], int]], gap: float
) -> dict[str, list[float]]:
    """One round: the i-th update of every configuration, then the (i+1)-th, ... (each
    configuration stops after its own count); per-update wall times by configuration."""
    made = {name: make() for name, make, _ in plans}
    times: dict[str, list[float]] = {name: [] for name, _, _ in plans}
    for i in range(max(count for _, _, count in plans)):
        for name, _, count in plans:
            if i < count:
                prepare, run = made[name]
                payload = await prepare(i)
                if gap:
                    await asyncio.sleep(gap)
                start = time.perf_counter()
                await run(payload)
                times[name].append(time.perf_counter() - start)
    return times


async def time_each(
    count: int,
    prepare: Callable[[int], Awaitable[dict[str, Any]]],
    run: Callable[[dict[str, Any]], Awaitable[None]],
    gap: float,
) -> list[float]:
    """Per-update wall times; `prepare` (untimed) gives the payload, `run` is timed."""
    times = []
    for i in range(count):
        payload = await prepare(i)
        if gap:
            await asyncio.sleep(gap)
        start = time.perf_counter()
        await run(payload)
        times.append(time.perf_counter() - start)
    return times


def sealed_answers(bot: RekindleBot) -> tuple[Callable[..., Any], Callable[..., Any]]:
    async def prepare(i: int) -> dict[str, Any]:
        bot.renew_reply_budget()
        return message_update(ALEX, "Alex", text=f"answer number {i}, thought over again")

    return prepare, bot.feed


def reveal_answers(bot: RekindleBot) -> tuple[Callable[..., Any], Callable[..., Any]]:
    async def prepare(i: int) -> dict[str, Any]:
        bot.clock.advance(timedelta(days=1))
        await bot.say(ALEX, "/checkin")
        await bot.say(ALEX, f"Alex's thoughts for day {i}")
        bot.renew_reply_budget()
        return message_update(SAM, "Sam", text=f"Sam's thoughts for day {i}")

    async def run(payload: dict[str, Any]) -> None:
        await bot.feed(payload)
        await bot.service.outbox.deliver_due()

    return prepare, run


def echo_messages(bot: EchoBot) -> tuple[Callable[..., Any], Callable[..., Any]]:
    async def prepare(i: int) -> dict[str, Any]:
        return message_update(ECHO_USER, "Echo", text=f"echo number {i}, said once more")

    return prepare, bot.feed


def check_sealed(bot: RekindleBot) -> None:
    last = bot.texts_to(ALEX)[-1]
    if SEALED_AGAIN not in last:
        raise RuntimeError(f"the sealed answer did not answer as expected: {last!r}")


def check_reveal(bot: RekindleBot) -> None:
    # A reveal may be followed by a celebration (30 conversations, a month together).
    if not any(REVEALED in text for text in bot.texts_to(SAM)[-3:]):
        raise RuntimeError(f"no reveal: {bot.texts_to(SAM)[-3:]!r}")
    if not any("Sam's answer" in text for text in bot.texts_to(ALEX)[-3:]):
        raise RuntimeError(f"the reveal was not pushed to Alex: {bot.texts_to(ALEX)[-3:]!r}")


# --- profiling -------------------------------------------------------------------------------


def _package(filename: str) -> str:
    path = filename.replace("\\", "/")
    if path.startswith(("~", "<")):
        return "builtins / C"
    for marker in ("/site-packages/", "/lib/python3"):
        if marker in path:
            rest = path.split(marker, 1)[1].split("/")
            if marker == "/lib/python3":
                rest = rest[1:]
                return "stdlib:" + (rest[0].removesuffix(".py") if rest else "?")
            return rest[0].removesuffix(".py")
    if "/bot/" in path:
        return "bot (Rekindle)"
    if "/tests/" in path:
        return "tests (offline request)"
    return path.rsplit("/", 1)[-1]


BOT_DIR = str(Path(__file__).resolve().parent.parent / "bot")


def print_profile(profiler: cProfile.Profile, title: str, count: int) -> None:
    stream = io.StringIO()
    stats = pstats.Stats(profiler, stream=stream)
    stats.strip_dirs().sort_stats("cumulative").print_stats(15)
    print(f"\n=== cProfile, {title}: {count} updates, top 15 by cumulative time ===")
    print("(a coroutine is counted as called again every time it resumes after an await)")
    print(_trim(stream.getvalue()))
    stream = io.StringIO()
    stats = pstats.Stats(profiler, stream=stream)
    stats.strip_dirs().sort_stats("tottime").print_stats(15)
    print(f"\n=== cProfile, {title}: top 15 by own time ===")
    print(_trim(stream.getvalue()))
    raw: dict[Any, Any] = pstats.Stats(profiler).stats  # type: ignore[attr-defined]
    print(f"\n=== cProfile, {title}: Rekindle's own functions by cumulative time ===")
    print("   cum us/update  calls/update  function")
    own = [(key, value) for key, value in raw.items() if key[0].startswith(BOT_DIR)]
    for (filename, line, name), (cc, _nc, _tt, cumtime, _callers) in sorted(
        own, key=lambda kv: -kv[1][3]
    )[:15]:
        where = f"bot{filename.removeprefix(BOT_DIR)}:{line}({name})"
        print(f"   {1e6 * cumtime / count:12.0f}  {cc / count:12.1f}  {where}")
    by_package: dict[str, float] = defaultdict(float)
    total = 0.0
    for (filename, _line, name), (_cc, _nc, tottime, _ct, _callers) in raw.items():
        key = _package(filename)
        if key == "builtins / C" and ("select" in name or "poll" in name):
            key = "waiting in the event loop (select/epoll: incl. aiosqlite's thread)"
        by_package[key] += tottime
        total += tottime
    print(f"\n=== own time per package, {title} ({1e6 * total / count:.0f} us/update profiled) ===")
    for key, seconds in sorted(by_package.items(), key=lambda kv: -kv[1])[:14]:
        print(f"  {100 * seconds / total:5.1f}%  {1e6 * seconds / count:7.0f} us/update  {key}")


def _trim(report: str) -> str:
    lines = report.strip().splitlines()
    start = next((i for i, line in enumerate(lines) if "ncalls" in line), 0)
    return "\n".join(lines[start:])


class SqlTimer:
    """Every SQL statement and COMMIT on an engine, counted and timed: the time includes the
    hand-off to aiosqlite's thread and back, i.e. what the event loop waits for."""

    def __init__(self, db: Database) -> None:
        self.engine = db.engine.sync_engine
        self.stats: dict[str, list[float]] = defaultdict(lambda: [0, 0.0])
        self._started: list[float] = []
        self.active = False  # only statements run while this is set are counted

    def _before(self, *_args: Any) -> None:
        if self.active:
            self._started.append(time.perf_counter())

    def _after(self, _conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if not self.active:
            return
        entry = self.stats[" ".join(statement.split())]
        entry[0] += 1
        entry[1] += time.perf_counter() - self._started.pop()

    def __enter__(self) -> SqlTimer:
        event.listen(self.engine, "before_cursor_execute", self._before)
        event.listen(self.engine, "after_cursor_execute", self._after)
        # COMMIT is not a cursor execute: time aiosqlite's commit (run in its thread) instead.
        self._commit = commit = aiosqlite.Connection.commit
        timer = self

        async def timed_commit(connection: aiosqlite.Connection) -> None:
            started = time.perf_counter()
            await commit(connection)
            if timer.active:
                entry = timer.stats["COMMIT"]
                entry[0] += 1
                entry[1] += time.perf_counter() - started

        aiosqlite.Connection.commit = timed_commit  # type: ignore[method-assign]
        return self

    def __exit__(self, *_exc: object) -> None:
        event.remove(self.engine, "before_cursor_execute", self._before)
        event.remove(self.engine, "after_cursor_execute", self._after)
        aiosqlite.Connection.commit = self._commit  # type: ignore[method-assign]

    def print(self, title: str, count: int, wall: float) -> None:
        statements = sum(int(n) for n, _ in self.stats.values())
        seconds = sum(t for _, t in self.stats.values())
        print(
            f"\n=== SQL, {title}: {statements / count:.1f} statements per update, "
            f"{1e6 * seconds / count:.0f} us/update of {1e6 * wall / count:.0f} us/update wall "
            f"({100 * seconds / wall:.0f}%, COMMIT included) ==="
        )
        print("   per update   us/update  statement")
        for sql, (n, t) in sorted(self.stats.items(), key=lambda kv: -kv[1][1])[:15]:
            text = sql if len(sql) <= 110 else sql[:107] + "..."
            print(f"   {n / count:10.1f}  {1e6 * t / count:10.0f}  {text}")


async def profile_path(bot: RekindleBot, variant: str, count: int) -> None:
    title = f"Rekindle answer ({variant})"
    prepare, run = sealed_answers(bot) if variant == "sealed" else reveal_answers(bot)
    profiler = cProfile.Profile()
    for i in range(count):
        payload = await prepare(i)
        profiler.enable()
        await run(payload)
        profiler.disable()
    print_profile(profiler, title, count)
    # A second pass without cProfile (which slows Python code down): the SQL it runs.
    wall = 0.0
    with SqlTimer(bot.db) as timer:
        for i in range(count):
            payload = await prepare(count + i)
            timer.active = True
            started = time.perf_counter()
            await run(payload)
            wall += time.perf_counter() - started
            timer.active = False
    timer.print(title, count, wall)


# --- main ------------------------------------------------------------------------------------


async def main(args: argparse.Namespace) -> int:
    logging.getLogger().setLevel(logging.WARNING)
    limiters = ["aio"] if args.only_aio else ["aio", "pass"]
    rate = args.limiter_rate
    with tempfile.TemporaryDirectory(prefix="rekindle-bench-answer-") as tmp:
        directory = Path(tmp)
        # Separate couples (and databases) for the two variants: after a reveal, further
        # answers are "kept", not sealed, so the sealed couple must never see one.
        sealed = {k: await rekindle_bot(directory, f"sealed-{k}", k, rate) for k in limiters}
        reveal = {k: await rekindle_bot(directory, f"reveal-{k}", k, rate) for k in limiters}
        echoes = {k: await echo_bot(k, rate) for k in limiters}
        bots: list[RekindleBot | EchoBot] = [
            *sealed.values(),
            *reveal.values(),
            *echoes.values(),
        ]
        plans: list[tuple[str, Callable[[], Any], int]] = []
        for k in limiters:
            s, r, e = sealed[k], reveal[k], echoes[k]
            plans.append((f"rekindle-sealed/{k}", lambda s=s: sealed_answers(s), args.updates))
            plans.append((f"echo/{k}", lambda e=e: echo_messages(e), args.updates))
            if args.reveals:
                plans.append((f"rekindle-reveal/{k}", lambda r=r: reveal_answers(r), args.reveals))
        series = {name: Series(name) for name, _, _ in plans}

        # Warm-up: every configuration, untimed, then a check that each did what it should.
        for _, make, count in plans:
            await time_each(min(count, args.warmup), *make(), args.gap)
        check(sealed, reveal, echoes, args.reveals)

        started = time.perf_counter()
        for round_no in range(args.rounds):
            for bot in bots:
                bot.request.calls.clear()  # the recorded calls would grow for ever
            # The compared pair (answer, echo) interleaved; the reveal, for information, in a
            # block of its own (its slow path would evict the others' caches in between).
            for k in limiters:
                pair = [plan for plan in plans if plan[0] in (f"rekindle-sealed/{k}", f"echo/{k}")]
                order = pair if round_no % 2 == 0 else list(reversed(pair))
                gc.collect()
                for name, times in (await time_interleaved(order, args.gap)).items():
                    series[name].rounds.append(times)
            for plan in plans:
                if plan[0].startswith("rekindle-reveal/"):
                    gc.collect()
                    for name, times in (await time_interleaved([plan], args.gap)).items():
                        series[name].rounds.append(times)
        elapsed = time.perf_counter() - started
        check(sealed, reveal, echoes, args.reveals)

        report(args, series, limiters, elapsed)

        if args.profile in ("sealed", "both"):
            await profile_path(sealed["aio"], "sealed", args.updates)
        if args.profile in ("reveal", "both"):
            await profile_path(reveal["aio"], "reveal", max(args.reveals, 20))

        for bot in bots:
            await bot.close()
    ratio = series["rekindle-sealed/aio"].median_us / series["echo/aio"].median_us
    return 0 if ratio <= TARGET_RATIO else 1


def check(
    sealed: dict[str, RekindleBot],
    reveal: dict[str, RekindleBot],
    echoes: dict[str, EchoBot],
    reveals: int,
) -> None:
    for kind, bot in sealed.items():
        check_sealed(bot)
        if reveals:
            check_reveal(reveal[kind])
        sent = echoes[kind].request.sent()
        if not sent or not sent[-1]["text"].startswith("echo number"):
            raise RuntimeError(f"the echo bot did not echo: {sent[-1:]!r}")


def report(
    args: argparse.Namespace, series: dict[str, Series], limiters: list[str], elapsed: float
) -> None:
    limiter_names = {
        "aio": f"AIORateLimiter(overall_max_rate={args.limiter_rate:g}, max_retries=0)",
        "pass": "pass-through rate limiter (no AIORateLimiter)",
    }
    print(
        f"Python {platform.python_version()} on {platform.machine()}, "
        f"{args.rounds} rounds of {args.updates} answers / {args.updates} echoes"
        + (f" / {args.reveals} reveals" if args.reveals else "")
        + f" per configuration, after {args.warmup} warm-up updates each"
        + (f", {args.gap * 1000:.0f} ms between updates" if args.gap else "")
        + f"; timed part {elapsed:.1f} s"
    )
    print("Per-update wall time (median over all rounds; round medians in brackets):")
    for kind in limiters:
        print(f"\n  with {limiter_names[kind]}")
        names = [f"rekindle-sealed/{kind}", f"echo/{kind}"]
        if args.reveals:
            names.append(f"rekindle-reveal/{kind}")
        labels = {
            f"rekindle-sealed/{kind}": "Rekindle answer (sealed, replaces the answer)",
            f"echo/{kind}": "bare PTB echo bot",
            f"rekindle-reveal/{kind}": "Rekindle answer that reveals (+ outbox push)",
        }
        for name in names:
            s = series[name]
            spread = ", ".join(f"{m:.0f}" for m in s.round_medians_us)
            print(f"    {labels[name]:<46} {s.median_us:8.0f} us   [{spread}]")
        echo_us = series[f"echo/{kind}"].median_us
        ratio = series[f"rekindle-sealed/{kind}"].median_us / echo_us
        verdict = "PASS" if ratio <= TARGET_RATIO else "FAIL"
        target = f"target <= {TARGET_RATIO}x: {verdict}"
        print(f"    ratio Rekindle answer / echo: {ratio:.2f}x  ({target})")
        best = min(series[f"rekindle-sealed/{kind}"].round_medians_us) / min(
            series[f"echo/{kind}"].round_medians_us
        )
        print(f"    ratio of the best round medians (least disturbed): {best:.2f}x")
        if args.reveals:
            ratio = series[f"rekindle-reveal/{kind}"].median_us / echo_us
            print(f"    ratio Rekindle reveal / echo: {ratio:.2f}x  (for information)")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--updates", type=int, default=300, help="timed answers/echoes per round")
    parser.add_argument("--reveals", type=int, default=60, help="timed reveals per round (0: none)")
    parser.add_argument("--rounds", type=int, default=6, help="rounds, alternating the order")
    parser.add_argument("--warmup", type=int, default=50, help="untimed updates per configuration")
    parser.add_argument(
        "--limiter-rate",
        type=float,
        default=1_000_000.0,
        help="AIORateLimiter overall_max_rate for both bots (default: never waits)",
    )
    parser.add_argument(
        "--gap", type=float, default=0.0, help="seconds of idle time between updates (untimed)"
    )
    parser.add_argument(
        "--only-aio", action="store_true", help="skip the pass-through limiter configuration"
    )
    parser.add_argument(
        "--profile",
        nargs="?",
        const="sealed",
        choices=["sealed", "reveal", "both"],
        help="cProfile the Rekindle answer path afterwards (default variant: sealed)",
    )
    return parser.parse_args(argv)


if __name__ == "__main__":
    sys.exit(asyncio.run(main(parse_args())))
