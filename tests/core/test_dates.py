"""Unit tests for bot/core/dates.py: reading a day and time, and the rules of planning a date."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlmodel import col, select

from bot.core import dates, texts
from bot.core.events import ButtonPress, Outgoing
from bot.core.models import DatePlan, Member, Schedule, Win
from tests.helpers.service import Harness, sender

TUESDAY = date(2026, 12, 1)


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        ("today", (TUESDAY, dates.DEFAULT_TIME)),
        ("tomorrow 08:15", (date(2026, 12, 2), time(8, 15))),
        ("fri 19:30", (date(2026, 12, 4), time(19, 30))),
        ("Friday", (date(2026, 12, 4), dates.DEFAULT_TIME)),
        ("thurs,20:00", (date(2026, 12, 3), time(20, 0))),
        ("tue", (TUESDAY, dates.DEFAULT_TIME)),  # the same weekday is today, not next week
        ("mon", (date(2026, 12, 7), dates.DEFAULT_TIME)),
        ("2026-12-24 19:00", (date(2026, 12, 24), time(19, 0))),
        ("2027-12-02", (date(2027, 12, 2), dates.DEFAULT_TIME)),  # a year and a day: the horizon
    ],
)
def test_parse_when_reads_a_local_day_and_time(words: str, expected: tuple[date, time]) -> None:
    assert dates.parse_when(words, TUESDAY) == expected


@pytest.mark.parametrize(
    "words",
    [
        "",
        "   ",
        "fri 19:30 please",
        "fri 25:00",
        "fri seven",
        "someday",
        "2026-02-30",
        "2027-12-03",  # beyond the horizon: surely a typo
        "24/12/2026",
    ],
)
def test_parse_when_refuses_what_it_cannot_read(words: str) -> None:
    assert dates.parse_when(words, TUESDAY) is None


async def _berlin_couple(bot: Harness) -> None:
    await bot.say("a", "/timezone Europe/Berlin")
    await bot.say("b", "/timezone Europe/Berlin")
    await bot.pair()


async def _schedules(bot: Harness) -> dict[tuple[str, str], datetime]:
    async with bot.service.db.session() as session:
        rows = (
            await session.exec(
                select(Member.user_id, Schedule.rhythm, Schedule.next_due_at)
                .join(Member, col(Member.id) == col(Schedule.member_id))
                .where(col(Schedule.rhythm).in_(dates.DATE_RHYTHMS))
            )
        ).all()
    return {(user, rhythm): due for user, rhythm, due in rows}


async def _plans(bot: Harness) -> list[DatePlan]:
    async with bot.service.db.session() as session:
        return list((await session.exec(select(DatePlan).order_by(col(DatePlan.id)))).all())


def _text(replies: list[Outgoing]) -> str:
    return "\n".join(out.text for out in replies)


async def test_a_date_needs_a_partner(bot: Harness) -> None:
    assert _text(await bot.say("a", "/date fri 19:30")) == texts.CHECKIN_NOT_PAIRED
    assert await _plans(bot) == []


def _proposal(bot: Harness, who: str = "b") -> Outgoing:
    """The last date proposal sent to `who`, with its "Yes" and "Another time" buttons."""
    return next(
        out
        for out in reversed(bot.channel.sent)
        if out.to.chat_id == who and out.buttons and out.buttons[0][0].data.startswith("dateyes:")
    )


async def _accept(bot: Harness, who: str = "b") -> str:
    return await _press(bot, who, _proposal(bot, who).buttons[0][0].data)


async def test_a_proposed_date_has_no_reminders_until_the_partner_says_yes(
    bot: Harness,
) -> None:
    await _berlin_couple(bot)
    await bot.say("a", "/date fri 19:30")
    [plan] = await _plans(bot)
    assert plan.at == datetime(2026, 12, 4, 18, 30, tzinfo=UTC)  # 19:30 in Berlin
    assert plan.accepted_at is None
    assert await _schedules(bot) == {}  # asked, not yet a date
    await _accept(bot)
    [plan] = await _plans(bot)
    assert plan.accepted_at == bot.clock.now()
    morning = datetime(2026, 12, 4, 8, 0, tzinfo=UTC)  # 09:00 in Berlin
    ask = datetime(2026, 12, 5, 9, 0, tzinfo=UTC)  # 10:00 in Berlin, the day after
    assert await _schedules(bot) == {
        ("a", "date-morning"): morning,
        ("b", "date-morning"): morning,
        ("a", "date-ask"): ask,
        ("b", "date-ask"): ask,
    }


async def test_each_partner_is_reminded_in_their_own_morning(bot: Harness) -> None:
    await bot.say("a", "/timezone Europe/Berlin")
    await bot.say("b", "/timezone America/New_York")
    await bot.pair()
    await bot.say("a", "/date fri 19:30")  # 18:30 UTC: 13:30 the same Friday in New York
    await _accept(bot)
    schedules = await _schedules(bot)
    assert schedules[("a", "date-morning")] == datetime(2026, 12, 4, 8, 0, tzinfo=UTC)
    assert schedules[("b", "date-morning")] == datetime(2026, 12, 4, 14, 0, tzinfo=UTC)
    assert schedules[("b", "date-ask")] == datetime(2026, 12, 5, 15, 0, tzinfo=UTC)


async def test_a_date_tonight_has_no_morning_reminder_left(bot: Harness) -> None:
    await _berlin_couple(bot)
    await bot.say("a", "/date today 21:00")  # it is 17:00 in Berlin: the morning has passed
    await _accept(bot)
    schedules = await _schedules(bot)
    assert ("a", "date-morning") not in schedules
    assert ("b", "date-morning") not in schedules
    assert schedules[("a", "date-ask")] == datetime(2026, 12, 2, 9, 0, tzinfo=UTC)


async def test_a_time_already_passed_today_is_refused(bot: Harness) -> None:
    await _berlin_couple(bot)
    assert _text(await bot.say("a", "/date today 16:00")) == texts.DATE_PAST
    assert await _plans(bot) == []


async def test_words_it_cannot_read_are_refused(bot: Harness) -> None:
    await _berlin_couple(bot)
    assert _text(await bot.say("a", "/date someday")) == texts.DATE_BAD
    assert await _plans(bot) == []


async def test_a_new_proposal_replaces_one_not_yet_answered(bot: Harness) -> None:
    await _berlin_couple(bot)
    await bot.say("a", "/date fri 19:30")
    unanswered = _proposal(bot, "b")
    await bot.say("b", "/date sat 20:00")
    first, second = await _plans(bot)
    assert first.cancelled_at == bot.clock.now()
    assert second.cancelled_at is None
    assert await _press(bot, "b", unanswered.buttons[0][0].data) == texts.DATE_GONE
    await _accept(bot, "a")
    assert (await _schedules(bot))[("a", "date-ask")] == datetime(2026, 12, 6, 9, 0, tzinfo=UTC)


async def test_an_accepted_date_stands_until_the_partner_says_yes_to_another(
    bot: Harness,
) -> None:
    await _berlin_couple(bot)
    await bot.say("a", "/date fri 19:30")
    await _accept(bot)
    [asked] = await bot.say("a", "/date sat 20:00")
    assert "takes the place of your date on Fri 4 Dec at 19:30" in asked.text
    await _press(bot, "b", _proposal(bot).buttons[0][1].data)  # another time: Friday stands
    friday, saturday = await _plans(bot)
    assert friday.cancelled_at is None
    assert saturday.declined_at == bot.clock.now()
    assert (await _schedules(bot))[("a", "date-ask")] == datetime(2026, 12, 5, 9, 0, tzinfo=UTC)
    await bot.say("a", "/date sat 20:00")
    await _accept(bot)  # yes to Saturday: it takes Friday's place
    friday, _, saturday = await _plans(bot)
    assert friday.cancelled_at == bot.clock.now()
    assert saturday.accepted_at == bot.clock.now()
    assert (await _schedules(bot))[("a", "date-ask")] == datetime(2026, 12, 6, 9, 0, tzinfo=UTC)


async def test_cancelling_drops_both_partners_date_reminders(bot: Harness) -> None:
    await _berlin_couple(bot)
    assert _text(await bot.say("a", "/date cancel")) == texts.DATE_NONE
    await bot.say("a", "/date fri 19:30")
    await _accept(bot)
    assert len(await _schedules(bot)) == 4
    await bot.say("b", "/date cancel")
    [plan] = await _plans(bot)
    assert plan.cancelled_at == bot.clock.now()
    assert await _schedules(bot) == {}


async def test_a_proposal_can_be_cancelled_before_it_is_answered(bot: Harness) -> None:
    await _berlin_couple(bot)
    await bot.say("a", "/date fri 19:30")
    assert _text(await bot.say("a", "/date cancel")) == texts.DATE_CANCELLED.format(
        when="Fri 4 Dec at 19:30"
    )
    assert await _accept(bot) == texts.DATE_GONE
    [plan] = await _plans(bot)
    assert plan.cancelled_at is not None
    assert plan.accepted_at is None


async def _press(bot: Harness, who: str, data: str) -> str:
    return _text(await bot.send(ButtonPress(sender=sender(who, bot.names.get(who)), data=data)))


async def test_a_day_button_for_another_couple_or_a_forged_day_is_stale(bot: Harness) -> None:
    await _berlin_couple(bot)
    [couple_id] = {m.couple_id for m in await _members(bot)}
    assert couple_id is not None
    assert await _press(bot, "a", f"dateday:2026-12-04:{couple_id + 1}") == texts.STALE_BUTTON
    assert await _press(bot, "a", f"dateday:someday:{couple_id}") == texts.STALE_BUTTON
    assert await _plans(bot) == []
    await _press(bot, "a", f"dateday:2026-12-04:{couple_id}")
    [plan] = await _plans(bot)
    assert plan.at == datetime(2026, 12, 4, 18, 30, tzinfo=UTC)  # the default 19:30


async def _members(bot: Harness) -> list[Member]:
    async with bot.service.db.session() as session:
        return list((await session.exec(select(Member))).all())


async def test_lovely_counts_one_win_however_often_pressed_and_forged_ids_are_stale(
    bot: Harness,
) -> None:
    await _berlin_couple(bot)
    await bot.say("a", "/date fri 19:30")
    [plan] = await _plans(bot)
    # Asked, not yet answered: no date to be lovely yet.
    assert await _press(bot, "a", f"datehow:lovely:{plan.id}") == texts.STALE_BUTTON
    await _accept(bot)
    assert await _press(bot, "a", "datehow:lovely:not-an-id") == texts.STALE_BUTTON
    assert await _press(bot, "a", f"datehow:lovely:{(plan.id or 0) + 1}") == texts.STALE_BUTTON
    assert await _press(bot, "c", f"datehow:lovely:{plan.id}") == texts.STALE_BUTTON
    assert await _press(bot, "b", f"datehow:no:{plan.id}") == texts.DATE_NOT_DONE
    await _press(bot, "a", f"datehow:lovely:{plan.id}")
    await _press(bot, "b", f"datehow:lovely:{plan.id}")
    async with bot.service.db.session() as session:
        wins = (await session.exec(select(Win))).all()
    assert len(wins) == 1


async def test_only_the_partner_asked_answers_once_and_forged_answers_change_nothing(
    bot: Harness,
) -> None:
    await _berlin_couple(bot)
    await bot.pair("c", "d")  # another couple
    await bot.say("a", "/date fri 19:30")
    [plan] = await _plans(bot)
    for forged in ("dateyes:not-an-id", f"dateyes:{(plan.id or 0) + 1}", "dateyes:"):
        assert await _press(bot, "b", forged) == texts.STALE_BUTTON
    for other in ("c", "d"):
        assert await _press(bot, other, f"dateyes:{plan.id}") == texts.STALE_BUTTON
        assert await _press(bot, other, f"datelater:{plan.id}") == texts.STALE_BUTTON
    assert await _press(bot, "a", f"dateyes:{plan.id}") == texts.DATE_NOT_YOURS.format(
        partner="Sam"
    )
    [plan] = await _plans(bot)
    assert plan.accepted_at is None
    assert plan.declined_at is None
    assert await _press(bot, "b", f"datelater:{plan.id}") == texts.DATE_DECLINED.format(
        partner="Alex"
    )
    assert await _press(bot, "b", f"dateyes:{plan.id}") == texts.DATE_ALREADY_ANSWERED
    [plan] = await _plans(bot)
    assert plan.accepted_at is None
    assert plan.declined_at == bot.clock.now()
    assert await _schedules(bot) == {}


async def test_a_proposal_answered_after_its_time_has_passed_is_gone(bot: Harness) -> None:
    await _berlin_couple(bot)
    await bot.say("a", "/date today 20:00")
    await bot.advance(timedelta(hours=4))  # 21:00 in Berlin
    assert await _accept(bot) == texts.DATE_GONE
    [plan] = await _plans(bot)
    assert plan.accepted_at is None


async def test_a_proposal_at_night_arrives_without_a_sound(bot: Harness) -> None:
    await _berlin_couple(bot)
    await bot.say("a", "/date fri 19:30")
    assert _proposal(bot).silent is False  # 17:00 in Berlin
    bot.clock.set(datetime(2026, 12, 1, 22, 0, tzinfo=UTC))  # 23:00 in Berlin
    await bot.say("a", "/date sat 19:30")
    assert _proposal(bot).silent is True
    await _press(bot, "b", _proposal(bot).buttons[0][1].data)
    offer = bot.channel.sent[-1]
    assert offer.to.chat_id == "a"
    assert offer.buttons[0][0].data.startswith("dateday:")  # another day, please
    assert offer.silent is True
