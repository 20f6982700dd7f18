"""Real faults, really injected: the bot SIGKILLed in the middle of a 500-couple fan-out, a Bot
API that fails a fifth of its calls, a SQLite file locked by someone else, and two bot
processes sharing one PostgreSQL database behind a load balancer that retries.

Each test states the promise it checks and fails when the promise is broken. The figures
(kills, messages sent but not marked, faults injected) are printed: run with `-s` to see them.
"""

from __future__ import annotations

import asyncio
import os
import random
import sqlite3
import time
from collections import Counter
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr
from sqlmodel import col, select

from bot.clock import MovableClock
from bot.config import Settings
from bot.core import texts
from bot.core.events import Command
from bot.core.models import Answer, Appreciation, Delivery, Member
from bot.db import Database
from bot.outbox import LEASE, Outbox
from bot.pacing import OutboxWorker
from bot.runner import run
from bot.service import Rekindle
from tests.helpers.faults import (
    TOKEN,
    BotProcess,
    bot_env,
    called_since,
    delivery_statuses,
    evening_counts,
    expire_leases,
    free_port,
    is_evening_prompt,
    make_due,
    member_ids_of,
    pending_deliveries,
    populate_couples,
    wait_for_port,
    wait_until,
)
from tests.helpers.postgres import drop_postgres, fresh_postgres
from tests.helpers.service import LIBRARY, RecordingChannel, sender
from tests.helpers.telegram.fake_bot_api import FakeBotApi

NEEDS_POSTGRES = pytest.mark.skipif(
    not os.environ.get("TEST_DATABASE_URL"), reason="TEST_DATABASE_URL is not set"
)


@pytest.fixture
async def api() -> AsyncIterator[FakeBotApi]:
    server = FakeBotApi(token=TOKEN, bot_username="rekindle_test_bot")
    await server.start()
    try:
        yield server
    finally:
        await server.stop()


def at_least(counter: Callable[[], int], target: int) -> bool:
    return counter() >= target


def rendered(api: FakeBotApi, chat: int) -> list[str]:
    return api.texts(chat, rendered=True)


def count(api: FakeBotApi, chat: int, needle: str) -> int:
    return sum(needle in text for text in rendered(api, chat))


def all_seen(api: FakeBotApi, wanted: list[tuple[int, str]]) -> bool:
    return all(count(api, chat, words) for chat, words in wanted)


async def seen(api: FakeBotApi, wanted: list[tuple[int, str]], within: float = 40.0) -> None:
    """Until each (chat, words) pair has arrived at least once."""
    await api.wait_for(partial(all_seen, api, wanted), within)


# --------------------------------------------------------------------------------------------
# (a) SIGKILL during a scheduled fan-out


FAN_OUT_COUPLES = 500
KILLS = 10
KILL_SEED = 20261201


