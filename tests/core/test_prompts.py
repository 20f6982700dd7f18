"""Choosing a prompt (`bot.core.prompts`): least used first, reproducible for a day, the same
for one use and a batch, and recorded once per (couple, kind, day)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func
from sqlmodel import select

from bot.content import Library, Prompt
from bot.core.models import PromptUse
from bot.core.prompts import (
    Use,
    Want,
    choose,
    choose_many,
    prompt_for_day,
    prompts_for_days,
    record_uses,
)
from bot.db import Database
from tests.helpers.couples import couple_of_two

SMALL = Library(
    {
        p.id: p
        for p in [
            Prompt(id="curious-one", kind="curiosity", depth=1, text="One?"),
            Prompt(id="curious-two", kind="curiosity", depth=1, text="Two?"),
            Prompt(id="curious-three", kind="curiosity", depth=1, text="Three?"),
            Prompt(id="deep-one", kind="curiosity", depth=2, text="Deep one?"),
            Prompt(id="deep-two", kind="curiosity", depth=2, text="Deep two?"),
            Prompt(id="hug-together", kind="affection", where="together", text="Hold hands."),
            Prompt(id="hug-apart", kind="affection", where="apart", text="Send a song."),
            Prompt(id="hug-either", kind="affection", where="either", text="Say thanks."),
            Prompt(
                id="date-together",
                kind="date",
                where="together",
                cost="free",
                effort="easy",
                text="Picnic.",
            ),
            Prompt(
                id="date-apart",
                kind="date",
                where="apart",
                cost="free",
                effort="easy",
                text="Film call.",
            ),
            Prompt(id="only-checkin", kind="check-in", text="How was today?"),
        ]
    }
)
DAYS = [(date(2027, 1, 4) + timedelta(days=n)).isoformat() for n in range(12)]


async def new_couple(db: Database) -> int:
    async with db.session() as session:
        couple, _, _ = await couple_of_two(session)
        assert couple.id is not None
        return couple.id


async def uses_recorded(db: Database) -> int:
    async with db.session() as session:
        return (await session.exec(select(func.count()).select_from(PromptUse))).one()


async def test_no_prompt_repeats_until_its_pool_is_used_up(db: Database) -> None:
    couple_id = await new_couple(db)
    picked = []
    async with db.session() as session:
        for day in DAYS[:6]:
            prompt = await prompt_for_day(
                session, SMALL, couple_id=couple_id, kind="curiosity", depth=1, day=day
            )
            picked.append(prompt.id)
    # Three prompts at depth 1: each once in the first three days, and again in the next three.
    assert sorted(picked[:3]) == ["curious-one", "curious-three", "curious-two"]
    assert sorted(picked[3:]) == sorted(picked[:3])


async def test_the_least_used_prompt_is_chosen(db: Database) -> None:
    couple_id = await new_couple(db)
    other_id = await new_couple(db)
    async with db.session() as session:
        await record_uses(
            session,
            {
                Use(couple_id, "curiosity", DAYS[0]): "curious-one",
                Use(couple_id, "curiosity", DAYS[1]): "curious-one",
                Use(couple_id, "curiosity", DAYS[2]): "curious-two",
                Use(couple_id, "curiosity", DAYS[3]): "curious-three",
                # Another couple's uses and another kind's count for nothing here.
                Use(other_id, "curiosity", DAYS[0]): "curious-two",
                Use(couple_id, "check-in", DAYS[0]): "only-checkin",
            },
        )
    async with db.session() as session:
        for day in DAYS[4:]:
            chosen = await choose(
                session, SMALL, couple_id=couple_id, kind="curiosity", depth=1, day=day
            )
            assert chosen.id in {"curious-two", "curious-three"}


async def test_a_day_s_choice_is_reproducible_and_one_rule_serves_one_and_many(
    db: Database,
) -> None:
    couples = [await new_couple(db) for _ in range(3)]
    wanted = {Use(c, "curiosity", day): Want(depth=1) for c in couples for day in DAYS}
    async with db.session() as session:
        batch = await choose_many(session, SMALL, wanted)
    async with db.session() as session:
        again = await choose_many(session, SMALL, wanted)
        one_by_one = {
            use: await choose(
                session, SMALL, couple_id=use.couple_id, kind=use.kind, depth=1, day=use.day
            )
            for use in wanted
        }
    assert {u: p.id for u, p in batch.items()} == {u: p.id for u, p in again.items()}
    assert {u: p.id for u, p in batch.items()} == {u: p.id for u, p in one_by_one.items()}
    assert await uses_recorded(db) == 0  # choosing alone records nothing


async def test_both_partners_get_the_day_s_prompt_recorded_once(db: Database) -> None:
    couple_id = await new_couple(db)
    async with db.session() as session:  # the partner whose evening comes first
        first = await prompt_for_day(
            session, SMALL, couple_id=couple_id, kind="curiosity", depth=1, day=DAYS[0]
        )
    async with db.session() as session:  # the other partner, later
        second = await prompt_for_day(
            session, SMALL, couple_id=couple_id, kind="curiosity", depth=1, day=DAYS[0]
        )
        nudge = await prompt_for_day(
            session, SMALL, couple_id=couple_id, kind="affection", depth=None, day=DAYS[0]
        )
    assert first.id == second.id
    assert nudge.kind == "affection"  # another kind is its own use of the same day
    assert await uses_recorded(db) == 2


async def test_a_recorded_prompt_is_returned_and_a_replaced_one_wins(db: Database) -> None:
    couple_id = await new_couple(db)
    use = Use(couple_id, "curiosity", DAYS[0])
    async with db.session() as session:
        first = (await prompts_for_days(session, SMALL, {use: Want(depth=1)}))[use]
        replacement = next(p for p in SMALL.of("curiosity", 1) if p.id != first.id)
        await record_uses(session, {use: replacement.id})  # a skip replaces the day's prompt
    async with db.session() as session:
        later = (await prompts_for_days(session, SMALL, {use: Want(depth=1)}))[use]
    assert later.id == replacement.id
    assert await uses_recorded(db) == 1


async def test_a_recorded_prompt_gone_from_the_library_is_chosen_anew(db: Database) -> None:
    couple_id = await new_couple(db)
    use = Use(couple_id, "curiosity", DAYS[0])
    async with db.session() as session:
        await record_uses(session, {use: "curious-removed-since"})
    async with db.session() as session:
        found = await prompts_for_days(session, SMALL, {use: Want(depth=1)})
    assert found[use].id in {p.id for p in SMALL.of("curiosity", 1)}
    async with db.session() as session:
        stored = (await session.exec(select(PromptUse.prompt_id))).one()
    assert stored == found[use].id


async def test_avoid_is_never_chosen_unless_it_is_the_whole_pool(db: Database) -> None:
    couple_id = await new_couple(db)
    async with db.session() as session:
        for day in DAYS:
            chosen = await choose(
                session,
                SMALL,
                couple_id=couple_id,
                kind="curiosity",
                depth=1,
                day=day,
                avoid="curious-one",
            )
            assert chosen.id != "curious-one"
        alone = await choose(
            session,
            SMALL,
            couple_id=couple_id,
            kind="check-in",
            depth=None,
            day=DAYS[0],
            avoid="only-checkin",
        )
    assert alone.id == "only-checkin"


@pytest.mark.parametrize(
    ("kind", "apart", "fit"),
    [
        ("affection", True, {"hug-apart", "hug-either"}),
        ("affection", False, {"hug-together", "hug-either"}),
        ("affection", None, {"hug-apart", "hug-either", "hug-together"}),
        ("date", True, {"date-apart"}),
        ("date", False, {"date-together"}),
    ],
)
async def test_apart_picks_only_ideas_whose_where_fits(
    db: Database, kind: str, apart: bool | None, fit: set[str]
) -> None:
    couple_id = await new_couple(db)
    picked = set()
    async with db.session() as session:
        # As many days as fitting ideas: none repeats before all were used, so each comes once.
        for day in DAYS[: len(fit)]:
            use = Use(couple_id, kind, day)
            found = await prompts_for_days(session, SMALL, {use: Want(apart=apart)})
            picked.add(found[use].id)
    assert picked == fit


async def test_each_depth_draws_from_its_own_pool(db: Database) -> None:
    couple_id = await new_couple(db)
    async with db.session() as session:
        chosen = await choose_many(
            session,
            SMALL,
            {Use(couple_id, "curiosity", day): Want(depth=2) for day in DAYS},
        )
    assert {p.id for p in chosen.values()} <= {"deep-one", "deep-two"}
    assert all(p.depth == 2 for p in chosen.values())


async def test_an_empty_pool_raises_lookup_error_and_a_batch_leaves_it_out(
    db: Database,
) -> None:
    couple_id = await new_couple(db)
    async with db.session() as session:
        with pytest.raises(LookupError):
            await choose(session, SMALL, couple_id=couple_id, kind="goals", depth=None, day="x")
        with pytest.raises(LookupError):
            await prompt_for_day(
                session, SMALL, couple_id=couple_id, kind="curiosity", depth=3, day=DAYS[0]
            )
        fits, empty = Use(couple_id, "check-in", DAYS[0]), Use(couple_id, "goals", DAYS[0])
        found = await prompts_for_days(session, SMALL, {fits: Want(), empty: Want()})
    assert set(found) == {fits}
    assert await uses_recorded(db) == 1
