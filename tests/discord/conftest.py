"""Discord fixtures: `dc`, a configured client with the service behind it (the fakes live in
tests/helpers/discord.py).

discord.py 2.7.1 imports the standard library's `audioop`, and Python 3.11 warns that it is
deprecated; every warning is an error here, so discord is imported first with that one warning
ignored (as tests/helpers/discord.py explains).
"""

from __future__ import annotations

import warnings

with warnings.catch_warnings():
    warnings.filterwarnings(
        "ignore", message="'audioop' is deprecated", category=DeprecationWarning
    )
    import discord  # noqa: F401

from collections.abc import AsyncIterator

import discord.ext.test as dpytest
import pytest
from discord.ext.test import backend

from bot.channels.discord import DiscordChannel, RekindleClient
from bot.channels.discord.handlers import Handlers
from bot.clock import MovableClock
from bot.db import Database
from bot.outbox import Outbox
from bot.service import Rekindle
from tests.helpers.discord import Dc
from tests.helpers.service import LIBRARY, START


@pytest.fixture
async def dc(sqlite_url: str) -> AsyncIterator[Dc]:
    clock = MovableClock(START)
    db = Database(sqlite_url)
    await db.migrate()
    client = RekindleClient(sync_commands=False)
    await client._async_setup_hook()
    dpytest.configure(client, members=0, voice_channels=0)
    # dpytest replaces the client's connection state; give the tree back to the new one.
    client._connection._command_tree = client.tree
    channel = DiscordChannel(client)
    service = Rekindle(
        db=db, clock=clock, content=LIBRARY, outbox=Outbox(db, clock, {"discord": channel})
    )
    handlers = Handlers(service, channel, lambda: None)
    client.attach(handlers)
    alex = backend.make_user("Alex", 1)
    sam = backend.make_user("Sam", 2)
    dms = {user.id: await user.create_dm() for user in (alex, sam)}
    try:
        yield Dc(client, service, channel, handlers, clock, alex, sam, dms)
    finally:
        await dpytest.empty_queue()
        await client.http.close()
        await db.dispose()