@pytest.mark.timeout(170)
async def test_sigkill_ten_times_during_a_500_couple_fan_out_loses_no_prompt(
    database_url: str, api: FakeBotApi, tmp_path: Path
) -> None:
    """Promise: every member gets the evening prompt exactly once, except that a kill can
    repeat a message the dead process had sent but not yet marked (bot/outbox.py: "one
    message per process"). `python -m bot` runs on the real clock, and is SIGKILLed 10 times
    at seeded random points of the fan-out (the instant the k-th member's prompt reaches the
    API, so that each kill lands between a send and its mark), then left to finish.

    The outbox claims with a 2-minute lease; a restarted process would wait that long for the
    rows the dead one held. Between a kill and the restart (no process alive, so no live
    claim) the test expires those leases in the database, which is exactly what the clock
    would do after 2 minutes (see `expire_leases`).

    The prompts come due while the first process runs (a process started while they are
    already due crashes: see the catch-up test below)."""
    db = Database(database_url)
    await db.migrate()
    await db.dispose()
    now = datetime.now(UTC)
    chats = await populate_couples(
        database_url,
        api,
        couples=FAN_OUT_COUPLES,
        first_id=1,
        first_user=1_000_001,
        due_at=now + timedelta(days=1),
        now=now,
    )
    members = len(chats)
    bot = BotProcess("bot", bot_env(api, database_url), tmp_path)

    def reached() -> int:
        return sum(1 for chat in chats if api.send_times.get(chat))

    rng = random.Random(KILL_SEED)
    targets = sorted(rng.sample(range(10, members - 20), KILLS))
    kills: list[dict[str, Any]] = []
    received = dict.fromkeys(chats, 0)
    started = time.monotonic()
    try:
        for number, target in enumerate(targets, 1):
            calls = len(api.calls)
            await bot.start()
            if number == 1:
                await wait_until(
                    partial(called_since, api, calls, "getUpdates"),
                    within=30,
                    processes=[bot],
                    what="the bot polling",
                )
                due = datetime.now(UTC) - timedelta(minutes=1)
                assert (
                    await make_due(database_url, range(1, members + 1), "evening", due) == members
                )
            await wait_until(
                partial(at_least, reached, target),
                within=60,
                processes=[bot],
                what=f"{target} members reached before kill {number}",
                api=api,
            )
            at_kill = reached()
            await bot.kill()
            # A request already on the wire when the process died is still served by the API.
            await asyncio.sleep(0.3)
            unsent = await pending_deliveries(database_url, "evening")
            now_received = {chat: len(api.send_times.get(chat, ())) for chat in chats}
            # Sent by the process just killed (received since the last kill), not marked.
            sent_not_marked = sorted(
                chat for chat, _ in unsent if now_received[chat] > received[chat]
            )
            received = now_received
            expired = await expire_leases(database_url, datetime.now(UTC))
            kills.append(
                {
                    "kill": number,
                    "target": target,
                    "reached": at_kill,
                    "pending": len(unsent),
                    "leases_expired": expired,
                    "sent_not_marked": sent_not_marked,
                }
            )
        await bot.start()
        await wait_until(
            lambda: reached() == members,
            within=60,
            processes=[bot],
            what="every member reached after the last restart",
        )
        assert await pending_deliveries(database_url, within=20) == []
        await asyncio.sleep(1.0)  # anything doubled would have arrived by now
        assert await bot.terminate() == 0, bot.log_tail()
    finally:
        await bot.close()
    elapsed = time.monotonic() - started

    counts = evening_counts(api, chats)
    extra = Counter({chat: n - 1 for chat, n in counts.items() if n > 1})
    explained = Counter(chat for kill in kills for chat in kill["sent_not_marked"])
    for kill in kills:
        print(
            f"kill {kill['kill']:2d}: at {kill['reached']:4d}/{members} reached, "
            f"{kill['pending']:4d} pending, {kill['leases_expired']:4d} leases expired, "
            f"sent but not marked: {len(kill['sent_not_marked'])}"
        )
    print(
        f"{FAN_OUT_COUPLES} couples, {KILLS} SIGKILLs survived in {elapsed:.1f} s; "
        f"{sum(counts.values())} prompts for {members} members, {sum(extra.values())} repeated"
    )
    missing = sorted(chat for chat in chats if counts[chat] == 0)
    assert not missing, f"{len(missing)} members never got the evening prompt: {missing[:10]}"
    assert await delivery_statuses(database_url, "evening") == Counter({"sent": members})
    assert extra == explained, (
        f"repeats not explained by a kill: {extra - explained}; explained but absent: "
        f"{explained - extra}"
    )
    per_kill = [len(kill["sent_not_marked"]) for kill in kills]
    assert max(per_kill) <= 1, (
        f"a kill repeated more than one message (the outbox promises at most one per "
        f"process): {per_kill}"
    )
    for chat in chats:
        assert all(is_evening_prompt(text) for text in rendered(api, chat)), chat


