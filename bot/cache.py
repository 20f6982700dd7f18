"""The bot's private cache: what it compiles at start from its own files (the prompt library,
the catalogs), kept so that a later start from the same files reads the result instead of
compiling it again.

An entry is one file, `<name>`, in `$XDG_CACHE_HOME/rekindle/` (`~/.cache/rekindle/` without
it; the folder is made owner only), holding the key it was compiled for and what was compiled.
The key is a hash of every byte the result depends on (`fingerprint`), so an entry is either
current or ignored: never stale. A cache that cannot be read or written (no home folder, a
read-only disk) costs only the time it would have saved.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

log = logging.getLogger(__name__)

FOLDER = "rekindle"


def directory() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / FOLDER


def fingerprint(parts: Iterable[bytes]) -> str:
    """The key for a result compiled from `parts` (each part's length counts too, so that
    moving bytes from one part to the next changes it)."""
    digest = hashlib.sha256()
    for part in parts:
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.hexdigest()


def read(name: str, key: str) -> bytes | None:
    """What entry `name` holds if it was written for `key`, else None."""
    try:
        with (directory() / name).open("rb") as file:
            if file.readline().rstrip(b"\n") != key.encode():
                return None
            return file.read()
    except OSError:
        return None


def write(name: str, key: str, data: bytes) -> None:
    """Keep `data` as entry `name` for `key` (written whole or not at all)."""
    folder = directory()
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        descriptor, temporary = tempfile.mkstemp(dir=folder, prefix=f".{name}.")  # mode 0600
        try:
            with os.fdopen(descriptor, "wb") as file:
                file.write(key.encode() + b"\n" + data)
            os.replace(temporary, folder / name)
        except BaseException:
            os.unlink(temporary)
            raise
    except OSError as error:
        log.debug("cannot write the cache", extra={"entry": name, "error": str(error)})
