"""Discord events in, core events out: parsing only; the core decides everything.

* DMs arrive through `on_message` (no privileged intent: DMs carry their content). Text
  starting with "/" is a command too, so typing `/pair CODE` works like the slash command.
* Slash commands are answered through the interaction: deferred at once, replies as followups.
* Button presses arrive through `on_interaction` and are handled by custom id, which is the
  core's button data: stateless, so buttons keep working after a restart; a stale or forged id
  gets the core's short answer.
* A message in a server channel is never read as an answer: when it mentions the bot it gets
  one short, kind reply (at most once an hour per channel) saying Rekindle works in DMs;
  everything else there is ignored.
"""

from __future__ import annotations

import asyncio
import logging
import mimetypes
from collections.abc import Awaitable, Callable
from functools import partial

import discord

from bot.channels.base import PermanentSendError, RejectedSendError, TemporarySendError
from bot.channels.discord.channel import DiscordChannel, media_ref, send_pieces
from bot.channels.discord.chat_locks import ChatLocks
from bot.channels.discord.render import NAME
from bot.channels.reply_budget import ReplyBudget
from bot.core import texts, words
from bot.core.events import (
    ButtonPress,
    Command,
    Edit,
    Event,
    Media,
    MediaRef,
    Outgoing,
    Recipient,
    Sender,
    Text,
    Unsupported,
    parse_command,
)
from bot.service import Rekindle

log = logging.getLogger(__name__)

PRIVATE_ONLY = texts.DIRECT_MESSAGES_ONLY
MESSAGE_KINDS = (discord.MessageType.default, discord.MessageType.reply)
SendOut = Callable[[Outgoing], Awaitable[str | None]]


def sender_of(user: discord.User | discord.Member, locale: discord.Locale | None = None) -> Sender:
    name = user.global_name or user.display_name or user.name or "there"
    return Sender(
        channel=NAME,
        user_id=str(user.id),
        chat_id=str(user.id),  # the outbox finds the user's DMs by user id
        display_name=name,
        language=locale.value if locale is not None else None,
        handle=handle_of(user),
    )


def handle_of(user: discord.User | discord.Member) -> str | None:
    """The user's unique Discord user name, as people write it: "@name" (or "name#1234" for an
    account from before unique user names)."""
    if not user.name:
        return None
    return f"@{user.name}" if user.discriminator in ("0", "") else str(user)


def media_kind(attachment: discord.Attachment) -> str:
    content_type = attachment.content_type or mimetypes.guess_type(attachment.filename)[0] or ""
    if content_type == "image/gif":
        return "animation"
    major = content_type.split("/", 1)[0]
    return {"audio": "voice", "image": "photo", "video": "video"}.get(major, "document")


def _media_of(message: discord.Message) -> MediaRef | None:
    caption = message.content or None
    if message.attachments:
        attachment = message.attachments[0]
        return media_ref(media_kind(attachment), attachment.url, caption)
    if message.stickers:
        return media_ref("sticker", message.stickers[0].url, None)
    return None


def event_of(message: discord.Message) -> Event:
    """The core event a new DM means."""
    sender = sender_of(message.author)
    reference = message.reference
    reply_to = str(reference.message_id) if reference and reference.message_id else None
    ref = str(message.id)
    media = _media_of(message)
    if media is not None:
        return Media(sender=sender, media=media, reply_to=reply_to, message_ref=ref)
    if message.content:
        parsed = parse_command(message.content)
        if parsed is not None:
            return Command(sender=sender, name=parsed[0], args=parsed[1])
        return Text(sender=sender, text=message.content, reply_to=reply_to, message_ref=ref)
    if message.poll is not None:
        kind = "poll"
    elif message.message_snapshots:
        kind = "forward"
    else:
        kind = ""  # the core names it "that kind of message", in the reader's language
    return Unsupported(sender=sender, kind=kind)


def edit_of(message: discord.Message) -> Edit | None:
    """The core event an edited DM means: never a new message or a command (as on every platform);
    None when nothing readable is left."""
    media = _media_of(message)
    if media is None and not message.content:
        return None
    return Edit(
        sender=sender_of(message.author),
        message_ref=str(message.id),
        text=message.content or None,
        media=media,
    )


def _elsewhere(interaction: discord.Interaction) -> bool:
    """Used outside the bot's DMs (in a server, or in a DM between people through a user
    install): answers are then shown only to the person who asked."""
    return interaction.guild_id is not None or bool(
        interaction.context.guild or interaction.context.private_channel
    )


