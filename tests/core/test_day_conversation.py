"""The day's conversation (`bot.core.day_conversation`): made once per couple-day with the
day's prompt, found by the other partner, closing the couple's earlier open ones."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlmodel import col, select

from bot.content import Library, Prompt
from bot.core.day_conversation import conversations_for_days, new_conversation_for_day
from bot.core.models import Conversation, PromptUse
from bot.db import Database
from tests.helpers.couples import couple_of_two
from tests.helpers.service import LIBRARY, START

TUE = date(2026, 12, 1)


async def test_made_once_and_found_by_the_other_partner(db: Database) -> None:
    async with db.session() as session:
        couple, _, _ = await couple_of_two(session, depth_answered=5)
        first = await new_conversation_for_day(
            session, LIBRARY, couple=couple, day=TUE, kind="curiosity", now=START
        )
    assert couple.id is not None
    key = (couple.id, TUE.isoformat())
    async with db.session() as session:
        found = await conversations_for_days(
            session, LIBRARY, {key: (couple, "check-in")}, now=START + timedelta(hours=5)
        )  # the kind a new one would take does not change the one found
        again = found[key]
        uses = (await session.exec(select(PromptUse))).all()
    assert again.id == first.id
    assert (again.kind, again.depth, again.day, again.created_at) == (
        "curiosity",
        1,  # the week's first curiosity question is a light one
        "2026-12-01",
        START,
    )
    prompt = LIBRARY.get(first.prompt_id)
    assert prompt is not None
    assert (prompt.kind, prompt.depth) == ("curiosity", 1)
    assert [(u.kind, u.day, u.prompt_id) for u in uses] == [
        ("curiosity", "2026-12-01", first.prompt_id)
    ]


async def test_a_new_day_closes_the_couple_s_earlier_open_ones_only(db: Database) -> None:
    async with db.session() as session:
        couple, _, _ = await couple_of_two(session)
        other, _, _ = await couple_of_two(session, names=("Carol", "Dan"))
        assert couple.id is not None
        assert other.id is not None
        await conversations_for_days(
            session,
            LIBRARY,
            {
                (couple.id, TUE.isoformat()): (couple, "check-in"),
                (other.id, TUE.isoformat()): (other, "check-in"),
            },
            now=START,
        )
        wednesday = START + timedelta(days=1)
        made = await conversations_for_days(
            session,
            LIBRARY,
            {(couple.id, (TUE + timedelta(days=1)).isoformat()): (couple, "check-in")},
            now=wednesday,
        )
        rows = (await session.exec(select(Conversation).order_by(col(Conversation.id)))).all()
    assert [(r.couple_id, r.day, r.depth, r.closed_at) for r in rows] == [
        (couple.id, "2026-12-01", None, wednesday),
        (other.id, "2026-12-01", None, None),
        (couple.id, "2026-12-02", None, None),
    ]
    assert [c.id for c in made.values()] == [rows[2].id]


async def test_a_day_with_no_prompt_to_fit_makes_nothing(db: Database) -> None:
    empty = Library({"only-checkin": Prompt(id="only-checkin", kind="check-in", text="Today?")})
    async with db.session() as session:
        couple, _, _ = await couple_of_two(session)
        assert couple.id is not None
        with pytest.raises(LookupError):
            await new_conversation_for_day(
                session, empty, couple=couple, day=TUE, kind="curiosity", now=START
            )
        found = await conversations_for_days(
            session,
            empty,
            {
                (couple.id, TUE.isoformat()): (couple, "goals"),
                (couple.id, "2026-12-02"): (couple, "check-in"),
            },
            now=START,
        )
        assert await conversations_for_days(session, empty, {}, now=START) == {}
        count = len((await session.exec(select(Conversation))).all())
    assert list(found) == [(couple.id, "2026-12-02")]
    assert count == 1
