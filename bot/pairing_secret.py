"""The server secret invite codes are hashed with (HMAC-SHA256), so that a copy of the database
alone cannot be used to try codes against the stored hashes.

Where it comes from, first found first:
1. `PAIRING_SECRET` (any processes that share a database must share it);
2. `ENCRYPTION_KEY`: derived from each of its keys (the first hashes new codes, the others still
   redeem codes made before a rotation);
3. SQLite only: a file beside the database (`rekindle.db.secret`, 32 random bytes, mode 0600),
   made on first start and read on every later one.
PostgreSQL with neither 1 nor 2 refuses to start: its processes may run on several machines,
and a secret kept in a local file would differ between them, so a code made on one machine
would be "unknown" on another, an intermittent failure no operator could explain.

The core never reads files or the environment: `bot.app.build` passes these keys in.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import secrets
from pathlib import Path

from pydantic import SecretStr
from sqlalchemy.engine import make_url

from bot.config import Settings
from bot.files import PRIVATE, tighten

log = logging.getLogger(__name__)

LABEL = b"rekindle/invite-codes/v1"  # what a key is derived for: never reused elsewhere
SECRET_BYTES = 32
MIN_PAIRING_SECRET = 24
FILE_SUFFIX = ".secret"


class PairingSecretError(ValueError):
    """No usable secret for invite codes."""


def problem(settings: Settings) -> str | None:
    """A sentence saying why the settings give no usable secret, or None. (Never repeats it.)"""
    shared = _value(settings.pairing_secret)
    if shared and len(shared) < MIN_PAIRING_SECRET:
        return (
            f"PAIRING_SECRET is {len(shared)} characters long; it must be at least "
            f"{MIN_PAIRING_SECRET}. Make one with: "
            'python -c "import secrets; print(secrets.token_urlsafe(32))"'
        )
    url = make_url(settings.database_url)
    if url.get_backend_name() != "sqlite" and not shared and not _value(settings.encryption_key):
        return (
            "On PostgreSQL set PAIRING_SECRET (the same random string, 24 characters or more, "
            "for every process) or ENCRYPTION_KEY: invite codes are stored hashed with a server "
            "secret, and every process must use the same one. Make one with: "
            'python -c "import secrets; print(secrets.token_urlsafe(32))"'
        )
    return None


def pairing_keys(settings: Settings, database_url: str | None = None) -> tuple[bytes, ...]:
    """The keys invite codes are hashed with: the first for new codes, every one for
    redeeming. Raises PairingSecretError when there is none (see `problem`)."""
    settings = settings.model_copy(update={"database_url": database_url or settings.database_url})
    reason = problem(settings)
    if reason:
        raise PairingSecretError(reason)
    keys = []
    shared = _value(settings.pairing_secret)
    if shared:
        keys.append(derive(shared.encode()))
    encryption = _value(settings.encryption_key) or ""
    keys.extend(derive(part.strip().encode()) for part in encryption.split(",") if part.strip())
    if keys:
        return tuple(dict.fromkeys(keys))
    return (_file_secret(settings.database_url),)


def derive(material: bytes) -> bytes:
    """A key for invite codes only, from a secret that may serve other purposes too."""
    return hmac.new(material, LABEL, hashlib.sha256).digest()


def _value(secret: SecretStr | None) -> str | None:
    return (secret.get_secret_value() or None) if secret is not None else None


def _file_secret(database_url: str) -> bytes:
    """SQLite: the secret kept beside the database file, made on first use."""
    from bot.db import _sqlite_file

    file = _sqlite_file(database_url)
    if file is None:  # in memory: nothing outlives the process, nor need its secret
        return secrets.token_bytes(SECRET_BYTES)
    path = Path(file + FILE_SUFFIX)
    if not path.exists():
        _create(path)
    tighten(path)
    secret = path.read_bytes()
    if len(secret) != SECRET_BYTES:
        raise PairingSecretError(
            f"{path} should hold {SECRET_BYTES} bytes but holds {len(secret)}: restore it from "
            "a backup, or delete it (invite codes not yet used then stop working)."
        )
    return secret


def _create(path: Path) -> None:
    """Write the secret to a private temporary file, then link it into place: two processes
    starting at once both end up reading the one that got there first, never a half-written
    file."""
    temporary = path.with_name(f"{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE)
    try:
        with os.fdopen(descriptor, "wb") as out:
            out.write(secrets.token_bytes(SECRET_BYTES))
            out.flush()
            os.fsync(out.fileno())
        try:
            os.link(temporary, path)
            log.info(
                "made a secret for invite codes beside the database", extra={"file": str(path)}
            )
        except FileExistsError:
            pass  # another process made it first: use theirs
    finally:
        temporary.unlink(missing_ok=True)
