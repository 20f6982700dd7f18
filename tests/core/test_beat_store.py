"""The beat's store step (`bot.core.beat.store`): a batch of deliveries recorded under their
unique keys, what only a new evening prompt does, and every claimed row moved on."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.core.beat.compose import Made
from bot.core.beat.store import advance, store
from bot.core.events import Outgoing
from bot.core.models import Conversation, Couple, Delivery, Member, Schedule
from bot.core.rhythm import GRACE, REMINDER_AFTER, delivery, record_many, set_due
from bot.db import Database
from tests.helpers.couples import couple_of_two, row_for
from tests.helpers.service import LIBRARY, START

BERLIN = ZoneInfo("Europe/Berlin")
TUE, WED, THU, SAT = (date(2026, 12, d) for d in (1, 2, 3, 5))


def berlin(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=BERLIN).astimezone(UTC)


EVENING = berlin(TUE, 20, 30)


async def conversation(session: AsyncSession, couple: Couple) -> int:
    made = Conversation(
        couple_id=couple.id or 0,
        day=TUE.isoformat(),
        kind="check-in",
        prompt_id=LIBRARY.of("check-in")[0].id,
        created_at=START,
    )
    session.add(made)
    await session.flush()
    assert made.id is not None
    return made.id


async def schedule(db: Database) -> dict[tuple[int, str], datetime]:
    async with db.session() as session:
        rows = (await session.exec(select(Schedule))).all()
    return {(r.member_id, r.rhythm): r.next_due_at for r in rows}


async def test_only_new_keys_point_members_at_their_conversation_and_set_the_reminder(
    db: Database,
) -> None:
    now = EVENING + timedelta(minutes=1)
    async with db.session() as session:
        couple, alex, sam = await couple_of_two(session)
        conversation_id = await conversation(session, couple)
        alex_row = row_for(couple, alex, sam, "evening", EVENING)
        sam_row = row_for(couple, sam, alex, "evening", EVENING)
        nudge_row = row_for(couple, sam, alex, "affection", EVENING)
        # Alex's evening was recorded before (another process, or /checkin in a reply).
        earlier = Outgoing(alex_row.recipient(), "recorded earlier")
        await record_many(
            session,
            [delivery(alex_row.member_id, earlier, kind="evening", day="2026-12-01", now=START)],
        )
        sending = [
            (alex_row, Made(Outgoing(alex_row.recipient(), "to Alex"), conversation_id)),
            (sam_row, Made(Outgoing(sam_row.recipient(), "to Sam"), conversation_id)),
            (nudge_row, Made(Outgoing(nudge_row.recipient(), "an idea"))),
        ]
        assert await store(session, sending, now) == 2
    async with db.session() as session:
        members = {m.id: m for m in (await session.exec(select(Member))).all()}
        deliveries = (await session.exec(select(Delivery).order_by(col(Delivery.id)))).all()
    assert members[alex.id].current_conversation_id is None
    assert members[sam.id].current_conversation_id == conversation_id
    assert await schedule(db) == {(sam_row.member_id, "reminder"): EVENING + REMINDER_AFTER}
    assert [(d.key, d.payload["text"], d.conversation_id) for d in deliveries] == [
        (f"evening:{alex.id}:2026-12-01", "recorded earlier", None),
        (f"evening:{sam.id}:2026-12-01", "to Sam", conversation_id),
        (f"affection:{sam.id}:2026-12-01", "an idea", None),
    ]
    assert all(d.proactive and d.status == "pending" for d in deliveries)


async def test_a_new_evening_moves_a_reminder_already_set(db: Database) -> None:
    async with db.session() as session:
        couple, alex, sam = await couple_of_two(session)
        assert alex.id is not None
        conversation_id = await conversation(session, couple)
        await set_due(session, alex.id, rhythm="reminder", due=EVENING - timedelta(days=1))
        row = row_for(couple, alex, sam, "evening", EVENING)
        made = Made(Outgoing(row.recipient(), "to Alex"), conversation_id)
        assert await store(session, [(row, made)], EVENING) == 1
        assert await store(session, [], EVENING) == 0
    assert await schedule(db) == {(alex.id, "reminder"): EVENING + REMINDER_AFTER}


async def test_one_shot_rows_go_and_the_others_move_to_their_next_instant(db: Database) -> None:
    now = EVENING + timedelta(minutes=5)
    later = EVENING + timedelta(days=1)
    async with db.session() as session:
        couple, alex, sam = await couple_of_two(session)
        assert alex.id is not None
        for rhythm in ("evening", "reminder", "date-morning"):
            await set_due(session, alex.id, rhythm=rhythm, due=EVENING)
        # A one-shot row set anew (a new date) after it was claimed is not the claimed one.
        await set_due(session, alex.id, rhythm="date-ask", due=later)
        await advance(
            session,
            [
                row_for(couple, alex, sam, rhythm, EVENING)
                for rhythm in ("evening", "reminder", "date-morning", "date-ask")
            ],
            now,
        )
        await advance(session, [], now)
    assert await schedule(db) == {
        (alex.id, "evening"): berlin(WED, 20, 30),
        (alex.id, "date-ask"): later,
    }


async def test_a_slot_more_than_the_grace_late_counts_from_now(db: Database) -> None:
    async with db.session() as session:
        couple, alex, sam = await couple_of_two(session)
        other, carol, dan = await couple_of_two(session, names=("Carol", "Dan"))
        nudged, erin, finn = await couple_of_two(session, names=("Erin", "Finn"))
        rows = [
            # Two days late (the bot was down): Tuesday's and Wednesday's evenings are not sent.
            (row_for(couple, alex, sam, "evening", EVENING), berlin(THU, 12)),
            # Just within the grace: the next is the next day's, as for one on time.
            (row_for(other, carol, dan, "evening", EVENING), EVENING + GRACE),
            # Tuesday's idea four days late: Saturday's 08:00 is still to come at 09:00 - 2 h.
            (row_for(nudged, erin, finn, "affection", berlin(TUE, 8)), berlin(SAT, 9)),
        ]
        for row, _ in rows:
            await set_due(session, row.member_id, rhythm=row.rhythm, due=row.slot)
        for row, now in rows:
            await advance(session, [row], now)
    assert await schedule(db) == {
        (alex.id, "evening"): berlin(THU, 20, 30),
        (carol.id, "evening"): berlin(WED, 20, 30),
        (erin.id, "affection"): berlin(SAT, 8),
    }


async def test_an_evening_that_brings_no_question_opens_nothing(db: Database) -> None:
    now = EVENING + timedelta(minutes=1)
    async with db.session() as session:
        couple, alex, sam = await couple_of_two(session)
        conversation_id = await conversation(session, couple)
        alex.current_conversation_id = conversation_id  # the question still open from before
        await session.flush()
        row = row_for(couple, alex, sam, "evening", EVENING)
        word = Made(Outgoing(row.recipient(), "going quieter"), kind="quiet")
        assert await store(session, [(row, word)], now) == 1
    async with db.session() as session:
        member = await session.get(Member, alex.id)
        [recorded] = (await session.exec(select(Delivery))).all()
    assert member is not None
    assert member.current_conversation_id == conversation_id
    assert await schedule(db) == {}  # no reminder
    assert (recorded.key, recorded.kind, recorded.conversation_id) == (
        f"quiet:{alex.id}:2026-12-01",
        "quiet",
        None,
    )
