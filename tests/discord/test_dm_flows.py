"""Partners on Discord writing DMs (on_message, through dpytest's fake Discord): /start typed as
text, a time zone, pairing with `/pair CODE`, an evening answer and both reveals."""

from __future__ import annotations

import asyncio
import re
from datetime import UTC, datetime
from typing import cast

import discord
import discord.ext.test as dpytest
import pytest
from discord.ext.test import backend, factories
from sqlmodel import col, select

from bot.channels.discord.chat_locks import ChatLocks
from bot.channels.discord.handlers import PRIVATE_ONLY, sender_of
from bot.core import texts
from bot.core.events import Outgoing
from bot.core.models import Answer, Member
from tests.helpers.discord import Dc, message_payload, user_payload

CODE = re.compile(r"invite for your partner: (\w+)")


async def pair(dc: Dc) -> str:
    await dc.say(dc.alex, "/start")
    await dc.say(dc.alex, "Berlin")
    await dc.say(dc.sam, "/start")
    await dc.say(dc.sam, "America/New_York")
    await dc.say(dc.alex, "/pair")
    match = CODE.search(dc.texts_to(dc.alex)[-1])
    assert match is not None
    await dc.say(dc.sam, f"/pair {match.group(1)}")
    return match.group(1)


async def test_start_typed_as_text_greets_and_asks_for_the_time_zone(dc: Dc) -> None:
    await dc.say(dc.alex, "/start")
    [greeting] = dc.texts_to(dc.alex)
    assert greeting.startswith("Hi Alex, I'm Rekindle")
    await dc.say(dc.alex, "Berlin")
    assert "Europe/Berlin" in dc.texts_to(dc.alex)[-1]


async def test_pairing_by_code_typed_as_pair_code(dc: Dc) -> None:
    code = await pair(dc)
    invite = next(t for t in dc.texts_to(dc.alex) if code in t)
    assert "/pair " + code in invite
    assert "On Discord there's no link to tap" in invite
    assert any("You're now paired with Alex" in t for t in dc.texts_to(dc.sam))
    assert any("You're now paired with Sam" in t for t in dc.texts_to(dc.alex))  # the outbox
    async with dc.service.db.session() as session:
        members = (await session.exec(select(Member).order_by(Member.id))).all()  # type: ignore[arg-type]
    assert [(m.channel, m.user_id, m.chat_id) for m in members] == [
        ("discord", str(dc.alex.id), str(dc.alex.id)),
        ("discord", str(dc.sam.id), str(dc.sam.id)),
    ]
    assert members[0].couple_id == members[1].couple_id is not None


async def test_an_evening_answer_and_both_reveals(dc: Dc) -> None:
    await pair(dc)
    dc.clock.set(datetime(2026, 12, 1, 19, 31, tzinfo=UTC))  # 20:31 in Berlin
    await dc.service.run_due()
    assert sum("Tonight's check-in" in t for t in dc.texts_to(dc.alex)) == 1
    assert not any("Tonight's check-in" in t for t in dc.texts_to(dc.sam))  # 14:31 in New York
    dc.clock.set(datetime(2026, 12, 2, 1, 31, tzinfo=UTC))  # 20:31 in New York
    await dc.service.run_due()
    assert sum("Tonight's check-in" in t for t in dc.texts_to(dc.sam)) == 1

    await dc.say(dc.alex, "**hi** @everyone <script> _x_")
    assert "sealed until Sam" in dc.texts_to(dc.alex)[-1]
    await dc.say(dc.sam, "A quiet walk, and you")
    [to_sam] = [t for t in dc.texts_to(dc.sam) if "Alex's answer" in t]
    [to_alex] = [t for t in dc.texts_to(dc.alex) if "Sam's answer" in t]
    # Shown exactly as written: Markdown escaped, the mention defused (zero-width space).
    assert "\\*\\*hi\\*\\* @\u200beveryone <script> \\_x\\_" in to_sam
    assert "A quiet walk, and you" in to_alex


async def test_messages_in_order_and_bots_ignored(dc: Dc) -> None:
    await dc.say(dc.alex, "/help")
    before = len(dc.texts_to(dc.alex))
    bot_author = {**user_payload(dc.alex), "id": "77", "bot": True}
    await dc.send_message(dc.alex, author=bot_author, content="/start")
    assert len(dc.texts_to(dc.alex)) == before


