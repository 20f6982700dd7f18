"""Sending one outgoing message to a Discord user's DMs, with errors sorted into "try again
later", "this member cannot be reached" and "this message cannot be sent"; and keeping the
status line, one pinned message edited in place (`bot.core.status`)."""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from typing import Any

import aiohttp
import discord

from bot.channels.base import PermanentSendError, RejectedSendError, TemporarySendError
from bot.channels.discord.render import NAME, NO_MENTIONS, pieces, text_pieces
from bot.core.events import MediaRef, Outgoing

log = logging.getLogger(__name__)

DM_CACHE_SIZE = 10_000  # users whose DM channel is kept at hand
UNKNOWN_MESSAGE = 10008  # Discord's error code for a message that is not there (deleted)

# A send function: `Messageable.send`, or an interaction's followup webhook `send`.
SendFunction = Callable[..., Awaitable[Any]]


def media_ref(kind: str, url: str, caption: str | None) -> MediaRef:
    """A Discord attachment kept by reference: its URL, which Discord previews and another app
    can fetch."""
    return MediaRef(channel=NAME, kind=kind, ref=url, caption=caption or None)


class DirectMessages:
    """Where each user's DMs with the bot are: remembered from their own messages, otherwise
    looked up once (`get_user`/`fetch_user`, then `create_dm`). A DM event's channel may be a
    partial DMChannel without a recipient; it still takes messages."""

    def __init__(self, client: discord.Client, size: int = DM_CACHE_SIZE) -> None:
        self.client = client
        self.size = size
        self._channels: OrderedDict[int, discord.abc.Messageable] = OrderedDict()

    def remember(self, user_id: int, channel: discord.abc.Messageable) -> None:
        self._channels[user_id] = channel
        self._channels.move_to_end(user_id)
        while len(self._channels) > self.size:
            self._channels.popitem(last=False)

    async def get(self, user_id: int) -> discord.abc.Messageable:
        channel = self._channels.get(user_id)
        if channel is not None:
            self._channels.move_to_end(user_id)
            return channel
        user = self.client.get_user(user_id) or await self.client.fetch_user(user_id)
        dm = user.dm_channel or await user.create_dm()
        self.remember(user_id, dm)
        return dm


@contextmanager
def sorted_errors() -> Iterator[None]:
    """Discord's errors as the outbox's three kinds. discord.py waits out rate limits itself
    (up to the client's `max_ratelimit_timeout`; longer ones surface as `RateLimited`)."""
    try:
        yield
    except discord.RateLimited as error:
        raise TemporarySendError("rate limited", retry_after=error.retry_after) from error
    except (discord.Forbidden, discord.NotFound) as error:
        # 50007 "Cannot send messages to this user" (DMs closed, no shared server, blocked),
        # 10013 "Unknown User", 10003 "Unknown Channel".
        raise PermanentSendError(f"{error.status} {error.code}") from error
    except discord.HTTPException as error:
        if error.status >= 500 or error.status == 429:
            raise TemporarySendError(f"{error.status} {error.code}") from error
        raise RejectedSendError(f"{error.status} {error.code}") from error
    except (aiohttp.ClientError, TimeoutError, OSError) as error:
        raise TemporarySendError(type(error).__name__) from error
    except ValueError as error:  # a chat id that is not a Discord id
        raise RejectedSendError("bad chat id") from error


async def send_pieces(send: SendFunction, out: Outgoing, **extra: Any) -> str | None:
    """Send the message's pieces in order with `send`; return the first message's id."""
    first: str | None = None
    with sorted_errors():
        for piece in pieces(out):
            kwargs: dict[str, Any] = {"allowed_mentions": NO_MENTIONS, "silent": out.silent}
            if piece.content:
                kwargs["content"] = piece.content
            if piece.view is not None:
                kwargs["view"] = piece.view
            if piece.file is not None:
                kwargs["file"] = piece.file
            sent = await send(**kwargs, **extra)
            if first is None and sent is not None:
                first = str(sent.id)
    return first


class DiscordChannel:
    """One way to reach a member on Discord: a DM, addressed by user id (`chat_id`)."""

    name = NAME

    def __init__(self, client: discord.Client, dms: DirectMessages | None = None) -> None:
        self.client = client
        found = getattr(client, "dms", None)
        self.dms = dms or (found if isinstance(found, DirectMessages) else DirectMessages(client))

    async def send(self, out: Outgoing) -> str | None:
        with sorted_errors():
            target = await self.dms.get(int(out.to.chat_id))
        return await send_pieces(target.send, out)

    # --- the status line (`bot.core.status`): a bot may pin in a DM (no permission applies in
    # a private channel: discord.py's `Message.pin` asks for `pin_messages` only elsewhere, and
    # its DM permissions include it), so it is kept pinned and edited here as on Telegram -----

    async def edit_status(self, out: Outgoing, ref: str) -> bool:
        """Edit the status message; False when it is gone (10008 Unknown Message). Fetched
        first, so a deleted message is told apart from a DM that is gone."""
        with sorted_errors():
            target = await self.dms.get(int(out.to.chat_id))
            try:
                message = await target.fetch_message(int(ref))
            except discord.NotFound as error:
                if error.code == UNKNOWN_MESSAGE:
                    return False
                raise
            if message.content != (text := text_pieces(out.text)[0]):
                await message.edit(content=text, allowed_mentions=NO_MENTIONS)
        return True

    async def post_status(self, out: Outgoing) -> str:
        """A new status message, sent silently and pinned. A pin Discord refuses is logged, and
        the message is kept (and edited) unpinned."""
        with sorted_errors():
            target = await self.dms.get(int(out.to.chat_id))
            sent = await target.send(
                content=text_pieces(out.text)[0], allowed_mentions=NO_MENTIONS, silent=True
            )
        try:
            await sent.pin()
        except discord.HTTPException as error:
            log.warning(
                "status sent but not pinned",
                extra={"member": out.to.member_id, "reason": f"{error.status} {error.code}"},
            )
        return str(sent.id)

    async def drop_status(self, out: Outgoing, ref: str) -> None:
        """Unpin the status message; one that is gone needs nothing."""
        with sorted_errors():
            target = await self.dms.get(int(out.to.chat_id))
            try:
                message = await target.fetch_message(int(ref))
                await message.unpin()
            except discord.NotFound as error:
                if error.code != UNKNOWN_MESSAGE:
                    raise
