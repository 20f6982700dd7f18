"""The real application, started as `python -m bot` starts it, against a Bot API server in the
test process (through TELEGRAM_API_URL), with two simulated partners and an injected clock."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from pydantic import SecretStr
from sqlmodel import select

from bot.clock import MovableClock
from bot.config import Settings
from bot.core import words
from bot.core.handle import DESCRIPTIONS, descriptions
from bot.core.models import Member
from bot.db import Database
from bot.runner import run
from tests.helpers.service import START
from tests.helpers.telegram.fake_bot_api import FakeBotApi

ALEX, SAM, CHRIS = 11, 22, 33
TOKEN = "123:abc"


@dataclass
class Running:
    api: FakeBotApi
    clock: MovableClock
    settings: Settings
    stop: asyncio.Event
    task: asyncio.Task[int]

    async def until(self, predicate: Callable[[], bool], within: float = 10.0) -> None:
        await self.api.wait_for(predicate, within=within)

    def texts(self, chat: int) -> list[str]:
        return self.api.texts(chat, rendered=True)

    def count(self, chat: int, needle: str) -> int:
        return sum(needle in text for text in self.texts(chat))

    async def say(self, user: int, text: str, expect: str, within: float = 10.0) -> None:
        self.api.send_text(user, text)
        await self.until(lambda: any(expect in t for t in self.texts(user)), within)

    def button(self, chat: int, label_part: str) -> tuple[int, str]:
        for message in reversed(self.api.messages(chat)):
            markup = message.get("reply_markup") or {}
            for row in markup.get("inline_keyboard", []):
                for button in row:
                    if label_part in button["text"]:
                        return message["message_id"], button["callback_data"]
        raise AssertionError(f"no button {label_part!r} in chat {chat}")

    async def press(self, chat: int, label_part: str, expect: str) -> None:
        message_id, data = self.button(chat, label_part)
        self.api.press(chat, message_id, data)
        await self.until(lambda: any(expect in t for t in self.texts(chat)))

    async def paired(self) -> None:
        await self.say(ALEX, "/start", "Hi Alex")
        await self.press(ALEX, "Berlin", "Europe/Berlin")
        await self.say(SAM, "/start", "Hi Sam")
        await self.say(SAM, "Berlin", "Europe/Berlin")
        await self.say(ALEX, "/pair", "?start=")
        link = next(t for t in self.texts(ALEX) if "?start=" in t)
        code = link.rsplit("?start=", 1)[1].split()[0]
        await self.say(SAM, f"/start {code}", "paired with Alex")
        await self.until(lambda: self.count(ALEX, "paired with Sam") == 1)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def start_bot(api: FakeBotApi, tmp_path: Any, **overrides: Any) -> Running:
    settings = Settings(
        _env_file=None,
        bot_token=SecretStr(TOKEN),
        discord_token=None,
        telegram_api_url=api.base_url,
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}",
        tick_seconds=0.1,
        **overrides,
    )
    clock = MovableClock(START)
    stop = asyncio.Event()
    task = asyncio.create_task(run(settings, clock=clock, stop=stop, handle_signals=False))
    running = Running(api, clock, settings, stop, task)
    await running.until(lambda: bool(api.commands) or task.done())
    assert not task.done(), "the bot stopped while starting"
    return running


async def test_a_couple_pairs_by_link_gets_the_evening_and_sees_both_reveals(bot: Running) -> None:
    api = bot.api
    names = [c["command"] for c in api.commands]
    assert {"start", "pair", "help", "settings", "unpair"} <= set(names)
    await bot.paired()
    bot.clock.set(datetime(2026, 12, 1, 19, 31, tzinfo=UTC))  # 20:31 in Berlin
    await bot.until(
        lambda: (
            bot.count(ALEX, "Tonight's check-in") == 1 and bot.count(SAM, "Tonight's check-in") == 1
        )
    )
    await bot.say(ALEX, "<b>hi</b> & <script>", "sealed until Sam")
    api.send_voice(SAM)
    await bot.until(lambda: bot.count(SAM, "Alex's answer") == 1)
    await bot.until(lambda: any(m["kind"] == "copy" for m in api.messages(ALEX)))
    reveal = next(t for t in bot.texts(SAM) if "Alex's answer" in t)
    assert "<b>hi</b> & <script>" in reveal  # shown exactly as written
    await asyncio.sleep(0.5)  # anything doubled would have arrived by now
    assert bot.count(ALEX, "Tonight's check-in") == 1
    assert bot.count(SAM, "Alex's answer") == 1
    assert sum(m["kind"] == "copy" for m in api.messages(ALEX)) == 1
    # Unpair with the confirmation button; the pressed keyboard is edited away.
    await bot.say(ALEX, "/unpair", "Unpair from Sam?")
    message_id, _ = bot.button(ALEX, "Yes, unpair")
    await bot.press(ALEX, "Yes, unpair", "You're unpaired")
    assert not api.message(ALEX, message_id).get("reply_markup")
    await bot.until(lambda: bot.count(SAM, "ended your pairing") == 1)


async def test_the_command_menu_is_published_per_language(bot: Running) -> None:
    api = bot.api
    default = '{"type": "default"}'
    await bot.until(lambda: {(default, "es"), (default, "ru")} <= api.commands_by_scope.keys())
    english = {c["command"]: c["description"] for c in api.commands}
    assert english == DESCRIPTIONS
    for lang in ("es", "ru"):
        menu = {c["command"]: c["description"] for c in api.commands_by_scope[default, lang]}
        assert list(menu) == list(DESCRIPTIONS)  # the same names, typed the same everywhere
        assert menu == descriptions(lang)
        assert menu["pair"] == words.say("COMMAND_DESCRIPTIONS.pair", lang) != english["pair"]


async def test_flood_errors_and_timeouts_lose_nothing_and_double_nothing(bot: Running) -> None:
    api = bot.api
    await bot.paired()
    api.fail("sendMessage", "429", times=2, chat_id=SAM, retry_after=1)
    api.fail("sendMessage", "500", times=1, chat_id=ALEX)
    api.fail("sendMessage", "timeout", times=1, chat_id=ALEX, delay=6)
    bot.clock.set(datetime(2026, 12, 1, 19, 31, tzinfo=UTC))
    for _ in range(60):  # let retries come due on the injected clock
        if bot.count(ALEX, "Tonight's check-in") and bot.count(SAM, "Tonight's check-in"):
            break
        await asyncio.sleep(0.5)
        bot.clock.advance(timedelta(seconds=30))
    assert api.faults_injected >= 3
    assert bot.count(ALEX, "Tonight's check-in") == 1
    assert bot.count(SAM, "Tonight's check-in") == 1


async def test_a_partner_who_blocked_the_bot_is_marked_and_the_other_told_once(
    bot: Running, tmp_path: Any
) -> None:
    api = bot.api
    await bot.paired()
    api.block(SAM)
    bot.clock.set(datetime(2026, 12, 1, 19, 31, tzinfo=UTC))
    await bot.until(lambda: bot.count(ALEX, "can't reach Sam") == 1)
    db = Database(bot.settings.database_url)
    async with db.session() as session:
        sam = (await session.exec(select(Member).where(Member.user_id == str(SAM)))).one()
    await db.dispose()
    assert sam.unreachable_at is not None
    bot.clock.advance(timedelta(days=1))
    await asyncio.sleep(1)
    assert bot.count(ALEX, "can't reach Sam") == 1


async def test_groups_are_left_and_odd_messages_answered(bot: Running) -> None:
    api = bot.api
    api.added_to_group(-1001, ALEX)
    await bot.until(lambda: -1001 in api.left_chats)
    api.send_location(ALEX)
    await bot.until(lambda: any("a location" in t for t in bot.texts(ALEX)))


async def test_webhook_mode_checks_the_secret(api: FakeBotApi, tmp_path: Any) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}/telegram-hook"
    running = await start_bot(
        api,
        tmp_path,
        webhook_url=url,
        webhook_secret=SecretStr("s3cret-token-of-24-chars"),
        webhook_listen="127.0.0.1",
        webhook_port=port,
    )
    try:
        await running.until(lambda: api.webhook is not None)
        assert api.webhook is not None
        assert api.webhook["url"] == url
        update = api.send_text(ALEX, "/help")
        assert await api.post_update_to(url, update, secret_token="wrong") == 403
        assert await api.post_update_to(url, update) == 403
        assert api.texts(ALEX) == []
        assert await api.post_update_to(url, update, secret_token="s3cret-token-of-24-chars") == 200
        await running.until(lambda: any("Here's what I can do" in t for t in running.texts(ALEX)))
    finally:
        running.stop.set()
        assert await asyncio.wait_for(running.task, 30) == 0


async def test_python_m_bot_stops_cleanly_on_sigterm_and_logs_no_words_or_token(
    api: FakeBotApi, tmp_path: Any
) -> None:
    env = {
        **{k: v for k, v in os.environ.items() if k not in {"DISCORD_TOKEN", "WEBHOOK_URL"}},
        "BOT_TOKEN": TOKEN,
        "TELEGRAM_API_URL": api.base_url,
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}",
        "LOG_LEVEL": "DEBUG",
    }
    log_file = (tmp_path / "bot.log").open("wb")
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", env=env, cwd=tmp_path, stdout=log_file, stderr=log_file
    )
    try:
        await api.wait_for(lambda: any(m == "getUpdates" for m, _ in api.calls), within=30)
        api.send_text(ALEX, "/start")
        api.send_text(ALEX, "a very private sentence")
        await api.wait_for(lambda: len(api.texts(ALEX)) >= 2, within=15)
        process.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(process.wait(), 30) == 0
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
        log_file.close()
    logs = (tmp_path / "bot.log").read_text()
    assert "rekindle is stopping" in logs
    assert TOKEN not in logs
    assert TOKEN.split(":")[1] not in logs
    assert "a very private sentence" not in logs
    assert api.pending_updates == []  # every update taken was confirmed before exit


# What `python -m bot` polling Telegram on SQLite never loads: PTB's webhook server, Discord
# (no DISCORD_TOKEN), httpx's command-line client, and cryptography (no ENCRYPTION_KEY; PTB
# loads it only for Telegram Passport, which the bot never asks for).
NOT_FOR_POLLING = ("tornado", "telegram.ext._utils.webhookhandler", "discord", "httpx._main")
NOT_WITHOUT_A_KEY = ("cryptography",)
# Nor, on SQLite, SQLAlchemy's PostgreSQL dialect (and its drivers' modules): about 2 MB.
NOT_ON_SQLITE = ("sqlalchemy.dialects.postgresql", "asyncpg")
# `python -m bot`, printing on exit which of those modules it had loaded.
RUN_AND_LIST_MODULES = (
    "import atexit, runpy, sys\n"
    "watched = sys.argv[1:]\n"
    "def loaded():\n"
    "    inside = lambda w: any(m == w or m.startswith(w + '.') for m in sys.modules)\n"
    "    print('LOADED', [w for w in watched if inside(w)])\n"
    "atexit.register(loaded)\n"
    "sys.argv = ['bot']\n"
    "runpy.run_module('bot', run_name='__main__', alter_sys=True)\n"
)


async def test_a_polling_run_loads_no_webhook_server_no_discord_and_no_unused_library(
    api: FakeBotApi, tmp_path: Any
) -> None:
    unset = {"DISCORD_TOKEN", "WEBHOOK_URL", "ENCRYPTION_KEY"}
    env = {
        **{k: v for k, v in os.environ.items() if k not in unset},
        "BOT_TOKEN": TOKEN,
        "TELEGRAM_API_URL": api.base_url,
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}",
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
    }
    watched = [*NOT_FOR_POLLING, *NOT_WITHOUT_A_KEY, *NOT_ON_SQLITE]
    process = await asyncio.create_subprocess_exec(
        *(sys.executable, "-c", RUN_AND_LIST_MODULES, *watched),
        env=env,
        cwd=tmp_path,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.DEVNULL,
    )
    try:
        await api.wait_for(lambda: any(m == "getUpdates" for m, _ in api.calls), within=30)
        api.send_text(ALEX, "/start")
        await api.wait_for(lambda: any("Hi Alex" in t for t in api.texts(ALEX)), within=15)
        process.send_signal(signal.SIGTERM)
        out, _ = await asyncio.wait_for(process.communicate(), 30)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    assert process.returncode == 0
    assert [line for line in out.decode().splitlines() if line.startswith("LOADED")] == [
        "LOADED []"
    ]


def test_a_webhook_runs_in_a_process_whose_ptb_was_loaded_for_polling() -> None:
    """The webhook server left out of a polling build is loaded when a webhook starts."""
    script = (
        "import sys\n"
        "from bot.channels.telegram import PLATFORM\n"
        "from bot.config import Settings\n"
        "PLATFORM.build(Settings(_env_file=None, bot_token='123:abc', webhook_url=None))\n"
        "print('telegram.ext._utils.webhookhandler' in sys.modules)\n"
        "from bot.channels.telegram.app import webhook_server\n"
        "webhook_server()\n"
        "from telegram.ext import _updater\n"
        "print(_updater.WEBHOOKS_AVAILABLE, _updater.WebhookServer.__module__)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.split() == ["False", "True", "telegram.ext._utils.webhookhandler"]