async def test_attachments_and_stickers_become_media(dc: Dc) -> None:
    await pair(dc)
    await dc.say(dc.alex, "/checkin")
    url = "https://cdn.discordapp.com/attachments/1/2/photo.png?ex=1&is=2&hm=3"
    await dc.send_message(
        dc.alex,
        content="our balcony",
        attachments=[
            {
                "id": "9",
                "filename": "photo.png",
                "size": 10,
                "url": url,
                "proxy_url": url,
                "content_type": "image/png",
            }
        ],
    )
    await dc.send_message(
        dc.sam,
        sticker_items=[{"id": "749054660769218631", "name": "Wave", "format_type": 1}],
    )
    [note] = [t for t in dc.texts_to(dc.sam) if "Alex answered" in t]
    assert "with a photo" in note
    assert any(t == f"our balcony\n{url}" for t in dc.texts_to(dc.sam))  # caption, then link
    assert any("Sam answered" in t and "sticker" in t for t in dc.texts_to(dc.alex))
    assert any("stickers/749054660769218631" in t for t in dc.texts_to(dc.alex))


async def test_a_poll_gets_a_kind_reply(dc: Dc) -> None:
    await dc.send_message(
        dc.alex,
        poll={
            "question": {"text": "?"},
            "answers": [{"answer_id": 1, "poll_media": {"text": "a"}}],
            "expiry": "2026-12-02T00:00:00+00:00",
            "allow_multiselect": False,
            "layout_type": 1,
        },
    )
    assert "I can't do anything with a poll" in dc.texts_to(dc.alex)[-1]


async def test_in_a_server_a_mention_gets_one_kind_reply_and_nothing_is_read(dc: Dc) -> None:
    guild_channel = dc.client.guilds[0].text_channels[0]
    me = dc.client.user
    assert me is not None
    sent_before = len(dc.texts_to(dc.alex))
    # dpytest caches members only with the (privileged) members intent; the bot is one.
    guild = guild_channel.guild
    state = backend.get_state()
    data = factories.make_member_dict(guild, cast(discord.User, me), [])
    guild._add_member(discord.Member(data=data, guild=guild, state=state))  # type: ignore[arg-type]

    async def post(content: str, mention: bool) -> None:
        data = message_payload(guild_channel.id, user_payload(dc.alex))
        data.update(
            guild_id=str(guild_channel.guild.id),
            content=content,
            mentions=[{**user_payload(me), "bot": True}] if mention else [],
        )
        state.parse_message_create(data)  # type: ignore[arg-type]
        await dpytest.run_all_events()

    await post("/start", mention=False)
    await post(f"<@{me.id}> hi", mention=True)
    await post(f"<@{me.id}> hello?", mention=True)
    dc.collect()
    in_server = [m.content for m in dc.sent if m.channel.id == guild_channel.id]
    assert in_server == [PRIVATE_ONLY]  # once, however often it is mentioned
    assert len(dc.texts_to(dc.alex)) == sent_before
    async with dc.service.db.session() as session:
        assert (await session.exec(select(Member))).all() == []  # nothing was handled


