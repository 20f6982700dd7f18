"""One chat's events in order, many chats at once.

discord.py runs every event as its own task, so two quick messages from one person could be
handled out of order. `ChatLocks` handles events concurrently across chats but in order within
a chat (a partner's messages must be read in the order they were written).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

__all__ = ["ChatLocks"]


class ChatLocks:
    """One lock per chat, forgotten when nobody waits for it."""

    def __init__(self) -> None:
        self._locks: dict[str, asyncio.Lock] = {}
        self._waiting: dict[str, int] = {}

    @asynccontextmanager
    async def hold(self, chat: str) -> AsyncIterator[None]:
        lock = self._locks.setdefault(chat, asyncio.Lock())
        self._waiting[chat] = self._waiting.get(chat, 0) + 1
        try:
            async with lock:
                yield
        finally:
            self._waiting[chat] -= 1
            if self._waiting[chat] == 0:
                del self._waiting[chat]
                self._locks.pop(chat, None)

    def __len__(self) -> int:
        return len(self._locks)
