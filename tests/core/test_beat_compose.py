"""The beat's table of rhythms (`bot.core.beat.compose.COMPOSERS`), one rhythm at a time: what
each composer sends for a claimed row, from a little real data in the database."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.core import texts
from bot.core.beat.claim import Row
from bot.core.beat.compose import COMPOSERS, Made, compose
from bot.core.beat.store import store
from bot.core.events import keyboard
from bot.core.milestones import line
from bot.core.models import Answer, Conversation, Couple, DatePlan, Member, PromptUse, Someday
from bot.core.ports import Prompt
from bot.db import Database
from tests.helpers.couples import couple_of_two, row_for
from tests.helpers.service import LIBRARY, START

BERLIN = ZoneInfo("Europe/Berlin")
TUE, WED, THU, FRI, SUN = (date(2026, 12, d) for d in (1, 2, 3, 4, 6))
MON_BEFORE = date(2026, 11, 30)
# Each rhythm of the table has its tests below; a new rhythm needs its own.
TESTED = {
    "evening",
    "reminder",
    "affection",
    "appreciation",
    "date",
    "date-morning",
    "date-ask",
    "recap",
    "digest",
    "ourdays",
}


def berlin(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=BERLIN).astimezone(UTC)


def test_every_rhythm_in_the_table_is_tested_here() -> None:
    assert set(COMPOSERS) == TESTED


async def made_for(session: AsyncSession, rows: list[Row], now: datetime) -> dict[str, Made]:
    """What `compose` made for the rows, by the member's chat and the rhythm."""
    made = await compose(session, LIBRARY, rows, now=now)
    by_member = {row.member_id: row.chat_id for row in rows}
    return {f"{by_member[member]}:{rhythm}": m for (member, rhythm), m in made.items()}


def ids(*members: Member) -> list[int]:
    assert all(member.id is not None for member in members)
    return [member.id or 0 for member in members]


# --- evening ---------------------------------------------------------------------------------


async def test_the_evening_prompt_names_the_partner_and_both_share_one_conversation(
    db: Database,
) -> None:
    async with db.session() as session:
        couple, alex, sam = await couple_of_two(session, zones=("Europe/Berlin", "Europe/London"))
        alex_slot = berlin(WED, 20, 30)  # Wednesday: a curiosity evening
        first = await compose(
            session, LIBRARY, [row_for(couple, alex, sam, "evening", alex_slot)], now=alex_slot
        )
        sam_slot = alex_slot + timedelta(hours=1)  # 20:30 in London
        second = await compose(
            session, LIBRARY, [row_for(couple, sam, alex, "evening", sam_slot)], now=sam_slot
        )
        conversation = (await session.exec(select(Conversation))).one()
    a, s = ids(alex, sam)
    to_alex, to_sam = first[(a, "evening")], second[(s, "evening")]
    prompt = LIBRARY.get(conversation.prompt_id)
    assert prompt is not None
    assert (conversation.day, conversation.kind, conversation.depth) == (
        "2026-12-02",
        "curiosity",
        1,
    )
    assert to_alex.conversation_id == to_sam.conversation_id == conversation.id
    assert to_alex.out.text == texts.EVENING_CURIOSITY.format(prompt=prompt.text, partner="Sam")
    assert to_sam.out.text == texts.EVENING_CURIOSITY.format(prompt=prompt.text, partner="Alex")
    assert to_alex.out.buttons == keyboard([(texts.SKIP_BUTTON, f"skip:{conversation.id}")])
    assert (to_alex.out.to.member_id, to_alex.out.to.chat_id) == (a, alex.chat_id)


async def test_a_check_in_evening_has_no_buttons_and_an_evening_with_nothing_sends_nothing(
    db: Database,
) -> None:
    slot = berlin(TUE, 20, 30)  # Tuesday: a check-in evening
    async with db.session() as session:
        couple, alex, sam = await couple_of_two(session)
        quiet, carol, dan = await couple_of_two(
            session, names=("Carol", "Dan"), checkin_on=False, curiosity_on=False
        )
        made = await made_for(
            session,
            [
                row_for(couple, alex, sam, "evening", slot),
                row_for(quiet, carol, dan, "evening", slot),
            ],
            slot,
        )
        conversations = (await session.exec(select(Conversation))).all()
    [conversation] = conversations
    prompt = LIBRARY.get(conversation.prompt_id)
    assert prompt is not None
    assert set(made) == {f"{alex.chat_id}:evening"}
    checkin = made[f"{alex.chat_id}:evening"].out
    assert checkin.text == texts.EVENING_CHECKIN.format(prompt=prompt.text, partner="Sam")
    assert checkin.buttons == ()


