"""Local time: a wall-clock time in a zone as an instant and back, parsed "20:30", "tonight"."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache

from bot.core import texts, words
from bot.core.zones import zone_info


@lru_cache(maxsize=1024)  # the few evening times couples choose, read again for every row
def parse_hhmm(text: str) -> time | None:
    """`20:30`, `8:05`, `2030` or `20.30` as a time of day, or None."""
    raw = text.strip().replace(".", ":").replace("h", ":")
    if not raw.isascii():
        return None
    if raw.isdigit() and len(raw) in (3, 4):
        raw = f"{raw[:-2]}:{raw[-2:]}"
    hours, sep, minutes = raw.partition(":")
    if not sep or not hours.isdigit() or not minutes.isdigit() or len(minutes) != 2:
        return None
    h, m = int(hours), int(minutes)
    if h > 23 or m > 59:
        return None
    return time(h, m)


def local_moment(day: date, at: time, *, zone: str | None) -> datetime:
    """The UTC instant of a local date and wall-clock time in a zone.

    A wall-clock time that a spring-forward skips (02:30 on that night) is read with the
    offset from before the change, so it lands the gap's length later (03:30); one that a
    fall-back repeats maps to its first occurrence. Either way the day gets exactly one.
    """
    return datetime.combine(day, at, tzinfo=zone_info(zone)).astimezone(UTC)


def local_date(moment: datetime, zone: str | None) -> date:
    return moment.astimezone(zone_info(zone)).date()


def next_local_time(now: datetime, at: time, *, zone: str | None) -> datetime:
    """The first instant strictly after `now` at which the zone's clock shows `at`."""
    today = local_date(now, zone)
    for offset in range(3):
        moment = local_moment(today + timedelta(days=offset), at, zone=zone)
        if moment > now:
            return moment
    raise AssertionError("unreachable: a wall-clock time recurs within three days")


def tonight_or_tomorrow(
    now: datetime, at: time, *, zone: str | None, lang: str | None = None
) -> str:
    """ "tonight" if the zone's next `at` falls on its today, else "tomorrow" (in `lang`)."""
    moment = next_local_time(now, at, zone=zone)
    word = texts.TONIGHT if local_date(moment, zone) == local_date(now, zone) else texts.TOMORROW
    return words.translate(word, lang)