async def test_python_m_bot_started_while_prompts_are_due_catches_up_instead_of_crashing(
    api: FakeBotApi, tmp_path: Path
) -> None:
    """Promise (bot/runner.py, "catch up at once after a restart"): a process started while
    evening prompts are due (restarted during the evening, or after its predecessor was
    killed in the middle of a tick) sends them and keeps running."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}"
    db = Database(url)
    await db.migrate()
    await db.dispose()
    now = datetime.now(UTC)
    chats = await populate_couples(
        url,
        api,
        couples=2,
        first_id=1,
        first_user=2_000_001,
        due_at=now - timedelta(minutes=1),
        now=now,
    )
    bot = BotProcess("bot", bot_env(api, url), tmp_path)
    try:
        await bot.start()
        await wait_until(
            lambda: all(evening_counts(api, chats).values()),
            within=30,
            processes=[bot],
            what="the prompts due at start",
        )
        await asyncio.sleep(1.0)
        bot.check_alive()
        assert await bot.terminate() == 0, bot.log_tail()
    finally:
        await bot.close()
    assert evening_counts(api, chats) == Counter(dict.fromkeys(chats, 1))


# --------------------------------------------------------------------------------------------
# (b) A Bot API failing 20% of calls, in-process with a movable clock


class LiveBot:
    """`bot.runner.run` in this event loop against the fake, on a clock the test moves."""

    def __init__(self, api: FakeBotApi, tmp_path: Path) -> None:
        self.api = api
        self.settings = Settings(
            _env_file=None,
            bot_token=SecretStr(TOKEN),
            telegram_api_url=api.base_url,
            database_url=f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}",
            tick_seconds=0.1,
        )
        self.clock = MovableClock(datetime(2026, 12, 1, 16, 0, tzinfo=UTC))  # a Tuesday
        self.stop = asyncio.Event()
        self.task: asyncio.Task[int] | None = None
        self.mover: asyncio.Task[None] | None = None
        self.repressed = 0
        self.reasked = 0

    async def start(self) -> None:
        self.task = asyncio.create_task(
            run(self.settings, clock=self.clock, stop=self.stop, handle_signals=False)
        )
        task = self.task
        await self.api.wait_for(lambda: bool(self.api.commands) or task.done(), within=30)
        assert not task.done(), "the bot stopped while starting"
        self.mover = asyncio.create_task(self._move_clock())

    async def _move_clock(self) -> None:
        """Time runs 10 times faster than real time, so outbox retries come due. Not faster:
        a send held for PTB's 5 s read timeout must stay within the outbox's 2-minute claim
        lease, as it does on a real clock (see the lease test below for what happens when it
        does not)."""
        while True:
            await asyncio.sleep(0.1)
            self.clock.advance(timedelta(seconds=1))

    async def close(self) -> int | None:
        if self.mover is not None:
            self.mover.cancel()
            await asyncio.gather(self.mover, return_exceptions=True)
        if self.task is None:
            return None
        self.stop.set()
        return await asyncio.wait_for(self.task, 30)

    def texts(self, chat: int) -> list[str]:
        return rendered(self.api, chat)

    def _new(self, chat: int, before: int, words: str) -> bool:
        return any(words in text for text in self.texts(chat)[before:])

    async def ask(self, user: int, text: str, expect: str, tries: int = 6) -> str:
        """Send until a reply containing `expect` arrives, as a person would whose reply
        never came (direct replies are best effort; the person simply asks again)."""
        for attempt in range(tries):
            before = len(self.texts(user))
            self.api.send_text(user, text)
            try:
                await self.api.wait_for(partial(self._new, user, before, expect), within=2.5)
            except TimeoutError:
                continue
            self.reasked += attempt
            return next(t for t in self.texts(user)[before:] if expect in t)
        raise AssertionError(f"{user} never got {expect!r} after {tries} tries")

    def button(self, chat: int, label_part: str) -> tuple[int, str]:
        for message in reversed(self.api.messages(chat)):
            markup = message.get("reply_markup") or {}
            for row in markup.get("inline_keyboard", []):
                for button in row:
                    if label_part in button["text"]:
                        return message["message_id"], button["callback_data"]
        raise AssertionError(f"no button {label_part!r} in chat {chat}")

    async def press_until_handled(self, chat: int, label_part: str, done: tuple[str, ...]) -> None:
        """Press; if neither a done-reply nor anything arrives (the acknowledgement or the
        reply failed), press the same button again."""
        message_id, data = self.button(chat, label_part)
        for attempt in range(8):
            before = len(self.texts(chat))

            def answered(before: int = before) -> bool:
                new = self.texts(chat)[before:]
                return any(any(d in t for d in done) for t in new) or any(
                    texts.SOMETHING_WENT_WRONG in t for t in new
                )

            self.api.press(chat, message_id, data, strict=False)
            try:
                await self.api.wait_for(answered, within=2.5)
            except TimeoutError:
                continue
            if any(any(d in t for d in done) for t in self.texts(chat)[before:]):
                self.repressed += attempt
                return
        raise AssertionError(f"pressing {label_part!r} in {chat} was never handled")


async def test_a_bot_api_failing_a_fifth_of_all_calls_loses_no_prompt_answer_or_appreciation(
    api: FakeBotApi, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Promise: with 20% of every chat call answered 429 (retry_after=1), 500 or a stalled
    500, plus two real client timeouts on pushed messages, two couples go through pairing,
    the evening prompt, answers, reveals, an appreciation each way and the thanks, and every
    pushed message (paired notice, prompt, reveal, appreciation, thanks) arrives exactly once.
    Direct replies are best effort by design, so the simulated people ask again when theirs
    did not come."""
    monkeypatch.setenv("PTB_TIMEDELTA", "true")  # else PTB warns on RetryAfter (see the fake)
    couples = [(11, "Alex", 22, "Sam"), (33, "Kim", 44, "Noa")]
    for a, a_name, b, b_name in couples:
        api.user(a, a_name)
        api.user(b, b_name)
    live = LiveBot(api, tmp_path)
    started = time.monotonic()
    await live.start()
    try:
        # "timeout" here stalls 0.5 s then fails without processing the call (shorter than
        # PTB's 5 s read timeout, so the client sees a 500); the two explicit timeouts below
        # outlast the read timeout, so the client raises TimedOut.
        api.fail_randomly(0.2, kinds=("429", "500", "timeout"), seed=7, retry_after=1, delay=0.5)
        for a, _, b, b_name in couples:
            reply = await live.ask(a, "/pair", "?start=")
            code = reply.rsplit("?start=", 1)[1].split()[0]
            api.send_text(b, f"/start {code}")
            await seen(api, [(a, f"paired with {b_name}")])

        # Jump to the evening only once every push is sent and marked: a jump of hours, past
        # the 2-minute claim lease, while a message is between being sent and being marked
        # would have it claimed and sent again (as would a process frozen mid-send). Real
        # clocks do not jump by hours; this one does so the test need not wait for 20:30.
        assert await pending_deliveries(live.settings.database_url, within=30) == []
        api.fail("sendMessage", "timeout", times=1, chat_id=22, delay=6)  # Sam's prompt
        live.clock.set(datetime(2026, 12, 1, 20, 31, tzinfo=UTC))
        everyone = [user for a, _, b, _ in couples for user in (a, b)]
        await api.wait_for(
            lambda: all(any(is_evening_prompt(t) for t in live.texts(u)) for u in everyone),
            within=40,
        )

        for a, a_name, b, b_name in couples:
            api.send_text(a, f"Walking with {b_name} after dinner")
            api.send_text(b, f"{a_name}'s laugh <b>&</b> our Sunday mornings")
        await seen(api, [(a, f"{b_name}'s answer to") for a, _, _, b_name in couples])
        await seen(api, [(b, f"{a_name}'s answer to") for _, a_name, b, _ in couples])

        api.fail("sendMessage", "timeout", times=1, chat_id=44, delay=6)  # Kim's words to Noa
        for a, _, _, b_name in couples:
            api.send_text(a, f"/appreciate you make mornings easy, {b_name}")
        await seen(api, [(b, f"{a_name} appreciates you") for _, a_name, b, _ in couples])
        for _, a_name, b, _ in couples:
            api.send_text(b, f"/appreciate you always listen, {a_name}")
        await seen(api, [(a, f"{b_name} appreciates you") for a, _, _, b_name in couples])

        for a, _, b, _ in couples:
            for presser in (a, b):
                await live.press_until_handled(
                    presser, "Thank you", (texts.THANKED, texts.THANK_ALREADY)
                )
        await seen(api, [(a, f"{b_name} thanked you") for a, _, _, b_name in couples])
        await seen(api, [(b, f"{a_name} thanked you") for _, a_name, b, _ in couples])
        await asyncio.sleep(2.0)  # retries of anything already sent would show up by now
        faults = Counter(f"{method}:{kind}" for method, kind in api.faults)
        api.clear_faults()
    finally:
        exit_code = await live.close()
    elapsed = time.monotonic() - started
    assert exit_code == 0

    print(
        f"{api.faults_injected} faults injected in {elapsed:.1f} s: "
        f"{dict(sorted(faults.items()))}; "
        f"people asked again {live.reasked} times, pressed again {live.repressed} times"
    )
    assert api.faults_injected >= 10
    assert faults["sendMessage:timeout"] >= 2
    db = Database(live.settings.database_url)
    try:
        async with db.session() as session:
            rows = (
                await session.exec(
                    select(Member.chat_id, Delivery.kind, Delivery.status, Delivery.attempts).join(
                        Member, col(Member.id) == Delivery.member_id
                    )
                )
            ).all()
            answers = (await session.exec(select(Answer))).all()
            appreciations = (await session.exec(select(Appreciation))).all()
    finally:
        await db.dispose()
    statuses = Counter(status for _, _, status, _ in rows)

    def story(chat: int) -> str:
        pushed = [(kind, status, attempts) for c, kind, status, attempts in rows if c == str(chat)]
        return f"chat {chat} saw {live.texts(chat)}; its deliveries: {pushed}"

    for a, a_name, b, b_name in couples:
        assert count(api, a, f"now paired with {b_name}") == 1, story(a)
        for me, partner in ((a, b_name), (b, a_name)):
            assert sum(is_evening_prompt(t) for t in live.texts(me)) == 1, story(me)
            assert count(api, me, f"{partner}'s answer to") == 1, story(me)
            assert count(api, me, f"{partner} appreciates you") == 1, story(me)
            assert count(api, me, f"{partner} thanked you") == 1, story(me)
    reveal = next(t for t in live.texts(11) if "Sam's answer to" in t)
    assert "Alex's laugh <b>&</b> our Sunday mornings" in reveal  # the words, exactly
    assert statuses == Counter({"sent": statuses["sent"]}), statuses  # none failed, none left
    assert len([a for a in answers if not a.late]) == 4
    assert len(appreciations) == 4
    assert all(a.thanked_at is not None for a in appreciations)


