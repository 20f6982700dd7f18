"""Text helpers every channel needs."""

from __future__ import annotations


def split_text(text: str, limit: int) -> list[str]:
    """Pieces of at most `limit` characters, cut at a paragraph break if there is one in the
    second half of the piece, else at a line break, else at a space, else anywhere."""
    if limit < 2:
        raise ValueError("limit must be at least 2")
    pieces: list[str] = []
    rest = text
    while len(rest) > limit:
        window = rest[:limit]
        cut = -1
        for separator in ("\n\n", "\n", " "):
            at = window.rfind(separator)
            if at >= limit // 2:
                cut = at
                break
        if cut == -1:
            pieces.append(window)
            rest = rest[limit:]
            continue
        pieces.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip("\n ")
    if rest or not pieces:
        pieces.append(rest)
    # A piece of nothing but white space (a partner who sent 9,000 tabs) is refused by chat
    # apps as "empty": leave it out rather than lose the rest of the message with it.
    return [piece for piece in pieces if piece.strip()] or [text.strip() or "…"]
