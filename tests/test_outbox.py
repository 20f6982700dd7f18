"""The outbox: retries with backoff, unreachable members, no double sends; the check before
each send and the marks after it, batched; at most the window of sends unmarked."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

import pytest
from sqlalchemy import delete, event
from sqlmodel import col, select

from bot.channels.base import PermanentSendError, TemporarySendError
from bot.core.context import new_delivery, recipient
from bot.core.events import Command, Outgoing
from bot.core.models import Delivery, Member
from bot.outbox import LEASE, Outbox
from bot.outbox_ledger import RENEW_BELOW
from bot.outbox_worker import OutboxWorker
from tests.helpers.service import Harness, sender


class FlakyChannel:
    name = "test"

    def __init__(self, failures: list[Exception | None]) -> None:
        self.failures = failures
        self.sent: list[Outgoing] = []

    async def send(self, out: Outgoing) -> str:
        failure = self.failures.pop(0) if self.failures else None
        if failure is not None:
            raise failure
        await asyncio.sleep(0)
        self.sent.append(out)
        return str(len(self.sent))


async def pushed_message(bot: Harness) -> None:
    """Pairing pushes one message to the inviter; send nothing yet."""
    replies = await bot.service.handle(Command(sender=sender("a", "Alex"), name="pair"))
    code = next(out.invite_code for out in replies if out.invite_code)
    await bot.service.handle(Command(sender=sender("b", "Sam"), name="pair", args=code))


async def test_a_passing_failure_is_retried_with_backoff(bot: Harness) -> None:
    await pushed_message(bot)
    flaky = FlakyChannel(
        [TemporarySendError("timeout"), TemporarySendError("flood", retry_after=30)]
    )
    outbox = Outbox(bot.service.db, bot.clock, {"test": flaky})
    assert await outbox.deliver_due() == 0
    assert await outbox.deliver_due() == 0  # not due yet: backing off
    bot.clock.advance(timedelta(seconds=5))
    assert await outbox.deliver_due() == 0  # second failure asks for 30 s
    bot.clock.advance(timedelta(seconds=29))
    assert await outbox.deliver_due() == 0
    bot.clock.advance(timedelta(seconds=1))
    assert await outbox.deliver_due() == 1
    assert "paired with Sam" in flaky.sent[0].text
    async with bot.service.db.session() as session:
        delivery = (await session.exec(select(Delivery))).one()
    assert delivery.status == "sent"
    assert delivery.attempts == 3


async def test_a_blocked_member_is_marked_unreachable_and_the_partner_told_once(
    bot: Harness,
) -> None:
    await pushed_message(bot)
    outbox = Outbox(bot.service.db, bot.clock, {"test": FlakyChannel([PermanentSendError()])})
    await outbox.deliver_due()
    async with bot.service.db.session() as session:
        alex = (await session.exec(select(Member).where(Member.user_id == "a"))).one()
        to_alex = (await session.exec(select(Delivery).where(Delivery.member_id == alex.id))).one()
        to_sam = (await session.exec(select(Delivery).where(Delivery.member_id != alex.id))).one()
    assert alex.unreachable_at == bot.clock.now()
    assert to_alex.status == "failed"
    assert "can't reach Alex" in to_sam.payload["text"]
    # A second failed send in the same spell tells nobody again.
    await bot.service.handle(Command(sender=sender("b", "Sam"), name="unpair"))
    async with bot.service.db.session() as session:
        notices = (await session.exec(select(Delivery).where(Delivery.kind == "unreachable"))).all()
    assert len(notices) == 1


async def test_two_outboxes_at_once_send_each_message_once(bot: Harness) -> None:
    await pushed_message(bot)
    channel = FlakyChannel([])
    first = Outbox(bot.service.db, bot.clock, {"test": channel})
    second = Outbox(bot.service.db, bot.clock, {"test": channel})
    await asyncio.gather(first.deliver_due(), second.deliver_due())
    assert len(channel.sent) == 1


async def test_a_claimed_but_unmarked_message_is_sent_again_after_its_lease(bot: Harness) -> None:
    await pushed_message(bot)
    channel = FlakyChannel([])
    outbox = Outbox(bot.service.db, bot.clock, {"test": channel})
    assert len(await outbox.claim()) == 1  # the process "dies" here, after claiming
    assert await outbox.deliver_due() == 0
    bot.clock.advance(timedelta(minutes=2))
    assert await outbox.deliver_due() == 1


# Checked, not renewed: the question before each send (bot/outbox_ledger.py).


async def test_a_delivery_deleted_after_its_claim_is_not_sent(bot: Harness) -> None:
    """Unpairing, an erase and a newer status line delete deliveries that wait; one already
    claimed (queued in the worker, its lease still fresh) must not go out either."""
    await pushed_message(bot)
    channel = FlakyChannel([])
    outbox = Outbox(bot.service.db, bot.clock, {"test": channel})
    [item] = await outbox.claim()
    async with bot.service.db.session() as session:
        await session.exec(delete(Delivery))
    assert await outbox.send(item) is False
    assert channel.sent == []


@pytest.mark.parametrize(
    ("waited", "renewed"),
    [(timedelta(seconds=1), False), (LEASE - RENEW_BELOW + timedelta(seconds=1), True)],
    ids=["fresh", "getting-short"],
)
async def test_a_claim_is_renewed_only_when_its_lease_is_getting_short(
    bot: Harness, waited: timedelta, renewed: bool
) -> None:
    await pushed_message(bot)
    leases: list[datetime] = []

    class Reading:
        name = "test"

        async def send(self, out: Outgoing) -> str:
            async with bot.service.db.session() as session:
                leases.append((await session.exec(select(Delivery.next_attempt_at))).one())
            return "1"

    outbox = Outbox(bot.service.db, bot.clock, {"test": Reading()})
    [item] = await outbox.claim()
    claimed_until = item.lease_until
    bot.clock.advance(waited)
    assert await outbox.send(item)
    await outbox.ledger.settled()  # its mark written, as the worker's stop and deliver_due do
    assert leases == [bot.clock.now() + LEASE if renewed else claimed_until]


async def waiting_for(bot: Harness, chats: list[str], per_chat: int = 1) -> None:
    """`per_chat` pending deliveries to each of `chats` ("<chat> <n>", n from 0), each chat a
    member who said /start."""
    for who in chats:
        await bot.say(who, "/start")
    async with bot.service.db.session() as session:
        members = (await session.exec(select(Member).where(col(Member.user_id).in_(chats)))).all()
        for n in range(per_chat):
            for member in members:
                out = Outgoing(to=recipient(member), text=f"{member.chat_id} {n}")
                session.add(new_delivery(member, out, kind="test", now=bot.clock.now()))


@contextmanager
def counting_commits(bot: Harness) -> Iterator[list[None]]:
    """A list that grows by one at each COMMIT on the bot's database while the block runs."""
    commits: list[None] = []

    def committed(*_: object) -> None:
        commits.append(None)

    engine = bot.service.db.engine.sync_engine
    event.listen(engine, "commit", committed)
    try:
        yield commits
    finally:
        event.remove(engine, "commit", committed)


