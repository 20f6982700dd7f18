"""A recording channel that keeps a status line the way Telegram does (`ports.StatusChannel`):
messages by id, pins, edits of a message that may have been deleted."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import count

from bot.core.events import Outgoing
from tests.helpers.service import RecordingChannel


@dataclass
class Kept:
    """One status message in a chat: what it says now, each text it said, whether pinned."""

    chat: str
    texts: list[str]
    silent: bool
    pinned: bool = True
    edits: int = 0

    @property
    def text(self) -> str:
        return self.texts[-1]


class KeepingChannel(RecordingChannel):
    """Ordinary messages as `RecordingChannel` keeps them, status messages by id."""

    def __init__(self, name: str = "test") -> None:
        super().__init__(name)
        self.status: dict[str, Kept] = {}
        self.ops: list[tuple[str, str]] = []  # (operation, chat)
        self._ids = count(1000)

    async def edit_status(self, out: Outgoing, ref: str) -> bool:
        kept = self.status.get(ref)
        if kept is None:
            return False  # deleted: Telegram's "message to edit not found"
        self.ops.append(("edit", out.to.chat_id))
        if kept.text != out.text:
            kept.texts.append(out.text)
            kept.edits += 1
        return True

    async def post_status(self, out: Outgoing) -> str:
        ref = str(next(self._ids))
        self.status[ref] = Kept(out.to.chat_id, [out.text], silent=out.silent)
        self.ops.append(("post", out.to.chat_id))
        return ref

    async def drop_status(self, out: Outgoing, ref: str) -> None:
        self.ops.append(("unpin", out.to.chat_id))
        if ref in self.status:
            self.status[ref].pinned = False

    def delete(self, chat: str) -> None:
        """The person deletes the status message in their chat."""
        for ref, kept in list(self.status.items()):
            if kept.chat == chat:
                del self.status[ref]

    def of(self, chat: str) -> list[Kept]:
        """The status messages in a chat, oldest first."""
        return [kept for kept in self.status.values() if kept.chat == chat]

    def pinned(self, chat: str) -> str | None:
        """What the chat's pinned status says, if one is pinned."""
        found = [kept.text for kept in self.of(chat) if kept.pinned]
        return found[-1] if found else None

    def count(self, operation: str, chat: str) -> int:
        return sum(op == (operation, chat) for op in self.ops)
