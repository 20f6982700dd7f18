"""Our dates (issue #17, items 1 and 2): `/anniversary`, `/birthday`, `/ourdays` and `/meet`,
and the mornings that remember them, each partner on their own local date, once each: the
anniversary naming the years, a quiet heads-up to the other partner three days before a
birthday (with a date idea), the birthday itself, days together at 100 and 365 (and on), and
the day a couple apart see each other, counted down in the evening question."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime, time, timedelta

from sqlmodel import select

from bot.core.events import ButtonPress, Outgoing
from bot.core.models import Couple, Milestone
from bot.core.zones import zone_info
from tests.helpers.service import LIBRARY, START, Harness, sender

BERLIN, NEW_YORK = "Europe/Berlin", "America/New_York"
ZONES = {"a": BERLIN, "b": NEW_YORK}
MORNING = time(9, 30)  # the local hour our dates are remembered at
DATE_IDEAS = {p.text for p in LIBRARY.prompts.values() if p.kind == "date"}
ES_DATE_IDEAS = {LIBRARY.text(p.id, "es") for p in LIBRARY.prompts.values() if p.kind == "date"}
TOAST = "Here's to every small step that got you here."
COUNTDOWN = re.compile(r"⏳ (\d+) days? until you see each other")

Sent = list[tuple[datetime, Outgoing]]


async def paired(bot: Harness, zone_a: str = BERLIN, zone_b: str = NEW_YORK) -> Sent:
    """Alex (a) and Sam (b) paired at START (Tuesday 1 December 2026, 16:00 UTC); what is sent
    from then on, each message with the moment it went out."""
    ZONES.update(a=zone_a, b=zone_b)
    bot.clock.set(START)
    for who, zone in (("a", zone_a), ("b", zone_b)):
        await bot.say(who, "/start")
        await bot.say(who, f"/timezone {zone}")
    await bot.pair()
    bot.channel.clear()
    sent: Sent = []
    record = bot.channel.send

    async def send(out: Outgoing) -> str:
        sent.append((bot.clock.now(), out))
        return await record(out)

    bot.channel.send = send  # type: ignore[method-assign]
    return sent


async def days_around(bot: Harness, first: str, last: str | None = None) -> None:
    """Jump to the eve of `first` (nothing due in between is sent: the bot was off), then live
    every moment through the day after `last`."""
    start = date.fromisoformat(first) - timedelta(days=1)
    end = date.fromisoformat(last or first) + timedelta(days=1)
    bot.clock.set(datetime.combine(start, time(12, 0), tzinfo=UTC))
    await bot.service.run_due()
    await bot.advance(timedelta(days=(end - start).days))


def mornings(sent: Sent, who: str) -> dict[str, str]:
    """The member's morning messages of our dates, by their own local date."""
    zone = zone_info(ZONES[who])
    found: dict[str, str] = {}
    for moment, out in sent:
        local = moment.astimezone(zone)
        if out.to.chat_id == who and local.time() == MORNING:
            assert local.date().isoformat() not in found, "two mornings on one day"
            found[local.date().isoformat()] = out.text
    return found


async def press(bot: Harness, who: str, data: str) -> list[Outgoing]:
    names = {"a": "Alex", "b": "Sam", "c": "Chris"}
    return await bot.send(ButtonPress(sender=sender(who, names[who]), data=data))


def buttons(out: Outgoing) -> dict[str, str]:
    return {button.label: button.data for row in out.buttons for button in row}


async def couple_id(bot: Harness) -> int:
    async with bot.service.db.session() as session:
        couple = (await session.exec(select(Couple))).one()
    assert couple.id is not None
    return couple.id


