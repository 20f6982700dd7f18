"""The daily rhythm on an injected clock: evening prompts in each partner's own zone, the
reveal, reminders, late answers, the depth ladder, pause, and exactly-once under concurrency."""

from __future__ import annotations

import asyncio
from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import col, select

from bot.core.events import ButtonPress, Media, MediaRef, Text
from bot.core.models import Answer, Conversation, Couple, Delivery
from bot.db import Database
from bot.outbox import Outbox
from bot.service import Rekindle
from tests.helpers.service import LIBRARY, Harness, RecordingChannel, sender


async def paired(
    bot: Harness, zone_a: str = "Europe/Berlin", zone_b: str = "Europe/Berlin"
) -> None:
    await bot.say("a", f"/timezone {zone_a}")
    await bot.say("b", f"/timezone {zone_b}")
    await bot.pair()
    bot.channel.clear()


async def evening_deliveries(bot: Harness) -> list[Delivery]:
    async with bot.service.db.session() as session:
        rows = await session.exec(
            select(Delivery).where(Delivery.kind == "evening").order_by(col(Delivery.id))
        )
        return list(rows.all())


async def test_each_partner_gets_the_same_prompt_at_their_own_evening(bot: Harness) -> None:
    await paired(bot, "Europe/Berlin", "America/New_York")  # Tue 1 Dec, 16:00 UTC
    await bot.advance(timedelta(hours=3, minutes=31))  # 19:31 UTC = 20:31 Berlin
    assert len(bot.prompts_to("a")) == 1
    assert bot.prompts_to("b") == []
    await bot.advance(timedelta(hours=6))  # 01:31 UTC = 20:31 New York
    [to_a], [to_b] = bot.prompts_to("a"), bot.prompts_to("b")
    assert to_a.text.split("\n")[1] == to_b.text.split("\n")[1]


async def test_answers_stay_sealed_until_both_answered_then_each_sees_the_other(
    bot: Harness,
) -> None:
    await paired(bot)
    await bot.advance(timedelta(hours=3, minutes=31))
    bot.channel.clear()
    [sealed] = await bot.say("a", "first thought")
    assert "sealed until Sam answers" in sealed.text
    [updated] = await bot.say("a", "<b>better</b> thought & more")
    assert "Sam will see this answer instead" in updated.text
    assert bot.channel.to("b") == []  # nothing of Alex's has reached Sam
    await bot.say("b", "my answer")
    [to_b] = [text for text in bot.channel.to("b") if "Alex's answer" in text]
    [to_a] = [text for text in bot.channel.to("a") if "Sam's answer" in text]
    assert "<b>better</b> thought & more" in to_b
    assert "first thought" not in to_b
    assert "my answer" in to_a
    assert "ten minutes together" in to_a
    assert "ten minutes together" in to_b
    # A message after the reveal is kept, not revealed again.
    [kept] = await bot.say("a", "one more thing")
    assert "kept this" in kept.text


async def test_one_gentle_reminder_90_minutes_after_only_when_the_partner_answered(
    bot: Harness,
) -> None:
    await paired(bot)
    await bot.advance(timedelta(hours=3, minutes=31))  # 20:31 Berlin
    await bot.say("a", "answered")
    bot.channel.clear()
    await bot.advance(timedelta(hours=3))  # past 22:00 Berlin
    reminders = [text for text in bot.channel.to("b") if "Yours is welcome whenever" in text]
    assert len(reminders) == 1
    assert bot.channel.to("a") == []


async def test_no_reminder_inside_quiet_hours(bot: Harness) -> None:
    await paired(bot)
    await bot.say("a", "/time 21:30")  # reminder would be 23:00
    await bot.advance(timedelta(hours=4, minutes=31))  # 21:31 Berlin
    await bot.say("a", "answered")
    bot.channel.clear()
    await bot.advance(timedelta(hours=3))
    assert not any("Yours is welcome whenever" in text for text in bot.channel.to("b"))


