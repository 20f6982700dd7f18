"""Outbox pacing and throughput against the fake Bot API.

Two modes, both on the production sending path: the PTB application from `build_application`
(its AIORateLimiter at the same rate as the worker), a `TelegramChannel` on its bot, an
`Outbox` on a fresh migrated SQLite file, and the `OutboxWorker` at `--rate` messages a second
overall and one a second per chat. Members, couples and pending deliveries (every one due now)
are inserted straight into the database before anything is timed.

The fake Bot API (`tests.helpers.telegram.fake_bot_api.FakeBotApi`: a real HTTP server on
127.0.0.1, no faults injected, nothing rate-limited on its side, one registered user per chat)
runs in a child process (this file with `--serve-fake`), so the CPU time reported for the bench
process is the sending side's alone; the child reports its own CPU time separately. Send times
are the fake's `time.monotonic()`, the same clock as this process's on Linux.

**Pacing** (the default): the issue's target: 3,000 scheduled messages to 1,500 couples are
sent at >= 95% of the configured overall rate, no chat ever gets more than 1 message a second,
and there is no flood error. The run ends when the fake has accepted every message (or at a
timeout); then the worker is stopped. Two shapes of the same 3,000 messages (`--per-chat`):

* `--per-chat 2` (the default): two messages to each of 1,500 chats (750 couples), the two
  of a chat recorded one after the other, so every chat's second message has to wait for the
  per-chat limit while the other chats keep the overall rate up. This is the telling case for
  "no chat above 1 message a second".
* `--per-chat 1`: one message to each of 3,000 chats (1,500 couples), the issue's own shape:
  only the overall rate matters.

At 25/s each shape takes about 2 minutes; `--per-chat 1 2` runs both.

Reported: elapsed from the first send to the last, achieved rate = (messages - 1) / elapsed and
its ratio to the configured rate (target >= 0.95); the most messages any one chat got in any
1-second window (target <= 1) and the closest two sends to one chat came; the most messages
overall in any 1-second window (over the whole run, in the first second, and from 2 s on: a
token bucket that starts full lets a burst through at the start); every answer the fake gave
that was not 200 (429s included); how many 429s Telegram itself would have had reason to send
(a send to a chat less than 1 s after the previous one, or the 31st+ send within 1 s
overall); messages per chat; and the deliveries' final states in the database.

**Unlimited** (`--unlimited`, rate 100,000/s unless `--rate` says otherwise, for the worker and
PTB's AIORateLimiter alike; the per-chat interval stays 1 s): the cost of the sending path
itself. A bare loop, `await bot.send_message(chat, text, parse_mode=HTML)` one after the
other for the same messages (the text as `TelegramChannel` renders it, computed before the
clock starts), through an application built the same way (same `build_application`,
AIORateLimiter, HTTP request class) against a fresh fake child; then the outbox worker sends
the same messages to another fresh fake child; then the bare loop again, and the outbox is
compared with the mean of the two bare runs (a machine that got busier or quieter meanwhile
weighs on both sides). Measured in the bench process, with nothing subtracted:
`time.process_time()` (user + system CPU of every thread of the process, so aiosqlite's
worker thread too) from just before the first send to just after the last for the bare loop,
and from just before `worker.start()` to just after `worker.stop()` returned for the outbox
(claims, sends, marks, the final flush and hand-back; the wait for the fake's "all received"
line is a blocked pipe read). SQL statements and COMMITs on the engine are counted by an event
listener (its cost is included). Targets: CPU per message sent by the outbox <= 2x the
bare loop's, and >= 300 messages a second (first to last send), each PASS/FAIL; plus every
message exactly once, no error answers and no chat above 1 message a second.

Run from the repository root:

    python bench/outbox_pacing.py                                  # the default (~2 min)
    python bench/outbox_pacing.py --messages 300 --per-chat 1 2    # a quick look (~25 s)
    python bench/outbox_pacing.py --per-chat 1 2                   # both shapes (~4 min)
    python bench/outbox_pacing.py --unlimited                      # cost and throughput (~1 min)
    python bench/outbox_pacing.py --unlimited --messages 1000      # a quick look (~20 s)
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import platform
import sys
import tempfile
import time
from bisect import bisect_left
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pydantic import SecretStr
from sqlalchemy import event, func, insert
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import select
from telegram.constants import ParseMode

from bot.channels.telegram import TelegramChannel, build_application
from bot.channels.telegram.render import html_pieces, message_text
from bot.clock import SystemClock
from bot.config import Settings
from bot.core.events import Outgoing, Recipient
from bot.core.models import Couple, Delivery, Member
from bot.db import Database
from bot.outbox import Outbox
from bot.outbox_worker import OutboxWorker
from tests.helpers.telegram.fake_bot_api import FakeBotApi

HERE = str(Path(__file__).resolve())
TOKEN = "123:abc"
FIRST_CHAT = 5_000_001
TARGET_RATIO = 0.95
TELEGRAM_OVERALL_PER_SECOND = 30  # Telegram's documented bulk limit
TELEGRAM_PER_CHAT_INTERVAL = 1.0
UNLIMITED_RATE = 100_000.0
TARGET_CPU_RATIO = 2.0  # outbox CPU per message / bare loop's
TARGET_THROUGHPUT = 300.0  # messages a second, one process, rate limits lifted
SEND_METHODS = frozenset({"sendMessage", "copyMessage", "sendPhoto", "sendDocument"})


# --- the fake Bot API, in a child process -------------------------------------------------


class CountingFakeBotApi(FakeBotApi):
    """The fake, also counting every answer it gives by (method, HTTP status), and the
    messages it accepted."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.answers: Counter[tuple[str, int]] = Counter()
        self.accepted = 0
        self.target = 0
        self.reached = asyncio.Event()

    async def _handle_http(self, token: str, method_name: str, *args: Any) -> tuple[int, Any]:
        status, body = await super()._handle_http(token, method_name, *args)
        self.answers[(method_name, status)] += 1
        if status == 200 and method_name in SEND_METHODS:
            self.accepted += 1
            if self.accepted >= self.target:
                self.reached.set()
        return status, body


