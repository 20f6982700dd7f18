"""The Telegram adapter against an offline Bot API: parsing, rendering, buttons, groups, errors."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta

import pytest
from pydantic import SecretStr
from sqlmodel import col, select

from bot.channels.base import PermanentSendError, RejectedSendError, TemporarySendError
from bot.channels.telegram import TelegramChannel, TelegramRunner, build_application
from bot.channels.telegram.handlers import BUTTON_DONE, PRIVATE_ONLY
from bot.clock import MovableClock
from bot.config import Settings
from bot.core import texts, words
from bot.core.events import MediaRef, Outgoing, Recipient, keyboard
from bot.core.models import Answer, Member
from bot.db import Database
from bot.outbox import Outbox
from bot.service import Rekindle
from tests.helpers.service import LIBRARY, START
from tests.helpers.telegram.offline import (
    DATE,
    OfflineRequest,
    callback_update,
    feed,
    message_update,
    user,
)

ALEX, SAM = 101, 202


@dataclass
class Tg:
    request: OfflineRequest
    application: object
    service: Rekindle
    channel: TelegramChannel
    clock: MovableClock

    async def say(self, user_id: int, text: str, **extra: object) -> None:
        name = "Alex" if user_id == ALEX else "Sam"
        await feed(self.application, message_update(user_id, name, text=text, **extra))  # type: ignore[arg-type]
        await self.service.outbox.deliver_due()

    async def send(self, payload: dict[str, object]) -> None:
        await feed(self.application, payload)  # type: ignore[arg-type]
        await self.service.outbox.deliver_due()

    def button_data(self, prefix: str) -> str:
        """The data of the latest button sent whose data starts with `prefix`."""
        return str(
            next(
                b["callback_data"]
                for p in reversed(self.request.sent())
                if "reply_markup" in p
                for row in p["reply_markup"]["inline_keyboard"]
                for b in row
                if b["callback_data"].startswith(prefix)
            )
        )

    def texts_to(self, chat_id: int) -> list[str]:
        return [p["text"] for p in self.request.sent() if int(p["chat_id"]) == chat_id]

    async def pair(self) -> None:
        await self.say(ALEX, "/timezone Europe/Berlin")
        await self.say(SAM, "/timezone Europe/Berlin")
        await self.say(ALEX, "/pair")
        link = next(t for t in self.texts_to(ALEX) if "?start=" in t)
        code = link.rsplit("?start=", 1)[1].strip()
        await self.say(SAM, f"/start {code}")


@pytest.fixture
async def tg(sqlite_url: str) -> AsyncIterator[Tg]:
    request = OfflineRequest()
    settings = Settings(bot_token=SecretStr("123:abc"), _env_file=None)
    application = build_application(settings, request=request)
    clock = MovableClock(START)
    db = Database(sqlite_url)
    await db.migrate()
    channel = TelegramChannel(application.bot)
    service = Rekindle(
        db=db, clock=clock, content=LIBRARY, outbox=Outbox(db, clock, {"telegram": channel})
    )
    TelegramRunner(settings, application, service, lambda: None)
    await application.initialize()
    try:
        yield Tg(request, application, service, channel, clock)
    finally:
        await application.shutdown()
        await db.dispose()


async def test_start_replies_in_html_with_a_zone_picker(tg: Tg) -> None:
    await tg.say(ALEX, "/start")
    [reply] = tg.request.sent()
    assert reply["parse_mode"] == "HTML"
    assert reply["text"].startswith("Hi Alex")
    buttons = [b["callback_data"] for row in reply["reply_markup"]["inline_keyboard"] for b in row]
    assert "tz:Europe/Berlin" in buttons


async def test_pair_shows_a_deep_link_and_the_link_pairs_at_once(tg: Tg) -> None:
    await tg.pair()
    assert any("https://t.me/rekindle_test_bot?start=" in t for t in tg.texts_to(ALEX))
    assert any("You're now paired with Alex" in t for t in tg.texts_to(SAM))
    assert any("You're now paired with Sam" in t for t in tg.texts_to(ALEX))


async def test_partners_words_are_escaped_exactly(tg: Tg) -> None:
    await tg.pair()
    await tg.say(ALEX, "/checkin")
    await tg.say(ALEX, "<b>hi</b> & <script>")
    await tg.say(SAM, "ok")
    [reveal] = [t for t in tg.texts_to(SAM) if "Alex's answer" in t]
    assert "&lt;b&gt;hi&lt;/b&gt; &amp; &lt;script&gt;" in reveal
    assert "<b>" not in reveal


async def test_long_messages_are_split_at_line_breaks_with_buttons_on_the_last(tg: Tg) -> None:
    text = "\n".join(f"line {i} " + "x" * 90 for i in range(100))  # ~9,700 characters
    out = Outgoing(
        to=Recipient(member_id=1, channel="telegram", chat_id=str(ALEX)),
        text=text,
        buttons=keyboard([("OK", "ok")]),
    )
    await tg.channel.send(out)
    pieces = tg.request.sent()
    assert len(pieces) == 3
    assert all(len(p["text"]) <= 4096 for p in pieces)
    assert all(p["text"].endswith("x") for p in pieces)  # cut between lines, not inside one
    assert "reply_markup" not in pieces[0]
    assert "reply_markup" in pieces[-1]
    assert "".join(p["text"] for p in pieces).count("line ") == 100


async def test_a_button_is_answered_edited_away_and_acted_on(tg: Tg) -> None:
    await tg.pair()
    await tg.say(ALEX, "/unpair")
    data = tg.button_data("unpair:yes")
    await tg.send(callback_update(ALEX, "Alex", data, message_id=77))
    assert tg.request.sent("answerCallbackQuery")
    [edit] = tg.request.sent("editMessageReplyMarkup")
    assert edit["message_id"] == 77
    assert any("ended your pairing" in t for t in tg.texts_to(SAM))


async def test_a_forged_button_gets_a_short_answer(tg: Tg) -> None:
    await tg.send(callback_update(ALEX, "Alex", "unpair:yes:424242"))
    assert tg.texts_to(ALEX) == ["That button has expired. /help shows what you can do now."]


async def test_in_a_group_the_bot_says_it_works_privately_and_leaves(tg: Tg) -> None:
    payload = message_update(ALEX, "Alex", text="hello")
    payload["message"]["chat"] = {"id": -555, "type": "group", "title": "Friends"}
    await tg.send(payload)
    assert tg.texts_to(-555) == [PRIVATE_ONLY]
    assert tg.request.sent("leaveChat") == [{"chat_id": -555}]


async def test_added_to_a_group_the_bot_leaves(tg: Tg) -> None:
    await tg.send(
        {
            "update_id": 9001,
            "my_chat_member": {
                "chat": {"id": -777, "type": "supergroup", "title": "Team"},
                "from": {"id": ALEX, "is_bot": False, "first_name": "Alex"},
                "date": 1,
                "old_chat_member": {
                    "user": {"id": 999, "is_bot": True, "first_name": "R"},
                    "status": "left",
                },
                "new_chat_member": {
                    "user": {"id": 999, "is_bot": True, "first_name": "R"},
                    "status": "member",
                },
            },
        }
    )
    assert tg.request.sent("leaveChat") == [{"chat_id": -777}]


async def test_blocking_the_bot_marks_the_member_unreachable_and_tells_the_partner(tg: Tg) -> None:
    await tg.pair()
    await tg.send(
        {
            "update_id": 9002,
            "my_chat_member": {
                "chat": {"id": SAM, "type": "private", "first_name": "Sam"},
                "from": {"id": SAM, "is_bot": False, "first_name": "Sam"},
                "date": 1,
                "old_chat_member": {
                    "user": {"id": 999, "is_bot": True, "first_name": "R"},
                    "status": "member",
                },
                "new_chat_member": {
                    "user": {"id": 999, "is_bot": True, "first_name": "R"},
                    "status": "kicked",
                    "until_date": 0,
                },
            },
        }
    )
    async with tg.service.db.session() as session:
        sam = (await session.exec(select(Member).where(Member.user_id == str(SAM)))).one()
    assert sam.unreachable_at is not None
    assert any("can't reach Sam" in t for t in tg.texts_to(ALEX))


async def test_other_kinds_of_message_get_a_kind_reply(tg: Tg) -> None:
    await tg.say(ALEX, None, location={"latitude": 52.5, "longitude": 13.4})  # type: ignore[arg-type]
    assert "I can't do anything with a location" in tg.texts_to(ALEX)[0]


async def test_a_voice_note_answer_is_revealed_with_copy_message(tg: Tg) -> None:
    await tg.pair()
    await tg.say(ALEX, "/checkin")
    payload = message_update(
        ALEX, "Alex", voice={"file_id": "v1", "file_unique_id": "u1", "duration": 3}
    )
    voice_message_id = payload["message"]["message_id"]
    await tg.send(payload)
    await tg.say(SAM, "words")
    [copy] = tg.request.sent("copyMessage")
    assert copy["chat_id"] == SAM
    assert copy["from_chat_id"] == ALEX
    assert copy["message_id"] == voice_message_id
    assert any("answered" in t and "voice note" in t for t in tg.texts_to(SAM))


@pytest.mark.parametrize(
    ("code", "description", "parameters", "error"),
    [
        (429, "Too Many Requests: retry after 7", {"retry_after": 7}, TemporarySendError),
        (403, "Forbidden: bot was blocked by the user", {}, PermanentSendError),
        (400, "Bad Request: chat not found", {}, PermanentSendError),
        (400, "Bad Request: message text is empty", {}, RejectedSendError),
        (502, "Bad Gateway", {}, TemporarySendError),
    ],
)
async def test_send_errors_are_sorted_for_the_outbox(
    tg: Tg, code: int, description: str, parameters: dict[str, int], error: type[Exception]
) -> None:
    tg.request.fail("sendMessage", code, description, **parameters)
    out = Outgoing(to=Recipient(member_id=1, channel="telegram", chat_id=str(ALEX)), text="hi")
    with pytest.raises(error) as caught:
        await tg.channel.send(out)
    if code == 429:
        assert caught.value.retry_after == 7  # type: ignore[attr-defined]


def edited(user_id: int, name: str, message_id: int, text: str) -> dict[str, object]:
    """Telegram's update for an edit of the message `message_id` (its new text)."""
    update = message_update(user_id, name, text=text, message_id=message_id, edit_date=DATE + 60)
    update["edited_message"] = update.pop("message")
    return update


