"""The toy platform's working parts: its sending side and its receiving side."""

from __future__ import annotations

import logging
from collections.abc import Callable

from bot.core.events import Command, Event, Outgoing, Sender, Text, parse_command
from bot.service import Rekindle

log = logging.getLogger("toy.library")


class ToyChannel:
    """Sends by recording: what each chat was sent, in order."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.sent: list[Outgoing] = []

    async def send(self, out: Outgoing) -> str:
        log.debug("sending", extra={"chat": out.to.chat_id})  # floored at WARNING: never shown
        self.sent.append(out)
        return str(len(self.sent))

    def texts(self, chat_id: str) -> list[str]:
        return [out.text for out in self.sent if out.to.chat_id == chat_id]


class ToyRunner:
    """Takes what people write (through `say`) to the service, and sends the replies back."""

    def __init__(
        self,
        name: str,
        channel: ToyChannel,
        service: Rekindle,
        on_pushed: Callable[[], None],
    ) -> None:
        self.name = name
        self.channel = channel
        self.service = service
        self.on_pushed = on_pushed
        self.running = False

    async def start(self) -> None:
        self.running = True

    async def stop(self) -> None:
        self.running = False

    def sender(self, user_id: str, display_name: str) -> Sender:
        return Sender(self.name, user_id, user_id, display_name=display_name, language="en")

    async def say(self, sender: Sender, words: str) -> list[Outgoing]:
        """One message from a person: handled, its replies sent, the outbox woken."""
        assert self.running
        parsed = parse_command(words)
        event: Event = (
            Command(sender=sender, name=parsed[0], args=parsed[1])
            if parsed is not None
            else Text(sender=sender, text=words)
        )
        replies = await self.service.handle(event)
        for out in replies:
            await self.channel.send(out)
        self.on_pushed()
        return replies
