"""Our weekly check-in (issue #17, item 7): a day chosen in /settings, that evening's question
becoming three short ones asked in turn, revealed together once both answered all three (one
partner reading in Spanish), edits of a part, /export, and nothing of it when it is off."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlmodel import col, select

from bot.core import ritual, texts, words
from bot.core.events import ButtonPress, Edit, Media, MediaRef, Outgoing, Text
from bot.core.models import Answer, Conversation, Couple
from tests.helpers.service import Harness, sender

NAMES = {"a": "Alex", "b": "Sam"}
SUNDAY_EVENING = datetime(2026, 12, 6, 19, 31, tzinfo=UTC)  # 20:31 in Berlin
EN = [words.translate(texts.RITUAL_QUESTIONS[key], "en") for key in ritual.QUESTIONS]
ES = [words.translate(texts.RITUAL_QUESTIONS[key], "es") for key in ritual.QUESTIONS]


async def press(bot: Harness, who: str, data: str) -> list[Outgoing]:
    return await bot.send(ButtonPress(sender=sender(who, NAMES[who]), data=data))


async def write(bot: Harness, who: str, words_: str, ref: str | None = None) -> list[str]:
    event = Text(sender=sender(who, NAMES[who]), text=words_, message_ref=ref)
    return [out.text for out in await bot.send(event)]


def labelled(out: Outgoing) -> dict[str, str]:
    return {button.label: button.data for row in out.buttons for button in row}


async def couple(bot: Harness) -> Couple:
    async with bot.service.db.session() as session:
        return (await session.exec(select(Couple))).one()


async def paired(bot: Harness, *, zone_b: str = "Europe/Berlin") -> int:
    await bot.say("a", "/timezone Europe/Berlin")
    await bot.say("b", f"/timezone {zone_b}")
    await bot.pair()
    await bot.say("b", "/language es")
    bot.channel.clear()
    found = await couple(bot)
    assert found.id is not None
    return found.id


async def choose_day(bot: Harness, who: str, day: str) -> list[Outgoing]:
    """Through /settings, as a partner would: the check-in's button, then the day's."""
    [shown] = await bot.say(who, "/settings")
    [opened] = await press(bot, who, next(d for d in labelled(shown).values() if ":ritual:" in d))
    button = next(d for d in labelled(opened).values() if d.startswith(f"ritual:{day}:"))
    return await press(bot, who, button)


async def to_sunday_evening(bot: Harness) -> None:
    await bot.advance(SUNDAY_EVENING - bot.clock.now())


def sent_to(bot: Harness, who: str) -> list[str]:
    return bot.channel.to(who)


async def test_a_day_is_chosen_in_settings_and_the_partner_is_told(bot: Harness) -> None:
    couple_id = await paired(bot)
    [shown] = await bot.say("a", "/settings")
    assert "• Our weekly check-in: off" in shown.text
    assert labelled(shown)["🗓 Our weekly check-in"] == f"set:ritual:{couple_id}"
    [menu] = await press(bot, "a", f"set:ritual:{couple_id}")
    for question in EN:
        assert f"• {question}" in menu.text
    assert labelled(menu)["● Off"] == f"ritual:off:{couple_id}"
    assert labelled(menu)["○Su"] == f"ritual:sun:{couple_id}"

    [done] = await choose_day(bot, "a", "sun")
    assert done.text == (
        "Done: your weekly check-in comes every Sunday evening, in place of that evening's "
        "question."
    )
    assert "●Su" in labelled(done)
    assert "○ Off" in labelled(done)
    assert (await couple(bot)).ritual_day == "sun"
    [told] = [t for t in sent_to(bot, "b") if "Alex" in t]
    assert told == (
        "Alex eligió el domingo por la noche para la charla semanal: tres preguntas cortas en "
        "lugar de la pregunta de esa noche. /settings para cambiarlo."
    )
    [shown] = await bot.say("a", "/settings")
    assert "• Our weekly check-in: Sunday" in shown.text
    [shown] = await bot.say("b", "/settings")
    assert "• Nuestra charla semanal: domingo" in shown.text

    # The same day again changes nothing and tells nobody; a stale or forged press is refused.
    bot.channel.clear()
    await choose_day(bot, "b", "sun")
    assert sent_to(bot, "a") == []
    for data in (f"ritual:sun:{couple_id + 1}", f"ritual:someday:{couple_id}", "ritual:sun"):
        [refused] = await press(bot, "a", data)
        assert refused.text == texts.STALE_BUTTON
    assert (await couple(bot)).ritual_day == "sun"


async def test_sunday_brings_three_questions_in_turn_and_one_reveal(bot: Harness) -> None:
    await paired(bot)
    await choose_day(bot, "a", "sun")
    bot.channel.clear()
    await to_sunday_evening(bot)
    # Tuesday to Saturday brought their usual questions; Sunday the check-in's first question.
    assert not any("weekly check-in" in t for t in sent_to(bot, "a")[:-1])
    assert sent_to(bot, "a")[-1] == (
        "🗓 Our weekly check-in: three short questions tonight, one at a time.\n\n"
        f"1/3 · {EN[0]}\n\n"
        "Just reply to answer. Sam sees your answers once you've both answered all three."
    )
    assert f"1/3 · {ES[0]}" in sent_to(bot, "b")[-1]
    async with bot.service.db.session() as session:
        days = select(Conversation).order_by(col(Conversation.day))
        kinds = [c.kind for c in (await session.exec(days)).all()]
    assert kinds[-1] == "ritual"
    assert "ritual" not in kinds[:-1]

    bot.channel.clear()
    assert await write(bot, "a", "we cooked together twice") == [
        f"Thank you 💌 Next, 2/3:\n{EN[1]}"
    ]
    assert await write(bot, "b", "la cena del viernes") == [f"Gracias 💌 Ahora, 2/3:\n{ES[1]}"]
    assert await write(bot, "a", "the deadline at work") == [f"Thank you 💌 Next, 3/3:\n{EN[2]}"]
    assert await write(bot, "a", "a slow Saturday morning") == [
        "Thank you 💌 That's all three. They stay sealed until Sam has answered all three too."
    ]
    assert await write(bot, "b", "mi madre estuvo enferma") == [f"Gracias 💌 Ahora, 3/3:\n{ES[2]}"]
    # Not a word of either one's answers has gone to the other yet.
    assert not any("cooked" in t or "deadline" in t for t in sent_to(bot, "b"))
    assert not any("cena" in t or "madre" in t for t in sent_to(bot, "a"))

    assert await write(bot, "b", "un paseo largo juntos") == []  # the reveal comes as a push
    [to_a] = [t for t in sent_to(bot, "a") if t.startswith("🗓 Sam's")]
    assert to_a == (
        "🗓 Sam's weekly check-in:\n\n"
        f"“{EN[0]}”\nla cena del viernes\n\n"
        f"“{EN[1]}”\nmi madre estuvo enferma\n\n"
        f"“{EN[2]}”\nun paseo largo juntos\n\n"
        f"{texts.TOGETHER}"
    )
    [to_b] = [t for t in sent_to(bot, "b") if t.startswith("🗓 La charla semanal de")]
    assert to_b == (
        "🗓 La charla semanal de Alex:\n\n"
        f"“{ES[0]}”\nwe cooked together twice\n\n"
        f"“{ES[1]}”\nthe deadline at work\n\n"
        f"“{ES[2]}”\na slow Saturday morning\n\n"
        f"{words.translate(texts.TOGETHER, 'es')}"
    )
    async with bot.service.db.session() as session:
        days = select(Conversation).order_by(col(Conversation.day))
        conversation = (await session.exec(days)).all()[-1]
        rows = (await session.exec(select(Answer))).all()
    assert conversation.revealed_at is not None
    assert len(rows) == 2  # one on-time answer each, holding all three parts
    assert all(len(ritual.parts_of(row)) == 3 for row in rows)

    # After the reveal a message is kept as a late answer, as for any evening.
    [late] = await write(bot, "a", "and one more thing")
    assert late.startswith("You've both answered tonight's question already")


async def test_the_reminder_goes_to_one_who_has_not_answered_all_three(bot: Harness) -> None:
    await paired(bot)
    await choose_day(bot, "a", "sun")
    await to_sunday_evening(bot)
    await write(bot, "a", "we laughed")  # one of three: not answered yet
    for words_ in ("uno", "dos", "tres"):
        await write(bot, "b", words_)
    bot.channel.clear()
    await bot.advance(timedelta(hours=2))
    assert sent_to(bot, "a") == [texts.REMINDER.format(partner="Sam")]
    assert sent_to(bot, "b") == []


async def test_an_edit_changes_the_part_it_answered_until_the_reveal(bot: Harness) -> None:
    await paired(bot)
    await choose_day(bot, "a", "sun")
    await to_sunday_evening(bot)
    await write(bot, "a", "first", "m1")
    await write(bot, "a", "second", "m2")

    async def edit(ref: str, words_: str) -> list[str]:
        event = Edit(sender=sender("a", "Alex"), message_ref=ref, text=words_)
        return [out.text for out in await bot.send(event)]

    assert await edit("m1", "first, better put") == [
        f"Updated your answer to “{EN[0]}”. Sam will see this one instead."
    ]
    await write(bot, "a", "third", "m3")
    assert await edit("m3", "third, better put") == [
        f"Updated your answer to “{EN[2]}”. Sam will see this one instead."
    ]
    assert await edit("nothing-i-sent", "hm") == []
    # /skip keeps the check-in as it is.
    [kept] = await bot.say("a", "/skip")
    assert kept.text == texts.RITUAL_NO_SKIP
    for words_ in ("uno", "dos", "tres"):
        await write(bot, "b", words_)
    [to_b] = [t for t in sent_to(bot, "b") if t.startswith("🗓 La charla semanal de")]
    assert "first, better put\n\n" in to_b
    assert "second\n\n" in to_b
    assert "third, better put\n\n" in to_b
    assert await edit("m2", "too late") == [texts.EDIT_AFTER_REVEAL]


async def test_a_voice_note_answers_a_part_and_follows_the_reveal(bot: Harness) -> None:
    await paired(bot)
    await choose_day(bot, "a", "sun")
    await to_sunday_evening(bot)
    await write(bot, "a", "good week")
    voice = MediaRef(channel="test", kind="voice", ref="a-voice", caption=None)
    [reply] = await bot.send(Media(sender=sender("a", "Alex"), media=voice))
    assert reply.text == f"Thank you 💌 Next, 3/3:\n{EN[2]}"
    await write(bot, "a", "a walk")
    for words_ in ("uno", "dos"):
        await write(bot, "b", words_)
    bot.channel.clear()
    await write(bot, "b", "tres")
    to_b = [out for out in bot.channel.sent if out.to.chat_id == "b"]
    assert f"“{ES[1]}”\n(una nota de voz, aquí abajo)" in to_b[0].text
    assert to_b[1].media == voice
    assert to_b[2].text == words.translate(texts.TOGETHER, "es")


async def test_words_before_ones_own_evening_answer_the_first_question(bot: Harness) -> None:
    await paired(bot, zone_b="America/New_York")
    await choose_day(bot, "a", "sun")
    await to_sunday_evening(bot)  # 14:31 in New York: Sam's evening has not come yet
    assert f"1/3 · {EN[0]}" in sent_to(bot, "a")[-1]
    [reply] = await write(bot, "b", "todo bien")
    assert reply.startswith(f"Tomé esto como tu respuesta a la pregunta de hoy:\n“{ES[0]}”")
    assert reply.endswith(f"Gracias 💌 Ahora, 2/3:\n{ES[1]}")


async def test_no_check_in_when_it_is_off(bot: Harness) -> None:
    couple_id = await paired(bot)
    await choose_day(bot, "a", "sun")
    bot.channel.clear()
    [off] = await press(bot, "b", f"ritual:off:{couple_id}")
    assert off.text == words.translate(texts.RITUAL_OFF_DONE, "es")
    assert sent_to(bot, "a")[-1] == (
        "Sam turned your weekly check-in off. Every evening brings its usual question."
    )
    assert (await couple(bot)).ritual_day is None
    await to_sunday_evening(bot)
    await bot.advance(timedelta(days=7))
    assert not any(t.startswith("🗓") for t in sent_to(bot, "a"))
    async with bot.service.db.session() as session:
        kinds = {c.kind for c in (await session.exec(select(Conversation))).all()}
    assert "ritual" not in kinds
    # Every evening from Tuesday brought its usual question until seven went unanswered (nobody
    # answers here), then the quieter rhythm: every other evening (#17 item 6).
    assert len(bot.prompts_to("a")) == 10


async def test_export_shows_the_three_questions_with_my_answers_only(bot: Harness) -> None:
    await paired(bot)
    await choose_day(bot, "a", "sun")
    await to_sunday_evening(bot)
    for words_ in ("we laughed", "my back", "a picnic"):
        await write(bot, "a", words_)
    for words_ in ("la cena", "el trabajo", "dormir"):
        await write(bot, "b", words_)

    async def export(who: str) -> dict[str, list[dict[str, Any]]]:
        [out] = [o for o in await bot.say(who, "/export") if o.attachment]
        assert out.attachment is not None
        data: dict[str, list[dict[str, Any]]] = json.loads(out.attachment.data)
        return data

    mine = await export("a")
    [checkin] = [a for a in mine["answers"] if a["day"] == "2026-12-06"]
    assert checkin["question"] == "Our weekly check-in"
    assert checkin["answers"] == [
        {"question": EN[0], "answer": "we laughed", "media": None},
        {"question": EN[1], "answer": "my back", "media": None},
        {"question": EN[2], "answer": "a picnic", "media": None},
    ]
    assert "cena" not in json.dumps(mine)  # Sam's words stay Sam's
    theirs = await export("b")
    [checkin] = [a for a in theirs["answers"] if a["day"] == "2026-12-06"]
    assert checkin["question"] == "Nuestra charla semanal"
    said = [(part["question"], part["answer"]) for part in checkin["answers"]]
    assert said == list(zip(ES, ["la cena", "el trabajo", "dormir"], strict=True))