async def stored_answers(tg: Tg) -> list[str | None]:
    async with tg.service.db.session() as session:
        return list((await session.exec(select(Answer.text).order_by(col(Answer.id)))).all())


async def test_an_edited_answer_replaces_the_sealed_one(tg: Tg) -> None:
    await tg.pair()
    await tg.say(ALEX, "/checkin")
    await tg.say(ALEX, "first", message_id=501)
    await tg.send(edited(ALEX, "Alex", 501, "second thoughts"))
    assert tg.texts_to(ALEX)[-1] == "Updated. Sam will see this answer instead."
    await tg.say(SAM, "mine")
    [reveal] = [t for t in tg.texts_to(SAM) if "Alex's answer" in t]
    assert "second thoughts" in reveal
    tg.clock.advance(timedelta(seconds=1))


async def test_an_edited_appreciate_command_does_not_replace_the_answer(tg: Tg) -> None:
    await tg.pair()
    await tg.say(ALEX, "/checkin")
    await tg.say(ALEX, "my real answer", message_id=601)
    await tg.say(ALEX, "/appreciate you make me laugh", message_id=602)
    await tg.send(edited(ALEX, "Alex", 602, "/appreciate you make me laugh every day"))
    assert "edited commands" in tg.texts_to(ALEX)[-1]
    assert await stored_answers(tg) == ["my real answer"]
    await tg.say(SAM, "mine")
    [reveal] = [t for t in tg.texts_to(SAM) if "Alex's answer" in t]
    assert "my real answer" in reveal
    assert not any("every day" in t for t in tg.texts_to(SAM))