async def test_an_anniversary_and_both_birthdays_across_a_year_in_two_zones(bot: Harness) -> None:
    sent = await paired(bot)
    [saved] = await bot.say("a", "/anniversary 2019-06-14")
    assert saved.text.startswith("Saved 💞 Your anniversary is 14 Jun 2019.")
    told = [out.text for _, out in sent if out.to.chat_id == "b"]
    assert told == [
        "Alex saved your anniversary: 14 Jun 2019 💞 I'll remember it with you both each year."
    ]
    [mine] = await bot.say("a", "/birthday 03-10")
    assert "Your birthday is 10 March" in mine.text
    assert "quiet heads-up" in mine.text
    [theirs] = await bot.say("b", "/birthday 1990-06-20")
    assert "Your birthday is 20 Jun 1990" in theirs.text
    # Neither is told of the other's birthday when it is saved: that is for the heads-up.
    assert not [out for _, out in sent if out.to.chat_id == "a" and "20 Jun" in out.text]
    assert not [out for _, out in sent if out.to.chat_id == "b" and "10 March" in out.text]

    three_thousand = date(2019, 6, 14) + timedelta(days=3000)
    await days_around(bot, "2027-03-06", "2027-03-11")
    await days_around(bot, "2027-06-11", "2027-06-21")  # 8 × 365 days fall on 12 June
    await days_around(bot, three_thousand.isoformat())
    alex, sam = mornings(sent, "a"), mornings(sent, "b")
    assert set(alex) == {"2027-03-10", "2027-06-14", "2027-06-17", "2027-06-20", "2027-08-31"}
    assert set(sam) == {"2027-03-07", "2027-03-10", "2027-06-14", "2027-06-20", "2027-08-31"}
    assert three_thousand.isoformat() == "2027-08-31"
    # Alex's birthday: Sam is told three days ahead (on Sam's own date, in New York), quietly,
    # with a date idea; on the day Alex gets a line and Sam a nudge.
    heads_up, idea = sam["2027-03-07"].split("\n")
    assert heads_up == "🎁 Just between us: Alex's birthday is on Wed 10 Mar, in 3 days."
    assert idea.removeprefix("An idea, if you'd like one: ") in DATE_IDEAS
    assert alex["2027-03-10"] == "🎂 Happy birthday, Alex. I hope today is kind to you."
    assert sam["2027-03-10"].startswith("🎂 It's Alex's birthday today.")
    # The anniversary, to both, naming the years, and offering the book of their story (#18)
    # with a button, once.
    for each in (alex, sam):
        assert each["2027-06-14"] == (
            "💞 8 years together today. Happy anniversary, you two.\n\n"
            "📖 Your story so far could be a book to keep, whenever you'd like it."
        )
    offers = [out for _, out in sent if out.buttons and "📖" in out.text]
    assert sorted(out.to.chat_id for out in offers) == ["a", "b"]
    assert {b.label for out in offers for row in out.buttons for b in row} == {"📖 Our story"}
    assert {b.data.split(":")[0] for out in offers for row in out.buttons for b in row} == {"story"}
    # Sam's birthday: the heads-up goes to Alex only.
    assert alex["2027-06-17"].startswith("🎁 Just between us: Sam's birthday is on Sun 20 Jun")
    assert alex["2027-06-20"].startswith("🎂 It's Sam's birthday today.")
    assert sam["2027-06-20"] == "🎂 Happy birthday, Sam. I hope today is kind to you."
    # Days together count from the anniversary: 3,000 on 31 August 2027; the yearly count
    # (2,920 on 12 June) gives way to the anniversary two days later, which names the years.
    for each in (alex, sam):
        assert each["2027-08-31"].startswith("✨ 3,000 days together today.")
    everything = "\n".join(out.text for _, out in sent)
    assert "2,920" not in everything
    # Nobody is told about their own birthday in advance.
    assert not any(
        "Just between us" in out.text and "Sam's" in out.text
        for _, out in sent
        if out.to.chat_id == "b"
    )


async def test_the_heads_up_goes_to_the_other_partner_only_and_exactly_once(
    bot: Harness,
) -> None:
    sent = await paired(bot)
    await bot.say("b", "/birthday 06-20")
    await days_around(bot, "2027-06-16", "2027-06-17")  # through the afternoon of the 18th
    heads_up = [out for _, out in sent if "Just between us" in out.text]
    assert [out.to.chat_id for out in heads_up] == ["a"]
    # Alex flies to Los Angeles, where 17 June has its morning still to come; Sam moves the
    # birthday a day later (so the 18th is three days before it). Neither brings it again.
    bot.clock.set(datetime(2027, 6, 17, 10, 0, tzinfo=UTC))
    await bot.say("a", "/timezone America/Los_Angeles")
    ZONES["a"] = "America/Los_Angeles"
    await bot.say("b", "/birthday 06-21")
    await bot.advance(timedelta(days=5))
    heads_up = [out for _, out in sent if "Just between us" in out.text]
    assert [out.to.chat_id for out in heads_up] == ["a"]
    assert mornings(sent, "a")["2027-06-21"].startswith("🎂 It's Sam's birthday today.")
    assert mornings(sent, "b")["2027-06-21"].startswith("🎂 Happy birthday, Sam.")
    async with bot.service.db.session() as session:
        names = set((await session.exec(select(Milestone.name))).all())
    assert {n.split(":")[0] for n in names} >= {"heads-up-2027", "their-bday-2027", "bday-2027"}


