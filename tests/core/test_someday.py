"""/someday, the couple's shared list (added by either, listed with buttons to plan or remove),
offered by the weekly date nudge with "Plan it", and planned through the date proposal: asked,
answered "Yes 💛" or "Another time", reminded and asked about only once accepted."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

from sqlmodel import col, select

from bot.core import dates, texts, words
from bot.core.events import ButtonPress, Outgoing, keyboard
from bot.core.models import DatePlan, Member, Schedule, Someday
from bot.core.tally import collect
from tests.helpers.service import Harness, sender

LAKE = "picnic by the lake"
SATURDAY = datetime(2026, 12, 5, 18, 30, tzinfo=UTC)  # 19:30 in Berlin


async def paired(bot: Harness) -> None:
    await bot.say("a", "/timezone Europe/Berlin")
    await bot.say("b", "/timezone Europe/Berlin")
    await bot.pair()
    bot.channel.clear()


def to(bot: Harness, who: str) -> list[Outgoing]:
    return [out for out in bot.channel.sent if out.to.chat_id == who]


def last_to(bot: Harness, who: str, needle: str) -> Outgoing:
    return next(out for out in reversed(to(bot, who)) if needle in out.text)


def said(sentence: str, lang: str, **params: object) -> str:
    return words.translate(sentence, lang).format(**params)


async def press(bot: Harness, who: str, data: str) -> list[Outgoing]:
    return await bot.send(ButtonPress(sender=sender(who, bot.names.get(who)), data=data))


async def text_of_press(bot: Harness, who: str, data: str) -> str:
    return "\n".join(out.text for out in await press(bot, who, data))


async def items(bot: Harness) -> list[Someday]:
    async with bot.service.db.session() as session:
        return list((await session.exec(select(Someday).order_by(col(Someday.id)))).all())


async def plans(bot: Harness) -> list[DatePlan]:
    async with bot.service.db.session() as session:
        return list((await session.exec(select(DatePlan).order_by(col(DatePlan.id)))).all())


async def date_schedules(bot: Harness) -> set[tuple[str, str]]:
    async with bot.service.db.session() as session:
        rows = await session.exec(
            select(Member.user_id, Schedule.rhythm)
            .join(Member, col(Member.id) == col(Schedule.member_id))
            .where(col(Schedule.rhythm).in_(dates.DATE_RHYTHMS))
        )
        return set(rows.all())


async def couple_id(bot: Harness, who: str = "a") -> int:
    async with bot.service.db.session() as session:
        member = (await session.exec(select(Member).where(Member.user_id == who))).one()
    assert member.couple_id is not None
    return member.couple_id


def date_news(bot: Harness) -> list[Outgoing]:
    """Every morning reminder and "how was it?" sent so far."""
    return [
        out
        for out in bot.channel.sent
        if texts.DATE_MORNING.split("{")[0] in out.text or out.text == texts.DATE_HOW
    ]


async def test_someday_adds_for_both_lists_with_buttons_and_removes(bot: Harness) -> None:
    assert (await bot.say("a", f"/someday {LAKE}"))[0].text == texts.CHECKIN_NOT_PAIRED
    assert (await bot.say("a", "/someday"))[0].text == texts.CHECKIN_NOT_PAIRED
    await paired(bot)
    assert (await bot.say("a", "/someday"))[0].text == texts.SOMEDAY_NONE
    [added] = await bot.say("a", "/someday   picnic  by the lake ")
    assert added.text == texts.SOMEDAY_ADDED
    told = last_to(bot, "b", "someday list")
    assert told.text == texts.SOMEDAY_TOLD.format(partner="Alex", words=LAKE)
    long = "x" * 300
    await bot.say("b", f"/someday {long}")
    lake, far = await items(bot)
    assert (lake.text, far.text) == (LAKE, "x" * 200)
    assert last_to(bot, "a", "someday list").text == texts.SOMEDAY_TOLD.format(
        partner="Sam", words="x" * 200
    )

    for who in ("a", "b"):  # either partner sees the one list
        [listed] = await bot.say(who, "/someday")
        assert listed.text == "\n".join(
            [texts.SOMEDAY_LIST, f"• {LAKE}", f"• {'x' * 200}", texts.SOMEDAY_TAP]
        )
        assert listed.buttons == keyboard(
            [(f"📅 {LAKE}", f"someday:plan:{lake.id}"), ("✕ Remove", f"someday:drop:{lake.id}")],
            [(f"📅 {'x' * 39}…", f"someday:plan:{far.id}"), ("✕ Remove", f"someday:drop:{far.id}")],
        )

    assert await text_of_press(bot, "b", f"someday:drop:{lake.id}") == (
        texts.SOMEDAY_REMOVED.format(words=LAKE)
    )
    assert await text_of_press(bot, "a", f"someday:drop:{lake.id}") == (
        texts.SOMEDAY_ALREADY_REMOVED
    )
    assert await text_of_press(bot, "a", f"someday:plan:{lake.id}") == (
        texts.SOMEDAY_ALREADY_REMOVED
    )
    lake, _ = await items(bot)
    assert lake.removed_at == bot.clock.now()  # kept as removed, not deleted
    [listed] = await bot.say("a", "/someday")
    assert LAKE not in listed.text
    assert len(listed.buttons) == 1


async def test_a_forged_someday_button_or_another_couples_is_refused(bot: Harness) -> None:
    await paired(bot)
    await bot.pair("c", "d")
    await bot.say("a", f"/someday {LAKE}")
    [lake] = await items(bot)
    theirs = await couple_id(bot, "c")
    for who in ("c", "d"):
        for data in (
            f"someday:plan:{lake.id}",
            f"someday:drop:{lake.id}",
            f"dateday:2026-12-04:{theirs}:{lake.id}",
        ):
            assert await text_of_press(bot, who, data) == texts.STALE_BUTTON, (who, data)
        assert (await bot.say(who, "/someday"))[0].text == texts.SOMEDAY_NONE  # only their own
    ours = await couple_id(bot)
    for data in (
        "someday:plan:not-an-id",
        f"someday:eat:{lake.id}",
        "someday:plan",
        f"someday:plan:{(lake.id or 0) + 1}",
        f"dateday:2026-12-04:{ours}:x",
        f"dateday:2026-12-04:{ours}:{(lake.id or 0) + 1}",
    ):
        assert await text_of_press(bot, "a", data) == texts.STALE_BUTTON, data
    [lake] = await items(bot)
    assert lake.removed_at is None
    assert lake.planned_at is None
    assert await plans(bot) == []


async def test_the_date_nudge_offers_a_someday_item_planned_through_the_proposal(
    bot: Harness,
) -> None:
    await paired(bot)  # Tuesday 1 December, 17:00 in Berlin
    await bot.say("b", f"/someday {LAKE}")
    [lake] = await items(bot)
    await bot.advance(timedelta(days=2, hours=1, minutes=1))  # Thursday 18:01: the date nudge
    nudge = last_to(bot, "a", "someday list")
    assert nudge.text == texts.SOMEDAY_NUDGE.format(words=LAKE)
    assert nudge.buttons == keyboard([(texts.SOMEDAY_PLAN_IT, f"someday:plan:{lake.id}")])
    assert last_to(bot, "b", "someday list").buttons == nudge.buttons
    assert not any(out.text.startswith("🕯️ Date idea") for out in bot.channel.sent)

    [ask] = await press(bot, "a", nudge.buttons[0][0].data)
    assert ask.text == texts.SOMEDAY_PLAN_ASK.format(words=LAKE, partner="Sam")
    saturday = ask.buttons[0][2]  # Thu, Fri, Sat, Sun / Mon, Tue, Wed
    assert saturday.label == "Sat 5"
    assert saturday.data == f"dateday:2026-12-05:{await couple_id(bot)}:{lake.id}"
    [asked] = await press(bot, "a", saturday.data)
    assert asked.text == texts.DATE_ASKED.format(partner="Sam", when="Sat 5 Dec at 19:30")
    proposal = last_to(bot, "b", "would love a date")
    assert proposal.text == texts.DATE_PROPOSAL_SOMEDAY.format(
        partner="Alex", when="Sat 5 Dec at 19:30", words=LAKE
    )
    assert [b.label for b in proposal.buttons[0]] == ["Yes 💛", "Another time"]
    [plan] = await plans(bot)
    assert (plan.at, plan.someday_id, plan.accepted_at) == (SATURDAY, lake.id, None)
    assert await date_schedules(bot) == set()  # asked, not yet a date: nothing to remind
    [lake] = await items(bot)
    assert lake.planned_at is None

    await bot.advance(timedelta(hours=16))  # Friday 10:01
    [yes] = await press(bot, "b", proposal.buttons[0][0].data)
    assert yes.text == texts.DATE_ACCEPTED.format(when="Sat 5 Dec at 19:30")
    assert last_to(bot, "a", "says yes").text == texts.DATE_ACCEPTED_TOLD.format(
        partner="Sam", when="Sat 5 Dec at 19:30"
    )
    [lake] = await items(bot)
    assert lake.planned_at == bot.clock.now()
    [listed] = await bot.say("a", "/someday")
    assert listed.text == "\n".join([texts.SOMEDAY_LIST, texts.SOMEDAY_PLANNED, f"🕯️ {LAKE}"])
    assert listed.buttons == ()
    assert await text_of_press(bot, "a", f"someday:plan:{lake.id}") == (
        texts.SOMEDAY_ALREADY_PLANNED
    )
    assert date_news(bot) == []

    await bot.advance(timedelta(days=1, hours=-1))  # Saturday 09:01
    mornings = [out for out in date_news(bot) if "19:30" in out.text]
    assert sorted(out.to.chat_id for out in mornings) == ["a", "b"]
    await bot.advance(timedelta(days=1, hours=1))  # Sunday 10:01
    asks = [out for out in date_news(bot) if out.text == texts.DATE_HOW]
    assert sorted(out.to.chat_id for out in asks) == ["a", "b"]
    assert asks[0].buttons[0][0].data == f"datehow:lovely:{plan.id}"

    bot.channel.clear()
    await bot.advance(timedelta(days=4, hours=8))  # next Thursday 18:01
    # The picnic is planned: with nothing else on the list, the library's idea comes again.
    nudges = [out for out in to(bot, "a") if out.text.startswith("🕯️ Date idea for this week")]
    assert len(nudges) == 1
    async with bot.service.db.session() as session:
        progress = await collect(session, plan.couple_id, zone="Europe/Berlin", now=bot.clock.now())
    assert progress.total["dates"] == 1


async def test_another_time_offers_the_proposer_a_new_day_for_the_same_item(
    bot: Harness,
) -> None:
    await paired(bot)  # Tuesday 1 December, 17:00 in Berlin
    await bot.say("a", f"/someday {LAKE}")
    [lake] = await items(bot)
    await press(bot, "a", f"someday:plan:{lake.id}")
    [asked] = await bot.say("a", "fri 19:30")  # typed instead of a button
    assert asked.text == texts.DATE_ASKED.format(partner="Sam", when="Fri 4 Dec at 19:30")
    proposal = last_to(bot, "b", "would love a date")

    [later] = await press(bot, "b", proposal.buttons[0][1].data)
    assert later.text == texts.DATE_DECLINED.format(partner="Alex")
    offer = last_to(bot, "a", "can't make")
    assert offer.text == texts.DATE_DECLINED_TOLD.format(partner="Sam", when="Fri 4 Dec at 19:30")
    ours = await couple_id(bot)
    assert [b.label for b in offer.buttons[0]] == ["Tue 1", "Wed 2", "Thu 3", "Fri 4"]
    assert offer.buttons[0][0].data == f"dateday:2026-12-01:{ours}:{lake.id}"
    assert await text_of_press(bot, "b", proposal.buttons[0][0].data) == (
        texts.DATE_ALREADY_ANSWERED
    )

    [again] = await bot.say("a", "sat 20:00")  # a day typed after "Another time" works too
    assert again.text == texts.DATE_ASKED.format(partner="Sam", when="Sat 5 Dec at 20:00")
    assert last_to(bot, "b", "would love a date").text == texts.DATE_PROPOSAL_SOMEDAY.format(
        partner="Alex", when="Sat 5 Dec at 20:00", words=LAKE
    )
    declined, asked_again = await plans(bot)
    assert declined.declined_at is not None
    assert declined.accepted_at is None
    assert asked_again.someday_id == lake.id
    assert asked_again.declined_at is None

    # Another time again; this time a day button, which carries the item too.
    await press(bot, "b", last_to(bot, "b", "would love a date").buttons[0][1].data)
    sunday = last_to(bot, "a", "can't make").buttons[1][1]
    assert sunday.data == f"dateday:2026-12-06:{ours}:{lake.id}"
    await press(bot, "a", sunday.data)
    await press(bot, "b", last_to(bot, "b", "would love a date").buttons[0][0].data)
    *_, accepted = await plans(bot)
    assert (accepted.someday_id, accepted.accepted_at) == (lake.id, bot.clock.now())
    [lake] = await items(bot)
    assert lake.planned_at == bot.clock.now()


async def test_a_declined_or_unanswered_date_is_never_reminded_nor_counted(
    bot: Harness,
) -> None:
    await paired(bot)  # Tuesday 1 December, 17:00 in Berlin
    await bot.say("a", "/date fri 19:30")
    await press(bot, "b", last_to(bot, "b", "would love a date").buttons[0][1].data)
    await bot.say("a", "/date sat 19:30")  # never answered
    declined, unanswered = await plans(bot)
    assert declined.declined_at is not None
    assert unanswered.accepted_at is None
    assert await date_schedules(bot) == set()
    await bot.advance(timedelta(days=6))  # past Friday, Saturday and the days after
    assert date_news(bot) == []
    assert await text_of_press(bot, "a", f"datehow:lovely:{declined.id}") == texts.STALE_BUTTON
    async with bot.service.db.session() as session:
        progress = await collect(
            session, declined.couple_id, zone="Europe/Berlin", now=bot.clock.now()
        )
    assert progress.total["dates"] == 0


async def test_a_cancelled_date_puts_its_someday_item_back_on_the_list(bot: Harness) -> None:
    await paired(bot)
    await bot.say("a", f"/someday {LAKE}")
    [lake] = await items(bot)
    await press(bot, "a", f"someday:plan:{lake.id}")
    await bot.say("a", "sat")
    await press(bot, "b", last_to(bot, "b", "would love a date").buttons[0][0].data)
    [lake] = await items(bot)
    assert lake.planned_at is not None
    await bot.say("b", "/date cancel")
    [lake] = await items(bot)
    assert lake.planned_at is None
    [listed] = await bot.say("a", "/someday")
    assert listed.buttons[0][0].data == f"someday:plan:{lake.id}"


async def test_a_partner_reading_in_spanish(bot: Harness) -> None:
    await paired(bot)  # Tuesday 1 December, 17:00 in Berlin
    await bot.say("b", "/language es")
    await bot.say("a", "/someday pícnic junto al lago")
    words_ = "pícnic junto al lago"
    assert last_to(bot, "b", words_).text == said(
        texts.SOMEDAY_TOLD, "es", partner="Alex", words=words_
    )
    [listed] = await bot.say("b", "/someday")
    assert listed.text.startswith(said(texts.SOMEDAY_LIST, "es"))
    assert listed.buttons[0][1].label == said(texts.SOMEDAY_REMOVE_BUTTON, "es")

    await bot.advance(timedelta(days=2, hours=1, minutes=1))  # Thursday 18:01: the date nudge
    nudge = last_to(bot, "b", words_)
    assert nudge.text == said(texts.SOMEDAY_NUDGE, "es", words=words_)
    assert nudge.buttons[0][0].label == said(texts.SOMEDAY_PLAN_IT, "es")
    [ask] = await press(bot, "b", nudge.buttons[0][0].data)
    assert ask.text == said(texts.SOMEDAY_PLAN_ASK, "es", words=words_, partner="Alex")
    assert ask.buttons[0][0].label == words.when(date(2026, 12, 3), None, "weekday_day", "es")
    spanish = words.when(SATURDAY, "Europe/Berlin", "day_time", "es")
    [asked] = await bot.say("b", "sáb 19:30")  # a Spanish weekday, typed
    assert asked.text == said(texts.DATE_ASKED, "es", partner="Alex", when=spanish)
    proposal = last_to(bot, "a", "would love a date")  # Alex reads English
    assert proposal.text == texts.DATE_PROPOSAL_SOMEDAY.format(
        partner="Sam", when="Sat 5 Dec at 19:30", words=words_
    )

    await press(bot, "a", proposal.buttons[0][1].data)  # another time
    offer = last_to(bot, "b", "Alex")
    assert offer.text == said(texts.DATE_DECLINED_TOLD, "es", partner="Alex", when=spanish)
    assert offer.buttons[0][0].label == words.when(date(2026, 12, 3), None, "weekday_day", "es")
    sunday = words.when(SATURDAY + timedelta(days=1), "Europe/Berlin", "day_time", "es")
    await bot.say("b", "/date dom 19:30")  # the command, typed, still plans the item
    proposal = last_to(bot, "a", "would love a date")
    assert words_ in proposal.text
    await press(bot, "a", proposal.buttons[0][0].data)
    assert last_to(bot, "b", "💛").text == said(
        texts.DATE_ACCEPTED_TOLD, "es", partner="Alex", when=sunday
    )
    [cancelled] = await bot.say("b", "/date cancelar")
    assert cancelled.text == said(texts.DATE_CANCELLED, "es", when=sunday)


async def test_export_has_my_someday_items_and_deletemydata_erases_them(bot: Harness) -> None:
    await paired(bot)
    await bot.say("a", f"/someday {LAKE}")
    await bot.say("b", "/someday watch the stars")
    export = next(out for out in await bot.say("a", "/export") if out.attachment)
    assert export.attachment is not None
    data = json.loads(export.attachment.data)
    assert [item["words"] for item in data["someday"]] == [LAKE]
    assert "watch the stars" not in export.attachment.data.decode()  # Sam's words are Sam's
    [ask] = await bot.say("a", "/deletemydata")
    await press(bot, "a", ask.buttons[0][0].data)
    assert [item.text for item in await items(bot)] == ["watch the stars"]
