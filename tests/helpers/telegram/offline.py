"""An offline Bot API for handler tests, the way python-telegram-bot's own suite tests without a
network: a `BaseRequest` that records every call and answers like Telegram would."""

from __future__ import annotations

import json
from itertools import count
from typing import Any

from telegram import Update
from telegram.ext import Application
from telegram.request import BaseRequest, RequestData

BOT = {
    "id": 999,
    "is_bot": True,
    "first_name": "Rekindle",
    "username": "rekindle_test_bot",
    "can_join_groups": False,
    "can_read_all_group_messages": False,
    "supports_inline_queries": False,
}
DATE = 1_764_604_800  # 2025-12-01, seconds


class OfflineRequest(BaseRequest):
    """Records (method, parameters); answers from canned results or queued errors."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.errors: dict[str, list[dict[str, Any]]] = {}
        self._ids = count(1000)

    @property
    def read_timeout(self) -> float | None:
        return 1.0

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    def fail(self, method: str, error_code: int, description: str, **parameters: Any) -> None:
        answer: dict[str, Any] = {"ok": False, "error_code": error_code, "description": description}
        if parameters:
            answer["parameters"] = parameters
        self.errors.setdefault(method, []).append(answer)

    def sent(self, method: str = "sendMessage") -> list[dict[str, Any]]:
        return [params for name, params in self.calls if name == method]

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = None,
        write_timeout: Any = None,
        connect_timeout: Any = None,
        pool_timeout: Any = None,
    ) -> tuple[int, bytes]:
        api_method = url.rsplit("/", 1)[-1]
        params = dict(request_data.parameters) if request_data else {}
        self.calls.append((api_method, params))
        if self.errors.get(api_method):
            answer = self.errors[api_method].pop(0)
            status = 500 if answer["error_code"] >= 500 else 400
            return status, json.dumps(answer).encode()
        return 200, json.dumps({"ok": True, "result": self._result(api_method, params)}).encode()

    def _result(self, method: str, params: dict[str, Any]) -> Any:
        if method == "getMe":
            return BOT
        if method in {"sendMessage", "editMessageText", "sendPhoto", "sendDocument"}:
            chat_id = int(params.get("chat_id", 0))
            message: dict[str, Any] = {
                "message_id": next(self._ids),
                "date": DATE,
                "chat": {"id": chat_id, "type": "private"},
                "from": BOT,
            }
            if "text" in params:
                message["text"] = params["text"]
            return message
        if method == "copyMessage":
            return {"message_id": next(self._ids)}
        if method == "editMessageReplyMarkup":
            return True
        return True


def user(user_id: int, name: str) -> dict[str, Any]:
    return {"id": user_id, "is_bot": False, "first_name": name, "language_code": "en"}


def private_chat(user_id: int, name: str) -> dict[str, Any]:
    return {"id": user_id, "type": "private", "first_name": name}


_update_ids = count(1)


def message_update(user_id: int, name: str, **message: Any) -> dict[str, Any]:
    """A private message; `text` starting with / gets a bot_command entity, as Telegram adds."""
    body: dict[str, Any] = {
        "message_id": next(_update_ids) + 10_000,
        "date": DATE,
        "chat": private_chat(user_id, name),
        "from": user(user_id, name),
        **message,
    }
    text = message.get("text")
    if isinstance(text, str) and text.startswith("/"):
        length = len(text.split()[0])
        body["entities"] = [{"type": "bot_command", "offset": 0, "length": length}]
    return {"update_id": next(_update_ids), "message": body}


def callback_update(user_id: int, name: str, data: str, message_id: int = 1) -> dict[str, Any]:
    return {
        "update_id": next(_update_ids),
        "callback_query": {
            "id": str(next(_update_ids)),
            "from": user(user_id, name),
            "chat_instance": "ci",
            "data": data,
            "message": {
                "message_id": message_id,
                "date": DATE,
                "chat": private_chat(user_id, name),
                "from": BOT,
                "text": "question",
                "reply_markup": {"inline_keyboard": [[{"text": "x", "callback_data": data}]]},
            },
        },
    }


async def feed(application: Application, payload: dict[str, Any]) -> None:  # type: ignore[type-arg]
    await application.process_update(Update.de_json(payload, application.bot))
