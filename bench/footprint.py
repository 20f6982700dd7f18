"""Footprint of the running bot: idle resident memory and time from start to the first poll.

The issue's targets: idle resident memory <= 70 MB; start to first poll <= 1.2 s.

The fake Bot API (`tests.helpers.telegram.fake_bot_api.FakeBotApi`) runs in this process; the
bot runs as a child process exactly as an operator starts it, `python -m bot`, with BOT_TOKEN,
TELEGRAM_API_URL pointing at the fake, DATABASE_URL a SQLite file in a temp dir and
LOG_LEVEL=WARNING (every other setting at its default; the child runs in the temp dir, so no
`.env` is read). Measured for each start:

* start -> first API call: from spawning the process to its first request reaching the fake
  (Rekindle: getMe, after imports, settings, and the database schema);
* start -> first poll: from spawning the process to its first getUpdates reaching the fake
  (the fake notes the moment each request arrives; the bench looks every 10 ms);
* idle memory: after `--idle` seconds of idling (long polls, the 30 s beat), VmRSS and VmHWM
  (peak) from /proc/<pid>/status, with the anonymous / file-backed split;
* one message: then `/start` is sent and the reply awaited (a check that the bot works),
  and VmRSS read again;
* stop: SIGTERM, the time until the process has exited, and its exit code.

Byte-code: with `--bytecode cache` (the default) each child keeps its compiled modules in a
cache under the temp dir (PYTHONPYCACHEPREFIX; PYTHONDONTWRITEBYTECODE dropped), filled by one
untimed warm-up start of each bot, as a pip-installed package ships its .pyc files; nothing is
written into the repository. `--bytecode inherit` passes the caller's environment as is: with
PYTHONDONTWRITEBYTECODE set and an editable install, Rekindle's own modules (and alembic's
migration scripts) are compiled from source at every start.

Rekindle's own cache (the prompt library and the catalogs as compiled at start, `bot/cache.py`)
is kept under the temp dir too (XDG_CACHE_HOME), filled by the same warm-up start, as any start
after an operator's first finds it; `--cold-cache` empties it before each start (the first
start after an install or a change to content/ or bot/locale/).

Starts measured, `--repeats` times each: Rekindle on a fresh database (its schema created),
Rekindle again on that now existing database, and the baseline, a bare python-telegram-bot
echo bot (`ApplicationBuilder` defaults, one text handler, `run_polling`) written to a temp file
and started the same way against the same fake.

Run from the repository root:

    python bench/footprint.py                        # 3 repeats, 5 s idle (about 1.5 min)
    python bench/footprint.py --repeats 1 --idle 2   # a quick look (~30 s)
    python bench/footprint.py --bytecode inherit     # no byte-code cache if the env says so
    python bench/footprint.py --cold-cache           # each start compiles content and catalogs
    python bench/footprint.py --layers               # only: what each part adds to memory (~10 s)

`--layers` starts no bot: a child imports, one after the other, the parts a polling run on SQLite
imports (asyncio and ssl, PTB and httpx as Rekindle loads them, pydantic, SQLAlchemy and SQLModel,
the SQLite driver, Rekindle's tables, its other modules, the prompt library loaded from its
cache) and prints what each adds to its resident memory (VmRSS), so that the bot's idle RSS can
be read as the libraries' share and its own.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections import deque
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.helpers.telegram.fake_bot_api import FakeBotApi

REPO = Path(__file__).resolve().parent.parent

TOKEN = "123:abc"
USER = 4242
RSS_TARGET_MB = 70.0
FIRST_POLL_TARGET_S = 1.2
POLL_EVERY = 0.010

ECHO_BOT = '''\
"""A bare python-telegram-bot echo bot (the footprint baseline)."""

import os

from telegram import Update
from telegram.ext import ApplicationBuilder, ContextTypes, MessageHandler, filters


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await update.message.reply_text(update.message.text)


application = (
    ApplicationBuilder()
    .token(os.environ["BOT_TOKEN"])
    .base_url(os.environ["TELEGRAM_API_URL"])
    .build()
)
application.add_handler(MessageHandler(filters.TEXT, echo))
application.run_polling(timeout=10)
'''

# `--layers`: what each part of a polling run on SQLite adds to a fresh interpreter's resident
# memory, imported one after the other in a child, in about the order a run imports them.
LAYERS = (
    ("asyncio and ssl (any asyncio bot that speaks TLS)", "import asyncio, ssl"),
    ("python-telegram-bot + httpx, as Rekindle loads them", "import telegram.ext, httpx"),
    ("pydantic + pydantic-settings", "import pydantic, pydantic_settings"),
    ("SQLAlchemy (core, ORM, asyncio) + SQLModel", "import sqlalchemy.ext.asyncio, sqlmodel"),
    (
        "sqlite3 + aiosqlite + SQLAlchemy's SQLite dialect",
        "import sqlalchemy.dialects.sqlite.aiosqlite",
    ),
    ("Rekindle's tables (bot/core/models.py)", "import bot.core.models"),
    (
        "Rekindle's other modules a polling run loads",
        "import bot.__main__, bot.runner, bot.channels.telegram.app, bot.channels.telegram.channel",
    ),
    ("the prompt library, loaded (from Rekindle's cache)", "import bot.content as c; c.load()"),
)
LAYERS_CHILD = """\
import json, os, sys
# Left out of a polling run as bot/channels/telegram/__init__.py leaves them out (~15 MB: PTB's
# webhook server, Telegram Passport's cryptography, httpx's command-line client).
for name in ("cryptography", "telegram.ext._utils.webhookhandler", "httpx._main"):
    sys.modules[name] = None
