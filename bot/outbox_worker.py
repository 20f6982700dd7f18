"""The outbox worker: sends claimed deliveries within each platform's limits (messages a second
overall, seconds between two messages to one chat) and the operator's overall rate, without one
busy chat holding up the others.

Up to `window` sends (SEND_WINDOW) run at once, each to a different chat. Each holds its place
in the window from before the check that its claim is still ours until its mark is handed in,
and the ledger answers a check only once every mark handed in before it is committed
(bot/outbox_ledger.py: the checks and marks of the sends under way share transactions). So a
place accounts for at most one message sent but unmarked (its own, or the mark its last holder
handed in while the next holder waits for its answer), and a process killed at any moment
leaves at most `window` of them, which its successor sends again once their claims' leases run
out; `stop` writes every mark before it returns. One at a time, throughput would be bounded by
a platform API's round trip (~20-30 sends a second at 35-50 ms), under what platforms allow."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Mapping

from aiolimiter import AsyncLimiter

from bot.channels.plugin import SendLimits
from bot.outbox import Claimed, Outbox

log = logging.getLogger(__name__)

_UNLIMITED = contextlib.nullcontext()
# Sends at once. Enough for 30/s over a 50 ms round trip with time to spare, and for hundreds a
# second against a nearby API; and the most messages a killed process can leave to be repeated.
SEND_WINDOW = 8


def _even(rate: float) -> AsyncLimiter:
    """A bucket of one, refilled every 1/rate seconds: an even stream with no burst at the start
    of a busy minute (a bucket of `rate` would let 2 x rate through in the first second, over a
    platform's limit)."""
    return AsyncLimiter(max_rate=1, time_period=1.0 / rate)


class OutboxWorker:
    """Claims due deliveries and sends each through a per-chat queue, its platform's limiter
    and a global limiter.

    `rate` caps every platform together; `limits` gives each platform (by channel name) its own
    overall rate and per-chat interval; a channel without limits gets `per_chat_interval`;
    `window` sends may be under way at once (one per chat)."""

    def __init__(
        self,
        outbox: Outbox,
        *,
        rate: float = 25.0,
        per_chat_interval: float = 1.0,
        idle_seconds: float = 1.0,
        limits: Mapping[str, SendLimits] | None = None,
        window: int = SEND_WINDOW,
    ) -> None:
        self.outbox = outbox
        self.per_chat_interval = per_chat_interval
        self.idle_seconds = idle_seconds
        self.limits = dict(limits or {})
        self.limiter = _even(rate)
        self._platform_limiters = {
            name: _even(min(rate, limit.rate)) for name, limit in self.limits.items()
        }
        self._longest_interval = max(
            [per_chat_interval] + [limit.per_chat_interval for limit in self.limits.values()]
        )
        # Claim no more than can be sent well within the claim's lease.
        self.batch = max(1, int(rate * 20))
        self._wake = asyncio.Event()
        self._window = asyncio.Semaphore(window)
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
        """Finish what is being sent (up to `grace` seconds) and start nothing new; hand the
        rest back once every mark is written (`Outbox.release`); stop."""
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
        horizon = time.monotonic() - self._longest_interval
        for chat in [c for c, at in self._last_sent.items() if at < horizon]:
            del self._last_sent[chat]

    def _interval(self, channel: str) -> float:
        limit = self.limits.get(channel)
        return self.per_chat_interval if limit is None else limit.per_chat_interval

    def _enqueue(self, item: Claimed) -> None:
        chat = f"{item.out.to.channel}:{item.out.to.chat_id}"
        self._queues.setdefault(chat, []).append(item)
        if chat not in self._chat_tasks:
            self._chat_tasks[chat] = asyncio.create_task(self._drain(chat), name=f"outbox-{chat}")

    async def _drain(self, chat: str) -> None:
        """Send one chat's messages in order, its platform's per-chat interval apart."""
        queue = self._queues[chat]
        channel = chat.split(":", 1)[0]
        interval = self._interval(channel)
        platform_limiter = self._platform_limiters.get(channel, _UNLIMITED)
        try:
            while queue and not self._stopping:
                wait = self._last_sent.get(chat, 0.0) + interval - time.monotonic()
                if wait > 0:
                    await asyncio.sleep(wait)
                # A place in the window from before the send's check to its mark handed in: a
                # process that dies leaves at most `window` messages sent but not marked.
                async with self._window:
                    if self._stopping:
                        break
                    item = queue.pop(0)
                    self._in_flight.add(item.delivery_id)
                    try:
                        async with self.limiter, platform_limiter:
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
