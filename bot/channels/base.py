"""What every channel offers the outbox, and how a send can fail: the protocol and errors the
core owns (bot/core/ports.py), named here for the platform folders that implement them."""

from bot.core.ports import (
    Channel,
    PermanentSendError,
    RejectedSendError,
    StatusChannel,
    TemporarySendError,
)

__all__ = [
    "Channel",
    "PermanentSendError",
    "RejectedSendError",
    "StatusChannel",
    "TemporarySendError",
]
