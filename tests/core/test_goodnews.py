"""/goodnews: a partner's good news relayed at once with a line on answering it well, the reply
carried back (and not kept), a photo with it, the couple's switch, /progress, /export and
/deletemydata."""

from __future__ import annotations

import json

from sqlmodel import col, select

from bot.core import texts, words
from bot.core.events import ButtonPress, Media, MediaRef, Outgoing
from bot.core.models import Couple, Delivery, GoodNews
from bot.core.tally import collect, summary
from tests.helpers.service import Harness, sender

HINT = "Be glad with them out loud, and ask one question about it."
NAMES = {"a": "Alex", "b": "Sam", "c": "Chris"}


async def paired(bot: Harness) -> None:
    await bot.say("a", "/timezone Europe/Berlin")
    await bot.say("b", "/timezone Europe/Berlin")
    await bot.pair()
    bot.channel.clear()


def to(bot: Harness, who: str) -> list[Outgoing]:
    return [out for out in bot.channel.sent if out.to.chat_id == who]


async def press(bot: Harness, who: str, data: str) -> str:
    replies = await bot.send(ButtonPress(sender=sender(who, NAMES[who]), data=data))
    return "\n".join(out.text for out in replies)


async def photo(bot: Harness, who: str, caption: str | None, ref: str = "chat:7") -> list[Outgoing]:
    media = MediaRef(channel="test", kind="photo", ref=ref, caption=caption)
    return await bot.send(Media(sender=sender(who, NAMES[who]), media=media, message_ref="7"))


async def stored(bot: Harness) -> list[GoodNews]:
    async with bot.service.db.session() as session:
        return list((await session.exec(select(GoodNews).order_by(col(GoodNews.id)))).all())


async def test_good_news_is_relayed_at_once_with_the_hint_and_a_reply_button(
    bot: Harness,
) -> None:
    await paired(bot)
    [sent] = await bot.say("a", "/goodnews I got the job!")
    assert sent.text == "Shared with Sam 🌟"
    [news] = to(bot, "b")
    assert news.text == f"🌟 Alex has good news: I got the job!\n\n{HINT}"
    assert not news.silent  # 17:00 in Berlin
    assert news.media is None
    [[button]] = news.buttons
    assert button.label == "Reply 💬"
    [row] = await stored(bot)
    assert button.data == f"gnreply:{row.id}"
    assert (row.text, row.media, row.replied_at) == ("I got the job!", None, None)


async def test_the_reply_is_carried_back_and_not_kept(bot: Harness) -> None:
    await paired(bot)
    await bot.say("a", "/goodnews I got the job!")
    [button] = to(bot, "b")[0].buttons[0]
    asked = await press(bot, "b", button.data)
    assert asked.startswith("What would you like to tell Alex?")
    [sent] = await bot.say("b", "That's wonderful! When do you start?")
    assert sent.text == "Sent to Alex 💬"
    told = to(bot, "a")[-1]
    assert told.text == "💬 Sam replied to your good news: That's wonderful! When do you start?"
    [row] = await stored(bot)
    assert row.replied_at == bot.clock.now()
    # Relayed, not kept: the good news itself is unchanged, and the next message is an
    # ordinary one again.
    assert row.text == "I got the job!"
    [after] = await bot.say("b", "and one more thing")
    assert after.text != "Sent to Alex 💬"
    assert sum("replied to your good news" in t for t in bot.channel.to("a")) == 1
    # Any number of replies while it is the latest good news; only the receiver may reply.
    assert (await press(bot, "b", button.data)).startswith("What would you like to tell Alex?")
    await bot.say("b", "Proud of you")
    assert to(bot, "a")[-1].text == "💬 Sam replied to your good news: Proud of you"
    assert await press(bot, "a", button.data) == texts.STALE_BUTTON


async def test_a_newer_good_news_retires_the_older_reply_button(bot: Harness) -> None:
    await paired(bot)
    await bot.say("a", "/goodnews first")
    [old] = to(bot, "b")[-1].buttons[0]
    await bot.say("a", "/goodnews second")
    [new] = to(bot, "b")[-1].buttons[0]
    assert await press(bot, "b", old.data) == texts.STALE_BUTTON
    assert (await press(bot, "b", new.data)).startswith("What would you like to tell Alex?")


async def test_a_photo_captioned_goodnews_shares_the_photo_with_the_rest_as_words(
    bot: Harness,
) -> None:
    await paired(bot)
    [sent] = await photo(bot, "a", "/goodnews our first flat!")
    assert sent.text == "Shared with Sam 🌟"
    [news] = to(bot, "b")
    assert news.text == f"🌟 Alex has good news: our first flat!\n\n{HINT}"
    # The photo by reference; its caption ("/goodnews …") is not shown again.
    assert news.media == MediaRef(channel="test", kind="photo", ref="chat:7", caption=None)
    assert news.buttons[0][0].label == "Reply 💬"
    await photo(bot, "a", "/goodnews", ref="chat:8")
    assert to(bot, "b")[-1].text == f"🌟 Alex has good news to show you.\n\n{HINT}"
    first, second = await stored(bot)
    assert (first.text, (first.media or {}).get("kind")) == ("our first flat!", "photo")
    assert (second.text, (second.media or {}).get("ref")) == (None, "chat:8")
    # A photo without the command is not good news (nothing to answer: a kind word).
    await photo(bot, "a", "just a photo", ref="chat:9")
    assert len(await stored(bot)) == 2


