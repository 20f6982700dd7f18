"""Partners' words at rest: encrypted with Fernet (AES-128-CBC + HMAC-SHA256, from the
`cryptography` package) when ENCRYPTION_KEY is set.

ENCRYPTION_KEY holds one or more Fernet keys separated by commas. The first encrypts; all of
them decrypt, so a key can be rotated: put the new key first, keep the old one after it, run
`python -m bot rotate-key` (every stored text is re-encrypted with the new key), then drop the
old key. A value written without a key stays readable after a key is set, and rotate-key
encrypts it too. Generate a key with `python -m bot new-key`.
"""

from __future__ import annotations

import json
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from sqlalchemy import Text
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

PREFIX = "enc1:"


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


def _seal(text: str) -> str:
    return _keyring.encrypt(text) if _keyring is not None else text


def _open(stored: str) -> str:
    if stored.startswith(PREFIX):
        if _keyring is None:
            raise KeyError_("stored texts are encrypted but ENCRYPTION_KEY is not set")
        return _keyring.decrypt(stored)
    return stored


class SecretText(TypeDecorator[str]):
    """A partner's free text: encrypted at rest when a key is set."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: Dialect) -> str | None:
        return None if value is None else _seal(value)

    def process_result_value(self, value: str | None, dialect: Dialect) -> str | None:
        return None if value is None else _open(value)


class SecretJSON(TypeDecorator[Any]):
    """JSON that may carry a partner's words (an outbox payload, a caption)."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> str | None:
        return None if value is None else _seal(json.dumps(value, ensure_ascii=False))

    def process_result_value(self, value: str | None, dialect: Dialect) -> Any:
        return None if value is None else json.loads(_open(value))