# --- evening: quieter after seven evening questions neither answered (`bot.core.cadence`) ----


async def past_evenings(
    session: AsyncSession, couple: Couple, *, answered_by: Member | None = None
) -> None:
    """Seven evening questions, one a day up to Monday 30 November; `answered_by` answered
    the fourth."""
    for back in range(7, 0, -1):
        day = TUE - timedelta(days=back)
        made = Conversation(
            couple_id=couple.id or 0,
            day=day.isoformat(),
            kind="check-in",
            prompt_id=LIBRARY.of("check-in")[back].id,
            created_at=berlin(day, 20, 30),
            closed_at=berlin(day + timedelta(days=1), 20, 30),
        )
        session.add(made)
        await session.flush()
        if answered_by is not None and back == 4:
            session.add(
                Answer(
                    conversation_id=made.id or 0,
                    member_id=answered_by.id or 0,
                    text="an answer",
                    created_at=berlin(day, 22),
                    updated_at=berlin(day, 22),
                )
            )
    await session.flush()


async def test_seven_unanswered_evenings_bring_the_word_once_to_both_then_every_other(
    db: Database,
) -> None:
    slot = berlin(TUE, 20, 30)
    async with db.session() as session:
        quiet, alex, sam = await couple_of_two(session, zones=("Europe/Berlin", "Europe/London"))
        await past_evenings(session, quiet)
        answered, carol, dan = await couple_of_two(session, names=("Carol", "Dan"))
        await past_evenings(session, answered, answered_by=dan)
        made = await made_for(
            session,
            [
                row_for(quiet, alex, sam, "evening", slot),
                row_for(answered, carol, dan, "evening", slot),
            ],
            slot,
        )
        assert quiet.quiet_since == slot
        assert answered.quiet_since is None
        later = slot + timedelta(hours=1)  # Sam's evening in London: the same couple-day
        sams = await made_for(session, [row_for(quiet, sam, alex, "evening", later)], later)
        days = {
            day: await made_for(
                session,
                [row_for(quiet, alex, sam, "evening", berlin(day, 20, 30))],
                berlin(day, 20, 30),
            )
            for day in (WED, THU, FRI)
        }
        tuesday = (
            await session.exec(
                select(Conversation.couple_id).where(Conversation.day == "2026-12-01")
            )
        ).all()
    for word in (made[f"{alex.chat_id}:evening"], sams[f"{sam.chat_id}:evening"]):
        assert word.out.text == texts.QUIET_NOTICE
        assert (word.conversation_id, word.kind) == (None, "quiet")
    assert made[f"{carol.chat_id}:evening"].conversation_id is not None
    assert made[f"{carol.chat_id}:evening"].kind is None
    assert tuesday == [answered.id]  # no question for the quiet couple that evening
    assert [bool(days[day]) for day in (WED, THU, FRI)] == [True, False, True]
    assert all(m.kind is None for day in (WED, FRI) for m in days[day].values())


# --- reminder --------------------------------------------------------------------------------


async def open_conversation(session: AsyncSession, couple: Couple, *answered: Member) -> int:
    conversation = Conversation(
        couple_id=couple.id or 0,
        day="2026-12-01",
        kind="check-in",
        prompt_id=LIBRARY.of("check-in")[0].id,
        created_at=START,
    )
    session.add(conversation)
    await session.flush()
    assert conversation.id is not None
    for who in answered:
        session.add(
            Answer(
                conversation_id=conversation.id,
                member_id=who.id or 0,
                text="my answer",
                created_at=START,
                updated_at=START,
            )
        )
    for member_id in (couple.member_a_id, couple.member_b_id):
        member = await session.get(Member, member_id)
        assert member is not None
        member.current_conversation_id = conversation.id  # where a reply (and a reminder) goes
    await session.flush()
    return conversation.id


