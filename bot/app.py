"""Building Rekindle from settings: the database (migrated), the content, the outbox."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from bot import content
from bot.channels.base import Channel
from bot.clock import Clock
from bot.config import Settings
from bot.db import Database
from bot.outbox import Outbox
from bot.service import Rekindle


async def build(
    settings: Settings,
    clock: Clock,
    channels: Mapping[str, Channel],
    *,
    database_url: str | None = None,
) -> Rekindle:
    db = Database(database_url or settings.database_url)
    await db.migrate()
    library = content.load(Path(settings.content_dir) if settings.content_dir else None)
    return Rekindle(db=db, clock=clock, content=library, outbox=Outbox(db, clock, channels))
