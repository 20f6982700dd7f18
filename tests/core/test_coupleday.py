"""The couple's day: every pair of zones, every evening of a year, each time of evening."""

from __future__ import annotations

import itertools
from datetime import date, time, timedelta

import pytest

from bot.core.coupleday import couple_day, evening_of
from bot.core.local_time import local_moment

ZONES = [
    "Europe/Berlin",
    "Europe/London",
    "Asia/Tokyo",
    "America/New_York",
    "Australia/Sydney",
    "Pacific/Auckland",
    "America/Los_Angeles",
    "Asia/Kolkata",  # +5:30
    "Asia/Kathmandu",  # +5:45
    "Australia/Lord_Howe",  # half an hour of daylight saving
    "Pacific/Chatham",  # +12:45 / +13:45
    "Pacific/Kiritimati",  # +14
    "Pacific/Pago_Pago",  # -11
    "America/St_Johns",  # -3:30 with daylight saving
    "America/Santiago",  # southern daylight saving
    None,  # a member who never set a zone: UTC
]
YEAR = [date(2027, 1, 1) + timedelta(days=n) for n in range(365)]


@pytest.mark.parametrize("evening", [time(20, 30), time(7, 0), time(23, 45), time(0, 15)])
def test_every_pair_of_zones_pairs_each_evening_once_and_nearest(evening: time) -> None:
    for one, other in itertools.combinations(ZONES, 2):
        zones = (one, other)
        days: dict[str | None, list[date]] = {}
        for zone in zones:
            days[zone] = [
                couple_day(local_moment(d, evening, zone=zone), evening, zones=zones) for d in YEAR
            ]
            # One couple-day per local evening, in order, none skipped or doubled.
            steps = {b - a for a, b in itertools.pairwise(days[zone])}
            assert steps == {timedelta(days=1)}, (zones, evening)
        for day in days[one][2:-2]:
            gap = abs(
                evening_of(day, evening, zone=one, zones=zones)
                - evening_of(day, evening, zone=other, zones=zones)
            )
            assert gap <= timedelta(hours=14), (zones, evening, day, gap)


def test_the_order_of_the_partners_does_not_matter() -> None:
    slot = local_moment(date(2027, 3, 10), time(20, 30), zone="Asia/Tokyo")
    assert couple_day(slot, time(20, 30), zones=("Asia/Tokyo", "America/New_York")) == couple_day(
        slot, time(20, 30), zones=("America/New_York", "Asia/Tokyo")
    )


def test_partners_in_one_zone_or_close_by_keep_their_local_date() -> None:
    for zones in (("Europe/Berlin", "Europe/Berlin"), ("Europe/Berlin", "Europe/London")):
        for zone in zones:
            slot = local_moment(date(2026, 12, 1), time(20, 30), zone=zone)
            assert couple_day(slot, time(20, 30), zones=zones) == date(2026, 12, 1)


def test_new_york_monday_evening_pairs_with_tokyo_tuesday_evening() -> None:
    zones = ("America/New_York", "Asia/Tokyo")
    new_york = local_moment(date(2026, 12, 7), time(20, 30), zone="America/New_York")  # Monday
    tokyo = local_moment(date(2026, 12, 8), time(20, 30), zone="Asia/Tokyo")  # Tuesday
    assert couple_day(new_york, time(20, 30), zones=zones) == couple_day(
        tokyo, time(20, 30), zones=zones
    )
    assert timedelta(0) < tokyo - new_york <= timedelta(hours=12)
