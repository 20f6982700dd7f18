"""The core's functions take at most two positional arguments besides the one they work in (`self`,
`cls`, `ctx` or `session`); the rest are keyword-only, so a call site names what it passes."""

from __future__ import annotations

import ast
from pathlib import Path

import bot.core

CORE = Path(bot.core.__file__).parent
CONTEXTS = {"self", "cls", "ctx", "session"}

# Called through a table whose type fixes their order, never by hand: the beat's gather and
# compose functions (`bot/core/beat/compose.py`, `Composer`). And the words catalog's lookups,
# which read like gettext's and Babel's (`words.when(moment, zone, "day")`).
POSITIONAL_BY_DESIGN = {
    "beat/compose.py",
    "beat/ideas.py",
    "beat/mornings.py",
    "beat/made.py",
    "words.py",
}


def _too_positional() -> list[str]:
    found = []
    for path in sorted(CORE.rglob("*.py")):
        name = path.relative_to(CORE).as_posix()
        if name in POSITIONAL_BY_DESIGN:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                positional = [a.arg for a in node.args.posonlyargs + node.args.args]
                if positional and positional[0] in CONTEXTS:
                    positional = positional[1:]
                if len(positional) > 2:
                    found.append(f"{name}:{node.lineno} {node.name}({', '.join(positional)})")
    return found


def test_core_functions_take_the_rest_of_their_arguments_by_keyword() -> None:
    assert _too_positional() == []
