"""What every channel offers the outbox, what one may also offer (fetching its own files), and
how a send can fail: the protocols and errors the core owns (bot/core/ports.py), named here for
the platform folders that implement them."""

from bot.core.ports import (
    Channel,
    MediaSource,
    PermanentSendError,
    RejectedSendError,
    StatusChannel,
    TemporarySendError,
)

__all__ = [
    "Channel",
    "MediaSource",
    "PermanentSendError",
    "RejectedSendError",
    "StatusChannel",
    "TemporarySendError",
]
