"""Sending one outgoing message through the Telegram Bot API, with errors sorted into
"try again later", "this member cannot be reached" and "this message cannot be sent"; and
keeping the status line, one pinned message edited in place (`bot.core.status`)."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import PurePosixPath
from typing import Any

from telegram import InputFile, Message
from telegram.constants import ParseMode
from telegram.error import (
    BadRequest,
    Forbidden,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)
from telegram.ext import ExtBot

from bot.channels.base import PermanentSendError, RejectedSendError, TemporarySendError
from bot.channels.telegram.render import html_pieces, keyboard, message_text
from bot.core import texts, words
from bot.core.events import Attachment, MediaRef, Outgoing, media_name

log = logging.getLogger(__name__)

log = logging.getLogger(__name__)

NAME = "telegram"
REPLY_RETRIES = 2  # a direct reply waits out flood control this often before giving up
_UNREACHABLE = ("chat not found", "user is deactivated", "bot was blocked", "bot can't initiate")
# What `fetch` hands out: photos only. The outbox fetches and uploads inside a send, holding one
# of its few places for sends under way (see bot/outbox_worker.py) while the file travels: a
# Telegram photo (compressed, at most 2560 px, mostly well under 1 MB) is cheap; a video of up to
# 10 MB is not. A voice note (.oga) or a sticker (.webp, .tgs) would not show as itself on
# another app anyway; those keep their note.
FETCHED_KINDS = frozenset({"photo"})

# An edit of the status message that failed because the message is no more (deleted, or too old
# or otherwise no longer editable by the bot): a new one is sent instead.
_STATUS_GONE = ("message to edit not found", "message can't be edited", "message_id_invalid")
_UNPINNED = ("message to unpin not found", "message_id_invalid")


def media_ref(
    chat_id: int, message_id: int, kind: str, caption: str | None, file: str | None = None
) -> MediaRef:
    """A Telegram message kept by reference, to be relayed later with copyMessage; `file` is
    its file_id (the largest size of a photo), for `TelegramChannel.fetch`."""
    return MediaRef(
        channel=NAME, kind=kind, ref=f"{chat_id}:{message_id}", caption=caption, file=file
    )


class TelegramChannel:
    """One way to reach a member on Telegram.

    For the outbox (`retry_in_place=False`) flood control is raised at once, so the delivery is
    rescheduled instead of holding its chat's turn; direct replies let PTB's AIORateLimiter wait
    and retry in place.
    """

    name = NAME

    def __init__(self, bot: ExtBot[Any], *, retry_in_place: bool = False) -> None:
        self.bot = bot
        # AIORateLimiter's per-call argument is its number of retries (the default is none).
        self._limits = REPLY_RETRIES if retry_in_place else None

    async def send(self, out: Outgoing) -> str | None:
        with sorted_errors():
            return await self._send(out)

    # --- the status line (`bot.core.status`): one message, pinned, edited in place -----------

    async def edit_status(self, out: Outgoing, ref: str) -> bool:
        """Edit the status message; False when it is gone (the person deleted it)."""
        with sorted_errors():
            try:
                await self.bot.edit_message_text(
                    html_pieces(out.text)[0],
                    chat_id=int(out.to.chat_id),
                    message_id=int(ref),
                    parse_mode=ParseMode.HTML,
                    rate_limit_args=self._limits,
                )
            except BadRequest as error:
                reason = error.message.lower()
                if "message is not modified" in reason:
                    return True  # it says this already
                if any(marker in reason for marker in _STATUS_GONE):
                    return False
                raise
        return True

    async def post_status(self, out: Outgoing) -> str:
        """A new status message, sent and pinned without a sound. The message is what counts:
        a pin Telegram refuses is logged, and the message is kept (and edited) unpinned."""
        chat_id = int(out.to.chat_id)
        with sorted_errors():
            sent = await self.bot.send_message(
                chat_id,
                html_pieces(out.text)[0],
                parse_mode=ParseMode.HTML,
                disable_notification=True,
                rate_limit_args=self._limits,
            )
        try:
            await self.bot.pin_chat_message(
                chat_id, sent.message_id, disable_notification=True, rate_limit_args=self._limits
            )
        except TelegramError as error:
            log.warning(
                "status sent but not pinned",
                extra={"member": out.to.member_id, "reason": type(error).__name__},
            )
        return str(sent.message_id)

    async def drop_status(self, out: Outgoing, ref: str) -> None:
        """Unpin the status message; one that is gone or no longer pinned needs nothing."""
        with sorted_errors():
            try:
                await self.bot.unpin_chat_message(
                    int(out.to.chat_id), message_id=int(ref), rate_limit_args=self._limits
                )
            except BadRequest as error:
                if not any(marker in error.message.lower() for marker in _UNPINNED):
                    raise

    async def fetch(self, media: MediaRef, max_bytes: int) -> Attachment | None:
        """A photo sent on Telegram, downloaded (getFile, then the file itself) for another app
        to upload; None when it is not ours, not a photo, has no file id (stored before they
        were kept), is larger than `max_bytes` or cannot be had. Telegram's passing faults
        (flood control, a timeout, a 5xx) raise `TemporarySendError`."""
        if media.channel != NAME or media.kind not in FETCHED_KINDS or not media.file:
            return None
        try:
            found = await self.bot.get_file(media.file, rate_limit_args=self._limits)
            if found.file_size is not None and found.file_size > max_bytes:
                log.info("file too large to pass on", extra={"kind": media.kind})
                return None
            data = bytes(await found.download_as_bytearray())
        except RetryAfter as error:
            raise TemporarySendError(
                "flood control", retry_after=_seconds(error.retry_after)
            ) from error
        except BadRequest as error:  # the file is gone, too big for the Bot API (20 MB)...
            log.info("file not fetched", extra={"kind": media.kind, "reason": error.message})
            return None
        except (TimedOut, NetworkError) as error:
            raise TemporarySendError(type(error).__name__) from error
        except (TelegramError, RuntimeError) as error:  # 403/404, or no file_path to download
            log.info("file not fetched", extra={"kind": media.kind, "reason": type(error).__name__})
            return None
        if len(data) > max_bytes:
            log.info("file too large to pass on", extra={"kind": media.kind})
            return None
        suffix = PurePosixPath(found.file_path or "").suffix or ".jpg"
        return Attachment(filename=f"{media.kind}{suffix}", data=data, kind="photo")

    async def _send(self, out: Outgoing) -> str | None:
        chat_id = int(out.to.chat_id)
        if out.attachment is not None:
            return await self._attach(chat_id, out)
        username = self.bot.username if self.bot._bot_user is not None else None
        pieces = html_pieces(message_text(out, username))
        first: Message | None = None
        markup = keyboard(out)
        for index, piece in enumerate(pieces):
            last = index == len(pieces) - 1 and out.media is None
            sent = await self.bot.send_message(
                chat_id,
                piece,
                parse_mode=ParseMode.HTML,
                reply_markup=markup if last else None,
                disable_notification=out.silent,
                rate_limit_args=self._limits,
            )
            first = first or sent
        if out.media is not None:
            copied = await self._relay(chat_id, out.media, out)
            if first is None:
                return copied
        return str(first.message_id) if first else None

    async def _attach(self, chat_id: int, out: Outgoing) -> str:
        """A file made for this message: a photo or a document, the text as its caption."""
        assert out.attachment is not None
        caption = html_pieces(out.text)[0] if out.text else None
        document = InputFile(out.attachment.data, filename=out.attachment.filename)
        if out.attachment.kind == "photo":
            sent = await self.bot.send_photo(
                chat_id,
                document,
                caption=caption,
                parse_mode=ParseMode.HTML,
                rate_limit_args=self._limits,
            )
        else:
            sent = await self.bot.send_document(
                chat_id,
                document,
                caption=caption,
                parse_mode=ParseMode.HTML,
                rate_limit_args=self._limits,
            )
        return str(sent.message_id)

    async def _relay(self, chat_id: int, media: MediaRef, out: Outgoing) -> str:
        if media.channel != NAME:
            return await self._cross(chat_id, media, out)
        source_chat, _, source_message = media.ref.partition(":")
        copied = await self.bot.copy_message(
            chat_id,
            from_chat_id=int(source_chat),
            message_id=int(source_message),
            reply_markup=keyboard(out),
            disable_notification=out.silent,
            rate_limit_args=self._limits,
        )
        return str(copied.message_id)

    async def _cross(self, chat_id: int, media: MediaRef, out: Outgoing) -> str:
        """Media from another app: sent by its public link with the method that fits its kind
        (Telegram fetches the file); if Telegram refuses that file, or there is no public
        link, the link or a kind note saying what was sent, with any caption."""
        caption = html_pieces(media.caption)[0] if media.caption else None
        markup = keyboard(out)
        if media.ref.startswith("https://"):
            send = {
                "photo": self.bot.send_photo,
                "sticker": self.bot.send_photo,
                "voice": self.bot.send_voice,
                "audio": self.bot.send_audio,
                "video": self.bot.send_video,
                "video_note": self.bot.send_video,
                "animation": self.bot.send_animation,
            }.get(media.kind, self.bot.send_document)
            try:
                sent = await send(  # type: ignore[operator]
                    chat_id,
                    media.ref,
                    caption=caption,
                    parse_mode=ParseMode.HTML,
                    reply_markup=markup,
                    rate_limit_args=self._limits,
                )
                return str(sent.message_id)
            except BadRequest:
                note = f"{media_name(media.kind, out.lang).capitalize()}: {media.ref}"
        else:
            note = words.translate(texts.MEDIA_ACROSS, out.lang).format(
                what=media_name(media.kind, out.lang), app=media.channel.title()
            )
        if media.caption:
            note = f"{note}\n{media.caption}"
        sent = await self.bot.send_message(
            chat_id,
            html_pieces(note)[0],
            parse_mode=ParseMode.HTML,
            reply_markup=markup,
            rate_limit_args=self._limits,
        )
        return str(sent.message_id)


@contextmanager
def sorted_errors() -> Iterator[None]:
    """Telegram's errors as the outbox's three kinds."""
    try:
        yield
    except RetryAfter as error:
        raise TemporarySendError(
            "flood control", retry_after=_seconds(error.retry_after)
        ) from error
    except Forbidden as error:
        raise PermanentSendError(error.message) from error
    except BadRequest as error:
        if any(marker in error.message.lower() for marker in _UNREACHABLE):
            raise PermanentSendError(error.message) from error
        raise RejectedSendError(error.message) from error
    except (TimedOut, NetworkError) as error:
        raise TemporarySendError(type(error).__name__) from error


def _seconds(value: object) -> float:
    total_seconds = getattr(value, "total_seconds", None)
    if callable(total_seconds):
        return float(total_seconds())
    return float(value)  # type: ignore[arg-type]
