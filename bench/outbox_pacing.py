"""Outbox pacing against the local Bot API server.

The issue's target: 3,000 scheduled messages to 1,500 couples are sent at >= 95% of the
configured overall rate, no chat ever gets more than 1 message a second, and there is no flood
error.

Everything runs in this process: `tests.helpers.telegram.fake_bot_api.FakeBotApi` (a real HTTP
server on 127.0.0.1, no faults injected, nothing rate-limited on its side) with one registered user
per chat; a fresh SQLite file, migrated, with the members, couples and pending deliveries
inserted directly (every delivery due now); and the production sending path: the PTB
application from `build_application` (with its AIORateLimiter at the same rate), a
`TelegramChannel` on its bot, an `Outbox`, and the `OutboxWorker` at `--rate` messages a
second overall and one a second per chat. The run ends when the fake has accepted every
message (or at a timeout); then the worker is stopped.

Two shapes of the same 3,000 messages (`--per-chat`):

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

Run from the repository root:

    python bench/outbox_pacing.py                                  # the default (~2 min)
    python bench/outbox_pacing.py --messages 300 --per-chat 1 2    # a quick look (~25 s)
    python bench/outbox_pacing.py --per-chat 1 2                   # both shapes (~4 min)
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import platform
import sys
import tempfile
import time
from bisect import bisect_left
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pydantic import SecretStr
from sqlalchemy import func, insert
from sqlmodel import select

from bot.channels.telegram import TelegramChannel, build_application
from bot.clock import SystemClock
from bot.config import Settings
from bot.core.events import Outgoing, Recipient
from bot.core.models import Couple, Delivery, Member
from bot.db import Database
from bot.outbox import Outbox
from bot.outbox_worker import OutboxWorker
from tests.helpers.telegram.fake_bot_api import FakeBotApi

TOKEN = "123:abc"
FIRST_CHAT = 5_000_001
TARGET_RATIO = 0.95
TELEGRAM_OVERALL_PER_SECOND = 30  # Telegram's documented bulk limit
TELEGRAM_PER_CHAT_INTERVAL = 1.0


class CountingFakeBotApi(FakeBotApi):
    """The fake, also counting every answer it gives by (method, HTTP status)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.answers: Counter[tuple[str, int]] = Counter()

    async def _handle_http(self, token: str, method_name: str, *args: Any) -> tuple[int, Any]:
        status, body = await super()._handle_http(token, method_name, *args)
        self.answers[(method_name, status)] += 1
        return status, body

    @property
    def sent(self) -> int:
        return sum(len(times) for times in self.send_times.values())


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
            to = Recipient(member_id=member["id"], channel="telegram", chat_id=member["chat_id"])
            out = Outgoing(
                to=to,
                text=f"🌙 Tonight's check-in ({n} of {per_chat}):\nOne high and one low from "
                "your day?\n\nJust reply to answer. Your partner sees it once you've both "
                "answered.",
            )
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


