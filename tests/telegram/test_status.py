"""The pinned status line on Telegram (issue #17, item 3), end to end: the real application
against the fake Bot API, on an injected clock. One message per chat, sent and pinned without a
sound, then edited (not resent) as the days go by; sent anew and pinned when the person deleted
it; unpinned, and no longer updated, once /settings turns it off."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime

from sqlmodel import col, select

from bot.core.models import Schedule
from bot.db import Database
from tests.helpers.telegram.fake_bot_api.wire import JSON
from tests.telegram.test_end_to_end import ALEX, SAM, Running

DAY_STARTS = {  # 00:00:30 in Berlin, as UTC
    2: datetime(2026, 12, 1, 23, 0, 30, tzinfo=UTC),
    3: datetime(2026, 12, 2, 23, 0, 30, tzinfo=UTC),
}


def status_messages(bot: Running, chat: int) -> list[JSON]:
    """The bot's status messages in a chat (its line starts with the heart)."""
    return [m for m in bot.api.messages(chat) if (m["text"] or "").startswith("💛")]


def pins_of(bot: Running, chat: int) -> list[JSON]:
    return [notice for notice in bot.api.pin_notices if notice["chat_id"] == chat]


def says(bot: Running, chat: int, needle: str) -> Callable[[], bool]:
    """Whether the chat's pinned status says `needle`."""

    def check() -> bool:
        pinned = bot.api.pinned[chat]
        return bool(pinned) and needle in bot.api.message(chat, pinned[-1])["text"]

    return check


async def test_one_message_sent_and_pinned_once_then_edited_and_back_when_deleted(
    bot: Running,
) -> None:
    api = bot.api
    await bot.paired()
    # Sam reads in Spanish; choosing it brings both lines at once (it is the afternoon).
    await bot.say(SAM, "/language es", "Desde ahora te escribo en español")
    await bot.until(says(bot, ALEX, "💛 Day 1 together · evening question at 20:30"))
    await bot.until(says(bot, SAM, "💛 Día 1 en pareja · pregunta de la noche a las 20:30"))
    for chat in (ALEX, SAM):
        [message] = status_messages(bot, chat)
        assert message["disable_notification"] is True  # no sound
        [pin] = pins_of(bot, chat)
        assert pin["pinned_message_id"] == message["message_id"]
        assert pin["disable_notification"] is True
    # Two days begin: the same messages, edited.
    bot.clock.set(DAY_STARTS[2])
    await bot.until(says(bot, ALEX, "💛 Day 2 together"))
    await bot.until(says(bot, SAM, "💛 Día 2 en pareja"))
    bot.clock.set(DAY_STARTS[3])
    await bot.until(says(bot, ALEX, "💛 Day 3 together"))
    await bot.until(says(bot, SAM, "💛 Día 3 en pareja"))
    for chat in (ALEX, SAM):
        [message] = status_messages(bot, chat)
        assert [edit["method"] for edit in message["edited"]] == ["editMessageText"] * 2
        assert len(pins_of(bot, chat)) == 1
        assert api.pinned[chat] == [message["message_id"]]
    assert len(api.calls_to("sendMessage")) == len(
        [m for chat in (ALEX, SAM) for m in api.messages(chat) if m["kind"] == "text"]
    )
    # Alex deletes the pinned message; a change later that morning finds it gone and sends a
    # new one, pinned. Sam's is edited in place as before.
    [old] = status_messages(bot, ALEX)
    api.delete(ALEX, old["message_id"])
    bot.clock.set(datetime(2026, 12, 3, 8, 0, tzinfo=UTC))  # 09:00 in Berlin
    await bot.say(ALEX, "/time 21:00", "now comes at 21:00")
    await bot.until(says(bot, ALEX, "💛 Day 3 together · evening question at 21:00"))
    await bot.until(says(bot, SAM, "💛 Día 3 en pareja · pregunta de la noche a las 21:00"))
    [new] = status_messages(bot, ALEX)
    assert new["message_id"] != old["message_id"]
    assert new["disable_notification"] is True
    assert api.pinned[ALEX] == [new["message_id"]]
    assert len(pins_of(bot, ALEX)) == 2
    [sams] = status_messages(bot, SAM)
    assert len(sams["edited"]) == 3
    assert len(pins_of(bot, SAM)) == 1


async def test_settings_turn_it_off_unpinned_and_no_longer_updated(bot: Running) -> None:
    api = bot.api
    await bot.paired()
    await bot.say(ALEX, "/time 20:00", "now comes at 20:00")
    await bot.until(says(bot, ALEX, "💛 Day 1 together · evening question at 20:00"))
    await bot.until(says(bot, SAM, "💛 Day 1 together · evening question at 20:00"))
    await bot.say(ALEX, "/settings", "Your settings")
    message_id, data = bot.button(ALEX, "Pinned status line")
    api.press(ALEX, message_id, data)
    await bot.until(lambda: api.pinned[ALEX] == [] and api.pinned[SAM] == [])
    before = {chat: status_messages(bot, chat) for chat in (ALEX, SAM)}
    # Wednesday begins: the status rows come round and do nothing.
    bot.clock.set(DAY_STARTS[2])
    db = Database(bot.settings.database_url)
    try:

        async def moved_on() -> bool:
            async with db.session() as session:
                due = (
                    await session.exec(
                        select(Schedule.next_due_at).where(col(Schedule.rhythm) == "status")
                    )
                ).all()
            return len(due) == 2 and all(moment > DAY_STARTS[2] for moment in due)

        for _ in range(100):
            if await moved_on():
                break
            await asyncio.sleep(0.1)
        assert await moved_on()
        await asyncio.sleep(0.3)  # anything the tick recorded would be sent by now
    finally:
        await db.dispose()
    assert {chat: status_messages(bot, chat) for chat in (ALEX, SAM)} == before
    assert api.pinned[ALEX] == []
    assert api.pinned[SAM] == []
