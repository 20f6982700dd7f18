"""The console channel: two simulated partners in one terminal and a clock you can move.

Lines in: `a: <message>` / `b: <message>` (commands too), `a: !2` (press button 2 of the latest
message to A that has buttons), `:pair`, `:advance 2h`, `:now`, `:help`.
Lines out: `[to a] <text>`, continuation lines indented, buttons as `  (1) <label>`.
"""

from __future__ import annotations

import re
import sys
import tempfile
from collections.abc import Callable
from datetime import timedelta
from itertools import count
from pathlib import Path

from sqlmodel import select

from bot.clock import MovableClock
from bot.core import texts, words
from bot.core.events import (
    Attachment,
    Button,
    ButtonPress,
    Command,
    Event,
    Outgoing,
    Sender,
    Text,
    parse_command,
)
from bot.core.models import Member
from bot.service import Rekindle

# Made-up handles, standing in for what a chat app would vouch for.
PARTNERS = {
    "a": Sender("console", "a", "a", display_name="Alex", language="en", handle="@alex"),
    "b": Sender("console", "b", "b", display_name="Sam", language="en", handle="@sam"),
}
_DURATION = re.compile(r"(\d+)\s*([smhdw])")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks"}
CONSOLE_HELP = texts.CONSOLE_HELP


def parse_duration(text: str) -> timedelta | None:
    """`30m`, `2h`, `1d`, `1h30m` as a timedelta, or None."""
    compact = text.replace(" ", "").lower()
    if not compact or _DURATION.sub("", compact):
        return None
    total = timedelta()
    for amount, unit in _DURATION.findall(compact):
        total += timedelta(**{_UNITS[unit]: int(amount)})
    return total


class ConsoleChannel:
    """Prints what the bot sends, and remembers each partner's latest buttons."""

    name = "console"

    def __init__(
        self, write: Callable[[str], None] | None = None, files: Path | None = None
    ) -> None:
        self._write = write or self.print_line
        self.buttons: dict[str, list[Button]] = {}
        self._ids = count(1)
        self._files = files

    def _save(self, attachment: Attachment) -> Path:
        """Files (the progress picture, an export) are saved where the person can open them."""
        if self._files is None:
            self._files = Path(tempfile.mkdtemp(prefix="rekindle-console-files-"))
        self._files.mkdir(parents=True, exist_ok=True)
        path = self._files / f"{next(self._ids)}-{Path(attachment.filename).name}"
        path.write_bytes(attachment.data)
        return path

    @staticmethod
    def print_line(line: str) -> None:
        """Write one line to standard output at once (the default `write`)."""
        print(line, flush=True)

    async def send(self, out: Outgoing) -> str:
        prefix = f"[to {out.to.chat_id}] "
        body = out.text
        if out.media is not None:
            caption = f": {out.media.caption}" if out.media.caption else ""
            body = f"{body}\n({out.media.kind.replace('_', ' ')}{caption})".strip()
        if out.attachment is not None:
            what = texts.CONSOLE_PICTURE if out.attachment.kind == "photo" else texts.CONSOLE_FILE
            saved = texts.CONSOLE_SAVED.format(what=what, path=self._save(out.attachment))
            body = f"{body}\n{saved}".strip()
        lines = body.split("\n") or [""]
        rendered = [prefix + lines[0]] + [" " * len(prefix) + line for line in lines[1:]]
        flat = [button for row in out.buttons for button in row]
        rendered += [f"  ({i}) {button.label}" for i, button in enumerate(flat, 1)]
        if flat:
            self.buttons[out.to.chat_id] = flat
        self._write("\n".join(rendered))
        return str(next(self._ids))


