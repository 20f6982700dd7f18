"""Everything the core says reaches each reader in their own language: a mixed couple (one
Russian, one Spanish) through an evening, Russian plurals in every sentence with a count, and
/date and /apart typed in Spanish and Russian as well as English."""

from __future__ import annotations

from collections import Counter
from datetime import date, time, timedelta

import pytest
from sqlmodel import select

from bot.core import dates, texts, words
from bot.core.events import ButtonPress, Outgoing
from bot.core.models import Conversation, Member
from bot.core.picture import render
from bot.core.tally import collect, summary
from tests.helpers.service import LIBRARY, Harness, sender

TUESDAY = date(2026, 12, 1)


def said(sentence: str, lang: str, **params: object) -> str:
    return words.translate(sentence, lang).format(**params)


def to(bot: Harness, who: str) -> list[Outgoing]:
    return [out for out in bot.channel.sent if out.to.chat_id == who]


async def mixed(bot: Harness) -> None:
    bot.languages = {"a": "ru", "b": "es"}
    await bot.say("a", "/timezone Europe/Berlin")
    await bot.say("b", "/timezone Europe/Berlin")
    await bot.pair()
    bot.channel.clear()


async def test_the_members_languages_come_from_their_platform(bot: Harness) -> None:
    await mixed(bot)
    async with bot.service.db.session() as session:
        found = {m.chat_id: m.language for m in (await session.exec(select(Member))).all()}
    assert found == {"a": "ru", "b": "es"}


async def test_a_mixed_couple_gets_one_prompt_each_in_their_language_and_the_reveal(
    bot: Harness,
) -> None:
    await mixed(bot)  # Tuesday 17:00 in Berlin
    await bot.advance(timedelta(hours=3, minutes=31))  # past 20:30
    async with bot.service.db.session() as session:
        [conversation] = (await session.exec(select(Conversation))).all()
    prompt_id = conversation.prompt_id
    russian, spanish = LIBRARY.text(prompt_id, "ru"), LIBRARY.text(prompt_id, "es")
    assert russian
    assert spanish
    assert len({russian, spanish, LIBRARY.text(prompt_id, "en")}) == 3
    [to_a] = to(bot, "a")
    [to_b] = to(bot, "b")
    assert to_a.text == said(texts.EVENING_CHECKIN, "ru", prompt=russian, partner="Sam")
    assert to_b.text == said(texts.EVENING_CHECKIN, "es", prompt=spanish, partner="Alex")
    assert (to_a.lang, to_b.lang) == ("ru", "es")
    bot.channel.clear()

    [sealed] = await bot.say("a", "Я скучаю по нашим прогулкам")
    assert sealed.text == said(texts.SEALED, "ru", partner="Sam")
    assert sealed.lang == "ru"
    await bot.say("b", "Echo de menos reírnos juntos")
    reveal_a = next(out for out in to(bot, "a") if "Echo de menos" in out.text)
    reveal_b = next(out for out in to(bot, "b") if "Я скучаю" in out.text)
    assert reveal_a.text.startswith(
        said(
            texts.REVEAL, "ru", partner="Sam", prompt=russian, answer="Echo de menos reírnos juntos"
        )
    )
    assert reveal_a.text.endswith(said(texts.TOGETHER, "ru"))
    assert reveal_b.text.startswith(
        said(
            texts.REVEAL, "es", partner="Alex", prompt=spanish, answer="Я скучаю по нашим прогулкам"
        )
    )
    assert reveal_b.text.endswith(said(texts.TOGETHER, "es"))
    assert (reveal_a.lang, reveal_b.lang) == ("ru", "es")
    # The first reveal is celebrated to both, each in their own language.
    first = texts.MILESTONES["first-reveal"]
    assert any(said(first, "ru") in out.text for out in to(bot, "a"))
    assert any(said(first, "es") in out.text for out in to(bot, "b"))


async def test_a_swap_tells_the_partner_in_their_language(bot: Harness) -> None:
    await mixed(bot)
    await bot.say("a", "/ask")
    bot.channel.clear()
    [swapped] = await bot.say("a", "/skip")
    async with bot.service.db.session() as session:
        [conversation] = (await session.exec(select(Conversation))).all()
    assert said(texts.SKIPPED, "ru") in swapped.text
    assert str(LIBRARY.text(conversation.prompt_id, "ru")) in swapped.text
    [told] = to(bot, "b")
    assert said(texts.SKIP_TOLD, "es") in told.text
    assert str(LIBRARY.text(conversation.prompt_id, "es")) in told.text
    assert told.buttons[0][0].label == said(texts.SKIP_BUTTON, "es")


