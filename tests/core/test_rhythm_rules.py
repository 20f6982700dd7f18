"""The rhythm's rules one by one (`bot.core.rhythm`): when each rhythm comes round, across
daylight saving and weekday boundaries; quiet hours; the daily count; recording deliveries
under their unique keys; and planning a couple's schedule."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import delete as delete_rows
from sqlalchemy import func
from sqlmodel import col, select

from bot.core.events import Outgoing, Recipient
from bot.core.models import Couple, Delivery, Member, Schedule
from bot.core.rhythm import (
    DIGEST,
    NUDGES,
    ONE_SHOT,
    OUR_DAYS,
    RECAP,
    RHYTHMS,
    SHOWN,
    STATUS,
    delivery,
    in_quiet_hours,
    is_quiet,
    next_due,
    plan,
    record,
    record_many,
    sent_today,
)
from bot.db import Database
from tests.helpers.couples import couple_of_two
from tests.helpers.service import START, Harness

BERLIN = "Europe/Berlin"


def at(day: date, hour: int, minute: int = 0, zone: str | None = BERLIN) -> datetime:
    """The UTC instant of a wall-clock time in a zone (zoneinfo's own reading, not the bot's)."""
    local = datetime.combine(day, time(hour, minute), tzinfo=ZoneInfo(zone or "UTC"))
    return local.astimezone(UTC)


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def couple(**settings: Any) -> Couple:
    return Couple(id=1, created_at=START, **settings)


def when_and_which_days(rhythm: str, evening: time) -> tuple[time, frozenset[int]]:
    if rhythm == "evening":
        return evening, frozenset(range(7))
    weekly = {"recap": RECAP, "status": STATUS, "digest": DIGEST, "ourdays": OUR_DAYS}.get(
        rhythm
    ) or NUDGES[rhythm]
    return weekly.at, weekly.days


# --- next_due --------------------------------------------------------------------------------


@pytest.mark.parametrize("rhythm", RHYTHMS)
@pytest.mark.parametrize(
    "zone",
    [
        BERLIN,  # spring forward on Sunday 28 March 2027
        "America/New_York",  # spring forward on Sunday 14 March 2027
        "Australia/Sydney",  # fall back on Sunday 4 April 2027
        "Australia/Lord_Howe",  # half an hour of daylight saving, also 4 April
        None,  # no zone set: UTC
    ],
)
def test_each_rhythm_comes_once_on_each_of_its_days_through_a_dst_change(
    rhythm: str, zone: str | None
) -> None:
    evening = time(20, 30)
    wall, days = when_and_which_days(rhythm, evening)
    start, end = utc(2027, 3, 1), utc(2027, 4, 20)
    dues, after = [], start
    while (due := next_due(rhythm, after, couple=couple(), zone=zone)) <= end:
        assert due > after
        dues.append(due)
        after = due
    tz = ZoneInfo(zone or "UTC")
    expected = [
        moment
        for n in range(-1, 52)
        if (day := date(2027, 3, 1) + timedelta(days=n)).weekday() in days
        and start < (moment := at(day, wall.hour, wall.minute, zone)) <= end
    ]
    assert dues == expected
    assert all(d.astimezone(tz).time() == wall for d in dues)


@pytest.mark.parametrize(
    ("after", "evening", "due"),
    [
        # Spring forward: Saturday's 20:30 is 19:30 UTC, Sunday's 18:30 UTC.
        (utc(2027, 3, 27, 19, 30), "20:30", utc(2027, 3, 28, 18, 30)),
        # Fall back: Saturday's 20:30 is 18:30 UTC, Sunday's 19:30 UTC.
        (utc(2027, 10, 30, 18, 30), "20:30", utc(2027, 10, 31, 19, 30)),
        # 02:30 does not exist on 28 March: the day gets it an hour later, at 03:30 CEST.
        (utc(2027, 3, 27, 1, 30), "02:30", utc(2027, 3, 28, 1, 30)),
        (utc(2027, 3, 28, 1, 30), "02:30", utc(2027, 3, 29, 0, 30)),
        # 02:30 comes twice on 31 October: the first one, and not the repeat an hour later.
        (utc(2027, 10, 30, 0, 30), "02:30", utc(2027, 10, 31, 0, 30)),
        (utc(2027, 10, 31, 0, 30), "02:30", utc(2027, 11, 1, 1, 30)),
    ],
)
def test_the_evening_through_daylight_saving_in_berlin(
    after: datetime, evening: str, due: datetime
) -> None:
    assert next_due("evening", after, couple=couple(evening_time=evening), zone=BERLIN) == due


TUE, WED, THU, SAT, SUN = (date(2026, 12, d) for d in (1, 2, 3, 5, 6))
WEEK = timedelta(days=7)


@pytest.mark.parametrize(
    ("rhythm", "after", "due"),
    [
        ("evening", at(TUE, 20, 29), at(TUE, 20, 30)),
        ("evening", at(TUE, 20, 30), at(WED, 20, 30)),  # strictly after
        ("affection", at(TUE, 7, 59), at(TUE, 8)),
        ("affection", at(TUE, 8), at(SAT, 8)),  # Tuesday's done: Saturday's
        ("affection", at(SAT, 8), at(TUE + WEEK, 8)),  # Saturday's done: next Tuesday's
        ("appreciation", at(TUE, 18), at(WED, 18)),
        ("appreciation", at(WED, 18), at(WED + WEEK, 18)),  # a whole week on
        ("date", at(THU, 17, 59), at(THU, 18)),
        ("date", at(THU, 18), at(THU + WEEK, 18)),
        ("recap", at(SAT, 23, 59), at(SUN, 19)),
        ("recap", at(SUN, 19), at(SUN + WEEK, 19)),
    ],
)
def test_each_rhythm_on_its_weekday_boundaries(rhythm: str, after: datetime, due: datetime) -> None:
    assert next_due(rhythm, after, couple=couple(), zone=BERLIN) == due


def test_the_member_s_zone_decides_the_weekday() -> None:
    monday_evening_utc = utc(2026, 12, 7, 20)  # already Tuesday 09:00 in Auckland
    assert next_due(
        "affection", monday_evening_utc, couple=couple(), zone="Pacific/Auckland"
    ) == at(date(2026, 12, 12), 8, zone="Pacific/Auckland")
    assert next_due("affection", monday_evening_utc, couple=couple(), zone=None) == utc(
        2026, 12, 8, 8
    )
    # Tuesday 16:00 UTC is still Tuesday 06:00 in Honolulu: that Tuesday's 08:00 is to come.
    assert next_due("affection", START, couple=couple(), zone="Pacific/Honolulu") == utc(
        2026, 12, 1, 18
    )


def test_the_evening_comes_at_the_couple_s_time() -> None:
    assert next_due("evening", START, couple=couple(evening_time="07:15"), zone=BERLIN) == at(
        WED, 7, 15
    )
    assert next_due("evening", START, couple=couple(evening_time="21:45"), zone=BERLIN) == at(
        TUE, 21, 45
    )


# --- quiet hours -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("hour", "minute", "second", "quiet"),
    [
        (22, 29, 59, False),
        (22, 30, 0, True),
        (0, 0, 0, True),
        (7, 29, 59, True),
        (7, 30, 0, False),
        (12, 0, 0, False),
    ],
)
def test_quiet_hours_run_from_22_30_to_07_30_on_the_zone_s_clock(
    hour: int, minute: int, second: int, quiet: bool
) -> None:
    moment = at(WED, hour, minute) + timedelta(seconds=second)
    assert in_quiet_hours(moment, BERLIN) is quiet
    assert in_quiet_hours(at(WED, hour, minute, zone=None) + timedelta(seconds=second), None) is (
        quiet
    )


def test_quiet_hours_are_the_member_s_own() -> None:
    moment = utc(2026, 12, 2, 21, 45)  # 22:45 in Berlin, 21:45 in London
    assert in_quiet_hours(moment, BERLIN)
    assert not in_quiet_hours(moment, "Europe/London")


@pytest.mark.parametrize("rhythm", [*RHYTHMS, *ONE_SHOT])
def test_only_the_evening_comes_in_quiet_hours(rhythm: str) -> None:
    late, midday = at(WED, 23), at(WED, 12)
    assert is_quiet(late, BERLIN, couple=couple(), rhythm=rhythm) is (rhythm != "evening")
    assert not is_quiet(midday, BERLIN, couple=couple(), rhythm=rhythm)


# --- deliveries: the daily count and unique keys --------------------------------------------


def ids(*members: Member) -> list[int]:
    assert all(member.id is not None for member in members)
    return [member.id or 0 for member in members]


def message(member_id: int, text: str = "hello") -> Outgoing:
    return Outgoing(Recipient(member_id, "test", str(member_id)), text)


async def test_sent_today_counts_only_proactive_deliveries_of_that_member_and_day(
    db: Database,
) -> None:
    today, yesterday = "2026-12-02", "2026-12-01"
    async with db.session() as session:
        _, alex, sam = await couple_of_two(session)
        a, s = ids(alex, sam)
        await record_many(
            session,
            [
                delivery(a, message(a), kind="evening", day=today, now=START),
                delivery(a, message(a), kind="affection", day=today, now=START),
                delivery(a, message(a), kind="evening", day=yesterday, now=START),
                delivery(s, message(s), kind="evening", day=today, now=START, sent=True),
            ],
        )
        # A reply-like delivery (not proactive) does not count toward the daily limit.
        session.add(
            Delivery(
                key=f"reveal:{a}:1",
                member_id=a,
                kind="reveal",
                payload={"text": "words"},
                next_attempt_at=START,
                created_at=START,
                day=today,
            )
        )
        await session.flush()
        counts = await sent_today(session, [(a, today), (s, today), (a, yesterday), (s, "x")])
        assert await sent_today(session, []) == {}
    assert counts[(a, today)] == 2
    assert counts[(s, today)] == 1
    assert counts[(a, yesterday)] == 1
    assert counts[(s, "x")] == 0


async def test_record_many_returns_only_new_keys_and_never_inserts_a_key_twice(
    db: Database,
) -> None:
    async with db.session() as session:
        _, alex, sam = await couple_of_two(session)
        a, s = ids(alex, sam)
        first = [
            delivery(a, message(a, "first"), kind="evening", day="2026-12-01", now=START),
            delivery(s, message(s), kind="evening", day="2026-12-01", now=START),
        ]
        assert await record_many(session, first) == {
            f"evening:{a}:2026-12-01",
            f"evening:{s}:2026-12-01",
        }
        again = [
            delivery(a, message(a, "second"), kind="evening", day="2026-12-01", now=START),
            delivery(a, message(a), kind="evening", day="2026-12-02", now=START),
            delivery(a, message(a), kind="evening", day="2026-12-02", now=START),  # twice
        ]
        assert await record_many(session, again) == {f"evening:{a}:2026-12-02"}
        assert await record_many(session, []) == set()
    async with db.session() as session:
        rows = (await session.exec(select(Delivery).order_by(col(Delivery.key)))).all()
    assert len(rows) == 3
    kept = next(r for r in rows if r.key == f"evening:{a}:2026-12-01")
    assert kept.payload["text"] == "first"  # a key already there is left as it was


async def test_record_is_true_once_and_a_sent_one_holds_the_key_without_words(
    db: Database,
) -> None:
    async with db.session() as session:
        _, alex, _ = await couple_of_two(session)
        assert alex.id is not None
        out = message(alex.id, "the day's prompt")
        assert await record(session, alex, out, kind="evening", day="2026-12-01", now=START)
        assert not await record(session, alex, out, kind="evening", day="2026-12-01", now=START)
        assert await record(
            session, alex, out, kind="affection", day="2026-12-01", now=START, sent=True
        )
    async with db.session() as session:
        shown = (await session.exec(select(Delivery).where(Delivery.kind == "affection"))).one()
        count = (await session.exec(select(func.count()).select_from(Delivery))).one()
    assert count == 2
    assert (shown.status, shown.payload, shown.sent_at) == ("sent", SHOWN, START)
    assert shown.proactive


# --- plan ------------------------------------------------------------------------------------


async def test_plan_writes_one_row_per_rhythm_and_a_new_plan_moves_them(db: Database) -> None:
    async with db.session() as session:
        pair, alex, sam = await couple_of_two(session, zones=(BERLIN, "America/New_York"))
        await plan(session, pair, members=[alex, sam], now=START)
        pair.evening_time = "21:00"
        await plan(session, pair, members=[alex, sam], now=START)  # rewritten, not added to
        rows = (await session.exec(select(Schedule))).all()
        assert len(rows) == 2 * len(RHYTHMS)
        for member in (alex, sam):
            mine = {r.rhythm: r.next_due_at for r in rows if r.member_id == member.id}
            assert mine == {
                rhythm: next_due(rhythm, START, couple=pair, zone=member.timezone)
                for rhythm in RHYTHMS
            }
        evenings = {r.member_id: r.next_due_at for r in rows if r.rhythm == "evening"}
    assert evenings == {alex.id: at(TUE, 21), sam.id: at(TUE, 21, zone="America/New_York")}


async def test_a_rhythm_added_since_pairing_reaches_the_couple_with_their_next_evening(
    bot: Harness,
) -> None:
    """A couple paired before a rhythm existed has no schedule row for it (no migration knows
    each member's zone): their next evening gives them one, for every rhythm."""
    for who in ("a", "b"):
        await bot.say(who, "/timezone Europe/Berlin")
    await bot.pair()
    async with bot.service.db.session() as session:
        await session.exec(delete_rows(Schedule).where(col(Schedule.rhythm) != "evening"))
    await bot.advance(timedelta(days=1))
    async with bot.service.db.session() as session:
        rows = (await session.exec(select(Schedule.member_id, Schedule.rhythm))).all()
    for member_id in {member_id for member_id, _ in rows}:
        assert {rhythm for m, rhythm in rows if m == member_id} == set(RHYTHMS)
