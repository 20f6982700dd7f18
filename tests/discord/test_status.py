"""The pinned status line on Discord (issue #17, item 3). A bot may pin in a DM: no permission
applies in a private channel (discord.py's `Message.pin` asks for `pin_messages` only "in a
non-private channel context", and its DM permissions include it). So Discord keeps the line as
Telegram does: one message, sent silently and pinned, then edited."""

from __future__ import annotations

from typing import Any

import discord
import pytest
from sqlmodel import select

from bot.channels.base import PermanentSendError, StatusChannel
from bot.channels.discord import DiscordChannel, RekindleClient
from bot.core.events import DROP, KEEP, Outgoing, Recipient
from bot.core.models import Member
from tests.discord.test_dm_flows import pair
from tests.helpers.discord import Dc, FakeDM, http_error

USER = 123_456_789_012_345_678


@pytest.fixture
async def dm() -> FakeDM:
    return FakeDM()


@pytest.fixture
async def channel(dm: FakeDM) -> DiscordChannel:
    client = RekindleClient(sync_commands=False)
    client.dms.remember(USER, dm)  # type: ignore[arg-type]
    return DiscordChannel(client)


def line(text: str, status: str = KEEP) -> Outgoing:
    to = Recipient(member_id=1, channel="discord", chat_id=str(USER))
    return Outgoing(to=to, text=text, silent=True, status=status)


async def test_a_status_is_sent_silently_pinned_then_edited(
    channel: DiscordChannel, dm: FakeDM
) -> None:
    assert isinstance(channel, StatusChannel)
    ref = await channel.post_status(line("💛 Day 1 together · evening question at 20:30"))
    [sent] = dm.sent
    assert sent["silent"] is True
    assert sent["content"] == "💛 Day 1 together · evening question at 20:30"
    message = dm.messages[int(ref)]
    assert message.pinned
    assert await channel.edit_status(line("💛 Day 2 together · *evening* at 20:30"), ref)
    assert message.content == "💛 Day 2 together · \\*evening\\* at 20:30"  # shown as written
    assert await channel.edit_status(line("💛 Day 2 together · *evening* at 20:30"), ref)
    assert len(message.edits) == 1  # the same line again is no edit at all
    assert len(dm.sent) == 1
    await channel.drop_status(line("", DROP), ref)
    assert not message.pinned


async def test_a_deleted_status_is_told_apart_from_a_dm_that_is_gone(
    channel: DiscordChannel, dm: FakeDM
) -> None:
    ref = await channel.post_status(line("💛 Day 1 together"))
    dm.delete(int(ref))  # the person deleted it
    assert await channel.edit_status(line("💛 Day 2 together"), ref) is False
    await channel.drop_status(line("", DROP), ref)  # nothing to unpin: no error
    dm.errors.append(http_error(discord.NotFound, 404, 10003))  # Unknown Channel
    with pytest.raises(PermanentSendError):
        await channel.edit_status(line("💛 Day 2 together"), ref)


async def test_a_refused_pin_keeps_the_message(
    channel: DiscordChannel, dm: FakeDM, caplog: pytest.LogCaptureFixture
) -> None:
    dm.pin_errors.append(http_error(discord.Forbidden, 403, 50013))
    ref = await channel.post_status(line("💛 Day 1 together"))
    assert not dm.messages[int(ref)].pinned
    assert "status sent but not pinned" in caplog.text
    assert "Day 1" not in caplog.text  # no words in the logs


async def test_partners_on_discord_get_their_line_pinned_and_edited(
    dc: Dc, monkeypatch: pytest.MonkeyPatch
) -> None:
    pins: list[tuple[int, int]] = []
    pin_message = dc.client.http.pin_message

    async def spy(channel_id: int, message_id: int, **kwargs: Any) -> None:
        pins.append((channel_id, message_id))
        await pin_message(channel_id, message_id, **kwargs)

    monkeypatch.setattr(dc.client.http, "pin_message", spy)
    await pair(dc)
    await dc.say(dc.alex, "/time 21:00")  # a change brings both lines at once
    refs = await status_refs(dc)
    for user in (dc.alex, dc.sam):
        lines = [t for t in dc.texts_to(user) if t.startswith("💛")]
        assert lines == ["💛 Day 1 together · evening question at 21:00"]
        assert (dc.dms[user.id].id, int(refs[user.id])) in pins
    await dc.say(dc.sam, "/time 21:30")
    assert await status_refs(dc) == refs  # the same messages, edited
    assert len(pins) == 2
    for user in (dc.alex, dc.sam):
        assert [t for t in dc.texts_to(user) if t.startswith("💛")] == [
            "💛 Day 1 together · evening question at 21:00"
        ]
        kept = await dc.dms[user.id].fetch_message(int(refs[user.id]))
        assert kept.content == "💛 Day 1 together · evening question at 21:30"


async def status_refs(dc: Dc) -> dict[int, str]:
    async with dc.service.db.session() as session:
        members = (await session.exec(select(Member))).all()
    refs = {int(m.user_id): m.status_ref for m in members}
    assert all(refs.values())
    return {user: ref for user, ref in refs.items() if ref is not None}