def resident():
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
measured = [("the interpreter", resident())]
for label, code in json.loads(sys.argv[1]):
    before = resident()
    exec(code)
    measured.append((label, resident() - before))
print(json.dumps(measured))
"""

# Settings the bot would read from the environment: none may leak in from the caller's.
SETTINGS_VARS = (
    "BOT_TOKEN",
    "TELEGRAM_API_URL",
    "WEBHOOK_URL",
    "WEBHOOK_SECRET",
    "WEBHOOK_LISTEN",
    "WEBHOOK_PORT",
    "DISCORD_TOKEN",
    "DATABASE_URL",
    "ENCRYPTION_KEY",
    "LOG_LEVEL",
    "LOG_FORMAT",
    "CONTENT_DIR",
    "TICK_SECONDS",
    "SEND_RATE_PER_SECOND",
)


class ArrivalFakeBotApi(FakeBotApi):
    """The fake, also noting when each method's first request arrived (monotonic)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.first_arrival: dict[str, float] = {}

    def reset_arrivals(self) -> None:
        self.first_arrival.clear()

    async def _handle_http(self, token: str, method_name: str, *args: Any) -> tuple[int, Any]:
        self.first_arrival.setdefault(method_name, time.monotonic())
        self.first_arrival.setdefault("*", time.monotonic())
        return await super()._handle_http(token, method_name, *args)


@dataclass
class Start:
    label: str
    first_call_s: float | None = None
    first_poll_s: float | None = None
    rss_mb: float | None = None
    hwm_mb: float | None = None
    anon_mb: float | None = None
    file_mb: float | None = None
    threads: int | None = None
    rss_after_message_mb: float | None = None
    answered: bool = False
    stop_s: float | None = None
    exit_code: int | None = None
    problem: str | None = None


def proc_status(pid: int) -> dict[str, str]:
    fields = {}
    with open(f"/proc/{pid}/status", encoding="ascii", errors="replace") as status:
        for line in status:
            key, _, value = line.partition(":")
            fields[key] = value.strip()
    return fields


def kb_to_mb(value: str) -> float:
    return int(value.split(maxsplit=1)[0]) / 1024


async def measure(
    api: ArrivalFakeBotApi,
    label: str,
    argv: list[str],
    env: dict[str, str],
    cwd: Path,
    args: argparse.Namespace,
    expect: str,
    *,
    warmup: bool = False,
) -> Start:
    """One start; a warm-up start ends (SIGTERM) as soon as the first poll arrives."""
    result = Start(label)
    if args.cold_cache and not warmup:
        shutil.rmtree(env["XDG_CACHE_HOME"], ignore_errors=True)
    api.reset_arrivals()
    before = len(api.texts(USER))
    spawned = time.monotonic()
    process = await asyncio.create_subprocess_exec(
        *argv,
        env=env,
        cwd=cwd,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
        stdin=asyncio.subprocess.DEVNULL,
    )
    output: deque[str] = deque(maxlen=15)
    reader = asyncio.create_task(_collect(process, output))
    try:
        await _watch(api, process, result, spawned, args, expect, before, warmup)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
        await reader
    if result.problem:
        result.problem += "\n      " + "\n      ".join(output)
    return result