async def test_the_reminder_goes_only_to_a_member_whose_partner_answered(db: Database) -> None:
    slot = berlin(TUE, 22)
    async with db.session() as session:
        couple, alex, sam = await couple_of_two(session)
        await open_conversation(session, couple, alex)
        both, carol, dan = await couple_of_two(session, names=("Carol", "Dan"))
        await open_conversation(session, both, carol, dan)
        none, erin, finn = await couple_of_two(session, names=("Erin", "Finn"))
        await open_conversation(session, none)
        rows = [
            row_for(couple, alex, sam, "reminder", slot),
            row_for(couple, sam, alex, "reminder", slot),
            row_for(both, carol, dan, "reminder", slot),
            row_for(both, dan, carol, "reminder", slot),
            row_for(none, erin, finn, "reminder", slot),
            row_for(none, finn, erin, "reminder", slot),
        ]
        made = await made_for(session, rows, slot)
    assert set(made) == {f"{sam.chat_id}:reminder"}
    reminder = made[f"{sam.chat_id}:reminder"]
    assert reminder.out.text == texts.REMINDER.format(partner="Alex")
    assert reminder.conversation_id is None


async def test_no_reminder_once_the_conversation_was_revealed_or_closed(db: Database) -> None:
    slot = berlin(TUE, 22)
    async with db.session() as session:
        revealed, alex, sam = await couple_of_two(session)
        shown = await open_conversation(session, revealed, alex)
        closed, carol, dan = await couple_of_two(session, names=("Carol", "Dan"))
        gone = await open_conversation(session, closed, carol)
        for conversation_id, field in ((shown, "revealed_at"), (gone, "closed_at")):
            conversation = await session.get(Conversation, conversation_id)
            assert conversation is not None
            setattr(conversation, field, slot)
        await session.flush()
        rows = [
            row_for(revealed, sam, alex, "reminder", slot),
            row_for(closed, dan, carol, "reminder", slot),
        ]
        assert await compose(session, LIBRARY, rows, now=slot) == {}


# --- nudges ----------------------------------------------------------------------------------


async def recorded(session: AsyncSession, kind: str) -> Prompt:
    """The one prompt of `kind` the couple was given (the beat records it for the day)."""
    prompt_id = (
        await session.exec(select(PromptUse.prompt_id).where(PromptUse.kind == kind))
    ).one()
    prompt = LIBRARY.get(prompt_id)
    assert prompt is not None
    assert prompt.kind == kind
    return prompt


async def test_the_nudges_each_send_the_day_s_idea_the_same_to_both(db: Database) -> None:
    morning = berlin(TUE, 8)
    async with db.session() as session:
        couple, alex, sam = await couple_of_two(session)
        rows = [
            row_for(couple, member, partner, rhythm, morning)
            for rhythm in ("affection", "appreciation", "date")
            for member, partner in ((alex, sam), (sam, alex))
        ]
        made = await made_for(session, rows, morning)
        hug, thanks, idea = [
            await recorded(session, k) for k in ("affection", "appreciation", "date")
        ]
    assert len(made) == 6
    for chat in (alex.chat_id, sam.chat_id):
        affection = made[f"{chat}:affection"].out
        assert affection.text == texts.AFFECTION_NUDGE.format(prompt=hug.text)
        assert affection.buttons == keyboard(
            [(texts.AFFECTION_BUTTON, f"hug:{couple.id}:2026-12-01")]
        )
        appreciation = made[f"{chat}:appreciation"].out
        assert appreciation.text == texts.APPRECIATION_NUDGE.format(prompt=thanks.text)
        assert appreciation.buttons == keyboard([(texts.APPRECIATION_BUTTON, f"appr:{couple.id}")])
        date_idea = made[f"{chat}:date"].out
        assert date_idea.text == texts.DATE_NUDGE.format(prompt=idea.text)
        assert date_idea.buttons == ()


async def test_a_couple_apart_gets_ideas_that_work_at_a_distance(db: Database) -> None:
    morning = berlin(TUE, 8)
    async with db.session() as session:
        couple, alex, sam = await couple_of_two(session, apart_since=START - timedelta(days=1))
        for day in range(8):  # a week and more of ideas, each day's its own
            slot = morning + timedelta(days=day)
            await compose(
                session,
                LIBRARY,
                [row_for(couple, alex, sam, k, slot) for k in ("affection", "date")],
                now=slot,
            )
        given = (await session.exec(select(PromptUse.prompt_id))).all()
    assert len(given) == 16
    assert all(getattr(LIBRARY.get(p), "where", None) in ("apart", "either") for p in given)


# --- a planned date ---------------------------------------------------------------------------


async def plan_date(session: AsyncSession, couple: Couple, at: datetime, **fields: Any) -> int:
    """A date of the couple at `at`, accepted unless `fields` say otherwise."""
    fields = {"accepted_at": START, **fields}
    plan = DatePlan(couple_id=couple.id or 0, at=at, created_at=START, **fields)
    session.add(plan)
    await session.flush()
    assert plan.id is not None
    return plan.id