async def test_a_late_answer_to_a_closed_prompt_is_kept_with_a_kind_note(bot: Harness) -> None:
    await paired(bot)
    await bot.advance(timedelta(hours=3, minutes=31))
    [first] = bot.prompts_to("a")
    async with bot.service.db.session() as session:
        first_ref = (
            await session.exec(select(Delivery.message_ref).where(Delivery.kind == "evening"))
        ).first()
    await bot.advance(timedelta(days=1))  # the next evening's prompt closes the first
    replies = await bot.send(
        Text(sender=sender("a", "Alex"), text="sorry, late to this", reply_to=first_ref)
    )
    assert "closed" in replies[0].text
    assert "kept your answer" in replies[0].text
    async with bot.service.db.session() as session:
        late = (await session.exec(select(Answer).where(col(Answer.late)))).one()
    assert late.text == "sorry, late to this"
    assert first.text  # the prompt it answered was shown


async def test_a_prompt_missed_by_over_two_hours_is_skipped_and_within_two_sent_late(
    bot: Harness,
) -> None:
    await paired(bot)
    bot.clock.set(datetime(2026, 12, 1, 21, 29, tzinfo=UTC))  # 22:29 Berlin: 1 h 59 late
    await bot.service.run_due()
    assert len(bot.prompts_to("a")) == 1
    bot.clock.set(datetime(2026, 12, 2, 21, 31, tzinfo=UTC))  # next day, 2 h 01 late
    await bot.service.run_due()
    assert len(bot.prompts_to("a")) == 1  # skipped for that day, not sent late
    await bot.advance(timedelta(days=1))
    assert len(bot.prompts_to("a")) == 2  # and the rhythm goes on


async def test_three_weeks_across_clock_changes_in_two_zones(bot: Harness) -> None:
    """Berlin falls back on 25 Oct, New York on 1 Nov: one prompt each local day, at 20:30."""
    bot.clock.set(datetime(2026, 10, 15, 12, 0, tzinfo=UTC))
    await paired(bot, "Europe/Berlin", "America/New_York")
    for _ in range(21):
        await bot.advance(timedelta(days=1))
        for who in ("a", "b"):
            if bot.prompts_to(who):
                await bot.say(who, f"an answer from {who}")
    rows = await evening_deliveries(bot)
    zones = {"a": ZoneInfo("Europe/Berlin"), "b": ZoneInfo("America/New_York")}
    by_member: dict[int, list[Delivery]] = defaultdict(list)
    for delivery in rows:
        by_member[delivery.member_id].append(delivery)
    assert len(by_member) == 2
    for deliveries, zone in zip(by_member.values(), zones.values(), strict=True):
        local_days = [d.day for d in deliveries]
        assert len(local_days) == len(set(local_days)) == 21  # none skipped, none doubled
        for delivery in deliveries:
            assert delivery.created_at.astimezone(zone).strftime("%H:%M") == "20:30"
    async with bot.service.db.session() as session:
        conversations = (await session.exec(select(Conversation))).all()
        couple = (await session.exec(select(Couple))).one()
    kinds = Counter(c.kind for c in conversations)
    assert kinds["curiosity"] == 9  # Mon/Wed/Fri for three weeks
    assert kinds["goals"] >= 1  # every other Sunday
    assert len({c.prompt_id for c in conversations}) == len(conversations)  # no repeats
    # Start small: the first five curiosity questions are light, then the week's mix begins.
    curious = sorted((c for c in conversations if c.kind == "curiosity"), key=lambda c: c.day)
    assert [c.depth for c in curious[:5]] == [1] * 5
    assert couple.depth_answered >= 8  # curiosity questions answered together
    revealed = [c for c in conversations if c.revealed_at is not None]
    assert len(revealed) >= 20


async def test_pause_stops_prompts_for_both_and_resume_restarts_them(bot: Harness) -> None:
    await paired(bot)
    [paused] = await bot.say("a", "/pause 3")
    assert "Paused until" in paused.text
    assert any("paused Rekindle for you both" in text for text in bot.channel.to("b"))
    await bot.advance(timedelta(days=2))
    assert bot.prompts_to("a") == []
    assert bot.prompts_to("b") == []
    await bot.say("b", "/resume")
    await bot.advance(timedelta(days=1))
    assert len(bot.prompts_to("a")) == 1
    assert len(bot.prompts_to("b")) == 1
    assert "Try /pause 7" in (await bot.say("a", "/pause forever"))[0].text


