"""The outbox sending media from another app as the file itself, when that app's channel can
fetch it, and as before (the recipient's channel relays the reference: a link or a note) when
it cannot, when fetching fails, or when the recipient's app refuses the file."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from bot.channels.base import Channel, RejectedSendError, TemporarySendError
from bot.core.context import new_delivery, recipient
from bot.core.events import Attachment, MediaRef, Outgoing
from bot.core.models import Delivery, Member
from bot.outbox import FETCH_ATTEMPTS, MAX_UPLOAD, Outbox
from tests.helpers.service import Harness

PHOTO = Attachment(filename="photo.jpg", data=b"\xff\xd8 photo \xff\xd9", kind="photo")
FROM_ELSEWHERE = MediaRef(
    channel="elsewhere", kind="photo", ref="9:55", caption="our balcony", file="file-55"
)


class Elsewhere:
    """Another app's channel that can fetch its own files: each fetch gives the next answer."""

    name = "elsewhere"

    def __init__(self, answers: list[Attachment | Exception | None]) -> None:
        self.answers = answers
        self.fetched: list[tuple[MediaRef, int]] = []

    async def send(self, out: Outgoing) -> str:
        raise AssertionError("nobody here is on this app")

    async def fetch(self, media: MediaRef, max_bytes: int) -> Attachment | None:
        self.fetched.append((media, max_bytes))
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer


class Recipient:
    """The recipient's app: keeps what is sent; refuses any file when told to. It could fetch
    its own files too (it must not be asked to: it relays its own media itself)."""

    name = "test"

    def __init__(self, *, refuse_files: bool = False) -> None:
        self.refuse_files = refuse_files
        self.sent: list[Outgoing] = []
        self.fetched: list[MediaRef] = []

    async def fetch(self, media: MediaRef, max_bytes: int) -> Attachment | None:
        self.fetched.append(media)
        return PHOTO

    async def send(self, out: Outgoing) -> str:
        if out.attachment is not None and self.refuse_files:
            raise RejectedSendError("413 40005")
        self.sent.append(out)
        return str(len(self.sent))


async def push_media(bot: Harness, media: MediaRef) -> None:
    """One pending delivery to Sam carrying `media`."""
    await bot.say("a", "/start")
    await bot.say("b", "/start")
    async with bot.service.db.session() as session:
        sam = (await session.exec(select(Member).where(Member.user_id == "b"))).one()
        out = Outgoing(to=recipient(sam), text="💬 Alex answered with a photo.", media=media)
        session.add(new_delivery(sam, out, kind="reveal", now=bot.clock.now()))


async def status(bot: Harness) -> tuple[str, int]:
    async with bot.service.db.session() as session:
        delivery = (await session.exec(select(Delivery))).one()
    return delivery.status, delivery.attempts


async def test_media_another_app_can_fetch_is_sent_as_the_file(bot: Harness) -> None:
    await push_media(bot, FROM_ELSEWHERE)
    source, to = Elsewhere([PHOTO]), Recipient()
    assert await Outbox(bot.service.db, bot.clock, {"test": to, "elsewhere": source}).deliver_due()
    [sent] = to.sent
    assert sent.attachment == PHOTO
    assert sent.media is None
    assert sent.text == "💬 Alex answered with a photo.\n\nour balcony"
    assert source.fetched == [(FROM_ELSEWHERE, MAX_UPLOAD)]
    assert await status(bot) == ("sent", 1)


async def test_media_that_cannot_be_fetched_goes_as_before(bot: Harness) -> None:
    await push_media(bot, FROM_ELSEWHERE)
    source, to = Elsewhere([None]), Recipient()
    await Outbox(bot.service.db, bot.clock, {"test": to, "elsewhere": source}).deliver_due()
    [sent] = to.sent
    assert (sent.media, sent.attachment) == (FROM_ELSEWHERE, None)
    assert sent.text == "💬 Alex answered with a photo."
    assert await status(bot) == ("sent", 1)


STORED_BEFORE = MediaRef(channel="elsewhere", kind="photo", ref="9:55", caption=None)
OWN = MediaRef(channel="test", kind="photo", ref="9:56", caption=None, file="file-56")


@pytest.mark.parametrize(
    ("media", "served"),
    [
        (STORED_BEFORE, True),  # kept before refs had a file
        (OWN, True),  # the recipient's own app relays its own media
        (FROM_ELSEWHERE, False),  # the other app is not served by this process
    ],
)
async def test_nothing_is_fetched_without_a_file_another_app_or_a_fetching_channel(
    bot: Harness, media: MediaRef, served: bool
) -> None:
    await push_media(bot, media)
    to, elsewhere = Recipient(), Elsewhere([])
    channels: dict[str, Channel] = {"test": to, "elsewhere": elsewhere} if served else {"test": to}
    await Outbox(bot.service.db, bot.clock, channels).deliver_due()
    [sent] = to.sent
    assert (sent.media, sent.attachment) == (media, None)
    assert (elsewhere.fetched, to.fetched) == ([], [])


async def test_a_passing_fault_while_fetching_is_tried_again(bot: Harness) -> None:
    await push_media(bot, FROM_ELSEWHERE)
    source, to = Elsewhere([TemporarySendError("TimedOut"), PHOTO]), Recipient()
    outbox = Outbox(bot.service.db, bot.clock, {"test": to, "elsewhere": source})
    assert await outbox.deliver_due() == 0
    assert to.sent == []
    assert await status(bot) == ("pending", 1)
    bot.clock.advance(timedelta(seconds=5))
    assert await outbox.deliver_due() == 1
    [sent] = to.sent
    assert sent.attachment == PHOTO


async def test_after_the_last_passing_fault_the_answer_goes_as_before(bot: Harness) -> None:
    await push_media(bot, FROM_ELSEWHERE)
    faults: list[Attachment | Exception | None] = [TemporarySendError("500")] * FETCH_ATTEMPTS
    source, to = Elsewhere(faults), Recipient()
    outbox = Outbox(bot.service.db, bot.clock, {"test": to, "elsewhere": source})
    for _ in range(FETCH_ATTEMPTS):
        await outbox.deliver_due()
        bot.clock.advance(timedelta(minutes=1))
    [sent] = to.sent
    assert (sent.media, sent.attachment) == (FROM_ELSEWHERE, None)
    assert await status(bot) == ("sent", FETCH_ATTEMPTS)


async def test_a_file_the_recipients_app_refuses_goes_as_before_at_once(bot: Harness) -> None:
    await push_media(bot, FROM_ELSEWHERE)
    source, to = Elsewhere([PHOTO]), Recipient(refuse_files=True)
    assert await Outbox(bot.service.db, bot.clock, {"test": to, "elsewhere": source}).deliver_due()
    [sent] = to.sent
    assert (sent.media, sent.attachment) == (FROM_ELSEWHERE, None)
    assert await status(bot) == ("sent", 1)