async def test_the_morning_of_a_date_says_its_time_and_no_other_morning_does(
    db: Database,
) -> None:
    async with db.session() as session:
        couple, alex, sam = await couple_of_two(session)
        await plan_date(session, couple, berlin(THU, 19, 30))
        made = {
            day: await compose(
                session,
                LIBRARY,
                [row_for(couple, alex, sam, "date-morning", berlin(day, 9))],
                now=berlin(day, 9),
            )
            for day in (WED, THU, FRI)
        }
    assert made[WED] == {}
    assert made[FRI] == {}
    [morning] = made[THU].values()
    assert morning.out.text == texts.DATE_MORNING.format(time="19:30")


async def test_the_day_after_a_date_asks_how_it_was_unless_it_was_already_lovely(
    db: Database,
) -> None:
    async with db.session() as session:
        couple, alex, sam = await couple_of_two(session)
        plan_id = await plan_date(session, couple, berlin(WED, 19))
        lovely, carol, dan = await couple_of_two(session, names=("Carol", "Dan"))
        await plan_date(session, lovely, berlin(WED, 19), lovely_at=berlin(WED, 23))
        cancelled, erin, finn = await couple_of_two(session, names=("Erin", "Finn"))
        await plan_date(session, cancelled, berlin(WED, 19), cancelled_at=berlin(WED, 9))
        slot = berlin(THU, 10)
        rows = [
            row_for(couple, alex, sam, "date-ask", slot),
            row_for(lovely, carol, dan, "date-ask", slot),
            row_for(cancelled, erin, finn, "date-ask", slot),
        ]
        made = await made_for(session, rows, slot)
        too_late = await compose(
            session,
            LIBRARY,
            [row_for(couple, alex, sam, "date-ask", berlin(FRI, 10))],
            now=berlin(FRI, 10),
        )
    assert set(made) == {f"{alex.chat_id}:date-ask"}
    ask = made[f"{alex.chat_id}:date-ask"].out
    assert ask.text == texts.DATE_HOW
    assert ask.buttons == keyboard(
        [
            (texts.DATE_LOVELY, f"datehow:lovely:{plan_id}"),
            (texts.DATE_NOT_THIS_TIME, f"datehow:no:{plan_id}"),
        ]
    )
    assert too_late == {}


async def test_only_an_accepted_date_is_reminded_and_the_one_of_that_day(db: Database) -> None:
    async with db.session() as session:
        couple, alex, sam = await couple_of_two(session)
        await plan_date(session, couple, berlin(THU, 12), declined_at=START)
        await plan_date(session, couple, berlin(THU, 10), cancelled_at=START)
        await plan_date(session, couple, berlin(TUE, 19))  # an earlier date, already had
        accepted = await plan_date(session, couple, berlin(THU, 19, 30))
        asked, carol, dan = await couple_of_two(session, names=("Carol", "Dan"))
        await plan_date(session, asked, berlin(THU, 19, 30), accepted_at=None)
        declined, erin, finn = await couple_of_two(session, names=("Erin", "Finn"))
        await plan_date(session, declined, berlin(THU, 19, 30), accepted_at=None, declined_at=START)
        mornings = await made_for(
            session,
            [
                row_for(couple, alex, sam, "date-morning", berlin(THU, 9)),
                row_for(asked, carol, dan, "date-morning", berlin(THU, 9)),
                row_for(declined, erin, finn, "date-morning", berlin(THU, 9)),
            ],
            berlin(THU, 9),
        )
        asks = await made_for(
            session,
            [
                row_for(couple, alex, sam, "date-ask", berlin(FRI, 10)),
                row_for(asked, carol, dan, "date-ask", berlin(FRI, 10)),
                row_for(declined, erin, finn, "date-ask", berlin(FRI, 10)),
            ],
            berlin(FRI, 10),
        )
    assert set(mornings) == {f"{alex.chat_id}:date-morning"}
    assert mornings[f"{alex.chat_id}:date-morning"].out.text == texts.DATE_MORNING.format(
        time="19:30"
    )
    assert set(asks) == {f"{alex.chat_id}:date-ask"}
    assert asks[f"{alex.chat_id}:date-ask"].out.buttons[0][0].data == f"datehow:lovely:{accepted}"


# --- the date nudge from the someday list -----------------------------------------------------


