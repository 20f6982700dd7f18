"""Unit tests for bot/core/goals.py: adding, showing and reaching shared goals, forged ids too."""

from __future__ import annotations

from sqlmodel import col, select

from bot.core import goals, texts
from bot.core.events import ButtonPress, Outgoing
from bot.core.models import Goal
from tests.helpers.service import Harness, sender


def _text(replies: list[Outgoing]) -> str:
    return "\n".join(out.text for out in replies)


async def _goals(bot: Harness) -> list[Goal]:
    async with bot.service.db.session() as session:
        return list((await session.exec(select(Goal).order_by(col(Goal.id)))).all())


async def _press(bot: Harness, who: str, data: str) -> list[Outgoing]:
    return await bot.send(ButtonPress(sender=sender(who, bot.names.get(who)), data=data))


async def test_a_goal_needs_a_partner_and_words(bot: Harness) -> None:
    assert _text(await bot.say("a", "/goal walk on Sundays")) == texts.CHECKIN_NOT_PAIRED
    await bot.pair()
    assert _text(await bot.say("a", "/goal   ")) == texts.GOAL_ASK
    assert await _goals(bot) == []


async def test_an_added_goal_is_stored_once_tidied_and_told_to_the_partner(bot: Harness) -> None:
    await bot.pair()
    bot.channel.clear()
    assert _text(await bot.say("a", "/goal  walk\n on   Sundays ")) == texts.GOAL_ADDED
    [goal] = await _goals(bot)
    assert goal.text == "walk on Sundays"
    assert goal.reached_at is None
    assert bot.channel.to("b") == [texts.GOAL_TOLD.format(partner="Alex", words="walk on Sundays")]


async def test_a_long_goal_is_cut_to_the_limit(bot: Harness) -> None:
    await bot.pair()
    await bot.say("a", "/goal " + "x" * (goals.MAX_GOAL + 50))
    [goal] = await _goals(bot)
    assert goal.text == "x" * goals.MAX_GOAL


async def test_show_lists_open_and_reached_goals_with_a_button_under_each_open_one(
    bot: Harness,
) -> None:
    assert _text(await bot.say("a", "/goals")) == texts.CHECKIN_NOT_PAIRED
    await bot.pair()
    assert _text(await bot.say("a", "/goals")) == texts.GOALS_NONE
    long_words = "a weekend away somewhere with no phone signal at all"
    await bot.say("a", "/goal walk on Sundays")
    await bot.say("b", f"/goal {long_words}")
    first, second = await _goals(bot)
    await _press(bot, "b", f"goal:{first.id}")

    [shown] = await bot.say("b", "/goals")
    assert shown.text.splitlines() == [
        texts.GOALS_LIST,
        texts.GOALS_OPEN,
        f"• {long_words}",
        texts.GOALS_REACHED,
        "✓ walk on Sundays",
        texts.GOALS_TAP,
    ]
    [[button]] = shown.buttons
    assert button.data == f"goal:{second.id}"
    assert button.label == "✓ " + long_words[: goals.LABEL - 1] + "…"


async def test_reaching_a_goal_tells_both_once(bot: Harness) -> None:
    await bot.pair()
    await bot.say("a", "/goal walk on Sundays")
    [goal] = await _goals(bot)
    bot.channel.clear()

    replies = await _press(bot, "b", f"goal:{goal.id}")
    assert texts.GOAL_REACHED.split("{")[0] in replies[0].text
    assert "walk on Sundays" in replies[0].text
    assert replies[0].text in bot.channel.to("a")
    [reached] = await _goals(bot)
    assert reached.reached_at == bot.clock.now()

    assert _text(await _press(bot, "a", f"goal:{goal.id}")) == texts.GOAL_ALREADY


async def test_forged_goal_buttons_are_stale(bot: Harness) -> None:
    await bot.pair("a", "b")
    await bot.pair("c", "d")
    await bot.say("a", "/goal walk on Sundays")
    [goal] = await _goals(bot)
    assert goal.id is not None
    # Not a number, no such goal, and another couple's goal: all the same stale answer.
    assert _text(await _press(bot, "a", "goal:walk")) == texts.STALE_BUTTON
    assert _text(await _press(bot, "a", f"goal:{goal.id + 1}")) == texts.STALE_BUTTON
    assert _text(await _press(bot, "c", f"goal:{goal.id}")) == texts.STALE_BUTTON
    [untouched] = await _goals(bot)
    assert untouched.reached_at is None
