"""Partners' words at rest: encrypted with Fernet (AES-128-CBC + HMAC-SHA256, from the
`cryptography` package) when ENCRYPTION_KEY is set.

ENCRYPTION_KEY holds one or more Fernet keys separated by commas. The first encrypts; all of
them decrypt, so a key can be rotated: put the new key first, keep the old one after it, run
`python -m bot rotate-key` (every stored text is re-encrypted with the new key), then drop the
old key. A value written without a key stays readable after a key is set, and rotate-key
encrypts it too. Generate a key with `python -m bot new-key`.

Stored forms: `enc1:<Fernet token>` (encrypted), `txt1:<text>` (a plain text that itself begins
with a marker), anything else is plain text as written. So whatever a partner writes reads back
exactly. A value that cannot be decrypted reads as `UNREADABLE` (JSON as None) and is logged
without its contents: it costs only itself, never the query it came in. `python -m bot` refuses
to start when the keys given cannot read what is stored (`maintenance.unreadable_store`).
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from sqlalchemy import Text
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

PREFIX = "enc1:"
# Stored before a plain text that itself begins with a marker, so that what a partner writes is
# never mistaken for ciphertext ("enc1:hello" is stored as "txt1:enc1:hello").
PLAIN = "txt1:"
MARKERS = (PREFIX, PLAIN)
# What a reader gets for a stored value that cannot be read (a wrong or missing key, a damaged
# row): only that value is lost to them, never the rest of the query it came in.
UNREADABLE = "🔒 …"

log = logging.getLogger(__name__)


class KeyError_(ValueError):
    """ENCRYPTION_KEY is not a list of valid Fernet keys."""


class Keyring:
    def __init__(self, keys: str) -> None:
        parts = [k.strip() for k in keys.split(",") if k.strip()]
        if not parts:
            raise KeyError_("ENCRYPTION_KEY is empty")
        try:
            self._fernet = MultiFernet([Fernet(k.encode()) for k in parts])
        except (ValueError, TypeError) as error:
            raise KeyError_(
                "ENCRYPTION_KEY must be Fernet keys (32 url-safe base64 bytes) separated by "
                "commas; make one with `python -m bot new-key`"
            ) from error

    def encrypt(self, text: str) -> str:
        return PREFIX + self._fernet.encrypt(text.encode()).decode()

    def decrypt(self, stored: str) -> str:
        try:
            return self._fernet.decrypt(stored[len(PREFIX) :].encode()).decode()
        except InvalidToken as error:
            raise KeyError_("a stored text cannot be decrypted with ENCRYPTION_KEY") from error


_keyring: Keyring | None = None


def use(keys: str | None) -> None:
    """Set (or, with None, clear) the keys every secret column uses from now on."""
    global _keyring  # noqa: PLW0603 - one keyring per process, like the engine
    _keyring = Keyring(keys) if keys else None


def active() -> bool:
    return _keyring is not None


def new_key() -> str:
    return Fernet.generate_key().decode()


def seal(text: str) -> str:
    """How a text is stored: encrypted with a key; without one as written, unless it begins
    with a marker, when it is escaped."""
    if _keyring is not None:
        return _keyring.encrypt(text)
    return PLAIN + text if text.startswith(MARKERS) else text


def open_(stored: str) -> str:
    """A stored value as it was written; raises KeyError_ if it is encrypted and no key given
    can read it."""
    if stored.startswith(PLAIN):
        return stored[len(PLAIN) :]
    if stored.startswith(PREFIX):
        if _keyring is None:
            raise KeyError_("stored texts are encrypted but ENCRYPTION_KEY is not set")
        return _keyring.decrypt(stored)
    return stored


def looks_encrypted(stored: str) -> bool:
    """Whether a stored value is a Fernet token behind the marker (not merely a text that
    begins with it, as values written before escaping could: see migration 0005)."""
    if not stored.startswith(PREFIX):
        return False
    token = stored[len(PREFIX) :]
    try:
        raw = base64.urlsafe_b64decode(token.encode("ascii"))
    except (binascii.Error, UnicodeEncodeError, ValueError):
        return False
    # Fernet: version 0x80, 8-byte time, 16-byte IV, AES blocks, 32-byte HMAC.
    return len(raw) >= 73 and raw[0] == 0x80 and (len(raw) - 57) % 16 == 0


def _open_or_mark(stored: str) -> str | None:
    try:
        return open_(stored)
    except KeyError_:
        log.error("a stored text could not be read with ENCRYPTION_KEY")
        return None


class SecretText(TypeDecorator[str]):
    """A partner's free text: encrypted at rest when a key is set."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: Dialect) -> str | None:
        return None if value is None else seal(value)

    def process_result_value(self, value: str | None, dialect: Dialect) -> str | None:
        if value is None:
            return None
        text = _open_or_mark(value)
        return UNREADABLE if text is None else text


class SecretJSON(TypeDecorator[Any]):
    """JSON that may carry a partner's words (an outbox payload, a caption)."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> str | None:
        return None if value is None else seal(json.dumps(value, ensure_ascii=False))

    def process_result_value(self, value: str | None, dialect: Dialect) -> Any:
        """The JSON value, or None for one that cannot be read (its reader decides what that
        means: the outbox marks such a delivery failed)."""
        if value is None:
            return None
        text = _open_or_mark(value)
        return None if text is None else json.loads(text)
