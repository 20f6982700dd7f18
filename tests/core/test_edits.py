"""Edited messages: an edit changes an answer only when it is the message that answer was given
in and the conversation is still sealed; otherwise nothing changes (with a kind note when the
person would expect a change)."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import col, select

from bot.core import texts
from bot.core.events import Edit, Text
from bot.core.models import Answer, Member
from tests.helpers.service import Harness, sender


async def write(bot: Harness, who: str, words: str, ref: str) -> list[str]:
    event = Text(sender=sender(who, bot.names.get(who)), text=words, message_ref=ref)
    return [out.text for out in await bot.send(event)]


async def edit(bot: Harness, who: str, words: str, ref: str) -> list[str]:
    event = Edit(sender=sender(who, bot.names.get(who)), message_ref=ref, text=words)
    return [out.text for out in await bot.send(event)]


async def answers(bot: Harness) -> list[tuple[str, str | None, str | None, bool]]:
    async with bot.service.db.session() as session:
        rows = await session.exec(
            select(Member.user_id, Answer.text, Answer.message_ref, Answer.late)
            .join(Member, col(Member.id) == Answer.member_id)
            .order_by(col(Answer.id))
        )
        return [tuple(row) for row in rows.all()]  # type: ignore[misc]


async def sealed_evening(bot: Harness) -> None:
    await bot.pair()
    await bot.say("a", "/checkin")
    bot.channel.clear()


async def test_every_stored_answer_keeps_the_message_it_was_given_in(bot: Harness) -> None:
    await sealed_evening(bot)
    await write(bot, "a", "first", "m1")
    assert await answers(bot) == [("a", "first", "m1", False)]
    await write(bot, "a", "second", "m2")  # a change of mind: the answer is now message m2's
    assert await answers(bot) == [("a", "second", "m2", False)]
    await write(bot, "b", "Sam's", "s1")  # the reveal
    await write(bot, "a", "one more thing", "m3")  # a late answer
    assert await answers(bot) == [
        ("a", "second", "m2", False),
        ("b", "Sam's", "s1", False),
        ("a", "one more thing", "m3", True),
    ]


async def test_editing_the_answer_while_sealed_replaces_it(bot: Harness) -> None:
    await sealed_evening(bot)
    await write(bot, "a", "first", "m1")
    [reply] = await edit(bot, "a", "first, better put", "m1")
    assert reply == texts.REPLACED.format(partner="Sam")
    assert await answers(bot) == [("a", "first, better put", "m1", False)]
    await write(bot, "b", "mine", "s1")
    [reveal] = [t for t in bot.channel.to("b") if "Alex's answer" in t]
    assert "first, better put" in reveal


async def test_editing_an_older_message_does_not_replace_the_answer(bot: Harness) -> None:
    await sealed_evening(bot)
    await write(bot, "a", "first", "m1")
    await write(bot, "a", "second", "m2")
    assert await edit(bot, "a", "first, edited", "m1") == []
    assert await answers(bot) == [("a", "second", "m2", False)]


async def test_an_edited_command_changes_no_answer(bot: Harness) -> None:
    await sealed_evening(bot)
    await write(bot, "a", "my answer", "m1")
    await bot.say("a", "/appreciate you listen so well")
    replies = await edit(bot, "a", "/appreciate you listen so very well", "m2")
    assert replies == [texts.EDIT_COMMAND]
    assert await answers(bot) == [("a", "my answer", "m1", False)]


async def test_an_edit_after_the_reveal_gets_a_kind_note_and_changes_nothing(bot: Harness) -> None:
    await sealed_evening(bot)
    await write(bot, "a", "as it was", "m1")
    await write(bot, "b", "mine", "s1")
    bot.channel.clear()
    assert await edit(bot, "a", "as I wish it had been", "m1") == [texts.EDIT_AFTER_REVEAL]
    assert await answers(bot) == [("a", "as it was", "m1", False), ("b", "mine", "s1", False)]
    assert bot.channel.to("b") == []


async def test_an_edit_names_only_the_editors_own_answers(bot: Harness) -> None:
    """Message refs are the channel's, not unique across people: an edit by Sam that names the
    ref of Alex's answer never touches Alex's words."""
    await sealed_evening(bot)
    await write(bot, "a", "Alex's words", "7")
    assert await edit(bot, "b", "Sam rewriting", "7") == []
    assert await answers(bot) == [("a", "Alex's words", "7", False)]


async def test_an_answer_to_a_swapped_question_is_not_revived_by_an_edit(bot: Harness) -> None:
    await bot.pair()
    await bot.say("a", "/ask")  # a curiosity question, which can be skipped
    await write(bot, "a", "to the first question", "m1")
    await bot.say("a", "/skip")
    assert await edit(bot, "a", "edited", "m1") == []
    assert await answers(bot) == [("a", "to the first question", "m1", True)]


async def test_an_edit_after_the_question_closed_gets_a_kind_note_and_changes_nothing(
    bot: Harness,
) -> None:
    await sealed_evening(bot)
    await write(bot, "a", "unanswered by Sam", "m1")
    await bot.advance(timedelta(days=1, hours=5))  # the next evening's question closes this one
    assert await edit(bot, "a", "edited", "m1") == [texts.EDIT_AFTER_CLOSE]
    assert await answers(bot) == [("a", "unanswered by Sam", "m1", False)]
