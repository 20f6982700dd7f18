"""DiscordChannel, the outbox's way to Discord, against a fake DM: escaping, mentions, splitting,
buttons, files, relayed media, and how send errors are sorted."""

from __future__ import annotations

from typing import Any

import aiohttp
import discord
import pytest

from bot.channels.base import PermanentSendError, RejectedSendError, TemporarySendError
from bot.channels.discord import DiscordChannel, RekindleClient
from bot.channels.discord.render import MAX_TEXT, button_rows
from bot.core import texts, words
from bot.core.events import Attachment, Button, MediaRef, Outgoing, Recipient, keyboard
from tests.helpers.discord import FakeDM, http_error

USER = 123_456_789_012_345_678


@pytest.fixture
async def dm() -> FakeDM:
    return FakeDM()


@pytest.fixture
async def channel(dm: FakeDM) -> DiscordChannel:
    client = RekindleClient(sync_commands=False)
    client.dms.remember(USER, dm)  # type: ignore[arg-type]
    return DiscordChannel(client)


def out(text: str = "hi", **fields: Any) -> Outgoing:
    return Outgoing(
        to=Recipient(member_id=1, channel="discord", chat_id=str(USER)), text=text, **fields
    )


async def test_user_text_shows_exactly_as_written_and_never_pings(
    channel: DiscordChannel, dm: FakeDM
) -> None:
    message_id = await channel.send(out("**hi** @everyone <script> <@42424242424242424> `x`"))
    [sent] = dm.sent
    assert message_id is not None
    assert (
        sent["content"]
        == "\\*\\*hi\\*\\* @\u200beveryone <script> <@\u200b42424242424242424> \\`x\\`"
    )
    mentions = sent["allowed_mentions"]
    assert (mentions.everyone, mentions.users, mentions.roles, mentions.replied_user) == (
        False,
        False,
        False,
        False,
    )


async def test_long_text_is_split_with_buttons_on_the_last_piece(
    channel: DiscordChannel, dm: FakeDM
) -> None:
    text = "\n".join(f"line {i} " + "y" * 90 for i in range(50))  # ~4,900 characters
    await channel.send(out(text, buttons=keyboard([("OK", "ok:1")])))
    assert len(dm.sent) == 3
    assert all(len(piece["content"]) <= MAX_TEXT for piece in dm.sent)
    assert all(piece["content"].endswith("y") for piece in dm.sent)  # cut between lines
    assert "view" not in dm.sent[0]
    assert "view" not in dm.sent[1]
    assert [item.custom_id for item in dm.sent[-1]["view"].children] == ["ok:1"]
    assert "".join(p["content"] for p in dm.sent).count("line ") == 50


async def test_escaping_that_lengthens_a_piece_splits_it_again(
    channel: DiscordChannel, dm: FakeDM
) -> None:
    await channel.send(out("*" * 3000))
    assert all(len(piece["content"]) <= MAX_TEXT for piece in dm.sent)
    assert "".join(p["content"] for p in dm.sent) == "\\*" * 3000


async def test_silent_and_files(channel: DiscordChannel, dm: FakeDM) -> None:
    await channel.send(out("quiet", silent=True))
    picture = Attachment(filename="progress.png", data=b"\x89PNG...", kind="photo")
    await channel.send(out("Your weeks", attachment=picture))
    quiet, with_file = dm.sent
    assert quiet["silent"] is True
    assert with_file["silent"] is False
    assert with_file["file"].filename == "progress.png"
    assert with_file["content"] == "Your weeks"


def test_buttons_fit_discords_five_rows_of_five() -> None:
    rows = [[("time", "set:time:1"), ("zone", "set:zone:1")]]
    rows += [[(f"rhythm {i}", f"set:toggle:{i}:1")] for i in range(6)]
    rows += [[(day, f"set:day:{day}:1") for day in ("mo", "tu", "we", "th", "fr", "sa", "su")]]
    fitted = button_rows(keyboard(*rows))
    assert len(fitted) <= 5
    assert all(len(row) <= 5 for row in fitted)
    assert [b.data for row in fitted for b in row] == [data for row in rows for _, data in row]
    assert button_rows(((Button("a", "same"), Button("b", "same")),)) == [[Button("a", "same")]]


