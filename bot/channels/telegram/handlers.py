"""Telegram updates in, core events out: parsing only; the core decides everything."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable

from telegram import Chat, ChatMember, Message, Update
from telegram.constants import ChatType
from telegram.error import TelegramError
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    ChatMemberHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.channels.base import PermanentSendError, RejectedSendError, TemporarySendError
from bot.channels.reply_budget import ReplyBudget
from bot.channels.telegram.channel import NAME, TelegramChannel, media_ref
from bot.core import texts, words
from bot.core.events import (
    ButtonPress,
    Command,
    Edit,
    Event,
    Media,
    Sender,
    Text,
    Unsupported,
    parse_command,
)
from bot.service import Rekindle

log = logging.getLogger(__name__)

PRIVATE_ONLY = texts.PRIVATE_CHATS_ONLY
BUTTON_DONE = texts.BUTTON_PRESSED
MEDIA_KINDS = ("voice", "video_note", "photo", "sticker", "video", "audio", "animation", "document")
# Message attributes the bot cannot use, in the order they are checked (a venue has a location);
# each is a kind the core names (`texts.UNSUPPORTED_NAMES`) in the reader's language.
UNSUPPORTED_KINDS = ("location", "venue", "contact", "poll", "dice", "game", "story", "invoice")


def language_of(update: object) -> str:
    """The language to speak, before the core knows who it is: the Telegram user's own."""
    user = update.effective_user if isinstance(update, Update) else None
    return words.spoken(user.language_code if user is not None else None)


def sender_of(update: Update) -> Sender | None:
    user, chat = update.effective_user, update.effective_chat
    if user is None or chat is None:
        return None
    name = user.first_name or user.username or "there"
    return Sender(
        channel=NAME,
        user_id=str(user.id),
        chat_id=str(chat.id),
        display_name=name,
        language=user.language_code,
        handle=f"@{user.username}" if user.username else None,
    )


def file_of(message: Message, kind: str) -> str | None:
    """The file_id behind a media message of `kind`: for a photo, its largest size."""
    content = getattr(message, kind, None)
    if isinstance(content, tuple):  # a photo's sizes
        content = max(content, key=lambda size: size.width * size.height, default=None)
    file_id = getattr(content, "file_id", None)
    return file_id if isinstance(file_id, str) else None


def event_of(update: Update) -> Event | None:
    """The core event a private-chat update means, or None if it means nothing."""
    sender = sender_of(update)
    if sender is None:
        return None
    if update.callback_query is not None:
        query = update.callback_query
        pressed_under = str(query.message.message_id) if query.message is not None else None
        return ButtonPress(sender=sender, data=query.data or "", message_ref=pressed_under)
    message = update.effective_message
    if message is None:
        return None
    ref = str(message.message_id)
    media = next(
        (
            media_ref(
                message.chat_id, message.message_id, kind, message.caption, file_of(message, kind)
            )
            for kind in MEDIA_KINDS
            if getattr(message, kind, None)
        ),
        None,
    )
    if update.edited_message is not None:
        # An edit of an earlier message (edited_message): never a new message or a command;
        # the core decides whether it changes anything.
        if message.text is None and media is None:
            return None  # a live location moving, and the like
        return Edit(sender=sender, message_ref=ref, text=message.text, media=media)
    reply_to = str(message.reply_to_message.message_id) if message.reply_to_message else None
    if message.text is not None:
        parsed = parse_command(message.text) if update.message is not None else None
        if parsed is not None:
            return Command(sender=sender, name=parsed[0], args=parsed[1])
        return Text(sender=sender, text=message.text, reply_to=reply_to, message_ref=ref)
    if media is not None:
        return Media(sender=sender, media=media, reply_to=reply_to, message_ref=ref)
    kind = next((attr for attr in UNSUPPORTED_KINDS if getattr(message, attr, None)), "")
    return Unsupported(sender=sender, kind=kind)


