"""Where the server secret for invite codes comes from: PAIRING_SECRET, else ENCRYPTION_KEY,
else (SQLite) a file beside the database; PostgreSQL with neither refuses to start."""

from __future__ import annotations

import hashlib
import hmac
import os
import stat
from pathlib import Path

import pytest
from pydantic import SecretStr

from bot import crypto, pairing_secret
from bot.app import build
from bot.clock import MovableClock
from bot.config import Settings
from bot.runner import check_settings
from tests.helpers.service import START, Harness, RecordingChannel

PG_URL = "postgresql+asyncpg://rekindle@db.example.org/rekindle"


def settings(url: str, **values: str) -> Settings:
    return Settings(
        _env_file=None,
        database_url=url,
        **{name: SecretStr(value) for name, value in values.items()},  # type: ignore[arg-type]
    )


def test_sqlite_without_a_key_keeps_a_secret_file_beside_the_database(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'rekindle.db'}"
    old = os.umask(0o022)
    try:
        first = pairing_secret.pairing_keys(settings(url))
    finally:
        os.umask(old)
    file = tmp_path / "rekindle.db.secret"
    assert stat.S_IMODE(file.stat().st_mode) == 0o600
    assert len(file.read_bytes()) == 32
    assert first == (file.read_bytes(),)
    assert pairing_secret.pairing_keys(settings(url)) == first  # the same after a restart


def test_a_looser_secret_file_is_tightened(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'rekindle.db'}"
    first = pairing_secret.pairing_keys(settings(url))
    file = tmp_path / "rekindle.db.secret"
    os.chmod(file, 0o644)
    assert pairing_secret.pairing_keys(settings(url)) == first
    assert stat.S_IMODE(file.stat().st_mode) == 0o600


def test_a_damaged_secret_file_is_refused_not_replaced(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'rekindle.db'}"
    (tmp_path / "rekindle.db.secret").write_bytes(b"short")
    with pytest.raises(pairing_secret.PairingSecretError, match="32 bytes"):
        pairing_secret.pairing_keys(settings(url))


def test_the_encryption_key_derives_the_secret_and_no_file_is_made(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'rekindle.db'}"
    new, old = crypto.new_key(), crypto.new_key()
    keys = pairing_secret.pairing_keys(settings(url, encryption_key=f"{new},{old}"))
    assert not (tmp_path / "rekindle.db.secret").exists()
    assert len(keys) == 2  # the first key hashes new codes; both redeem (rotation)
    assert keys[0] != keys[1]
    assert new.encode() not in keys  # derived, not the key itself
    assert keys == pairing_secret.pairing_keys(settings(url, encryption_key=f"{new},{old}"))
    assert keys[1:] == pairing_secret.pairing_keys(settings(url, encryption_key=old))


def test_pairing_secret_comes_first_and_is_scrubbed_from_logs() -> None:
    secret = "a-pairing-secret-shared-by-every-process"
    key = crypto.new_key()
    chosen = settings(PG_URL, pairing_secret=secret, encryption_key=key)
    keys = pairing_secret.pairing_keys(chosen)
    assert keys[0] == hmac.new(secret.encode(), pairing_secret.LABEL, hashlib.sha256).digest()
    assert keys[1:] == pairing_secret.pairing_keys(settings(PG_URL, encryption_key=key))
    assert secret in chosen.secrets
    assert check_settings(chosen) is None


def test_postgres_without_a_shared_secret_refuses_to_start() -> None:
    problem = check_settings(settings(PG_URL))
    assert problem is not None
    assert "PAIRING_SECRET" in problem
    assert "ENCRYPTION_KEY" in problem
    assert check_settings(settings(PG_URL, encryption_key=crypto.new_key())) is None
    assert check_settings(settings(PG_URL, pairing_secret="s" * 32)) is None
    with pytest.raises(pairing_secret.PairingSecretError):
        pairing_secret.pairing_keys(settings(PG_URL))


def test_a_short_pairing_secret_is_refused() -> None:
    problem = check_settings(settings(PG_URL, pairing_secret="tooshort"))
    assert problem is not None
    assert "PAIRING_SECRET" in problem
    assert "tooshort" not in problem


async def test_a_code_made_before_a_restart_redeems_after_it(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'rekindle.db'}"
    config = settings(url)
    clock = MovableClock(START)
    channel = RecordingChannel()
    before = Harness(await build(config, clock, {"test": channel}), channel, clock)
    replies = await before.say("a", "/pair")
    code = next(out.invite_code for out in replies if out.invite_code)
    await before.service.db.dispose()
    after = Harness(await build(config, clock, {"test": channel}), channel, clock)
    try:
        replies = await after.say("b", f"/pair {code}")
        assert any("paired with Alex" in out.text for out in replies)
    finally:
        await after.service.db.dispose()