async def test_media_from_discord_is_a_link_and_from_telegram_a_kind_note(
    channel: DiscordChannel, dm: FakeDM
) -> None:
    url = "https://cdn.discordapp.com/attachments/1/2/p.png?ex=1"
    photo = MediaRef(channel="discord", kind="photo", ref=url, caption="our *balcony*")
    await channel.send(out("💬 Alex answered with a photo.", media=photo))
    voice = MediaRef(channel="telegram", kind="voice", ref="11:42", caption=None)
    await channel.send(out("💬 Sam answered with a voice note.", media=voice))
    intro, link, intro2, note = (piece["content"] for piece in dm.sent)
    assert intro == "💬 Alex answered with a photo."
    assert link == f"our \\*balcony\\*\n{url}"
    assert intro2 == "💬 Sam answered with a voice note."
    assert note == discord.utils.escape_markdown(
        texts.MEDIA_ACROSS.format(what="voice note", app="Telegram")
    )


async def test_an_invite_says_how_the_code_is_used(channel: DiscordChannel, dm: FakeDM) -> None:
    await channel.send(out("Here's your invite: K7MQ2XRT9B", invite_code="K7MQ2XRT9B"))
    assert "your partner sends me /pair K7MQ2XRT9B" in dm.sent[0]["content"]


async def test_the_channels_own_words_are_in_the_readers_language(
    channel: DiscordChannel, dm: FakeDM
) -> None:
    await channel.send(
        out("Aquí está tu invitación: K7MQ2XRT9B", invite_code="K7MQ2XRT9B", lang="es")
    )
    note = words.translate(texts.INVITE_NO_LINK, "es").format(
        app="Discord", other="Telegram", code="K7MQ2XRT9B"
    )
    assert note != texts.INVITE_NO_LINK.format(app="Discord", other="Telegram", code="K7MQ2XRT9B")
    assert dm.sent[0]["content"].endswith(discord.utils.escape_markdown(note))
    voice = MediaRef(channel="telegram", kind="voice", ref="11:42", caption=None)
    await channel.send(out("💬 Sam:", media=voice, lang="ru"))
    what = words.say("MEDIA_NAMES.voice", "ru")
    across = words.translate(texts.MEDIA_ACROSS, "ru").format(what=what, app="Telegram")
    assert dm.sent[-1]["content"] == discord.utils.escape_markdown(across)


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (http_error(discord.Forbidden, 403, 50007), PermanentSendError),  # DMs closed
        (http_error(discord.NotFound, 404, 10013), PermanentSendError),  # unknown user
        (http_error(discord.HTTPException, 400, 50035), RejectedSendError),  # invalid form
        (http_error(discord.DiscordServerError, 503, 0), TemporarySendError),
        (aiohttp.ClientConnectionError("reset"), TemporarySendError),
        (TimeoutError(), TemporarySendError),
        (discord.RateLimited(42.0), TemporarySendError),
    ],
)
async def test_send_errors_are_sorted_for_the_outbox(
    channel: DiscordChannel, dm: FakeDM, error: BaseException, expected: type[Exception]
) -> None:
    dm.errors.append(error)
    with pytest.raises(expected) as caught:
        await channel.send(out())
    if isinstance(error, discord.RateLimited):
        assert caught.value.retry_after == 42.0  # type: ignore[attr-defined]


async def test_an_unknown_user_is_looked_up_once_then_remembered(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    dm = FakeDM()
    lookups: list[int] = []

    class User:
        dm_channel = None

        async def create_dm(self) -> FakeDM:
            return dm

    async def fetch_user(user_id: int) -> User:
        lookups.append(user_id)
        return User()

    client = RekindleClient(sync_commands=False)
    monkeypatch.setattr(client, "fetch_user", fetch_user)
    channel = DiscordChannel(client)
    await channel.send(out("one"))
    await channel.send(out("two"))
    assert lookups == [USER]
    assert [p["content"] for p in dm.sent] == ["one", "two"]


async def test_a_lookup_that_fails_for_good_is_permanent(monkeypatch: pytest.MonkeyPatch) -> None:
    async def fetch_user(user_id: int) -> None:
        raise http_error(discord.NotFound, 404, 10013)

    client = RekindleClient(sync_commands=False)
    monkeypatch.setattr(client, "fetch_user", fetch_user)
    with pytest.raises(PermanentSendError):
        await DiscordChannel(client).send(out())