async def test_days_together_from_pairing_at_100_and_365_days_once_each(bot: Harness) -> None:
    sent = await paired(bot)  # 1 December 2026 for both
    await days_around(bot, "2027-03-09", "2027-03-12")
    await days_around(bot, "2027-11-30", "2027-12-02")
    for who in ("a", "b"):
        assert mornings(sent, who) == {
            "2027-03-11": f"✨ 100 days together today. {TOAST}",
            "2027-12-01": f"✨ 365 days together today. {TOAST}",
        }
    [listing] = await bot.say("a", "/ourdays")
    days = (date(2027, 12, 3) - date(2026, 12, 1)).days  # the clock is on 3 December
    assert f"• Days together: {days} (since you paired on 1 Dec 2026)" in listing.text
    # An anniversary saved later that makes tomorrow day 100 again does not celebrate it twice.
    before = len(sent)
    tomorrow = date(2027, 12, 4)
    [saved] = await bot.say("a", f"/anniversary {tomorrow - timedelta(days=100)}")
    assert "26 Aug 2027" in saved.text
    await bot.advance(timedelta(days=2))
    assert "2027-12-04" not in mornings(sent[before:], "a")
    assert not [out for _, out in sent[before:] if "100 days" in out.text]


async def test_ourdays_lists_what_is_set_with_buttons_to_change_or_clear(bot: Harness) -> None:
    sent = await paired(bot)
    cid = await couple_id(bot)
    [empty] = await bot.say("a", "/ourdays")
    assert "• Anniversary: not saved yet (/anniversary 2019-06-14)" in empty.text
    assert "• Your birthday: not saved yet" in empty.text
    assert "• Sam's birthday: not saved yet" in empty.text
    assert "• Days together: 0 (since you paired on 1 Dec 2026)" in empty.text
    assert "not set (/meet 2027-01-15" in empty.text
    assert buttons(empty) == {
        "✏️ Anniversary": f"ours:anniv:set:{cid}",
        "✏️ My birthday": f"ours:bday:set:{cid}",
        "✏️ Day we meet": f"ours:meet:set:{cid}",
    }
    # Change: the button asks, the next message answers.
    [ask] = await press(bot, "a", f"ours:anniv:set:{cid}")
    assert "When did your story together begin?" in ask.text
    [saved] = await bot.say("a", "2018-05-01")
    assert "Your anniversary is 1 May 2018" in saved.text
    assert any("Alex saved your anniversary: 1 May 2018" in out.text for _, out in sent)
    await bot.say("a", "/birthday 02-29")
    await bot.say("b", "/birthday 1990-06-20")
    [listing] = await bot.say("a", "/ourdays")
    assert listing.text.split("\n") == [
        "Your dates 💞",
        "• Anniversary: 1 May 2018",
        "• Your birthday: 29 February",
        "• Sam's birthday: 20 Jun 1990",
        f"• Days together: {(date(2026, 12, 1) - date(2018, 5, 1)).days:,} (since 1 May 2018)",
        "• The day you see each other: not set (/meet 2027-01-15 when you're apart)",
        "Tap to change:",
    ]
    assert buttons(listing)["🗑 Clear anniversary"] == f"ours:anniv:clear:{cid}"
    assert buttons(listing)["🗑 Clear my birthday"] == f"ours:bday:clear:{cid}"
    # Either partner may clear the anniversary; both know.
    cleared = await press(bot, "b", f"ours:anniv:clear:{cid}")
    assert cleared[0].text.startswith("Done: no anniversary saved.")
    assert "• Anniversary: not saved yet" in cleared[1].text
    assert any(
        out.to.chat_id == "a" and out.text.startswith("Sam cleared your anniversary.")
        for _, out in sent
    )
    # A birthday button clears only the presser's own birthday.
    [gone, relisted] = await press(bot, "b", f"ours:bday:clear:{cid}")
    assert gone.text == "Done: your birthday isn't saved any more."
    assert "• Your birthday: not saved yet" in relisted.text
    assert "• Alex's birthday: 29 February" in relisted.text
    [nothing] = await press(bot, "b", f"ours:bday:clear:{cid}")
    assert nothing.text == "Nothing to clear there. /ourdays shows what's saved."
    # The day they meet: set by typing a number of days, listed, cleared (still apart).
    [ask] = await press(bot, "a", f"ours:meet:set:{cid}")
    assert "When do you see each other next?" in ask.text
    [met] = await bot.say("a", "14")
    assert met.text.startswith("Noted: you see each other on Tue 15 Dec, in 14 days")
    [listing] = await bot.say("b", "/ourdays")
    assert "• You see each other: Tue 15 Dec, in 14 days" in listing.text
    [done, _] = await press(bot, "b", buttons(listing)["🗑 Clear day we meet"])
    assert done.text.startswith("Done: no date for now. You're still set as apart")
    assert "Apart for now:" in (await bot.say("a", "/settings"))[0].text
    # Forged and stale buttons: another couple's id, an unknown part, too many parts.
    for data in (
        f"ours:anniv:clear:{cid + 1}",
        f"ours:birthday:clear:{cid}",
        f"ours:anniv:drop:{cid}",
        f"ours:anniv:set:{cid}:1",
        "ours",
    ):
        [stale] = await press(bot, "a", data)
        assert "expired" in stale.text, data


