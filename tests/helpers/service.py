"""The real service wired to a recording channel, as most tests drive it: the constants every
test shares (the start of time, the pairing key, the content library), a channel that keeps
what it is sent, and `Harness`, which talks to the service as partners would."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot import catalogs, content
from bot.clock import MovableClock
from bot.core.events import Command, Outgoing, Sender, Text, parse_command
from bot.service import Rekindle

START = datetime(2026, 12, 1, 16, 0, tzinfo=UTC)  # a Tuesday
PAIRING_KEY = b"k" * 32  # the server secret invite codes are hashed with, in tests
LIBRARY = content.load()
LANGUAGES = catalogs.install()  # the bot's sentences in every language it speaks


class RecordingChannel:
    """A channel that keeps everything sent, per chat."""

    def __init__(self, name: str = "test") -> None:
        self.name = name
        self.sent: list[Outgoing] = []

    async def send(self, out: Outgoing) -> str:
        self.sent.append(out)
        return str(len(self.sent))

    def to(self, chat_id: str) -> list[str]:
        return [out.text for out in self.sent if out.to.chat_id == chat_id]

    def clear(self) -> None:
        self.sent.clear()


def sender(
    who: str, name: str | None = None, channel: str = "test", language: str | None = None
) -> Sender:
    return Sender(
        channel=channel,
        user_id=who,
        chat_id=who,
        display_name=name or who.title(),
        language=language,
    )


class Harness:
    """The real service plus a channel: `await h.say("a", "/pair")` returns what `a` was told."""

    def __init__(self, service: Rekindle, channel: RecordingChannel, clock: MovableClock) -> None:
        self.service = service
        self.channel = channel
        self.clock = clock
        self.names = {"a": "Alex", "b": "Sam", "c": "Chris"}
        # The language each one's platform reports (none: English).
        self.languages: dict[str, str] = {}

    async def say(self, who: str, message: str) -> list[Outgoing]:
        who_sender = sender(who, self.names.get(who), language=self.languages.get(who))
        parsed = parse_command(message)
        event = (
            Command(sender=who_sender, name=parsed[0], args=parsed[1])
            if parsed
            else Text(sender=who_sender, text=message)
        )
        return await self.send(event)

    async def send(self, event: object) -> list[Outgoing]:
        replies = await self.service.handle(event)  # type: ignore[arg-type]
        for out in replies:
            await self.channel.send(out)
        await self.service.outbox.deliver_due()
        return replies

    async def advance(self, delta: timedelta) -> None:
        """Move the clock, running everything that falls due on the way (like the console)."""
        target = self.clock.now() + delta
        while (wakeup := await self.service.next_wakeup()) is not None and wakeup <= target:
            if wakeup > self.clock.now():
                self.clock.set(wakeup)
            await self.service.run_due()
        self.clock.set(target)
        await self.service.run_due()

    def prompts_to(self, who: str) -> list[Outgoing]:
        return [
            out
            for out in self.channel.sent
            if out.to.chat_id == who and "Just reply to answer" in out.text
        ]

    async def pair(self, a: str = "a", b: str = "b") -> None:
        replies = await self.say(a, "/pair")
        code = next(out.invite_code for out in replies if out.invite_code)
        await self.say(b, f"/pair {code}")
