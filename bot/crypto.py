"""Partners' words at rest: encrypted with Fernet (AES-128-CBC + HMAC-SHA256, from the
`cryptography` package) when ENCRYPTION_KEY is set.

ENCRYPTION_KEY holds one or more Fernet keys separated by commas. The first encrypts; all of
them decrypt, so a key can be rotated: put the new key first, keep the old one after it, run
`python -m bot rotate-key` (every stored text is re-encrypted with the new key), then drop the
old key. A value written without a key stays readable after a key is set, and rotate-key
encrypts it too. Generate a key with `python -m bot new-key`.

Stored forms: `enc1:<Fernet token>` (encrypted), `txt1:<text>` (a plain text that itself begins
with a marker), anything else is plain text as written. So whatever a partner writes reads back
exactly. This module installs itself as the secret columns' sealer (bot/core/secret.py), where a
value that cannot be decrypted reads as `UNREADABLE` and costs only itself. `python -m bot` refuses
to start when the keys given cannot read what is stored (`maintenance.unreadable_store`).

`cryptography` (about 8 MB in memory) is imported when a key is first used, not before.
"""

from __future__ import annotations

import logging

from bot.core import secret
from bot.core.secret import Unreadable, use_sealer

PREFIX = "enc1:"
# Stored before a plain text that itself begins with a marker, so that what a partner writes is
# never mistaken for ciphertext ("enc1:hello" is stored as "txt1:enc1:hello").
PLAIN = "txt1:"
MARKERS = (PREFIX, PLAIN)
UNREADABLE = secret.UNREADABLE  # what a reader gets for a value no key given can read

log = logging.getLogger(__name__)


class KeyError_(ValueError):
    """ENCRYPTION_KEY is not a list of valid Fernet keys."""


class Keyring:
    def __init__(self, keys: str) -> None:
        from cryptography.fernet import Fernet, MultiFernet

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
        from cryptography.fernet import InvalidToken

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
    from cryptography.fernet import Fernet

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


class _Sealer:
    """Secret columns' sealer (bot/core/secret.py): this module's keys and stored forms."""

    def seal(self, text: str) -> str:
        return seal(text)

    def open(self, stored: str) -> str:
        try:
            return open_(stored)
        except KeyError_ as error:
            raise Unreadable(str(error)) from error


use_sealer(_Sealer())
