"""How prompts are chosen beyond "least used first" (issue #15, items 2 and 4): dates cheap and
easy first in fact, every celebration line reachable before any repeats, and a prompt's
follow-up sent after the reveal in each reader's language."""

from __future__ import annotations

from sqlmodel import select

from bot.core import milestones
from bot.core.models import Conversation
from bot.core.prompts import FIRST_DATES, Use, Want, prompts_for_days
from tests.core.test_packs import paired
from tests.helpers.service import LIBRARY, START, Harness


def rank(prompt_id: str) -> int:
    prompt = LIBRARY.get(prompt_id)
    assert prompt is not None
    return {"free": 0, "low": 1, "high": 2}[prompt.cost or ""] + {"easy": 0, "some": 1, "big": 2}[
        prompt.effort or ""
    ]


async def test_dates_come_cheap_and_easy_first_and_bigger_ones_now_and_then(bot: Harness) -> None:
    couple_id = await paired(bot)
    picks = []
    async with bot.service.db.session() as session:
        for week in range(60):  # a date idea a week, more than a year of them
            use = Use(couple_id, "date", f"week-{week:02d}")
            chosen = await prompts_for_days(session, LIBRARY, {use: Want(apart=False)})
            picks.append(chosen[use].id)
    assert len(set(picks)) == len(picks)  # none repeats
    assert [rank(p) for p in picks[:FIRST_DATES]] == [0] * FIRST_DATES  # free and easy first
    ranks = [rank(p) for p in picks]
    assert sum(r == 0 for r in ranks) > len(ranks) / 2  # mostly cheap and easy
    assert any(r >= 2 for r in ranks)  # and now and then a bigger one


async def test_every_celebration_line_of_an_occasion_comes_before_any_repeats(
    bot: Harness,
) -> None:
    couple_id = await paired(bot)
    for occasion in ("conversations", "win", "month"):
        pool = {p.id for p in LIBRARY.for_occasion(occasion)}
        got = []
        async with bot.service.db.session() as session:
            for n in range(len(pool) + 1):
                got.append(
                    await milestones.pick_line(
                        session,
                        LIBRARY,
                        couple_id=couple_id,
                        occasion=occasion,
                        seed=f"{occasion}-{n}",
                        now=START,
                    )
                )
        assert set(got[:-1]) == pool, occasion  # every line reached, none twice
        assert got[-1] in pool


async def test_a_follow_up_comes_after_the_reveal_in_each_readers_language(
    bot: Harness,
) -> None:
    await paired(bot)
    await bot.say("b", "/language es")
    await bot.say("a", "/checkin")
    followed = next(
        p for p in LIBRARY.of("check-in") if p.follow_up and LIBRARY.follow_up(p.id, "es")
    )
    async with bot.service.db.session() as session:
        conversation = (await session.exec(select(Conversation))).one()
        conversation.prompt_id = followed.id
        conversation.prompt_text = {"en": followed.text}
    bot.channel.clear()
    await bot.say("a", "my answer")
    await bot.say("b", "mi respuesta")
    to_a = [out.text for out in bot.channel.sent if out.to.chat_id == "a"]
    to_b = [out.text for out in bot.channel.sent if out.to.chat_id == "b"]
    assert any(text.endswith(f"\n\n{followed.follow_up}") for text in to_a), to_a
    spanish = LIBRARY.follow_up(followed.id, "es")
    assert any(text.endswith(f"\n\n{spanish}") for text in to_b), to_b
