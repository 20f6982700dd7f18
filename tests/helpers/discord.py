"""Discord fakes for tests: dpytest for messages and DMs, and mock interactions built from
payloads (as discord.py's own tests/test_app_commands_invoke.py does) for slash commands and
button presses. `Dc` bundles a configured client, the service behind it and two users.

discord.py 2.7.1 imports the standard library's `audioop` (for voice, which we never use), and
Python 3.11 warns that `audioop` is deprecated. The project turns every warning into an error,
so discord is imported here with that one warning, and only it, ignored; later imports find it
in sys.modules and warn no more.
"""

from __future__ import annotations

import warnings

with warnings.catch_warnings():
    warnings.filterwarnings(
        "ignore", message="'audioop' is deprecated", category=DeprecationWarning
    )
    import discord

from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import count
from typing import Any

import discord.ext.test as dpytest
from discord.ext.test import backend

from bot.channels.discord import DiscordChannel, RekindleClient
from bot.channels.discord.handlers import Handlers
from bot.clock import MovableClock
from bot.core.events import Outgoing
from bot.service import Rekindle

APPLICATION_ID = 424_242_424_242_424_242
_ids = count(1_100_000_000_000_000_000)


def user_payload(user: discord.abc.User) -> dict[str, Any]:
    return {
        "id": str(user.id),
        "username": user.name.lower(),
        "global_name": user.name,
        "discriminator": "0",
        "avatar": None,
    }


def dm_payload(channel_id: int, user: discord.abc.User) -> dict[str, Any]:
    return {"id": str(channel_id), "type": 1, "recipients": [user_payload(user)]}


def message_payload(channel_id: int, author: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": str(next(_ids)),
        "channel_id": str(channel_id),
        "author": author,
        "content": "",
        "timestamp": datetime(2026, 12, 1, tzinfo=UTC).isoformat(),
        "edited_timestamp": None,
        "tts": False,
        "mention_everyone": False,
        "mentions": [],
        "mention_roles": [],
        "attachments": [],
        "embeds": [],
        "pinned": False,
        "type": 0,
    }


@dataclass
class Sent:
    """What went out through an interaction (kwargs of each call)."""

    id: int


@dataclass
class FakeMessage:
    """A message the bot sent into a `FakeDM`: edited, pinned and unpinned as Discord does."""

    id: int
    dm: FakeDM
    content: str = ""
    pinned: bool = False
    edits: list[str] = field(default_factory=list)

    async def edit(self, **kwargs: Any) -> FakeMessage:
        self.dm._check()
        self.content = kwargs.get("content", self.content)
        self.edits.append(self.content)
        return self

    async def pin(self) -> None:
        self.dm._check(pinning=True)
        self.pinned = True

    async def unpin(self) -> None:
        self.dm._check()
        self.pinned = False


@dataclass
class FakeDM:
    """A DM channel that records what is sent (the keyword arguments), or fails as told; its
    messages can be fetched, edited, pinned and deleted (`delete`, as the person would)."""

    sent: list[dict[str, Any]] = field(default_factory=list)
    errors: list[BaseException] = field(default_factory=list)
    pin_errors: list[BaseException] = field(default_factory=list)
    messages: dict[int, FakeMessage] = field(default_factory=dict)

    def _check(self, *, pinning: bool = False) -> None:
        errors = self.pin_errors if pinning else self.errors
        if errors:
            raise errors.pop(0)

    async def send(self, **kwargs: Any) -> FakeMessage:
        self._check()
        self.sent.append(kwargs)
        message = FakeMessage(next(_ids), self, kwargs.get("content", ""))
        self.messages[message.id] = message
        return message

    async def fetch_message(self, message_id: int) -> FakeMessage:
        self._check()
        if message_id not in self.messages:
            raise http_error(discord.NotFound, 404, 10008)  # Unknown Message
        return self.messages[message_id]

    def delete(self, message_id: int) -> None:
        self.messages.pop(message_id)

    @property
    def texts(self) -> list[str]:
        return [kwargs.get("content", "") for kwargs in self.sent]


@dataclass
class HttpResponse:
    """What discord.HTTPException reads from an aiohttp response."""

    status: int
    reason: str = "error"


def http_error(kind: type[discord.HTTPException], status: int, code: int) -> BaseException:
    """A Discord API error as discord.py raises it, e.g. Forbidden 403 with code 50007."""
    return kind(HttpResponse(status), {"code": code, "message": "..."})


@dataclass
class FakeResponse:
    """Records how an interaction was acknowledged."""

    calls: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    done: bool = False

    async def defer(self, **kwargs: Any) -> None:
        self.calls.append(("defer", kwargs))
        self.done = True

    async def edit_message(self, **kwargs: Any) -> None:
        self.calls.append(("edit_message", kwargs))
        self.done = True

    async def send_message(self, *args: Any, **kwargs: Any) -> None:
        self.calls.append(("send_message", {"content": args[0] if args else None, **kwargs}))
        self.done = True

    def is_done(self) -> bool:
        return self.done


