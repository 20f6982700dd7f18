"""Building the fuzz test's world: a migrated SQLite file, the real service and PTB application
on the offline Bot API, and three couples paired through real commands."""

from __future__ import annotations

from pathlib import Path

from pydantic import SecretStr
from sqlmodel import select
from telegram.ext import AIORateLimiter, ContextTypes

from bot.channels.telegram import TelegramRunner, build_application
from bot.channels.telegram.channel import TelegramChannel
from bot.clock import MovableClock
from bot.config import Settings
from bot.core.models import (
    Couple,
)
from bot.db import Database
from bot.outbox import Outbox
from bot.service import Rekindle
from tests.helpers.service import LIBRARY, START
from tests.telegram.fuzz.strategies import COUPLES, NAMES
from tests.telegram.fuzz.world import RecordingRequest, World


class Unlimited:
    """A reply budget that lets every reply through."""

    def allow(self, chat: str, text: str) -> bool:
        return True

    def allow_reply(self, out: object) -> bool:
        return True


async def build_world(tmp_path: Path) -> tuple[World, Database]:
    """The real application on the offline Bot API, the real service on a SQLite file."""
    request = RecordingRequest()
    config = Settings(bot_token=SecretStr("123:abc"), _env_file=None)
    application = build_application(config, request=request)
    # Offline there is no flood control to respect: at 25 messages a second, a thousand
    # updates would take minutes.
    limiter = application.bot.rate_limiter
    assert isinstance(limiter, AIORateLimiter)
    limiter._base_limiter = None
    limiter._group_max_rate = 0
    clock = MovableClock(START)
    db = Database(f"sqlite+aiosqlite:///{tmp_path / 'fuzz.db'}")
    await db.migrate()
    service = Rekindle(
        db=db,
        clock=clock,
        content=LIBRARY,
        outbox=Outbox(db, clock, {"telegram": TelegramChannel(application.bot)}),
    )
    TelegramRunner(config, application, service, lambda: None)
    # The adapter leaves out replies to a chat that floods it (in real seconds): lift that, so
    # that every reply to a generated update is sent, and checked.
    for handlers in application.handlers.values():
        for handler in handlers:
            owner = getattr(handler.callback, "__self__", None)
            if owner is not None and hasattr(owner, "budget"):
                owner.budget = Unlimited()
    world = World(request, application, service, clock)

    async def record(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        if context.error is not None:
            world.errors.append(context.error)

    application.add_error_handler(record)
    await application.initialize()
    return world, db


async def populate(world: World) -> None:
    """Three couples paired through real commands, with real rows behind their buttons."""
    for a, b, zone_a, zone_b in COUPLES:
        for person, zone in ((a, zone_a), (b, zone_b)):
            await world.say(person, "/start")
            if zone is not None:
                await world.say(person, zone)
        invite = await world.say(a, "/pair")
        link = next(p["text"] for _, p in invite if "?start=" in p.get("text", ""))
        await world.say(b, f"/start {link.rsplit('?start=', 1)[1].strip()}")
        await world.say(a, "/ask" if a == 301 else "/checkin")
        await world.say(a, f"Seed answer of {NAMES[a]} for the evening")
        if a == 201:
            await world.say(b, f"Seed answer of {NAMES[b]}, which reveals both")
        await world.say(a, f"/appreciate Seed appreciation from {NAMES[a]} for {NAMES[b]}")
        await world.say(b, f"/goal Seed goal of {NAMES[b]} and {NAMES[a]}")
        await world.say(b, f"/someday Seed someday of {NAMES[b]} and {NAMES[a]}")
        for command in (
            "/goals",
            "/someday",
            "/date fri 19:30",
            "/settings",
            "/unpair",
            "/deletemydata",
        ):
            await world.say(a, command)
    for person, text in ((401, "/start"), (401, "/pair"), (402, "/start"), (402, "Berlin")):
        await world.say(person, text)
    async with world.service.db.session() as session:
        couples = (await session.exec(select(Couple))).all()
    assert len(couples) == 3
    assert all(couple.ended_at is None for couple in couples)
