"""Outgoing messages as Discord messages: plain text with every character shown as written
(Markdown escaped, mentions defused), long texts split at 2,000 characters, buttons as a view
whose custom ids are the core's button data, media and files as links, notes or uploads."""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass

import discord

from bot.channels.long_text import split_text
from bot.core import texts, words
from bot.core.events import Attachment, Button, MediaRef, Outgoing, media_name

log = logging.getLogger(__name__)

NAME = "discord"
MAX_TEXT = 2000  # characters in one message
MAX_ROWS = 5  # action rows in one message
MAX_PER_ROW = 5  # buttons in one action row
CUSTOM_ID_LIMIT = 100
LABEL_LIMIT = 80
NO_MENTIONS = discord.AllowedMentions.none()


def escape(text: str) -> str:
    """Text that Discord shows exactly as written: no Markdown, no mention that pings."""
    return discord.utils.escape_markdown(discord.utils.escape_mentions(text))


def text_pieces(text: str) -> list[str]:
    """The text escaped, in pieces Discord accepts. Splitting happens before escaping, so an
    escape is never cut from what it escapes; a piece that escaping made too long is split
    again."""
    return [piece for raw in split_text(text, MAX_TEXT) for piece in _escaped(raw)]


def _escaped(raw: str) -> list[str]:
    escaped = escape(raw)
    if len(escaped) <= MAX_TEXT:
        return [escaped]
    return [piece for part in split_text(raw, len(raw) // 2 + 1) for piece in _escaped(part)]


def message_text(out: Outgoing) -> str:
    """The plain text to show. Discord has no deep links into a DM, so an invite says how the
    code is used instead."""
    if out.invite_code:
        note = words.translate(texts.INVITE_NO_LINK, out.lang).format(
            app="Discord", other="Telegram", code=out.invite_code
        )
        return f"{out.text}\n\n{note}"
    return out.text


class ButtonsView(discord.ui.View):
    """Buttons whose custom ids are the core's button data.

    Presses are handled statelessly in `on_interaction` by custom id (so they work after a
    restart), never by this object: it tells discord.py not to keep it in its view store,
    where thousands of timeout-less views would pile up and race our own answer.
    """

    def __init__(self, rows: list[list[Button]]) -> None:
        super().__init__(timeout=None)
        for index, row in enumerate(rows):
            for button in row:
                self.add_item(
                    discord.ui.Button(
                        label=button.label[:LABEL_LIMIT],
                        custom_id=button.data[:CUSTOM_ID_LIMIT],
                        style=discord.ButtonStyle.secondary,
                        row=index,
                    )
                )

    def is_dispatchable(self) -> bool:
        return False

    def is_finished(self) -> bool:
        return True


def button_rows(buttons: tuple[tuple[Button, ...], ...]) -> list[list[Button]]:
    """The core's rows fitted into Discord's 5 rows of 5: long rows are cut into pieces of 5,
    and when that makes more than 5 rows, pieces share a row where they fit. Buttons with the
    same data (Discord refuses duplicate custom ids) appear once."""
    seen: set[str] = set()
    chunks: list[list[Button]] = []
    for row in buttons:
        unique = []
        for button in row:
            key = button.data[:CUSTOM_ID_LIMIT]
            if key not in seen:
                seen.add(key)
                unique.append(button)
        chunks += [unique[i : i + MAX_PER_ROW] for i in range(0, len(unique), MAX_PER_ROW)]
    if len(chunks) <= MAX_ROWS:
        return chunks
    packed: list[list[Button]] = []
    for chunk in chunks:
        if packed and len(packed[-1]) + len(chunk) <= MAX_PER_ROW:
            packed[-1] += chunk
        else:
            packed.append(list(chunk))
    if len(packed) > MAX_ROWS:
        flat = [b for chunk in chunks for b in chunk]
        packed = [flat[i : i + MAX_PER_ROW] for i in range(0, len(flat), MAX_PER_ROW)]
    if len(packed) > MAX_ROWS:
        log.warning("buttons left out: more than Discord shows", extra={"count": len(seen)})
    return packed[:MAX_ROWS]


def view_of(out: Outgoing) -> ButtonsView | None:
    return ButtonsView(button_rows(out.buttons)) if out.buttons else None


def media_text(media: MediaRef, lang: str | None = None) -> str:
    """A relayed answer: the caption as written, then the file itself as a link Discord
    previews (media kept on Discord), or a note saying what was sent (media from another
    app that has no public link). Media its own app can fetch (a Telegram photo) comes as an
    attachment instead: the outbox fetched it (`bot/outbox.py`)."""
    caption = escape(media.caption) + "\n" if media.caption else ""
    if media.ref.startswith("https://"):
        return caption + media.ref
    note = words.translate(texts.MEDIA_ACROSS, lang).format(
        what=media_name(media.kind, lang), app=media.channel.title()
    )
    return caption + escape(note)


def file_of(attachment: Attachment) -> discord.File:
    return discord.File(io.BytesIO(attachment.data), filename=attachment.filename)


@dataclass
class Piece:
    """One Discord message: its content, and the view or file it carries."""

    content: str
    view: ButtonsView | None = None
    file: discord.File | None = None


def pieces(out: Outgoing) -> list[Piece]:
    """The messages an outgoing message becomes, in order: the text (split), then the relayed
    media if any. Buttons and a file go on the last message. Needs a running event loop (a
    view does)."""
    result = [Piece(text) for text in text_pieces(message_text(out)) if text]
    if out.media is not None:
        result.append(Piece(media_text(out.media, out.lang)))
    if not result:
        result.append(Piece(""))
    last = result[-1]
    last.view = view_of(out)
    if out.attachment is not None:
        last.file = file_of(out.attachment)
    return result