class Handlers:
    """The client's event callbacks, bound to the service."""

    def __init__(
        self, service: Rekindle, channel: DiscordChannel, on_pushed: Callable[[], None]
    ) -> None:
        self.service = service
        self.channel = channel
        self.on_pushed = on_pushed
        self.budget = ReplyBudget()
        self.server_budget = ReplyBudget(burst=1, rate=1 / 3600, window=3600)
        self.locks = ChatLocks()
        self._active: set[asyncio.Task[object]] = set()
        self.stopping = False  # set on shutdown: events arriving now are left alone

    async def drain(self, grace: float) -> None:
        """Wait (up to `grace` seconds) for the events being handled to finish."""
        active = [task for task in self._active if task is not asyncio.current_task()]
        if active:
            await asyncio.wait(active, timeout=grace)

    async def _run(self, event: Event, send: SendOut) -> int:
        """Handle one event in order with the sender's others; send the replies with `send`.
        Return how many replies were sent."""
        chat = event.sender.chat_id
        sent = 0
        if self.stopping:
            log.info("event left alone: stopping", extra={"chat": chat})
            return sent
        task = asyncio.current_task()
        if task is not None:
            self._active.add(task)
            task.add_done_callback(self._active.discard)
        async with self.locks.hold(chat):
            try:
                replies = await self.service.handle(event)
            except Exception:
                log.exception("event failed", extra={"chat": chat, "event": type(event).__name__})
                replies = [self._sorry(event.sender)]
            else:
                self.on_pushed()
            for out in replies:
                if not self.budget.allow_reply(out):
                    log.info("reply left out: chat is flooding", extra={"member": out.to.member_id})
                    continue
                try:
                    await send(out)
                    sent += 1
                except (TemporarySendError, PermanentSendError, RejectedSendError) as error:
                    # A direct reply is best effort: the person can ask again. Pushed messages
                    # (reveals, notices) are in the outbox and retried there.
                    log.warning(
                        "reply not sent", extra={"member": out.to.member_id, "reason": str(error)}
                    )
        return sent

    @staticmethod
    def _sorry(sender: Sender) -> Outgoing:
        to = Recipient(member_id=0, channel=NAME, chat_id=sender.chat_id)
        lang = words.spoken(sender.language)
        return Outgoing(to=to, text=words.translate(texts.SOMETHING_WENT_WRONG, lang), lang=lang)

    # Messages ---------------------------------------------------------------------------

    async def on_message(self, message: discord.Message) -> None:
        if self.stopping or message.author.bot or message.type not in MESSAGE_KINDS:
            return  # shutting down, ourselves, other bots, webhooks, pins and other system messages
        if message.guild is not None or not isinstance(message.channel, discord.DMChannel):
            await self._not_private(message)
            return
        self.channel.dms.remember(message.author.id, message.channel)
        await self._run(event_of(message), self.channel.send)

    async def on_raw_message_edit(self, payload: discord.RawMessageUpdateEvent) -> None:
        """An edited DM, cached or not (the core decides what an edit changes: only a still
        sealed answer given in that very message). Updates that are no edit by the person (a
        link preview unfolding, a pin) leave the content as it was, or carry no edit time."""
        after = payload.message
        if self.stopping or after.author.bot or after.type not in MESSAGE_KINDS:
            return
        if after.guild is not None or not isinstance(after.channel, discord.DMChannel):
            return
        before = payload.cached_message
        if after.edited_at is None or (before is not None and before.content == after.content):
            return
        event = edit_of(after)
        if event is not None:
            await self._run(event, self.channel.send)

    async def _not_private(self, message: discord.Message) -> None:
        """In a server: answer a mention once in a while; never read anything there."""
        me = self.channel.client.user
        if me is None or me.id not in message.raw_mentions:
            return
        if not self.server_budget.allow(str(message.channel.id), PRIVATE_ONLY):
            return
        # A message carries no locale; the server's own language is the best guess.
        lang = words.spoken(message.guild.preferred_locale.value if message.guild else None)
        try:
            await message.reply(
                words.translate(PRIVATE_ONLY, lang),
                mention_author=False,
                allowed_mentions=discord.AllowedMentions.none(),
            )
        except discord.HTTPException:
            log.info("could not reply in a server", extra={"channel": message.channel.id})

    # Interactions -----------------------------------------------------------------------

    def _followups(self, interaction: discord.Interaction, *, ephemeral: bool) -> SendOut:
        send = partial(interaction.followup.send, wait=True, ephemeral=ephemeral)

        async def followup(out: Outgoing) -> str | None:
            return await send_pieces(send, out)

        return followup

    def _remember_dm(self, interaction: discord.Interaction) -> None:
        if interaction.context.dm_channel and isinstance(interaction.channel, discord.DMChannel):
            self.channel.dms.remember(interaction.user.id, interaction.channel)

    async def command(self, interaction: discord.Interaction, name: str, args: str) -> None:
        """A slash command: acknowledge at once (the core may take more than Discord's three
        seconds), then answer with followups."""
        if self.stopping:
            return
        sender = sender_of(interaction.user, interaction.locale)
        self._remember_dm(interaction)
        ephemeral = _elsewhere(interaction)
        send: SendOut = self.channel.send
        deferred = False
        try:
            await interaction.response.defer(thinking=True, ephemeral=ephemeral)
            deferred = True
            send = self._followups(interaction, ephemeral=ephemeral)
        except discord.HTTPException:
            log.info("could not acknowledge a command", extra={"chat": sender.chat_id})
        sent = await self._run(Command(sender=sender, name=name, args=args.strip()), send)
        if deferred and sent == 0:
            try:
                await interaction.delete_original_response()  # no "thinking…" left behind
            except discord.HTTPException:
                log.info("could not clear a command's placeholder", extra={"chat": sender.chat_id})

    async def on_interaction(self, interaction: discord.Interaction) -> None:
        """A button press (slash commands go through the command tree). Acknowledge by taking
        the buttons away, then let the core decide what the custom id means."""
        if self.stopping or interaction.type is not discord.InteractionType.component:
            return
        custom_id = interaction.custom_id or ""
        sender = sender_of(interaction.user, interaction.locale)
        self._remember_dm(interaction)
        send: SendOut = self.channel.send
        try:
            await interaction.response.edit_message(view=None)
            send = self._followups(interaction, ephemeral=_elsewhere(interaction))
        except discord.HTTPException:
            log.info("could not acknowledge a button", extra={"chat": sender.chat_id})
        message_ref = str(interaction.message.id) if interaction.message is not None else None
        await self._run(ButtonPress(sender=sender, data=custom_id, message_ref=message_ref), send)
