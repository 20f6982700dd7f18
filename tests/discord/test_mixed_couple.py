"""A mixed couple: Alex on Telegram, Sam on Discord, through a whole evening at the service level
(two recording channels behind one outbox, a movable clock), then the relayed media through the
real renderers of each app, and a photo moment through the real channels of both (Telegram's
against the in-process Bot API, Discord's into a recorded DM): Alex's photo reaches Sam as the
photo itself."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import discord
import pytest
from pydantic import SecretStr
from sqlmodel import select
from telegram import Update

from bot.channels.base import Channel
from bot.channels.discord import DiscordChannel, RekindleClient
from bot.channels.telegram import TelegramChannel, build_application
from bot.channels.telegram.handlers import event_of
from bot.clock import MovableClock
from bot.config import Settings
from bot.core.events import Command, Event, Media, MediaRef, Outgoing, Sender, Text, parse_command
from bot.core.models import Delivery, Member
from bot.db import Database
from bot.outbox import Outbox
from bot.service import Rekindle
from tests.helpers.discord import FakeDM, http_error
from tests.helpers.service import LIBRARY, START, RecordingChannel
from tests.helpers.telegram.fake_bot_api import FakeBotApi
from tests.helpers.telegram.offline import OfflineRequest

ALEX = Sender(channel="telegram", user_id="101", chat_id="101", display_name="Alex")
SAM = Sender(
    channel="discord",
    user_id="202202202202202202",
    chat_id="202202202202202202",
    display_name="Sam",
)
PHOTO_URL = "https://cdn.discordapp.com/attachments/5/6/balcony.jpg?ex=67&is=68&hm=ab"


@dataclass
class Mixed:
    service: Rekindle
    clock: MovableClock
    channels: dict[str, RecordingChannel]

    async def say(self, who: Sender, text: str) -> list[Outgoing]:
        parsed = parse_command(text)
        event: Event = (
            Command(sender=who, name=parsed[0], args=parsed[1])
            if parsed
            else Text(sender=who, text=text)
        )
        return await self.send(event)

    async def send(self, event: Event) -> list[Outgoing]:
        replies = await self.service.handle(event)
        for out in replies:
            await self.channels[out.to.channel].send(out)
        await self.service.outbox.deliver_due()
        return replies

    async def advance_to(self, moment: datetime) -> None:
        """Move the clock, running everything that falls due on the way."""
        while (wakeup := await self.service.next_wakeup()) is not None and wakeup <= moment:
            if wakeup > self.clock.now():
                self.clock.set(wakeup)
            await self.service.run_due()
        self.clock.set(moment)
        await self.service.run_due()

    def to(self, who: Sender) -> list[Outgoing]:
        return [o for o in self.channels[who.channel].sent if o.to.chat_id == who.chat_id]

    def texts(self, who: Sender) -> list[str]:
        return [o.text for o in self.to(who)]

    def count(self, who: Sender, needle: str) -> int:
        return sum(needle in text for text in self.texts(who))


async def mixed_service(
    url: str, channels: dict[str, Channel], clock: MovableClock
) -> tuple[Rekindle, Database]:
    db = Database(url)
    await db.migrate()
    return Rekindle(db=db, clock=clock, content=LIBRARY, outbox=Outbox(db, clock, channels)), db


@pytest.fixture
async def mixed(sqlite_url: str) -> AsyncIterator[Mixed]:
    clock = MovableClock(START)
    channels = {"telegram": RecordingChannel("telegram"), "discord": RecordingChannel("discord")}
    service, db = await mixed_service(sqlite_url, dict(channels), clock)
    try:
        yield Mixed(service, clock, channels)
    finally:
        await db.dispose()


async def pair_across(m: Mixed) -> None:
    await m.say(ALEX, "/start")
    await m.say(ALEX, "/timezone Europe/Berlin")
    await m.say(SAM, "/start")
    await m.say(SAM, "/timezone America/New_York")
    [invite] = [o for o in await m.say(ALEX, "/pair") if o.invite_code]
    await m.say(SAM, f"/pair {invite.invite_code}")


async def test_a_telegram_and_a_discord_partner_share_an_evening(mixed: Mixed) -> None:
    m = mixed
    await pair_across(m)
    assert m.count(SAM, "You're now paired with Alex") == 1  # Sam's reply, on Discord
    assert m.count(ALEX, "You're now paired with Sam") == 1  # pushed to Telegram
    async with m.service.db.session() as session:
        alex, sam = (await session.exec(select(Member).order_by(Member.id))).all()  # type: ignore[arg-type]
    assert (alex.channel, sam.channel) == ("telegram", "discord")
    assert alex.couple_id == sam.couple_id is not None

    # Each gets the evening prompt at 20:30 on their own clock, on their own app.
    await m.advance_to(datetime(2026, 12, 1, 19, 29, tzinfo=UTC))
    assert m.count(ALEX, "Just reply to answer") == 0
    await m.advance_to(datetime(2026, 12, 1, 19, 31, tzinfo=UTC))  # 20:31 in Berlin
    assert m.count(ALEX, "Just reply to answer") == 1
    assert m.count(SAM, "Just reply to answer") == 0  # 14:31 in New York
    await m.advance_to(datetime(2026, 12, 2, 1, 31, tzinfo=UTC))  # 20:31 in New York
    assert m.count(SAM, "Just reply to answer") == 1
    assert all(o.to.channel == "telegram" for o in m.to(ALEX))
    assert all(o.to.channel == "discord" for o in m.to(SAM))

    # Both answer; each sees the other's words, on their own app.
    [sealed] = await m.say(SAM, "Our walk by the river")
    assert "sealed until Alex" in sealed.text
    await m.say(ALEX, "When you laughed at my joke")
    assert m.count(SAM, "Alex's answer") == 1
    assert m.count(ALEX, "Sam's answer") == 1
    assert any("When you laughed at my joke" in t for t in m.texts(SAM))
    assert any("Our walk by the river" in t for t in m.texts(ALEX))

    # An appreciation each way crosses over at once.
    await m.say(ALEX, "/appreciate you listen so well")
    await m.say(SAM, "/appreciate your morning coffee")
    assert "💌 Alex appreciates you: you listen so well" in m.texts(SAM)
    assert "💌 Sam appreciates you: your morning coffee" in m.texts(ALEX)


async def test_media_answers_cross_over_as_a_note_and_as_a_link(mixed: Mixed) -> None:
    m = mixed
    await pair_across(m)
    await m.advance_to(datetime(2026, 12, 2, 1, 31, tzinfo=UTC))  # both prompted
    voice = MediaRef(channel="telegram", kind="voice", ref="101:55", caption=None)
    await m.send(Media(sender=ALEX, media=voice))
    photo = MediaRef(channel="discord", kind="photo", ref=PHOTO_URL, caption="our balcony")
    await m.send(Media(sender=SAM, media=photo))

    [to_sam] = [o for o in m.to(SAM) if o.media is not None]
    [to_alex] = [o for o in m.to(ALEX) if o.media is not None]
    assert to_sam.media == voice
    assert "Alex answered" in to_sam.text
    assert "voice note" in to_sam.text
    assert to_alex.media == photo

    # Sam's Discord client: the intro line, then the kind note (a voice note cannot cross).
    dm = FakeDM()
    client = RekindleClient(sync_commands=False)
    client.dms.remember(int(SAM.user_id), dm)  # type: ignore[arg-type]
    await DiscordChannel(client).send(to_sam)
    assert dm.texts[0] == to_sam.text
    assert "The answer was a voice note, sent on Telegram" in dm.texts[1]

    # Alex's Telegram: the intro, then the Discord photo by its URL (Telegram fetches it).
    request = OfflineRequest()
    application = build_application(
        Settings(_env_file=None, bot_token=SecretStr("123:abc"), discord_token=None),
        request=request,
    )
    await application.initialize()
    try:
        await TelegramChannel(application.bot).send(to_alex)
    finally:
        await application.shutdown()
    [photo_sent] = request.sent("sendPhoto")
    assert photo_sent["chat_id"] == int(ALEX.chat_id)
    assert photo_sent["photo"] == PHOTO_URL


async def test_a_discord_partner_with_closed_dms_is_marked_and_the_other_told_once(
    sqlite_url: str,
) -> None:
    clock = MovableClock(START)
    telegram = RecordingChannel("telegram")
    dm = FakeDM()
    client = RekindleClient(sync_commands=False)
    client.dms.remember(int(SAM.user_id), dm)  # type: ignore[arg-type]
    channels: dict[str, Channel] = {"telegram": telegram, "discord": DiscordChannel(client)}
    service, db = await mixed_service(sqlite_url, channels, clock)
    m = Mixed(service, clock, {"telegram": telegram, "discord": RecordingChannel("discord")})
    try:
        await pair_across(m)
        dm.errors += [http_error(discord.Forbidden, 403, 50007)] * 3
        await m.advance_to(datetime(2026, 12, 2, 1, 31, tzinfo=UTC))
        async with db.session() as session:
            sam = (await session.exec(select(Member).where(Member.channel == "discord"))).one()
        assert sam.unreachable_at is not None
        assert m.count(ALEX, "can't reach Sam") == 1
        await m.advance_to(clock.now() + timedelta(days=2))
        assert m.count(ALEX, "can't reach Sam") == 1
    finally:
        await db.dispose()


PHOTO_BYTES = b"\xff\xd8\xff\xe0 Alex's photo of the balcony \xff\xd9"
THURSDAY_EVENINGS = datetime(2026, 12, 4, 1, 31, tzinfo=UTC)  # 20:31 on Thursday in New York


@dataclass
class Across:
    """The mixed couple with the real channels behind the outbox: Alex's Telegram against the
    in-process Bot API, Sam's Discord DM recorded. Direct replies go to recording channels."""

    m: Mixed
    api: FakeBotApi
    telegram: TelegramChannel
    dm: FakeDM

    async def alex_sends(self, update: dict[str, Any]) -> None:
        """An update from Alex's Telegram, parsed by the real handler, into the service."""
        event = event_of(Update.de_json(update, self.telegram.bot))
        assert isinstance(event, Media)
        await self.m.send(event)

    def files_to_sam(self) -> list[discord.File]:
        return [kwargs["file"] for kwargs in self.dm.sent if "file" in kwargs]


