"""HTML parse_mode checked and rendered as Telegram does, and inline keyboards compared."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any

from tests.helpers.telegram.fake_bot_api.wire import _HTML_ENTITY_TYPES, JSON, ApiError, _utf16_len


class _HtmlRenderer(HTMLParser):
    """Telegram's HTML parse_mode: plain text plus entities, or a parse error."""

    def __init__(self, source: str) -> None:
        super().__init__(convert_charrefs=True)
        self.source = source
        self.parts: list[str] = []
        self.length = 0  # in UTF-16 code units, as Telegram counts entity offsets
        self.stack: list[tuple[str, int, dict[str, str | None]]] = []
        self.entities: list[JSON] = []
        self.error: str | None = None
        self._line_starts = [0]
        for match in re.finditer("\n", source):
            self._line_starts.append(match.end())

    def _byte_offset(self) -> int:
        line, column = self.getpos()
        index = self._line_starts[line - 1] + column
        return len(self.source[:index].encode("utf-8"))

    def _fail(self, message: str) -> None:
        if self.error is None:
            self.error = message

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        supported = tag in _HTML_ENTITY_TYPES and not (
            tag == "span" and attributes.get("class") != "tg-spoiler"
        )
        if not supported:
            self._fail(f'Unsupported start tag "{tag}" at byte offset {self._byte_offset()}')
        self.stack.append((tag, self.length, attributes))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._fail(f'Unsupported start tag "{tag}/" at byte offset {self._byte_offset()}')

    def handle_endtag(self, tag: str) -> None:
        if not self.stack:
            self._fail(f"Unexpected end tag at byte offset {self._byte_offset()}")
            return
        open_tag, start, attributes = self.stack.pop()
        if open_tag != tag:
            self._fail(
                f"Unmatched end tag at byte offset {self._byte_offset()}, "
                f'expected "</{open_tag}>", found "</{tag}>"'
            )
            return
        kind = _HTML_ENTITY_TYPES.get(tag)
        length = self.length - start
        if kind is None or length <= 0:
            return
        css = attributes.get("class") or ""
        if (
            tag == "code"
            and css.startswith("language-")
            and self.stack
            and self.stack[-1][0] == "pre"
        ):
            self.stack[-1][2]["language"] = css.removeprefix("language-")
            return
        entity: JSON = {"type": kind, "offset": start, "length": length}
        if kind == "text_link":
            href = attributes.get("href") or ""
            if not href:
                return
            entity["url"] = href
        elif kind == "pre" and attributes.get("language"):
            entity["language"] = attributes["language"]
        elif kind == "blockquote" and "expandable" in attributes:
            entity["type"] = "expandable_blockquote"
        elif kind == "custom_emoji":
            entity["custom_emoji_id"] = attributes.get("emoji-id") or ""
        self.entities.append(entity)

    def handle_data(self, data: str) -> None:
        self.parts.append(data)
        self.length += _utf16_len(data)

    def handle_comment(self, data: str) -> None:
        self._fail(f"Unsupported comment at byte offset {self._byte_offset()}")

    def handle_decl(self, decl: str) -> None:
        self._fail(f"Unsupported declaration at byte offset {self._byte_offset()}")

    def handle_pi(self, data: str) -> None:
        self._fail(f"Unsupported processing instruction at byte offset {self._byte_offset()}")

    def render(self) -> tuple[str, list[JSON]]:
        bare = re.search(r"<(?![a-zA-Z/!?])", self.source)
        if bare is not None:
            offset = len(self.source[: bare.start()].encode("utf-8"))
            rest = self.source[bare.start() + 1 :].split(" ", 1)[0].split(">", 1)[0]
            self._fail(f'Unsupported start tag "{rest}" at byte offset {offset}')
        self.feed(self.source)
        self.close()
        if self.error is None and self.stack:
            self._fail(f'Can\'t find end tag corresponding to start tag "{self.stack[-1][0]}"')
        if self.error is not None:
            raise ApiError(400, f"Bad Request: can't parse entities: {self.error}")
        entities = sorted(self.entities, key=lambda e: (e["offset"], -e["length"]))
        return "".join(self.parts), entities


def _inline_keyboard(markup: Any) -> list[list[JSON]] | None:
    if isinstance(markup, dict):
        rows = markup.get("inline_keyboard")
        if isinstance(rows, list) and rows:
            return rows
    return None


def _same_markup(a: Any, b: Any) -> bool:
    return _inline_keyboard(a) == _inline_keyboard(b)
