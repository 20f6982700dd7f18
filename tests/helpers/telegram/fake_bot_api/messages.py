"""The Bot API methods that send, copy, edit, delete, pin and unpin messages, answer callback
queries, leave chats and show chat actions."""

from __future__ import annotations

from copy import deepcopy

from tests.helpers.telegram.fake_bot_api.entities import _same_markup
from tests.helpers.telegram.fake_bot_api.state import ApiState
from tests.helpers.telegram.fake_bot_api.wire import (
    _CONTENT_KEYS,
    JSON,
    NOT_MODIFIED,
    ApiError,
    _as_int,
)


class Messages(ApiState):
    """sendMessage and its kin, with Telegram's checks."""

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
        if not self._forget_message(chat_id, message_id):
            raise ApiError(400, "Bad Request: message to delete not found")
        self._notify()
        return True

    def _pin_chat_message(self, p: JSON) -> bool:
        """Pin a message (in a private chat any bot may; it becomes the top pin). Telegram posts
        a service message about it in the chat, with a sound unless disable_notification."""
        chat_id = self._target_chat(p)
        message_id = _as_int(p.get("message_id"))
        if message_id is None or self._message_payload(chat_id, message_id) is None:
            raise ApiError(400, "Bad Request: message to pin not found")
        pins = self.pinned[chat_id]
        if message_id in pins:
            pins.remove(message_id)
        pins.append(message_id)
        self.pin_notices.append(
            {
                "message_id": self._take_message_id(chat_id),
                "chat_id": chat_id,
                "pinned_message_id": message_id,
                "disable_notification": bool(p.get("disable_notification", False)),
                "date": int(self._now()),
            }
        )
        self._notify()
        return True

    def _unpin_chat_message(self, p: JSON) -> bool:
        """Unpin one message, or without message_id the most recent pin; a message that is not
        pinned (or not there) answers 400 "message to unpin not found"."""
        chat_id = self._target_chat(p)
        pins = self.pinned[chat_id]
        message_id = _as_int(p.get("message_id"))
        if message_id is None and pins:
            pins.pop()
        elif message_id is not None and message_id in pins:
            pins.remove(message_id)
        else:
            raise ApiError(400, "Bad Request: message to unpin not found")
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
