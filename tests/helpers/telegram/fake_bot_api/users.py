"""What simulated users do: start the bot, write, press buttons, edit, join groups, block."""

from __future__ import annotations

import json
from collections.abc import Sequence
from copy import deepcopy
from typing import Any

from tornado.httpclient import AsyncHTTPClient, HTTPRequest

from tests.helpers.telegram.fake_bot_api.entities import _inline_keyboard
from tests.helpers.telegram.fake_bot_api.state import ApiState
from tests.helpers.telegram.fake_bot_api.wire import JSON


class SimulatedUsers(ApiState):
    """Test-facing actions of the simulated users; each enqueues an update."""

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

    def send_photo(
        self, user_id: int, caption: str | None = None, data: bytes | None = None
    ) -> JSON:
        """A photo from the user, in two sizes; `data` is what downloading the largest gives
        (made-up bytes of its size when not given)."""
        base = self._new_file("photo")
        data = data if data is not None else bytes(i % 251 for i in range(45_000))
        self.file_contents[base["file_id"]] = data
        content: JSON = {"photo": self._photo_sizes(base, len(data))}
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

    def delete(self, user_id: int, message_id: int) -> None:
        """The user deletes a message in their private chat with the bot (their own or the
        bot's, for both sides), unpinning it if it was pinned. Telegram tells the bot nothing."""
        if not self._forget_message(user_id, message_id):
            raise ValueError(f"no message {message_id} in chat {user_id}")
        self._notify()

    def unpin(self, user_id: int, message_id: int) -> None:
        """The user unpins a message in their private chat. Telegram tells the bot nothing."""
        self.pinned[user_id].remove(message_id)
        self._notify()

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
