"""`python -m bot`'s runner with Discord: alone, or beside Telegram in one event loop sharing one
beat, database and outbox. Discord's side is offline: logging in, syncing the slash commands and
the gateway connection are replaced by recorders; Telegram talks to the fake Bot API server."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import discord
import pytest
from pydantic import SecretStr
from sqlmodel import select

from bot import app, lease
from bot import runner as runner_module
from bot.channels.base import Channel
from bot.channels.discord import DiscordChannel, RekindleClient
from bot.channels.discord import app as discord_app
from bot.clock import MovableClock
from bot.config import Settings
from bot.core.handle import DESCRIPTIONS
from bot.core.models import Lease
from bot.db import Database
from bot.service import Rekindle
from tests.helpers.service import START
from tests.helpers.telegram.fake_bot_api import FakeBotApi

TOKEN = "123:abc"
DISCORD_TOKEN = "discord-token-for-tests"
TTL60 = timedelta(seconds=60)


@dataclass
class Offline:
    """What the Discord side did instead of talking to Discord."""

    logins: list[str] = field(default_factory=list)
    synced: list[list[dict[str, Any]]] = field(default_factory=list)
    connected: asyncio.Event = field(default_factory=asyncio.Event)
    closed: asyncio.Event = field(default_factory=asyncio.Event)
    clients: list[RekindleClient] = field(default_factory=list)
    services: list[Rekindle] = field(default_factory=list)


@pytest.fixture
def offline(monkeypatch: pytest.MonkeyPatch) -> Offline:
    seen = Offline()

    async def login(self: RekindleClient, token: str) -> None:
        seen.logins.append(token)
        seen.clients.append(self)
        await self._async_setup_hook()
        await self.setup_hook()

    async def connect(self: RekindleClient, *, reconnect: bool = True) -> None:
        seen.connected.set()
        await seen.closed.wait()

    real_close = RekindleClient.close

    async def close(self: RekindleClient) -> None:
        await real_close(self)
        seen.closed.set()

    async def sync(self: discord.app_commands.CommandTree, **_: Any) -> list[Any]:
        seen.synced.append([c.to_dict(self) for c in self.get_commands()])
        return []

    async def build(
        settings: Settings, clock: Any, channels: Mapping[str, Channel], **options: Any
    ) -> Rekindle:
        service = await app.build(settings, clock, channels, **options)
        seen.services.append(service)
        return service

    monkeypatch.setattr(RekindleClient, "login", login)
    monkeypatch.setattr(RekindleClient, "connect", connect)
    monkeypatch.setattr(RekindleClient, "close", close)
    monkeypatch.setattr(discord.app_commands.CommandTree, "sync", sync)
    monkeypatch.setattr("bot.runner.build", build)
    return seen


@pytest.fixture
async def api() -> AsyncIterator[FakeBotApi]:
    server = FakeBotApi(token=TOKEN, bot_username="rekindle_test_bot")
    await server.start()
    try:
        yield server
    finally:
        await server.stop()


async def run_until(settings: Settings, ready: Any) -> tuple[asyncio.Event, asyncio.Task[int]]:
    stop = asyncio.Event()
    task = asyncio.create_task(
        runner_module.run(settings, clock=MovableClock(START), stop=stop, handle_signals=False)
    )
    for _ in range(500):
        if ready() or task.done():
            break
        await asyncio.sleep(0.02)
    assert not task.done(), "the bot stopped while starting"
    return stop, task


async def test_discord_alone(offline: Offline, tmp_path: Any) -> None:
    settings = Settings(
        _env_file=None,
        bot_token=None,
        discord_token=SecretStr(DISCORD_TOKEN),
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}",
        tick_seconds=0.1,
    )
    stop, task = await run_until(settings, offline.connected.is_set)
    assert offline.logins == [DISCORD_TOKEN]
    [commands] = offline.synced
    assert {c["name"] for c in commands} == set(DESCRIPTIONS)
    [service] = offline.services
    assert set(service.outbox.channels) == {"discord"}
    assert isinstance(service.outbox.channels["discord"], DiscordChannel)
    stop.set()
    assert await asyncio.wait_for(task, 30) == 0
    assert all(client.is_closed() for client in offline.clients)


async def test_telegram_and_discord_in_one_loop(
    offline: Offline, api: FakeBotApi, tmp_path: Any
) -> None:
    settings = Settings(
        _env_file=None,
        bot_token=SecretStr(TOKEN),
        telegram_api_url=api.base_url,
        discord_token=SecretStr(DISCORD_TOKEN),
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}",
        tick_seconds=0.1,
    )
    stop, task = await run_until(settings, lambda: offline.connected.is_set() and api.commands)
    [service] = offline.services
    assert set(service.outbox.channels) == {"telegram", "discord"}
    api.user(11, "Alex")
    api.send_text(11, "/start")  # Telegram keeps working beside Discord
    await api.wait_for(lambda: any("Hi Alex" in t for t in api.texts(11)), within=10)
    stop.set()
    assert await asyncio.wait_for(task, 30) == 0
    assert all(client.is_closed() for client in offline.clients)


async def test_a_wrong_discord_token_stops_the_start_cleanly(
    offline: Offline, monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    async def login(self: RekindleClient, token: str) -> None:
        offline.clients.append(self)
        await self._async_setup_hook()
        raise discord.LoginFailure("Improper token has been passed.")

    monkeypatch.setattr(RekindleClient, "login", login)
    settings = Settings(
        _env_file=None,
        bot_token=None,
        discord_token=SecretStr("wrong"),
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}",
    )
    with pytest.raises(discord.LoginFailure):
        await runner_module.run(settings, clock=MovableClock(START), handle_signals=False)
    [client] = offline.clients
    assert client.is_closed()


async def test_a_second_process_stands_by_while_another_holds_the_token(
    offline: Offline, monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    """Discord sends every event to every connection of a token: only the lease holder
    connects. The other logs in (it can still send), waits, and takes over on expiry."""
    monkeypatch.setattr(discord_app, "LEASE_RENEW_SECONDS", 0.05)
    url = f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}"
    db = Database(url)
    await db.migrate()
    name = discord_app.lease_name(DISCORD_TOKEN)
    assert DISCORD_TOKEN not in name
    other = "another-host:4242:abcd"
    assert await lease.take(db, name, other, START, timedelta(seconds=60))
    settings = Settings(
        _env_file=None,
        bot_token=None,
        discord_token=SecretStr(DISCORD_TOKEN),
        database_url=url,
        tick_seconds=0.1,
    )
    stop, task = await run_until(settings, lambda: offline.logins and offline.services)
    try:
        await asyncio.sleep(0.5)  # ten lease attempts
        assert not offline.connected.is_set()
        assert offline.logins == [DISCORD_TOKEN]  # logged in for sending, not connected
        [service] = offline.services
        assert isinstance(service.clock, MovableClock)
        service.clock.advance(timedelta(seconds=61))  # the other process died: its lease ran out
        await asyncio.wait_for(offline.connected.wait(), 10)
        async with db.session() as session:
            [held] = (await session.exec(select(Lease))).all()
        assert held.holder != other
    finally:
        stop.set()
        assert await asyncio.wait_for(task, 30) == 0
    async with db.session() as session:
        assert (await session.exec(select(Lease))).all() == []  # released on a clean stop
    await db.dispose()


async def test_a_lease_taken_over_disconnects_from_the_gateway(
    offline: Offline, monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    monkeypatch.setattr(discord_app, "LEASE_RENEW_SECONDS", 0.05)
    url = f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}"
    settings = Settings(
        _env_file=None,
        bot_token=None,
        discord_token=SecretStr(DISCORD_TOKEN),
        database_url=url,
        tick_seconds=0.1,
    )
    stop, task = await run_until(settings, offline.connected.is_set)
    db = Database(url)
    try:
        [service] = offline.services
        name = discord_app.lease_name(DISCORD_TOKEN)
        # This process was frozen past its lease, and another took it over.
        service.clock.advance(timedelta(seconds=61))  # type: ignore[attr-defined]
        assert await lease.take(db, name, "thawed-elsewhere:1:0", service.clock.now(), TTL60)
        await asyncio.wait_for(offline.closed.wait(), 10)  # the gateway was closed
        assert len(offline.logins) == 2  # logged in again over HTTP, for sending
    finally:
        stop.set()
        assert await asyncio.wait_for(task, 30) == 0
        await db.dispose()
