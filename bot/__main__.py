"""`python -m bot` — run the bot; `console` to try it; `content check` to validate prompts."""

from __future__ import annotations

import argparse
import asyncio
import os
import sqlite3
import sys
import tempfile
from collections.abc import Callable, Coroutine
from datetime import datetime
from pathlib import Path
from typing import Any

from bot import content, logs
from bot.config import Settings

NO_CHANNEL_HELP = """\
Rekindle has no channel to run: no token is set.

{platforms}

Set several tokens to run on several platforms at once, in one process.

To try Rekindle right now without a token, with two simulated partners:
  python -m bot console
"""


def _no_channel_help(settings: Settings) -> str:
    """NO_CHANNEL_HELP with each platform's word on how to get its token."""
    from bot.channels.plugin import discover

    lines = [p.setup_help for p in discover(settings.platforms) if p.setup_help]
    return NO_CHANNEL_HELP.format(platforms="\n\n".join(lines))


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot", description=__doc__)
    commands = parser.add_subparsers(dest="command")
    commands.add_parser("run", help="run every channel whose token is set (the default)")
    console = commands.add_parser("console", help="try the bot in the terminal, no token needed")
    console.add_argument("--start", help="starting clock, ISO 8601 with offset (default: now)")
    console.add_argument(
        "--db",
        help="database URL, or the path of a SQLite file (default: a fresh temporary one)",
    )
    content_cmd = commands.add_parser("content", help="work with the prompt library")
    content_sub = content_cmd.add_subparsers(dest="content_command", required=True)
    check = content_sub.add_parser("check", help="validate every file in content/")
    check.add_argument("--dir", type=Path, default=None, help="content folder (default: content/)")
    commands.add_parser(
        "catalog",
        help="refresh bot/locale/messages.pot from the bot's sentences and merge it into every "
        "language's catalog",
    )
    backup = commands.add_parser("backup", help="copy the SQLite database, safely while it runs")
    backup.add_argument("file", type=Path, help="where to write the copy")
    commands.add_parser(
        "migrate", help="bring the database schema up to date (the bot also does this at start)"
    )
    commands.add_parser("new-key", help="print a fresh ENCRYPTION_KEY")
    commands.add_parser(
        "rotate-key", help="re-encrypt stored texts with the first key in ENCRYPTION_KEY"
    )
    return parser


def _content_check(directory: Path | None) -> int:
    """The prompts in every language, and the bot's own sentences in every catalog."""
    from bot import catalogs

    library, found = content.check(directory or content.DEFAULT_DIR)
    problems = [*map(str, found), *catalogs.problems()]
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print(f"{len(problems)} problem(s) found", file=sys.stderr)
        return 1
    print(library.summary())
    return 0


def _maintenance(args: argparse.Namespace, settings: Settings) -> int:
    from bot import crypto, maintenance

    if args.command == "new-key":
        print(crypto.new_key())
        return 0
    if args.command == "backup":
        try:
            print(maintenance.backup(settings.database_url, args.file))
        except (ValueError, sqlite3.Error) as error:
            print(f"python -m bot backup: {error}", file=sys.stderr)
            return 2
        return 0
    return asyncio.run(_rotate(settings))


async def _rotate(settings: Settings) -> int:
    from bot import crypto, maintenance
    from bot.db import Database

    try:
        crypto.use(settings.encryption_key.get_secret_value() if settings.encryption_key else None)
    except crypto.KeyError_ as error:
        print(f"python -m bot rotate-key: {error}", file=sys.stderr)
        return 2
    db = Database(settings.database_url)
    try:
        await db.migrate()
        count = await maintenance.rotate_key(db)
    except (ValueError, crypto.KeyError_) as error:
        print(f"python -m bot rotate-key: {error}", file=sys.stderr)
        return 2
    finally:
        await db.dispose()
    print(f"Re-encrypted {count} stored values with the first key of ENCRYPTION_KEY.")
    return 0


async def _migrate(settings: Settings) -> int:
    from alembic.util import CommandError
    from sqlalchemy.exc import SQLAlchemyError

    from bot.db import Database

    db = Database(settings.database_url)
    try:
        await db.migrate()
    except (SQLAlchemyError, OSError, CommandError) as error:
        print(f"python -m bot migrate: {type(error).__name__}: {error}", file=sys.stderr)
        return 1
    finally:
        await db.dispose()
    return 0


def _parse_start(text: str | None) -> datetime | None:
    if text is None:
        return None
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        raise ValueError("--start needs a UTC offset, e.g. 2026-12-01T16:00:00+00:00")
    return moment


def _database_url(given: str) -> str:
    """A database URL as given, or a SQLite file's path made into one (`--db chat.db`)."""
    if "://" in given:
        return given
    return f"sqlite+aiosqlite:///{Path(given).expanduser().resolve()}"


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    settings = Settings()
    if args.command == "content":
        return _content_check(args.dir)
    if args.command == "catalog":
        from bot import catalogs

        updated = catalogs.update()
        print(f"Updated bot/locale/messages.pot and the catalogs of: {', '.join(updated)}.")
        print("Translate what is new or fuzzy, then run: python -m bot content check")
        return 0
    if args.command in ("backup", "new-key", "rotate-key"):
        return _maintenance(args, settings)
    if args.command == "migrate":
        logs.configure(settings.log_level, settings.log_format, settings.secrets)
        return asyncio.run(_migrate(settings))
    if args.command == "console":
        logs.configure("WARNING", settings.log_format, settings.secrets)
        try:
            start = _parse_start(args.start)
        except ValueError as error:
            print(f"python -m bot console: {error}", file=sys.stderr)
            return 2
        from bot.runner import run_console

        with tempfile.TemporaryDirectory(prefix="rekindle-console-") as tmp:
            url = _database_url(args.db or str(Path(tmp) / "console.db"))
            return _start_unless_keys_are_wrong(lambda: run_console(settings, url, start))
    logs.configure(settings.log_level, settings.log_format, settings.secrets)
    if not settings.channels:
        print(_no_channel_help(settings), file=sys.stderr)
        return 2
    from bot.runner import run

    return _start_unless_keys_are_wrong(lambda: run(settings))


def _start_unless_keys_are_wrong(start: Callable[[], Coroutine[Any, Any, int]]) -> int:
    """Run the bot, or exit 2 with a sentence when ENCRYPTION_KEY is malformed or cannot read
    the stored words (new words would otherwise be stored in the clear, or not be readable),
    or when there is no secret to hash pairing codes with."""
    from bot import crypto
    from bot.pairing_secret import PairingSecretError

    try:
        return asyncio.run(start())
    except (crypto.KeyError_, PairingSecretError) as error:
        print(f"python -m bot: {error}", file=sys.stderr)
        return 2


def _run() -> int:
    """`main`, as a shell runs it: output piped into `head` that stops reading early ends the
    command quietly (as other command-line tools do), not with a traceback."""
    try:
        return main()
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


if __name__ == "__main__":
    sys.exit(_run())
