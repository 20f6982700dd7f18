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

It gets right what the npm `telegram-test-api` emulator gets wrong (see /work/shared/TRAPS.md):
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
  again to keep it). Editing to identical content answers 400 "message is not modified".
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

from __future__ import annotations

import asyncio
import itertools
import json
import random
import re
import time
import traceback
from collections import defaultdict, deque
from collections.abc import Callable, Iterable, Sequence
from copy import deepcopy
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any

from tornado.httpclient import AsyncHTTPClient, HTTPRequest
from tornado.httpserver import HTTPServer
from tornado.netutil import bind_sockets
from tornado.web import Application, RequestHandler

JSON = dict[str, Any]

__all__ = ["FAULT_KINDS", "ApiError", "FakeBotApi", "parse_request"]

FAULT_KINDS = frozenset({"429", "500", "403", "timeout", "slow"})

BLOCKED_DESCRIPTION = "Forbidden: bot was blocked by the user"
NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup are "
    "exactly the same as a current content and reply markup of the message"
)

# Parameters that are free text or file ids: never JSON-decoded when they come from a form.
_STRING_PARAMS = frozenset(
    {
        "text",
        "caption",
        "parse_mode",
        "callback_query_id",
        "inline_message_id",
        "url",
        "secret_token",
        "ip_address",
        "language_code",
        "action",
        "emoji",
        "business_connection_id",
        "message_effect_id",
        "description",
        "short_description",
        "name",
        "title",
        "question",
        "explanation",
        "address",
        "first_name",
        "last_name",
        "phone_number",
        "vcard",
        "custom_title",
        "photo",
        "document",
        "voice",
        "video_note",
        "sticker",
        "audio",
        "video",
        "animation",
        "thumbnail",
        "certificate",
    }
)
# Parameters that are JSON objects/arrays even when a JSON body sends them as strings.
_JSON_PARAMS = frozenset(
    {
        "reply_markup",
        "entities",
        "caption_entities",
        "allowed_updates",
        "commands",
        "scope",
        "reply_parameters",
        "link_preview_options",
        "media",
        "options",
    }
)
_MEDIA_KINDS = ("photo", "document", "voice", "video_note", "sticker")
_CONTENT_KEYS = (
    "text",
    "photo",
    "voice",
    "video_note",
    "sticker",
    "document",
    "audio",
    "video",
    "animation",
    "location",
    "contact",
    "poll",
)
# Methods that create a message in a chat (counted in send_times).
_SEND_METHODS = frozenset(
    {
        "sendMessage",
        "copyMessage",
        *(f"send{''.join(p.title() for p in k.split('_'))}" for k in _MEDIA_KINDS),
    }
)
# Default targets of fail_randomly(): everything that acts on a chat.
_CHAT_METHODS = _SEND_METHODS | {
    "editMessageText",
    "editMessageCaption",
    "editMessageReplyMarkup",
    "deleteMessage",
    "answerCallbackQuery",
    "sendChatAction",
    "leaveChat",
}
_WITHHELD_BY_DEFAULT = frozenset({"chat_member", "message_reaction", "message_reaction_count"})
_COMMAND_RE = re.compile(r"^[a-z0-9_]{1,32}$")

_HTML_ENTITY_TYPES = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}


