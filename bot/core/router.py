"""Which feature answers a command or a button. Each feature module declares a `Router` and
decorates its own handlers; `bot/core/handle.py` composes the features' routers in one place.

A command handler gets the command's words (`/goal run a marathon` → `"run a marathon"`). A
button handler gets the parts of the button's data after its action (`goal:17` → `["17"]`,
`goal` alone → `[""]`); button data can be stale or forged, so the handler checks the parts'
number and the ids they name, and answers `texts.STALE_BUTTON` to anything it cannot use.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Mapping
from typing import TypeVar

from bot.core.context import Ctx

CommandHandler = Callable[[Ctx, str], Awaitable[None]]
ButtonHandler = Callable[[Ctx, list[str]], Awaitable[None]]

C = TypeVar("C", bound=CommandHandler)
B = TypeVar("B", bound=ButtonHandler)


class Router:
    """A feature's commands (by name) and buttons (by action)."""

    def __init__(self) -> None:
        self.commands: dict[str, CommandHandler] = {}
        self.buttons: dict[str, ButtonHandler] = {}

    def command(self, name: str) -> Callable[[C], C]:
        """Register the decorated function as `/name`."""

        def register(handler: C) -> C:
            _claim(self.commands, name, what="command")
            self.commands[name] = handler
            return handler

        return register

    def button(self, action: str) -> Callable[[B], B]:
        """Register the decorated function for button data `action:…`."""

        def register(handler: B) -> B:
            _claim(self.buttons, action, what="button")
            self.buttons[action] = handler
            return handler

        return register

    @classmethod
    def compose(cls, routers: Iterable[Router]) -> Router:
        """One router answering for all of them; a name claimed twice is a mistake."""
        composed = cls()
        for router in routers:
            for name, command in router.commands.items():
                _claim(composed.commands, name, what="command")
                composed.commands[name] = command
            for action, button in router.buttons.items():
                _claim(composed.buttons, action, what="button")
                composed.buttons[action] = button
        return composed


def _claim(table: Mapping[str, object], name: str, *, what: str) -> None:
    if name in table:
        raise ValueError(f"two handlers for the {what} {name!r}")
