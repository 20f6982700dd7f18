"""The couple's day: which evenings of two partners, perhaps far apart, share one question.

Each partner gets the evening question at the couple's time in their own time zone, so for
partners in different zones the two evenings are hours apart, and their local dates may differ
(New York's Monday evening is Tuesday morning in Tokyo). A couple-day pairs each evening of one
partner with the evening of the other that lies nearest to it in time: at most twelve hours
apart (thirteen across a clock change). Both evenings of a pair get the same conversation, keyed
by the couple-day's date, and consecutive evenings of a partner belong to consecutive couple-days,
so no couple-day is skipped or doubled.

How: take the two partners' standard UTC offsets (daylight saving left out, so a clock change
on one side never re-pairs the evenings), bring them within twelve hours of each other, and
read each evening at the offset midway between them, shifted so that the couple's evening time
falls at noon. Both evenings of a pair then land within eight hours of that noon, on the same
date: that date names the couple-day. Partners in one zone get their own local date.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache

from bot.core.local_time import local_moment
from bot.core.zones import zone_info

DAY = timedelta(days=1)
HALF_DAY = timedelta(hours=12)


def standard_offset(moment: datetime, zone: str | None) -> timedelta:
    """The zone's UTC offset at `moment` without daylight saving time."""
    local = moment.astimezone(zone_info(zone))
    return (local.utcoffset() or timedelta(0)) - (local.dst() or timedelta(0))


def _within_half_a_day(offset: timedelta) -> timedelta:
    """The same clock reading, as an offset in (-12 h, +12 h]."""
    while offset > HALF_DAY:
        offset -= DAY
    while offset <= -HALF_DAY:
        offset += DAY
    return offset


def midway(moment: datetime, zones: Sequence[str | None]) -> timedelta:
    """The offset midway between the partners' standard offsets, taken the short way round."""
    low, high = sorted(standard_offset(moment, zone) for zone in zones)
    gap = _within_half_a_day(high - low)
    return _within_half_a_day(low + gap / 2)


def couple_day(slot: datetime, evening: time, *, zones: Sequence[str | None]) -> date:
    """The couple-day an evening instant (one partner's evening) belongs to. `zones` are both
    partners' zones (one zone alone for a member without a partner)."""
    return _couple_day(slot, evening, zones=tuple(zones))


@lru_cache(maxsize=4096)  # a minute's evenings share a few slots, times and pairs of zones
def _couple_day(slot: datetime, evening: time, *, zones: tuple[str | None, ...]) -> date:
    to_noon = HALF_DAY - timedelta(hours=evening.hour, minutes=evening.minute)
    shifted = slot.astimezone(UTC) + midway(slot, zones) + to_noon
    return shifted.date()


def evening_of(
    day: date, evening: time, *, zone: str | None, zones: Sequence[str | None]
) -> datetime:
    """The evening instant, in `zone`, that belongs to the couple-day `day`."""
    for offset in (0, -1, 1, -2, 2):
        moment = local_moment(day + timedelta(days=offset), evening, zone=zone)
        if couple_day(moment, evening, zones=zones) == day:
            return moment
    raise AssertionError("unreachable: every couple-day has an evening in each zone")