@pytest.fixture
async def across(sqlite_url: str) -> AsyncIterator[Across]:
    api = FakeBotApi(token="123:abc")
    await api.start()
    api.user(int(ALEX.user_id), "Alex")
    application = build_application(
        Settings(
            _env_file=None,
            bot_token=SecretStr("123:abc"),
            discord_token=None,
            telegram_api_url=api.base_url,
        )
    )
    await application.initialize()
    telegram = TelegramChannel(application.bot)
    dm = FakeDM()
    client = RekindleClient(sync_commands=False)
    client.dms.remember(int(SAM.user_id), dm)  # type: ignore[arg-type]
    clock = MovableClock(START)
    channels: dict[str, Channel] = {"telegram": telegram, "discord": DiscordChannel(client)}
    service, db = await mixed_service(sqlite_url, channels, clock)
    replies = {"telegram": RecordingChannel("telegram"), "discord": RecordingChannel("discord")}
    try:
        yield Across(Mixed(service, clock, replies), api, telegram, dm)
    finally:
        await db.dispose()
        await application.shutdown()
        await api.stop()
    assert api.errors == []


async def photo_moment(a: Across) -> None:
    """Paired, and both asked for a photo on Thursday (an odd week's)."""
    await pair_across(a.m)
    await a.m.advance_to(THURSDAY_EVENINGS)
    assert any("A photo moment" in text for text in a.api.texts(int(ALEX.chat_id)))
    assert any("A photo moment" in text for text in a.dm.texts)
    sams = MediaRef(channel="discord", kind="photo", ref=PHOTO_URL, caption=None)
    await a.m.send(Media(sender=SAM, media=sams))


