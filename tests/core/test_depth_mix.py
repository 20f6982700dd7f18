"""Depth that breathes (issue #15, item 1): light first weeks, then a weekly mix with at most
one deep curiosity question ("Deep is a dose, not a diet"), lighter for two weeks after "Too
deep for now", and the couple's own mix in /settings. Weeks of evenings on the movable clock."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import col, select

from bot.core.depth import START_SMALL, curiosity_depth
from bot.core.events import ButtonPress
from bot.core.models import Conversation, Couple
from tests.helpers.service import Harness, sender

MONDAY = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)


async def pair_on_monday(bot: Harness) -> None:
    bot.clock.set(MONDAY)
    for who in ("a", "b"):
        await bot.say(who, "/timezone Europe/Berlin")
    await bot.pair()
    bot.channel.clear()


async def live(bot: Harness, days: int, *, too_deep_once: bool = False) -> datetime | None:
    """Evenings for `days` days: both answer each prompt after 20:30 Berlin. With
    `too_deep_once`, the first prompt with a "Too deep for now" button gets it pressed (by b);
    returns when."""
    pressed: datetime | None = None
    seen = {"a": 0, "b": 0}
    for _ in range(days):
        now = bot.clock.now()
        evening = now.replace(hour=19, minute=45)  # 20:45 in Berlin (winter) or 21:45 (summer)
        await bot.advance((evening if evening > now else evening + timedelta(days=1)) - now)
        prompts = {who: bot.prompts_to(who) for who in seen}
        if too_deep_once and pressed is None:
            for row in prompts["b"][-1].buttons if len(prompts["b"]) > seen["b"] else ():
                for button in row:
                    if button.data.startswith("deep:"):
                        await bot.send(ButtonPress(sender=sender("b", "Sam"), data=button.data))
                        pressed = bot.clock.now()
        for who, before in seen.items():
            if len(prompts[who]) > before:
                await bot.say(who, f"{who}'s answer on {bot.clock.now():%m-%d}")
            seen[who] = len(bot.prompts_to(who))
    return pressed


async def curiosity(bot: Harness) -> list[Conversation]:
    async with bot.service.db.session() as session:
        rows = await session.exec(
            select(Conversation)
            .where(Conversation.kind == "curiosity")
            .order_by(col(Conversation.day))
        )
        return list(rows.all())


def by_week(rows: list[Conversation]) -> dict[tuple[int, int], Counter[int]]:
    weeks: dict[tuple[int, int], Counter[int]] = defaultdict(Counter)
    for row in rows:
        iso = date.fromisoformat(row.day).isocalendar()
        weeks[(iso.year, iso.week)][row.depth or 0] += 1
    return weeks


def week_of(day: str) -> tuple[int, int]:
    iso = date.fromisoformat(day).isocalendar()
    return iso.year, iso.week


@pytest.fixture
def _sqlite_only(database_url: str) -> None:
    if not database_url.startswith("sqlite"):
        pytest.skip("weeks of evenings are about the rule, not the database")


@pytest.mark.usefixtures("_sqlite_only")
async def test_start_small_then_at_most_one_deep_and_one_light_each_week(bot: Harness) -> None:
    await pair_on_monday(bot)
    await live(bot, 7 * 20)
    rows = await curiosity(bot)
    assert len(rows) >= 3 * 19
    assert all(r.revealed_at is not None for r in rows[:-1])  # both answered
    assert [r.depth for r in rows[:START_SMALL]] == [1] * START_SMALL  # start small
    settled = week_of(rows[START_SMALL].day)
    weeks = by_week(rows)
    steady = {week: depths for week, depths in weeks.items() if week > settled}
    assert len(steady) >= 16
    for week, depths in steady.items():
        assert depths[3] <= 1, (week, depths)
        assert depths[1] >= 1, (week, depths)
        assert depths == Counter({1: 1, 2: 1, 3: 1}), (week, depths)  # Mon/Wed/Fri
    async with bot.service.db.session() as session:
        couple = (await session.exec(select(Couple))).one()
    assert couple.depth == 1  # no ladder any more
    assert couple.depth_answered >= len(rows) - 1


@pytest.mark.usefixtures("_sqlite_only")
async def test_too_deep_for_now_keeps_two_weeks_light(bot: Harness) -> None:
    await pair_on_monday(bot)
    async with bot.service.db.session() as session:
        couple = (await session.exec(select(Couple))).one()
        couple.depth_answered = START_SMALL  # past the light first weeks
    await live(bot, 14)
    pressed = await live(bot, 7, too_deep_once=True)
    assert pressed is not None
    await live(bot, 21)
    rows = await curiosity(bot)
    after = [r for r in rows if pressed.date() < date.fromisoformat(r.day)]
    lighter = [
        r for r in after if date.fromisoformat(r.day) < (pressed + timedelta(days=14)).date()
    ]
    assert len(lighter) >= 5
    assert all(r.depth != 3 for r in lighter)
    for week, depths in by_week(lighter).items():
        assert depths[2] <= 1, (week, depths)
    later = [r for r in after if r not in lighter]
    assert any(r.depth == 3 for r in later)  # the usual mix comes back
    async with bot.service.db.session() as session:
        couple = (await session.exec(select(Couple))).one()
    assert couple.lighter_until is not None


@pytest.mark.usefixtures("_sqlite_only")
async def test_deeper_in_settings_allows_two_deep_ones_a_week(bot: Harness) -> None:
    await pair_on_monday(bot)
    async with bot.service.db.session() as session:
        couple = (await session.exec(select(Couple))).one()
        couple.depth_answered = START_SMALL
        couple_id = couple.id
    [shown] = await bot.say("a", "/settings")
    assert "at most one deep one a week" in shown.text
    labels = [b.label for row in shown.buttons for b in row]
    assert "● As is" in labels
    assert "○ Deeper" in labels
    [changed] = await bot.send(
        ButtonPress(sender=sender("a", "Alex"), data=f"set:mix:deeper:{couple_id}")
    )
    assert "up to two deep ones a week" in changed.text
    assert "● Deeper" in [b.label for row in changed.buttons for b in row]
    await live(bot, 7 * 4)
    weeks = by_week(await curiosity(bot))
    assert all(depths[3] <= 2 and depths[1] >= 1 for depths in weeks.values())
    assert any(depths[3] == 2 for depths in weeks.values())


def test_the_rule_for_each_mix() -> None:
    now = MONDAY
    couple = Couple(created_at=now, depth_answered=START_SMALL)

    def week(mix: str, evenings: int, *, lighter: bool = False) -> list[int]:
        couple.depth_mix = mix
        couple.lighter_until = now + timedelta(days=1) if lighter else None
        made: Counter[int] = Counter()
        for _ in range(evenings):
            made[curiosity_depth(couple, made, now=now)] += 1
        return sorted(made.elements())

    assert week("as-is", 3) == [1, 2, 3]
    assert week("as-is", 5) == [1, 2, 2, 2, 3]
    assert week("deeper", 3) == [1, 3, 3]
    assert week("deeper", 4) == [1, 2, 3, 3]
    assert week("lighter", 4) == [1, 1, 1, 2]
    assert week("deeper", 4, lighter=True) == [1, 1, 1, 2]  # "Too deep for now" wins
    couple.depth_answered = START_SMALL - 1
    assert week("deeper", 3) == [1, 1, 1]  # start small