async def test_sends_under_way_share_their_transactions(bot: Harness) -> None:
    """Eight sends at once: their eight questions in one transaction, their eight marks in
    another (they were 16 transactions: a renewal and a mark each)."""
    await waiting_for(bot, [f"u{i}" for i in range(8)])
    gate, all_at_gate = asyncio.Event(), asyncio.Event()
    channel = FlakyChannel([])

    class Gated:
        name = "test"
        at_gate = 0

        async def send(self, out: Outgoing) -> str:
            self.at_gate += 1
            if self.at_gate == 8:
                all_at_gate.set()
            await gate.wait()
            return await channel.send(out)

    outbox = Outbox(bot.service.db, bot.clock, {"test": Gated()})
    items = await outbox.claim()
    assert len(items) == 8
    with counting_commits(bot) as commits:
        sends = asyncio.gather(*(outbox.send(item) for item in items))
        await asyncio.wait_for(all_at_gate.wait(), 5)
        gate.set()
        assert all(await sends)
        await outbox.ledger.settled()
    assert len(commits) == 2
    async with bot.service.db.session() as session:
        statuses = (await session.exec(select(Delivery.status))).all()
    assert statuses == ["sent"] * 8
    assert len(channel.sent) == 8


async def test_paced_sends_write_each_mark_with_the_next_question(bot: Harness) -> None:
    """One send at a time, 40 ms apart (25 a second): a mark waits for the next send's question
    and shares its transaction, so six sends take seven transactions (the last mark alone),
    not twelve (a question and a mark each)."""
    await waiting_for(bot, [f"u{i}" for i in range(6)])
    channel = FlakyChannel([])
    outbox = Outbox(bot.service.db, bot.clock, {"test": channel})
    items = await outbox.claim()
    assert len(items) == 6
    with counting_commits(bot) as commits:
        for item in items:
            assert await outbox.send(item)
            await asyncio.sleep(0.04)
        await outbox.ledger.settled()
    assert len(commits) == 7, commits
    async with bot.service.db.session() as session:
        statuses = (await session.exec(select(Delivery.status))).all()
    assert statuses == ["sent"] * 6