class ApiError(Exception):
    """An answer with ``ok: false`` (raised inside method implementations)."""

    def __init__(self, status: int, description: str, parameters: JSON | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.parameters = parameters

    def body(self) -> JSON:
        body: JSON = {"ok": False, "error_code": self.status, "description": self.description}
        if self.parameters:
            body["parameters"] = self.parameters
        return body


@dataclass
class _Fault:
    kind: str
    method: str  # lower-case method name, or "*"
    remaining: int
    chat_id: int | None
    retry_after: int
    delay: float


@dataclass
class _RandomFaults:
    rate: float
    kinds: tuple[str, ...]
    rng: random.Random
    methods: frozenset[str]
    retry_after: int
    delay: float


@dataclass
class _Chat:
    id: int
    type: str
    title: str | None = None
    user: JSON | None = None


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _as_int(value: Any) -> int | None:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        try:
            return int(value)
        except ValueError:
            return None
    return None


def _decode_form_value(key: str, value: str) -> Any:
    """Undo PTB's encoding: non-string parameters travel as JSON strings in forms."""
    if key in _STRING_PARAMS:
        return value
    try:
        return json.loads(value)
    except ValueError:
        return value


def _decode_json_value(key: str, value: Any) -> Any:
    if key in _JSON_PARAMS and isinstance(value, str) and value[:1] in ("{", "["):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def parse_request(
    content_type: str,
    body: bytes,
    query_arguments: dict[str, list[bytes]],
    body_arguments: dict[str, list[bytes]],
    files: dict[str, list[tuple[str, bytes, str]]],
) -> JSON:
    """Build the call's parameters from a request (query, form, multipart or JSON body).

    Uploaded files become ``{"filename", "size", "content_type"}`` dicts, under their field
    name and wherever a parameter refers to them as ``attach://<name>``.
    """
    params: JSON = {}
    for key, values in query_arguments.items():
        params[key] = _decode_form_value(key, values[-1].decode("utf-8", "replace"))
    if content_type.split(";", maxsplit=1)[0].strip().lower() == "application/json":
        try:
            decoded = json.loads(body or b"{}")
        except ValueError as exc:
            raise ApiError(400, "Bad Request: can't parse JSON object") from exc
        if not isinstance(decoded, dict):
            raise ApiError(400, "Bad Request: can't parse JSON object")
        for key, value in decoded.items():
            params[key] = _decode_json_value(key, value)
    else:
        for key, values in body_arguments.items():
            params[key] = _decode_form_value(key, values[-1].decode("utf-8", "replace"))
    uploads = {
        name: {"filename": filename, "size": len(data), "content_type": ctype}
        for name, entries in files.items()
        for filename, data, ctype in entries[:1]
    }
    for key, value in list(params.items()):
        if isinstance(value, str) and value.startswith("attach://"):
            params[key] = uploads.get(value.removeprefix("attach://"), value)
    for name, info in uploads.items():
        params.setdefault(name, info)
    return params


class _HtmlRenderer(HTMLParser):
    """Telegram's HTML parse_mode: plain text plus entities, or a parse error."""

    def __init__(self, source: str) -> None:
        super().__init__(convert_charrefs=True)
        self.source = source
        self.parts: list[str] = []
        self.length = 0  # in UTF-16 code units, as Telegram counts entity offsets
        self.stack: list[tuple[str, int, dict[str, str | None]]] = []
        self.entities: list[JSON] = []
        self.error: str | None = None
        self._line_starts = [0]
        for match in re.finditer("\n", source):
            self._line_starts.append(match.end())

    def _byte_offset(self) -> int:
        line, column = self.getpos()
        index = self._line_starts[line - 1] + column
        return len(self.source[:index].encode("utf-8"))

    def _fail(self, message: str) -> None:
        if self.error is None:
            self.error = message

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        supported = tag in _HTML_ENTITY_TYPES and not (
            tag == "span" and attributes.get("class") != "tg-spoiler"
        )
        if not supported:
            self._fail(f'Unsupported start tag "{tag}" at byte offset {self._byte_offset()}')
        self.stack.append((tag, self.length, attributes))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._fail(f'Unsupported start tag "{tag}/" at byte offset {self._byte_offset()}')

    def handle_endtag(self, tag: str) -> None:
        if not self.stack:
            self._fail(f"Unexpected end tag at byte offset {self._byte_offset()}")
            return
        open_tag, start, attributes = self.stack.pop()
        if open_tag != tag:
            self._fail(
                f"Unmatched end tag at byte offset {self._byte_offset()}, "
                f'expected "</{open_tag}>", found "</{tag}>"'
            )
            return
        kind = _HTML_ENTITY_TYPES.get(tag)
        length = self.length - start
        if kind is None or length <= 0:
            return
        css = attributes.get("class") or ""
        if (
            tag == "code"
            and css.startswith("language-")
            and self.stack
            and self.stack[-1][0] == "pre"
        ):
            self.stack[-1][2]["language"] = css.removeprefix("language-")
            return
        entity: JSON = {"type": kind, "offset": start, "length": length}
        if kind == "text_link":
            href = attributes.get("href") or ""
            if not href:
                return
            entity["url"] = href
        elif kind == "pre" and attributes.get("language"):
            entity["language"] = attributes["language"]
        elif kind == "blockquote" and "expandable" in attributes:
            entity["type"] = "expandable_blockquote"
        elif kind == "custom_emoji":
            entity["custom_emoji_id"] = attributes.get("emoji-id") or ""
        self.entities.append(entity)

    def handle_data(self, data: str) -> None:
        self.parts.append(data)
        self.length += _utf16_len(data)

    def handle_comment(self, data: str) -> None:
        self._fail(f"Unsupported comment at byte offset {self._byte_offset()}")

    def handle_decl(self, decl: str) -> None:
        self._fail(f"Unsupported declaration at byte offset {self._byte_offset()}")

    def handle_pi(self, data: str) -> None:
        self._fail(f"Unsupported processing instruction at byte offset {self._byte_offset()}")

    def render(self) -> tuple[str, list[JSON]]:
        bare = re.search(r"<(?![a-zA-Z/!?])", self.source)
        if bare is not None:
            offset = len(self.source[: bare.start()].encode("utf-8"))
            rest = self.source[bare.start() + 1 :].split(" ", 1)[0].split(">", 1)[0]
            self._fail(f'Unsupported start tag "{rest}" at byte offset {offset}')
        self.feed(self.source)
        self.close()
        if self.error is None and self.stack:
            self._fail(f'Can\'t find end tag corresponding to start tag "{self.stack[-1][0]}"')
        if self.error is not None:
            raise ApiError(400, f"Bad Request: can't parse entities: {self.error}")
        entities = sorted(self.entities, key=lambda e: (e["offset"], -e["length"]))
        return "".join(self.parts), entities


def _inline_keyboard(markup: Any) -> list[list[JSON]] | None:
    if isinstance(markup, dict):
        rows = markup.get("inline_keyboard")
        if isinstance(rows, list) and rows:
            return rows
    return None


def _same_markup(a: Any, b: Any) -> bool:
    return _inline_keyboard(a) == _inline_keyboard(b)


class _Handler(RequestHandler):
    api: FakeBotApi

    def initialize(self, api: FakeBotApi) -> None:
        self.api = api
        self.gone: asyncio.Future[None] = asyncio.get_running_loop().create_future()

    def on_connection_close(self) -> None:
        if not self.gone.done():
            self.gone.set_result(None)

    async def get(self, token: str, method: str) -> None:
        await self._serve(token, method)

    async def post(self, token: str, method: str) -> None:
        await self._serve(token, method)

    async def _serve(self, token: str, method: str) -> None:
        task = asyncio.current_task()
        if task is not None:
            self.api._inflight.add(task)
        try:
            files = {
                name: [(f.filename, f.body, f.content_type) for f in entries]
                for name, entries in self.request.files.items()
            }
            status, body = await self.api._handle_http(
                token,
                method,
                lambda: parse_request(
                    self.request.headers.get("Content-Type", ""),
                    self.request.body,
                    self.request.query_arguments,
                    self.request.body_arguments,
                    files,
                ),
                self.gone,
            )
        finally:
            if task is not None:
                self.api._inflight.discard(task)
        if self.gone.done():
            return  # the client hung up (e.g. its read timeout fired): nobody to answer
        self.set_status(status)
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps(body))


class _NotFoundHandler(RequestHandler):
    def prepare(self) -> None:
        self.set_status(404)
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps({"ok": False, "error_code": 404, "description": "Not Found"}))


