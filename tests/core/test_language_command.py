"""/language: each member's own language, chosen by button or by code, before pairing too; in
/settings; and the few sentences that name a language."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlmodel import select

from bot import catalogs
from bot.core import texts, words
from bot.core.events import Button, ButtonPress, Command, Outgoing, Sender, Unsupported
from bot.core.models import Member
from tests.helpers.service import Harness, sender

CHOICES = "English (en), Español (es), Русский (ru)"


class Marked:
    """A catalog that marks each sentence with the language it was looked up in: the tests see
    which language a sentence is in, whatever the real catalogs hold yet."""

    def __init__(self, lang: str) -> None:
        self.lang = lang

    def pgettext(self, context: str, message: str) -> str:
        return f"[{self.lang}] {message}"

    def npgettext(self, context: str, singular: str, plural: str, num: int) -> str:
        return f"[{self.lang}] {singular if num == 1 else plural}"


@pytest.fixture
def marked() -> Iterator[None]:
    words.use_catalogs({"es": Marked("es"), "ru": Marked("ru")})
    try:
        yield
    finally:
        catalogs.install()


def speaking(who: str, language: str | None) -> Sender:
    return Sender(channel="test", user_id=who, chat_id=who, display_name="Alex", language=language)


async def language_of(bot: Harness, who: str) -> str | None:
    async with bot.service.db.session() as session:
        member = (await session.exec(select(Member).where(Member.user_id == who))).one()
    return member.language


def buttons(out: Outgoing) -> list[Button]:
    return [button for row in out.buttons for button in row]


async def press(bot: Harness, who: str, data: str) -> list[Outgoing]:
    return await bot.send(ButtonPress(sender=sender(who, "Alex"), data=data))


async def test_language_shows_the_current_one_and_a_button_per_language(bot: Harness) -> None:
    [shown] = await bot.say("a", "/language")  # not paired: it does not matter here
    assert shown.text == texts.LANGUAGE_CURRENT.format(language="English")
    assert [(b.label, b.data) for b in buttons(shown)] == [
        ("English", "lang:en"),
        ("Español", "lang:es"),
        ("Русский", "lang:ru"),
    ]


@pytest.mark.parametrize(
    ("platform", "spoken", "name"),
    [
        ("es-419", "es", "Español"),
        ("ru", "ru", "Русский"),
        ("de", "en", "English"),
        (None, "en", "English"),
    ],
)
async def test_a_new_member_starts_in_the_platforms_language(
    bot: Harness, platform: str | None, spoken: str, name: str
) -> None:
    [shown] = await bot.send(Command(sender=speaking("a", platform), name="language"))
    assert shown.lang == spoken
    assert shown.text == words.say("LANGUAGE_CURRENT", spoken, language=name)
    assert await language_of(bot, "a") == platform  # kept as the platform said it


async def test_language_es_sets_it_and_confirms_in_the_new_language(
    bot: Harness, marked: None
) -> None:
    [done] = await bot.say("a", "/language es")
    assert done.text == f"[es] {texts.LANGUAGE_SET}"
    assert done.lang == "es"
    assert await language_of(bot, "a") == "es"
    [shown] = await bot.say("a", "/language")
    assert shown.text == "[es] " + texts.LANGUAGE_CURRENT.format(language="Español")
    [done] = await bot.say("a", "/language en")
    assert done.text == texts.LANGUAGE_SET
    assert done.lang == "en"


@pytest.mark.parametrize(
    ("typed", "lang"),
    [("ES", "es"), ("es-419", "es"), ("ru_RU", "ru"), ("Español", "es"), ("russian", "ru")],
)
async def test_a_language_is_found_by_code_or_by_name(bot: Harness, typed: str, lang: str) -> None:
    [done] = await bot.say("a", f"/language {typed}")
    assert done.text == words.say("LANGUAGE_SET", lang)
    assert await language_of(bot, "a") == lang


async def test_an_unknown_code_gets_a_kind_answer_in_the_current_language(
    bot: Harness, marked: None
) -> None:
    [answer] = await bot.send(Command(sender=speaking("a", "es"), name="language", args="xx"))
    assert answer.text == "[es] " + texts.LANGUAGE_UNKNOWN.format(available=CHOICES)
    assert await language_of(bot, "a") == "es"  # unchanged
    [answer] = await bot.say("a", "/language klingon")
    assert CHOICES in answer.text


async def test_a_language_button_sets_it(bot: Harness, marked: None) -> None:
    [shown] = await bot.say("a", "/language")
    russian = next(b for b in buttons(shown) if b.label == "Русский")
    [done] = await press(bot, "a", russian.data)
    assert done.text == f"[ru] {texts.LANGUAGE_SET}"
    assert done.lang == "ru"
    assert await language_of(bot, "a") == "ru"


@pytest.mark.parametrize("data", ["lang:xx", "lang:", "lang:es:1", "lang:ES"])
async def test_a_forged_language_button_is_stale(bot: Harness, data: str) -> None:
    await bot.say("a", "/start")
    [answer] = await press(bot, "a", data)
    assert answer.text == texts.STALE_BUTTON
    assert await language_of(bot, "a") is None


async def test_settings_show_the_language_and_a_button_for_it(bot: Harness) -> None:
    await bot.pair()
    [settings] = await bot.say("a", "/settings")
    *_, language_line, last = settings.text.split("\n")
    assert language_line == texts.SETTINGS_LANGUAGE.format(language="English")
    assert last == texts.SETTINGS.rsplit("\n", 1)[1]  # "Tap to change:" stays last
    [button] = [b for b in buttons(settings) if b.data.startswith("set:language:")]
    assert button.label == texts.SETTINGS_LANGUAGE_BUTTON
    [shown] = await press(bot, "a", button.data)
    assert shown.text == texts.LANGUAGE_CURRENT.format(language="English")
    assert [b.data for b in buttons(shown)] == ["lang:en", "lang:es", "lang:ru"]
    await bot.say("a", "/language ru")
    [settings] = await bot.say("a", "/settings")
    assert words.say("SETTINGS_LANGUAGE", "ru", language="Русский") in settings.text


async def test_a_settings_language_button_of_another_couple_is_stale(bot: Harness) -> None:
    await bot.pair()
    [answer] = await press(bot, "a", "set:language:999")
    assert answer.text == texts.STALE_BUTTON


@pytest.mark.parametrize(("kind", "name"), [("location", "UNSUPPORTED_NAMES.location"), ("", None)])
async def test_an_unsupported_message_is_named_in_the_readers_language(
    bot: Harness, kind: str, name: str | None
) -> None:
    event = Unsupported(sender=speaking("a", "es"), kind=kind)
    [answer] = await bot.send(event)
    what = words.say(name, "es") if name else words.translate(texts.UNSUPPORTED_OTHER, "es")
    assert answer.text == words.say("UNSUPPORTED", "es", what=what)
    assert answer.text != texts.UNSUPPORTED.format(what=texts.UNSUPPORTED_NAMES["location"])
    [answer] = await bot.send(Unsupported(sender=speaking("b", None), kind="poll"))
    assert answer.text == texts.UNSUPPORTED.format(what="a poll")
