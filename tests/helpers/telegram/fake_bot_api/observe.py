"""What tests read back: the messages in a chat, the calls made, the pace of sends."""

from __future__ import annotations

import time
from collections.abc import Callable
from copy import deepcopy

from tests.helpers.telegram.fake_bot_api.state import ApiState
from tests.helpers.telegram.fake_bot_api.wire import JSON


class Observations(ApiState):
    """Test-facing reads of what the bot sent and called."""

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
