"""Building and running the Discord client: slash commands, the gateway connection, closing."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import discord
from discord import app_commands

from bot import lease
from bot.channels.discord.channel import DirectMessages, DiscordChannel
from bot.channels.discord.handlers import Handlers
from bot.channels.discord.render import NO_MENTIONS
from bot.channels.discord.settings import DiscordSettings
from bot.config import Settings
from bot.core import texts, words
from bot.core.handle import DESCRIPTIONS
from bot.service import Rekindle

log = logging.getLogger(__name__)

DESCRIPTION_LIMIT = 100
RATE_LIMIT_WAIT = 60.0  # longer rate limits raise, so the outbox reschedules instead of waiting
STOP_GRACE = 10.0
# One process per token holds the gateway connection (see DiscordRunner.start).
LEASE_SECONDS = 60.0
LEASE_RENEW_SECONDS = 20.0

# Where the commands work: the bot's DMs, and (through a user install) any DM, where answers are
# shown only to the person who asked. Not in server channels: partners' words stay private.
CONTEXTS = app_commands.AppCommandContext(guild=False, dm_channel=True, private_channel=True)
INSTALLS = app_commands.AppInstallationType(guild=True, user=True)

# The commands that take words, with the option's name and description.
OPTION_NAMES = {
    "start": "code",
    "pair": "code",
    "timezone": "zone",
    "time": "time",
    "evenings": "number",
    "pause": "days",
    "appreciate": "words",
    "goodnews": "words",
    "goal": "words",
    "win": "words",
    "date": "when",
    "someday": "words",
    "anniversary": "date",
    "birthday": "date",
    "meet": "date",
    "story": "year",
}
ARGUMENTS: dict[str, tuple[str, str]] = {
    name: (option, texts.COMMAND_ARGUMENTS[name]) for name, option in OPTION_NAMES.items()
}


class RekindleTree(app_commands.CommandTree):
    """The command tree; a command that fails unexpectedly is logged by ids only."""

    async def on_error(
        self, interaction: discord.Interaction, error: app_commands.AppCommandError
    ) -> None:
        command = interaction.command.name if interaction.command else None
        log.error(
            "slash command failed",
            exc_info=error,
            extra={"command": command, "chat": interaction.user.id if interaction.user else None},
        )
        sorry = words.translate(texts.SOMETHING_WENT_WRONG, words.spoken(interaction.locale.value))
        with contextlib.suppress(discord.HTTPException):
            if interaction.response.is_done():
                await interaction.followup.send(sorry, ephemeral=True)
            else:
                await interaction.response.send_message(sorry, ephemeral=True)


class MenuTranslator(app_commands.Translator):
    """The slash commands' descriptions (and their option's) in each Discord locale whose
    language the bot speaks: Discord shows a user the ones of their app's language. Command and
    option names stay as they are, so `/pair` is typed the same everywhere."""

    async def translate(
        self,
        string: app_commands.locale_str,
        locale: discord.Locale,
        context: app_commands.TranslationContextTypes,
    ) -> str | None:
        if context.location not in (
            app_commands.TranslationContextLocation.command_description,
            app_commands.TranslationContextLocation.parameter_description,
        ):
            return None
        lang = words.spoken(locale.value)
        if lang == words.DEFAULT_LANG:
            return None
        english = string.message
        translated = words.translate(english, lang)
        return translated[:DESCRIPTION_LIMIT] if translated != english else None


class RekindleClient(discord.Client):
    """The Discord client: its gateway brings DMs and interactions to the handlers; its HTTP
    side is what the outbox sends with. No privileged intent: DMs carry their content."""

    def __init__(self, *, sync_commands: bool = True, **options: Any) -> None:
        # Rekindle never joins voice: no warning that voice libraries are missing.
        discord.VoiceClient.warn_nacl = discord.VoiceClient.warn_dave = False
        intents = discord.Intents.default()
        intents.typing = False  # nothing to do with "is typing…" events
        super().__init__(
            intents=intents,
            allowed_mentions=NO_MENTIONS,
            max_ratelimit_timeout=RATE_LIMIT_WAIT,
            chunk_guilds_at_startup=False,
            **options,
        )
        self.tree = RekindleTree(self)
        self.dms = DirectMessages(self)
        self.handlers: Handlers | None = None
        self.sync_commands = sync_commands

    def attach(self, handlers: Handlers) -> None:
        """Route events to the handlers and register one slash command per core command."""
        self.handlers = handlers
        self.tree.clear_commands(guild=None)
        for name, description in DESCRIPTIONS.items():
            self.tree.add_command(slash_command(name, description, handlers))

    async def setup_hook(self) -> None:
        """On login: publish the slash commands (Discord may take a while to show new ones)."""
        if not self.sync_commands:
            return
        await self.tree.set_translator(MenuTranslator())
        try:
            synced = await self.tree.sync()
            log.info("discord slash commands synced", extra={"count": len(synced)})
        except discord.HTTPException as error:
            # Typed commands in DMs still work; the menu will be fixed at the next start.
            log.warning("could not sync slash commands", extra={"status": error.status})

    async def on_ready(self) -> None:
        log.info("discord gateway ready", extra={"user": self.user.id if self.user else None})

    async def on_message(self, message: discord.Message) -> None:
        if self.handlers is not None:
            await self.handlers.on_message(message)

    async def on_raw_message_edit(self, payload: discord.RawMessageUpdateEvent) -> None:
        if self.handlers is not None:
            await self.handlers.on_raw_message_edit(payload)

    async def on_interaction(self, interaction: discord.Interaction) -> None:
        if self.handlers is not None:
            await self.handlers.on_interaction(interaction)


def slash_command(
    name: str, description: str, handlers: Handlers
) -> app_commands.Command[Any, ..., None]:
    """`/name`, with one optional text option when the command takes words."""
    option = ARGUMENTS.get(name)
    callback: Callable[..., Any]
    if option is None:

        async def plain(interaction: discord.Interaction) -> None:
            await handlers.command(interaction, name, "")

        callback = plain
    else:

        async def with_words(interaction: discord.Interaction, text: str | None = None) -> None:
            await handlers.command(interaction, name, text or "")

        option_name, option_description = option
        callback = app_commands.rename(text=option_name)(
            # A `locale_str`, so that the translator gives it per-language descriptions too.
            app_commands.describe(text=app_commands.locale_str(option_description))(with_words)
        )
    return app_commands.Command(
        name=name,
        description=description[:DESCRIPTION_LIMIT],
        callback=callback,
        allowed_contexts=CONTEXTS,
        allowed_installs=INSTALLS,
    )


def lease_name(token: str) -> str:
    """The lease for one token's gateway connection, named by a hash (never the token)."""
    return "discord:" + hashlib.sha256(token.encode()).hexdigest()[:16]


