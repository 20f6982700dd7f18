"""Issue #11, item 3: "Save as a shared goal" under a goals reveal, and nothing else."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from sqlmodel import col, select

from bot.core.events import ButtonPress
from bot.core.models import Answer, Conversation, Goal, Member
from tests.helpers.service import Harness, sender

GOALS_SUNDAY = datetime(2026, 12, 13, 10, 0, tzinfo=UTC)  # ISO week 50: a goals evening
A_WORDS = "a cabin by the lake, just us, every spring"
B_WORDS = "learning to say no to things that drain us"


async def press(bot: Harness, who: str, data: str) -> str:
    replies = await bot.send(ButtonPress(sender=sender(who, bot.names[who]), data=data))
    return "\n".join(out.text for out in replies)


async def goals_evening(bot: Harness) -> Conversation:
    bot.clock.set(GOALS_SUNDAY)
    await bot.say("a", "/timezone Europe/Berlin")
    await bot.say("b", "/timezone Europe/Berlin")
    await bot.pair()
    await bot.say("a", "/checkin")
    async with bot.service.db.session() as session:
        conversation = (await session.exec(select(Conversation))).one()
    assert conversation.kind == "goals"
    return conversation


async def answer_of(bot: Harness, user: str, *, late: bool = False) -> Answer:
    async with bot.service.db.session() as session:
        member = (await session.exec(select(Member).where(Member.user_id == user))).one()
        return (
            await session.exec(
                select(Answer)
                .where(Answer.member_id == member.id, Answer.late == late)
                .order_by(col(Answer.id).desc())
            )
        ).first()  # type: ignore[return-value]


async def goals(bot: Harness) -> list[Goal]:
    async with bot.service.db.session() as session:
        return list((await session.exec(select(Goal).order_by(col(Goal.id)))).all())


async def test_a_sealed_answer_cannot_be_saved_by_a_forged_button(bot: Harness) -> None:
    await goals_evening(bot)
    await bot.say("a", A_WORDS)
    sealed = await answer_of(bot, "a")
    # Sam has not answered: Alex's words are sealed, a forged button must not reveal them.
    reply = await press(bot, "b", f"save:{sealed.id}")
    assert "expired" in reply
    assert A_WORDS not in reply
    assert await goals(bot) == []
    assert not any(A_WORDS in out.text for out in bot.channel.sent if out.to.chat_id == "b")


async def test_a_revealed_goals_answer_is_saved_once_with_its_source(bot: Harness) -> None:
    await goals_evening(bot)
    await bot.say("a", A_WORDS)
    await bot.say("b", B_WORDS)
    reveal = next(o for o in bot.channel.sent if o.to.chat_id == "b" and A_WORDS in o.text)
    data = reveal.buttons[0][0].data
    a_answer = await answer_of(bot, "a")
    assert data == f"save:{a_answer.id}"
    assert "Saved as a shared goal" in await press(bot, "b", data)
    again = await press(bot, "b", data)
    assert "already" in again
    assert "Saved as" not in again
    assert "already" in await press(bot, "a", data)  # the other partner, same answer
    [goal] = await goals(bot)
    assert goal.text == A_WORDS
    assert goal.source_answer_id == a_answer.id


async def test_two_presses_at_once_make_one_goal(bot: Harness) -> None:
    await goals_evening(bot)
    await bot.say("a", A_WORDS)
    await bot.say("b", B_WORDS)
    data = f"save:{(await answer_of(bot, 'a')).id}"
    replies = await asyncio.gather(
        *(
            bot.service.handle(ButtonPress(sender=sender(who, bot.names[who]), data=data))
            for who in ("a", "b", "b")
        )
    )
    texts = [out.text for batch in replies for out in batch]
    assert sum("Saved as a shared goal" in t for t in texts) == 1
    assert sum("already" in t for t in texts) == 2
    assert len(await goals(bot)) == 1


async def test_a_late_answer_or_another_kind_of_evening_cannot_be_saved(bot: Harness) -> None:
    conversation = await goals_evening(bot)
    await bot.say("a", A_WORDS)
    await bot.say("b", B_WORDS)
    await bot.say("a", "an afterthought that came too late")
    late = await answer_of(bot, "a", late=True)
    assert late.text == "an afterthought that came too late"
    assert "expired" in await press(bot, "b", f"save:{late.id}")
    # The same revealed answers under a check-in evening are not goals.
    async with bot.service.db.session() as session:
        found = await session.get(Conversation, conversation.id)
        assert found is not None
        found.kind = "check-in"
    assert "expired" in await press(bot, "b", f"save:{(await answer_of(bot, 'a')).id}")
    assert await goals(bot) == []