async def test_skip_once_a_day_and_too_deep_goes_down_a_level(bot: Harness) -> None:
    bot.clock.set(datetime(2026, 12, 2, 12, 0, tzinfo=UTC))  # a Wednesday: curiosity
    await paired(bot)
    async with bot.service.db.session() as session:
        couple = (await session.exec(select(Couple))).one()
        couple.depth_answered = 5  # past the light first weeks
        assert couple.id is not None
        # Monday's light question was this week's first: Wednesday's goes to depth 2.
        session.add(
            Conversation(
                couple_id=couple.id,
                day="2026-11-30",
                kind="curiosity",
                prompt_id="curiosity-childhood-meal",
                depth=1,
                created_at=bot.clock.now(),
                closed_at=bot.clock.now(),
            )
        )
    await bot.advance(timedelta(hours=7, minutes=31))
    [prompt] = bot.prompts_to("a")
    labels = [b.label for row in prompt.buttons for b in row]
    assert labels == ["Skip", "Too deep for now"]
    skip = prompt.buttons[0][0].data
    [swapped] = await bot.send(ButtonPress(sender=sender("a", "Alex"), data=skip))
    assert swapped.text.startswith("Here's another one instead")
    assert swapped.text.split("\n")[2] != prompt.text.split("\n")[1]
    assert any("Tonight's question changed" in text for text in bot.channel.to("b"))
    [again] = await bot.say("a", "/skip")
    assert "stays as it is" in again.text
    deeper = swapped.buttons[0][1].data
    [lighter] = await bot.send(ButtonPress(sender=sender("b", "Sam"), data=deeper))
    assert "lighter one" in lighter.text
    async with bot.service.db.session() as session:
        couple = (await session.exec(select(Couple))).one()
        conversation = (
            await session.exec(select(Conversation).where(Conversation.day == "2026-12-02"))
        ).one()
    assert couple.lighter_until == bot.clock.now() + timedelta(days=14)  # a lighter mix
    assert conversation.depth == 1
    # A forged skip for a conversation that is not theirs does nothing.
    [refused] = await bot.send(ButtonPress(sender=sender("c"), data=skip))
    assert "no open question" in refused.text


async def test_checkin_now_sends_todays_prompt_once(bot: Harness) -> None:
    await paired(bot)
    await bot.say("a", "/checkin")
    assert len(bot.prompts_to("a")) == 1
    assert len(bot.prompts_to("b")) == 1
    [already] = await bot.say("b", "/ask")
    assert "already out" in already.text
    await bot.advance(timedelta(hours=4))  # 20:30 passes: no second prompt today
    assert len(bot.prompts_to("a")) == 1


async def test_settings_menu_toggles_rhythms_and_days(bot: Harness) -> None:
    await paired(bot)
    [menu] = await bot.say("a", "/settings")
    assert "20:30" in menu.text
    assert "Mon, Wed, Fri" in menu.text
    toggle = next(b.data for row in menu.buttons for b in row if "check-ins" in b.label)
    [after] = await bot.send(ButtonPress(sender=sender("a", "Alex"), data=toggle))
    assert any("⬜ Evening check-ins" in b.label for row in after.buttons for b in row)
    assert "Try /time 20:30" in (await bot.say("a", "/time dinner"))[0].text


async def test_affection_done_counts_once_per_day(bot: Harness) -> None:
    await paired(bot)  # Tue 16:00 UTC; the next affection idea is Sat 08:00
    await bot.advance(timedelta(days=4))
    [idea] = [out for out in bot.channel.sent if out.to.chat_id == "a" and "small idea" in out.text]
    done = idea.buttons[0][0].data
    assert (
        "shared moment"
        in (await bot.send(ButtonPress(sender=sender("a", "Alex"), data=done)))[0].text
    )
    assert (
        "Already counted"
        in (await bot.send(ButtonPress(sender=sender("b", "Sam"), data=done)))[0].text
    )


async def test_concurrent_ticks_record_each_prompt_once(bot: Harness) -> None:
    for first, second in [(f"x{i}", f"y{i}") for i in range(15)]:
        await bot.say(first, "/timezone Europe/Berlin")
        await bot.say(second, "/timezone Europe/Berlin")
        await bot.pair(first, second)
    bot.clock.set(datetime(2026, 12, 1, 19, 31, tzinfo=UTC))
    others = [
        Rekindle(db=bot.service.db, clock=bot.clock, content=LIBRARY, outbox=bot.service.outbox)
        for _ in range(3)
    ]
    await asyncio.gather(*(service.tick(batch=7) for service in [bot.service, *others]))
    rows = await evening_deliveries(bot)
    assert len(rows) == 30
    assert len({row.key for row in rows}) == 30