class Watching:
    """A channel that, as each message starts out, counts the messages it already took whose
    deliveries are still pending (sent, not yet marked), and the sends under way at once."""

    name = "test"

    def __init__(self, bot: Harness) -> None:
        self.db = bot.service.db
        self.sent: list[str] = []
        self.unmarked: list[int] = []
        self.under_way = 0
        self.most_under_way = 0
        self.changed = asyncio.Event()

    async def until(self, sent: int) -> None:
        async with asyncio.timeout(20):
            while len(self.sent) < sent:
                await self.changed.wait()
                self.changed.clear()

    async def send(self, out: Outgoing) -> str:
        self.under_way += 1
        self.most_under_way = max(self.most_under_way, self.under_way)
        try:
            async with self.db.session() as session:
                waiting = select(Delivery.payload).where(Delivery.status == "pending")
                pending = {payload["text"] for payload in (await session.exec(waiting)).all()}
            self.unmarked.append(len(pending & set(self.sent)))
            await asyncio.sleep(0.01)
            self.sent.append(out.text)
            self.changed.set()
            return str(len(self.sent))
        finally:
            self.under_way -= 1


async def test_at_most_the_window_of_sends_is_ever_sent_but_unmarked(bot: Harness) -> None:
    """What a process killed at any moment would send twice (bot/outbox_worker.py): at most
    `window` messages, each chat's in order."""
    chats = [f"u{i}" for i in range(12)]
    await waiting_for(bot, chats, per_chat=2)
    channel = Watching(bot)
    outbox = Outbox(bot.service.db, bot.clock, {"test": channel})
    worker = OutboxWorker(outbox, rate=1000, per_chat_interval=0.05, idle_seconds=0.02, window=3)
    worker.start()
    try:
        await channel.until(24)
    finally:
        await worker.stop()
    assert sorted(channel.sent) == sorted(f"{chat} {n}" for chat in chats for n in range(2))
    for chat in chats:
        assert [t for t in channel.sent if t.split()[0] == chat] == [f"{chat} 0", f"{chat} 1"]
    assert channel.most_under_way > 1  # the window is used
    # Besides the one starting out, at most window - 1 others are sent but not yet marked.
    assert max(channel.unmarked) <= 2, channel.unmarked
    async with bot.service.db.session() as session:
        assert (await session.exec(select(Delivery.status).distinct())).all() == ["sent"]


async def test_stop_writes_every_mark_and_hands_back_the_rest(bot: Harness) -> None:
    chats = [f"u{i}" for i in range(12)]
    await waiting_for(bot, chats, per_chat=2)
    channel = Watching(bot)
    outbox = Outbox(bot.service.db, bot.clock, {"test": channel})
    worker = OutboxWorker(outbox, rate=1000, per_chat_interval=0.2, idle_seconds=0.02, window=4)
    worker.start()
    await channel.until(6)
    await worker.stop()
    first = list(channel.sent)
    async with bot.service.db.session() as session:
        rows = (await session.exec(select(Delivery))).all()
    sent = {row.id for row in rows if row.status == "sent"}
    assert len(sent) == len(first)  # every message that went out is marked
    for row in rows:
        if row.status == "pending":  # handed back: due now, its words kept
            assert row.payload["text"] not in first
            assert row.next_attempt_at <= bot.clock.now()
    # The next process sends the rest, and nothing twice.
    await outbox.deliver_due()
    assert sorted(channel.sent) == sorted(f"{chat} {n}" for chat in chats for n in range(2))