async def test_claims_that_outlive_their_lease_are_not_sent_twice(sqlite_url: str) -> None:
    """Promise (bot/outbox.py): a push arrives twice only when a process dies between sending
    and marking. Here nothing dies: the outbox worker holds claimed messages queued for one
    chat (paced per chat) when the clock moves past the 2-minute claim lease, which is what a
    process frozen for over 2 minutes sees (SIGSTOP, a suspended laptop, a paused VM) or one
    whose wall clock is stepped forward. Each message must still arrive once."""
    clock = MovableClock(datetime(2026, 12, 1, 16, 0, tzinfo=UTC))
    channel = RecordingChannel()
    db = Database(sqlite_url)
    await db.migrate()
    service = Rekindle(
        db=db, clock=clock, content=LIBRARY, outbox=Outbox(db, clock, {"test": channel})
    )
    alex, sam = sender("a", "Alex"), sender("b", "Sam")
    worker = OutboxWorker(service.outbox, rate=30, per_chat_interval=0.3, idle_seconds=0.05)
    try:
        replies = await service.handle(Command(sender=alex, name="pair"))
        code = next(out.invite_code for out in replies if out.invite_code)
        await service.handle(Command(sender=sam, name="pair", args=code))  # Alex is told
        for words in ("kind", "funny", "brave"):
            await service.handle(Command(sender=sam, name="appreciate", args=f"you are {words}"))
        worker.start()
        await wait_until(lambda: len(channel.to("a")) >= 1, within=5, what="the first send")
        clock.advance(LEASE + timedelta(seconds=1))  # frozen, or the clock stepped forward
        await asyncio.sleep(3.0)  # 0.3 s apart per chat: everything queued is out by now
    finally:
        await worker.stop()
        await db.dispose()
    told = Counter(channel.to("a"))
    print(f"claims outliving the lease: {sum(told.values())} sends for {len(told)} messages")
    assert len(told) == 4
    assert told == Counter(dict.fromkeys(told, 1)), f"sent twice: {told - Counter(told.keys())}"