async def test_a_restart_in_the_middle_of_a_fan_out_sends_nothing_twice(
    bot: Harness, database_url: str
) -> None:
    for first, second in [(f"x{i}", f"y{i}") for i in range(10)]:
        await bot.pair(first, second)
    bot.clock.set(datetime(2026, 12, 1, 20, 31, tzinfo=UTC))
    await bot.service.tick()
    bot.channel.clear()
    await bot.service.outbox.deliver_due(limit=7)  # then the process "dies"
    # A new application on the same database picks up where the old one stopped.
    channel = RecordingChannel()
    db = Database(database_url)
    fresh = Rekindle(
        db=db, clock=bot.clock, content=LIBRARY, outbox=Outbox(db, bot.clock, {"test": channel})
    )
    await fresh.run_due()
    await db.dispose()
    sent = [out.to.chat_id for out in bot.channel.sent + channel.sent]
    assert sorted(sent) == sorted({out.to.chat_id for out in bot.channel.sent + channel.sent})
    assert len(sent) == 20


async def test_a_voice_note_answer_is_revealed_as_media(bot: Harness) -> None:
    await paired(bot)
    await bot.advance(timedelta(hours=3, minutes=31))
    bot.channel.clear()
    voice = MediaRef(channel="test", kind="voice", ref="file-123")
    await bot.send(Media(sender=sender("a", "Alex"), media=voice))
    await bot.say("b", "words")
    [reveal] = [out for out in bot.channel.sent if out.to.chat_id == "b" and out.media]
    assert reveal.media == voice
    assert "answered" in reveal.text
    assert "voice note" in reveal.text


async def test_an_answer_is_not_mistaken_for_a_setting(bot: Harness) -> None:
    await paired(bot)
    await bot.advance(timedelta(hours=3, minutes=31))
    await bot.say("a", "/timezone")  # asks; Alex answers the evening question instead
    [sealed] = await bot.say("a", "I loved our walk")
    assert "sealed" in sealed.text
    [zone] = await bot.say("a", "Tokyo")  # a zone is still understood
    assert "Asia/Tokyo" in zone.text


async def test_weekly_nudges_come_on_their_days_and_never_more_than_three_a_day(
    bot: Harness,
) -> None:
    await paired(bot)  # Tuesday 1 December
    await bot.advance(timedelta(days=7))
    async with bot.service.db.session() as session:
        rows = (await session.exec(select(Delivery).where(col(Delivery.proactive)))).all()
    kinds_by_day: dict[str, list[str]] = defaultdict(list)
    for row in rows:
        if row.member_id == rows[0].member_id:
            assert row.day is not None
            kinds_by_day[row.day].append(row.kind)
    assert "appreciation" in kinds_by_day["2026-12-02"]  # Wednesday
    assert "date" in kinds_by_day["2026-12-03"]  # Thursday
    assert "affection" in kinds_by_day["2026-12-05"]  # Saturday morning
    assert all(len(kinds) <= 3 for kinds in kinds_by_day.values())
    nudge = next(o for o in bot.channel.sent if o.to.chat_id == "a" and "💌" in o.text)
    pressed = await bot.send(ButtonPress(sender=sender("a", "Alex"), data=nudge.buttons[0][0].data))
    assert "What do you appreciate about Sam?" in pressed[0].text


async def test_the_scheduler_beat_runs_the_tick(bot: Harness) -> None:
    from bot.heartbeat import Beat

    await paired(bot)
    bot.clock.set(datetime(2026, 12, 1, 19, 31, tzinfo=UTC))
    beat = Beat(bot.service.run_due, seconds=0.05)
    beat.start()
    try:
        for _ in range(100):
            if bot.prompts_to("a"):
                break
            await asyncio.sleep(0.05)
    finally:
        await beat.stop()
    assert len(bot.prompts_to("a")) == 1


async def test_a_beat_whose_task_starts_after_stop_does_nothing() -> None:
    """Under load the scheduler can create a beat's task just before `stop` and run it after
    (when the database is already closed): that beat must not run its job."""
    from bot.heartbeat import Beat

    ran = 0

    async def job() -> None:
        nonlocal ran
        ran += 1

    beat = Beat(job, seconds=60)
    late = asyncio.get_running_loop().create_task(beat._beat())  # created, not yet started
    await beat.stop()
    await late
    assert ran == 0