async def test_without_words_it_asks_and_takes_the_next_message(bot: Harness) -> None:
    await paired(bot)
    [ask] = await bot.say("a", "/goodnews")
    assert ask.text.startswith("What's the good news?")
    assert "with Sam" in ask.text
    assert to(bot, "b") == []
    [sent] = await bot.say("a", "I passed my driving test")
    assert sent.text == "Shared with Sam 🌟"
    assert to(bot, "b")[0].text.startswith("🌟 Alex has good news: I passed my driving test")
    # Asked again, a photo is welcome too.
    await bot.say("a", "/goodnews")
    await photo(bot, "a", None)
    assert to(bot, "b")[-1].media is not None
    assert len(await stored(bot)) == 2


async def test_unpaired_gets_a_kind_answer(bot: Harness) -> None:
    [answer] = await bot.say("a", "/goodnews I got the job!")
    assert answer.text == texts.CHECKIN_NOT_PAIRED
    [answer] = await photo(bot, "a", "/goodnews a photo")
    assert answer.text == texts.CHECKIN_NOT_PAIRED
    assert await stored(bot) == []


async def test_switched_off_for_the_couple_it_says_so_and_where_to_turn_it_on(
    bot: Harness,
) -> None:
    await paired(bot)
    await bot.say("a", "/goodnews")  # asked for the words, then it is turned off
    async with bot.service.db.session() as session:
        couple = (await session.exec(select(Couple))).one()
        couple.goodnews_on = False
    for said in (
        await bot.say("a", "I got the job!"),
        await bot.say("b", "/goodnews me too"),
        await photo(bot, "a", "/goodnews with a photo"),
    ):
        assert [out.text for out in said] == [texts.GOODNEWS_OFF]
    assert "/settings" in texts.GOODNEWS_OFF
    assert await stored(bot) == []
    assert not any(out.text.startswith("🌟") for out in bot.channel.sent)


async def test_good_news_counts_on_progress_as_a_shared_moment(bot: Harness) -> None:
    await paired(bot)
    await bot.say("a", "/goodnews I got the job!")
    await bot.say("b", "/goodnews the tomatoes are ripe")
    text, _picture = await bot.say("b", "/progress")
    assert "Good news shared: 2 · 2" in text.text
    from bot.core.picture import render

    async with bot.service.db.session() as session:
        progress = await collect(session, 1, zone="Europe/Berlin", now=bot.clock.now())
    assert progress.daily[progress.today] == 2
    assert "2 good news" in render(progress, "Alex & Sam").labels
    assert summary(progress.week) == "2 pieces of good news"


async def test_export_keeps_my_good_news_and_only_that_theirs_came_and_erase_removes_mine(
    bot: Harness,
) -> None:
    await paired(bot)
    await bot.say("a", "/goodnews I got the job!")
    await photo(bot, "a", "/goodnews our first flat!")
    await bot.say("b", "/goodnews the tomatoes are ripe")

    async def export(who: str) -> dict[str, list[dict[str, object]]]:
        [out] = [o for o in await bot.say(who, "/export") if o.attachment]
        assert out.attachment is not None
        data: dict[str, list[dict[str, object]]] = json.loads(out.attachment.data)
        return data

    mine = await export("a")
    assert [(g["words"], g["media"]) for g in mine["good_news_sent"]] == [
        ("I got the job!", None),
        ("our first flat!", "photo"),
    ]
    assert all(g["shared"] for g in mine["good_news_sent"])
    assert len(mine["good_news_received"]) == 1
    assert "tomatoes" not in json.dumps(mine)  # Sam's words stay Sam's

    bot.channel.clear()
    replies = await bot.say("a", "/deletemydata")
    [yes] = replies[0].buttons[0]
    await press(bot, "a", yes.data)
    left = await stored(bot)
    assert [g.text for g in left] == ["the tomatoes are ripe"]
    async with bot.service.db.session() as session:
        payloads = [d.payload for d in (await session.exec(select(Delivery))).all()]
    assert not any("I got the job" in json.dumps(p) for p in payloads)


async def test_a_forged_or_foreign_reply_button_is_stale(bot: Harness) -> None:
    await paired(bot)
    await bot.pair("c", "d")
    await bot.say("a", "/goodnews I got the job!")
    [button] = to(bot, "b")[0].buttons[0]
    for data in ("gnreply:999", "gnreply:abc", "gnreply:", "gnreply:1:2", "gnreply:١"):
        assert await press(bot, "b", data) == texts.STALE_BUTTON, data
    assert await press(bot, "c", button.data) == texts.STALE_BUTTON  # another couple's


async def test_the_receiver_reads_it_in_their_language(bot: Harness) -> None:
    await paired(bot)
    await bot.say("b", "/language es")
    await bot.say("a", "/goodnews I got the job!")
    news = to(bot, "b")[-1]
    said = words.translate(texts.GOODNEWS, "es").format(partner="Alex", words="I got the job!")
    assert said == "🌟 Alex tiene una buena noticia: I got the job!"
    assert news.text == f"{said}\n\n{words.translate(texts.GOODNEWS_HINT, 'es')}"
    assert news.buttons[0][0].label == "Responder 💬"
    asked = await press(bot, "b", news.buttons[0][0].data)
    assert asked == words.translate(texts.GOODNEWS_REPLY_ASK, "es").format(partner="Alex")
    await bot.say("b", "¡Qué alegría!")
    # Alex reads Sam's reply in English, the words as Sam wrote them.
    assert to(bot, "a")[-1].text == "💬 Sam replied to your good news: ¡Qué alegría!"
