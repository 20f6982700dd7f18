"""Structured logs: plain or JSON lines, with ids and never a partner's words or a token."""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from typing import Any

QUIET_LIBRARIES = {
    "aiosqlite": logging.INFO,
    "apscheduler": logging.INFO,
    "httpx": logging.WARNING,
    "httpcore": logging.WARNING,
    "alembic.runtime.plugins": logging.WARNING,  # a line per plugin at every migration
}
_STANDARD = set(logging.makeLogRecord({}).__dict__) | {"message", "asctime"}


def _extras(record: logging.LogRecord) -> dict[str, Any]:
    return {k: v for k, v in record.__dict__.items() if k not in _STANDARD}


class PlainFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        extras = _extras(record)
        if extras:
            line += " " + " ".join(f"{k}={v}" for k, v in sorted(extras.items()))
        return line


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": self.formatTime(record),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            **_extras(record),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


class Redacting(logging.Formatter):
    """Wraps a formatter and blanks out every secret wherever it appears in the output (a
    library may log a URL with the bot token in it, e.g. PTB at DEBUG)."""

    def __init__(self, inner: logging.Formatter, secrets: list[str]) -> None:
        super().__init__()
        self.inner = inner
        self.secrets = [s for s in secrets if len(s) >= 6]

    def format(self, record: logging.LogRecord) -> str:
        line = self.inner.format(record)
        for secret in self.secrets:
            line = line.replace(secret, "[redacted]")
        return line


def configure(level: str = "INFO", fmt: str = "plain", secrets: list[str] | None = None) -> None:
    handler = logging.StreamHandler()
    inner: logging.Formatter = (
        JsonFormatter()
        if fmt == "json"
        else PlainFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    )
    handler.setFormatter(Redacting(inner, secrets or []))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    quiet(QUIET_LIBRARIES)


def quiet(loggers: Mapping[str, int]) -> None:
    """Keep each library logger at or above its floor, whatever LOG_LEVEL says: libraries log
    whole updates and request URLs at DEBUG (partners' words, the token in the URL), so they
    never go below INFO; LOG_LEVEL=DEBUG is for Rekindle's own loggers. (The runner calls this
    with each platform's loggers as it builds the platform.)"""
    root = logging.getLogger()
    for name, floor in loggers.items():
        logging.getLogger(name).setLevel(max(floor, root.level))
