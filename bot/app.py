"""Building Rekindle from settings: the database (migrated), the content, the outbox."""

from __future__ import annotations

import gc
import logging
from collections.abc import Mapping
from pathlib import Path

from bot import catalogs, content, crypto, maintenance
from bot.clock import Clock
from bot.config import Settings
from bot.core.ports import Channel
from bot.db import Database
from bot.outbox import Outbox
from bot.pairing_secret import pairing_keys
from bot.service import Rekindle

log = logging.getLogger(__name__)


async def build(
    settings: Settings,
    clock: Clock,
    channels: Mapping[str, Channel],
    *,
    database_url: str | None = None,
    db: Database | None = None,
) -> Rekindle:
    """The service on a migrated database: `db` if given (the caller migrated it), else one
    opened from `database_url` or the settings and migrated here. Raises `crypto.KeyError_`
    when ENCRYPTION_KEY is malformed or cannot read what is stored, `PairingSecretError` when
    there is no secret to hash pairing codes with."""
    key = settings.encryption_key.get_secret_value() if settings.encryption_key else None
    crypto.use(key)
    if key is None:
        log.warning(
            "ENCRYPTION_KEY is not set: partners' words are stored unencrypted. "
            "Make a key with `python -m bot new-key` and set it (see README, Privacy)."
        )
    url = db.url if db is not None else database_url or settings.database_url
    keys = pairing_keys(settings, url)  # before the database is touched: it may refuse
    opened = db is None
    if db is None:
        db = Database(url)
        await db.migrate()
    problem = await maintenance.unreadable_store(db)
    if problem is not None:
        if opened:
            await db.dispose()
        raise crypto.KeyError_(problem)
    library = content.load(Path(settings.content_dir) if settings.content_dir else None)
    catalogs.install()
    service = Rekindle(
        db=db,
        clock=clock,
        content=library,
        outbox=Outbox(db, clock, channels),
        pairing_keys=keys,
    )
    settle()
    return service


def settle() -> None:
    """Once the service is built: what startup made (modules, the channels' libraries among
    them, the content, the catalogs, the mappings) lives as long as the process, so it is
    moved out of the garbage collector's sight (`gc.freeze`; no collection: it is instant). A
    busy beat allocates enough to bring a full collection every batch or two, and each walked
    all of that again: 1.3 s of the 5 s of CPU a busy minute took (bench/tick.py, PostgreSQL,
    20,000 couples due), 0.35 s with it frozen. Once a process (a test session builds many)."""
    if gc.get_freeze_count() == 0:
        gc.freeze()