async def _collect(process: asyncio.subprocess.Process, output: deque[str]) -> None:
    """Keep the child's last lines of output (and never let its pipe fill up)."""
    assert process.stdout is not None
    async for line in process.stdout:
        output.append(line.decode(errors="replace").rstrip())


async def _watch(
    api: ArrivalFakeBotApi,
    process: asyncio.subprocess.Process,
    result: Start,
    spawned: float,
    args: argparse.Namespace,
    expect: str,
    before: int,
    warmup: bool,
) -> None:
    deadline = spawned + args.start_timeout
    while "getUpdates" not in api.first_arrival:
        if process.returncode is not None or time.monotonic() > deadline:
            result.problem = f"no getUpdates (exit code {process.returncode})"
            return
        await asyncio.sleep(POLL_EVERY)
    result.first_poll_s = api.first_arrival["getUpdates"] - spawned
    result.first_call_s = api.first_arrival["*"] - spawned
    if not warmup:
        await asyncio.sleep(args.idle)
        if process.returncode is not None:
            result.problem = f"exited while idle (exit code {process.returncode})"
            return
        status = proc_status(process.pid)
        result.rss_mb = kb_to_mb(status["VmRSS"])
        result.hwm_mb = kb_to_mb(status["VmHWM"])
        result.anon_mb = kb_to_mb(status.get("RssAnon", "0 kB"))
        result.file_mb = kb_to_mb(status.get("RssFile", "0 kB"))
        result.threads = int(status.get("Threads", "0"))
        api.send_text(USER, "/start")
        try:
            await api.wait_for(
                lambda: any(expect in t for t in api.texts(USER, rendered=True)[before:]),
                within=10,
            )
            result.answered = True
        except TimeoutError:
            result.answered = False
        await asyncio.sleep(0.3)
        result.rss_after_message_mb = kb_to_mb(proc_status(process.pid)["VmRSS"])
    stopping = time.monotonic()
    process.send_signal(signal.SIGTERM)
    try:
        result.exit_code = await asyncio.wait_for(process.wait(), args.stop_timeout)
        result.stop_s = time.monotonic() - stopping
    except TimeoutError:
        result.problem = f"still running {args.stop_timeout:g} s after SIGTERM (killed)"


def child_env(
    api: FakeBotApi, database: Path | None, pycache: Path | None, cache: Path
) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key not in SETTINGS_VARS}
    env["XDG_CACHE_HOME"] = str(cache)  # Rekindle's cache (bot/cache.py), in the temp dir
    # The `bot` measured is this repository's, whichever checkout is installed in the venv.
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    if pycache is not None:
        # Byte-code cached as in a normal install, but under the temp dir, not in the repo.
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(pycache)
    env.update(
        BOT_TOKEN=TOKEN,
        TELEGRAM_API_URL=api.base_url,
        LOG_LEVEL="WARNING",
        PYTHONUNBUFFERED="1",
    )
    if database is not None:
        env["DATABASE_URL"] = f"sqlite+aiosqlite:///{database}"
    return env


def show(start: Start) -> None:
    if start.problem:
        print(f"  {start.label:<30} PROBLEM: {start.problem}")
        return

    def num(value: float | None, fmt: str) -> str:
        return "-" if value is None else format(value, fmt)

    print(
        f"  {start.label:<30} {num(start.first_call_s, '6.2f')} {num(start.first_poll_s, '6.2f')}"
        f"  {num(start.rss_mb, '6.1f')} {num(start.hwm_mb, '6.1f')}"
        f" {num(start.anon_mb, '6.1f')} {num(start.file_mb, '6.1f')} {start.threads or 0:4d}"
        f"  {num(start.rss_after_message_mb, '6.1f')} {'yes' if start.answered else 'NO ':>4}"
        f"  {num(start.stop_s, '5.2f')} {start.exit_code!s:>4}"
    )


