"""The outbox worker: sends claimed deliveries at no more than one message a second per chat
and a configurable rate overall, without one busy chat holding up the others.

Sends are strictly one at a time (send, then mark sent), so a process killed at any moment
leaves at most one message sent-but-unmarked, which its successor sends again once the claim's
lease runs out. The cost is throughput bounded by the Bot API's round trip (~20-30 sends a
second at 35-50 ms), which is Telegram's overall limit anyway."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time

from aiolimiter import AsyncLimiter

from bot.outbox import Claimed, Outbox

log = logging.getLogger(__name__)


class OutboxWorker:
    """Claims due deliveries and sends each through a per-chat queue and a global limiter."""

    def __init__(
        self,
        outbox: Outbox,
        *,
        rate: float = 25.0,
        per_chat_interval: float = 1.0,
        idle_seconds: float = 1.0,
    ) -> None:
        self.outbox = outbox
        self.per_chat_interval = per_chat_interval
        self.idle_seconds = idle_seconds
        # A bucket of one, refilled every 1/rate seconds: an even stream with no burst at the
        # start of a busy minute (a bucket of `rate` would let 2 x rate through in the first
        # second, over Telegram's ~30/s).
        self.limiter = AsyncLimiter(max_rate=1, time_period=1.0 / rate)
        # Claim no more than can be sent well within the claim's lease.
        self.batch = max(1, int(rate * 20))
        self._wake = asyncio.Event()
        self._one_at_a_time = asyncio.Lock()
        self._queues: dict[str, list[Claimed]] = {}
        self._chat_tasks: dict[str, asyncio.Task[None]] = {}
        self._last_sent: dict[str, float] = {}
        self._in_flight: set[int] = set()
        self._stopping = False
        self._task: asyncio.Task[None] | None = None

    def wake(self) -> None:
        """Something was just recorded: look now instead of at the next idle check."""
        self._wake.set()

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="outbox-worker")

    async def stop(self, grace: float = 10.0) -> None:
        """Finish what is being sent (up to `grace` seconds), hand the rest back, stop."""
        self._stopping = True
        self._wake.set()
        if self._task is not None:
            await self._task
        tasks = list(self._chat_tasks.values())
        if tasks:
            _, pending = await asyncio.wait(tasks, timeout=grace)
            for task in pending:
                task.cancel()
            await asyncio.gather(*pending, return_exceptions=True)
        left = [item.delivery_id for queue in self._queues.values() for item in queue]
        left += list(self._in_flight)
        await self.outbox.release(sorted(set(left)))

    @property
    def busy(self) -> int:
        return sum(len(queue) for queue in self._queues.values()) + len(self._in_flight)

    async def _run(self) -> None:
        while not self._stopping:
            self._forget_quiet_chats()
            try:
                claimed = await self.outbox.claim(self.batch) if self.busy < self.batch else []
            except Exception:
                log.exception("outbox claim failed; will retry")
                claimed = []
            for item in claimed:
                self._enqueue(item)
            if len(claimed) < self.batch or self.busy >= self.batch:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), self.idle_seconds)
                self._wake.clear()

    def _forget_quiet_chats(self) -> None:
        horizon = time.monotonic() - self.per_chat_interval
        for chat in [c for c, at in self._last_sent.items() if at < horizon]:
            del self._last_sent[chat]

    def _enqueue(self, item: Claimed) -> None:
        chat = f"{item.out.to.channel}:{item.out.to.chat_id}"
        self._queues.setdefault(chat, []).append(item)
        if chat not in self._chat_tasks:
            self._chat_tasks[chat] = asyncio.create_task(self._drain(chat), name=f"outbox-{chat}")

    async def _drain(self, chat: str) -> None:
        """Send one chat's messages in order, a second apart."""
        queue = self._queues[chat]
        try:
            while queue and not self._stopping:
                item = queue.pop(0)
                self._in_flight.add(item.delivery_id)
                wait = self._last_sent.get(chat, 0.0) + self.per_chat_interval - time.monotonic()
                if wait > 0:
                    await asyncio.sleep(wait)
                # One send at a time, from sending to marking: if the process dies, at most one
                # message was sent but not yet marked, and only that one can go out twice.
                async with self.limiter, self._one_at_a_time:
                    try:
                        await self.outbox.send(item)
                    except Exception:
                        log.exception("send crashed", extra={"delivery": item.delivery_id})
                    finally:
                        self._last_sent[chat] = time.monotonic()
                        self._in_flight.discard(item.delivery_id)
        finally:
            if not queue:
                self._queues.pop(chat, None)
            self._chat_tasks.pop(chat, None)