async def test_a_failure_inside_gets_a_kind_sorry_not_silence(
    dc: Dc, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def broken(event: object) -> list[object]:
        raise RuntimeError("database went away")

    monkeypatch.setattr(dc.service, "handle", broken)
    await dc.say(dc.alex, "hello")
    assert dc.texts_to(dc.alex) == [texts.SOMETHING_WENT_WRONG]


async def test_one_persons_messages_are_handled_in_order() -> None:
    locks = ChatLocks()
    seen: list[str] = []

    async def handle(chat: str, name: str, pause: float) -> None:
        async with locks.hold(chat):
            seen.append(f"{name} starts")
            await asyncio.sleep(pause)
            seen.append(f"{name} ends")

    await asyncio.gather(
        handle("a", "first", 0.05), handle("a", "second", 0), handle("b", "other", 0)
    )
    assert seen.index("first ends") < seen.index("second starts")
    assert seen.index("other ends") < seen.index("first ends")  # other chats don't wait
    assert len(locks) == 0


async def test_the_inviter_sees_the_joiners_user_name_and_can_undo_the_pairing(
    dc: Dc, monkeypatch: pytest.MonkeyPatch
) -> None:
    outs: list[Outgoing] = []
    send = dc.channel.send

    async def spy(out: Outgoing) -> str | None:
        outs.append(out)
        return await send(out)

    monkeypatch.setattr(dc.channel, "send", spy)
    await pair(dc)
    [paired] = [t for t in dc.texts_to(dc.alex) if "paired with Sam" in t]
    assert f"paired with Sam ({dc.sam})" in paired  # the unique user name, not a chosen name
    [[button]] = next(out.buttons for out in outs if "paired with Sam" in out.text)
    assert button.label == "That's not my partner"
    await dc.press(dc.alex, button.data)
    assert "undone by the person who made the invite" in dc.texts_to(dc.sam)[-1]
    async with dc.service.db.session() as session:
        members = (await session.exec(select(Member))).all()
    assert [m.couple_id for m in members] == [None, None]


def test_a_discord_handle_is_the_unique_user_name() -> None:
    def user(name: str, discriminator: str) -> discord.User:
        data = {"id": "7", "username": name, "discriminator": discriminator, "avatar": None}
        return discord.User(state=backend.get_state(), data=data)  # type: ignore[arg-type]

    assert sender_of(user("sam_t", "0")).handle == "@sam_t"
    assert sender_of(user("Sam", "0002")).handle == "Sam#0002"


async def write(dc: Dc, user: discord.User, text: str) -> int:
    """A DM, as in `Dc.say`; returns its message id."""
    message = await dpytest.message(text, channel=dc.dms[user.id], member=user)
    await dc.service.outbox.deliver_due()
    return message.id


async def edit(
    dc: Dc, user: discord.User, message_id: int, text: str, *, edited: bool = True
) -> None:
    """Discord's MESSAGE_UPDATE for a DM (`edited=False`: an update that is no edit, such as a
    link preview unfolding)."""
    data = message_payload(dc.dms[user.id].id, user_payload(user))
    when = datetime(2026, 12, 1, 20, tzinfo=UTC).isoformat()
    data.update(id=str(message_id), content=text, edited_timestamp=when if edited else None)
    backend.get_state().parse_message_update(data)  # type: ignore[arg-type]
    await dpytest.run_all_events()
    await dc.service.outbox.deliver_due()


async def stored_answers(dc: Dc) -> list[str | None]:
    async with dc.service.db.session() as session:
        return list((await session.exec(select(Answer.text).order_by(col(Answer.id)))).all())


async def test_an_edited_dm_changes_the_answer_only_while_sealed(dc: Dc) -> None:
    await pair(dc)
    await dc.say(dc.alex, "/checkin")
    first = await write(dc, dc.alex, "first")
    await edit(dc, dc.alex, first, "first, better put")
    assert dc.texts_to(dc.alex)[-1] == "Updated. Sam will see this answer instead."
    assert await stored_answers(dc) == ["first, better put"]

    # Not in discord.py's message cache (sent before a restart): still an edit.
    dc.client._connection._messages.clear()  # type: ignore[union-attr]
    await edit(dc, dc.alex, first, "first, put best")
    assert await stored_answers(dc) == ["first, put best"]

    # An update that is no edit (a link preview unfolding) changes nothing and says nothing.
    said = len(dc.texts_to(dc.alex))
    await edit(dc, dc.alex, first, "first, put best https://example.org", edited=False)
    assert len(dc.texts_to(dc.alex)) == said
    assert await stored_answers(dc) == ["first, put best"]

    await dc.say(dc.sam, "mine")
    [reveal] = [t for t in dc.texts_to(dc.sam) if "Alex's answer" in t]
    assert "first, put best" in reveal
    await edit(dc, dc.alex, first, "after the reveal")
    assert dc.texts_to(dc.alex)[-1].startswith("Edits after the reveal don't change")
    assert await stored_answers(dc) == ["first, put best", "mine"]


async def test_an_edited_dm_command_or_older_message_changes_no_answer(dc: Dc) -> None:
    await pair(dc)
    await dc.say(dc.alex, "/checkin")
    older = await write(dc, dc.alex, "older")
    await write(dc, dc.alex, "the answer")
    thanks = await write(dc, dc.alex, "/appreciate you're patient")
    await edit(dc, dc.alex, older, "older, edited")
    await edit(dc, dc.alex, thanks, "/appreciate you're so patient")
    assert "edited commands" in dc.texts_to(dc.alex)[-1]
    assert await stored_answers(dc) == ["the answer"]
