"""Unit tests for bot/outbox_worker.py: per-chat spacing, the overall rate, the window of sends
at once, and each platform paced by its own limits, against a fake outbox (no database, no
channel). Intervals are shrunk so the whole file sleeps about a second."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime
from itertools import pairwise
from typing import Any

import pytest

from bot.channels.plugin import SendLimits
from bot.core.events import Outgoing, Recipient
from bot.outbox import Claimed
from bot.outbox_worker import OutboxWorker

PER_CHAT = 0.15
RATE = 20.0  # one send every 0.05 s overall
SLACK = 0.8  # timers may fire a little early; a real breach is far below this


class FakeOutbox:
    """Hands out queued deliveries to `claim`, records each `send` with its time."""

    def __init__(self, chats: list[str], *, failing: frozenset[int] = frozenset()) -> None:
        self.waiting = [
            Claimed(
                delivery_id=i,
                attempts=0,
                out=Outgoing(to=Recipient(member_id=i, channel="test", chat_id=chat), text="hi"),
                lease_until=datetime(2026, 12, 1, tzinfo=UTC),
            )
            for i, chat in enumerate(chats, start=1)
        ]
        self.failing = failing
        self.sent: list[tuple[str, int, float]] = []
        self.released: list[int] = []
        self.progress = asyncio.Event()

    async def claim(self, limit: int) -> list[Claimed]:
        taken, self.waiting = self.waiting[:limit], self.waiting[limit:]
        return taken

    async def send(self, item: Claimed) -> None:
        self.sent.append((item.out.to.chat_id, item.delivery_id, time.monotonic()))
        self.progress.set()
        if item.delivery_id in self.failing:
            raise RuntimeError("channel broke")

    async def release(self, ids: list[int]) -> None:
        self.released.extend(ids)


def _worker(outbox: FakeOutbox) -> OutboxWorker:
    return OutboxWorker(
        outbox,  # type: ignore[arg-type]  # the worker uses only claim, send and release
        rate=RATE,
        per_chat_interval=PER_CHAT,
        idle_seconds=0.02,
    )


async def _run_until(outbox: FakeOutbox, worker: OutboxWorker, sends: int) -> None:
    worker.start()
    try:
        async with asyncio.timeout(5):
            while len(outbox.sent) < sends:
                await outbox.progress.wait()
                outbox.progress.clear()
    finally:
        await worker.stop(grace=1.0)


def _times(outbox: FakeOutbox, chat: str | None = None) -> list[float]:
    return [at for to, _, at in outbox.sent if chat is None or to == chat]


def _gaps(times: list[float]) -> list[float]:
    return [later - earlier for earlier, later in pairwise(times)]


async def test_one_chat_gets_its_messages_in_order_and_spaced_while_another_is_not_held_up() -> (
    None
):
    outbox = FakeOutbox(["a", "a", "a", "b", "b"])
    worker = _worker(outbox)
    await _run_until(outbox, worker, 5)

    assert [i for chat, i, _ in outbox.sent if chat == "a"] == [1, 2, 3]
    assert [i for chat, i, _ in outbox.sent if chat == "b"] == [4, 5]
    assert min(_gaps(_times(outbox, "a"))) >= PER_CHAT * SLACK
    assert min(_gaps(_times(outbox, "b"))) >= PER_CHAT * SLACK
    # Chat b's first message went out right after chat a's first, not after all of a's.
    first_a, first_b = _times(outbox, "a")[0], _times(outbox, "b")[0]
    assert first_b - first_a < PER_CHAT
    assert outbox.released == []


async def test_many_chats_share_the_overall_rate() -> None:
    outbox = FakeOutbox([f"chat-{i}" for i in range(8)])
    worker = _worker(outbox)
    await _run_until(outbox, worker, 8)

    assert len({chat for chat, _, _ in outbox.sent}) == 8
    assert min(_gaps(_times(outbox))) >= (1 / RATE) * SLACK


async def test_a_send_that_crashes_does_not_stop_the_chat(caplog: pytest.LogCaptureFixture) -> None:
    outbox = FakeOutbox(["a", "a"], failing=frozenset({1}))
    worker = _worker(outbox)
    with caplog.at_level("ERROR", logger="bot.outbox_worker"):
        await _run_until(outbox, worker, 2)
    assert [i for _, i, _ in outbox.sent] == [1, 2]
    assert "send crashed" in caplog.text
    assert worker.busy == 0


async def test_stop_hands_back_what_was_not_sent() -> None:
    outbox = FakeOutbox(["a", "a", "a"])
    worker = _worker(outbox)
    await _run_until(outbox, worker, 1)  # stops right after the first send, mid-wait

    sent = [i for _, i, _ in outbox.sent]
    assert sorted(sent + outbox.released) == [1, 2, 3]
    assert not set(sent) & set(outbox.released)


# Each platform paced by its own limits (bot/channels/plugin.py SendLimits).


class PlatformOutbox:
    """Hands out the given deliveries once; records when each was sent."""

    def __init__(self, items: list[Claimed]) -> None:
        self.items = items
        self.sent: list[tuple[str, float]] = []

    async def claim(self, limit: int) -> list[Claimed]:
        taken, self.items = self.items[:limit], self.items[limit:]
        return taken

    async def send(self, item: Claimed) -> None:
        self.sent.append((item.out.to.channel, time.monotonic()))

    async def release(self, ids: list[int]) -> None:
        pass


def claimed(channel: str, chat_id: str, delivery_id: int) -> Claimed:
    return Claimed(
        delivery_id=delivery_id,
        attempts=0,
        out=Outgoing(to=Recipient(member_id=1, channel=channel, chat_id=chat_id), text="hi"),
        lease_until=datetime(2026, 1, 1, tzinfo=UTC),
    )


def to_one_chat(channel: str, count: int, first_id: int) -> list[Claimed]:
    return [claimed(channel, "7", first_id + i) for i in range(count)]


def platform_gaps(times: list[float]) -> list[float]:
    return [b - a for a, b in pairwise(times)]


async def test_each_platform_keeps_its_own_per_chat_interval() -> None:
    outbox: Any = PlatformOutbox(to_one_chat("slow", 3, 1) + to_one_chat("quick", 3, 10))
    worker = OutboxWorker(
        outbox,
        rate=30,
        idle_seconds=0.05,
        limits={
            "slow": SendLimits(rate=30, per_chat_interval=0.3),
            "quick": SendLimits(rate=30, per_chat_interval=0.0),
        },
    )
    worker.start()
    for _ in range(200):
        if len(outbox.sent) == 6:
            break
        await asyncio.sleep(0.02)
    await worker.stop()
    slow = [at for channel, at in outbox.sent if channel == "slow"]
    quick = [at for channel, at in outbox.sent if channel == "quick"]
    assert len(slow) == len(quick) == 3
    assert all(gap >= 0.29 for gap in platform_gaps(slow))
    assert quick[-1] - quick[0] < 0.3  # not held to the slow platform's interval


async def test_a_platform_sends_no_faster_than_the_lower_of_its_rate_and_the_cap() -> None:
    # Six chats, one message each, so only the rates hold them back.
    items = [claimed("rated", chat_id=str(i), delivery_id=i) for i in range(6)]
    outbox: Any = PlatformOutbox(items)
    worker = OutboxWorker(outbox, rate=30, idle_seconds=0.05, limits={"rated": SendLimits(rate=10)})
    worker.start()
    for _ in range(200):
        if len(outbox.sent) == 6:
            break
        await asyncio.sleep(0.02)
    await worker.stop()
    times = [at for _, at in outbox.sent]
    assert len(times) == 6
    assert times[-1] - times[0] >= 5 * 0.1 * 0.9  # 10 a second, not the cap's 30


async def test_at_most_window_sends_are_under_way_at_once() -> None:
    """Sends to different chats overlap, up to the window and no further."""

    class SlowOutbox(FakeOutbox):
        under_way = most = 0

        async def send(self, item: Claimed) -> None:
            self.under_way += 1
            self.most = max(self.most, self.under_way)
            await asyncio.sleep(0.03)
            self.under_way -= 1
            await super().send(item)

    outbox = SlowOutbox([f"chat-{i}" for i in range(9)])
    worker = OutboxWorker(
        outbox,  # type: ignore[arg-type]  # the worker uses only claim, send and release
        rate=1000,
        per_chat_interval=PER_CHAT,
        idle_seconds=0.02,
        window=3,
    )
    await _run_until(outbox, worker, 9)
    assert outbox.most == 3
    assert sorted(i for _, i, _ in outbox.sent) == list(range(1, 10))
