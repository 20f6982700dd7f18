"""The wire format: which parameters PTB sends as text, how a request is read, and the
`ApiError` a method raises to answer ``ok: false``."""

from __future__ import annotations

import json
import re
from typing import Any

JSON = dict[str, Any]

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
        "file_id",
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
_LANGUAGE_RE = re.compile(r"^[a-z]{2}$")  # setMyCommands' language_code: ISO 639-1

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
