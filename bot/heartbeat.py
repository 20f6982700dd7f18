"""The one periodic beat: APScheduler runs a job (record what is due, wake the sender) every
TICK_SECONDS.

The scheduler holds no state of its own (PTB's JobQueue jobs cannot be persisted, and a job
store must not be shared between processes): the database says what is due, and unique
delivery keys make a late, doubled or concurrent beat harmless.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from apscheduler.schedulers.asyncio import AsyncIOScheduler

log = logging.getLogger(__name__)


class Beat:
    """Runs `job()` every `seconds`, never two at once in this process."""

    def __init__(self, job: Callable[[], Awaitable[object]], seconds: float) -> None:
        self.job = job
        self._current: asyncio.Task[object] | None = None
        self._stopped = False
        self.scheduler = AsyncIOScheduler(timezone="UTC")
        self.scheduler.add_job(
            self._beat,
            "interval",
            seconds=seconds,
            id="rekindle-beat",
            max_instances=1,
            coalesce=True,
            misfire_grace_time=None,
        )

    async def _beat(self) -> None:
        # The scheduler may have created this beat's task just before `stop`, to run after it
        # returned (and after the database was closed): such a beat does nothing.
        if self._stopped:
            return
        self._current = asyncio.current_task()
        try:
            await self.job()
        except Exception:
            # One bad beat must not stop the next: log it (ids only) and carry on.
            log.exception("scheduler beat failed")

    def start(self) -> None:
        self.scheduler.start()

    async def stop(self) -> None:
        """Stop beating, and let a beat that is under way finish (nothing is cut off)."""
        self._stopped = True
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)
        current = self._current
        if current is not None and not current.done() and current is not asyncio.current_task():
            await asyncio.gather(current, return_exceptions=True)
