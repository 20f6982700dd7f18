"""Rekindle as a service: one unit of work per event, then the outbox sends what was pushed."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func
from sqlmodel import select

from bot.clock import Clock
from bot.content import Library
from bot.core.beat import tick
from bot.core.context import Ctx, recipient
from bot.core.events import Attachment, Event, MediaRef, Outgoing
from bot.core.handle import handle
from bot.core.members import mark_unreachable, member_for
from bot.core.models import Delivery, Member, Schedule
from bot.core.pairing import PairingRace
from bot.core.ports import MediaSource, TemporarySendError
from bot.core.words import spoken
from bot.db import Database
from bot.outbox import Outbox

log = logging.getLogger(__name__)


class Rekindle:
    """The core, a database and an outbox, wired together. Channels call `handle`."""

    def __init__(
        self,
        *,
        db: Database,
        clock: Clock,
        content: Library,
        outbox: Outbox,
        pairing_keys: Sequence[bytes] = (),
    ) -> None:
        """`pairing_keys`: the server secrets invite codes are hashed with, the first for new
        codes (`bot.app.build` passes the configured ones, see bot/pairing_secret.py). Without
        them, a random key that lives as long as this object: enough for tests, never for a
        bot that restarts."""
        self.db = db
        self.pairing_keys = tuple(pairing_keys) or (secrets.token_bytes(32),)
        self.clock = clock
        self.content = content
        self.outbox = outbox

    async def handle(self, event: Event) -> list[Outgoing]:
        """Handle one event in one unit of work; return the direct replies to the sender.

        Messages for anyone else were recorded in the outbox in the same unit of work; the
        caller (or the outbox loop) delivers them with `outbox.deliver_due()`.
        """
        now = self.clock.now()
        try:
            async with self.db.session() as session:
                member = await member_for(session, event.sender, now)
                ctx = Ctx(
                    session=session,
                    now=now,
                    member=member,
                    sender=event.sender,
                    content=self.content,
                    pairing_keys=self.pairing_keys,
                    fetch_media=self.fetch_media,
                )
                await handle(ctx, event)
        except PairingRace as race:
            # Someone else won the same code at the same moment; everything was rolled back.
            async with self.db.session() as session:
                member = await member_for(session, event.sender, now)
                return [
                    Outgoing(to=recipient(member), text=race.message, lang=spoken(member.language))
                ]
        if ctx.scrub:
            log.info("member data erased", extra={"member": member.id})
            await self.db.scrub(member=member.id)
        log.debug("handled event", extra={"member": member.id, "event": type(event).__name__})
        return ctx.replies

    async def fetch_media(self, media: MediaRef, max_bytes: int) -> Attachment | None:
        """The file behind `media` from the running channel of the app it was sent on, if that
        channel can fetch (`MediaSource`); None otherwise, or when it fails for now."""
        source = self.outbox.channels.get(media.channel)
        if not isinstance(source, MediaSource):
            return None
        try:
            return await source.fetch(media, max_bytes)
        except TemporarySendError:
            return None

    async def tick(self, batch: int = 2000) -> int:
        """Record every scheduled prompt that is due now (the scheduler calls this); return how
        many deliveries were recorded. Sending is the outbox's job."""
        recorded = 0
        while True:
            async with self.db.session() as session:
                handled, made = await tick(session, self.content, now=self.clock.now(), limit=batch)
            recorded += made
            if handled < batch:
                break
        if recorded:
            log.info("tick recorded deliveries", extra={"count": recorded})
        await self.db.scrub_pending()  # an erase whose scrub a reader held up
        return recorded

    async def run_due(self) -> None:
        """One scheduler beat: record what is due, then send everything waiting."""
        await self.tick()
        while await self.outbox.deliver_due() > 0:
            pass

    async def next_wakeup(self) -> datetime | None:
        """The earliest moment anything is due: a schedule row or a delivery to retry."""
        async with self.db.session() as session:
            schedule = (await session.exec(select(func.min(Schedule.next_due_at)))).one()
            retry = (
                await session.exec(
                    select(func.min(Delivery.next_attempt_at)).where(Delivery.status == "pending")
                )
            ).one()
        moments = [m for m in (schedule, retry) if m is not None]
        return min(moments) if moments else None

    async def channel_unreachable(self, channel: str, user_id: str) -> None:
        """The channel reports that this user blocked the bot (or closed their DMs)."""
        async with self.db.session() as session:
            member = (
                await session.exec(
                    select(Member).where(Member.channel == channel, Member.user_id == user_id)
                )
            ).first()
            if member is not None and member.id is not None:
                await mark_unreachable(session, member.id, self.clock.now())
