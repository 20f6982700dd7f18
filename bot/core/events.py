"""What comes in from a channel and what goes out to one: plain data, no platform types."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.core import texts, words


@dataclass(frozen=True, slots=True)
class Sender:
    """Who wrote: a (channel, user id) pair, the chat to answer in, and what the channel knows.

    `display_name` is whatever the person chose to be called; `handle` is what the platform
    itself vouches for, unique and ready to show (an "@username", a user name),
    or None when there is none.
    """

    channel: str
    user_id: str
    chat_id: str
    display_name: str
    language: str | None = None
    handle: str | None = None


@dataclass(frozen=True, slots=True)
class Command:
    """`/name args` — the name without slash, lowercased; args as typed."""

    sender: Sender
    name: str
    args: str = ""


@dataclass(frozen=True, slots=True)
class Text:
    """A plain message. `reply_to` is the channel's id of the message it replies to, if any;
    `message_ref` the channel's id of this message (what an edit of it will name)."""

    sender: Sender
    text: str
    reply_to: str | None = None
    message_ref: str | None = None


@dataclass(frozen=True, slots=True)
class ButtonPress:
    """A pressed button: the data it carried, and the message it sat under."""

    sender: Sender
    data: str
    message_ref: str | None = None


@dataclass(frozen=True, slots=True)
class MediaRef:
    """A voice note, photo, video note or sticker, kept by reference for the channel to relay.

    `ref` is what its own channel relays it by; `file`, when the channel has one, is the
    channel's id for fetching the file itself (see `MediaSource` in `bot/core/ports.py`), so
    that another app can be sent the file instead of a note. Refs stored before `file`
    existed have none.
    """

    channel: str
    kind: str
    ref: str
    caption: str | None = None
    file: str | None = None

    def to_json(self) -> dict[str, Any]:
        """The stored form. `file` only when there is one, so refs without it keep the shape
        they always had."""
        stored: dict[str, Any] = {
            "channel": self.channel,
            "kind": self.kind,
            "ref": self.ref,
            "caption": self.caption,
        }
        if self.file is not None:
            stored["file"] = self.file
        return stored

    @classmethod
    def from_json(cls, stored: dict[str, Any]) -> MediaRef:
        """A stored ref, old (no `file`) or new; keys it does not know are left out."""
        return cls(
            channel=stored["channel"],
            kind=stored["kind"],
            ref=stored["ref"],
            caption=stored.get("caption"),
            file=stored.get("file"),
        )


@dataclass(frozen=True, slots=True)
class Media:
    """A media message."""

    sender: Sender
    media: MediaRef
    reply_to: str | None = None
    message_ref: str | None = None


@dataclass(frozen=True, slots=True)
class Edit:
    """A message the person changed after sending it: `message_ref` is the channel's id of that
    message; `text` and `media` are what it says now. Never a new message, never a command."""

    sender: Sender
    message_ref: str
    text: str | None = None
    media: MediaRef | None = None


@dataclass(frozen=True, slots=True)
class Unsupported:
    """Something the bot does not understand (a location, a poll, a contact...): `kind` is a key
    of `texts.UNSUPPORTED_NAMES` ("location"), or anything else for a kind without a name; the
    core names it in the reader's language."""

    sender: Sender
    kind: str = ""


Event = Command | Text | ButtonPress | Media | Edit | Unsupported


@dataclass(frozen=True, slots=True)
class Button:
    label: str
    data: str


@dataclass(frozen=True, slots=True)
class Attachment:
    """A file sent with this message: one made for a direct reply (the progress picture, an
    export), or media fetched from another app by the outbox just before sending. Never
    stored: an outbox row keeps media by reference (`MediaRef`)."""

    filename: str
    data: bytes
    kind: str = "document"  # "photo" or "document"


@dataclass(frozen=True, slots=True)
class Recipient:
    """Where a message goes: the member and the address on the member's channel."""

    member_id: int
    channel: str
    chat_id: str


KEEP, DROP = "keep", "drop"  # what an `Outgoing.status` asks of the chat's status line


@dataclass(frozen=True, slots=True)
class Outgoing:
    """One message for one member.

    `invite_code` asks the channel to add its own share link for that pairing code (the core
    does not know the bot's username). `silent` asks for no notification sound. `lang` is the
    reader's language, for the few words a channel adds itself. `status` makes it the chat's
    status line instead of a message (`bot.core.status`): KEEP shows the text in the one status
    message kept pinned there, DROP unpins it; a channel that keeps no status skips it.
    """

    to: Recipient
    text: str
    buttons: tuple[tuple[Button, ...], ...] = ()
    media: MediaRef | None = None
    silent: bool = False
    invite_code: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    attachment: Attachment | None = None
    lang: str | None = None
    status: str = ""

    def to_payload(self) -> dict[str, Any]:
        """A JSON-safe form, for the outbox table (attachments are for direct replies only)."""
        if self.attachment is not None:
            raise ValueError("attachments are sent as direct replies, not through the outbox")
        return {
            "text": self.text,
            "buttons": [[[b.label, b.data] for b in row] for row in self.buttons],
            "media": None if self.media is None else self.media.to_json(),
            "silent": self.silent,
            "invite_code": self.invite_code,
            "extra": self.extra,
            "lang": self.lang,
            "status": self.status,
        }

    @classmethod
    def from_payload(cls, to: Recipient, payload: dict[str, Any]) -> Outgoing:
        media = payload.get("media")
        return cls(
            to=to,
            text=payload["text"],
            buttons=tuple(
                tuple(Button(label, data) for label, data in row) for row in payload["buttons"]
            ),
            media=None if media is None else MediaRef.from_json(media),
            silent=payload.get("silent", False),
            invite_code=payload.get("invite_code"),
            extra=payload.get("extra", {}),
            lang=payload.get("lang"),
            status=payload.get("status", ""),
        )


def keyboard(*rows: list[tuple[str, str]]) -> tuple[tuple[Button, ...], ...]:
    """Buttons from rows of (label, data) pairs."""
    return tuple(tuple(Button(label, data) for label, data in row) for row in rows)


def parse_command(text: str) -> tuple[str, str] | None:
    """`/Name@bot args` as ("name", "args"), or None when the text is not a command."""
    if not text.startswith("/") or len(text) < 2 or text[1].isspace():
        return None
    head, *rest = text[1:].split(maxsplit=1)
    args = rest[0] if rest else ""
    name = head.split("@", 1)[0].lower()
    if not name or not all(ch.isalnum() or ch == "_" for ch in name):
        return None
    return name, args.strip()


MEDIA_NAMES = texts.MEDIA_NAMES


def media_name(kind: str, /, lang: str | None = None) -> str:
    """How a kind of media is called in a sentence ("voice note"), in `lang`."""
    return words.say(f"MEDIA_NAMES.{kind if kind in MEDIA_NAMES else 'document'}", lang)


def unsupported_name(kind: str, /, lang: str | None = None) -> str:
    """How a kind of message the bot cannot use is called in a sentence ("a location"), in
    `lang`."""
    if kind in texts.UNSUPPORTED_NAMES:
        return words.say(f"UNSUPPORTED_NAMES.{kind}", lang)
    return words.translate(texts.UNSUPPORTED_OTHER, lang)
