"""The HTTP side: the tornado server, its request handler, and `FakeBotApi` composed from
the method groups."""

from __future__ import annotations

import asyncio
import json
import time
import traceback
from collections.abc import Callable
from typing import Any

from tornado.httpserver import HTTPServer
from tornado.netutil import bind_sockets
from tornado.web import Application, RequestHandler

from tests.helpers.telegram.fake_bot_api.faults import Faults
from tests.helpers.telegram.fake_bot_api.files import Files
from tests.helpers.telegram.fake_bot_api.messages import Messages
from tests.helpers.telegram.fake_bot_api.observe import Observations
from tests.helpers.telegram.fake_bot_api.updates import Updates
from tests.helpers.telegram.fake_bot_api.users import SimulatedUsers
from tests.helpers.telegram.fake_bot_api.wire import (
    BLOCKED_DESCRIPTION,
    JSON,
    ApiError,
    parse_request,
)


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


class _FileHandler(RequestHandler):
    """``/file/bot<token>/<file_path>``: the bytes of a file, as Telegram's file server."""

    api: FakeBotApi

    def initialize(self, api: FakeBotApi) -> None:
        self.api = api

    def get(self, token: str, path: str) -> None:
        status, data = self.api._download(token, path)
        self.set_status(status)
        if data is None:
            self.set_header("Content-Type", "application/json")
            description = "Unauthorized" if status == 401 else "Not Found"
            self.finish(json.dumps({"ok": False, "error_code": status, "description": description}))
            return
        self.set_header("Content-Type", "application/octet-stream")
        self.finish(data)


class _NotFoundHandler(RequestHandler):
    def prepare(self) -> None:
        self.set_status(404)
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps({"ok": False, "error_code": 404, "description": "Not Found"}))


class FakeBotApi(SimulatedUsers, Observations, Faults, Updates, Messages, Files):
    """An in-process Telegram Bot API server with simulated users (see the package docstring)."""

    def __init__(
        self,
        token: str = "123:abc",
        bot_username: str = "rekindle_test_bot",
        bot_first_name: str = "Rekindle",
        *,
        strict_html: bool = True,
        now: Callable[[], float] = time.time,
    ) -> None:
        super().__init__(token, bot_username, bot_first_name, strict_html=strict_html, now=now)
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
            "pinChatMessage": self._pin_chat_message,
            "unpinChatMessage": self._unpin_chat_message,
            "answerCallbackQuery": self._answer_callback_query,
            "copyMessage": self._copy_message,
            "sendPhoto": lambda p: self._send_media("photo", p),
            "sendDocument": lambda p: self._send_media("document", p),
            "sendVoice": lambda p: self._send_media("voice", p),
            "sendVideoNote": lambda p: self._send_media("video_note", p),
            "sendSticker": lambda p: self._send_media("sticker", p),
            "leaveChat": self._leave_chat,
            "sendChatAction": self._send_chat_action,
            "getFile": self._get_file,
            "close": lambda p: True,
            "logOut": lambda p: True,
        }
        self._canonical = {name.lower(): name for name in [*self._methods, "getUpdates"]}

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:<port>/bot``: PTB appends the token."""
        if self.port is None:
            raise RuntimeError("FakeBotApi is not started")
        return f"http://127.0.0.1:{self.port}/bot"

    @property
    def base_file_url(self) -> str:
        """``http://127.0.0.1:<port>/file/bot``: PTB's `base_file_url` (it appends the token;
        getFile's file_path follows)."""
        return self.base_url.replace("/bot", "/file/bot")

    async def start(self) -> None:
        if self._server is not None:
            raise RuntimeError("FakeBotApi is already started")
        self._closing = asyncio.get_running_loop().create_future()
        app = Application(
            [
                (r"/bot([^/]*)/([^/]+)", _Handler, {"api": self}),
                (r"/file/bot([^/]*)/(.+)", _FileHandler, {"api": self}),
            ],
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