class ConsoleSession:
    """Turns console lines into events for the real service, and prints what comes back."""

    def __init__(
        self,
        *,
        service: Rekindle,
        channel: ConsoleChannel,
        clock: MovableClock,
        advance: Callable[[timedelta], object],
        write: Callable[[str], None],
    ) -> None:
        self.service = service
        self.channel = channel
        self.clock = clock
        self._advance = advance
        self.write = write

    async def line(self, raw: str) -> None:
        text = raw.rstrip("\r\n")
        stripped = text.strip()
        if not stripped:
            self.write(texts.CONSOLE_EMPTY_LINE)
        elif stripped.startswith("#"):
            return
        elif stripped.startswith(":"):
            await self._directive(stripped[1:].strip())
        elif len(stripped) >= 2 and stripped[0].lower() in PARTNERS and stripped[1] == ":":
            await self._partner_line(stripped[0].lower(), text.split(":", 1)[1].strip())
        else:
            self.write(texts.CONSOLE_UNREAD.format(help=CONSOLE_HELP))

    async def _partner_line(self, who: str, message: str) -> None:
        sender = PARTNERS[who]
        event: Event
        if re.fullmatch(r"!\d+", message):
            buttons = self.channel.buttons.get(who, [])
            index = int(message[1:])
            if not 1 <= index <= len(buttons):
                self.write(texts.CONSOLE_NO_BUTTON.format(who=who, index=index))
                return
            # Like a chat app that edits a pressed keyboard away, a choice is pressed once.
            data = buttons[index - 1].data
            self.channel.buttons.pop(who, None)
            event = ButtonPress(sender=sender, data=data)
        elif (parsed := parse_command(message)) is not None:
            event = Command(sender=sender, name=parsed[0], args=parsed[1])
        elif not message:
            self.write(texts.CONSOLE_WROTE_NOTHING.format(who=who))
            return
        else:
            event = Text(sender=sender, text=message)
        await self.send_event(event)

    async def send_event(self, event: Event) -> list[Outgoing]:
        replies = await self.service.handle(event)
        for out in replies:
            await self.channel.send(out)
        await self.service.outbox.deliver_due()
        return replies

    async def _directive(self, directive: str) -> None:
        name, _, arg = directive.partition(" ")
        match name.lower():
            case "pair":
                replies = await self.send_event(Command(sender=PARTNERS["a"], name="pair"))
                code = next((out.invite_code for out in replies if out.invite_code), None)
                if code is not None:
                    await self.send_event(Command(sender=PARTNERS["b"], name="pair", args=code))
            case "advance":
                delta = parse_duration(arg)
                if delta is None or delta <= timedelta(0):
                    self.write(texts.CONSOLE_ADVANCE_BAD)
                    return
                await self._advance_by(delta)
            case "now":
                await self._now()
            case "help":
                self.write(f"({CONSOLE_HELP})")
            case _:
                self.write(texts.CONSOLE_UNKNOWN.format(name=name[:20], help=CONSOLE_HELP))

    async def _advance_by(self, delta: timedelta) -> None:
        result = self._advance(delta)
        if hasattr(result, "__await__"):
            await result
        await self._now()

    async def _now(self) -> None:
        now = self.clock.now()
        parts = [f"now {now:%Y-%m-%d %H:%M} UTC"]
        async with self.service.db.session() as session:
            for who, sender in PARTNERS.items():
                member = (
                    await session.exec(
                        select(Member).where(
                            Member.channel == sender.channel, Member.user_id == sender.user_id
                        )
                    )
                ).first()
                if member is not None and member.timezone:
                    local = words.when(now, member.timezone, "weekday_clock")
                    parts.append(f"{who}: {local} {member.timezone}")
        self.write("(" + "; ".join(parts) + ")")


async def read_lines(session: ConsoleSession) -> None:
    """Feed stdin to the session, line by line, until end of input."""
    import asyncio

    interactive = sys.stdin.isatty()
    if interactive:
        session.write(texts.CONSOLE_WELCOME.format(help=CONSOLE_HELP))
    while True:
        if interactive:
            print("> ", end="", flush=True)
        raw = await asyncio.to_thread(sys.stdin.readline)
        if not raw:
            return
        await session.line(raw)