async def test_editing_an_older_message_does_not_replace_the_answer(tg: Tg) -> None:
    await tg.pair()
    await tg.say(ALEX, "/checkin")
    await tg.say(ALEX, "first try", message_id=701)
    await tg.say(ALEX, "what I mean", message_id=702)
    before = len(tg.texts_to(ALEX))
    await tg.send(edited(ALEX, "Alex", 701, "first try, edited"))
    assert len(tg.texts_to(ALEX)) == before  # nothing to say: that message is no answer now
    assert await stored_answers(tg) == ["what I mean"]
    await tg.say(SAM, "mine")
    [reveal] = [t for t in tg.texts_to(SAM) if "Alex's answer" in t]
    assert "what I mean" in reveal


async def test_an_edit_after_the_reveal_gets_a_kind_note_and_changes_nothing(tg: Tg) -> None:
    await tg.pair()
    await tg.say(ALEX, "/checkin")
    await tg.say(ALEX, "as it was", message_id=801)
    await tg.say(SAM, "mine")
    to_sam = len(tg.texts_to(SAM))
    await tg.send(edited(ALEX, "Alex", 801, "as I wish it had been"))
    assert tg.texts_to(ALEX)[-1].startswith("Edits after the reveal don't change")
    assert await stored_answers(tg) == ["as it was", "mine"]
    assert len(tg.texts_to(SAM)) == to_sam


async def test_progress_is_sent_as_a_photo(tg: Tg) -> None:
    await tg.pair()
    await tg.say(ALEX, "/progress")
    [photo] = tg.request.sent("sendPhoto")
    assert photo["chat_id"] == ALEX
    assert "12 weeks" in photo["caption"]