class Handlers:
    """The PTB callbacks, bound to the service."""

    def __init__(
        self, service: Rekindle, channel: TelegramChannel, on_pushed: Callable[[], None]
    ) -> None:
        self.service = service
        self.channel = channel
        self.on_pushed = on_pushed
        self.budget = ReplyBudget()

    def register(self, application: Application) -> None:  # type: ignore[type-arg]
        application.add_handler(
            ChatMemberHandler(self.my_chat_member, ChatMemberHandler.MY_CHAT_MEMBER), group=0
        )
        application.add_handler(
            MessageHandler(~filters.ChatType.PRIVATE, self.not_private), group=0
        )
        application.add_handler(CallbackQueryHandler(self.button), group=0)
        application.add_handler(MessageHandler(filters.ChatType.PRIVATE, self.message), group=0)
        application.add_error_handler(self.error)

    async def _run(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        event = event_of(update)
        if event is None:
            return
        replies = await self.service.handle(event)
        self.on_pushed()
        for out in replies:
            if not self.budget.allow_reply(out):
                log.info("reply left out: chat is flooding", extra={"member": out.to.member_id})
                continue
            try:
                await self.channel.send(out)
            except (TemporarySendError, PermanentSendError, RejectedSendError) as error:
                # A direct reply is best effort: the person can ask again. Pushed messages
                # (reveals, notices) are in the outbox and retried there.
                log.warning(
                    "reply not sent", extra={"member": out.to.member_id, "reason": str(error)}
                )

    async def message(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Any message in a private chat, edits included (the core decides what an edit changes:
        only a still sealed answer given in that very message)."""
        await self._run(update, context)

    async def button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A pressed inline button: acknowledge, remove the keyboard, then act."""
        query = update.callback_query
        assert query is not None
        chat = update.effective_chat
        if chat is not None and chat.type != ChatType.PRIVATE:
            with contextlib.suppress(TelegramError):
                await query.answer()
            return
        # The acknowledgement only stops the button's spinner: if Telegram refuses it (a 429,
        # a retried webhook whose query was already answered), the press still counts.
        try:
            await query.answer(words.translate(BUTTON_DONE, language_of(update)))
        except TelegramError:
            log.info("could not acknowledge a button", extra={"chat": chat.id if chat else None})
        if isinstance(query.message, Message) and query.message.reply_markup is not None:
            try:
                await query.message.edit_reply_markup(reply_markup=None)
            except TelegramError:
                log.info(
                    "could not remove a pressed keyboard", extra={"chat": chat.id if chat else None}
                )
        await self._run(update, context)

    async def not_private(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """In a group or channel: say so once and leave."""
        chat = update.effective_chat
        if chat is not None:
            await self._leave(context, chat, language_of(update))

    async def my_chat_member(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        change = update.my_chat_member
        if change is None:
            return
        chat = change.chat
        status = change.new_chat_member.status
        if chat.type != ChatType.PRIVATE:
            if status in (ChatMember.MEMBER, ChatMember.ADMINISTRATOR):
                await self._leave(context, chat, words.spoken(change.from_user.language_code))
            return
        if status in (ChatMember.BANNED, ChatMember.LEFT):
            await self.service.channel_unreachable(NAME, str(change.from_user.id))
            self.on_pushed()

    async def _leave(self, context: ContextTypes.DEFAULT_TYPE, chat: Chat, lang: str) -> None:
        """Say once, in the language of whoever brought the bot in, that it works in private
        chats only; then leave."""
        try:
            if chat.type != ChatType.CHANNEL:
                await context.bot.send_message(chat.id, words.translate(PRIVATE_ONLY, lang))
            await context.bot.leave_chat(chat.id)
        except TelegramError:
            log.info("could not leave a group", extra={"chat": chat.id})

    async def error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Log what failed by ids only; tell the person something went wrong, kindly."""
        chat = update.effective_chat if isinstance(update, Update) else None
        log.error(
            "update failed",
            exc_info=context.error,
            extra={"update": getattr(update, "update_id", None), "chat": chat.id if chat else None},
        )
        if chat is not None and chat.type == ChatType.PRIVATE:
            with contextlib.suppress(TelegramError):
                await context.bot.send_message(
                    chat.id, words.translate(texts.SOMETHING_WENT_WRONG, language_of(update))
                )