async def test_a_telegram_photo_reaches_a_discord_partner_as_the_photo_itself(
    across: Across,
) -> None:
    a = across
    await photo_moment(a)
    sent = len(a.dm.sent)
    update = a.api.send_photo(int(ALEX.user_id), caption="our *balcony*", data=PHOTO_BYTES)
    await a.alex_sends(update)

    # Sam's DM: one message, the intro and Alex's caption (as written), with the photo uploaded.
    [reveal, *_] = a.dm.sent[sent:]
    assert "Alex answered" in reveal["content"]
    assert "our \\*balcony\\*" in reveal["content"]
    [photo] = a.files_to_sam()
    assert reveal["file"] is photo
    assert photo.filename == "photo.jpg"
    assert photo.fp.read() == PHOTO_BYTES
    assert not any("sent on Telegram" in text for text in a.dm.texts)
    largest = update["message"]["photo"][-1]["file_id"]
    assert a.api.calls_to("getFile") == [{"file_id": largest}]
    assert len(a.api.downloads) == 1
    # Alex still gets Sam's Discord photo by its link.
    [by_link] = a.api.calls_to("sendPhoto")
    assert by_link["photo"] == PHOTO_URL
    async with a.m.service.db.session() as session:
        deliveries = (await session.exec(select(Delivery))).all()
    assert all(d.status == "sent" for d in deliveries)


