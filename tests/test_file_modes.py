"""SQLite files (the database, its -wal and -shm, backups) are readable by their owner only."""

from __future__ import annotations

import logging
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot import maintenance
from bot.core.models import Member
from bot.db import Database
from tests.helpers.service import START

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def loose_file(path: Path, file_mode: int) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"")
    os.chmod(path, file_mode)


def exists(path: Path) -> bool:
    return path.exists()


@pytest.fixture(autouse=True)
def usual_umask() -> Iterator[None]:
    """The umask most systems have: without care, new files would be 0644."""
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


async def write_one(url: str) -> Database:
    db = Database(url)
    await db.migrate()
    async with db.session() as session:
        session.add(
            Member(
                channel="test",
                user_id="1",
                chat_id="1",
                display_name="Alex",
                created_at=START,
            )
        )
    return db


async def test_a_new_database_its_wal_and_shm_are_owner_only(tmp_path: Path) -> None:
    file = tmp_path / "rekindle.db"
    db = await write_one(f"sqlite+aiosqlite:///{file}")
    try:
        wal, shm = Path(f"{file}-wal"), Path(f"{file}-shm")
        assert exists(wal)  # open in WAL mode, after a write
        assert exists(shm)
        assert mode(file) == 0o600
        assert mode(wal) == 0o600
        assert mode(shm) == 0o600
    finally:
        await db.dispose()


async def test_looser_existing_files_are_tightened_at_start(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    file = tmp_path / "rekindle.db"
    loose_file(file, 0o644)
    shm = Path(f"{file}-shm")
    loose_file(shm, 0o664)
    with caplog.at_level(logging.WARNING):
        db = Database(f"sqlite+aiosqlite:///{file}")
    try:
        assert mode(file) == 0o600
        assert mode(shm) == 0o600
        assert "tightened" in caplog.text
        assert caplog.text.count("tightened") == 2
    finally:
        await db.dispose()


async def test_a_backup_is_owner_only_even_over_a_looser_file(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'rekindle.db'}"
    db = await write_one(url)
    try:
        fresh = tmp_path / "backups" / "fresh.db"
        maintenance.backup(url, fresh)
        assert mode(fresh) == 0o600
        old = tmp_path / "backups" / "old.db"
        loose_file(old, 0o644)
        maintenance.backup(url, old)
        assert mode(old) == 0o600
    finally:
        await db.dispose()
