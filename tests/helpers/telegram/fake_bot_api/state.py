"""The fake's state (chats, users, messages, pending updates, faults) and the record-keeping
shared by every method group: message records, their payloads, chats and simulated users."""

from __future__ import annotations

import asyncio
import itertools
import random
import re
import time
from collections import defaultdict, deque
from collections.abc import Callable
from copy import deepcopy
from dataclasses import dataclass
from typing import Any

from tornado.httpserver import HTTPServer

from tests.helpers.telegram.fake_bot_api.entities import _HtmlRenderer, _inline_keyboard
from tests.helpers.telegram.fake_bot_api.wire import (
    BLOCKED_DESCRIPTION,
    JSON,
    ApiError,
    _as_int,
    _utf16_len,
)


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


class ApiState:
    """What the fake Bot API holds, and the record-keeping every method group shares."""

    _methods: dict[str, Callable[[JSON], Any]]
    _canonical: dict[str, str]

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
        # Pinned message ids per chat, the most recent last; and the service messages pinning
        # posts in the chat ("Rekindle pinned …"), which take a message id but hold no text.
        self.pinned: defaultdict[int, list[int]] = defaultdict(list)
        self.pin_notices: list[JSON] = []
        self.errors: list[str] = []  # bugs in the fake itself (answered as 500)
        self.file_contents: dict[str, bytes] = {}  # file id -> what downloading it gives
        self.downloads: list[str] = []  # file paths asked for at the file server

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
        self._issued_files: dict[str, str] = {}  # file id -> kind, for every file made here
        self._file_paths: dict[str, str] = {}  # file_path (getFile) -> file id
        self._gone_files: set[str] = set()  # forget_file()
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

    def _enqueue(self, body: JSON) -> JSON:
        update = {"update_id": next(self._update_ids), **body}
        self._pending.append(update)
        self._notify()
        return deepcopy(update)

    def _bot_user(self) -> JSON:
        return {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": self.bot_first_name,
            "username": self.bot_username,
        }

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

    def _forget_message(self, chat_id: int, message_id: int | None) -> bool:
        """Delete a message (the bot's or the user's) from the chat, and its pin; False if there
        is no such message."""
        record = self._bot_record(chat_id, message_id) if message_id is not None else None
        if record is not None:
            self._bot_messages[chat_id].remove(record)
            self.deleted.append(record)
        elif message_id is not None and message_id in self._user_messages[chat_id]:
            self.deleted.append(self._user_messages[chat_id].pop(message_id))
        else:
            return False
        if message_id in self.pinned[chat_id]:
            self.pinned[chat_id].remove(message_id)
        return True

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
        file_id = f"fake-{kind}-{number:06d}"
        self._issued_files[file_id] = kind
        return {"file_id": file_id, "file_unique_id": f"u{kind[:2]}{number:06d}"}

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
