"""Fault-test fixtures: an in-process fake Bot API."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.helpers.faults import (
    TOKEN,
)
from tests.helpers.telegram.fake_bot_api import FakeBotApi


@pytest.fixture
async def api() -> AsyncIterator[FakeBotApi]:
    server = FakeBotApi(token=TOKEN, bot_username="rekindle_test_bot")
    await server.start()
    try:
        yield server
    finally:
        await server.stop()
