"""The outbox: retries with backoff, unreachable members, no double sends."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlmodel import select

from bot.channels.base import PermanentSendError, TemporarySendError
from bot.core.events import Command, Outgoing
from bot.core.models import Delivery, Member
from bot.outbox import Outbox
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
