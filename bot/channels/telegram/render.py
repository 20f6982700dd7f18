"""Outgoing messages as Telegram calls: HTML with every piece of text escaped, long texts split,
buttons as inline keyboards, invite codes with their deep link."""

from __future__ import annotations

import html

from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.constants import MessageLimit

from bot.channels.long_text import split_text
from bot.core import texts, words
from bot.core.events import Outgoing

MAX_TEXT = MessageLimit.MAX_TEXT_LENGTH  # 4096
CALLBACK_DATA_LIMIT = 64


def deep_link(username: str, code: str) -> str:
    return f"https://t.me/{username}?start={code}"


def message_text(out: Outgoing, bot_username: str | None) -> str:
    """The plain text to show, with the invite link added when the message carries a code."""
    text = out.text
    if out.invite_code and bot_username:
        link = deep_link(bot_username, out.invite_code)
        text += "\n\n" + words.translate(texts.INVITE_LINK, out.lang).format(link=link)
    return text


def html_pieces(text: str) -> list[str]:
    """The text escaped for HTML parse mode, in pieces Telegram accepts. Splitting happens
    before escaping, so an entity like &amp; is never cut in half; a piece that escaping made
    too long is split again."""
    return [piece for raw in split_text(text, MAX_TEXT) for piece in _escaped(raw)]


def _escaped(raw: str) -> list[str]:
    escaped = html.escape(raw, quote=False)
    if len(escaped) <= MAX_TEXT:
        return [escaped]
    return [piece for part in split_text(raw, len(raw) // 2 + 1) for piece in _escaped(part)]


def keyboard(out: Outgoing) -> InlineKeyboardMarkup | None:
    if not out.buttons:
        return None
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(button.label, callback_data=button.data[:CALLBACK_DATA_LIMIT])
                for button in row
            ]
            for row in out.buttons
        ]
    )
