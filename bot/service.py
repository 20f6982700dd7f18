"""Rekindle as a service: one unit of work per event, then the outbox sends what was pushed."""

from __future__ import annotations

import logging

from bot.clock import Clock
from bot.content import Library
from bot.core.context import Ctx, recipient
from bot.core.events import Event, Outgoing
from bot.core.handle import handle
from bot.core.members import member_for
from bot.core.pairing import PairingRace
from bot.db import Database
from bot.outbox import Outbox

log = logging.getLogger(__name__)


class Rekindle:
    """The core, a database and an outbox, wired together. Channels call `handle`."""

    def __init__(self, *, db: Database, clock: Clock, content: Library, outbox: Outbox) -> None:
        self.db = db
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
                )
                await handle(ctx, event)
        except PairingRace as race:
            # Someone else won the same code at the same moment; everything was rolled back.
            async with self.db.session() as session:
                member = await member_for(session, event.sender, now)
                return [Outgoing(to=recipient(member), text=race.message)]
        log.debug("handled event", extra={"member": member.id, "event": type(event).__name__})
        return ctx.replies