async def test_meet_counts_down_each_evening_and_ends_apart_on_the_day(bot: Harness) -> None:
    sent = await paired(bot)
    assert "Together:" in (await bot.say("a", "/settings"))[0].text
    [noted] = await bot.say("a", "/meet 2026-12-12")
    assert noted.text.startswith("Noted: you see each other on Sat 12 Dec, in 11 days 💞")
    told = [out.text for _, out in sent if out.to.chat_id == "b"]
    assert told == [
        "Alex let me know you see each other on Sat 12 Dec, in 11 days 💞 "
        "I'll count down with you both in the evening question."
    ]
    # /meet set them apart, until that day.
    assert "Apart for now until Sat 12 Dec" in (await bot.say("b", "/settings"))[0].text
    # /checkin now (17:00 in Berlin) frames the question with the same line as the evening.
    await bot.say("a", "/checkin")
    # Through the evening of 13 December, both answering every evening (without answers the
    # bot would go quieter after seven: #17 item 6).
    for _ in range(12):
        await bot.advance(timedelta(days=1))
        for who in ("a", "b"):
            await bot.say(who, "counting the days")
    await bot.advance(timedelta(hours=12))
    for who in ("a", "b"):
        prompts = bot.prompts_to(who)
        counts = [int(m.group(1)) for p in prompts if (m := COUNTDOWN.search(p.text))]
        assert counts == list(range(11, 0, -1)), who
        assert len(prompts) == 13  # the 12th and 13th come without a countdown
        assert "1 day until you see each other" in prompts[10].text
        assert mornings(sent, who) == {
            "2026-12-12": "💞 Today's the day you see each other. Enjoy it. "
            "Affection and date ideas are for one place again from today."
        }
    # /apart ended by itself on the day, for both.
    for who in ("a", "b"):
        assert "Together:" in (await bot.say(who, "/settings"))[0].text
    [listing] = await bot.say("a", "/ourdays")
    assert "• The day you see each other: not set" in listing.text


async def test_bad_input_gets_a_kind_answer(bot: Harness) -> None:
    await bot.say("c", "/start")
    assert "/pair" in (await bot.say("c", "/anniversary 2019-06-14"))[0].text
    assert "/pair" in (await bot.say("c", "/meet 2027-01-15"))[0].text
    assert "/pair" in (await bot.say("c", "/ourdays"))[0].text
    # A birthday is one's own: it can be saved before pairing.
    [own] = await bot.say("c", "/birthday 06-20")
    assert "Your birthday is 20 June. I'll give your partner a quiet heads-up" in own.text
    sent = await paired(bot)
    for typed in ("2019-13-45", "soon", "14/06/2019", "1850-01-01", "2019-06"):
        [reply] = await bot.say("a", f"/anniversary {typed}")
        assert reply.text.startswith("I didn't understand that date. Try /anniversary"), typed
    [future] = await bot.say("a", "/anniversary 2030-01-01")
    assert future.text.startswith("That day hasn't come yet 🙂")
    for typed in ("02-30", "hello", "13-01", "1990-02-29", "1850-06-20", "6/20/1990"):
        [reply] = await bot.say("a", f"/birthday {typed}")
        assert reply.text.startswith("I didn't understand that date. Try /birthday"), typed
    [future] = await bot.say("a", "/birthday 2031-06-20")
    assert future.text.startswith("That day hasn't come yet 🙂 Try /birthday 06-20")
    for typed in ("whenever", "2020-01-01", "0", "until 2031-01-01", "today", "until"):
        [reply] = await bot.say("a", f"/meet {typed}")
        assert reply.text.startswith("When do you see each other? Try /meet"), typed
    # Asked for a date, an answer that is none gets the same kind answer.
    assert "When did your story" in (await bot.say("a", "/anniversary"))[0].text
    [reply] = await bot.say("a", "maybe 2019?")
    assert reply.text.startswith("I didn't understand that date.")
    [reply] = await bot.say("a", "the summer we met, I think")
    assert reply.text.startswith("I didn't understand that date.")
    [kept] = await bot.say("a", "cancel")
    assert kept.text == "Okay, nothing changed. /ourdays shows what's saved."
    assert "There's no open question right now" in (await bot.say("a", "hello"))[0].text
    assert not [out for _, out in sent if out.to.chat_id == "b"]  # Sam was told nothing
    async with bot.service.db.session() as session:
        couple = (await session.exec(select(Couple))).one()
    assert couple.anniversary is None
    assert couple.apart_since is None