async def serve_fake(first_chat: int, chats: int) -> None:
    """The child: the fake with `chats` users, answering one JSON line per command line on
    stdin: `mark` (its CPU clock starts), `wait N SECONDS` (until N messages were accepted, or
    that long), `report` (send times, answers, CPU since `mark`). Ends at end of input."""
    api = CountingFakeBotApi(token=TOKEN, bot_username="rekindle_test_bot")
    await api.start()
    for index in range(chats):
        api.user(first_chat + index, f"Member {index + 1}")
    reader = asyncio.StreamReader()
    loop = asyncio.get_running_loop()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)

    def say(answer: dict[str, Any]) -> None:
        sys.stdout.write(json.dumps(answer) + "\n")
        sys.stdout.flush()

    say({"base_url": api.base_url})
    cpu = time.process_time()
    while line := (await reader.readline()).decode().split():
        command, *rest = line
        if command == "mark":
            cpu = time.process_time()
            say({})
        elif command == "wait":
            api.target = int(rest[0])
            api.reached.clear()
            if api.accepted < api.target:
                with suppress(TimeoutError):
                    await asyncio.wait_for(api.reached.wait(), float(rest[1]))
            say({"accepted": api.accepted})
        elif command == "report":
            say(
                {
                    "send_times": {str(c): t for c, t in api.send_times.items()},
                    "answers": [[m, s, n] for (m, s), n in api.answers.items()],
                    "cpu": time.process_time() - cpu,
                }
            )
    await api.stop()


@dataclass
class Seen:
    """What the fake saw: send times by chat, its answers, its CPU time since `mark`."""

    send_times: dict[int, list[float]]
    answers: Counter[tuple[str, int]]
    cpu: float

    def max_in_window(self, chat: int | None, window: float = 1.0) -> int:
        if chat is None:
            return max_in_window(sorted(t for ts in self.send_times.values() for t in ts), window)
        return max_in_window(sorted(self.send_times.get(chat, [])), window)