@pytest.mark.parametrize(
    ("count", "day", "minute"),
    [
        (1, "1 день", "1 минута"),
        (2, "2 дня", "2 минуты"),
        (5, "5 дней", "5 минут"),
        (21, "21 день", "21 минута"),
    ],
)
def test_russian_plurals_have_their_three_forms(count: int, day: str, minute: str) -> None:
    assert words.plural("DAYS", count, "ru") == day
    assert words.duration(timedelta(minutes=count), "ru") == minute
    win = {1: "1 победа", 2: "2 победы", 5: "5 побед", 21: "21 победа"}[count]
    assert words.plural("RECAP_COUNTS.wins", count, "ru") == win
    assert words.plural("PICTURE_COUNTS.wins", count, "ru") == win
    assert summary(Counter(wins=count), "ru") == win


async def test_pairings_wait_is_counted_in_russian(bot: Harness) -> None:
    bot.languages = {"a": "ru"}
    for _ in range(5):
        await bot.say("a", "/pair K7MQ2XRT9B")
    waits = {}
    for minutes, left in ((39, 21), (55, 5), (58, 2), (59, 1)):
        bot.clock.set(bot.clock.now().replace(minute=0) + timedelta(minutes=minutes))
        [reply] = await bot.say("a", "/pair K7MQ2XRT9B")
        waits[left] = reply.text
    for left, form in ((21, "21 минута"), (5, "5 минут"), (2, "2 минуты"), (1, "1 минута")):
        assert waits[left] == said(texts.PAIR_WAIT, "ru", wait=form)


async def test_the_recap_and_progress_count_in_russian(bot: Harness) -> None:
    bot.languages = {"a": "ru", "b": "ru"}
    await bot.say("a", "/timezone Europe/Berlin")
    await bot.say("b", "/timezone Europe/Berlin")
    await bot.pair()
    for i in range(5):
        await bot.say("a", f"/win победа {i}")
    [text, picture] = await bot.say("b", "/progress")
    assert said(texts.PROGRESS_TITLE, "ru") in text.text
    assert (
        said(
            texts.PROGRESS_LINE,
            "ru",
            label=said(texts.PROGRESS_LABELS["wins"], "ru"),
            week=5,
            total=5,
        )
        in text.text
    )
    assert picture.text == said(texts.PROGRESS_PICTURE, "ru")
    async with bot.service.db.session() as session:
        progress = await collect(session, 1, zone="Europe/Berlin", now=bot.clock.now())
    assert "5 побед" in render(progress, "Alex & Sam", lang="ru").labels
    bot.channel.clear()
    await bot.advance(timedelta(days=5, hours=3))  # past Sunday 19:00 in Berlin
    [recap] = [out for out in to(bot, "a") if "5 побед" in out.text]
    assert recap.text.startswith(said(texts.RECAP, "ru", summary="5 побед", line="").strip())


@pytest.mark.parametrize(
    ("typed", "lang", "expected"),
    [
        ("vie 19:30", "es", (date(2026, 12, 4), time(19, 30))),
        ("Viernes 19:30", "es", (date(2026, 12, 4), time(19, 30))),
        ("vie. 19:30", "es", (date(2026, 12, 4), time(19, 30))),
        ("miercoles", "es", (date(2026, 12, 2), time(19, 30))),
        ("mañana 20:00", "es", (date(2026, 12, 2), time(20, 0))),
        ("MANANA 20:00", "es", (date(2026, 12, 2), time(20, 0))),
        ("hoy 21:00", "es", (TUESDAY, time(21, 0))),
        ("пт 19:30", "ru", (date(2026, 12, 4), time(19, 30))),
        ("Пятница 19:30", "ru", (date(2026, 12, 4), time(19, 30))),
        ("завтра 20:00", "ru", (date(2026, 12, 2), time(20, 0))),
        ("сегодня", "ru", (TUESDAY, time(19, 30))),
        ("fri 19:30", "ru", (date(2026, 12, 4), time(19, 30))),  # English keeps working
        ("tomorrow 20:00", "es", (date(2026, 12, 2), time(20, 0))),
    ],
)
def test_parse_when_reads_the_members_language(
    typed: str, lang: str, expected: tuple[date, time]
) -> None:
    assert dates.parse_when(typed, TUESDAY, lang=lang) == expected


def test_parse_when_reads_only_english_and_the_members_own_language() -> None:
    assert dates.parse_when("пт 19:30", TUESDAY, lang="es") is None
    assert dates.parse_when("vie 19:30", TUESDAY) is None


