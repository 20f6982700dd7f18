"""A Bot API failing a fifth of its calls, in-process with a movable clock, and claims that
outlive their lease: no prompt, answer or appreciation lost, none sent twice."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path

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
from bot.outbox_worker import OutboxWorker
from bot.runner import run
from bot.service import Rekindle
from tests.helpers.faults import (
    TOKEN,
    count,
    is_evening_prompt,
    pending_deliveries,
    rendered,
    seen,
    wait_until,
)
from tests.helpers.service import LIBRARY, RecordingChannel, sender
from tests.helpers.telegram.fake_bot_api import FakeBotApi


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
