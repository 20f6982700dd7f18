"""A small in-process Telegram Bot API server for tests.

`FakeBotApi` runs a tornado HTTP server on 127.0.0.1 (random free port) inside the test's event
loop and answers the Bot API methods Rekindle uses, keeping state, so the real
python-telegram-bot client (`telegram.Bot(token, base_url=api.base_url)` or
`ApplicationBuilder().base_url(api.base_url)`) can be driven end to end::

    api = FakeBotApi(token="123:abc", bot_username="rekindle_test_bot")
    await api.start()
    api.user(42, "Alex")
    api.send_text(42, "/start")          # enqueued for getUpdates
    ...                                  # run the bot against api.base_url
    assert api.texts(42) == ["Welcome!"]
    await api.stop()

Files the simulated users send can be fetched as a bot does: `getFile` gives a file_path, and
the bytes are served at ``{api.base_file_url}/{file_path}`` (pass ``base_file_url`` to PTB,
or let `build_application` derive it from TELEGRAM_API_URL). `send_photo(..., data=b"...")`
sets what the largest size downloads as; `put_file` sets any file's bytes, `forget_file` makes
one gone (getFile answers 400), and `downloads` lists the paths downloaded.

It gets right what the npm `telegram-test-api` emulator gets wrong:
`getMe` has `is_bot`; dates are int seconds; edit methods return the edited Message;
callback queries carry `chat_instance`; `getUpdates` honours `offset` (confirming and dropping
earlier updates), `limit`, and `timeout` as real long polling.

How requests are read (checked against PTB 22.8): PTB posts every call as
application/x-www-form-urlencoded, or multipart/form-data when a file is uploaded; string
parameters are sent as-is and everything else (ints, bools, reply_markup, entities,
allowed_updates, commands, reply_parameters...) as a JSON-encoded string. The fake therefore
JSON-decodes every form value except the known free-text/file-id parameters. application/json
bodies are accepted too.

Telegram behaviours reproduced on purpose, because they break real bots:

* HTML parse_mode is validated like Telegram does (unsupported tags such as ``<br>``, unclosed or
  mismatched tags, a bare ``<``): 400 "Bad Request: can't parse entities: ...". The returned
  Message carries the rendered text plus entities; the stored record keeps the text as sent.
  Pass ``strict_html=False`` to switch this off. Markdown/MarkdownV2 are passed through unchecked.
* editMessageText without reply_markup removes the inline keyboard (Telegram does; pass it
  again to keep it). Editing to identical content answers 400 "message is not modified"; a
  message that is gone (``api.delete(user, message_id)``: the user deleted it) answers 400
  "message to edit not found".
* pinChatMessage keeps the chat's pins (``api.pinned[chat]``, most recent last) and posts a
  service message about it (``api.pin_notices``, with its disable_notification); pinning a
  message that is gone answers 400 "message to pin not found". unpinChatMessage of a message
  that is not pinned answers 400 "message to unpin not found". Deleting a message unpins it.
* A callback query can be answered once; unknown/answered ids give 400.
* Sending to an unknown chat gives 400 "chat not found"; to a user who blocked the bot, 403;
  to a group the bot left, 403; to a user who never started the bot (``started=False``), 403.
* getUpdates while a webhook is set, or superseded by a newer getUpdates, answers 409.

Fault kinds for `fail()` / `fail_randomly()`:

* ``"429"``: 429 with ``parameters.retry_after`` (PTB raises RetryAfter). Not processed.
* ``"500"``: HTTP 500 "Internal Server Error" (PTB raises plain NetworkError). Not processed.
* ``"403"``: the "bot was blocked by the user" answer (PTB raises Forbidden). Not processed.
* ``"timeout"``: waits ``delay`` seconds (cut short when the client hangs up or the server
  stops), then answers 500 **without processing the call**: nothing is stored. A client whose
  read timeout is shorter raises TimedOut and the message really was not sent.
* ``"slow"``: processes and stores the call, then delays the answer by ``delay`` seconds. A
  client with a shorter timeout raises TimedOut although the message *was* delivered - the
  case a retrying sender must not turn into a duplicate.

Note for tests: PTB 22.8 emits PTBDeprecationWarning when `RetryAfter` is built (and whenever a
time-period attribute such as `retry_after` or `Voice.duration` is read) unless the environment
variable ``PTB_TIMEDELTA=true`` is set; with ``filterwarnings = error`` that warning replaces the
RetryAfter exception. Set the variable (e.g. ``monkeypatch.setenv``) in tests that see 429s.
"""

from tests.helpers.telegram.fake_bot_api.server import FakeBotApi
from tests.helpers.telegram.fake_bot_api.wire import FAULT_KINDS, ApiError, parse_request

__all__ = ["FAULT_KINDS", "ApiError", "FakeBotApi", "parse_request"]
