"""A year of evenings without a repeat (issue #15, item 2): a couple who answers every evening
and skips one question a week is never sent the same prompt twice in a year, of any kind:
check-ins, curiosity (the skipped ones too), goals, photo moments, affection, appreciation and
date ideas, the recap's closing line and the milestones' lines; and the evenings that come
back to earlier answers (issue #16) never come back to the same one twice. On the movable
clock, in-process."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from bot.core.events import ButtonPress
from bot.core.models import Conversation, PromptSeen, PromptUse
from tests.helpers.service import Harness, sender

MONDAY = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
DAYS = 365


@pytest.fixture
def _sqlite_only(database_url: str) -> None:
    if not database_url.startswith("sqlite"):
        pytest.skip("a year of evenings is about the rule, not the database")


async def a_year(bot: Harness) -> int:
    """Every evening both answer; on Mondays (a curiosity evening) b first skips the question.
    Returns how many skips were pressed."""
    skips = 0
    seen = {"a": 0, "b": 0}
    for _ in range(DAYS):
        now = bot.clock.now()
        evening = now.replace(hour=19, minute=45)  # after 20:30 in Berlin, winter or summer
        await bot.advance((evening if evening > now else evening + timedelta(days=1)) - now)
        prompts = {who: bot.prompts_to(who) for who in seen}
        if bot.clock.now().weekday() == 0 and len(prompts["b"]) > seen["b"]:
            skip = [
                button.data
                for row in prompts["b"][-1].buttons
                for button in row
                if button.data.startswith("skip:")
            ]
            if skip:
                await bot.send(ButtonPress(sender=sender("b", "Sam"), data=skip[0]))
                skips += 1
        for who, before in seen.items():
            if len(bot.prompts_to(who)) > before:
                await bot.say(who, f"{who}'s answer on {bot.clock.now():%m-%d}")
            seen[who] = len(bot.prompts_to(who))
    return skips


@pytest.mark.timeout(360)  # 365 evenings: about 80 s alone, more on a busy machine
@pytest.mark.usefixtures("_sqlite_only")
async def test_a_year_of_evenings_with_a_skip_a_week_repeats_no_prompt(bot: Harness) -> None:
    bot.clock.set(MONDAY)
    for who in ("a", "b"):
        await bot.say(who, "/timezone Europe/Berlin")
    await bot.pair()
    skips = await a_year(bot)
    assert skips >= 50  # one a week

    async with bot.service.db.session() as session:
        picked = (await session.exec(select(PromptUse.kind, PromptUse.prompt_id))).all()
        seen = (await session.exec(select(PromptSeen.kind, PromptSeen.prompt_id))).all()
        conversations = (await session.exec(select(Conversation))).all()
    shown = Counter((kind, prompt_id) for kind, prompt_id in [*picked, *seen])
    repeated = {key: n for key, n in shown.items() if n > 1}
    assert not repeated, repeated

    kinds = Counter(kind for kind, _ in shown.elements())
    # Every rhythm came round all year: the pools were never the reason for a gap.
    assert len([c for c in conversations if c.revealed_at is not None]) >= DAYS - 2
    assert kinds["curiosity"] >= 3 * 52 + skips - 3
    # Check-ins fill the evenings the rest leave: Tuesdays and Saturdays come back to earlier
    # answers once there are some four weeks old, every other Thursday is a photo moment.
    assert kinds["check-in"] >= 52
    assert kinds["photo"] >= 26 - 1
    again = Counter(c.kind for c in conversations if c.kind in ("callback", "guess"))
    assert again["callback"] >= 45
    assert again["guess"] >= 45
    sources = [(c.kind, c.source_id) for c in conversations if c.source_id is not None]
    assert len(set(sources)) == len(sources)  # never the same earlier answer twice
    assert kinds["goals"] >= 25
    assert kinds["affection"] >= 2 * 52 - 2
    assert kinds["appreciation"] >= 52 - 1
    assert kinds["date"] >= 52 - 1
    assert kinds["recap"] >= 52 - 1
    assert kinds["celebration"] >= 5  # the milestones of a year
    # The skipped questions are among the curiosity ones never sent again.
    assert len([kind for kind, _ in seen if kind == "curiosity"]) == skips
