"""getUpdates (long polling, offset, allowed_updates), webhooks, getMe and the command menu."""

from __future__ import annotations

import asyncio
import json
import time
from collections import deque
from copy import deepcopy

from tests.helpers.telegram.fake_bot_api.state import ApiState
from tests.helpers.telegram.fake_bot_api.wire import (
    _COMMAND_RE,
    _LANGUAGE_RE,
    _WITHHELD_BY_DEFAULT,
    JSON,
    ApiError,
    _as_int,
)


class Updates(ApiState):
    """The Bot API methods about the bot itself and how it receives updates."""

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
        language = p.get("language_code") or ""
        if not isinstance(language, str) or not (language == "" or _LANGUAGE_RE.match(language)):
            raise ApiError(400, "Bad Request: invalid language code specified")
        if self._scope_key(p) == self._scope_key({}):
            self.commands = deepcopy(commands)  # the menu everyone sees by default
        self.commands_by_scope[self._scope_key(p)] = deepcopy(commands)
        return True

    def _get_my_commands(self, p: JSON) -> list[JSON]:
        return deepcopy(self.commands_by_scope.get(self._scope_key(p), []))

    def _delete_my_commands(self, p: JSON) -> bool:
        self.commands_by_scope.pop(self._scope_key(p), None)
        if self._scope_key(p) == self._scope_key({}):
            self.commands = []
        return True