async def test_a_photo_that_cannot_be_fetched_reaches_sam_as_the_note(across: Across) -> None:
    a = across
    await photo_moment(a)
    update = a.api.send_photo(int(ALEX.user_id), caption="our balcony", data=PHOTO_BYTES)
    a.api.forget_file(update["message"]["photo"][-1]["file_id"])  # gone from Telegram
    await a.alex_sends(update)

    assert len(a.api.calls_to("getFile")) == 1  # asked, and told it is gone
    assert a.files_to_sam() == []
    [note] = [text for text in a.dm.texts if "sent on Telegram" in text]
    assert note.startswith("our balcony\n")
    assert "The answer was a photo, sent on Telegram" in note
    async with a.m.service.db.session() as session:
        deliveries = (await session.exec(select(Delivery))).all()
    assert all(d.status == "sent" for d in deliveries)


async def test_a_passing_fault_fetching_the_photo_is_tried_again(across: Across) -> None:
    a = across
    await photo_moment(a)
    a.api.fail("getFile", "500")
    await a.alex_sends(a.api.send_photo(int(ALEX.user_id), data=PHOTO_BYTES))
    assert a.files_to_sam() == []  # not sent yet, and no note either
    assert not any("sent on Telegram" in text for text in a.dm.texts)

    a.m.clock.advance(timedelta(seconds=5))
    await a.m.service.outbox.deliver_due()
    [photo] = a.files_to_sam()
    assert photo.fp.read() == PHOTO_BYTES


async def test_a_telegram_voice_note_still_reaches_sam_as_the_note(across: Across) -> None:
    a = across
    await pair_across(a.m)
    await a.m.advance_to(datetime(2026, 12, 2, 1, 31, tzinfo=UTC))  # both asked (Tuesday)
    await a.m.say(SAM, "Our walk by the river")
    await a.alex_sends(a.api.send_voice(int(ALEX.user_id)))

    assert a.files_to_sam() == []
    assert any("The answer was a voice note, sent on Telegram" in text for text in a.dm.texts)
    assert a.api.calls_to("getFile") == []