async def run_shape(args: argparse.Namespace, per_chat: int) -> bool:
    chats = args.messages // per_chat
    chats -= chats % 2  # whole couples
    messages = chats * per_chat
    api = CountingFakeBotApi(token=TOKEN, bot_username="rekindle_test_bot")
    await api.start()
    for index in range(chats):
        api.user(FIRST_CHAT + index, f"Member {index + 1}")
    with tempfile.TemporaryDirectory(prefix="rekindle-bench-pacing-") as tmp:
        url = f"sqlite+aiosqlite:///{Path(tmp) / 'bot.db'}"
        db = Database(url)
        await db.migrate()
        await populate(db, chats, per_chat, datetime.now(UTC) - timedelta(seconds=1))
        settings = Settings(
            _env_file=None,
            bot_token=SecretStr(TOKEN),
            telegram_api_url=api.base_url,
            database_url=url,
            send_rate_per_second=args.rate,
        )
        application = build_application(settings)
        await application.initialize()
        channel = TelegramChannel(application.bot)
        outbox = Outbox(db, SystemClock(), {"telegram": channel})
        worker = OutboxWorker(outbox, rate=args.rate)
        timeout = messages / args.rate * 1.5 + 30
        print(
            f"\n--- {messages} messages to {chats} chats ({chats // 2} couples), {per_chat} per "
            f"chat, at {args.rate:g}/s: about {messages / args.rate:.0f} s "
            f"(timeout {timeout:.0f} s)"
        )
        cpu_started = time.process_time()
        started = time.monotonic()
        worker.start()
        next_note = started + args.progress
        while api.sent < messages and time.monotonic() - started < timeout:
            await asyncio.sleep(0.1)
            if args.progress and time.monotonic() >= next_note:
                print(f"    {time.monotonic() - started:5.0f} s: {api.sent} sent", flush=True)
                next_note += args.progress
        finished = time.monotonic()
        await worker.stop()
        await asyncio.sleep(0.5)  # anything sent twice would have arrived by now
        cpu = time.process_time() - cpu_started
        states = await delivery_states(db)
        await application.shutdown()
        await db.dispose()
    await api.stop()
    return report(args, api, messages, chats, per_chat, started, finished, cpu, states)


def report(
    args: argparse.Namespace,
    api: CountingFakeBotApi,
    messages: int,
    chats: int,
    per_chat: int,
    started: float,
    finished: float,
    cpu: float,
    states: dict[str, int],
) -> bool:
    times = sorted(t for chat_times in api.send_times.values() for t in chat_times)
    sent = len(times)
    complete = sent >= messages
    elapsed = times[-1] - times[0] if sent > 1 else float("nan")
    rate = (sent - 1) / elapsed if sent > 1 else 0.0
    ratio = rate / args.rate
    per_chat_max = max((api.max_in_window(chat, 1.0) for chat in api.send_times), default=0)
    gaps = [
        later - earlier
        for chat_times in api.send_times.values()
        for earlier, later in zip(sorted(chat_times), sorted(chat_times)[1:], strict=False)
    ]
    overall_max = api.max_in_window(None, 1.0)
    errors = {key: n for key, n in api.answers.items() if key[1] != 200}
    flood = sum(n for (_, status), n in errors.items() if status == 429)
    would_429_chat = sum(1 for gap in gaps if gap < TELEGRAM_PER_CHAT_INTERVAL)
    over_telegram = overall_over_limit(times, TELEGRAM_OVERALL_PER_SECOND)
    would_429_all = len(over_telegram)
    first_second = sum(1 for t in times if t - times[0] < 1.0)
    steady = max_in_window([t for t in times if t - times[0] >= 2.0])
    counts = Counter(len(t) for t in api.send_times.values())
    missing = chats - len(api.send_times)
    if missing:
        counts[0] += missing

    def verdict(ok: bool) -> str:
        return "PASS" if ok else "FAIL"

    rate_ok = complete and ratio >= TARGET_RATIO
    chat_ok = per_chat_max <= 1
    flood_ok = not errors
    print(f"  sent: {sent} of {messages}" + ("" if complete else "  (TIMED OUT)"))
    print(
        f"  worker start -> first send {times[0] - started:.2f} s, -> last send "
        f"{times[-1] - started:.1f} s; process CPU {cpu:.1f} s (fake server included)"
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
    print(f"  deliveries in the database: {states}")
    ok = rate_ok and chat_ok and flood_ok and set(counts) == {per_chat}
    print(f"  overall: {verdict(ok)}")
    return ok


async def main(args: argparse.Namespace) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    print(
        f"Python {platform.python_version()} on {platform.machine()}; outbox pacing at "
        f"{args.rate:g}/s overall, 1/s per chat, against the in-process fake Bot API"
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
        "--rate", type=float, default=25.0, help="SEND_RATE_PER_SECOND (at most 30)"
    )
    parser.add_argument(
        "--progress", type=float, default=30.0, help="seconds between progress lines (0: none)"
    )
    return parser.parse_args(argv)


if __name__ == "__main__":
    sys.exit(asyncio.run(main(parse_args())))