async def main(args: argparse.Namespace) -> int:
    api = ArrivalFakeBotApi(token=TOKEN, bot_username="rekindle_test_bot")
    await api.start()
    api.user(USER, "Alex")
    python = sys.executable
    results: dict[str, list[Start]] = {"fresh": [], "existing": [], "echo": []}
    try:
        with tempfile.TemporaryDirectory(prefix="rekindle-bench-footprint-") as tmp:
            directory = Path(tmp)
            echo_script = directory / "echo_bot.py"
            echo_script.write_text(ECHO_BOT, encoding="utf-8")
            pycache = directory / "pycache" if args.bytecode == "cache" else None
            cache = directory / "cache"
            rekindle = [python, "-m", "bot"]
            echo = [python, str(echo_script)]
            # Untimed warm-up starts: the byte-code cache filled, files in the page cache.
            for label, argv, env, expect in (
                (
                    "warm-up Rekindle",
                    rekindle,
                    child_env(api, directory / "w.db", pycache, cache),
                    "Hi",
                ),
                ("warm-up echo bot", echo, child_env(api, None, pycache, cache), "/start"),
            ):
                start = await measure(api, label, argv, env, directory, args, expect, warmup=True)
                if start.problem:
                    show(start)
            for repeat in range(1, args.repeats + 1):
                database = directory / f"bot-{repeat}.db"
                rekindle_env = child_env(api, database, pycache, cache)
                for key, label, argv, env, expect in (
                    ("fresh", "Rekindle, fresh DB", rekindle, rekindle_env, "Hi"),
                    ("existing", "Rekindle, existing DB", rekindle, rekindle_env, "Hi"),
                    (
                        "echo",
                        "bare PTB echo bot",
                        echo,
                        child_env(api, None, pycache, cache),
                        "/start",
                    ),
                ):
                    start = await measure(
                        api, f"{label} #{repeat}", argv, env, directory, args, expect
                    )
                    results[key].append(start)
                    if args.verbose:
                        show(start)
    finally:
        await api.stop()
    return report(args, results)


def report(args: argparse.Namespace, results: dict[str, list[Start]]) -> int:
    print(
        f"Python {platform.python_version()} on {platform.machine()}, {os.cpu_count()} CPUs; "
        f"{args.repeats} start(s) each, {args.idle:g} s idle before reading memory; "
        f"byte-code: {_bytecode_words(args)}; Rekindle's cache: "
        f"{'emptied before each start' if args.cold_cache else 'filled by the warm-up start'}"
    )
    print(
        f"  {'start':<30} {'call':>6} {'poll':>6}  {'RSS':>6} {'HWM':>6} {'anon':>6} {'file':>6}"
        f" {'thr':>4}  {'RSS+1':>6} {'ok':>4}  {'stop':>5} {'exit':>4}"
    )
    print(
        f"  {'':<30} {'s':>6} {'s':>6}  {'MB':>6} {'MB':>6} {'MB':>6} {'MB':>6}"
        f" {'':>4}  {'MB':>6} {'':>4}  {'s':>5} {'':>4}"
    )
    for starts in results.values():
        for start in starts:
            show(start)

    def median(key: str, attribute: str) -> float | None:
        values = [getattr(s, attribute) for s in results[key] if getattr(s, attribute) is not None]
        return statistics.median(values) if values else None

    print("\nMedians, against the targets (and the bare echo bot):")
    echo_poll, echo_rss = median("echo", "first_poll_s"), median("echo", "rss_mb")
    failed = False
    for key, label in (("fresh", "Rekindle, fresh DB"), ("existing", "Rekindle, existing DB")):
        poll, rss, hwm = median(key, "first_poll_s"), median(key, "rss_mb"), median(key, "hwm_mb")
        if poll is None or rss is None or hwm is None:
            print(f"  {label}: no measurement")
            failed = True
            continue
        poll_ok, rss_ok = poll <= FIRST_POLL_TARGET_S, rss <= RSS_TARGET_MB
        failed = failed or not (poll_ok and rss_ok)
        poll_ratio = (
            f" = {poll / echo_poll:.2f}x the echo bot's {echo_poll:.2f} s" if echo_poll else ""
        )
        rss_ratio = f" = {rss / echo_rss:.2f}x the echo bot's {echo_rss:.1f} MB" if echo_rss else ""
        print(
            f"  {label}: start -> first poll {poll:.2f} s{poll_ratio} "
            f"(target <= {FIRST_POLL_TARGET_S:g} s): {'PASS' if poll_ok else 'FAIL'}"
        )
        print(
            f"  {label}: idle RSS {rss:.1f} MB (peak {hwm:.1f} MB){rss_ratio} "
            f"(target <= {RSS_TARGET_MB:g} MB): {'PASS' if rss_ok else 'FAIL'}"
        )
    stops = [s for key in ("fresh", "existing") for s in results[key]]
    codes = sorted({s.exit_code for s in stops}, key=str)
    stop_times = [s.stop_s for s in stops if s.stop_s is not None]
    if stop_times:
        print(
            f"  Rekindle stop on SIGTERM: {statistics.median(stop_times):.2f} s median "
            f"(max {max(stop_times):.2f} s), exit codes {codes}"
        )
    if not all(s.answered for starts in results.values() for s in starts):
        print("  NOTE: some bot did not answer /start (see the table)")
    return 1 if failed else 0