# --------------------------------------------------------------------------------------------
# (c) A locked SQLite file


async def test_a_locked_sqlite_file_makes_events_and_the_tick_wait_not_fail(
    sqlite_url: str,
) -> None:
    """Promise: while another connection holds the SQLite write lock (BEGIN EXCLUSIVE) for
    2 s, an event and a tick wait (busy timeout, 15 s) and then complete; nothing is lost.
    A service started while the lock is held (a fresh engine, as after a restart) waits too."""
    path = sqlite_url.removeprefix("sqlite+aiosqlite:///")
    clock = MovableClock(datetime(2026, 12, 1, 16, 0, tzinfo=UTC))
    channel = RecordingChannel()
    db = Database(sqlite_url)
    await db.migrate()
    service = Rekindle(
        db=db, clock=clock, content=LIBRARY, outbox=Outbox(db, clock, {"test": channel})
    )
    alex, sam = sender("a", "Alex"), sender("b", "Sam")
    cold = Database(sqlite_url)  # a fresh engine: its first connection opens during the lock
    cold_service = Rekindle(db=cold, clock=clock, content=LIBRARY, outbox=Outbox(cold, clock, {}))
    tasks: list[asyncio.Task[Any]] = []
    try:
        replies = await service.handle(Command(sender=alex, name="pair"))
        code = next(out.invite_code for out in replies if out.invite_code)
        await service.handle(Command(sender=sam, name="pair", args=code))
        await service.outbox.deliver_due()
        channel.clear()
        clock.set(datetime(2026, 12, 1, 20, 31, tzinfo=UTC))  # the evening is due

        locker = sqlite3.connect(path, isolation_level=None, timeout=0)
        locker.execute("BEGIN EXCLUSIVE")
        locked_at = time.monotonic()
        try:
            event = asyncio.create_task(
                service.handle(Command(sender=alex, name="appreciate", args="you make me laugh"))
            )
            beat = asyncio.create_task(service.tick())
            cold_event = asyncio.create_task(
                cold_service.handle(Command(sender=sam, name="appreciate", args="you listen"))
            )
            tasks = [event, beat, cold_event]
            await asyncio.sleep(2.0)
            for task in tasks:
                assert not task.done(), task  # waiting for the lock, neither done nor failed
        finally:
            locker.execute("COMMIT")
            locker.close()
        replies, recorded, cold_replies = await asyncio.wait_for(asyncio.gather(*tasks), 10)
        waited = time.monotonic() - locked_at
        assert waited >= 2.0
        assert [out.text for out in replies] == [texts.APPRECIATE_SENT.format(partner="Sam")]
        assert [out.text for out in cold_replies] == [texts.APPRECIATE_SENT.format(partner="Alex")]
        assert recorded == 2
        while await service.outbox.deliver_due():
            pass
        for who, partner in (("a", "Sam"), ("b", "Alex")):
            told = channel.to(who)
            assert sum(is_evening_prompt(t) for t in told) == 1, told
            assert sum(f"{partner} appreciates you" in t for t in told) == 1, told
        async with db.session() as session:
            assert len((await session.exec(select(Appreciation))).all()) == 2
            pending = (
                await session.exec(select(Delivery).where(col(Delivery.status) != "sent"))
            ).all()
            assert pending == []
        print(f"locked for 2 s: event, tick and a cold start all waited {waited:.2f} s")
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await cold.dispose()
        await db.dispose()


