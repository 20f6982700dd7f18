"""What every channel offers the outbox, and how a send can fail."""

from __future__ import annotations

from typing import Protocol

from bot.core.events import Outgoing


class Channel(Protocol):
    """A chat platform, seen from the outbox: it renders and sends one message."""

    name: str

    async def send(self, out: Outgoing) -> str | None:
        """Send; return the platform's id of the (first) message sent, if it has one."""
        ...


class TemporarySendError(Exception):
    """Try again later (flood control, a network fault, a 5xx)."""

    def __init__(self, reason: str, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.retry_after = retry_after


class PermanentSendError(Exception):
    """This member cannot be reached (they blocked the bot, deleted the chat...)."""


class RejectedSendError(Exception):
    """The platform refused this message for good (but the member is fine): do not retry."""