async def add_someday(session: AsyncSession, couple: Couple, text: str, **fields: Any) -> int:
    item = Someday(couple_id=couple.id or 0, text=text, created_at=START, **fields)
    session.add(item)
    await session.flush()
    assert item.id is not None
    return item.id


async def test_the_date_nudge_offers_a_someday_item_in_turn_with_plan_it(db: Database) -> None:
    thursday = berlin(THU, 18)
    async with db.session() as session:
        couple, alex, sam = await couple_of_two(session)
        lake = await add_someday(session, couple, "picnic by the lake")
        await add_someday(session, couple, "old plan", planned_at=START)
        await add_someday(session, couple, "gone", removed_at=START)
        stars = await add_someday(session, couple, "watch the stars")
        plain, carol, dan = await couple_of_two(session, names=("Carol", "Dan"))
        await add_someday(session, plain, "only removed", removed_at=START)
        offered = []
        for week in range(4):
            slot = thursday + timedelta(weeks=week)
            rows = [
                row_for(couple, alex, sam, "date", slot),
                row_for(couple, sam, alex, "date", slot),
                row_for(plain, carol, dan, "date", slot),
            ]
            made = await made_for(session, rows, slot)
            to_alex, to_sam = made[f"{alex.chat_id}:date"].out, made[f"{sam.chat_id}:date"].out
            assert (to_alex.text, to_alex.buttons) == (to_sam.text, to_sam.buttons)
            [[plan_it]] = to_alex.buttons
            assert plan_it.label == texts.SOMEDAY_PLAN_IT
            offered.append((to_alex.text, plan_it.data))
            assert made[f"{carol.chat_id}:date"].out.text.startswith("🕯️ Date idea for this week")
        given = (await session.exec(select(PromptUse.couple_id))).all()
    by_item = {
        lake: texts.SOMEDAY_NUDGE.format(words="picnic by the lake"),
        stars: texts.SOMEDAY_NUDGE.format(words="watch the stars"),
    }
    assert {(text, data) for text, data in offered} == {
        (by_item[lake], f"someday:plan:{lake}"),
        (by_item[stars], f"someday:plan:{stars}"),
    }
    assert offered[0] != offered[1]  # one item a week, in turn: never the same twice running
    assert offered[0] == offered[2]
    assert set(given) == {plain.id}  # no library idea used up for the couple with a list


# --- recap -----------------------------------------------------------------------------------


async def test_the_recap_says_nothing_when_nothing_was_shared(db: Database) -> None:
    slot = berlin(SUN, 19)
    async with db.session() as session:
        couple, alex, sam = await couple_of_two(session)
        shared, carol, dan = await couple_of_two(session, names=("Carol", "Dan"))
        conversation_id = await open_conversation(session, shared, carol, dan)
        conversation = await session.get(Conversation, conversation_id)
        assert conversation is not None
        conversation.revealed_at = berlin(WED, 21)
        await session.flush()
        made = await made_for(
            session,
            [
                row_for(couple, alex, sam, "recap", slot),
                row_for(shared, carol, dan, "recap", slot),
                row_for(shared, dan, carol, "recap", slot),
            ],
            slot,
        )
    assert set(made) == {f"{carol.chat_id}:recap", f"{dan.chat_id}:recap"}
    recap_lines = {line(LIBRARY, p.id) for p in LIBRARY.for_occasion("recap")}
    closing = made[f"{carol.chat_id}:recap"].out.text.rpartition("\n")[2]
    assert closing in recap_lines  # a recap line, the same for both partners
    expected = texts.RECAP.format(summary="1 evening checked in together", line=closing)
    assert made[f"{carol.chat_id}:recap"].out.text == expected
    assert made[f"{dan.chat_id}:recap"].out.text == expected


# --- the Sunday digest ---------------------------------------------------------------------


async def given(session: AsyncSession, couple: Couple, kind: str) -> Prompt:
    prompt_id = (
        await session.exec(
            select(PromptUse.prompt_id).where(
                PromptUse.kind == kind, PromptUse.couple_id == couple.id
            )
        )
    ).one()
    prompt = LIBRARY.get(prompt_id)
    assert prompt is not None
    return prompt


