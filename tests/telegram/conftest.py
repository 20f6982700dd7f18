"""Fixtures for tests that run the real application against the in-process Bot API server."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest

from tests.helpers.telegram.fake_bot_api import FakeBotApi
from tests.telegram.test_end_to_end import ALEX, CHRIS, SAM, TOKEN, Running, start_bot


@pytest.fixture
async def api() -> AsyncIterator[FakeBotApi]:
    """The Bot API server with three users who have started the bot."""
    server = FakeBotApi(token=TOKEN, bot_username="rekindle_test_bot")
    await server.start()
    for user, name in ((ALEX, "Alex"), (SAM, "Sam"), (CHRIS, "Chris")):
        server.user(user, name)
    try:
        yield server
    finally:
        await server.stop()


@pytest.fixture
async def bot(api: FakeBotApi, tmp_path: Any) -> AsyncIterator[Running]:
    """The real application running against `api`; it must stop cleanly afterwards."""
    running = await start_bot(api, tmp_path)
    try:
        yield running
    finally:
        running.stop.set()
        assert await asyncio.wait_for(running.task, 30) == 0