async def test_a_date_typed_in_spanish_and_russian(bot: Harness) -> None:
    await mixed(bot)  # Tuesday 1 December, 17:00 in Berlin
    friday = bot.clock.now().replace(day=4, hour=18, minute=30)  # 19:30 in Berlin
    [planned] = await bot.say("b", "/date vie 19:30")
    spanish_day = words.when(friday, "Europe/Berlin", "day_time", "es")
    assert planned.text == said(texts.DATE_ASKED, "es", partner="Alex", when=spanish_day)
    russian_day = words.when(friday, "Europe/Berlin", "day_time", "ru")
    asked = next(out for out in to(bot, "a") if russian_day in out.text)
    assert asked.text == said(texts.DATE_PROPOSAL, "ru", partner="Sam", when=russian_day)
    assert [b.label for b in asked.buttons[0]] == [
        said(texts.DATE_YES_BUTTON, "ru"),
        said(texts.DATE_LATER_BUTTON, "ru"),
    ]

    tomorrow = bot.clock.now().replace(day=2, hour=19, minute=0)  # 20:00 in Berlin
    [moved] = await bot.say("b", "/date mañana 20:00")
    assert words.when(tomorrow, "Europe/Berlin", "day_time", "es") in moved.text
    [cancelled] = await bot.say("b", "/date cancelar")
    assert cancelled.text == said(
        texts.DATE_CANCELLED, "es", when=words.when(tomorrow, "Europe/Berlin", "day_time", "es")
    )

    [planned] = await bot.say("a", "/date пт 19:30")
    assert planned.text == said(texts.DATE_ASKED, "ru", partner="Sam", when=russian_day)
    [moved] = await bot.say("a", "/date завтра 20:00")
    assert words.when(tomorrow, "Europe/Berlin", "day_time", "ru") in moved.text
    [cancelled] = await bot.say("a", "/date отменить")
    assert cancelled.text == said(
        texts.DATE_CANCELLED, "ru", when=words.when(tomorrow, "Europe/Berlin", "day_time", "ru")
    )
    [nothing] = await bot.say("a", "/date cancel")  # English keeps working
    assert nothing.text == said(texts.DATE_NONE, "ru")


async def test_a_date_picked_with_buttons_labels_days_in_the_readers_language(
    bot: Harness,
) -> None:
    await mixed(bot)
    [ask] = await bot.say("b", "/date")
    assert ask.text == said(texts.DATE_ASK, "es")
    assert ask.buttons[0][1].label == words.when(date(2026, 12, 2), None, "weekday_day", "es")


async def test_apart_typed_in_russian_and_both_told_in_their_language(bot: Harness) -> None:
    await mixed(bot)
    [done] = await bot.say("a", "/apart 10 дней")
    day = bot.clock.now().replace(day=11, hour=0) - timedelta(hours=1)  # 00:00 in Berlin
    until_ru = said(texts.APART_UNTIL, "ru", day=words.when(day, "Europe/Berlin", "day", "ru"))
    assert done.text == said(texts.APART_DONE, "ru", until=until_ru)
    until_es = said(texts.APART_UNTIL, "es", day=words.when(day, "Europe/Berlin", "day", "es"))
    told = next(out for out in to(bot, "b") if until_es in out.text)
    assert told.text == said(texts.APART_TOLD, "es", partner="Alex", until=until_es)
    [again] = await bot.say("b", "/apart hasta 2027-01-15")
    later = bot.clock.now().replace(year=2027, month=1, day=14, hour=23)  # 00:00 in Berlin
    until = said(texts.APART_UNTIL, "es", day=words.when(later, "Europe/Berlin", "day", "es"))
    assert again.text == said(texts.APART_DONE, "es", until=until)
    assert said(texts.APART_BAD, "ru") == (await bot.say("a", "/apart до когда-нибудь"))[0].text


async def test_buttons_and_pushes_go_in_the_readers_language(bot: Harness) -> None:
    await mixed(bot)
    await bot.say("a", "/appreciate спасибо за кофе")
    [note] = to(bot, "b")
    assert note.text == said(texts.APPRECIATION, "es", partner="Alex", words="спасибо за кофе")
    thank = note.buttons[0][0]
    assert thank.label == said(texts.THANK_BUTTON, "es")
    await bot.send(ButtonPress(sender=sender("b", "Sam", language="es"), data=thank.data))
    assert to(bot, "a")[-1].text == said(texts.THANKED_TOLD, "ru", partner="Sam")
    [settings] = await bot.say("b", "/settings")
    labels = [b.label for row in settings.buttons for b in row]
    assert said(texts.SETTINGS_TIME_BUTTON, "es") in labels
    assert any(words.weekday(0, "short", "es") in label for label in labels)


@pytest.mark.parametrize("letter", ["ж", "Я", "ñ", "é", "ü"])
def test_the_picture_font_has_the_letters_of_every_language(letter: str) -> None:
    """Pillow's built-in font draws these as empty boxes (the glyph for a missing letter)."""
    from bot.core.picture import font

    missing = bytes(font(22).getmask("\uffff"))
    assert bytes(font(22).getmask(letter)) != missing