async def test_the_digest_folds_the_nudges_a_couple_has_on_into_one_message(
    db: Database,
) -> None:
    morning = berlin(SUN, 10)
    async with db.session() as session:
        couple, alex, sam = await couple_of_two(session, digest_on=True)
        dates, carol, dan = await couple_of_two(
            session,
            names=("Carol", "Dan"),
            digest_on=True,
            affection_on=False,
            appreciation_on=False,
        )
        none, erin, finn = await couple_of_two(
            session,
            names=("Erin", "Finn"),
            digest_on=True,
            affection_on=False,
            appreciation_on=False,
            date_on=False,
        )
        rows = [
            row_for(couple, alex, sam, "digest", morning),
            row_for(couple, sam, alex, "digest", morning),
            row_for(dates, carol, dan, "digest", morning),
            row_for(none, erin, finn, "digest", morning),
        ]
        made = await made_for(session, rows, morning)
        hug, thanks, idea = [
            await given(session, couple, k) for k in ("affection", "appreciation", "date")
        ]
        only = await given(session, dates, "date")
    assert set(made) == {f"{c}:digest" for c in (alex.chat_id, sam.chat_id, carol.chat_id)}
    ideas = "\n\n".join(
        [
            texts.DIGEST_AFFECTION.format(prompt=hug.text),
            texts.APPRECIATION_NUDGE.format(prompt=thanks.text),
            texts.DATE_NUDGE.format(prompt=idea.text),
        ]
    )
    for chat in (alex.chat_id, sam.chat_id):
        digest = made[f"{chat}:digest"].out
        assert digest.text == texts.DIGEST.format(ideas=ideas)
        assert digest.buttons == keyboard(
            [(texts.AFFECTION_BUTTON, f"hug:{couple.id}:2026-12-06")],
            [(texts.APPRECIATION_BUTTON, f"appr:{couple.id}")],
        )
    alone = made[f"{carol.chat_id}:digest"].out
    assert alone.text == texts.DIGEST.format(ideas=texts.DATE_NUDGE.format(prompt=only.text))
    assert alone.buttons == ()


# --- our dates: a morning only on one of the couple's days, each occasion once ---------------


async def test_our_dates_send_a_morning_only_on_one_of_their_days_and_each_once(
    db: Database,
) -> None:
    async with db.session() as session:
        couple, alex, sam = await couple_of_two(
            session, zones=("Europe/Berlin", "America/New_York"), anniversary="2019-12-04"
        )
        sam.birthday = "1990-12-07"
        await session.flush()
        new_york = ZoneInfo("America/New_York")

        def rows(day: date) -> list[Row]:
            sams = datetime.combine(day, time(9, 30), tzinfo=new_york).astimezone(UTC)
            return [
                row_for(couple, alex, sam, "ourdays", berlin(day, 9, 30)),
                row_for(couple, sam, alex, "ourdays", sams),
            ]

        assert await made_for(session, rows(THU), berlin(THU, 9, 30)) == {}  # an ordinary day
        # Friday 4 December: seven years for both, and for Alex alone, in the same message, the
        # heads-up for Sam's birthday on Monday, with a date idea.
        made = await made_for(session, rows(FRI), berlin(FRI, 9, 30))
        anniversary = "💞 7 years together today. Happy anniversary, you two."
        offer = "📖 Your story so far could be a book to keep, whenever you'd like it."
        assert made[f"{sam.chat_id}:ourdays"].out.text == f"{anniversary}\n\n{offer}"
        text = made[f"{alex.chat_id}:ourdays"].out.text
        first, heads_up, idea = text.split("\n\n")[0], *text.split("\n\n")[1].split("\n")
        assert first == anniversary
        assert text.endswith(f"\n\n{offer}")  # the book of their story, offered (#18)
        [[button]] = made[f"{alex.chat_id}:ourdays"].out.buttons
        assert button.data == f"story:{alex.couple_id}"
        assert heads_up == "🎁 Just between us: Sam's birthday is on Mon 07 Dec, in 3 days."
        dates = {p.text for p in LIBRARY.prompts.values() if p.kind == "date"}
        assert idea.removeprefix("An idea, if you'd like one: ") in dates
        assert made[f"{alex.chat_id}:ourdays"].milestones == (
            f"anniv-2026:{alex.id}",
            f"heads-up-2026:{alex.id}",
        )
        # Recorded once, they are not made again (a second tick, a changed zone).
        friday = rows(FRI)
        await store(
            session,
            [(friday[0], made[f"{alex.chat_id}:ourdays"])],
            berlin(FRI, 9, 30),
        )
        again = await made_for(session, friday, berlin(FRI, 10))
        assert set(again) == {f"{sam.chat_id}:ourdays"}
