"""Files that hold partners' data or secrets (SQLite databases, their -wal and -shm, backups, the
pairing secret) are readable and writable by their owner only: mode 0600.

Why this way, not a umask around `connect`: the umask is one per process, shared by every
thread (aiosqlite opens its database in a worker thread, and other threads may create files at
the same moment), so setting it for a moment is a race. Instead the database file is created
0600 before SQLite opens it, and SQLite gives the -wal, -shm and -journal files it creates the
same mode as the database file (its Unix VFS copies it). Files made by an older version or by
hand with a looser mode are tightened when the bot opens them, with a warning.
"""

from __future__ import annotations

import logging
import os
import stat
from pathlib import Path

log = logging.getLogger(__name__)

PRIVATE = 0o600
SQLITE_COMPANIONS = ("-wal", "-shm", "-journal")


def create_private(path: Path) -> None:
    """Create `path` empty with mode 0600 if it does not exist (a missing folder is left for
    whoever opens the file next to report)."""
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE)
    except (FileExistsError, FileNotFoundError):
        return
    os.close(descriptor)


def tighten(path: Path) -> bool:
    """Take every permission from group and others on `path` if it exists; True if it had
    any (and the caller should say so)."""
    if os.name != "posix":
        return False
    try:
        current = stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        return False
    if not current & 0o077:
        return False
    os.chmod(path, current & 0o700)
    log.warning(
        "tightened a file's permissions to owner only",
        extra={"file": str(path), "was": oct(current), "now": oct(current & 0o700)},
    )
    return True


def private_sqlite(file: Path) -> None:
    """A SQLite database and its companion files, owner only: created 0600 if new, tightened
    if they exist with a looser mode."""
    create_private(file)
    for path in (file, *(Path(f"{file}{suffix}") for suffix in SQLITE_COMPANIONS)):
        tighten(path)
