"""The one periodic beat: APScheduler calls `Rekindle.run_due` every TICK_SECONDS.

The scheduler holds no state of its own (PTB's JobQueue jobs cannot be persisted, and a job
store must not be shared between processes): the database says what is due, and unique
delivery keys make a late, doubled or concurrent beat harmless.
"""

from __future__ import annotations

import logging

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.service import Rekindle

log = logging.getLogger(__name__)


class Beat:
    """Runs `service.run_due()` every `seconds`, never two at once in this process."""

    def __init__(self, service: Rekindle, seconds: float) -> None:
        self.service = service
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
        try:
            await self.service.run_due()
        except Exception:
            # One bad beat must not stop the next: log it (ids only) and carry on.
            log.exception("scheduler beat failed")

    def start(self) -> None:
        self.scheduler.start()

    def stop(self) -> None:
        self.scheduler.shutdown(wait=False)