class FakeBotApi:
    """An in-process Telegram Bot API server with simulated users (see module docstring)."""

    def __init__(
        self,
        token: str = "123:abc",
        bot_username: str = "rekindle_test_bot",
        bot_first_name: str = "Rekindle",
        *,
        strict_html: bool = True,
        now: Callable[[], float] = time.time,
    ) -> None:
        bot_id = _as_int(token.split(":", 1)[0])
        if bot_id is None:
            raise ValueError(f"token must look like '<bot id>:<secret>', got {token!r}")
        self.token = token
        self.bot_id = bot_id
        self.bot_username = bot_username
        self.bot_first_name = bot_first_name
        self.strict_html = strict_html
        self._now = now
        self.port: int | None = None

        # Readable state.
        self.calls: list[tuple[str, JSON]] = []
        self.commands: list[JSON] = []
        self.commands_by_scope: dict[tuple[str, str], list[JSON]] = {}
        self.callback_answers: list[JSON] = []
        self.left_chats: set[int] = set()
        self.blocked: set[int] = set()
        self.send_times: defaultdict[int, list[float]] = defaultdict(list)
        self.faults_injected = 0
        self.faults: list[tuple[str, str]] = []
        self.webhook: JSON | None = None
        self.deleted: list[JSON] = []
        self.errors: list[str] = []  # bugs in the fake itself (answered as 500)

        self._chats: dict[int, _Chat] = {}
        self._users: dict[int, JSON] = {}
        self._not_started: set[int] = set()
        self._next_message_id: defaultdict[int, int] = defaultdict(lambda: 1)
        self._bot_messages: defaultdict[int, list[JSON]] = defaultdict(list)
        self._user_messages: defaultdict[int, dict[int, JSON]] = defaultdict(dict)
        self._pending: deque[JSON] = deque()
        self._update_ids = itertools.count(100_001)
        self._query_ids = itertools.count(4_200_000_000_000_000_001)
        self._file_ids = itertools.count(1)
        self._poll_ids = itertools.count(5_000_000_000_000_000_001)
        self._open_queries: set[str] = set()
        self._allowed_updates: frozenset[str] | None = None  # None: Telegram's default set
        self._poll_generation = 0
        self._faults: list[_Fault] = []
        self._random: _RandomFaults | None = None

        self._server: HTTPServer | None = None
        self._closing: asyncio.Future[None] | None = None
        self._waiters: set[asyncio.Future[None]] = set()
        self._inflight: set[asyncio.Task[Any]] = set()

        self._methods: dict[str, Callable[[JSON], Any]] = {
            "getMe": self._get_me,
            "deleteWebhook": self._delete_webhook,
            "setWebhook": self._set_webhook,
            "getWebhookInfo": self._get_webhook_info,
            "setMyCommands": self._set_my_commands,
            "getMyCommands": self._get_my_commands,
            "deleteMyCommands": self._delete_my_commands,
            "sendMessage": self._send_message,
            "editMessageText": self._edit_message_text,
            "editMessageCaption": self._edit_message_caption,
            "editMessageReplyMarkup": self._edit_message_reply_markup,
            "deleteMessage": self._delete_message,
            "answerCallbackQuery": self._answer_callback_query,
            "copyMessage": self._copy_message,
            "sendPhoto": lambda p: self._send_media("photo", p),
            "sendDocument": lambda p: self._send_media("document", p),
            "sendVoice": lambda p: self._send_media("voice", p),
            "sendVideoNote": lambda p: self._send_media("video_note", p),
            "sendSticker": lambda p: self._send_media("sticker", p),
            "leaveChat": self._leave_chat,
            "sendChatAction": self._send_chat_action,
            "close": lambda p: True,
            "logOut": lambda p: True,
        }
        self._canonical = {name.lower(): name for name in [*self._methods, "getUpdates"]}

    # ------------------------------------------------------------------ lifecycle

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:<port>/bot``: PTB appends the token."""
        if self.port is None:
            raise RuntimeError("FakeBotApi is not started")
        return f"http://127.0.0.1:{self.port}/bot"

    async def start(self) -> None:
        if self._server is not None:
            raise RuntimeError("FakeBotApi is already started")
        self._closing = asyncio.get_running_loop().create_future()
        app = Application(
            [(r"/bot([^/]*)/([^/]+)", _Handler, {"api": self})],
            default_handler_class=_NotFoundHandler,
            log_function=lambda handler: None,
        )
        sockets = bind_sockets(0, "127.0.0.1")
        server = HTTPServer(app)
        server.add_sockets(sockets)
        self.port = sockets[0].getsockname()[1]
        self._server = server

    async def stop(self) -> None:
        """Stop listening, answer pending long polls/delays, close every connection."""
        server, self._server = self._server, None
        if server is None:
            return
        server.stop()
        if self._closing is not None and not self._closing.done():
            self._closing.set_result(None)
        self._notify()
        pending = {task for task in self._inflight if not task.done()}
        if pending:
            await asyncio.wait(pending, timeout=5)
        await server.close_all_connections()

    async def __aenter__(self) -> FakeBotApi:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    # ------------------------------------------------------------------ simulated users

    def user(
        self,
        user_id: int,
        first_name: str,
        language_code: str = "en",
        username: str | None = None,
        *,
        last_name: str | None = None,
        started: bool = True,
    ) -> JSON:
        """Register a user and their private chat (chat id == user id). Returns the User dict.

        ``started=False``: the user never opened the bot, so sending to them answers 403
        "bot can't initiate conversation with a user" until they send something.
        """
        user: JSON = {"id": user_id, "is_bot": False, "first_name": first_name}
        if last_name:
            user["last_name"] = last_name
        if username:
            user["username"] = username
        if language_code:
            user["language_code"] = language_code
        self._users[user_id] = user
        chat = _Chat(id=user_id, type="private", user=user)
        self._chats[user_id] = chat
        if started:
            self._not_started.discard(user_id)
        else:
            self._not_started.add(user_id)
        return deepcopy(user)

    def block(self, user_id: int) -> None:
        """From now on every call to this private chat answers 403 (bot blocked)."""
        self.blocked.add(user_id)

    def unblock(self, user_id: int) -> None:
        self.blocked.discard(user_id)

    def send_text(self, user_id: int, text: str, reply_to_message_id: int | None = None) -> JSON:
        """A text message from the user; a leading "/command" gets a bot_command entity."""
        content: JSON = {"text": text}
        entities = self._command_entities(text)
        if entities:
            content["entities"] = entities
        return self._user_message(user_id, content, reply_to_message_id)

    def send_voice(self, user_id: int, duration: int = 3) -> JSON:
        return self._user_message(
            user_id,
            {
                "voice": {
                    **self._new_file("voice"),
                    "duration": duration,
                    "mime_type": "audio/ogg",
                    "file_size": 4_000 * duration,
                }
            },
        )

    def send_photo(self, user_id: int, caption: str | None = None) -> JSON:
        content: JSON = {"photo": self._photo_sizes(self._new_file("photo"), 45_000)}
        if caption is not None:
            content["caption"] = caption
        return self._user_message(user_id, content)

    def send_video_note(self, user_id: int, duration: int = 2) -> JSON:
        return self._user_message(
            user_id,
            {
                "video_note": {
                    **self._new_file("video_note"),
                    "length": 384,
                    "duration": duration,
                    "file_size": 90_000 * duration,
                }
            },
        )

    def send_sticker(self, user_id: int, emoji: str = "👍") -> JSON:
        return self._user_message(
            user_id,
            {
                "sticker": {
                    **self._new_file("sticker"),
                    "type": "regular",
                    "width": 512,
                    "height": 512,
                    "is_animated": False,
                    "is_video": False,
                    "emoji": emoji,
                    "set_name": "FakeStickers",
                    "file_size": 20_000,
                }
            },
        )

    def send_document(
        self, user_id: int, file_name: str = "notes.txt", caption: str | None = None
    ) -> JSON:
        content: JSON = {
            "document": {
                **self._new_file("document"),
                "file_name": file_name,
                "mime_type": "text/plain",
                "file_size": 1_024,
            }
        }
        if caption is not None:
            content["caption"] = caption
        return self._user_message(user_id, content)

    def send_location(
        self, user_id: int, latitude: float = 52.520008, longitude: float = 13.404954
    ) -> JSON:
        return self._user_message(
            user_id, {"location": {"latitude": latitude, "longitude": longitude}}
        )

    def send_contact(
        self, user_id: int, phone_number: str = "+15555550123", first_name: str = "Pat"
    ) -> JSON:
        return self._user_message(
            user_id, {"contact": {"phone_number": phone_number, "first_name": first_name}}
        )

    def send_poll(
        self,
        user_id: int,
        question: str = "Dinner tonight?",
        options: Sequence[str] = ("Yes", "No"),
    ) -> JSON:
        poll: JSON = {
            "id": str(next(self._poll_ids)),
            "question": question,
            "options": [
                {"text": option, "voter_count": 0, "persistent_id": f"opt{index}"}
                for index, option in enumerate(options)
            ],
            "total_voter_count": 0,
            "is_closed": False,
            "is_anonymous": True,
            "type": "regular",
            "allows_multiple_answers": False,
            "allows_revoting": False,
            "members_only": False,
        }
        return self._user_message(user_id, {"poll": poll})

    def user_message(self, user_id: int, **content: Any) -> JSON:
        """Escape hatch: a private message from the user with arbitrary content fields."""
        return self._user_message(user_id, content)

    def press(
        self,
        user_id: int,
        message_id: int,
        data: str,
        *,
        chat_id: int | None = None,
        strict: bool = True,
    ) -> JSON:
        """The user presses an inline button under a bot message: a callback_query update.

        With ``strict`` (default) the message's current keyboard must have a button with this
        callback_data (a removed keyboard cannot be pressed).
        """
        user = self._require_user(user_id)
        chat = user_id if chat_id is None else chat_id
        record = self._bot_record(chat, message_id)
        if record is None:
            raise ValueError(f"no bot message {message_id} in chat {chat}")
        if strict:
            buttons = [
                button.get("callback_data")
                for row in _inline_keyboard(record["reply_markup"]) or []
                for button in row
            ]
            if data not in buttons:
                raise ValueError(
                    f"message {message_id} in chat {chat} has no button with callback_data "
                    f"{data!r}; its buttons: {buttons}"
                )
        query_id = str(next(self._query_ids))
        self._open_queries.add(query_id)
        return self._enqueue(
            {
                "callback_query": {
                    "id": query_id,
                    "from": deepcopy(user),
                    "message": self._payload(record),
                    "chat_instance": self._chat_instance(chat),
                    "data": data,
                }
            }
        )

    def edit_text(self, user_id: int, message_id: int, new_text: str) -> JSON:
        """The user edits one of their text messages: an edited_message update."""
        message = self._user_messages[user_id].get(message_id)
        if message is None or message["from"]["id"] != user_id or "text" not in message:
            raise ValueError(f"user {user_id} has no text message {message_id}")
        message["text"] = new_text
        message.pop("entities", None)
        entities = self._command_entities(new_text)
        if entities:
            message["entities"] = entities
        message["edit_date"] = int(self._now())
        return self._enqueue({"edited_message": deepcopy(message)})

    def group_message(
        self, chat_id: int, user_id: int, text: str, *, title: str | None = None
    ) -> JSON:
        """A text message from a user in a group (negative chat id)."""
        if chat_id >= 0:
            raise ValueError("group chat ids are negative")
        self._ensure_group(chat_id, title)
        content: JSON = {"text": text}
        entities = self._command_entities(text)
        if entities:
            content["entities"] = entities
        return self._user_message(user_id, content, chat_id=chat_id)

    def added_to_group(self, chat_id: int, by_user_id: int, *, title: str | None = None) -> JSON:
        """A my_chat_member update: the bot goes from "left" to "member" of a group."""
        if chat_id >= 0:
            raise ValueError("group chat ids are negative")
        self._ensure_group(chat_id, title)
        self.left_chats.discard(chat_id)
        return self._member_update(chat_id, by_user_id, "left", "member")

    def blocked_by(self, user_id: int) -> JSON:
        """The user blocks the bot: a my_chat_member update (member -> kicked), and 403s after."""
        self._require_user(user_id)
        self.block(user_id)
        return self._member_update(user_id, user_id, "member", "kicked")

    def unblocked_by(self, user_id: int) -> JSON:
        """The user restarts the bot: a my_chat_member update (kicked -> member)."""
        self._require_user(user_id)
        self.unblock(user_id)
        return self._member_update(user_id, user_id, "kicked", "member")

    async def post_update_to(
        self, url: str, update: JSON, secret_token: str | None = None, request_timeout: float = 10.0
    ) -> int:
        """POST an update as Telegram would to a webhook; returns the HTTP status code."""
        headers = {"Content-Type": "application/json"}
        if secret_token is not None:
            headers["X-Telegram-Bot-Api-Secret-Token"] = secret_token
        client = AsyncHTTPClient(force_instance=True)
        try:
            response = await client.fetch(
                HTTPRequest(
                    url,
                    method="POST",
                    body=json.dumps(update),
                    headers=headers,
                    request_timeout=request_timeout,
                ),
                raise_error=False,
            )
        finally:
            client.close()
        return response.code

    async def flush_to_webhook(self) -> list[int]:
        """Deliver pending updates to the webhook set with setWebhook (2xx confirms each)."""
        if self.webhook is None:
            raise RuntimeError("no webhook is set")
        codes = []
        while self._pending:
            update = self._pending[0]
            code = await self.post_update_to(
                self.webhook["url"], update, self.webhook.get("secret_token")
            )
            codes.append(code)
            if not 200 <= code < 300:
                break
            self._pending.popleft()
        return codes

    # ------------------------------------------------------------------ reading state

    def messages(self, chat_id: int) -> list[JSON]:
        """The bot's messages in a chat, oldest first (copies), each with a "message" key
        holding the Telegram Message JSON as the bot would get it now."""
        result = []
        for record in self._bot_messages.get(chat_id, []):
            item = deepcopy(record)
            item["message"] = self._payload(record)
            result.append(item)
        return result

    def message(self, chat_id: int, message_id: int) -> JSON:
        for item in self.messages(chat_id):
            if item["message_id"] == message_id:
                return item
        raise KeyError(f"no bot message {message_id} in chat {chat_id}")

    def texts(self, chat_id: int, *, rendered: bool = False) -> list[str]:
        """Text (or caption, or "" for neither) of each bot message in the chat, as sent
        (HTML tags included) or, with ``rendered``, as the user sees it."""
        result = []
        for record in self._bot_messages.get(chat_id, []):
            if rendered and record["rendered"] is not None:
                result.append(record["rendered"])
            else:
                value = record["text"] if record["text"] is not None else record["caption"]
                result.append(value or "")
        return result

    def calls_to(self, method: str) -> list[JSON]:
        return [params for name, params in self.calls if name == method]

    @property
    def pending_updates(self) -> list[JSON]:
        """Updates not yet confirmed by a getUpdates offset (delivered or not)."""
        return deepcopy(list(self._pending))

    def max_in_window(self, chat_id: int | None = None, window: float = 1.0) -> int:
        """Most successful sends within any ``window`` seconds, to one chat or overall."""
        if chat_id is None:
            times = sorted(t for chat_times in self.send_times.values() for t in chat_times)
        else:
            times = sorted(self.send_times.get(chat_id, []))
        best = start = 0
        for end, moment in enumerate(times):
            while moment - times[start] >= window:
                start += 1
            best = max(best, end - start + 1)
        return best

    async def wait_for(self, predicate: Callable[[], bool], within: float = 5.0) -> None:
        """Wait until ``predicate()`` holds (re-checked after every state change); raise
        TimeoutError after ``within`` seconds."""
        deadline = time.monotonic() + within
        while not predicate():
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"condition not met within {within} s")
            await self._wait_change(remaining)

    async def wait_for_messages(
        self, chat_id: int, count: int = 1, within: float = 5.0
    ) -> list[JSON]:
        """Wait until the chat holds at least ``count`` bot messages; return them all."""
        await self.wait_for(lambda: len(self._bot_messages.get(chat_id, [])) >= count, within)
        return self.messages(chat_id)

    # ------------------------------------------------------------------ fault injection

    def fail(
        self,
        method: str,
        kind: str,
        times: int = 1,
        chat_id: int | None = None,
        *,
        retry_after: int = 1,
        delay: float = 10.0,
    ) -> None:
        """Make the next ``times`` calls of ``method`` ("*" for any) fail with ``kind``
        ("429", "500", "403", "timeout", "slow"), optionally only those to ``chat_id``."""
        kind = str(kind)
        self._check_method_names([method])
        if kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault kind {kind!r}; use one of {sorted(FAULT_KINDS)}")
        self._faults.append(_Fault(kind, method.lower(), times, chat_id, retry_after, delay))

    def fail_randomly(
        self,
        rate: float,
        kinds: Iterable[str] = ("429", "500"),
        seed: int = 0,
        methods: Iterable[str] | None = None,
        *,
        retry_after: int = 1,
        delay: float = 10.0,
    ) -> None:
        """Fail a fraction ``rate`` of calls at random (seeded). ``methods`` defaults to every
        method acting on a chat (sends, copies, edits, deletes, callback answers, chat
        actions, leaveChat) - not getUpdates/getMe/webhook calls; ``["*"]`` means every
        method. ``rate=0`` turns it off."""
        kinds_tuple = tuple(str(kind) for kind in kinds)
        unknown = set(kinds_tuple) - FAULT_KINDS
        if unknown or not kinds_tuple:
            raise ValueError(f"bad fault kinds {kinds_tuple!r}")
        if methods is not None:
            methods = list(methods)
            self._check_method_names(methods)
        if rate <= 0:
            self._random = None
            return
        if methods is None:
            chosen = frozenset(m.lower() for m in _CHAT_METHODS)
        elif "*" in methods:
            chosen = frozenset(self._canonical)
        else:
            chosen = frozenset(m.lower() for m in methods)
        self._random = _RandomFaults(
            rate, kinds_tuple, random.Random(seed), chosen, retry_after, delay
        )

    def _check_method_names(self, methods: Iterable[str]) -> None:
        unknown = [m for m in methods if m != "*" and m.lower() not in self._canonical]
        if unknown:
            raise ValueError(f"FakeBotApi does not implement {unknown}")

    def clear_faults(self) -> None:
        self._faults.clear()
        self._random = None

    # ------------------------------------------------------------------ HTTP plumbing

    async def _handle_http(
        self,
        token: str,
        method_name: str,
        read_params: Callable[[], JSON],
        gone: asyncio.Future[None],
    ) -> tuple[int, JSON]:
        if token != self.token:
            return 401, {"ok": False, "error_code": 401, "description": "Unauthorized"}
        method = self._canonical.get(method_name.lower())
        try:
            params = read_params()
        except ApiError as exc:
            self.calls.append((method or method_name, {}))
            return exc.status, exc.body()
        self.calls.append((method or method_name, params))
        self._notify()
        if method is None:
            return 404, {"ok": False, "error_code": 404, "description": "Not Found"}
        try:
            fault = self._pick_fault(method, params)
            if fault is None:
                result = await self._dispatch(method, params, gone)
            elif fault.kind == "slow":
                result = await self._dispatch(method, params, gone)
                await self._sleep(fault.delay, gone)
            elif fault.kind == "timeout":
                await self._sleep(fault.delay, gone)
                raise ApiError(500, "Internal Server Error")
            elif fault.kind == "429":
                raise ApiError(
                    429,
                    f"Too Many Requests: retry after {fault.retry_after}",
                    {"retry_after": fault.retry_after},
                )
            elif fault.kind == "403":
                raise ApiError(403, BLOCKED_DESCRIPTION)
            else:
                raise ApiError(500, "Internal Server Error")
        except ApiError as exc:
            return exc.status, exc.body()
        except Exception as exc:  # a bug in the fake: answer 500 and keep it for the test
            self.errors.append(traceback.format_exc())
            return 500, {
                "ok": False,
                "error_code": 500,
                "description": f"Internal Server Error: FakeBotApi bug: {exc!r}",
            }
        return 200, {"ok": True, "result": result}

    async def _dispatch(self, method: str, params: JSON, gone: asyncio.Future[None]) -> Any:
        if method == "getUpdates":
            return await self._get_updates(params, gone)
        return self._methods[method](params)

    def _pick_fault(self, method: str, params: JSON) -> _Fault | None:
        lowered = method.lower()
        chat_id = _as_int(params.get("chat_id"))
        for fault in self._faults:
            if fault.method not in ("*", lowered):
                continue
            if fault.chat_id is not None and fault.chat_id != chat_id:
                continue
            fault.remaining -= 1
            if fault.remaining <= 0:
                self._faults.remove(fault)
            return self._count_fault(method, fault)
        chaos = self._random
        if chaos is not None and lowered in chaos.methods and chaos.rng.random() < chaos.rate:
            kind = chaos.rng.choice(chaos.kinds)
            return self._count_fault(
                method, _Fault(kind, lowered, 0, None, chaos.retry_after, chaos.delay)
            )
        return None

    def _count_fault(self, method: str, fault: _Fault) -> _Fault:
        self.faults_injected += 1
        self.faults.append((method, fault.kind))
        return fault

    def _notify(self) -> None:
        for waiter in self._waiters:
            if not waiter.done():
                waiter.set_result(None)
        self._waiters.clear()

    async def _wait_change(self, limit: float, *also: asyncio.Future[None]) -> None:
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiters.add(waiter)
        watched: set[asyncio.Future[None]] = {waiter, *also}
        try:
            await asyncio.wait(watched, timeout=limit, return_when=asyncio.FIRST_COMPLETED)
        finally:
            self._waiters.discard(waiter)
            if not waiter.done():
                waiter.cancel()

    async def _sleep(self, delay: float, gone: asyncio.Future[None]) -> None:
        """Sleep, cut short when the client hangs up or the server stops."""
        watched: set[asyncio.Future[None]] = {gone}
        if self._closing is not None:
            watched.add(self._closing)
        await asyncio.wait(watched, timeout=delay, return_when=asyncio.FIRST_COMPLETED)

    # ------------------------------------------------------------------ updates

    def _enqueue(self, body: JSON) -> JSON:
        update = {"update_id": next(self._update_ids), **body}
        self._pending.append(update)
        self._notify()
        return deepcopy(update)

    def _confirm(self, offset: int) -> None:
        if offset > 0:
            while self._pending and self._pending[0]["update_id"] < offset:
                self._pending.popleft()
        elif offset < 0:
            while len(self._pending) > -offset:
                self._pending.popleft()

    def _allowed(self, update: JSON) -> bool:
        kind = next(key for key in update if key != "update_id")
        if self._allowed_updates is None:
            return kind not in _WITHHELD_BY_DEFAULT
        return kind in self._allowed_updates

    def _take(self, limit: int) -> list[JSON]:
        kept: deque[JSON] = deque()
        batch: list[JSON] = []
        for update in self._pending:
            if not self._allowed(update):
                continue  # Telegram never delivers these: drop them
            kept.append(update)
            if len(batch) < limit:
                batch.append(deepcopy(update))
        self._pending = kept
        return batch

    async def _get_updates(self, p: JSON, gone: asyncio.Future[None]) -> list[JSON]:
        if self.webhook is not None:
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        offset = _as_int(p.get("offset")) or 0
        limit = min(max(_as_int(p.get("limit")) or 100, 1), 100)
        timeout = float(p.get("timeout") or 0)
        allowed = p.get("allowed_updates")
        if isinstance(allowed, list):
            self._allowed_updates = frozenset(allowed) if allowed else None
        self._confirm(offset)
        self._poll_generation += 1
        generation = self._poll_generation
        self._notify()  # wakes an older long poll, which then answers 409
        deadline = time.monotonic() + max(timeout, 0.0)
        while True:
            if generation != self._poll_generation:
                raise ApiError(
                    409,
                    "Conflict: terminated by other getUpdates request; "
                    "make sure that only one bot instance is running",
                )
            batch = self._take(limit)
            if batch:
                return batch
            remaining = deadline - time.monotonic()
            closing = self._closing is not None and self._closing.done()
            if remaining <= 0 or gone.done() or closing:
                return []
            assert self._closing is not None
            await self._wait_change(remaining, gone, self._closing)

    # ------------------------------------------------------------------ methods

    def _bot_user(self) -> JSON:
        return {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": self.bot_first_name,
            "username": self.bot_username,
        }

    def _get_me(self, p: JSON) -> JSON:
        return {
            **self._bot_user(),
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    def _delete_webhook(self, p: JSON) -> bool:
        self.webhook = None
        if p.get("drop_pending_updates"):
            self._pending.clear()
        return True

    def _set_webhook(self, p: JSON) -> bool:
        url = p.get("url") or ""
        if p.get("drop_pending_updates"):
            self._pending.clear()
        if not url:
            self.webhook = None
            return True
        if not str(url).startswith("https://") and not str(url).startswith("http://"):
            raise ApiError(
                400, "Bad Request: bad webhook: An HTTPS URL must be provided for webhook"
            )
        self.webhook = {key: value for key, value in p.items() if key != "certificate"}
        allowed = p.get("allowed_updates")
        if isinstance(allowed, list):
            self._allowed_updates = frozenset(allowed) if allowed else None
        return True

    def _get_webhook_info(self, p: JSON) -> JSON:
        info: JSON = {
            "url": self.webhook["url"] if self.webhook else "",
            "has_custom_certificate": False,
            "pending_update_count": len(self._pending),
        }
        if self.webhook:
            for key in ("max_connections", "allowed_updates", "ip_address"):
                if key in self.webhook:
                    info[key] = self.webhook[key]
        return info

    @staticmethod
    def _scope_key(p: JSON) -> tuple[str, str]:
        scope = p.get("scope") or {"type": "default"}
        return json.dumps(scope, sort_keys=True), str(p.get("language_code") or "")

    def _set_my_commands(self, p: JSON) -> bool:
        commands = p.get("commands")
        if not isinstance(commands, list) or len(commands) > 100:
            raise ApiError(400, "Bad Request: commands must be a list of at most 100 commands")
        for command in commands:
            if not isinstance(command, dict) or not _COMMAND_RE.match(str(command.get("command"))):
                raise ApiError(400, "Bad Request: BOT_COMMAND_INVALID")
            description = command.get("description")
            if not isinstance(description, str) or not 1 <= len(description) <= 256:
                raise ApiError(400, "Bad Request: BOT_COMMAND_DESCRIPTION_INVALID")
        self.commands = deepcopy(commands)
        self.commands_by_scope[self._scope_key(p)] = deepcopy(commands)
        return True

    def _get_my_commands(self, p: JSON) -> list[JSON]:
        return deepcopy(self.commands_by_scope.get(self._scope_key(p), []))

    def _delete_my_commands(self, p: JSON) -> bool:
        self.commands_by_scope.pop(self._scope_key(p), None)
        if self._scope_key(p) == self._scope_key({}):
            self.commands = []
        return True

    def _send_message(self, p: JSON) -> JSON:
        chat_id = self._target_chat(p)
        text = p.get("text")
        if not isinstance(text, str) or not text.strip():
            raise ApiError(400, "Bad Request: message text is empty")
        rendered, entities = self._render(text, p.get("parse_mode"), p.get("entities"))
        if not rendered.strip():
            raise ApiError(400, "Bad Request: message text is empty")
        if len(rendered) > 4096:
            raise ApiError(400, "Bad Request: message is too long")
        markup = self._check_markup(p.get("reply_markup"))
        reply_to = self._reply_to(chat_id, p)
        record = self._new_record(
            chat_id,
            "text",
            p,
            text=text,
            rendered=rendered,
            entities=entities,
            parse_mode=p.get("parse_mode"),
            reply_markup=markup,
            reply_to_message_id=reply_to,
        )
        return self._payload(record)

    def _send_media(self, kind: str, p: JSON) -> JSON:
        chat_id = self._target_chat(p)
        source = p.get(kind)
        if source is None or source == "":
            raise ApiError(400, f"Bad Request: there is no {kind.replace('_', ' ')} in the request")
        if isinstance(source, dict):
            file_info: JSON = dict(source)
            base = self._new_file(kind)
            size = int(source.get("size") or 0)
        else:
            source = str(source)
            file_info = (
                {"url": source}
                if source.startswith(("http://", "https://"))
                else {"file_id": source}
            )
            base = (
                self._new_file(kind)
                if "url" in file_info
                else {
                    "file_id": source,
                    "file_unique_id": f"uniq-{source[-12:]}",
                }
            )
            size = 10_000
        media: JSON
        if kind == "photo":
            media = {"photo": self._photo_sizes(base, size)}
        elif kind == "document":
            media = {
                "document": {
                    **base,
                    "file_name": file_info.get("filename") or "document",
                    "mime_type": file_info.get("content_type") or "application/octet-stream",
                    "file_size": size,
                }
            }
        elif kind == "voice":
            media = {
                "voice": {
                    **base,
                    "duration": _as_int(p.get("duration")) or 1,
                    "mime_type": "audio/ogg",
                    "file_size": size,
                }
            }
        elif kind == "video_note":
            media = {
                "video_note": {
                    **base,
                    "length": _as_int(p.get("length")) or 384,
                    "duration": _as_int(p.get("duration")) or 1,
                    "file_size": size,
                }
            }
        else:
            media = {
                "sticker": {
                    **base,
                    "type": "regular",
                    "width": 512,
                    "height": 512,
                    "is_animated": False,
                    "is_video": False,
                    "file_size": size,
                }
            }
            if p.get("emoji"):
                media["sticker"]["emoji"] = p["emoji"]
        caption = p.get("caption") if kind not in ("sticker", "video_note") else None
        rendered: str | None = None
        entities: list[JSON] = []
        if caption is not None:
            rendered, entities = self._render(
                str(caption), p.get("parse_mode"), p.get("caption_entities")
            )
            if len(rendered) > 1024:
                raise ApiError(400, "Bad Request: message caption is too long")
        record = self._new_record(
            chat_id,
            kind,
            p,
            caption=caption,
            rendered=rendered,
            entities=entities,
            parse_mode=p.get("parse_mode") if caption is not None else None,
            reply_markup=self._check_markup(p.get("reply_markup")),
            reply_to_message_id=self._reply_to(chat_id, p),
            file=file_info,
            media=media,
        )
        return self._payload(record)

    def _copy_message(self, p: JSON) -> JSON:
        chat_id = self._target_chat(p)
        from_chat = _as_int(p.get("from_chat_id"))
        message_id = _as_int(p.get("message_id"))
        if from_chat is None or from_chat not in self._chats:
            raise ApiError(400, "Bad Request: chat not found")
        if message_id is None:
            raise ApiError(400, "Bad Request: message to copy not found")
        source_record = self._bot_record(from_chat, message_id)
        if source_record is not None:
            source = self._payload(source_record)
        elif message_id in self._user_messages[from_chat]:
            source = deepcopy(self._user_messages[from_chat][message_id])
        else:
            raise ApiError(400, "Bad Request: message to copy not found")
        source_kind = next((key for key in _CONTENT_KEYS if key in source), None)
        if source_kind is None:
            raise ApiError(400, "Bad Request: message can't be copied")
        media = {key: source[key] for key in _CONTENT_KEYS if key in source and key != "text"}
        fields: JSON = {
            "from_chat_id": from_chat,
            "source_message_id": message_id,
            "source_kind": source_kind,
            "media": media,
            "reply_markup": self._check_markup(p.get("reply_markup")),
            "reply_to_message_id": self._reply_to(chat_id, p),
        }
        if source_kind == "text":
            fields.update(
                text=source["text"], rendered=source["text"], entities=source.get("entities", [])
            )
        else:
            file_id = self._file_id_of(source, source_kind)
            if file_id is not None:
                fields["file"] = {"file_id": file_id}
            caption = p.get("caption", source.get("caption"))
            if caption is not None:
                if "caption" in p:
                    rendered, entities = self._render(
                        str(caption), p.get("parse_mode"), p.get("caption_entities")
                    )
                    fields["parse_mode"] = p.get("parse_mode")
                else:
                    rendered, entities = caption, source.get("caption_entities", [])
                fields.update(caption=caption, rendered=rendered, entities=entities)
        record = self._new_record(chat_id, "copy", p, **fields)
        return {"message_id": record["message_id"]}

    def _edit_target(self, p: JSON) -> JSON:
        if p.get("inline_message_id"):
            raise ApiError(400, "Bad Request: inline messages are not supported by FakeBotApi")
        chat_id = self._target_chat(p)
        message_id = _as_int(p.get("message_id"))
        record = self._bot_record(chat_id, message_id) if message_id is not None else None
        if record is None:
            raise ApiError(400, "Bad Request: message to edit not found")
        return record

    def _apply_edit(self, record: JSON, method: str, after: JSON) -> JSON:
        before = {key: deepcopy(record[key]) for key in after}
        record.update(after)
        record["edited"].append(
            {"method": method, "date": int(self._now()), "before": before, "after": deepcopy(after)}
        )
        self._notify()
        return self._payload(record)

    def _edit_message_text(self, p: JSON) -> JSON:
        record = self._edit_target(p)
        if record["text"] is None:
            raise ApiError(400, "Bad Request: there is no text in the message to edit")
        text = p.get("text")
        if not isinstance(text, str) or not text.strip():
            raise ApiError(400, "Bad Request: message text is empty")
        rendered, entities = self._render(text, p.get("parse_mode"), p.get("entities"))
        if len(rendered) > 4096:
            raise ApiError(400, "Bad Request: message is too long")
        # Telegram: an edit without reply_markup removes the inline keyboard.
        markup = self._check_markup(p.get("reply_markup"))
        if (
            rendered == record["rendered"]
            and entities == record["entities"]
            and _same_markup(markup, record["reply_markup"])
        ):
            raise ApiError(400, NOT_MODIFIED)
        return self._apply_edit(
            record,
            "editMessageText",
            {
                "text": text,
                "rendered": rendered,
                "entities": entities,
                "parse_mode": p.get("parse_mode"),
                "reply_markup": markup,
            },
        )

    def _edit_message_caption(self, p: JSON) -> JSON:
        record = self._edit_target(p)
        if record["text"] is not None or record["kind"] in ("sticker", "video_note"):
            raise ApiError(400, "Bad Request: there is no caption in the message to edit")
        caption = p.get("caption")
        rendered, entities = (
            ("", [])
            if caption is None
            else self._render(str(caption), p.get("parse_mode"), p.get("caption_entities"))
        )
        markup = self._check_markup(p.get("reply_markup"))
        if (
            rendered == (record["rendered"] or "")
            and entities == record["entities"]
            and _same_markup(markup, record["reply_markup"])
        ):
            raise ApiError(400, NOT_MODIFIED)
        return self._apply_edit(
            record,
            "editMessageCaption",
            {
                "caption": caption,
                "rendered": rendered if caption is not None else None,
                "entities": entities,
                "parse_mode": p.get("parse_mode"),
                "reply_markup": markup,
            },
        )

    def _edit_message_reply_markup(self, p: JSON) -> JSON:
        record = self._edit_target(p)
        markup = self._check_markup(p.get("reply_markup"))
        if _same_markup(markup, record["reply_markup"]):
            raise ApiError(400, NOT_MODIFIED)
        return self._apply_edit(record, "editMessageReplyMarkup", {"reply_markup": markup})

    def _delete_message(self, p: JSON) -> bool:
        chat_id = self._target_chat(p)
        message_id = _as_int(p.get("message_id"))
        record = self._bot_record(chat_id, message_id) if message_id is not None else None
        if record is not None:
            self._bot_messages[chat_id].remove(record)
            self.deleted.append(record)
        elif message_id is not None and message_id in self._user_messages[chat_id]:
            self.deleted.append(self._user_messages[chat_id].pop(message_id))
        else:
            raise ApiError(400, "Bad Request: message to delete not found")
        self._notify()
        return True

    def _answer_callback_query(self, p: JSON) -> bool:
        query_id = str(p.get("callback_query_id") or "")
        if query_id not in self._open_queries:
            raise ApiError(
                400,
                "Bad Request: query is too old and response timeout expired or query ID is invalid",
            )
        text = p.get("text")
        if isinstance(text, str) and len(text) > 200:
            raise ApiError(400, "Bad Request: MESSAGE_TOO_LONG")
        self._open_queries.discard(query_id)
        self.callback_answers.append(deepcopy(p))
        self._notify()
        return True

    def _leave_chat(self, p: JSON) -> bool:
        chat_id = self._target_chat(p)
        self.left_chats.add(chat_id)
        self._notify()
        return True

    def _send_chat_action(self, p: JSON) -> bool:
        self._target_chat(p)
        if not p.get("action"):
            raise ApiError(400, "Bad Request: wrong parameter action in request")
        return True

    # ------------------------------------------------------------------ helpers

    def _target_chat(self, p: JSON, key: str = "chat_id") -> int:
        raw = p.get(key)
        if raw is None or raw == "":
            raise ApiError(400, "Bad Request: chat_id is empty")
        chat_id = _as_int(raw)
        if chat_id is None or chat_id not in self._chats:
            raise ApiError(400, "Bad Request: chat not found")
        chat = self._chats[chat_id]
        if chat.type == "private":
            if chat_id in self.blocked:
                raise ApiError(403, BLOCKED_DESCRIPTION)
            if chat_id in self._not_started:
                raise ApiError(403, "Forbidden: bot can't initiate conversation with a user")
        elif chat_id in self.left_chats:
            raise ApiError(403, f"Forbidden: bot is not a member of the {chat.type} chat")
        return chat_id

    def _render(self, text: str, parse_mode: Any, entities: Any) -> tuple[str, list[JSON]]:
        mode = str(parse_mode or "").lower()
        if not mode:
            return text, list(entities) if isinstance(entities, list) else []
        if mode == "html":
            if not self.strict_html:
                return text, []
            return _HtmlRenderer(text).render()
        if mode in ("markdown", "markdownv2"):
            return text, []
        raise ApiError(400, f"Bad Request: unsupported parse_mode {parse_mode!r}")

    @staticmethod
    def _check_markup(markup: Any) -> JSON | None:
        if markup is None or markup == "":
            return None
        if not isinstance(markup, dict):
            raise ApiError(400, "Bad Request: can't parse reply keyboard markup JSON object")
        rows = markup.get("inline_keyboard")
        if rows is not None:
            if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
                raise ApiError(400, "Bad Request: can't parse inline keyboard button")
            for row in rows:
                for button in row:
                    if not isinstance(button, dict) or not button.get("text"):
                        raise ApiError(400, "Bad Request: BUTTON_TEXT_INVALID")
                    data = button.get("callback_data")
                    if data is not None and not 1 <= len(str(data).encode("utf-8")) <= 64:
                        raise ApiError(400, "Bad Request: BUTTON_DATA_INVALID")
        return deepcopy(markup)

    def _reply_to(self, chat_id: int, p: JSON) -> int | None:
        parameters = p.get("reply_parameters")
        allow_without = bool(p.get("allow_sending_without_reply"))
        message_id = _as_int(p.get("reply_to_message_id"))
        if isinstance(parameters, dict):
            message_id = _as_int(parameters.get("message_id"))
            allow_without = bool(parameters.get("allow_sending_without_reply", allow_without))
        if message_id is None:
            return None
        if self._message_payload(chat_id, message_id) is None:
            if allow_without:
                return None
            raise ApiError(400, "Bad Request: message to be replied not found")
        return message_id

    def _new_record(self, chat_id: int, kind: str, p: JSON, **fields: Any) -> JSON:
        record: JSON = {
            "message_id": self._take_message_id(chat_id),
            "chat_id": chat_id,
            "kind": kind,
            "text": None,
            "caption": None,
            "rendered": None,
            "parse_mode": None,
            "entities": [],
            "reply_markup": None,
            "disable_notification": bool(p.get("disable_notification", False)),
            "protect_content": bool(p.get("protect_content", False)),
            "reply_to_message_id": None,
            "from_chat_id": None,
            "source_message_id": None,
            "source_kind": None,
            "file": None,
            "media": {},
            "edited": [],
            "date": int(self._now()),
        }
        record.update(fields)
        self._bot_messages[chat_id].append(record)
        self.send_times[chat_id].append(time.monotonic())
        self._notify()
        return record

    def _payload(self, record: JSON, *, nested: bool = False) -> JSON:
        message: JSON = {
            "message_id": record["message_id"],
            "from": self._bot_user(),
            "chat": self._chat_payload(record["chat_id"]),
            "date": record["date"],
        }
        if record["edited"]:
            message["edit_date"] = record["edited"][-1]["date"]
        message.update(deepcopy(record["media"]))
        if record["text"] is not None:
            message["text"] = record["rendered"]
            if record["entities"]:
                message["entities"] = deepcopy(record["entities"])
        elif record["caption"] is not None:
            message["caption"] = record["rendered"]
            if record["entities"]:
                message["caption_entities"] = deepcopy(record["entities"])
        if _inline_keyboard(record["reply_markup"]):
            message["reply_markup"] = {
                "inline_keyboard": deepcopy(record["reply_markup"]["inline_keyboard"])
            }
        if record["reply_to_message_id"] is not None and not nested:
            replied = self._message_payload(
                record["chat_id"], record["reply_to_message_id"], nested=True
            )
            if replied is not None:
                message["reply_to_message"] = replied
        return message

    def _message_payload(
        self, chat_id: int, message_id: int, *, nested: bool = False
    ) -> JSON | None:
        record = self._bot_record(chat_id, message_id)
        if record is not None:
            return self._payload(record, nested=nested)
        message = self._user_messages[chat_id].get(message_id)
        if message is None:
            return None
        message = deepcopy(message)
        if nested:
            message.pop("reply_to_message", None)
        return message

    def _bot_record(self, chat_id: int, message_id: int) -> JSON | None:
        for record in self._bot_messages.get(chat_id, []):
            if record["message_id"] == message_id:
                return record
        return None

    def _take_message_id(self, chat_id: int) -> int:
        message_id = self._next_message_id[chat_id]
        self._next_message_id[chat_id] = message_id + 1
        return message_id

    def _chat_payload(self, chat_id: int) -> JSON:
        chat = self._chats[chat_id]
        if chat.type == "private" and chat.user is not None:
            payload: JSON = {
                "id": chat_id,
                "type": "private",
                "first_name": chat.user["first_name"],
            }
            for key in ("last_name", "username"):
                if key in chat.user:
                    payload[key] = chat.user[key]
            return payload
        return {"id": chat_id, "type": chat.type, "title": chat.title or f"Group {-chat_id}"}

    def _chat_instance(self, chat_id: int) -> str:
        return str((chat_id * 2_654_435_761 + self.bot_id * 40_503) % (1 << 63) - (1 << 62))

    def _ensure_group(self, chat_id: int, title: str | None) -> None:
        chat_type = "supergroup" if str(chat_id).startswith("-100") else "group"
        existing = self._chats.get(chat_id)
        if existing is None:
            self._chats[chat_id] = _Chat(id=chat_id, type=chat_type, title=title)
        elif title:
            existing.title = title

    def _require_user(self, user_id: int) -> JSON:
        if user_id not in self._users:
            self.user(user_id, f"User{user_id}")
        return self._users[user_id]

    def _user_message(
        self,
        user_id: int,
        content: JSON,
        reply_to_message_id: int | None = None,
        *,
        chat_id: int | None = None,
    ) -> JSON:
        user = self._require_user(user_id)
        chat = user_id if chat_id is None else chat_id
        if chat == user_id:
            self._not_started.discard(user_id)  # writing to the bot starts it
        message: JSON = {
            "message_id": self._take_message_id(chat),
            "from": deepcopy(user),
            "chat": self._chat_payload(chat),
            "date": int(self._now()),
            **deepcopy(content),
        }
        if reply_to_message_id is not None:
            replied = self._message_payload(chat, reply_to_message_id, nested=True)
            if replied is None:
                raise ValueError(f"no message {reply_to_message_id} in chat {chat} to reply to")
            message["reply_to_message"] = replied
        self._user_messages[chat][message["message_id"]] = message
        return self._enqueue({"message": deepcopy(message)})

    def _member_update(self, chat_id: int, by_user_id: int, old: str, new: str) -> JSON:
        user = self._require_user(by_user_id)

        def member(status: str) -> JSON:
            data: JSON = {"user": self._bot_user(), "status": status}
            if status == "kicked":
                data["until_date"] = 0
            return data

        return self._enqueue(
            {
                "my_chat_member": {
                    "chat": self._chat_payload(chat_id),
                    "from": deepcopy(user),
                    "date": int(self._now()),
                    "old_chat_member": member(old),
                    "new_chat_member": member(new),
                }
            }
        )

    @staticmethod
    def _command_entities(text: str) -> list[JSON]:
        if not text.startswith("/"):
            return []
        command = re.split(r"\s", text, maxsplit=1)[0]
        if len(command) < 2:
            return []
        return [{"type": "bot_command", "offset": 0, "length": _utf16_len(command)}]

    def _new_file(self, kind: str) -> JSON:
        number = next(self._file_ids)
        return {
            "file_id": f"fake-{kind}-{number:06d}",
            "file_unique_id": f"u{kind[:2]}{number:06d}",
        }

    @staticmethod
    def _photo_sizes(base: JSON, size: int) -> list[JSON]:
        return [
            {
                "file_id": f"{base['file_id']}-s",
                "file_unique_id": f"{base['file_unique_id']}s",
                "width": 90,
                "height": 67,
                "file_size": max(size // 20, 1),
            },
            {**base, "width": 800, "height": 600, "file_size": size},
        ]

    @staticmethod
    def _file_id_of(message: JSON, kind: str) -> str | None:
        content = message.get(kind)
        if isinstance(content, list) and content:
            content = content[-1]
        if isinstance(content, dict) and "file_id" in content:
            return str(content["file_id"])
        return None
