"""A rhythm each couple sets (issue #17, item 6): `/evenings 3` … `/evenings 7`, quieter (every
other evening) after seven evening questions neither answered and back on the next answer, and
the week's nudges as one Sunday digest. Weeks of evenings on the movable clock."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import col, select

from bot.core.evening_days import evening_days, evening_kind
from bot.core.events import ButtonPress, Outgoing, Text
from bot.core.models import Couple, Delivery, Schedule
from tests.helpers.service import Harness, sender

MONDAY = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)  # 13:00 in Berlin
NUDGE_MARKS = ("🤗 A small idea for today", "💌 ", "🕯️ Date idea for this week")
DIGEST_MARK = "A few ideas for your week"
QUIET_MARK = "Life gets full sometimes"


@pytest.fixture
def _sqlite_only(database_url: str) -> None:
    if not database_url.startswith("sqlite"):
        pytest.skip("weeks of evenings are about the rule, not the database")


async def pair_on_monday(bot: Harness) -> None:
    bot.clock.set(MONDAY)
    for who in ("a", "b"):
        await bot.say(who, "/timezone Europe/Berlin")
    await bot.pair()
    bot.channel.clear()


async def couple(bot: Harness) -> Couple:
    async with bot.service.db.session() as session:
        return (await session.exec(select(Couple).order_by(col(Couple.id)))).first()  # type: ignore[return-value]


async def press(bot: Harness, who: str, data: str) -> list[Outgoing]:
    return await bot.send(ButtonPress(sender=sender(who, bot.names[who]), data=data))


async def evenings(bot: Harness, days: int, *, answer: bool) -> dict[date, int]:
    """`days` evenings, each at 20:45 Berlin; with `answer`, each partner answers a prompt that
    came. Returns the evening prompts Alex got, by Berlin date."""
    got: dict[date, int] = {}
    last = len(bot.prompts_to("a"))
    for _ in range(days):
        now = bot.clock.now()
        evening = now.replace(hour=19, minute=45)  # 20:45 in Berlin (winter)
        await bot.advance((evening if evening > now else evening + timedelta(days=1)) - now)
        for who in ("a", "b"):
            before = len(bot.prompts_to(who))
            new = [out for out in bot.channel.sent if out.to.chat_id == who]
            if who == "a":
                got[bot.clock.now().date()] = before
            if answer and new and "Just reply to answer" in new[-1].text:
                await bot.say(who, f"{who}'s answer on {bot.clock.now():%m-%d}")
    # From the running totals to how many came each evening.
    counts = {}
    for day, total in got.items():
        counts[day], last = total - last, total
    return counts


# --- which evenings: one rule -----------------------------------------------------------------


def test_the_default_couple_keeps_its_curiosity_days_and_goals_sunday_first() -> None:
    couple = Couple(created_at=MONDAY)  # curiosity on Mon, Wed, Fri; goals on Sundays
    names = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    chosen = {}
    for count in range(3, 8):
        couple.evenings_per_week = count
        chosen[count] = [names[d] for d in sorted(evening_days(couple))]
    assert chosen == {
        3: ["Wed", "Fri", "Sun"],
        4: ["Mon", "Wed", "Fri", "Sun"],
        5: ["Mon", "Wed", "Thu", "Fri", "Sun"],  # Thursday: photo moments
        6: ["Mon", "Tue", "Wed", "Thu", "Fri", "Sun"],
        7: names,
    }
    couple.evenings_per_week = 4
    couple.curiosity_days = "tue,thu"
    couple.goals_on = False
    couple.photos_on = False
    # Both curiosity days, then check-ins as far from them as can be (Saturday: a guessing
    # round when it comes round).
    assert sorted(evening_days(couple)) == [0, 1, 3, 5]


def test_an_evening_off_brings_nothing_and_every_evening_on_brings_its_kind() -> None:
    couple = Couple(created_at=MONDAY, evenings_per_week=3)
    week = [MONDAY.date() + timedelta(days=n) for n in range(14)]
    kinds = [evening_kind(couple, day) for day in week]
    assert kinds[:7] == [None, None, "curiosity", None, "curiosity", None, "check-in"]
    assert kinds[7:] == [None, None, "curiosity", None, "curiosity", None, "goals"]


# --- /evenings ---------------------------------------------------------------------------------


async def test_evenings_sets_the_rhythm_and_tells_the_partner(bot: Harness) -> None:
    await pair_on_monday(bot)
    [shown] = await bot.say("a", "/evenings")
    assert "7 evenings a week" in shown.text
    assert [b.label for b in shown.buttons[0]] == ["○ 3", "○ 4", "○ 5", "○ 6", "● 7"]
    [done] = await bot.say("a", "/evenings 3")
    assert done.text == "Done: an evening question 3 evenings a week, on Wed, Fri, Sun 🌙"
    assert bot.channel.to("b")[-1] == (
        "Alex chose an evening question 3 evenings a week: Wed, Fri, Sun 🌙"
    )
    assert (await couple(bot)).evenings_per_week == 3
    told = len(bot.channel.to("b"))
    await bot.say("a", "/evenings 3 a week")  # the same again: nothing new to tell
    assert len(bot.channel.to("b")) == told


async def test_bad_evenings_get_a_kind_answer(bot: Harness) -> None:
    await pair_on_monday(bot)
    for typed in ("9", "2", "0", "lots", "-3", "3.5", "٣", "99999999999999999999"):
        [reply] = await bot.say("a", f"/evenings {typed}")
        assert reply.text.startswith("I can bring an evening question 3 to 7 evenings"), typed
    assert (await couple(bot)).evenings_per_week == 7
    assert bot.channel.to("b") == []
    await bot.say("c", "/start")
    [alone] = await bot.say("c", "/evenings 3")
    assert "/pair" in alone.text


async def test_evenings_in_spanish(bot: Harness) -> None:
    await pair_on_monday(bot)
    await bot.say("b", "/language es")
    [done] = await bot.say("b", "/evenings 4")
    assert done.text.startswith("Listo")
    assert "lun" in done.text.lower()
    assert bot.channel.to("a")[-1] == (
        "Sam chose an evening question 4 evenings a week: Mon, Wed, Fri, Sun 🌙"
    )
    [bad] = await bot.say("b", "/evenings muchas")
    assert "3 a 7" in bad.text
    [settings] = await bot.say("b", "/settings")
    assert "4 noches a la semana" in settings.text


async def test_the_settings_row_sets_the_evenings(bot: Harness) -> None:
    await pair_on_monday(bot)
    [settings] = await bot.say("a", "/settings")
    assert "• Evening questions 7 evenings a week: Mon, Tue, Wed, Thu, Fri, Sat, Sun" in (
        settings.text
    )
    [four] = [b for row in settings.buttons for b in row if b.label == "○ 4"]
    [shown] = await press(bot, "a", four.data)
    assert "• Evening questions 4 evenings a week: Mon, Wed, Fri, Sun" in shown.text
    assert any(b.label == "● 4" for row in shown.buttons for b in row)
    assert "4 evenings a week" in bot.channel.to("b")[-1]
    # Someone else's couple, or a number off the row: nothing changes.
    [stale] = await press(bot, "a", four.data.replace(":4:", ":2:"))
    assert "expired" in stale.text
    await bot.say("c", "/start")
    await bot.say("d", "/start")
    await bot.pair("c", "d")
    [other] = await press(bot, "c", four.data.replace(":4:", ":3:"))
    assert "4 evenings" not in other.text
    assert (await couple(bot)).evenings_per_week == 4


@pytest.mark.usefixtures("_sqlite_only")
async def test_evenings_3_brings_three_questions_a_week(bot: Harness) -> None:
    await pair_on_monday(bot)
    await bot.say("a", "/evenings 3")
    bot.channel.clear()
    came = await evenings(bot, 7 * 5, answer=True)
    weeks: Counter[int] = Counter()
    for day, count in came.items():
        assert count in (0, 1), day
        weeks[day.isocalendar().week] += count
    assert list(weeks.values()) == [3] * 5
    assert {day.strftime("%a") for day, count in came.items() if count} == {"Wed", "Fri", "Sun"}
    days = sorted(came)
    for start in range(len(days) - 6):  # any seven evenings in a row, across weeks too
        assert sum(came[d] for d in days[start : start + 7]) in (2, 3, 4)
    # An evening off brings no message at all: no empty one, no reminder.
    assert all(out.text.strip() for out in bot.channel.sent)
    assert not any("has answered tonight's question" in out.text for out in bot.channel.sent)
    async with bot.service.db.session() as session:
        kinds = Counter((await session.exec(select(Delivery.kind))).all())
    assert kinds["evening"] == 2 * 15
    assert kinds["reminder"] == 0


# --- quieter when unanswered -----------------------------------------------------------------


async def test_seven_unanswered_evenings_then_every_other_and_back_on_an_answer(
    bot: Harness,
) -> None:
    await pair_on_monday(bot)
    await bot.say("b", "/language es")
    bot.channel.clear()
    came = await evenings(bot, 7, answer=False)
    assert list(came.values()) == [1] * 7
    assert (await couple(bot)).quiet_since is None
    # The eighth evening: the word that it goes quieter, to both, instead of a question.
    came = await evenings(bot, 1, answer=False)
    assert list(came.values()) == [0]
    [to_a] = [t for t in bot.channel.to("a") if QUIET_MARK in t]
    assert "every other evening. As soon as one of you answers" in to_a
    assert not any(word in to_a.lower() for word in ("haven't", "didn't", "missed"))
    [to_b] = [t for t in bot.channel.to("b") if "cada dos noches" in t]
    assert to_b != to_a
    assert (await couple(bot)).quiet_since is not None
    [settings] = await bot.say("a", "/settings")
    assert "Quieter for now" in settings.text
    # Then every other evening, and the word said once only.
    came = await evenings(bot, 6, answer=False)
    assert list(came.values()) == [1, 0, 1, 0, 1, 0]
    assert len([t for t in bot.channel.to("a") if QUIET_MARK in t]) == 1
    assert len([t for t in bot.channel.to("b") if "cada dos noches" in t]) == 1
    # One answer (to the question still open) brings the usual evenings back.
    await bot.say("b", "perdón, semana larga")
    assert (await couple(bot)).quiet_since is None
    came = await evenings(bot, 5, answer=False)
    assert list(came.values()) == [1] * 5
    assert len([t for t in bot.channel.to("a") if QUIET_MARK in t]) == 1


@pytest.mark.usefixtures("_sqlite_only")
async def test_a_late_answer_ends_the_quiet_and_fewer_evenings_go_quieter_too(
    bot: Harness,
) -> None:
    await pair_on_monday(bot)
    await bot.say("a", "/evenings 4")  # Mon, Wed, Fri, Sun
    bot.channel.clear()
    came = await evenings(bot, 13, answer=False)  # Mon, Wed, Fri, Sun, Mon, Wed, Fri
    assert sum(came.values()) == 7
    assert (await couple(bot)).quiet_since is None
    came = await evenings(bot, 14, answer=False)
    # Sunday: the word that it goes quieter; then every other one of Mon, Wed, Fri, Sun.
    asked = [day.strftime("%a %d") for day, count in came.items() if count]
    assert asked == ["Mon 14", "Fri 18", "Mon 21", "Fri 25"]
    assert len([t for t in bot.channel.to("a") if QUIET_MARK in t]) == 1
    # A reply to a question from long ago (late) counts as an answer too.
    async with bot.service.db.session() as session:
        old = (
            await session.exec(
                select(Delivery)
                .where(
                    Delivery.kind == "evening",
                    Delivery.member_id == (await couple(bot)).member_a_id,
                    col(Delivery.message_ref).is_not(None),
                )
                .order_by(col(Delivery.id))
            )
        ).first()
    assert old is not None
    assert old.message_ref is not None
    reply = Text(sender=sender("a", "Alex"), text="late, but here", reply_to=old.message_ref)
    await bot.send(reply)
    assert (await couple(bot)).quiet_since is None


# --- the Sunday digest -------------------------------------------------------------------------


def nudges(bot: Harness, who: str) -> list[str]:
    return [t for t in bot.channel.to(who) if t.startswith(NUDGE_MARKS)]


async def test_the_digest_folds_the_weeks_nudges_into_one_sunday_message(bot: Harness) -> None:
    await pair_on_monday(bot)
    [settings] = await bot.say("a", "/settings")
    [toggle] = [b for row in settings.buttons for b in row if "Sunday digest" in b.label]
    assert toggle.label.startswith("⬜")
    [shown] = await press(bot, "a", toggle.data)
    assert any(
        b.label.startswith("✅") and "Sunday digest" in b.label for r in shown.buttons for b in r
    )
    bot.channel.clear()
    await evenings(bot, 7, answer=True)  # Mon evening to Sun evening, both answering
    for who in ("a", "b"):
        assert nudges(bot, who) == [], who
        [digest] = [
            out for out in bot.channel.sent if out.to.chat_id == who and DIGEST_MARK in out.text
        ]
        assert "A small idea to try this week" in digest.text
        assert "💌" in digest.text
        assert "Date idea for this week" in digest.text
        actions = [b.data.split(":")[0] for row in digest.buttons for b in row]
        assert actions == ["hug", "appr"]
    # Sent on Sunday morning, its buttons work through the week.
    async with bot.service.db.session() as session:
        rows = (await session.exec(select(Delivery).where(Delivery.kind == "digest"))).all()
    assert [row.day for row in rows] == ["2026-12-06"] * 2
    [digest] = [
        out for out in bot.channel.sent if out.to.chat_id == "b" and DIGEST_MARK in out.text
    ]
    [hug] = [b for row in digest.buttons for b in row if b.data.startswith("hug:")]
    await bot.advance(timedelta(days=3))
    [counted] = await press(bot, "b", hug.data)
    assert "counted" in counted.text
    [appr] = [b for row in digest.buttons for b in row if b.data.startswith("appr:")]
    [asked] = await press(bot, "b", appr.data)
    assert asked.text


@pytest.mark.usefixtures("_sqlite_only")
async def test_without_the_digest_the_nudges_come_as_today(bot: Harness) -> None:
    await pair_on_monday(bot)
    await evenings(bot, 7, answer=True)
    for who in ("a", "b"):
        kinds = [
            "affection" if "idea for today" in t else "date" if "Date idea" in t else "appreciation"
            for t in nudges(bot, who)
        ]
        assert kinds == ["affection", "appreciation", "date", "affection"]  # Tue, Wed, Thu, Sat
        assert not any(DIGEST_MARK in t for t in bot.channel.to(who))


@pytest.mark.usefixtures("_sqlite_only")
async def test_the_digest_comes_for_a_couple_paired_before_it_existed(bot: Harness) -> None:
    await pair_on_monday(bot)
    async with bot.service.db.session() as session:
        for row in (await session.exec(select(Schedule).where(Schedule.rhythm == "digest"))).all():
            await session.delete(row)
        await session.commit()
    [settings] = await bot.say("b", "/settings")
    [toggle] = [b for row in settings.buttons for b in row if "Sunday digest" in b.label]
    await press(bot, "b", toggle.data)
    await bot.say("b", "/language es")
    bot.channel.clear()
    await bot.advance(timedelta(days=7))
    assert len([t for t in bot.channel.to("a") if DIGEST_MARK in t]) == 1
    [to_b] = [t for t in bot.channel.to("b") if t.startswith("🌿")]
    assert DIGEST_MARK not in to_b  # in Spanish
    assert nudges(bot, "a") == []
    # Off again: the nudges come on their own days.
    [settings] = await bot.say("a", "/settings")
    [toggle] = [b for row in settings.buttons for b in row if "Sunday digest" in b.label]
    await press(bot, "a", toggle.data)
    bot.channel.clear()
    await bot.advance(timedelta(days=7))
    assert len(nudges(bot, "a")) == 4
    assert not any(DIGEST_MARK in t for t in bot.channel.to("a"))
