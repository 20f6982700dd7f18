"""A mixed couple: Alex on Telegram, Sam on Discord, through a whole evening at the service level
(two recording channels behind one outbox, a movable clock), then the relayed media through the
real renderers of each app."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import discord
import pytest
from pydantic import SecretStr
from sqlmodel import select

from bot.channels.base import Channel
from bot.channels.discord import DiscordChannel, RekindleClient
from bot.channels.telegram import TelegramChannel, build_application
from bot.clock import MovableClock
from bot.config import Settings
from bot.core.events import Command, Event, Media, MediaRef, Outgoing, Sender, Text, parse_command
from bot.core.models import Member
from bot.db import Database
from bot.outbox import Outbox
from bot.service import Rekindle
from tests.helpers.discord import FakeDM, http_error
from tests.helpers.service import LIBRARY, START, RecordingChannel
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
