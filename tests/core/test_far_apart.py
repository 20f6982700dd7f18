"""Couples far apart: each partner's own evening, every day, in every pair of time zones
(issue #12). A month on the movable clock per zone pair, and the Berlin/London evening."""

from __future__ import annotations

import random
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import col, select

from bot.core.events import Outgoing, Text
from bot.core.models import Conversation, Delivery, Member
from bot.core.rhythm import in_quiet_hours
from tests.helpers.service import Harness, sender

PROMPT_MARK = "Just reply to answer"


def record_times(bot: Harness) -> list[tuple[datetime, Outgoing]]:
    """Every message the channel sends, with the clock's time."""
    sent: list[tuple[datetime, Outgoing]] = []
    original = bot.channel.send

    async def send(out: Outgoing) -> str:
        sent.append((bot.clock.now(), out))
        return await original(out)

    bot.channel.send = send  # type: ignore[method-assign]
    return sent


async def meet(bot: Harness, start: datetime, zone_a: str, zone_b: str) -> None:
    bot.clock.set(start)
    for who, zone in (("a", zone_a), ("b", zone_b)):
        await bot.say(who, "/start")
        await bot.say(who, f"/timezone {zone}")
    await bot.pair()


async def live_a_month(
    bot: Harness, zones: dict[str, str], days: int, seed: int
) -> tuple[list[tuple[datetime, Outgoing]], dict[str, list[str]]]:
    """Both partners answer every evening prompt at a random moment of their own evening
    (before 22:20 local). Returns what was sent, with times, and each partner's answers."""
    rng = random.Random(seed)
    sent = record_times(bot)
    end = bot.clock.now() + timedelta(days=days)
    pending: dict[str, datetime] = {}
    answers: dict[str, list[str]] = {"a": [], "b": []}
    seen = 0
    while bot.clock.now() < end:
        wake = await bot.service.next_wakeup()
        target = min([end, *pending.values(), *([wake] if wake else [])])
        now = bot.clock.now()
        await bot.advance(max(target - now, timedelta(0)) or timedelta(minutes=1))
        for at, out in sent[seen:]:
            who = out.to.chat_id
            if PROMPT_MARK in out.text and who in zones:
                local = at.astimezone(ZoneInfo(zones[who]))
                latest = local.replace(hour=22, minute=20)
                room = max(int((latest - local).total_seconds() // 60), 6)
                pending[who] = at + timedelta(minutes=rng.randint(5, min(room, 110)))
        seen = len(sent)
        for who, due in sorted(pending.items()):
            if due <= bot.clock.now():
                words = f"{who} answers on {bot.clock.now():%m-%d %H:%M} #{len(answers[who])}"
                answers[who].append(words)
                await bot.say(who, words)
                del pending[who]
    return sent, answers


ZONE_PAIRS = [
    # 14 h apart, New York changes its clocks on 14 March.
    ("Asia/Tokyo", "America/New_York", datetime(2027, 3, 1, tzinfo=UTC)),
    # 11 then 10 then 9 h: London moves on 28 March, Sydney on 4 April.
    ("Australia/Sydney", "Europe/London", datetime(2027, 3, 20, tzinfo=UTC)),
    # 21 h on the clock (3 h the short way), Los Angeles moves on 14 March.
    ("Pacific/Auckland", "America/Los_Angeles", datetime(2027, 3, 1, tzinfo=UTC)),
]


@pytest.mark.parametrize(("zone_a", "zone_b", "start"), ZONE_PAIRS)
async def test_a_month_far_apart(
    bot: Harness, database_url: str, zone_a: str, zone_b: str, start: datetime
) -> None:
    if not database_url.startswith("sqlite"):
        pytest.skip("a month of evenings is about scheduling, not the database")
    zones = {"a": zone_a, "b": zone_b}
    await meet(bot, start, zone_a, zone_b)
    sent, answers = await live_a_month(bot, zones, days=31, seed=len(zone_a + zone_b))

    # Exactly one evening prompt per local evening for each partner.
    for who, zone in zones.items():
        dates = Counter(
            at.astimezone(ZoneInfo(zone)).date()
            for at, out in sent
            if out.to.chat_id == who and PROMPT_MARK in out.text
        )
        first, last = min(dates), max(dates)
        every_day = {first + timedelta(days=n) for n in range((last - first).days + 1)}
        assert set(dates) == every_day, (who, sorted(every_day - set(dates)))
        assert set(dates.values()) == {1}, (who, [d for d, n in dates.items() if n > 1])
        assert len(dates) >= 30

    # The same prompt for both on every couple-day, none skipped.
    async with bot.service.db.session() as session:
        members = {m.user_id: m.id or 0 for m in (await session.exec(select(Member))).all()}
        conversations = (
            await session.exec(select(Conversation).order_by(col(Conversation.day)))
        ).all()
        evening = (await session.exec(select(Delivery).where(Delivery.kind == "evening"))).all()
    days = [date.fromisoformat(c.day) for c in conversations]
    assert days == [days[0] + timedelta(days=n) for n in range(len(days))]
    got = Counter((d.conversation_id, d.member_id) for d in evening)
    for conversation in conversations[:-1]:  # the last may still wait for the second evening
        for member_id in members.values():
            assert got[(conversation.id, member_id)] == 1, (conversation.day, member_id)

    # Every answer reaches the other partner exactly once in its reveal. A guessing round's
    # reveal ("🎲") shows an answer of four weeks before again, on purpose (issue #16): there
    # only the partner's guess, between "guessed you'd said:" and "You'd said:", is new.
    for who, other in (("a", "b"), ("b", "a")):
        to_other = [
            out.text
            if out.text[:1] != "🎲"
            else out.text.partition("guessed you'd said:")[2].partition("You'd said:")[0]
            for _, out in sent
            if out.to.chat_id == other
        ]
        for words in answers[who][:-1]:
            assert sum(words in text for text in to_other) == 1, words

    # Inside someone's quiet hours, only silent messages.
    for at, out in sent:
        if in_quiet_hours(at, zones[out.to.chat_id]):
            assert out.silent, (at, zones[out.to.chat_id], out.text[:40])


async def test_berlin_and_london_sam_asks_for_the_question_alex_already_has(
    bot: Harness,
) -> None:
    """The script from the issue: at 19:40 UTC Alex (Berlin, 20:40) has tonight's question,
    Sam (London, 19:40) asks for it with /checkin, answers, and the reveal works."""
    await meet(bot, datetime(2026, 12, 1, 15, 0, tzinfo=UTC), "Berlin", "London")
    sent = record_times(bot)
    await bot.advance(timedelta(hours=4, minutes=40))
    [alexs] = [out.text for _, out in sent if out.to.chat_id == "a" and PROMPT_MARK in out.text]
    await bot.say("b", "/checkin")
    [sams] = [out.text for _, out in sent if out.to.chat_id == "b" and PROMPT_MARK in out.text]
    assert sams.split("\n")[1] == alexs.split("\n")[1]  # the same question
    [sealed] = await bot.say("b", "my answer to tonight")
    assert "sealed" in sealed.text
    await bot.say("a", "and mine, from Berlin")
    assert any("my answer to tonight" in out.text for _, out in sent if out.to.chat_id == "a")
    assert any("and mine, from Berlin" in out.text for _, out in sent if out.to.chat_id == "b")
    # Sam's own evening comes at 20:30 London: no second question.
    await bot.advance(timedelta(hours=2))
    assert sum(PROMPT_MARK in out.text for _, out in sent if out.to.chat_id == "b") == 1
    assert "already out" in (await bot.say("b", "/checkin"))[0].text


async def test_words_written_before_ones_prompt_came_answer_the_couples_question(
    bot: Harness,
) -> None:
    await meet(bot, datetime(2026, 12, 1, 15, 0, tzinfo=UTC), "Berlin", "London")
    sent = record_times(bot)
    await bot.advance(timedelta(hours=4, minutes=40))
    [alexs] = [out.text for _, out in sent if out.to.chat_id == "a" and PROMPT_MARK in out.text]
    question = alexs.split("\n")[1]
    [reply] = await bot.say("b", "my answer to tonight")
    assert question in reply.text  # the reply shows which question it answered
    assert "sealed" in reply.text
    await bot.say("a", "and mine")
    assert any("my answer to tonight" in out.text for _, out in sent if out.to.chat_id == "a")
    await bot.advance(timedelta(hours=2))  # past 20:30 London: the question is not sent now
    assert not any(PROMPT_MARK in out.text for _, out in sent if out.to.chat_id == "b")


async def test_a_reply_to_an_older_prompt_still_answers_that_one(bot: Harness) -> None:
    """Writing early takes only plain messages: a reply to yesterday's prompt stays there."""
    await meet(bot, datetime(2026, 12, 1, 15, 0, tzinfo=UTC), "Berlin", "London")
    await bot.advance(timedelta(days=1, hours=4, minutes=40))  # Wednesday 19:40 UTC
    async with bot.service.db.session() as session:
        yesterday = (
            await session.exec(
                select(Delivery).where(Delivery.kind == "evening", Delivery.day == "2026-12-01")
            )
        ).all()
    ref = next(d.message_ref for d in yesterday if d.message_ref)
    replies = await bot.send(Text(sender=sender("b", "Sam"), text="late words", reply_to=ref))
    assert replies
    assert "took this as your answer" not in replies[0].text


def test_quiet_hours_are_22_30_to_07_30() -> None:
    zone = "Europe/Berlin"
    day = datetime(2026, 12, 1, tzinfo=UTC)
    assert in_quiet_hours(day.replace(hour=21, minute=30), zone)  # 22:30 Berlin
    assert not in_quiet_hours(day.replace(hour=21, minute=29), zone)
    assert in_quiet_hours(day.replace(hour=6, minute=29), zone)  # 07:29 Berlin
    assert not in_quiet_hours(day.replace(hour=6, minute=30), zone)