def layers() -> int:
    """`--layers`: where a polling run's memory goes, layer by layer (see LAYERS)."""
    with tempfile.TemporaryDirectory(prefix="rekindle-bench-layers-") as tmp:
        env = {key: value for key, value in os.environ.items() if key not in SETTINGS_VARS}
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env.update(
            XDG_CACHE_HOME=str(Path(tmp) / "cache"),
            PYTHONPYCACHEPREFIX=str(Path(tmp) / "pycache"),
            PYTHONPATH=os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")])),
        )
        argv = [sys.executable, "-c", LAYERS_CHILD, json.dumps(LAYERS)]
        # The first child fills the byte-code cache and Rekindle's; the second is measured.
        for _ in range(2):
            done = subprocess.run(
                argv, env=env, cwd=tmp, capture_output=True, text=True, check=True, timeout=120
            )
    measured = json.loads(done.stdout)
    print("Resident memory of a fresh interpreter as a polling run on SQLite adds each part:")
    for label, mb in measured:
        print(f"  {mb:6.1f} MB  {label}")
    print(f"  {sum(mb for _, mb in measured):6.1f} MB  in all (a running bot adds its clients,")
    print("             database connection, threads and caches: compare its idle RSS)")
    return 0


def _bytecode_words(args: argparse.Namespace) -> str:
    if args.bytecode == "cache":
        return "cached (PYTHONPYCACHEPREFIX in the temp dir, filled by a warm-up start)"
    if os.environ.get("PYTHONDONTWRITEBYTECODE"):
        return (
            "inherited, PYTHONDONTWRITEBYTECODE is set (modules without a .pyc compile each start)"
        )
    return "inherited"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--repeats", type=int, default=3, help="starts of each kind")
    parser.add_argument("--idle", type=float, default=5.0, help="seconds idle before reading RSS")
    parser.add_argument("--start-timeout", type=float, default=30.0, help="seconds to first poll")
    parser.add_argument("--stop-timeout", type=float, default=30.0, help="seconds after SIGTERM")
    parser.add_argument("--verbose", action="store_true", help="print each start as it ends")
    parser.add_argument(
        "--layers",
        action="store_true",
        help="only show what each library and part of Rekindle adds to resident memory",
    )
    parser.add_argument(
        "--cold-cache",
        action="store_true",
        help="empty Rekindle's cache (bot/cache.py) before each measured start",
    )
    parser.add_argument(
        "--bytecode",
        choices=["cache", "inherit"],
        default="cache",
        help="cache: the children keep a byte-code cache (in the temp dir), as an installed "
        "package has; inherit: the caller's environment as is (e.g. PYTHONDONTWRITEBYTECODE)",
    )
    return parser.parse_args(argv)


if __name__ == "__main__":
    arguments = parse_args()
    sys.exit(layers() if arguments.layers else asyncio.run(main(arguments)))
