"""What the core needs from the world around it, as protocols the core owns: a chat channel
that sends one message (implemented by each folder under bot/channels/), optionally able to
hand over a file it keeps (`MediaSource`) and to keep a pinned status line (`StatusChannel`),
and the prompt library (implemented by bot/content.py). Secret columns' sealer is in
bot/core/secret.py."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Sequence
from typing import Protocol, runtime_checkable

from bot.core.events import Attachment, MediaRef, Outgoing


class Channel(Protocol):
    """A chat platform, seen from the outbox: it renders and sends one message."""

    name: str

    async def send(self, out: Outgoing) -> str | None:
        """Send; return the platform's id of the (first) message sent, if it has one."""
        ...


# A way to get the file behind a media reference from the app it was sent on, within a size
# limit (None when that app cannot, or it is gone): the service gives the core one made of the
# running channels that are `MediaSource`s.
MediaFetch = Callable[[MediaRef, int], Awaitable[Attachment | None]]


@runtime_checkable
class MediaSource(Protocol):
    """A channel that can also fetch a file sent on it (optional: a channel that cannot simply
    lacks `fetch`). The outbox uses it to send media to a member on another app as the file
    itself, where that app could only be told "a photo was sent on Telegram"."""

    async def fetch(self, media: MediaRef, max_bytes: int) -> Attachment | None:
        """The file behind `media` (one of this channel's own), ready to upload; None when
        this channel does not hand out that kind, has no file for it, the file is larger than
        `max_bytes`, or it is gone. Raises `TemporarySendError` for a passing fault (worth
        trying again later)."""


@runtime_checkable
class StatusChannel(Channel, Protocol):
    """A chat platform that can keep a status line in a chat (`bot.core.status`): one message,
    pinned, edited in place. The outbox finds out by these methods; a channel without them
    skips status lines. Each raises the send errors below as `send` does."""

    async def edit_status(self, out: Outgoing, ref: str) -> bool:
        """Make the status message `ref` say `out.text` (saying it already is fine); False
        when that message is gone (the person deleted it), so a new one is needed."""
        ...

    async def post_status(self, out: Outgoing) -> str:
        """Send `out.text` as a new status message without a sound and pin it, silently;
        return its id. A pin that fails leaves the message sent, unpinned."""
        ...

    async def drop_status(self, out: Outgoing, ref: str) -> None:
        """Unpin the status message `ref`; one that is gone or not pinned needs nothing."""
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


class Prompt(Protocol):
    """One prompt of the library, as the core reads it."""

    @property
    def id(self) -> str: ...

    @property
    def kind(self) -> str: ...

    @property
    def text(self) -> str: ...

    @property
    def depth(self) -> int | None: ...

    @property
    def where(self) -> str: ...

    @property
    def pack(self) -> str | None: ...

    @property
    def cost(self) -> str | None: ...

    @property
    def effort(self) -> str | None: ...


class Library(Protocol):
    """The prompt library: prompts by id, by kind (and depth), and celebration lines."""

    def get(self, prompt_id: str) -> Prompt | None: ...

    @property
    def languages(self) -> tuple[str, ...]:
        """Every language the library has texts in, English first."""
        ...

    def text(self, prompt_id: str, lang: str | None = None) -> str | None:
        """The prompt's text in `lang` (English where the library lacks it); None if unknown."""
        ...

    def follow_up(self, prompt_id: str, lang: str | None = None) -> str | None:
        """The line sent after the prompt's reveal, in `lang`; None when it has none."""
        ...

    def of(
        self,
        kind: str,
        depth: int | None = None,
        *,
        apart: bool | None = None,
        packs: Iterable[str] = (),
    ) -> Sequence[Prompt]: ...

    def of_pack(self, pack: str) -> Sequence[Prompt]: ...

    def for_occasion(self, occasion: str) -> Sequence[Prompt]: ...
