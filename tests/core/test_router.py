"""Unit tests for bot/core/router.py and the routes bot/core/handle.py composes from the features:
exactly today's commands and buttons, each answered by the feature that owns it."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from bot.core import handle, texts
from bot.core.context import Ctx
from bot.core.events import ButtonPress
from bot.core.router import Router
from tests.helpers.service import Harness, sender

CORE = Path(handle.__file__).parent

# The menu's order is the order the chat apps show it in.
MENU = [
    "start",
    "pair",
    "checkin",
    "ask",
    "skip",
    "time",
    "evenings",
    "timezone",
    "settings",
    "language",
    "apart",
    "together",
    "meet",
    "appreciate",
    "goodnews",
    "goal",
    "goals",
    "win",
    "date",
    "someday",
    "ourdays",
    "anniversary",
    "birthday",
    "progress",
    "story",
    "export",
    "deletemydata",
    "pause",
    "resume",
    "unpair",
    "privacy",
    "help",
]
BUTTONS = {
    "appr",
    "dateday",
    "datehow",
    "datelater",
    "dateyes",
    "deep",
    "erase",
    "gnreply",
    "goal",
    "hug",
    "lang",
    "lm",
    "notme",
    "ours",
    "pack",
    "packjoin",
    "ritual",
    "save",
    "set",
    "skip",
    "someday",
    "story",
    "thank",
    "tz",
    "unpair",
}


def test_the_features_answer_exactly_the_commands_of_the_menu() -> None:
    assert list(handle.DESCRIPTIONS) == MENU
    assert handle.DESCRIPTIONS == texts.COMMAND_DESCRIPTIONS
    # Every command is in the menu, and no command answers that the menu does not show
    # (`/start` too is listed there).
    assert set(handle.COMMANDS) == set(MENU)


def _button_actions_made_in_core() -> set[str]:
    """The action of every button the core builds: the data of each `(label, "action:…")` pair."""
    actions: set[str] = set()
    for path in CORE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Tuple) and len(node.elts) == 2):
                continue
            data = node.elts[1]
            if isinstance(data, ast.JoinedStr) and data.values:
                data = data.values[0]
            if isinstance(data, ast.Constant) and isinstance(data.value, str):
                found = re.match(r"([a-z]+):", data.value)
                if found:
                    actions.add(found.group(1))
    return actions


def test_every_button_the_core_makes_has_a_handler_and_every_handler_a_button() -> None:
    made = _button_actions_made_in_core()
    assert made == BUTTONS
    assert set(handle.ROUTES.buttons) == made


async def _nothing(ctx: Ctx, args: str) -> None:
    del ctx, args


async def _pressed(ctx: Ctx, parts: list[str]) -> None:
    del ctx, parts


def test_a_command_or_button_claimed_twice_is_refused() -> None:
    one, other = Router(), Router()
    one.command("help")(_nothing)
    other.command("help")(_nothing)
    with pytest.raises(ValueError, match="help"):
        Router.compose([one, other])
    with pytest.raises(ValueError, match="help"):
        one.command("help")(_nothing)

    one.button("goal")(_pressed)
    with pytest.raises(ValueError, match="goal"):
        one.button("goal")(_pressed)
    other = Router()
    other.button("goal")(_pressed)
    with pytest.raises(ValueError, match="goal"):
        Router.compose([Router(), one, other])


async def test_unknown_and_malformed_buttons_get_the_stale_answer(bot: Harness) -> None:
    await bot.pair()

    async def press(data: str) -> str:
        replies = await bot.send(ButtonPress(sender=sender("a", "Alex"), data=data))
        return "\n".join(out.text for out in replies)

    for data in ("", ":", "nope", "nope:1", "tz", "tz:", "GOAL:1"):
        assert await press(data) == texts.STALE_BUTTON, data
    # Too many parts, for every action that takes a fixed number of them.
    for action in sorted(BUTTONS - {"tz"}):
        assert await press(f"{action}:1:2:3:4:5:6") == texts.STALE_BUTTON, action
