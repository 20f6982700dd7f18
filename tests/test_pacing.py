"""The outbox worker paces each platform by its own limits: one chat's messages its platform's
per-chat interval apart, under the operator's overall rate."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime
from itertools import pairwise
from typing import Any

from bot.channels.plugin import SendLimits
from bot.core.events import Outgoing, Recipient
from bot.outbox import Claimed
from bot.pacing import OutboxWorker


class FakeOutbox:
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


def gaps(times: list[float]) -> list[float]:
    return [b - a for a, b in pairwise(times)]


async def test_each_platform_keeps_its_own_per_chat_interval() -> None:
    outbox: Any = FakeOutbox(to_one_chat("slow", 3, 1) + to_one_chat("quick", 3, 10))
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
    assert all(gap >= 0.29 for gap in gaps(slow))
    assert quick[-1] - quick[0] < 0.3  # not held to the slow platform's interval


async def test_a_platform_sends_no_faster_than_the_lower_of_its_rate_and_the_cap() -> None:
    # Six chats, one message each, so only the rates hold them back.
    items = [claimed("rated", chat_id=str(i), delivery_id=i) for i in range(6)]
    outbox: Any = FakeOutbox(items)
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
