"""Issue #15, item 4: the question as sent is stored with each conversation, in every language
the library has, so reveals and /export show what was asked after content/ is edited or an id
is gone, each in the reader's language."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlmodel import select

from bot.content import Library
from bot.core import texts, words
from bot.core.models import Conversation
from tests.helpers.service import LIBRARY, Harness

RU_ANSWER = "Я скучаю по нашим прогулкам"
ES_ANSWER = "Echo de menos reírnos juntos"


def said(sentence: str, lang: str, **params: object) -> str:
    return words.translate(sentence, lang).format(**params)


def edited(prompt_id: str) -> Library:
    """LIBRARY with the prompt's text rewritten in every language."""
    prompts = dict(LIBRARY.prompts)
    prompts[prompt_id] = prompts[prompt_id].model_copy(update={"text": "Rewritten question?"})
    translations = {
        lang: {**texts_of, prompt_id: f"Rewritten ({lang})?"}
        for lang, texts_of in LIBRARY.translations.items()
    }
    return Library(prompts, translations)


def without(prompt_id: str) -> Library:
    """LIBRARY with the prompt gone (deleted from content/)."""
    prompts = {i: p for i, p in LIBRARY.prompts.items() if i != prompt_id}
    translations = {
        lang: {i: t for i, t in texts_of.items() if i != prompt_id}
        for lang, texts_of in LIBRARY.translations.items()
    }
    return Library(prompts, translations)


async def evening(bot: Harness) -> Conversation:
    """A mixed couple (Alex reads Russian, Sam Spanish) is sent the evening's question."""
    bot.languages = {"a": "ru", "b": "es"}
    await bot.say("a", "/timezone Europe/Berlin")
    await bot.say("b", "/timezone Europe/Berlin")
    await bot.pair()
    await bot.advance(timedelta(hours=3, minutes=31))  # past 20:30 in Berlin
    async with bot.service.db.session() as session:
        [conversation] = (await session.exec(select(Conversation))).all()
    bot.channel.clear()
    return conversation


async def test_a_conversation_stores_its_question_in_every_language(bot: Harness) -> None:
    conversation = await evening(bot)
    prompt_id = conversation.prompt_id
    assert conversation.prompt_text == {
        lang: LIBRARY.text(prompt_id, lang) for lang in ("en", "es", "ru")
    }


async def reveal_and_export(bot: Harness, library: Library, asked: dict[str, str]) -> None:
    """With `library` in place of the one the question came from, the reveal and /export still
    show the question as `asked`, each in the reader's language."""
    bot.service.content = library
    await bot.say("a", RU_ANSWER)
    await bot.say("b", ES_ANSWER)
    to_a = [out.text for out in bot.channel.sent if out.to.chat_id == "a"]
    to_b = [out.text for out in bot.channel.sent if out.to.chat_id == "b"]
    reveal_a = said(texts.REVEAL, "ru", partner="Sam", prompt=asked["ru"], answer=ES_ANSWER)
    reveal_b = said(texts.REVEAL, "es", partner="Alex", prompt=asked["es"], answer=RU_ANSWER)
    assert any(text.startswith(reveal_a) for text in to_a), to_a
    assert any(text.startswith(reveal_b) for text in to_b), to_b
    for who, lang in (("a", "ru"), ("b", "es")):
        [export] = [o for o in await bot.say(who, "/export") if o.attachment]
        assert export.attachment is not None
        data = json.loads(export.attachment.data.decode())
        assert [a["question"] for a in data["answers"]] == [asked[lang]]


async def test_reveal_and_export_show_the_question_as_asked_after_an_edit(bot: Harness) -> None:
    conversation = await evening(bot)
    assert conversation.prompt_text is not None
    await reveal_and_export(bot, edited(conversation.prompt_id), conversation.prompt_text)


async def test_reveal_and_export_show_the_question_after_its_id_is_gone(bot: Harness) -> None:
    conversation = await evening(bot)
    assert conversation.prompt_text is not None
    await reveal_and_export(bot, without(conversation.prompt_id), conversation.prompt_text)


async def test_an_old_conversation_without_a_stored_question_reads_the_library(
    bot: Harness,
) -> None:
    conversation = await evening(bot)
    async with bot.service.db.session() as session:
        row = await session.get(Conversation, conversation.id)
        assert row is not None
        row.prompt_text = None  # as made before migration 0006
        session.add(row)
    prompt_id = conversation.prompt_id
    library = edited(prompt_id)
    now = {lang: str(library.text(prompt_id, lang)) for lang in ("ru", "es")}
    await reveal_and_export(bot, library, now)


async def test_a_swapped_prompt_stores_the_new_question(bot: Harness) -> None:
    bot.languages = {"a": "ru", "b": "es"}
    await bot.say("a", "/timezone Europe/Berlin")
    await bot.say("b", "/timezone Europe/Berlin")
    await bot.pair()
    await bot.say("a", "/ask")
    async with bot.service.db.session() as session:
        [before] = (await session.exec(select(Conversation))).all()
    await bot.say("a", "/skip")
    async with bot.service.db.session() as session:
        [after] = (await session.exec(select(Conversation))).all()
    assert after.prompt_id != before.prompt_id
    assert after.prompt_text == {
        lang: LIBRARY.text(after.prompt_id, lang) for lang in ("en", "es", "ru")
    }
    bot.channel.clear()
    bot.service.content = without(after.prompt_id)
    await bot.say("a", RU_ANSWER)
    await bot.say("b", ES_ANSWER)
    to_b = [out.text for out in bot.channel.sent if out.to.chat_id == "b"]
    assert any(after.prompt_text["es"] in text for text in to_b), to_b
