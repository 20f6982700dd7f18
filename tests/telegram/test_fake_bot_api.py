"""FakeBotApi driven by the real python-telegram-bot 22 client."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dtm
import json
import time
from collections.abc import AsyncIterator

import httpx
import pytest
from telegram import Bot as PtbBot
from telegram import (
    BotCommand,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    MessageEntity,
    MessageId,
    Update,
)
from telegram.constants import ParseMode
from telegram.error import (
    BadRequest,
    Conflict,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TimedOut,
)
from telegram.ext import ApplicationBuilder, CommandHandler, ContextTypes
from tornado.httpserver import HTTPServer
from tornado.netutil import bind_sockets
from tornado.web import Application, RequestHandler

from tests.helpers.telegram.fake_bot_api import FakeBotApi

TOKEN = "123:abc"
ALEX, SAM = 42, 43
KEYBOARD = InlineKeyboardMarkup(
    [
        [
            InlineKeyboardButton("Yes", callback_data="yes"),
            InlineKeyboardButton("No", callback_data="no"),
        ]
    ]
)


@pytest.fixture(autouse=True)
def _ptb_timedelta(monkeypatch: pytest.MonkeyPatch) -> None:
    # PTB 22.8 warns (PTBDeprecationWarning) when building RetryAfter unless opted in; with
    # filterwarnings=error the warning would replace the RetryAfter exception.
    monkeypatch.setenv("PTB_TIMEDELTA", "true")


@pytest.fixture
async def api() -> AsyncIterator[FakeBotApi]:
    fake = FakeBotApi(token=TOKEN, bot_username="rekindle_test_bot")
    await fake.start()
    fake.user(ALEX, "Alex")
    fake.user(SAM, "Sam", language_code="de", username="sam")
    try:
        yield fake
    finally:
        await fake.stop()
    assert fake.errors == []
    leftover = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
    assert leftover == []


@pytest.fixture
async def bot(api: FakeBotApi) -> AsyncIterator[PtbBot]:
    async with PtbBot(TOKEN, base_url=api.base_url) as ptb_bot:
        yield ptb_bot


async def test_get_me_is_parsed(api: FakeBotApi, bot: PtbBot) -> None:
    assert bot.username == "rekindle_test_bot"
    assert bot.id == 123
    me = await bot.get_me()
    assert me.is_bot
    assert me.can_join_groups is True
    assert me.first_name == "Rekindle"
    assert api.calls[0][0] == "getMe"


async def test_wrong_token_and_unknown_method(api: FakeBotApi) -> None:
    with pytest.raises(InvalidToken):
        async with PtbBot("999:nope", base_url=api.base_url):
            pass
    async with httpx.AsyncClient() as client:
        wrong = await client.post(f"{api.base_url}999:nope/getMe")
        unknown = await client.post(f"{api.base_url}{TOKEN}/sendTelepathy")
        via_get = await client.get(f"{api.base_url}{TOKEN}/getMe")
        as_json = await client.post(
            f"{api.base_url}{TOKEN}/sendMessage",
            json={
                "chat_id": ALEX,
                "text": "json body",
                "reply_markup": json.dumps(KEYBOARD.to_dict()),
            },
        )
    assert wrong.status_code == 401
    assert wrong.json() == {"ok": False, "error_code": 401, "description": "Unauthorized"}
    assert unknown.status_code == 404
    assert unknown.json()["ok"] is False
    assert via_get.json()["result"]["username"] == "rekindle_test_bot"
    assert as_json.json()["ok"] is True
    assert api.messages(ALEX)[0]["reply_markup"] == KEYBOARD.to_dict()


async def test_send_message_html_keyboard(api: FakeBotApi, bot: PtbBot) -> None:
    sent = await bot.send_message(
        ALEX,
        "<b>Hi</b> Alex &amp; Sam",
        parse_mode=ParseMode.HTML,
        reply_markup=KEYBOARD,
        disable_notification=True,
    )
    assert isinstance(sent, Message)
    assert sent.message_id == 1
    assert sent.chat.id == ALEX
    assert sent.chat.type == "private"
    assert sent.from_user is not None
    assert sent.from_user.is_bot
    assert abs(sent.date.timestamp() - time.time()) < 5  # seconds, not milliseconds
    assert sent.text == "Hi Alex & Sam"
    assert sent.entities == (MessageEntity(MessageEntity.BOLD, 0, 2),)
    assert sent.reply_markup == KEYBOARD

    [stored] = api.messages(ALEX)
    assert stored["text"] == "<b>Hi</b> Alex &amp; Sam"
    assert stored["parse_mode"] == "HTML"
    assert stored["reply_markup"] == KEYBOARD.to_dict()
    assert stored["disable_notification"] is True
    assert stored["kind"] == "text"
    assert api.texts(ALEX) == ["<b>Hi</b> Alex &amp; Sam"]
    assert api.texts(ALEX, rendered=True) == ["Hi Alex & Sam"]

    second = await bot.send_message(ALEX, "again", reply_to_message_id=sent.message_id)
    assert second.message_id == 2
    assert second.reply_to_message is not None
    assert second.reply_to_message.message_id == 1


async def test_bad_requests_like_telegram(api: FakeBotApi, bot: PtbBot) -> None:
    with pytest.raises(BadRequest, match=r"(?i)can't parse entities"):
        await bot.send_message(ALEX, "line<br>break", parse_mode=ParseMode.HTML)
    with pytest.raises(BadRequest, match=r"(?i)can't parse entities"):
        await bot.send_message(ALEX, "I <3 you", parse_mode=ParseMode.HTML)
    with pytest.raises(BadRequest, match=r"(?i)can't parse entities"):
        await bot.send_message(ALEX, "<b>open", parse_mode=ParseMode.HTML)
    with pytest.raises(BadRequest, match=r"(?i)chat not found"):
        await bot.send_message(999, "who?")
    with pytest.raises(BadRequest, match=r"(?i)BUTTON_DATA_INVALID"):
        await bot.send_message(
            ALEX,
            "x",
            reply_markup=InlineKeyboardMarkup(
                [[InlineKeyboardButton("a", callback_data="d" * 65)]]
            ),
        )
    with pytest.raises(BadRequest, match=r"(?i)message to be replied not found"):
        await bot.send_message(ALEX, "x", reply_to_message_id=77)
    assert api.messages(ALEX) == []


async def test_edit_text_and_remove_markup(api: FakeBotApi, bot: PtbBot) -> None:
    sent = await bot.send_message(ALEX, "Pick one", reply_markup=KEYBOARD)

    edited = await bot.edit_message_text("Picked", chat_id=ALEX, message_id=sent.message_id)
    assert isinstance(edited, Message)
    assert edited.text == "Picked"
    assert edited.edit_date is not None
    assert edited.reply_markup is None  # Telegram drops the keyboard unless it is passed again
    assert api.messages(ALEX)[0]["reply_markup"] is None

    with pytest.raises(BadRequest, match=r"(?i)message is not modified"):
        await bot.edit_message_text("Picked", chat_id=ALEX, message_id=sent.message_id)

    again = await bot.edit_message_reply_markup(ALEX, sent.message_id, reply_markup=KEYBOARD)
    assert isinstance(again, Message)
    assert again.reply_markup == KEYBOARD
    removed = await bot.edit_message_reply_markup(ALEX, sent.message_id)
    assert isinstance(removed, Message)
    assert removed.reply_markup is None

    [stored] = api.messages(ALEX)
    assert stored["text"] == "Picked"
    assert stored["reply_markup"] is None
    assert [edit["method"] for edit in stored["edited"]] == [
        "editMessageText",
        "editMessageReplyMarkup",
        "editMessageReplyMarkup",
    ]
    assert stored["edited"][0]["before"]["text"] == "Pick one"
    with pytest.raises(BadRequest, match=r"(?i)message to edit not found"):
        await bot.edit_message_text("x", chat_id=ALEX, message_id=99)


async def test_pin_unpin_and_a_message_the_user_deleted(api: FakeBotApi, bot: PtbBot) -> None:
    first = await bot.send_message(ALEX, "Day 1", disable_notification=True)
    assert await bot.pin_chat_message(ALEX, first.message_id, disable_notification=True)
    assert api.pinned[ALEX] == [first.message_id]
    [notice] = api.pin_notices
    assert notice["pinned_message_id"] == first.message_id
    assert notice["disable_notification"] is True
    assert notice["message_id"] == first.message_id + 1  # a service message takes an id
    assert api.messages(ALEX)[0]["disable_notification"] is True
    second = await bot.send_message(ALEX, "note")
    await bot.pin_chat_message(ALEX, second.message_id)
    assert api.pinned[ALEX] == [first.message_id, second.message_id]
    assert api.pin_notices[-1]["disable_notification"] is False
    assert await bot.unpin_chat_message(ALEX)  # the most recent pin
    assert api.pinned[ALEX] == [first.message_id]
    with pytest.raises(BadRequest, match=r"(?i)message to unpin not found"):
        await bot.unpin_chat_message(ALEX, message_id=second.message_id)
    api.delete(ALEX, first.message_id)  # the user deletes the pinned message
    assert api.pinned[ALEX] == []
    with pytest.raises(BadRequest, match=r"(?i)message to edit not found"):
        await bot.edit_message_text("Day 2", chat_id=ALEX, message_id=first.message_id)
    with pytest.raises(BadRequest, match=r"(?i)message to pin not found"):
        await bot.pin_chat_message(ALEX, first.message_id)
    with pytest.raises(BadRequest, match=r"(?i)message to unpin not found"):
        await bot.unpin_chat_message(ALEX)
    await bot.pin_chat_message(ALEX, second.message_id)
    api.unpin(ALEX, second.message_id)  # the user unpins it: Telegram tells the bot nothing
    assert api.pinned[ALEX] == []
    assert api.pending_updates == []


async def test_press_and_answer_callback(api: FakeBotApi, bot: PtbBot) -> None:
    sent = await bot.send_message(ALEX, "Ready?", reply_markup=KEYBOARD)
    raw = api.press(ALEX, sent.message_id, "yes")
    [update] = await bot.get_updates()
    assert update.update_id == raw["update_id"]
    query = update.callback_query
    assert query is not None
    assert query.data == "yes"
    assert query.chat_instance
    assert query.from_user.id == ALEX
    assert isinstance(query.message, Message)
    assert query.message.message_id == sent.message_id
    assert query.message.reply_markup == KEYBOARD

    assert await query.answer("Saved") is True
    assert api.callback_answers == [{"callback_query_id": query.id, "text": "Saved"}]
    with pytest.raises(BadRequest, match=r"(?i)query is too old"):
        await bot.answer_callback_query(query.id)
    with pytest.raises(ValueError, match="no button"):
        api.press(ALEX, sent.message_id, "maybe")


async def test_set_my_commands(api: FakeBotApi, bot: PtbBot) -> None:
    commands = [BotCommand("start", "Begin"), BotCommand("pair", "Pair with your partner")]
    assert await bot.set_my_commands(commands) is True
    assert api.commands == [
        {"command": "start", "description": "Begin"},
        {"command": "pair", "description": "Pair with your partner"},
    ]
    assert tuple(await bot.get_my_commands()) == tuple(commands)
    with pytest.raises(BadRequest, match=r"(?i)BOT_COMMAND_INVALID"):
        await bot.set_my_commands([BotCommand("Start Now", "bad")])


async def test_set_my_commands_per_language_keeps_the_default_menu(
    api: FakeBotApi, bot: PtbBot
) -> None:
    await bot.set_my_commands([BotCommand("start", "Begin")])
    assert await bot.set_my_commands([BotCommand("start", "Empezar")], language_code="es") is True
    assert api.commands == [{"command": "start", "description": "Begin"}]  # the default menu
    assert api.commands_by_scope['{"type": "default"}', "es"] == [
        {"command": "start", "description": "Empezar"}
    ]
    assert tuple(await bot.get_my_commands(language_code="es")) == (BotCommand("start", "Empezar"),)
    with pytest.raises(BadRequest, match=r"(?i)language code"):
        await bot.set_my_commands([BotCommand("start", "Begin")], language_code="es-419")


async def test_copy_message_of_a_voice_note(api: FakeBotApi, bot: PtbBot) -> None:
    voice = api.send_voice(ALEX)
    result = await bot.copy_message(
        SAM, from_chat_id=ALEX, message_id=voice["message"]["message_id"]
    )
    assert isinstance(result, MessageId)
    assert result.message_id == 1  # per-chat ids: Sam's chat had no messages yet

    [copy] = api.messages(SAM)
    assert copy["kind"] == "copy"
    assert copy["from_chat_id"] == ALEX
    assert copy["source_message_id"] == voice["message"]["message_id"]
    assert copy["source_kind"] == "voice"
    assert copy["file"] == {"file_id": voice["message"]["voice"]["file_id"]}
    assert copy["message"]["voice"]["file_id"] == voice["message"]["voice"]["file_id"]
    with pytest.raises(BadRequest, match=r"(?i)message to copy not found"):
        await bot.copy_message(SAM, from_chat_id=ALEX, message_id=999)


async def test_send_photo_and_document_uploads(api: FakeBotApi, bot: PtbBot) -> None:
    png = b"\x89PNG\r\n\x1a\n" + bytes(100)
    photo = await bot.send_photo(
        ALEX, photo=png, caption="<i>us</i>", parse_mode="HTML", filename="us.png"
    )
    assert photo.photo
    assert photo.caption == "us"
    doc = await bot.send_document(ALEX, document=b"hello", filename="notes.txt")
    assert doc.document is not None
    assert doc.document.file_name == "notes.txt"
    sticker = await bot.send_sticker(ALEX, sticker="CAACAgIAAxkBAAE")
    assert sticker.sticker is not None

    first, second, third = api.messages(ALEX)
    assert first["kind"] == "photo"
    assert first["file"]["filename"] == "us.png"
    assert first["file"]["size"] == len(png)
    assert first["caption"] == "<i>us</i>"
    assert second["kind"] == "document"
    assert second["file"] == {"filename": "notes.txt", "size": 5, "content_type": "text/plain"}
    assert third["file"] == {"file_id": "CAACAgIAAxkBAAE"}
    assert api.texts(ALEX) == ["<i>us</i>", "", ""]


async def test_get_file_and_download_a_users_photo(api: FakeBotApi) -> None:
    update = api.send_photo(ALEX, data=b"the photo")
    small, large = update["message"]["photo"]
    async with PtbBot(TOKEN, base_url=api.base_url, base_file_url=api.base_file_url) as bot:
        found = await bot.get_file(large["file_id"])
        assert found.file_size == len(b"the photo")
        assert found.file_path == f"{api.base_file_url}{TOKEN}/photos/file_0.jpg"
        assert await found.download_as_bytearray() == b"the photo"
        thumbnail = await bot.get_file(small["file_id"])  # made-up bytes, but there
        assert await thumbnail.download_as_bytearray()
        with pytest.raises(BadRequest, match="Invalid file_id"):
            await bot.get_file("never-issued")
        api.forget_file(large["file_id"])
        with pytest.raises(InvalidToken, match="Not Found"):  # what PTB makes of a 404
            await found.download_as_bytearray()
    assert api.downloads == ["photos/file_0.jpg", "photos/file_1.jpg", "photos/file_0.jpg"]


async def test_groups_and_leave_chat(api: FakeBotApi, bot: PtbBot) -> None:
    api.added_to_group(-100123, ALEX, title="Us")
    api.group_message(-100123, ALEX, "/start@rekindle_test_bot now")
    added, message = await bot.get_updates()
    assert added.my_chat_member is not None
    assert added.my_chat_member.new_chat_member.status == "member"
    assert message.message is not None
    assert message.message.chat.type == "supergroup"
    assert message.message.entities == (MessageEntity("bot_command", 0, 24),)

    await bot.send_message(-100123, "hello group")
    assert await bot.leave_chat(-100123) is True
    assert api.left_chats == {-100123}
    with pytest.raises(Forbidden):
        await bot.send_message(-100123, "still here?")
    assert api.texts(-100123) == ["hello group"]


async def test_simulated_updates_parse_in_ptb(api: FakeBotApi, bot: PtbBot) -> None:
    start = api.send_text(ALEX, "/start")
    assert start["message"]["entities"] == [{"type": "bot_command", "offset": 0, "length": 6}]
    api.send_voice(ALEX)
    api.send_photo(ALEX, caption="look")
    api.send_video_note(ALEX)
    api.send_sticker(ALEX)
    api.send_location(ALEX)
    api.send_contact(ALEX)
    api.send_poll(ALEX)
    api.edit_text(ALEX, start["message"]["message_id"], "/start again")
    api.send_text(ALEX, "replying", reply_to_message_id=start["message"]["message_id"])
    api.blocked_by(SAM)
    updates = await bot.get_updates()
    assert len(updates) == 11
    messages = [u.message for u in updates[:8]]
    assert all(m is not None for m in messages)
    m = [msg for msg in messages if msg is not None]
    assert m[0].text == "/start"
    assert m[1].voice is not None
    assert m[2].photo
    assert m[2].caption == "look"
    assert m[3].video_note is not None
    assert m[4].sticker is not None
    assert m[5].location is not None
    assert m[6].contact is not None
    assert m[7].poll is not None
    assert updates[8].edited_message is not None
    assert updates[8].edited_message.text == "/start again"
    assert updates[9].message is not None
    assert updates[9].message.reply_to_message is not None
    blocked = updates[10].my_chat_member
    assert blocked is not None
    assert blocked.new_chat_member.status == "kicked"
    assert blocked.old_chat_member.status == "member"
    with pytest.raises(Forbidden, match="blocked by the user"):
        await bot.send_message(SAM, "hello?")
    ids = [u.update_id for u in updates]
    assert ids == sorted(ids)
    assert len(set(ids)) == len(ids)


async def test_get_updates_offset_and_limit(api: FakeBotApi, bot: PtbBot) -> None:
    for word in ("one", "two", "three"):
        api.send_text(ALEX, word)
    updates = await bot.get_updates(timeout=0)
    assert [u.message.text for u in updates if u.message] == ["one", "two", "three"]
    again = await bot.get_updates(timeout=0)  # nothing confirmed yet
    assert [u.update_id for u in again] == [u.update_id for u in updates]

    rest = await bot.get_updates(offset=updates[1].update_id, timeout=0)
    assert [u.update_id for u in rest] == [u.update_id for u in updates[1:]]
    assert len(api.pending_updates) == 2
    limited = await bot.get_updates(limit=1, timeout=0)
    assert [u.update_id for u in limited] == [updates[1].update_id]

    assert await bot.get_updates(offset=updates[2].update_id + 1, timeout=0) == ()
    assert api.pending_updates == []


async def test_get_updates_long_poll(api: FakeBotApi, bot: PtbBot) -> None:
    began = time.monotonic()
    assert await bot.get_updates(timeout=dtm.timedelta(seconds=0.3)) == ()
    assert 0.25 <= time.monotonic() - began < 2

    began = time.monotonic()
    poll = asyncio.create_task(bot.get_updates(timeout=5))
    await asyncio.sleep(0.1)
    api.send_text(ALEX, "wake up")
    updates = await poll
    assert time.monotonic() - began < 2
    assert [u.message.text for u in updates if u.message] == ["wake up"]

    first = asyncio.create_task(bot.get_updates(offset=updates[0].update_id + 1, timeout=5))
    await api.wait_for(lambda: len(api.calls_to("getUpdates")) == 3)
    async with PtbBot(TOKEN, base_url=api.base_url) as second_instance:
        assert await second_instance.get_updates(timeout=0) == ()  # a second poller...
    with pytest.raises(Conflict, match="terminated by other getUpdates"):
        await first  # ...ends the first one, as Telegram does


async def test_stop_answers_a_pending_long_poll(api: FakeBotApi, bot: PtbBot) -> None:
    poll = asyncio.create_task(bot.get_updates(timeout=30))
    await api.wait_for(lambda: len(api.calls_to("getUpdates")) == 1)
    began = time.monotonic()
    await api.stop()
    assert await poll == ()
    assert time.monotonic() - began < 2


async def test_fault_429_raises_retry_after(api: FakeBotApi, bot: PtbBot) -> None:
    api.fail("sendMessage", "429", retry_after=2)
    with pytest.raises(RetryAfter) as caught:
        await bot.send_message(ALEX, "hi")
    assert caught.value.retry_after == dtm.timedelta(seconds=2)
    assert api.messages(ALEX) == []
    await bot.send_message(ALEX, "hi")
    assert api.texts(ALEX) == ["hi"]
    assert api.faults_injected == 1


async def test_fault_500_raises_network_error(api: FakeBotApi, bot: PtbBot) -> None:
    api.fail("sendMessage", "500", times=2)
    for _ in range(2):
        with pytest.raises(NetworkError) as caught:
            await bot.send_message(ALEX, "hi")
        assert type(caught.value) is NetworkError
        assert "Internal Server Error" in caught.value.message
    assert api.messages(ALEX) == []
    await bot.send_message(ALEX, "hi")
    assert len(api.messages(ALEX)) == 1


async def test_fault_timeout_is_not_processed(api: FakeBotApi, bot: PtbBot) -> None:
    api.fail("sendMessage", "timeout", delay=5)
    began = time.monotonic()
    with pytest.raises(TimedOut):
        await bot.send_message(ALEX, "hi", read_timeout=0.2)
    assert time.monotonic() - began < 2
    await bot.send_message(ALEX, "after")
    assert api.texts(ALEX) == ["after"]


async def test_fault_slow_is_processed_but_times_out(api: FakeBotApi, bot: PtbBot) -> None:
    api.fail("sendMessage", "slow", delay=5)
    with pytest.raises(TimedOut):
        await bot.send_message(ALEX, "delivered anyway", read_timeout=0.2)
    assert api.texts(ALEX) == ["delivered anyway"]


async def test_fault_403_and_block(api: FakeBotApi, bot: PtbBot) -> None:
    api.fail("sendMessage", "403", chat_id=SAM)
    await bot.send_message(ALEX, "not Sam: unaffected")
    with pytest.raises(Forbidden, match="bot was blocked by the user"):
        await bot.send_message(SAM, "hi")
    await bot.send_message(SAM, "hi")

    api.block(ALEX)
    with pytest.raises(Forbidden, match="bot was blocked by the user"):
        await bot.send_message(ALEX, "hello?")
    with pytest.raises(Forbidden):
        await bot.send_chat_action(ALEX, "typing")
    api.unblock(ALEX)
    await bot.send_message(ALEX, "back")
    assert api.texts(ALEX) == ["not Sam: unaffected", "back"]
    assert api.texts(SAM) == ["hi"]


async def test_fail_randomly_is_seeded(api: FakeBotApi, bot: PtbBot) -> None:
    api.fail_randomly(0.5, kinds=("500", "429"), seed=7)
    failures = 0
    for n in range(20):
        try:
            await bot.send_message(ALEX, f"m{n}")
        except (NetworkError, RetryAfter):
            failures += 1
    await bot.get_me()  # not a chat method: never fails by default
    assert 0 < failures < 20
    assert api.faults_injected == failures
    assert len(api.messages(ALEX)) == 20 - failures
    first_pattern = [kind for _, kind in api.faults]

    replay = FakeBotApi(token=TOKEN)
    replay.fail_randomly(0.5, kinds=("500", "429"), seed=7)
    await replay.start()
    try:
        replay.user(ALEX, "Alex")
        async with PtbBot(TOKEN, base_url=replay.base_url) as other:
            for n in range(20):
                with contextlib.suppress(NetworkError, RetryAfter):
                    await other.send_message(ALEX, f"m{n}")
    finally:
        await replay.stop()
    assert [kind for _, kind in replay.faults] == first_pattern
    assert replay.texts(ALEX) == api.texts(ALEX)


async def test_send_times_watch(api: FakeBotApi, bot: PtbBot) -> None:
    for n in range(3):
        await bot.send_message(ALEX, f"burst {n}")
    await bot.send_message(SAM, "other chat")
    assert len(api.send_times[ALEX]) == 3
    assert api.max_in_window(ALEX) == 3  # a real bot must pace these: at most 1/s per chat
    assert api.max_in_window() == 4


async def test_webhook_conflict_and_post_update(api: FakeBotApi, bot: PtbBot) -> None:
    received: list[tuple[dict[str, object], str | None]] = []

    class Receiver(RequestHandler):
        def post(self) -> None:
            received.append(
                (
                    json.loads(self.request.body),
                    self.request.headers.get("X-Telegram-Bot-Api-Secret-Token"),
                )
            )
            self.set_status(200)

    sockets = bind_sockets(0, "127.0.0.1")
    server = HTTPServer(Application([(r"/hook", Receiver)], log_function=lambda handler: None))
    server.add_sockets(sockets)
    url = f"http://127.0.0.1:{sockets[0].getsockname()[1]}/hook"
    try:
        assert await bot.set_webhook(url, secret_token="s3cret") is True
        info = await bot.get_webhook_info()
        assert info.url == url
        with pytest.raises(Conflict):
            await bot.get_updates()
        update = api.send_text(ALEX, "via webhook")
        assert (await bot.get_webhook_info()).pending_update_count == 1
        assert await api.flush_to_webhook() == [200]
        assert received == [(update, "s3cret")]
        assert await api.post_update_to(url, update) == 200
        assert received[-1] == (update, None)
        assert await bot.delete_webhook() is True
        assert await bot.get_updates() == ()
    finally:
        server.stop()
        await server.close_all_connections()


async def test_application_polling_end_to_end(api: FakeBotApi) -> None:
    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_user is not None
        assert update.effective_message is not None
        await update.effective_message.reply_text(f"Welcome, {update.effective_user.first_name}!")

    application = ApplicationBuilder().token(TOKEN).base_url(api.base_url).build()
    application.add_handler(CommandHandler("start", start))
    async with application:
        await application.start()
        assert application.updater is not None
        await application.updater.start_polling(poll_interval=0)
        api.send_text(ALEX, "/start")
        [reply] = await api.wait_for_messages(ALEX, 1)
        await application.updater.stop()
        await application.stop()
    assert reply["text"] == "Welcome, Alex!"
    assert api.pending_updates == []  # PTB's final getUpdates confirmed the update
    assert {"getMe", "deleteWebhook", "getUpdates", "sendMessage"} <= {
        name for name, _ in api.calls
    }