def build_client() -> RekindleClient:
    """The Discord client, not yet logged in: what the outbox sends with."""
    return RekindleClient()


class DiscordRunner:
    """Starts and stops the Discord side: handlers, slash commands, the gateway connection."""

    def __init__(
        self,
        settings: Settings,
        client: RekindleClient,
        service: Rekindle,
        on_pushed: Callable[[], None],
    ) -> None:
        self.settings = settings.section(DiscordSettings)
        self.client = client
        self.service = service
        self._gateway: asyncio.Task[None] | None = None
        self._holding: asyncio.Task[None] | None = None
        assert self.settings.discord_token is not None
        self.lease = lease_name(self.settings.discord_token.get_secret_value())
        self.holder = lease.holder_id()
        self.handlers = Handlers(service, DiscordChannel(client), on_pushed)
        client.attach(self.handlers)

    async def start(self) -> None:
        """Log in (a wrong token fails here) and sync the slash commands; then, in the
        background, hold this token's lease and keep the gateway connected while we hold it.

        Discord sends every event to every gateway connection of a token, so only one process
        may connect: the one holding the lease. Any other process stands by (it still sends
        over HTTP, for the outbox) and connects when the lease expires."""
        assert self.settings.discord_token is not None
        try:
            await self.client.login(self.settings.discord_token.get_secret_value())
        except BaseException:
            await self.client.close()
            raise
        self._holding = asyncio.create_task(self._hold(), name="discord-lease")
        log.info("discord client started")

    async def _hold(self) -> None:
        """Stand by until the lease is ours, connect, renew; on losing it, disconnect and stand
        by again."""
        while True:
            await self._wait_for_lease()
            log.info("discord lease taken: connecting to the gateway", extra={"lease": self.lease})
            self._gateway = asyncio.create_task(self._connect(), name="discord-gateway")
            while True:
                await asyncio.sleep(LEASE_RENEW_SECONDS)
                if not await self._renew():
                    break
            log.error(
                "discord lease taken over by another process: disconnecting from the gateway",
                extra={"lease": self.lease},
            )
            await self._disconnect()

    async def _wait_for_lease(self) -> None:
        told = False
        while not await self._renew():
            if not told:
                log.warning(
                    "another process holds the Discord connection for this token: standing by "
                    "(sending still works) and taking over if its lease expires",
                    extra={"lease": self.lease},
                )
                told = True
            await asyncio.sleep(LEASE_RENEW_SECONDS)

    async def _renew(self) -> bool:
        """Take or renew the lease; True if it is ours. A database that fails for a moment
        does not drop the connection: the next try tells whether someone took over."""
        try:
            return await lease.take(
                self.service.db,
                self.lease,
                self.holder,
                self.service.clock.now(),
                timedelta(seconds=LEASE_SECONDS),
            )
        except Exception as error:
            log.warning("could not renew the discord lease", extra={"reason": type(error).__name__})
            return self._gateway is not None

    async def _disconnect(self) -> None:
        """Close the gateway connection, then log in again over HTTP for sending."""
        await self.client.close()
        await self._wait_for_gateway()
        self._gateway = None
        self.client.clear()
        assert self.settings.discord_token is not None
        await self.client.login(self.settings.discord_token.get_secret_value())

    async def _wait_for_gateway(self) -> None:
        if self._gateway is not None:
            try:
                await asyncio.wait_for(self._gateway, STOP_GRACE)
            except TimeoutError:
                log.warning("discord gateway did not close in time")

    async def _connect(self) -> None:
        try:
            await self.client.connect(reconnect=True)
        except asyncio.CancelledError:
            raise
        except Exception as error:
            # Sending still works over HTTP; receiving needs the gateway. Say so loudly.
            log.error("discord gateway stopped", extra={"reason": type(error).__name__})

    async def stop(self) -> None:
        """Stop taking events, let those already taken run to their end (up to STOP_GRACE
        seconds), then close the gateway and the HTTP session."""
        self.handlers.stopping = True
        if self._holding is not None:
            self._holding.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._holding
        await self.handlers.drain(STOP_GRACE)
        await self.client.close()
        await self._wait_for_gateway()
        with contextlib.suppress(Exception):  # not released: it simply expires
            await lease.release(self.service.db, self.lease, self.holder)