async def test_a_press_counts_even_when_telegram_refuses_the_acknowledgement(tg: Tg) -> None:
    await tg.pair()
    await tg.say(ALEX, "/unpair")
    data = tg.button_data("unpair:yes")
    tg.request.fail("answerCallbackQuery", 400, "Bad Request: query is too old")
    await tg.send(callback_update(ALEX, "Alex", data, message_id=77))
    assert any("ended your pairing" in t for t in tg.texts_to(SAM))
    assert not any("went wrong" in t for t in tg.texts_to(ALEX))


async def test_the_inviter_sees_the_joiners_username_and_can_undo_the_pairing(tg: Tg) -> None:
    await tg.say(ALEX, "/pair")
    link = next(t for t in tg.texts_to(ALEX) if "?start=" in t)
    code = link.rsplit("?start=", 1)[1].strip()
    joiner = {**user(SAM, "Sam"), "username": "sam_for_real"}
    await tg.send(message_update(SAM, "Sam", text=f"/start {code}", **{"from": joiner}))
    [paired] = [p for p in tg.request.sent() if "paired with Sam" in p["text"]]
    assert int(paired["chat_id"]) == ALEX
    assert "paired with Sam (@sam_for_real)" in paired["text"]
    [[button]] = paired["reply_markup"]["inline_keyboard"]
    assert button["text"] == "That's not my partner"
    await tg.send(callback_update(ALEX, "Alex", button["callback_data"]))
    assert any("undone by the person who made the invite" in t for t in tg.texts_to(SAM))
    async with tg.service.db.session() as session:
        members = (await session.exec(select(Member))).all()
    assert [m.couple_id for m in members] == [None, None]


# The few words the channel adds itself, in the reader's language ----------------------------


def in_language(payload: dict[str, object], code: str) -> dict[str, object]:
    """The update as sent by a Telegram app set to the language `code`."""
    body = payload.get("message") or payload["callback_query"]
    body["from"]["language_code"] = code  # type: ignore[index]
    return payload


async def test_in_a_group_the_bot_says_so_in_the_users_language(tg: Tg) -> None:
    payload = message_update(ALEX, "Alex", text="hola")
    payload["message"]["chat"] = {"id": -556, "type": "group", "title": "Amigos"}
    await tg.send(in_language(payload, "es-419"))
    spanish = words.translate(PRIVATE_ONLY, "es")
    assert spanish != PRIVATE_ONLY
    assert tg.texts_to(-556) == [spanish]


async def test_a_button_is_acknowledged_in_the_users_language(tg: Tg) -> None:
    await tg.send(in_language(callback_update(ALEX, "Alex", "lang:ru"), "ru"))
    [answer] = tg.request.sent("answerCallbackQuery")
    assert answer["text"] == words.translate(BUTTON_DONE, "ru") != BUTTON_DONE


async def test_an_odd_message_is_named_in_the_readers_language(tg: Tg) -> None:
    location = {"latitude": 52.5, "longitude": 13.4}
    await tg.send(in_language(message_update(ALEX, "Alex", location=location), "es"))
    [reply] = tg.texts_to(ALEX)
    named = words.say("UNSUPPORTED_NAMES.location", "es")
    assert reply == words.say("UNSUPPORTED", "es", what=named)


async def test_the_invite_link_is_introduced_in_the_readers_language(tg: Tg) -> None:
    await tg.say(ALEX, "/language es")
    await tg.say(ALEX, "/pair")
    invite = next(t for t in tg.texts_to(ALEX) if "?start=" in t)
    link = invite.rsplit("\n", 1)[1]
    assert words.translate(texts.INVITE_LINK, "es").format(link=link) in invite


async def test_media_from_another_app_is_described_in_the_readers_language(tg: Tg) -> None:
    out = Outgoing(
        to=Recipient(member_id=1, channel="telegram", chat_id=str(ALEX)),
        text="Sam:",
        media=MediaRef(channel="discord", kind="voice", ref="kept-on-discord"),
        lang="ru",
    )
    await tg.channel.send(out)
    [_, note] = tg.texts_to(ALEX)
    what = words.say("MEDIA_NAMES.voice", "ru")
    assert note == words.translate(texts.MEDIA_ACROSS, "ru").format(what=what, app="Discord")
    assert what != texts.MEDIA_NAMES["voice"]


async def test_story_is_sent_as_a_pdf_document(tg: Tg) -> None:
    await tg.pair()
    await tg.say(ALEX, "/checkin")
    await tg.say(ALEX, "a walk after work")
    await tg.say(SAM, "soup that fixed everything")
    await tg.say(ALEX, "/story")
    [book] = tg.request.sent("sendDocument")
    assert book["chat_id"] == ALEX
