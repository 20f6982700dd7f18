"""Appreciation, goals, wins, dates, /progress with its picture, milestones and the recap."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime, timedelta

from PIL import Image
from sqlmodel import select

from bot.core.events import ButtonPress
from bot.core.models import Appreciation, Milestone, Win
from bot.core.picture import HEIGHT, WIDTH
from tests.helpers.service import Harness, sender


async def paired(
    bot: Harness, zone_a: str = "Europe/Berlin", zone_b: str = "Europe/Berlin"
) -> None:
    await bot.say("a", f"/timezone {zone_a}")
    await bot.say("b", f"/timezone {zone_b}")
    await bot.pair()
    bot.channel.clear()


def last_to(bot: Harness, who: str, needle: str):
    return next(
        out for out in reversed(bot.channel.sent) if out.to.chat_id == who and needle in out.text
    )


async def press(bot: Harness, who: str, data: str) -> str:
    names = {"a": "Alex", "b": "Sam", "c": "Chris"}
    replies = await bot.send(ButtonPress(sender=sender(who, names[who]), data=data))
    return "\n".join(out.text for out in replies)


async def test_appreciation_arrives_at_once_and_a_thank_you_goes_back(bot: Harness) -> None:
    await paired(bot)
    [sent] = await bot.say("a", "/appreciate thank you for the coffee")
    assert sent.text == "Sent to Sam 💌"
    message = last_to(bot, "b", "appreciates you")
    assert message.text == "💌 Alex appreciates you: thank you for the coffee"
    assert not message.silent  # 17:00 in Berlin
    thank = message.buttons[0][0]
    assert thank.label == "❤️ Thank you"
    assert "on their way" in await press(bot, "b", thank.data)
    assert last_to(bot, "a", "thanked you").text == "❤️ Sam thanked you for your appreciation."
    assert "already said thank you" in await press(bot, "b", thank.data)
    assert "expired" in await press(bot, "a", thank.data)  # only the receiver can thank


async def test_appreciation_at_night_is_sent_silently_not_delayed(bot: Harness) -> None:
    await paired(bot, "Europe/Berlin", "Asia/Tokyo")  # 16:00 UTC is 01:00 in Tokyo
    await bot.say("a", "/appreciate you make me laugh")
    assert last_to(bot, "b", "appreciates you").silent


async def test_appreciation_without_words_takes_the_next_message(bot: Harness) -> None:
    await paired(bot)
    [ask] = await bot.say("a", "/appreciate")
    assert "What do you appreciate about Sam?" in ask.text
    await bot.say("a", "how patient you were today")
    assert "how patient you were today" in last_to(bot, "b", "appreciates you").text
    async with bot.service.db.session() as session:
        assert len((await session.exec(select(Appreciation))).all()) == 1


async def test_goals_are_shared_listed_and_reaching_one_is_celebrated(bot: Harness) -> None:
    await paired(bot)
    assert "shared goals" in (await bot.say("a", "/goal walk together every Sunday"))[0].text
    assert "walk together every Sunday" in last_to(bot, "b", "added a shared goal").text
    assert "Try /goal" in (await bot.say("a", "/goal   "))[0].text
    [listing] = await bot.say("b", "/goals")
    assert "• walk together every Sunday" in listing.text
    data = listing.buttons[0][0].data
    assert "You reached a shared goal" in await press(bot, "b", data)
    assert "You reached a shared goal" in last_to(bot, "a", "reached a shared goal").text
    assert "already reached" in await press(bot, "a", data)
    [after] = await bot.say("a", "/goals")
    assert "✓ walk together every Sunday" in after.text
    assert any("first shared goal" in out.text for out in bot.channel.sent if out.to.chat_id == "a")


async def test_a_win_is_logged_and_the_partner_told(bot: Harness) -> None:
    await paired(bot)
    await bot.say("a", "/win we cooked together")
    told, _, line = last_to(bot, "b", "logged a shared win").text.partition("\n")
    assert told == "🎉 Alex logged a shared win: we cooked together"
    # closed with a celebration line for wins, the same one Alex's confirmation ends with
    assert line in {p.text for p in bot.service.content.for_occasion("win")}
    assert line in last_to(bot, "a", "Logged").text
    assert "Try /win" in (await bot.say("a", "/win"))[0].text


async def say_yes(bot: Harness, who: str = "b") -> str:
    """`who` presses "Yes 💛" under the last date they were asked for."""
    asked = last_to(bot, who, "would love a date with you")
    assert [b.label for b in asked.buttons[0]] == ["Yes 💛", "Another time"]
    return await press(bot, who, asked.buttons[0][0].data)


async def test_a_date_is_asked_accepted_reminded_that_morning_and_asked_about(
    bot: Harness,
) -> None:
    await paired(bot)  # Tuesday 1 December, 17:00 in Berlin
    [planned] = await bot.say("a", "/date fri 19:30")
    assert planned.text == (
        "I've asked Sam about a date on Fri 4 Dec at 19:30 🕯️ I'll tell you what they say."
    )
    asked = last_to(bot, "b", "would love a date")
    assert (
        asked.text == "🕯️ Alex would love a date with you on Fri 4 Dec at 19:30. Does it suit you?"
    )
    assert "didn't catch that" in (await bot.say("a", "/date someday maybe"))[0].text
    assert "It's a date: Fri 4 Dec at 19:30" in await say_yes(bot)
    told = last_to(bot, "a", "says yes").text
    assert told == (
        "💛 Sam says yes: your date is on Fri 4 Dec at 19:30. I'll remind you both that morning."
    )
    await bot.advance(timedelta(days=2, hours=17, minutes=1))  # Fri 09:01 Berlin
    assert "Your date is today at 19:30" in last_to(bot, "b", "date is today").text
    await bot.advance(timedelta(days=1, hours=1))  # Sat 10:01
    ask = last_to(bot, "a", "How was your date")
    lovely = ask.buttons[0][0]
    assert lovely.label == "lovely ❤️"
    assert "counted it as a shared win" in await press(bot, "a", lovely.data)
    await press(bot, "b", lovely.data)
    async with bot.service.db.session() as session:
        assert len((await session.exec(select(Win))).all()) == 1


async def test_a_date_can_be_picked_by_button_accepted_and_cancelled(bot: Harness) -> None:
    await paired(bot)
    [ask] = await bot.say("a", "/date")
    tomorrow = ask.buttons[0][1]
    assert "Wed 2" in tomorrow.label
    assert "Wed 2 Dec at 19:30" in await press(bot, "a", tomorrow.data)
    await say_yes(bot)
    [cancelled] = await bot.say("b", "/date cancel")
    assert "cancelled" in cancelled.text
    assert "Sam cancelled the date" in last_to(bot, "a", "cancelled the date").text
    bot.channel.clear()
    await bot.advance(timedelta(days=2))
    assert not any("date is today" in out.text or "How was" in out.text for out in bot.channel.sent)
    assert "no date planned" in (await bot.say("a", "/date cancel"))[0].text


async def test_progress_text_and_picture_come_from_the_same_numbers(bot: Harness) -> None:
    await paired(bot)
    await bot.say("a", "/appreciate thank you for the coffee")
    await bot.say("b", "/appreciate for listening")
    await bot.say("a", "/win we cooked together")
    await bot.say("a", "/checkin")
    await bot.say("a", "mine")
    await bot.say("b", "yours")
    text, picture = await bot.say("b", "/progress")
    assert "Appreciations: 2 · 2" in text.text
    assert "Alex → Sam: 1 · 1" in text.text
    assert "Sam → Alex: 1 · 1" in text.text
    assert "Wins logged: 1 · 1" in text.text
    assert "Evenings you both checked in: 1 · 1" in text.text
    assert picture.attachment is not None
    assert picture.attachment.kind == "photo"
    image = Image.open(io.BytesIO(picture.attachment.data))
    assert image.format == "PNG"
    assert image.size == (WIDTH, HEIGHT)
    from bot.core.picture import render
    from bot.core.tally import collect

    async with bot.service.db.session() as session:
        progress = await collect(session, 1, zone="Europe/Berlin", now=bot.clock.now())
    labels = render(progress, "Alex & Sam").labels
    drawn = {re.sub(r"\D", "", label): label for label in labels}
    assert labels[0] == "1 evening"
    assert labels[2] == "2 appreciations"
    assert labels[3] == "0 good news"
    assert labels[7] == "1 win"
    assert drawn  # every number drawn is one of the counts the text shows
    for label in labels:
        number = int(label.split()[0])
        assert f"· {number}" in text.text


async def test_the_first_reveal_is_celebrated_to_both_once(bot: Harness) -> None:
    await paired(bot)
    for _day in range(2):
        await bot.say("a", "/checkin")
        await bot.say("a", "mine")
        await bot.say("b", "yours")
        bot.clock.advance(timedelta(days=1))
    firsts = [o for o in bot.channel.sent if "first conversation together" in o.text]
    assert sorted(o.to.chat_id for o in firsts) == ["a", "b"]
    async with bot.service.db.session() as session:
        names = [m.name for m in (await session.exec(select(Milestone))).all()]
    assert names == ["first-reveal"]


async def test_ten_appreciations_and_a_month_are_milestones_with_their_own_lines(
    bot: Harness,
) -> None:
    await paired(bot)
    for i in range(10):
        await bot.say("a" if i % 2 else "b", f"/appreciate thing {i}")
    tens = [o for o in bot.channel.sent if "10 appreciations" in o.text]
    assert len(tens) == 2
    bot.clock.advance(timedelta(days=31))
    await bot.say("a", "/win a month in")
    months = [o for o in bot.channel.sent if "A month since you paired" in o.text]
    assert len(months) == 2
    assert tens[0].text.split("\n")[1] != months[0].text.split("\n")[1]


async def test_weekly_recap_only_when_they_shared_something(bot: Harness) -> None:
    await paired(bot, "Europe/Berlin", "America/New_York")
    await bot.advance(timedelta(days=6))  # Sunday evening passes in both zones: nothing shared
    assert not any("Your week together" in o.text for o in bot.channel.sent)
    await bot.advance(timedelta(days=2))  # Wednesday
    await bot.say("a", "/win a good week")
    await bot.advance(timedelta(days=5))  # past Sunday 19:00 in Berlin and New York
    recaps = [o for o in bot.channel.sent if "Your week together" in o.text]
    assert sorted(o.to.chat_id for o in recaps) == ["a", "b"]
    assert "1 win" in recaps[0].text


async def test_a_couple_in_two_zones_date_reminders_at_each_morning(bot: Harness) -> None:
    bot.clock.set(datetime(2026, 12, 1, 12, 0, tzinfo=UTC))
    await paired(bot, "Europe/Berlin", "America/New_York")
    await bot.say("a", "/date 2026-12-05 19:30")  # Sat 19:30 Berlin = 13:30 New York
    assert "Sat 5 Dec at 13:30" in last_to(bot, "b", "would love a date").text
    await say_yes(bot)
    await bot.advance(timedelta(days=4, hours=2))
    mornings = {o.to.chat_id: o.text for o in bot.channel.sent if "date is today" in o.text}
    assert mornings["a"] == "🕯️ Your date is today at 19:30. Enjoy each other."
    assert mornings["b"] == "🕯️ Your date is today at 13:30. Enjoy each other."


async def test_odd_numbers_and_far_dates_get_kind_answers_not_errors(bot: Harness) -> None:
    """Found by the property-based test: Unicode digits, huge ids and dates at the edges."""
    await paired(bot, "Asia/Tokyo", "Asia/Tokyo")
    assert "Try /pause 7" in (await bot.say("a", "/pause ²"))[0].text
    assert "Try /time 20:30" in (await bot.say("a", "/time 3²:00"))[0].text
    assert "already passed" in (await bot.say("a", "/date 0001-01-01 00:00"))[0].text
    assert "didn't catch that" in (await bot.say("a", "/date 9999-12-31 23:00"))[0].text
    for data in ("goal:99999999999999999999", "thank:١٢", "save:-1", "datehow:lovely:9" * 3):
        assert "expired" in await press(bot, "a", data)