# --------------------------------------------------------------------------------------------
# (d) Two webhook processes, one PostgreSQL database

SECRET = "fault-test-secret-long-enough"
SCALE_COUPLES = 100


@pytest.fixture
async def postgres_url() -> AsyncIterator[str]:
    base = os.environ["TEST_DATABASE_URL"]
    url, name = await fresh_postgres(base)
    try:
        yield url
    finally:
        await drop_postgres(base, name)


@NEEDS_POSTGRES
@pytest.mark.timeout(150)
async def test_two_webhook_processes_on_one_postgres_do_everything_once_and_survive_a_kill(
    postgres_url: str, api: FakeBotApi, tmp_path: Path
) -> None:
    """Promise: two `python -m bot` processes in webhook mode behind one database send each
    scheduled prompt once (claims with SKIP LOCKED), handle an update delivered to both (a
    load balancer's retry) or a double tap on a button once, store an answer delivered to both
    once (one reveal), and when one is SIGKILLed mid fan-out the other finishes it (after the
    dead one's 2-minute claim lease, expired here in the database once nothing else held a
    claim) with nothing lost."""
    ports: list[int] = []
    while len(ports) < 2:
        port = free_port()
        if port not in ports:
            ports.append(port)
    urls = [f"http://127.0.0.1:{port}/hook" for port in ports]
    procs = [
        BotProcess(
            f"bot{i + 1}",
            bot_env(
                api,
                postgres_url,
                WEBHOOK_URL=urls[i],
                WEBHOOK_SECRET=SECRET,
                WEBHOOK_LISTEN="127.0.0.1",
                WEBHOOK_PORT=str(ports[i]),
            ),
            tmp_path,
        )
        for i in range(2)
    ]
    people = {101: "Ann", 102: "Ben", 103: "Cat", 104: "Dan"}
    for user, name in people.items():
        api.user(user, name)

    async def post(which: int, update: dict[str, Any]) -> None:
        assert await api.post_update_to(urls[which], update, secret_token=SECRET) == 200

    async def post_both(update: dict[str, Any]) -> None:
        await asyncio.gather(post(0, update), post(1, update))

    async def until(predicate: Callable[[], bool], what: str, within: float = 20.0) -> None:
        await wait_until(predicate, within=within, processes=procs, what=what)

    async def until_seen(wanted: list[tuple[int, str]], what: str) -> None:
        await until(partial(all_seen, api, wanted), what)

    try:
        await asyncio.gather(*(proc.start() for proc in procs))  # both migrate at once
        for proc, port in zip(procs, ports, strict=True):
            await wait_for_port(port, proc)

        # Pairing through updates alternating between the processes.
        for turn, (inviter, invitee) in enumerate(((101, 102), (103, 104))):
            await post(turn % 2, api.send_text(inviter, "/pair"))
            await until_seen([(inviter, "?start=")], "an invite link")
            link = next(t for t in rendered(api, inviter) if "?start=" in t)
            code = link.rsplit("?start=", 1)[1].split()[0]
            await post((turn + 1) % 2, api.send_text(invitee, f"/start {code}"))
            await until_seen(
                [
                    (inviter, f"paired with {people[invitee]}"),
                    (invitee, f"paired with {people[inviter]}"),
                ],
                "both told they are paired",
            )

        # The evening of the two couples comes due; both processes tick every second.
        ids = await member_ids_of(postgres_url, people)
        assert await make_due(
            postgres_url, ids.values(), "evening", datetime.now(UTC) - timedelta(minutes=1)
        ) == len(people)
        await until(lambda: all(evening_counts(api, people).values()), "the four prompts")
        await asyncio.sleep(3.0)  # three more ticks in each process
        assert evening_counts(api, people) == Counter(dict.fromkeys(people, 1))

        # An answer delivered to both processes is stored once; the reveal happens once.
        await post_both(api.send_text(101, "The way you hum while cooking"))
        await until(
            lambda: count(api, 101, "stays sealed") + count(api, 101, "this answer instead") >= 2,
            "Ann's answer handled by both",
        )
        await post_both(api.send_text(102, "Your patience with me"))
        await until(
            lambda: (
                count(api, 101, "Ben's answer to") >= 1 and count(api, 102, "Ann's answer to") >= 1
            ),
            "the reveal",
        )

        # A thank-you press delivered to both processes (a load balancer retry).
        await post(0, api.send_text(101, "/appreciate you make me laugh"))
        await until(lambda: count(api, 102, "Ann appreciates you") == 1, "Ben gets it")
        message_id = next(
            m["message_id"] for m in api.messages(102) if "Ann appreciates you" in m["text"]
        )
        data = next(
            b["callback_data"]
            for row in api.message(102, message_id)["reply_markup"]["inline_keyboard"]
            for b in row
        )
        await post_both(api.press(102, message_id, data))
        await until(lambda: count(api, 101, "Ben thanked you") >= 1, "Ann told of the thanks")

        # A double tap: two presses of the same thank-you button, one to each process.
        await post(1, api.send_text(103, "/appreciate you always listen"))
        await until(lambda: count(api, 104, "Cat appreciates you") == 1, "Dan gets it")
        message_id = next(
            m["message_id"] for m in api.messages(104) if "Cat appreciates you" in m["text"]
        )
        data = next(
            b["callback_data"]
            for row in api.message(104, message_id)["reply_markup"]["inline_keyboard"]
            for b in row
        )
        first, second = api.press(104, message_id, data), api.press(104, message_id, data)
        await asyncio.gather(post(0, first), post(1, second))
        await until(lambda: count(api, 103, "Dan thanked you") >= 1, "Cat told of the thanks")

        # A double tap on "Yes, unpair", one press to each process.
        await post(1, api.send_text(103, "/unpair"))
        await until(lambda: count(api, 103, "Unpair from Dan?") == 1, "the unpair question")
        message_id = next(
            m["message_id"] for m in api.messages(103) if "Unpair from Dan?" in m["text"]
        )
        data = next(
            b["callback_data"]
            for row in api.message(103, message_id)["reply_markup"]["inline_keyboard"]
            for b in row
            if b["text"] == texts.UNPAIR_YES
        )
        first, second = api.press(103, message_id, data), api.press(103, message_id, data)
        await asyncio.gather(post(0, first), post(1, second))
        await until(lambda: count(api, 104, "ended your pairing") >= 1, "Dan told")
        await asyncio.sleep(2.0)  # a second handling of anything above would have shown now

        ann_ben = list((await member_ids_of(postgres_url, [101, 102])).values())
        db = Database(postgres_url)
        try:
            async with db.session() as session:
                answers = (
                    await session.exec(select(Answer).where(col(Answer.member_id).in_(ann_ben)))
                ).all()
        finally:
            await db.dispose()
        on_time = Counter(answer.member_id for answer in answers if not answer.late)
        late = sum(answer.late for answer in answers)
        assert on_time == Counter(dict.fromkeys(ann_ben, 1))
        assert count(api, 101, "Ben's answer to") == 1
        assert count(api, 102, "Ann's answer to") == 1
        assert count(api, 101, "Ben thanked you") == 1
        assert count(api, 103, "Dan thanked you") == 1
        unpair_told = count(api, 104, "ended your pairing")  # checked last
        for chat in (101, 102):
            assert count(api, chat, "Your first conversation together") == 1, chat
        wrong = texts.SOMETHING_WENT_WRONG[:30]
        seen = {
            "Ann, answer posted to both: sealed/updated replies": (
                count(api, 101, "stays sealed"),
                count(api, 101, "this answer instead"),
            ),
            "Ben, answer posted to both: already-revealed replies": count(
                api, 102, "You've both answered tonight's question already"
            ),
            "Ben, thank-you posted to both: thanked/'something went wrong'": (
                count(api, 102, texts.THANKED),
                count(api, 102, wrong),
            ),
            "Dan, double tap on thank-you: thanked/already": (
                count(api, 104, texts.THANKED),
                count(api, 104, "already said thank you"),
            ),
            "Cat, double tap on 'Yes, unpair': unpaired replies": count(
                api, 103, "You're unpaired"
            ),
        }

        # SIGKILL mid fan-out. The second process is frozen (SIGSTOP) while the fan-out comes
        # due, so that the first claims all of it; the first is then killed and the second
        # thawed, and must finish the fan-out.
        assert await pending_deliveries(postgres_url, within=10) == []
        procs[1].pause()
        now = datetime.now(UTC)
        chats = await populate_couples(
            postgres_url,
            api,
            couples=SCALE_COUPLES,
            first_id=100_000,
            first_user=5_000_001,
            due_at=now - timedelta(minutes=1),
            now=now,
        )

        def reached() -> int:
            return sum(1 for chat in chats if api.send_times.get(chat))

        target = random.Random(KILL_SEED).randrange(30, len(chats) - 50)
        await wait_until(
            lambda: reached() >= target,
            within=30,
            processes=procs[:1],
            what=f"{target} reached by the first process",
            api=api,
        )
        await procs[0].kill()
        at_kill = reached()
        procs[1].resume()
        await asyncio.sleep(0.5)
        unsent = await pending_deliveries(postgres_url, "evening")
        sent_not_marked = sorted(chat for chat, _ in unsent if api.send_times.get(chat))
        # Wait until the survivor has sent everything it claimed itself (nothing moves for
        # 2 s): every row still leased now was claimed by the dead process.
        last, still = reached(), time.monotonic()
        while time.monotonic() - still < 2.0:
            await asyncio.sleep(0.1)
            procs[1].check_alive()
            if reached() != last:
                last, still = reached(), time.monotonic()
        stalled_at = reached()
        expired = await expire_leases(postgres_url, datetime.now(UTC))
        await wait_until(
            lambda: reached() == len(chats),
            within=40,
            processes=procs[1:],
            what="the survivor finishing the fan-out",
        )
        assert await pending_deliveries(postgres_url, within=10) == []
        await asyncio.sleep(1.5)
        assert await procs[1].terminate() == 0, procs[1].log_tail()
    finally:
        for proc in procs:
            await proc.close()

    counts = evening_counts(api, chats)
    extra = Counter({chat: n - 1 for chat, n in counts.items() if n > 1})
    print(f"two processes: answer delivered twice stored once ({late} late copy kept); {seen}")
    print(
        f"first process killed at {at_kill}/{len(chats)}; survivor stalled at {stalled_at} "
        f"until {expired} leases expired; sent but not marked: {len(sent_not_marked)}; "
        f"repeated: {sum(extra.values())}"
    )
    assert all(counts[chat] >= 1 for chat in chats), "a member of the fan-out got no prompt"
    assert extra == Counter(sent_not_marked)
    assert len(sent_not_marked) <= 1
    statuses = await delivery_statuses(postgres_url)
    assert set(statuses) == {"sent"}, statuses
    assert unpair_told == 1, (
        f"a double tap on 'Yes, unpair' (one press per process) told the partner {unpair_told} "
        "times"
    )
