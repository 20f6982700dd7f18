from datetime import UTC, date, datetime, time, timedelta

import pytest

from bot.core.local_time import local_moment, next_local_time, parse_hhmm, tonight_or_tomorrow
from bot.core.zones import parse_zone, zone_info


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("Europe/Berlin", "Europe/Berlin"),
        ("europe/berlin", "Europe/Berlin"),
        ("Berlin", "Europe/Berlin"),
        ("new york", "America/New_York"),
        ("New_York", "America/New_York"),
        ("+02:00", "UTC+02:00"),
        ("UTC-5", "UTC-05:00"),
        ("GMT+5:30", "UTC+05:30"),
        ("+0545", "UTC+05:45"),
        ("utc", "UTC"),
        ("+00:00", "UTC"),
    ],
)
def test_zones_people_type_are_understood(typed: str, stored: str) -> None:
    assert parse_zone(typed) == stored


@pytest.mark.parametrize("typed", ["Mars/Olympus", "", "   ", "+15:00", "+02:75", "x" * 500, "<b>"])
def test_what_is_not_a_zone_is_refused(typed: str) -> None:
    assert parse_zone(typed) is None


def test_offsets_become_fixed_zones() -> None:
    assert zone_info("UTC+05:30").utcoffset(None) == timedelta(hours=5, minutes=30)
    assert zone_info("UTC-03:00").utcoffset(None) == timedelta(hours=-3)
    assert zone_info(None).utcoffset(None) == timedelta(0)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("20:30", time(20, 30)),
        ("8:05", time(8, 5)),
        ("2030", time(20, 30)),
        ("20.30", time(20, 30)),
    ],
)
def test_times_of_day(typed: str, expected: time) -> None:
    assert parse_hhmm(typed) == expected


@pytest.mark.parametrize("typed", ["25:00", "20:61", "evening", "", "20:3"])
def test_bad_times_of_day(typed: str) -> None:
    assert parse_hhmm(typed) is None


def test_a_time_skipped_by_spring_forward_still_happens_once() -> None:
    # 2026-03-29 02:30 does not exist in Berlin; it lands after the gap, at 03:30 CEST.
    moment = local_moment(date(2026, 3, 29), time(2, 30), zone="Europe/Berlin")
    assert moment == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)


def test_a_time_repeated_by_fall_back_happens_once() -> None:
    # 2026-10-25 02:30 happens twice in Berlin; the first (CEST) is taken.
    moment = local_moment(date(2026, 10, 25), time(2, 30), zone="Europe/Berlin")
    assert moment == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)
    after = next_local_time(moment, time(2, 30), zone="Europe/Berlin")
    assert after == datetime(2026, 10, 26, 1, 30, tzinfo=UTC)


def test_next_evening_in_each_zone() -> None:
    now = datetime(2026, 12, 1, 16, 0, tzinfo=UTC)
    assert next_local_time(now, time(20, 30), zone="Europe/Berlin") == datetime(
        2026, 12, 1, 19, 30, tzinfo=UTC
    )
    assert next_local_time(now, time(20, 30), zone="America/New_York") == datetime(
        2026, 12, 2, 1, 30, tzinfo=UTC
    )
    assert tonight_or_tomorrow(now, time(20, 30), zone="Asia/Kolkata") == "tomorrow"  # 21:30 there
    assert tonight_or_tomorrow(now, time(20, 30), zone="Europe/Berlin") == "tonight"


def test_split_text_never_yields_a_blank_piece() -> None:
    from bot.channels.long_text import split_text

    pieces = split_text("header\n" + "\t" * 9000 + "\nend", 4096)
    assert pieces[0].startswith("header")
    assert pieces[-1].strip().endswith("end")
    assert all(piece.strip() for piece in pieces)
    assert all(len(piece) <= 4096 for piece in pieces)
