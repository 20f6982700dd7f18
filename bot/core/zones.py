"""Understanding what people type as a time zone: IANA names, cities, and UTC offsets."""

from __future__ import annotations

import re
from datetime import timedelta, timezone, tzinfo
from functools import cache, lru_cache
from zoneinfo import ZoneInfo, available_timezones

from bot.core import texts

# Shown as buttons under /start and /timezone: a spread of the zones most people live in, each
# with its label from the catalog.
COMMON_ZONES: tuple[tuple[str, str], ...] = tuple(
    (label, zone) for zone, label in texts.ZONE_BUTTONS.items()
)

_OFFSET = re.compile(r"^(?:utc|gmt)?\s*([+-])\s*(\d{1,2})(?::?(\d{2}))?$", re.IGNORECASE)
_UTC_NAMES = {"utc", "gmt", "z", "zulu", "etc/utc", "etc/gmt"}
MAX_OFFSET = timedelta(hours=14)


@cache
def _by_folded_name() -> dict[str, str]:
    """IANA names and their city parts, folded for case- and spacing-insensitive lookup."""
    names: dict[str, str] = {}
    for name in sorted(available_timezones()):
        if name.startswith(("Etc/", "SystemV/")) or "/" not in name:
            continue
        names.setdefault(_fold(name), name)
    for name in sorted(available_timezones()):
        if "/" in name and not name.startswith("Etc/"):
            names.setdefault(_fold(name.rsplit("/", 1)[1]), name)
    return names


def _fold(text: str) -> str:
    return re.sub(r"[\s_\-]+", " ", text.strip().lower())


def parse_zone(text: str) -> str | None:
    """The stored name for what someone typed, or None when it is not a zone we know.

    Returns an IANA name ("Europe/Berlin") or a fixed offset written "UTC+02:00".
    """
    raw = text.strip()
    if not raw or len(raw) > 64:
        return None
    if raw.lower() in _UTC_NAMES:
        return "UTC"
    match = _OFFSET.match(raw)
    if match:
        sign, hours, minutes = match.group(1), int(match.group(2)), int(match.group(3) or 0)
        offset = timedelta(hours=hours, minutes=minutes)
        if minutes >= 60 or offset > MAX_OFFSET:
            return None
        if offset == timedelta(0):
            return "UTC"
        return f"UTC{sign}{hours:02d}:{minutes:02d}"
    return _by_folded_name().get(_fold(raw))


@lru_cache(maxsize=1024)
def zone_info(name: str | None) -> tzinfo:
    """The tzinfo for a stored name; members who never chose a zone live in UTC. Cached: a busy
    tick asks for the same few zones tens of thousands of times."""
    if name is None or name == "UTC":
        return timezone.utc  # noqa: UP017 - a tzinfo, not the datetime.UTC alias users read as a name
    if name.startswith("UTC") and len(name) == 9:
        sign = -1 if name[3] == "-" else 1
        hours, minutes = int(name[4:6]), int(name[7:9])
        return timezone(sign * timedelta(hours=hours, minutes=minutes))
    return ZoneInfo(name)