class FakeApiProcess:
    """The parent's handle on a `serve_fake` child."""

    def __init__(self, process: asyncio.subprocess.Process, base_url: str) -> None:
        self.process = process
        self.base_url = base_url

    @classmethod
    async def start(cls, first_chat: int, chats: int) -> FakeApiProcess:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            HERE,
            "--serve-fake",
            str(first_chat),
            str(chats),
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            limit=2**26,
        )
        self = cls(process, "")
        self.base_url = (await self._read())["base_url"]
        return self

    async def _read(self) -> dict[str, Any]:
        assert self.process.stdout is not None
        line = await self.process.stdout.readline()
        if not line:
            raise RuntimeError("the fake Bot API child ended")
        answer: dict[str, Any] = json.loads(line)
        return answer

    async def ask(self, command: str) -> dict[str, Any]:
        assert self.process.stdin is not None
        self.process.stdin.write(command.encode() + b"\n")
        await self.process.stdin.drain()
        return await self._read()

    async def mark(self) -> None:
        await self.ask("mark")

    async def wait(self, messages: int, within: float) -> int:
        return int((await self.ask(f"wait {messages} {within}"))["accepted"])

    async def seen(self) -> Seen:
        answer = await self.ask("report")
        return Seen(
            send_times={int(c): t for c, t in answer["send_times"].items()},
            answers=Counter({(m, s): n for m, s, n in answer["answers"]}),
            cpu=answer["cpu"],
        )

    async def stop(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.close()
        await self.process.wait()


# --- the data -------------------------------------------------------------------------------


def outgoing(member_id: int, chat: str, n: int, per_chat: int) -> Outgoing:
    to = Recipient(member_id=member_id, channel="telegram", chat_id=chat)
    return Outgoing(
        to=to,
        text=f"🌙 Tonight's check-in ({n} of {per_chat}):\nOne high and one low from "
        "your day?\n\nJust reply to answer. Your partner sees it once you've both "
        "answered.",
    )


async def populate(db: Database, chats: int, per_chat: int, now: datetime) -> None:
    """Couples of two members (chat id = user id), and `per_chat` pending deliveries each."""
    couples = chats // 2
    couple_rows = []
    member_rows = []
    for c in range(1, couples + 1):
        a, b = 2 * c - 1, 2 * c
        couple_rows.append(Couple(id=c, member_a_id=a, member_b_id=b, created_at=now).model_dump())
        for member_id in (a, b):
            chat = FIRST_CHAT + member_id - 1
            member_rows.append(
                Member(
                    id=member_id,
                    channel="telegram",
                    user_id=str(chat),
                    chat_id=str(chat),
                    display_name=f"Member {member_id}",
                    timezone="Europe/Berlin",
                    couple_id=c,
                    created_at=now - timedelta(days=30),
                ).model_dump()
            )
    delivery_rows = []
    for member in member_rows:
        for n in range(1, per_chat + 1):
            out = outgoing(member["id"], member["chat_id"], n, per_chat)
            delivery_rows.append(
                Delivery(
                    key=f"bench:{member['id']}:{n}",
                    member_id=member["id"],
                    kind="evening",
                    payload=out.to_payload(),
                    status="pending",
                    next_attempt_at=now,
                    created_at=now,
                    day=now.date().isoformat(),
                ).model_dump(exclude={"id"})
            )
    async with db.engine.begin() as conn:
        await conn.execute(insert(Couple), couple_rows)
        await conn.execute(insert(Member), member_rows)
        await conn.execute(insert(Delivery), delivery_rows)


async def delivery_states(db: Database) -> dict[str, int]:
    async with db.session() as session:
        rows = await session.exec(select(Delivery.status, func.count()).group_by(Delivery.status))
        by_status = dict(rows.all())
        retried = (await session.exec(select(func.count()).where(Delivery.attempts > 1))).one()
    by_status["retried (attempts > 1)"] = retried
    return by_status


def overall_over_limit(times: list[float], limit: int, window: float = 1.0) -> list[float]:
    """The moments of sends that were the (limit+1)th or later within `window` seconds."""
    over = []
    for index, moment in enumerate(times):
        first = bisect_left(times, moment - window + 1e-9, 0, index)
        if index - first + 1 > limit:
            over.append(moment)
    return over


def max_in_window(times: list[float], window: float = 1.0) -> int:
    best = start = 0
    for end, moment in enumerate(times):
        while moment - times[start] >= window:
            start += 1
        best = max(best, end - start + 1)
    return best


def shape(messages: int, per_chat: int) -> tuple[int, int]:
    """(chats, messages): whole couples."""
    chats = messages // per_chat
    chats -= chats % 2
    return chats, chats * per_chat


def bench_settings(api_url: str, database_url: str, rate: float) -> Settings:
    """Settings at `rate`. Above the 30/s an operator may set (`--unlimited`), the rate is
    assigned after validation, so PTB's AIORateLimiter is lifted as the worker is."""
    settings = Settings(
        _env_file=None,
        bot_token=SecretStr(TOKEN),
        telegram_api_url=api_url,
        database_url=database_url,
        send_rate_per_second=min(rate, 30.0),
    )
    settings.send_rate_per_second = rate
    return settings


@dataclass
class Statements:
    executed: int = 0
    commits: int = 0


@contextmanager
def counting_statements(engine: AsyncEngine) -> Iterator[Statements]:
    """SQL statements (an executemany counts once) and COMMITs on the engine meanwhile."""
    counts = Statements()

    def executed(*_: Any) -> None:
        counts.executed += 1

    def committed(*_: Any) -> None:
        counts.commits += 1

    sync = engine.sync_engine
    event.listen(sync, "before_cursor_execute", executed)
    event.listen(sync, "commit", committed)
    try:
        yield counts
    finally:
        event.remove(sync, "before_cursor_execute", executed)
        event.remove(sync, "commit", committed)


# --- the outbox run, shared by both modes ----------------------------------------------------


@dataclass
class OutboxRun:
    seen: Seen
    started: float
    finished: float
    cpu: float
    states: dict[str, int]
    statements: Statements


async def send_through_outbox(
    args: argparse.Namespace, chats: int, per_chat: int, rate: float
) -> OutboxRun:
    messages = chats * per_chat
    fake = await FakeApiProcess.start(FIRST_CHAT, chats)
    with tempfile.TemporaryDirectory(prefix="rekindle-bench-pacing-") as tmp:
        url = f"sqlite+aiosqlite:///{Path(tmp) / 'bot.db'}"
        db = Database(url)
        await db.migrate()
        await populate(db, chats, per_chat, datetime.now(UTC) - timedelta(seconds=1))
        application = build_application(bench_settings(fake.base_url, url, rate))
        await application.initialize()
        channel = TelegramChannel(application.bot)
        outbox = Outbox(db, SystemClock(), {"telegram": channel})
        window = {} if args.window is None else {"window": args.window}
        worker = OutboxWorker(outbox, rate=rate, **window)
        timeout = messages / min(rate, 25.0) * 1.5 + 30  # lifted, a slow path still ends
        print(
            f"\n--- outbox: {messages} messages to {chats} chats ({chats // 2} couples), "
            f"{per_chat} per chat, at {rate:g}/s: at least {messages / rate:.0f} s "
            f"(timeout {timeout:.0f} s); load average {os.getloadavg()[0]:.2f}"
        )
        await fake.mark()
        with counting_statements(db.engine) as statements:
            cpu_started = time.process_time()
            started = time.monotonic()
            worker.start()
            while True:
                left = started + timeout - time.monotonic()
                accepted = await fake.wait(messages, min(args.progress or left, left))
                if accepted >= messages or time.monotonic() - started >= timeout:
                    break
                print(f"    {time.monotonic() - started:5.0f} s: {accepted} sent", flush=True)
            finished = time.monotonic()
            await worker.stop()
            cpu = time.process_time() - cpu_started
        await asyncio.sleep(0.5)  # anything sent twice would have arrived by now
        seen = await fake.seen()
        states = await delivery_states(db)
        await application.shutdown()
        await db.dispose()
    await fake.stop()
    return OutboxRun(seen, started, finished, cpu, states, statements)


# --- pacing --------------------------------------------------------------------------------


async def run_shape(args: argparse.Namespace, per_chat: int) -> bool:
    chats, messages = shape(args.messages, per_chat)
    run = await send_through_outbox(args, chats, per_chat, args.rate)
    return report(args, run, messages, chats, per_chat)


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def report(
    args: argparse.Namespace, run: OutboxRun, messages: int, chats: int, per_chat: int
) -> bool:
    seen = run.seen
    times = sorted(t for chat_times in seen.send_times.values() for t in chat_times)
    sent = len(times)
    complete = sent >= messages
    elapsed = times[-1] - times[0] if sent > 1 else float("nan")
    rate = (sent - 1) / elapsed if sent > 1 else 0.0
    ratio = rate / args.rate
    per_chat_max = max((seen.max_in_window(chat) for chat in seen.send_times), default=0)
    gaps = [
        later - earlier
        for chat_times in seen.send_times.values()
        for earlier, later in zip(sorted(chat_times), sorted(chat_times)[1:], strict=False)
    ]
    overall_max = seen.max_in_window(None)
    errors = {key: n for key, n in seen.answers.items() if key[1] != 200}
    flood = sum(n for (_, status), n in errors.items() if status == 429)
    would_429_chat = sum(1 for gap in gaps if gap < TELEGRAM_PER_CHAT_INTERVAL)
    over_telegram = overall_over_limit(times, TELEGRAM_OVERALL_PER_SECOND)
    would_429_all = len(over_telegram)
    first_second = sum(1 for t in times if t - times[0] < 1.0)
    steady = max_in_window([t for t in times if t - times[0] >= 2.0])
    counts = Counter(len(t) for t in seen.send_times.values())
    missing = chats - len(seen.send_times)
    if missing:
        counts[0] += missing

    rate_ok = complete and ratio >= TARGET_RATIO
    chat_ok = per_chat_max <= 1
    flood_ok = not errors
    print(f"  sent: {sent} of {messages}" + ("" if complete else "  (TIMED OUT)"))
    print(
        f"  worker start -> first send {times[0] - run.started:.2f} s, -> last send "
        f"{times[-1] - run.started:.1f} s; bench process CPU {run.cpu:.1f} s (the fake API's, "
        f"in its own process: {seen.cpu:.1f} s)"
    )
    print(f"  first -> last send: {elapsed:.2f} s")
    print(
        f"  achieved rate: {rate:.2f}/s = {ratio:.3f} of {args.rate:g}/s "
        f"(target >= {TARGET_RATIO}): {verdict(rate_ok)}"
    )
    gap_text = f"; closest two sends to one chat {min(gaps):.3f} s apart" if gaps else ""
    print(
        f"  most messages to one chat in any 1 s window: {per_chat_max} "
        f"(target <= 1): {verdict(chat_ok)}{gap_text}"
    )
    print(
        f"  most messages overall in any 1 s window: {overall_max} (configured {args.rate:g}/s, "
        f"Telegram's limit {TELEGRAM_OVERALL_PER_SECOND}/s); in the first second: "
        f"{first_second}; in any 1 s window from 2 s on: {steady}"
    )
    error_text = ", ".join(f"{m} {s} x{n}" for (m, s), n in sorted(errors.items())) or "none"
    print(f"  error answers from the fake: {error_text}; 429s: {flood}: {verdict(flood_ok)}")
    print(
        f"  429s Telegram would have had reason to send: {would_429_chat} per-chat "
        f"(< {TELEGRAM_PER_CHAT_INTERVAL:g} s after the chat's previous message), "
        f"{would_429_all} overall (> {TELEGRAM_OVERALL_PER_SECOND} in 1 s)"
        + (
            f", all within {over_telegram[-1] - times[0]:.2f} s of the first send"
            if over_telegram
            else ""
        )
        + (": WARN" if would_429_chat or would_429_all else ": none")
    )
    spread = ", ".join(f"{n} chats got {k}" for k, n in sorted(counts.items()))
    print(f"  messages per chat: {spread} (expected {per_chat} each)")
    print(f"  deliveries in the database: {run.states}")
    ok = rate_ok and chat_ok and flood_ok and set(counts) == {per_chat}
    print(f"  overall: {verdict(ok)}")
    return ok


# --- unlimited: the cost of the path itself -------------------------------------------------


@dataclass
class BareRun:
    seen: Seen
    elapsed: float
    cpu: float


async def bare_loop(args: argparse.Namespace, chats: int, per_chat: int) -> BareRun:
    """The same messages through `bot.send_message`, one after the other, as the baseline."""
    fake = await FakeApiProcess.start(FIRST_CHAT, chats)
    application = build_application(bench_settings(fake.base_url, "sqlite://", args.rate))
    await application.initialize()
    bot = application.bot
    plan = []
    for index in range(chats):
        chat = FIRST_CHAT + index
        for n in range(1, per_chat + 1):
            out = outgoing(index + 1, str(chat), n, per_chat)
            [text] = html_pieces(message_text(out, bot.username))
            plan.append((chat, text))
    print(
        f"\n--- bare loop: {len(plan)} x bot.send_message to {chats} chats, one after another; "
        f"load average {os.getloadavg()[0]:.2f}"
    )
    await fake.mark()
    cpu_started = time.process_time()
    started = time.monotonic()
    for chat, text in plan:
        await bot.send_message(chat, text, parse_mode=ParseMode.HTML, disable_notification=False)
    elapsed = time.monotonic() - started
    cpu = time.process_time() - cpu_started
    seen = await fake.seen()
    await application.shutdown()
    await fake.stop()
    return BareRun(seen, elapsed, cpu)


def print_bare(bare: BareRun, messages: int) -> None:
    print(
        f"  {messages} sent in {bare.elapsed:.2f} s ({(messages - 1) / bare.elapsed:.0f}/s); "
        f"bench process CPU {bare.cpu:.2f} s = {bare.cpu / messages * 1e6:.0f} µs a message (the "
        f"fake API's, in its own process: {bare.seen.cpu:.2f} s)"
    )


async def run_unlimited(args: argparse.Namespace, per_chat: int) -> bool:
    """The bare loop, the outbox, the bare loop again: the outbox is compared with the mean of
    the two, so that a machine that got busier or quieter meanwhile counts on both sides."""
    chats, messages = shape(args.messages, per_chat)
    before = await bare_loop(args, chats, per_chat)
    print_bare(before, messages)
    run = await send_through_outbox(args, chats, per_chat, args.rate)
    after = await bare_loop(args, chats, per_chat)
    print_bare(after, messages)
    bare_us = (before.cpu + after.cpu) / 2 / messages * 1e6
    seen = run.seen
    times = sorted(t for chat_times in seen.send_times.values() for t in chat_times)
    sent = len(times)
    elapsed = times[-1] - times[0] if sent > 1 else float("nan")
    rate = (sent - 1) / elapsed if sent > 1 else 0.0
    outbox_us = run.cpu / messages * 1e6
    cpu_ratio = outbox_us / bare_us
    counts = Counter(len(t) for t in seen.send_times.values())
    if missing := chats - len(seen.send_times):
        counts[0] += missing
    per_chat_max = max((seen.max_in_window(chat) for chat in seen.send_times), default=0)
    errors = {key: n for key, n in seen.answers.items() if key[1] != 200}
    rate_ok = sent == messages and rate >= TARGET_THROUGHPUT
    cpu_ok = sent == messages and cpu_ratio <= TARGET_CPU_RATIO
    once_ok = set(counts) == {per_chat} and not errors and per_chat_max <= 1
    print(f"\n--- the outbox: sent {sent} of {messages}; first -> last send {elapsed:.2f} s")
    print(
        f"  bench process CPU {run.cpu:.2f} s = {outbox_us:.0f} µs a message (the fake API's, "
        f"in its own process: {seen.cpu:.2f} s); {run.statements.executed} SQL statements, "
        f"{run.statements.commits} commits = {run.statements.executed / messages:.2f} and "
        f"{run.statements.commits / messages:.2f} a message"
    )
    print(
        f"  throughput: {rate:.0f} messages/s (target >= {TARGET_THROUGHPUT:g}/s): "
        f"{verdict(rate_ok)}"
    )
    print(
        f"  CPU a message: {outbox_us:.0f} µs = {cpu_ratio:.2f} x the bare loop's {bare_us:.0f} µs "
        f"(the mean of its two runs; target <= {TARGET_CPU_RATIO:g}): {verdict(cpu_ok)}"
    )
    error_text = ", ".join(f"{m} {s} x{n}" for (m, s), n in sorted(errors.items())) or "none"
    spread = ", ".join(f"{n} chats got {k}" for k, n in sorted(counts.items()))
    print(
        f"  messages per chat: {spread} (expected {per_chat} each); most to one chat in any "
        f"1 s window: {per_chat_max}; error answers: {error_text}: {verdict(once_ok)}"
    )
    print(f"  deliveries in the database: {run.states}")
    ok = rate_ok and cpu_ok and once_ok
    print(f"  overall: {verdict(ok)}")
    return ok


async def main(args: argparse.Namespace) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    if args.unlimited:
        print(
            f"Python {platform.python_version()} on {platform.machine()}; the outbox unlimited "
            f"({args.rate:g}/s overall, 1/s per chat) against a bare send loop, the fake Bot "
            "API in a child process"
        )
        results = [await run_unlimited(args, per_chat) for per_chat in args.per_chat]
    else:
        print(
            f"Python {platform.python_version()} on {platform.machine()}; outbox pacing at "
            f"{args.rate:g}/s overall, 1/s per chat, the fake Bot API in a child process"
        )
        results = [await run_shape(args, per_chat) for per_chat in args.per_chat]
    return 0 if all(results) else 1


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--messages", type=int, default=3000, help="messages per shape")
    parser.add_argument(
        "--per-chat",
        type=int,
        nargs="+",
        default=[2],
        choices=[1, 2, 3, 4],
        help="messages per chat; several values run several shapes (default: 2)",
    )
    parser.add_argument(
        "--rate",
        type=float,
        default=None,
        help="SEND_RATE_PER_SECOND: at most 30 for pacing (default 25); --unlimited: 100000",
    )
    parser.add_argument(
        "--unlimited",
        action="store_true",
        help="rate limits lifted: CPU a message against a bare send loop, and throughput",
    )
    parser.add_argument(
        "--window", type=int, default=None, help="the worker's sends at once (default: its own)"
    )
    parser.add_argument(
        "--progress", type=float, default=30.0, help="seconds between progress lines (0: none)"
    )
    args = parser.parse_args(argv)
    if args.rate is None:
        args.rate = UNLIMITED_RATE if args.unlimited else 25.0
    elif not args.unlimited and args.rate > 30:
        parser.error("--rate above 30 only with --unlimited")
    return args


if __name__ == "__main__":
    if sys.argv[1:2] == ["--serve-fake"]:
        asyncio.run(serve_fake(int(sys.argv[2]), int(sys.argv[3])))
        sys.exit(0)
    sys.exit(asyncio.run(main(parse_args())))
