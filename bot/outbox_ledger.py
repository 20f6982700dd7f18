"""The outbox's books on its deliveries: claiming what is due, and around each send, many
sends' worth in one transaction.

A delivery is claimed by pushing its `next_attempt_at` a lease into the future (on PostgreSQL
with `FOR UPDATE SKIP LOCKED`, so several processes never claim the same row): a batch of
them in one transaction, one SELECT and one UPDATE.

Before each send the ledger is asked whether the claim is still ours: the delivery must still
be there (unpairing, an erase and a newer status line delete deliveries that wait), pending,
and carry the lease it was claimed with (if that changed, a later claim took it over: ours
waited in its chat's queue longer than the lease). A claim whose lease is getting short (under
`RENEW_BELOW` left) is renewed in the same statement; a fresh one is only read: nobody else can
claim a delivery whose lease is still in the future, and its send (a file fetched and uploaded
included) has at least `RENEW_BELOW` to finish in, the whole lease when renewed. After each
send the delivery's mark (sent, its words cleared) is handed in.

Questions and marks wait in one queue and are written together, in one transaction (an
executemany UPDATE for the marks, then a statement per claim batch for the questions): at once
when every send under way is waiting for its answer (so a lone send waits for nothing), else
once `MAX_BATCH` wait or `MAX_WAIT` after the first; marks alone wait up to `MARKS_WAIT` for
the next question to share their transaction (at a paced rate, 25 a second, the next send asks
40 ms later: one transaction a message, not one for its question and one for its mark). One
write at a time, in the order handed in; whatever arrives meanwhile goes in the next. So a
question is answered only once every mark handed in before it is committed: whoever sends only
after an answer (the outbox does) has no more messages sent but unmarked than it has sends
under way. `settled` waits for the marks. A write that fails (the database gone for a moment)
fails its questions, whose sends do not happen, and loses its marks (logged): those messages
are sent again once their leases run out, as a failed mark always was, a batch of them now.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, select, update
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlmodel import SQLModel, col
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.clock import Clock
from bot.core.events import Outgoing, Recipient
from bot.core.models import Delivery
from bot.core.rhythm import SHOWN, in_quiet_hours
from bot.db import Database

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=2)
RENEW_BELOW = LEASE * 3 / 4  # a send checked, not renewed, still has 90 s to finish in
MAX_BATCH = 64
MAX_WAIT = 0.01  # seconds a question may wait for others to share its transaction
# Seconds marks with no question may wait for one. Unmarked messages are bounded by the sends
# under way however long this is; it is how much later than its send a mark may be committed.
MARKS_WAIT = 0.1
# What a delivery's payload becomes once it can no longer be sent (sent, or failed for good):
# sent, the message lives in the chat; failed, it never will. Either way the outbox keeps no
# copy of its words.
SENT = SHOWN  # the payload of a prompt recorded as already shown: one cleared "sent" form
ENDED: dict[str, object] = {"text": "", "buttons": [], "media": None, "sent": False}

_DELIVERY = SQLModel.metadata.tables["delivery"]
_MEMBER = SQLModel.metadata.tables["member"]
# `end_delivery(..., "sent", ...)` for many deliveries at once, as one executemany.
_MARK_SENT = (
    update(_DELIVERY)
    .where(_DELIVERY.c.id == bindparam("b_id"))
    .values(
        status="sent",
        payload=SENT,
        sent_at=bindparam("b_sent_at"),
        message_ref=bindparam("b_ref"),
    )
)


async def end_delivery(
    session: AsyncSession, delivery_id: int, status: str, **values: object
) -> None:
    """Mark a delivery that will never be sent again (`sent` or `failed`), its words cleared.
    Every path that ends a delivery goes through here, or through the ledger's batched mark
    of sent ones (`_MARK_SENT`: the same values)."""
    payload = SENT if status == "sent" else ENDED
    await session.exec(
        update(Delivery)
        .where(col(Delivery.id) == delivery_id)
        .values(status=status, payload=payload, **values)
    )


@dataclass
class Claimed:
    delivery_id: int
    attempts: int
    out: Outgoing
    lease_until: datetime  # our claim; whoever changed it since has taken the delivery over


@dataclass
class _Question:
    item: Claimed
    answer: asyncio.Future[bool]


class Ledger:
    """Claims deliveries; batches the question before each send and the mark after it."""

    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock
        self._sending = 0  # sends under way (see `sending`)
        self._questions: list[_Question] = []
        self._marks: list[dict[str, Any]] = []
        self._asked = 0  # questions in the write under way
        self._settling = 0  # callers of `settled`
        self._writer: asyncio.Task[None] | None = None
        self._go: asyncio.Future[None] | None = None

    async def claim(self, channels: Collection[str], limit: int) -> list[Claimed]:
        """Claim up to `limit` due deliveries to members on `channels`, oldest due first. One
        whose payload cannot be read (see bot/crypto.py) fails alone, in the same
        transaction."""
        now = self.clock.now()
        lease_until = now + LEASE
        delivery, member = _DELIVERY.c, _MEMBER.c
        query = (
            select(
                delivery.id,
                delivery.attempts,
                delivery.payload,
                member.id,
                member.channel,
                member.chat_id,
                member.timezone,
            )
            .join(_MEMBER, member.id == delivery.member_id)
            .where(delivery.status == "pending", delivery.next_attempt_at <= now)
            .where(member.channel.in_(list(channels)))
            .order_by(delivery.next_attempt_at, delivery.id)
            .limit(limit)
        )
        if self.db.is_postgres:
            query = query.with_for_update(skip_locked=True, of=_DELIVERY)
        claimed: list[Claimed] = []
        async with self.db.session() as session:
            connection = await session.connection()
            for delivery_id, attempts, payload, *to in (await connection.execute(query)).all():
                if payload is None:
                    await end_delivery(session, delivery_id, "failed")
                    log.error("delivery cannot be read, not sent", extra={"delivery": delivery_id})
                    continue
                claimed.append(_claimed(delivery_id, attempts + 1, payload, to, now, lease_until))
            if claimed:
                await connection.execute(
                    update(_DELIVERY)
                    .where(delivery.id.in_([item.delivery_id for item in claimed]))
                    .values(attempts=delivery.attempts + 1, next_attempt_at=lease_until)
                )
        return claimed

    @contextmanager
    def sending(self) -> Iterator[None]:
        """Around one send, from its question to its mark: while every send under way waits
        for its answer, nothing else can join a write, so it starts at once."""
        self._sending += 1
        try:
            yield
        finally:
            self._sending -= 1
            self._poke()

    async def ours(self, item: Claimed) -> bool:
        """Whether the claim is still ours (renewed if its lease is getting short); answered
        once every mark handed in before is committed."""
        answer: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        self._questions.append(_Question(item, answer))
        self._start()
        return await answer

    def sent(self, delivery_id: int, *, at: datetime, ref: str | None) -> None:
        """Hand in a delivery's mark (sent, its words cleared): committed with the next write,
        before any question asked after it is answered, and before `settled` returns."""
        self._marks.append({"b_id": delivery_id, "b_sent_at": at, "b_ref": ref})
        self._start()

    async def settled(self) -> None:
        """Until everything handed in so far is written (at once)."""
        self._settling += 1
        try:
            self._poke()
            while self._writer is not None and not self._writer.done():
                await asyncio.shield(self._writer)
        finally:
            self._settling -= 1

    def _ready(self) -> bool:
        """Write now: every send under way waits for its answer, the batch is full, or someone
        waits for it to be settled. Marks alone wait (`MARKS_WAIT`) for the next question."""
        asked = len(self._questions)
        return (
            bool(asked and asked + self._asked >= self._sending)
            or asked + len(self._marks) >= MAX_BATCH
            or self._settling > 0
        )

    def _start(self) -> None:
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._write_all(), name="outbox-ledger")
        else:
            self._poke()

    def _poke(self) -> None:
        """Wake the writer's wait: to write if ready, or, a question having come to marks that
        wait alone, to wait no longer than a question may."""
        if self._go is not None and not self._go.done() and (self._ready() or self._questions):
            self._go.set_result(None)

    async def _write_all(self) -> None:
        loop = asyncio.get_running_loop()
        while self._questions or self._marks:
            await self._gathered(loop)
            # One turn of the loop first: the send that made us ready freed a place in the
            # sender's window (bot/outbox_worker.py), and its next holder asks right away.
            await asyncio.sleep(0)
            questions, self._questions = self._questions, []
            marks, self._marks = self._marks, []
            self._asked = len(questions)
            try:
                async with self.db.engine.begin() as connection:
                    if marks:
                        await connection.execute(_MARK_SENT, marks)
                    ours = await self._answer(connection, [q.item for q in questions])
            except Exception as error:
                if marks:
                    log.exception(
                        "marking sends failed: sent again once their leases run out",
                        extra={"deliveries": ",".join(str(mark["b_id"]) for mark in marks)},
                    )
                for question in questions:
                    if not question.answer.done():
                        question.answer.set_exception(error)
                continue
            finally:
                self._asked = 0
            for question in questions:
                if not question.answer.done():
                    question.answer.set_result(question.item.delivery_id in ours)

    async def _gathered(self, loop: asyncio.AbstractEventLoop) -> None:
        """Until the write is ready (`_ready`), or `MAX_WAIT` has passed since the wait began
        with a question waiting (`MARKS_WAIT` while only marks wait; a question arriving
        meanwhile shortens the wait to its own)."""
        began = loop.time()
        while not self._ready():
            left = began + (MAX_WAIT if self._questions else MARKS_WAIT) - loop.time()
            if left <= 0:
                return
            self._go = loop.create_future()
            timer = loop.call_later(left, _resolve, self._go)
            try:
                await self._go
            finally:
                timer.cancel()
                self._go = None

    async def _answer(self, connection: AsyncConnection, items: list[Claimed]) -> set[int]:
        """The ids of `items` still ours: one statement per lease (that is, per claim batch),
        a SELECT while the lease is fresh, an UPDATE renewing it when it is getting short."""
        ours: set[int] = set()
        now = self.clock.now()
        by_lease: dict[datetime, list[Claimed]] = {}
        for item in items:
            by_lease.setdefault(item.lease_until, []).append(item)
        delivery = _DELIVERY.c
        for lease, claimed in by_lease.items():
            still = (
                delivery.id.in_([item.delivery_id for item in claimed]),
                delivery.status == "pending",
                delivery.next_attempt_at == lease,
            )
            if lease - now >= RENEW_BELOW:
                ours.update((await connection.execute(select(delivery.id).where(*still))).scalars())
                continue
            renewed = now + LEASE
            kept = set(
                (
                    await connection.execute(
                        update(_DELIVERY)
                        .where(*still)
                        .values(next_attempt_at=renewed)
                        .returning(delivery.id)
                    )
                ).scalars()
            )
            for item in claimed:
                if item.delivery_id in kept:
                    item.lease_until = renewed
            ours |= kept
        return ours


def _claimed(
    delivery_id: int,
    attempts: int,
    payload: dict[str, Any],
    to: list[Any],
    now: datetime,
    lease_until: datetime,
) -> Claimed:
    member_id, channel, chat_id, zone = to
    out = Outgoing.from_payload(
        Recipient(member_id=member_id, channel=channel, chat_id=chat_id), payload
    )
    if in_quiet_hours(now, zone):  # a reveal at 3 a.m. makes no sound
        out = replace(out, silent=True)
    return Claimed(delivery_id, attempts, out, lease_until)


def _resolve(future: asyncio.Future[None]) -> None:
    if not future.done():
        future.set_result(None)
