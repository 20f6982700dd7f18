"""The one sending path for pushed messages: claim what is due, send it, mark it.

Claims, the check before each send that the claim is still ours, and the marks after are the
ledger's (`bot.outbox_ledger`): claimed in batches, checked and marked many sends at a time.
A delivery is marked only after it was sent (outside any transaction), so if the process dies
in between, the lease runs out and the message is sent again: the only way a push can arrive
twice. How many can be in that window at once is the worker's to bound (bot/outbox_worker.py:
the sends it lets run at once).

A status line (`bot.core.status`) takes the same path, but edits the member's pinned status
message instead of sending a new one whenever it can (`Outbox._status`).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlmodel import col, select

from bot.clock import Clock
from bot.core.events import DROP, Outgoing
from bot.core.local_time import next_local_time
from bot.core.members import mark_unreachable
from bot.core.models import Couple, Delivery, Member
from bot.core.ports import (
    Channel,
    MediaSource,
    PermanentSendError,
    RejectedSendError,
    StatusChannel,
    TemporarySendError,
)
from bot.core.rhythm import QUIET_UNTIL, in_quiet_hours
from bot.db import Database
from bot.outbox_ledger import LEASE, Claimed, Ledger, end_delivery

log = logging.getLogger(__name__)

# The ledger's claim and lease, where readers of the outbox look for them.
__all__ = [
    "FETCH_ATTEMPTS",
    "LEASE",
    "MAX_ATTEMPTS",
    "MAX_BACKOFF",
    "MAX_UPLOAD",
    "Claimed",
    "Outbox",
    "backoff",
]

MAX_ATTEMPTS = 12
MAX_BACKOFF = timedelta(minutes=30)
# Media from another app is sent as the file itself when that app can fetch it: at most this
# large (under Discord's upload limit for a bot's DM, 10 MiB since 2024, the smallest of the apps
# we send to; it has changed before, so a refused file still falls back to the note), and a
# passing fault while fetching is retried this often before the note is sent instead (the
# partner's answer must not wait on the file for long, nor be lost for it).
MAX_UPLOAD = 10_000_000
FETCH_ATTEMPTS = 3


class _Later:
    """A status line that waits for the morning: neither sent nor failed."""


LATER = _Later()


def backoff(attempts: int) -> timedelta:
    """5 s, 10 s, 20 s ... capped at 30 minutes."""
    return min(timedelta(seconds=5 * 2 ** max(0, attempts - 1)), MAX_BACKOFF)


class Outbox:
    """Sends pushed deliveries through the channel each recipient is on."""

    def __init__(self, db: Database, clock: Clock, channels: Mapping[str, Channel]) -> None:
        self.db = db
        self.clock = clock
        self.channels = channels
        self.ledger = Ledger(db, clock)

    async def claim(self, limit: int = 100) -> list[Claimed]:
        """Claim up to `limit` due deliveries for the channels this process serves."""
        return await self.ledger.claim(list(self.channels), limit)

    async def deliver_due(self, limit: int = 100) -> int:
        """Send every claimable delivery once, one after another; return how many were sent
        (and marked)."""
        sent = 0
        for item in await self.claim(limit):
            if await self.send(item):
                sent += 1
        await self.ledger.settled()
        return sent

    async def send(self, item: Claimed) -> bool:
        """Send one claimed delivery, unless it is gone or another claim has taken it over;
        then hand in its mark (bot/outbox_ledger.py: written before any later send's question
        is answered). Sends may run at once (see bot/outbox_worker.py)."""
        with self.ledger.sending():
            return await self._send(item)

    async def _send(self, item: Claimed) -> bool:
        if not await self.ledger.ours(item):
            log.info("delivery gone or taken over, not sent", extra={"delivery": item.delivery_id})
            return False
        channel = self.channels[item.out.to.channel]
        try:
            if item.out.status:
                kept = await self._status(channel, item)
                if isinstance(kept, _Later):
                    return False
                ref = kept
            else:
                ref = await self._send_through(channel, item)
        except TemporarySendError as error:
            await self._retry_later(item, error.retry_after)
            log.warning(
                "send failed, will retry",
                extra={
                    "delivery": item.delivery_id,
                    "member": item.out.to.member_id,
                    "reason": str(error),
                },
            )
            return False
        except RejectedSendError as error:
            await self._end(item.delivery_id, "failed")
            log.error(
                "message rejected by the channel",
                extra={
                    "delivery": item.delivery_id,
                    "member": item.out.to.member_id,
                    "reason": str(error),
                },
            )
            return False
        except PermanentSendError:
            await self._give_up(item, self.clock.now())
            log.warning("member unreachable", extra={"member": item.out.to.member_id})
            return False
        # Once sent, the message lives in the chat; the outbox keeps no second copy of its words.
        self.ledger.sent(item.delivery_id, at=self.clock.now(), ref=ref)
        return True

    async def _send_through(self, channel: Channel, item: Claimed) -> str | None:
        """Send the delivery, its media as an uploaded file when it can be fetched (see
        `_with_file`). Should the channel refuse the file, the message goes out as it would
        have without it (the note), at once: the answer is not lost for its file."""
        out = await self._with_file(item)
        if out is item.out:
            return await channel.send(out)
        try:
            return await channel.send(out)
        except RejectedSendError as error:
            log.warning(
                "file refused, sending without it",
                extra={"delivery": item.delivery_id, "reason": str(error)},
            )
            return await channel.send(item.out)

    async def _with_file(self, item: Claimed) -> Outgoing:
        """The delivery with its media as a file to upload, when the media was sent on another
        app than the recipient's and that app's channel (in this process) can fetch it: the
        caption joins the text, the reference is dropped. Otherwise the delivery as it is, and
        the recipient's channel relays the media its own way (a link, or a note saying what
        was sent where). A passing fault while fetching is raised (`TemporarySendError`, the
        delivery is tried again later) until the last of `FETCH_ATTEMPTS`, then the note."""
        out = item.out
        media = out.media
        if media is None or media.file is None or media.channel == out.to.channel:
            return out
        source = self.channels.get(media.channel)
        if not isinstance(source, MediaSource):
            return out
        try:
            attachment = await source.fetch(media, MAX_UPLOAD)
        except TemporarySendError:
            if item.attempts < FETCH_ATTEMPTS:
                raise
            attachment = None
        if attachment is None:
            log.info(
                "media not fetched, sent as a note",
                extra={"delivery": item.delivery_id, "kind": media.kind},
            )
            return out
        text = f"{out.text}\n\n{media.caption}" if media.caption else out.text
        return replace(out, text=text, media=None, attachment=attachment)

    async def _status(self, channel: Channel, item: Claimed) -> str | _Later | None:
        """A status line (`bot.core.status`) for a channel that keeps one: unpin it (DROP), or
        edit the member's status message, or send and pin a new one when there is none or it is
        gone, but never a new one in the member's quiet hours (LATER: it waits for the
        morning). The member's `status_ref` is read now, not when the line was recorded: a line
        sent just before may have made a new message. A channel without a status skips it."""
        if not isinstance(channel, StatusChannel):
            return None
        member_id = item.out.to.member_id
        async with self.db.session() as session:
            found = (
                await session.exec(
                    select(Member.status_ref, Member.timezone, Couple.status_on)
                    .outerjoin(Couple, col(Couple.id) == Member.couple_id)
                    .where(col(Member.id) == member_id)
                )
            ).first()
        if found is None:
            return None
        ref, zone, status_on = found
        # Unpinned when asked, and instead of a line for one no longer paired or whose couple
        # turned the status off since it was recorded.
        if item.out.status == DROP or not status_on:
            if ref is not None:
                await channel.drop_status(item.out, ref)
                await self._keep_status_ref(member_id, None)
            return None
        if ref is not None and await channel.edit_status(item.out, ref):
            return ref
        now = self.clock.now()
        if in_quiet_hours(now, zone):
            if ref is not None:
                await self._keep_status_ref(member_id, None)  # gone: a new one in the morning
            morning = next_local_time(now, QUIET_UNTIL, zone=zone)
            await self._mark(item.delivery_id, next_attempt_at=morning)
            return LATER
        new = await channel.post_status(item.out)
        await self._keep_status_ref(member_id, new)
        return new

    async def _keep_status_ref(self, member_id: int, ref: str | None) -> None:
        async with self.db.session() as session:
            await session.exec(
                update(Member).where(col(Member.id) == member_id).values(status_ref=ref)
            )

    async def _retry_later(self, item: Claimed, retry_after: float | None) -> None:
        now = self.clock.now()
        if item.attempts >= MAX_ATTEMPTS:
            await self._end(item.delivery_id, "failed")
            return
        wait = backoff(item.attempts)
        if retry_after is not None:
            wait = max(wait, timedelta(seconds=retry_after))
        await self._mark(item.delivery_id, next_attempt_at=now + wait)

    async def _give_up(self, item: Claimed, now: datetime) -> None:
        async with self.db.session() as session:
            await end_delivery(session, item.delivery_id, "failed")
            await mark_unreachable(session, item.out.to.member_id, now)

    async def _end(self, delivery_id: int, status: str, **values: object) -> None:
        async with self.db.session() as session:
            await end_delivery(session, delivery_id, status, **values)

    async def _mark(self, delivery_id: int, **values: object) -> None:
        """Change a delivery that stays pending (a retry's time); `_end` ends one."""
        assert "status" not in values, "a delivery is ended by end_delivery, its words cleared"
        async with self.db.session() as session:
            await session.exec(
                update(Delivery).where(col(Delivery.id) == delivery_id).values(**values)
            )

    async def release(self, delivery_ids: list[int]) -> None:
        """Hand back claimed deliveries that were not sent (a clean shutdown): due again now.
        Marks still being written are written first."""
        await self.ledger.settled()
        if not delivery_ids:
            return
        async with self.db.session() as session:
            await session.exec(
                update(Delivery)
                .where(col(Delivery.id).in_(delivery_ids), col(Delivery.status) == "pending")
                .values(next_attempt_at=self.clock.now())
            )
