"""A status that stays put (issue #17, item 3): one pinned status line per partner's chat, edited
instead of resent, brought up to date as each day begins and whenever what it shows changes,
never counted toward the daily limit, never new in quiet hours; /settings turns it off.

The service runs with `KeepingChannel`, a channel that keeps a status as Telegram does
(tests/telegram/test_status.py runs the same story against the fake Bot API)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import delete
from sqlmodel import col, select

from bot import catalogs
from bot.clock import MovableClock
from bot.core import status
from bot.core.events import ButtonPress, Command
from bot.core.models import Couple, Delivery, Member, Schedule
from bot.core.ports import StatusChannel
from bot.core.rhythm import DAILY_LIMIT, sent_today
from bot.db import Database
from bot.outbox import Outbox
from bot.service import Rekindle
from tests.helpers.service import LIBRARY, Harness, RecordingChannel, sender
from tests.helpers.status import KeepingChannel

catalogs.install()

BERLIN = ZoneInfo("Europe/Berlin")


def berlin(day: int, hour: int, minute: int = 0, month: int = 12) -> datetime:
    """A Berlin wall-clock time in December 2026 (or `month`), as the UTC instant."""
    return datetime.combine(date(2026, month, day), time(hour, minute), tzinfo=BERLIN).astimezone(
        UTC
    )


@pytest.fixture
def channel() -> KeepingChannel:
    """The service's channel for every test here (the conftest's `bot` is built on it)."""
    return KeepingChannel()


async def paired(bot: Harness) -> None:
    """Alex and Sam, both in Berlin, paired on Tuesday 1 December at 17:00 their time."""
    for who in ("a", "b"):
        await bot.say(who, "/start")
        await bot.say(who, "/timezone Europe/Berlin")
    await bot.pair()


async def members(bot: Harness) -> dict[str, Member]:
    async with bot.service.db.session() as session:
        found = (await session.exec(select(Member))).all()
    return {m.user_id: m for m in found}


async def couple_id(bot: Harness) -> int:
    async with bot.service.db.session() as session:
        couple = (await session.exec(select(Couple))).one()
    assert couple.id is not None
    return couple.id


async def status_rows(bot: Harness) -> list[Delivery]:
    async with bot.service.db.session() as session:
        return list(
            (
                await session.exec(
                    select(Delivery)
                    .where(col(Delivery.kind) == "status")
                    .order_by(col(Delivery.id))
                )
            ).all()
        )


# --- the line ----------------------------------------------------------------------------------


def a_couple(**settings: object) -> Couple:
    return Couple(id=1, created_at=datetime(2023, 8, 16, 12, tzinfo=UTC), **settings)  # type: ignore[arg-type]


NOW = datetime(2026, 12, 31, 12, tzinfo=UTC)  # day 1,234 since 16 August 2023


def test_the_line_counts_the_days_together_from_pairing_or_the_anniversary() -> None:
    line = status.line(a_couple(), zone="Europe/Berlin", lang="en", now=NOW)
    assert line == "💛 Day 1,234 together · evening question at 20:30"
    anniversary = a_couple(anniversary="2026-12-01")
    assert status.line(anniversary, zone=None, lang="en", now=NOW).startswith("💛 Day 31 together")
    for odd in ("2027-06-01", "not a date"):  # a day still ahead, or nonsense: from pairing
        line = status.line(a_couple(anniversary=odd), zone=None, lang="en", now=NOW)
        assert line.startswith("💛 Day 1,234 together")


def test_the_line_counts_down_to_meeting_and_says_when_questions_are_paused() -> None:
    apart = a_couple(apart_since=NOW, apart_until=datetime(2027, 1, 12, tzinfo=UTC))
    assert "12 days until you meet" in status.line(apart, zone=None, lang="en", now=NOW)
    tomorrow = a_couple(apart_since=NOW, apart_until=datetime(2027, 1, 1, tzinfo=UTC))
    assert "· 1 day until you meet ·" in status.line(tomorrow, zone=None, lang="en", now=NOW)
    # The meet day has begun in Tokyo while New York's partner still waits: "today" for Tokyo.
    meet = a_couple(apart_since=NOW, apart_until=datetime(2027, 1, 1, 5, tzinfo=UTC))
    late = NOW + timedelta(hours=12)
    assert "you meet today" in status.line(meet, zone="Asia/Tokyo", lang="en", now=late)
    over = a_couple(apart_since=NOW, apart_until=NOW)
    assert "meet" not in status.line(over, zone=None, lang="en", now=NOW)
    paused = a_couple(paused_until=NOW + timedelta(days=3))
    assert status.line(paused, zone="Europe/Berlin", lang="en", now=NOW).endswith(
        "· questions paused until Sun 03 Jan"
    )
    quiet = a_couple(checkin_on=False, curiosity_on=False, goals_on=False)
    assert status.line(quiet, zone=None, lang="en", now=NOW) == "💛 Day 1,234 together"


def test_the_line_reads_in_each_partners_language() -> None:
    apart = a_couple(apart_since=NOW, apart_until=datetime(2027, 1, 2, tzinfo=UTC))
    assert status.line(apart, zone="Europe/Berlin", lang="es", now=NOW) == (
        "💛 Día 1.234 en pareja · 2 días para el reencuentro · pregunta de la noche a las 20:30"
    )
    assert status.line(apart, zone="Europe/Berlin", lang="ru", now=NOW) == (
        "💛 День 1\xa0234 вместе · 2 дня до встречи · вечерний вопрос в 20:30"
    )


# --- kept in place -----------------------------------------------------------------------------


async def test_one_message_pinned_once_then_edited_each_day(
    bot: Harness, channel: KeepingChannel
) -> None:
    await paired(bot)
    assert channel.ops == []  # nothing crowds "You're now paired"
    # As Wednesday begins the line is due, but a new message waits for the morning.
    await bot.advance(berlin(2, 7, 0) - bot.clock.now())
    assert channel.ops == []
    await bot.advance(berlin(2, 8, 0) - bot.clock.now())
    for chat in ("a", "b"):
        [kept] = channel.of(chat)
        assert kept.texts == ["💛 Day 2 together · evening question at 20:30"]
        assert kept.pinned
        assert kept.silent
    # Two more days: the same message, edited at midnight (an edit makes no sound).
    await bot.advance(berlin(3, 0, 5) - bot.clock.now())
    assert [k.text for k in channel.of("a")] == ["💛 Day 3 together · evening question at 20:30"]
    await bot.advance(berlin(4, 12, 0) - bot.clock.now())
    for chat in ("a", "b"):
        [kept] = channel.of(chat)
        assert [text.split(" · ")[0] for text in kept.texts] == [
            "💛 Day 2 together",
            "💛 Day 3 together",
            "💛 Day 4 together",
        ]
        assert channel.count("post", chat) == 1
        assert channel.count("edit", chat) == 2
    # No status line was ever sent as an ordinary message.
    assert not [out for out in channel.sent if "together" in out.text and "Day" in out.text]


async def test_a_change_updates_both_lines_at_once(bot: Harness, channel: KeepingChannel) -> None:
    await paired(bot)
    await bot.advance(berlin(2, 9, 0) - bot.clock.now())
    await bot.say("a", "/time 21:15")
    assert channel.pinned("a") == "💛 Day 2 together · evening question at 21:15"
    assert channel.pinned("b") == "💛 Day 2 together · evening question at 21:15"
    await bot.say("b", "/apart until 2026-12-14")
    assert channel.pinned("a") == (
        "💛 Day 2 together · 12 days until you meet · evening question at 21:15"
    )
    await bot.say("a", "/pause 3")
    assert channel.pinned("b") == (
        "💛 Day 2 together · 12 days until you meet · questions paused until Sat 05 Dec"
    )
    await bot.say("a", "/resume")
    await bot.say("a", "/together")
    assert channel.pinned("a") == "💛 Day 2 together · evening question at 21:15"
    assert all(channel.count("post", chat) == 1 for chat in ("a", "b"))


async def test_a_partner_reading_in_spanish_gets_their_own_line(
    bot: Harness, channel: KeepingChannel
) -> None:
    await paired(bot)
    await bot.advance(berlin(2, 9, 0) - bot.clock.now())
    await bot.say("b", "/language es")
    assert channel.pinned("b") == "💛 Día 2 en pareja · pregunta de la noche a las 20:30"
    assert channel.pinned("a") == "💛 Day 2 together · evening question at 20:30"
    await bot.advance(berlin(3, 9, 0) - bot.clock.now())
    assert channel.pinned("b") == "💛 Día 3 en pareja · pregunta de la noche a las 20:30"
    assert channel.count("post", "b") == 1


async def test_a_deleted_status_comes_back_pinned_but_never_at_night(
    bot: Harness, channel: KeepingChannel
) -> None:
    await paired(bot)
    await bot.advance(berlin(2, 9, 0) - bot.clock.now())
    channel.delete("a")  # Alex deletes the pinned message in the afternoon
    await bot.say("b", "/time 20:00")  # the edit finds nothing: a new one, pinned
    [again] = channel.of("a")
    assert again.texts == ["💛 Day 2 together · evening question at 20:00"]
    assert again.pinned
    channel.delete("a")  # and again, late in the evening
    await bot.advance(berlin(3, 6, 0) - bot.clock.now())
    assert channel.of("a") == []  # midnight's line found it gone, and waits for the morning
    assert channel.count("post", "a") == 2
    assert (await members(bot))["a"].status_ref is None
    await bot.advance(berlin(3, 7, 45) - bot.clock.now())
    [morning] = channel.of("a")
    assert morning.text == "💛 Day 3 together · evening question at 20:00"
    assert morning.pinned
    [sams] = channel.of("b")  # Sam's own message was edited all along
    assert sams.edits == 2


async def test_settings_turn_it_off_unpinned_in_both_chats_and_on_again(
    bot: Harness, channel: KeepingChannel
) -> None:
    await paired(bot)
    await bot.advance(berlin(2, 9, 0) - bot.clock.now())
    toggle = f"set:toggle:status:{await couple_id(bot)}"
    [settings] = await bot.say("a", "/settings")
    labels = [b.label for row in settings.buttons for b in row if b.data == toggle]
    assert labels == ["✅ Pinned status line"]
    [menu] = await bot.send(ButtonPress(sender=sender("a", "Alex"), data=toggle))
    assert [b.label for row in menu.buttons for b in row if b.data == toggle] == [
        "⬜ Pinned status line"
    ]
    assert channel.pinned("a") is None
    assert channel.pinned("b") is None
    assert all(m.status_ref is None for m in (await members(bot)).values())
    before = list(channel.ops)
    await bot.advance(timedelta(days=3))
    assert channel.ops == before  # no more updates
    assert not [out for out in channel.sent if "Day " in out.text]
    await bot.send(ButtonPress(sender=sender("b", "Sam"), data=toggle))  # Sam turns it on
    for chat in ("a", "b"):
        assert channel.pinned(chat) == "💛 Day 5 together · evening question at 20:30"
        assert channel.count("post", chat) == 2


async def test_a_line_recorded_before_the_switch_went_off_unpins_instead(
    bot: Harness, channel: KeepingChannel
) -> None:
    await paired(bot)
    await bot.advance(berlin(2, 9, 0) - bot.clock.now())
    await bot.service.handle(Command(sender=sender("a", "Alex"), name="time", args="21:00"))
    async with bot.service.db.session() as session:  # another process turns it off meanwhile
        couple = (await session.exec(select(Couple))).one()
        couple.status_on = False
    await bot.service.outbox.deliver_due()
    assert channel.pinned("a") is None
    assert channel.pinned("b") is None
    assert [k.text for k in channel.of("a")] == ["💛 Day 2 together · evening question at 20:30"]


async def test_unpairing_unpins_both_and_nothing_more_comes(
    bot: Harness, channel: KeepingChannel
) -> None:
    await paired(bot)
    await bot.advance(berlin(2, 9, 0) - bot.clock.now())
    await bot.say("a", "/unpair")
    await bot.send(
        ButtonPress(sender=sender("a", "Alex"), data=f"unpair:yes:{await couple_id(bot)}")
    )
    assert channel.pinned("a") is None
    assert channel.pinned("b") is None
    before = list(channel.ops)
    await bot.advance(timedelta(days=2))
    assert channel.ops == before


async def test_a_status_line_never_counts_toward_the_daily_limit(
    bot: Harness, channel: KeepingChannel
) -> None:
    await paired(bot)
    await bot.advance(berlin(2, 9, 0) - bot.clock.now())
    for _ in range(DAILY_LIMIT + 2):  # changes all day long
        await bot.say("a", "/time 20:30")
    rows = await status_rows(bot)
    assert rows
    assert not any(row.proactive for row in rows)
    alex = (await members(bot))["a"]
    assert alex.id is not None
    async with bot.service.db.session() as session:
        counted = await sent_today(session, [(alex.id, "2026-12-02")])
    assert counted[(alex.id, "2026-12-02")] == 0
    # And the evening question still comes that day.
    await bot.advance(berlin(2, 21, 0) - bot.clock.now())
    assert any("Just reply to answer" in text for text in channel.to("a"))


async def test_only_the_newest_waiting_line_is_sent(bot: Harness, channel: KeepingChannel) -> None:
    await paired(bot)
    # Three changes in the night: each replaces the one still waiting for the morning.
    bot.clock.set(berlin(1, 23, 0))
    for at in ("19:00", "19:30", "20:15"):
        await bot.service.handle(Command(sender=sender("a", "Alex"), name="time", args=at))
    await bot.service.outbox.deliver_due()
    waiting = [row for row in await status_rows(bot) if row.status == "pending"]
    assert len(waiting) == 2  # one for each partner
    await bot.advance(berlin(2, 8, 0) - bot.clock.now())
    [kept] = channel.of("a")
    assert kept.texts == ["💛 Day 2 together · evening question at 20:15"]


async def test_a_couple_paired_before_the_status_existed_gets_it_after_their_evening(
    bot: Harness, channel: KeepingChannel
) -> None:
    await paired(bot)
    async with bot.service.db.session() as session:
        await session.exec(delete(Schedule).where(col(Schedule.rhythm) == "status"))
    await bot.advance(berlin(1, 20, 0) - bot.clock.now())
    async with bot.service.db.session() as session:
        rows = (await session.exec(select(Schedule).where(col(Schedule.rhythm) == "status"))).all()
    assert rows == []
    await bot.advance(berlin(2, 8, 0) - bot.clock.now())  # the evening came round, then midnight
    assert channel.pinned("a") == "💛 Day 2 together · evening question at 20:30"
    assert channel.pinned("b") == "💛 Day 2 together · evening question at 20:30"


async def test_a_channel_that_keeps_no_status_skips_it(db: Database, clock: MovableClock) -> None:
    plain = RecordingChannel()
    service = Rekindle(
        db=db, clock=clock, content=LIBRARY, outbox=Outbox(db, clock, {"test": plain})
    )
    bot = Harness(service, plain, clock)
    await paired(bot)
    await bot.advance(timedelta(days=2))
    await bot.say("a", "/time 21:00")
    assert not isinstance(plain, StatusChannel)
    assert not [out for out in plain.sent if out.status or "Day " in out.text]
    rows = await status_rows(bot)
    assert rows
    assert all(row.status == "sent" and row.message_ref is None for row in rows)