async def test_a_birthday_on_29_february_in_years_with_and_without_it(bot: Harness) -> None:
    sent = await paired(bot)
    await bot.say("b", "/birthday 2000-02-29")
    await days_around(bot, "2027-02-24", "2027-03-01")
    await days_around(bot, "2028-02-25", "2028-03-01")
    alex, sam = mornings(sent, "a"), mornings(sent, "b")
    assert alex["2027-02-25"].startswith("🎁 Just between us: Sam's birthday is on Sun 28 Feb")
    assert alex["2027-02-28"].startswith("🎂 It's Sam's birthday today.")
    assert sam["2027-02-28"].startswith("🎂 Happy birthday, Sam.")
    assert alex["2028-02-26"].startswith("🎁 Just between us: Sam's birthday is on Tue 29 Feb")
    assert sam["2028-02-29"].startswith("🎂 Happy birthday, Sam.")
    assert set(sam) == {"2027-02-28", "2028-02-29"}
    assert set(alex) == {"2027-02-25", "2027-02-28", "2028-02-26", "2028-02-29"}


async def test_a_partner_reading_in_spanish(bot: Harness) -> None:
    sent = await paired(bot)
    await bot.say("b", "/language es")
    await bot.say("a", "/anniversary 2019-06-14")
    assert any(
        out.text.startswith("Alex anotó el aniversario de tu relación: 14 de junio de 2019 💞")
        for _, out in sent
    )
    [saved] = await bot.say("b", "/birthday 1990-06-20")
    assert saved.text.startswith("Anotado 🎂 Tu cumpleaños es el 20 de junio de 1990.")
    await bot.say("a", "/birthday 03-10")
    await bot.say("a", "/meet 2026-12-04")
    assert any(
        out.text.startswith("Alex me contó que el reencuentro es el vie 4 dic, dentro de 3 días")
        for _, out in sent
    )
    [listing] = await bot.say("b", "/ourdays")
    assert listing.text.split("\n")[:4] == [
        "Tus fechas en pareja 💞",
        "• Aniversario: 14 de junio de 2019",
        "• Tu cumpleaños: 20 de junio de 1990",
        "• Cumpleaños de Alex: 10 de marzo",
    ]
    assert "✏️ Aniversario" in buttons(listing)
    await bot.advance(timedelta(days=4))
    counts = [
        out.text.split("\n")[-1] for _, out in sent if out.to.chat_id == "b" and "⏳" in out.text
    ]
    assert counts == [
        "⏳ Faltan 3 días para el reencuentro",
        "⏳ Faltan 2 días para el reencuentro",
        "⏳ Falta 1 día para el reencuentro",
    ]
    await days_around(bot, "2027-03-07", "2027-03-10")
    await days_around(bot, "2027-06-14")
    sam = mornings(sent, "b")
    assert sam["2026-12-04"].startswith("💞 Hoy es el día del reencuentro.")
    heads_up, idea = sam["2027-03-07"].split("\n")
    assert heads_up == "🎁 Entre tú y yo: el cumpleaños de Alex es el mié 10 mar, dentro de 3 días."
    assert idea.removeprefix("Una idea, por si te sirve: ") in ES_DATE_IDEAS
    assert sam["2027-03-10"].startswith("🎂 Hoy es el cumpleaños de Alex.")
    assert sam["2027-06-14"] == (
        "💞 Hoy se cumplen 8 años de tu relación. Feliz aniversario.\n\n"
        "📖 Vuestra historia hasta hoy puede ser un libro para guardar, cuando queráis."
    )
    assert mornings(sent, "a")["2027-06-14"].startswith("💞 8 years together today.")


async def test_export_holds_my_birthday_and_our_anniversary(bot: Harness) -> None:
    await paired(bot)
    await bot.say("a", "/birthday 1990-03-10")
    await bot.say("b", "/anniversary 2019-06-14")
    reply = next(o for o in await bot.say("a", "/export") if o.attachment)
    assert reply.attachment is not None
    profile = json.loads(reply.attachment.data)["profile"]
    assert profile["birthday"] == "1990-03-10"
    assert profile["anniversary"] == "2019-06-14"