@dataclass
class FakeFollowup:
    """Records followup messages (an interaction's webhook)."""

    sent: list[dict[str, Any]] = field(default_factory=list)

    async def send(self, **kwargs: Any) -> Sent:
        self.sent.append(kwargs)
        return Sent(next(_ids))

    @property
    def texts(self) -> list[str]:
        return [kwargs.get("content", "") for kwargs in self.sent]


class MockInteraction(discord.Interaction):
    """An interaction from a payload whose answers are recorded instead of sent."""

    def __init__(self, client: discord.Client, data: dict[str, Any]) -> None:
        payload = {
            "id": str(next(_ids)),
            "application_id": str(APPLICATION_ID),
            "token": "interaction-token",
            "version": 1,
            "attachment_size_limit": 10 * 1024 * 1024,  # discord.py 2.7 reads it (TRAPS.md)
            **data,
        }
        super().__init__(data=payload, state=client._connection)  # type: ignore[arg-type]
        self.fake_response = FakeResponse()
        self.fake_followup = FakeFollowup()
        self.deleted_original = False

    @property
    def response(self) -> Any:
        return self.fake_response

    @property
    def followup(self) -> Any:
        return self.fake_followup

    async def delete_original_response(self) -> None:
        self.deleted_original = True


@dataclass
class Dc:
    """A configured client, the service behind it, and two users with their DMs."""

    client: RekindleClient
    service: Rekindle
    channel: DiscordChannel
    handlers: Handlers
    clock: MovableClock
    alex: discord.User
    sam: discord.User
    dms: dict[int, discord.DMChannel]
    sent: list[discord.Message] = field(default_factory=list)

    def collect(self) -> None:
        while not dpytest.sent_queue.empty():
            self.sent.append(dpytest.sent_queue.get_nowait())

    def texts_to(self, user: discord.User) -> list[str]:
        """Every message the bot sent into the user's DMs, in order."""
        self.collect()
        dm = self.dms[user.id]
        return [m.content for m in self.sent if m.channel.id == dm.id]

    async def say(self, user: discord.User, text: str) -> None:
        """The user writes a DM, as Discord's gateway would deliver it."""
        await dpytest.message(text, channel=self.dms[user.id], member=user)
        await self.service.outbox.deliver_due()

    async def send_message(self, user: discord.User, **fields: Any) -> None:
        """A DM with more than text (attachments, stickers...)."""
        data = message_payload(self.dms[user.id].id, user_payload(user))
        data.update(fields)
        backend.get_state().parse_message_create(data)  # type: ignore[arg-type]
        await dpytest.run_all_events()
        await self.service.outbox.deliver_due()

    def interaction(self, user: discord.User, *, context: int = 1, **data: Any) -> MockInteraction:
        payload: dict[str, Any] = {
            "context": context,
            "locale": data.pop("locale", "en-US"),
            "user": user_payload(user),
            **data,
        }
        if context == 1:
            dm = self.dms[user.id]
            payload.setdefault("channel", dm_payload(dm.id, user))
            payload.setdefault("channel_id", str(dm.id))
        else:  # a DM between people, through a user install
            payload.setdefault("channel", {"id": str(next(_ids)), "type": 1, "recipients": []})
        return MockInteraction(self.client, payload)

    async def command(self, user: discord.User, name: str, **options: str) -> MockInteraction:
        """`/name option:value`, through the client's command tree."""
        context = int(options.pop("context", "1"))
        locale = options.pop("locale", "en-US")
        command = self.client.tree.get_command(name)
        assert isinstance(command, discord.app_commands.Command)
        interaction = self.interaction(
            user,
            context=context,
            locale=locale,
            type=2,
            data={
                "type": 1,
                "id": str(hash(command)),
                "name": name,
                "options": [{"type": 3, "name": k, "value": v} for k, v in options.items()],
            },
        )
        await self.client.tree._call(interaction)
        await self.service.outbox.deliver_due()
        return interaction

    async def press(
        self, user: discord.User, custom_id: str, *, context: int = 1
    ) -> MockInteraction:
        """A button press with this custom id, as Discord sends it."""
        author = {"id": str(self.client.user.id), "username": "rekindle", "discriminator": "0"}  # type: ignore[union-attr]
        channel_id = self.dms[user.id].id
        interaction = self.interaction(
            user,
            context=context,
            type=3,
            data={"custom_id": custom_id, "component_type": 2},
            message=message_payload(channel_id, author),
        )
        await self.client.on_interaction(interaction)
        await self.service.outbox.deliver_due()
        return interaction


def custom_ids(kwargs: dict[str, Any]) -> list[str]:
    view = kwargs.get("view")
    if view is None:
        return []
    return [item.custom_id for item in view.children]


def outgoing_texts(outs: list[Outgoing]) -> list[str]:
    return [out.text for out in outs]
