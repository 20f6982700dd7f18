"""Every pairing rule, on the injected clock, on SQLite and (when configured) PostgreSQL."""

from __future__ import annotations

import asyncio
import hmac
import math
from datetime import timedelta

from sqlmodel import col, func, select

from bot.core import pairing
from bot.core.events import ButtonPress, Command, Sender
from bot.core.models import (
    Answer,
    Appreciation,
    Conversation,
    Couple,
    Delivery,
    Goal,
    Invite,
    Member,
    PromptUse,
    Schedule,
    Win,
)
from tests.helpers.service import PAIRING_KEY, Harness, sender


def texts_of(replies) -> str:
    return "\n".join(out.text for out in replies)


async def make_code(bot: Harness, who: str = "a") -> str:
    replies = await bot.say(who, "/pair")
    return next(out.invite_code for out in replies if out.invite_code)


async def test_start_greets_explains_privacy_and_asks_for_the_zone(bot: Harness) -> None:
    [reply] = await bot.say("a", "/start")
    assert reply.text.startswith("Hi Alex")
    assert "seen only by your partner" in reply.text
    assert "time zone" in reply.text
    labels = [button.data for row in reply.buttons for button in row]
    assert "tz:Europe/Berlin" in labels


async def test_a_typed_city_after_start_sets_the_zone(bot: Harness) -> None:
    await bot.say("a", "/start")
    [reply] = await bot.say("a", "Berlin")
    assert "Europe/Berlin" in reply.text
    assert "17:00" in reply.text  # 16:00 UTC is 17:00 in Berlin in December


async def test_a_zone_button_sets_the_zone(bot: Harness) -> None:
    await bot.say("a", "/start")
    [reply] = await bot.send(ButtonPress(sender=sender("a"), data="tz:America/New_York"))
    assert "America/New_York" in reply.text


async def test_timezone_accepts_names_and_offsets_and_explains_mistakes(bot: Harness) -> None:
    assert "Europe/Berlin" in texts_of(await bot.say("a", "/timezone Europe/Berlin"))
    assert "UTC+02:00" in texts_of(await bot.say("a", "/timezone +02:00"))
    refusal = texts_of(await bot.say("a", "/timezone Mars/Olympus"))
    assert "couldn't find" in refusal
    assert "Europe/Berlin" in refusal
    assert "+02:00" in refusal


async def test_codes_are_long_random_and_free_of_look_alikes(bot: Harness) -> None:
    codes = {await make_code(bot) for _ in range(20)}
    assert len(codes) == 20
    for code in codes:
        assert len(code) == pairing.CODE_LENGTH
        assert not set(code) & set("0O1IL")
    assert pairing.CODE_LENGTH * math.log2(len(pairing.ALPHABET)) >= 40


async def test_pairing_tells_both_with_each_others_names_and_first_checkin(bot: Harness) -> None:
    code = await make_code(bot, "a")
    [reply] = await bot.say("b", f"/pair {code}")
    assert "paired with Alex" in reply.text
    assert "first evening check-in" in reply.text
    assert any("paired with Sam" in text for text in bot.channel.to("a"))


async def test_a_code_is_forgiving_about_case_spaces_and_dashes(bot: Harness) -> None:
    code = await make_code(bot, "a")
    typed = f"{code[:5].lower()}-{code[5:]}"
    assert "paired with Alex" in texts_of(await bot.say("b", f"/pair {typed}"))


async def test_deep_link_start_pairs_at_once(bot: Harness) -> None:
    code = await make_code(bot, "a")
    replies = await bot.say("b", f"/start {code}")
    assert "paired with Alex" in texts_of(replies)


async def test_you_cannot_pair_with_yourself(bot: Harness) -> None:
    code = await make_code(bot, "a")
    assert "your own invite" in texts_of(await bot.say("a", f"/pair {code}"))


async def test_a_code_works_once_and_cannot_pull_in_a_third_person(bot: Harness) -> None:
    code = await make_code(bot, "a")
    await bot.say("b", f"/pair {code}")
    assert "already been used" in texts_of(await bot.say("c", f"/pair {code}"))


async def test_a_paired_member_cannot_make_or_use_codes(bot: Harness) -> None:
    await bot.pair("a", "b")
    assert "already paired with Sam" in texts_of(await bot.say("a", "/pair"))
    code = await make_code(bot, "c")
    assert "already paired with Alex" in texts_of(await bot.say("b", f"/pair {code}"))


async def test_an_invite_from_someone_who_paired_since_cannot_be_used(bot: Harness) -> None:
    code_a = await make_code(bot, "a")
    await bot.pair("c", "a")  # a pairs with c through c's code; a's own code dies with it
    assert "already been used" in texts_of(await bot.say("b", f"/pair {code_a}"))


async def test_codes_expire_after_24_hours(bot: Harness) -> None:
    code = await make_code(bot, "a")
    bot.clock.advance(timedelta(hours=24, seconds=1))
    assert "expired" in texts_of(await bot.say("b", f"/pair {code}"))


async def test_unknown_and_malformed_codes_are_refused_kindly(bot: Harness) -> None:
    assert "don't know that code" in texts_of(await bot.say("b", "/pair ABCDEFGHJK"))
    assert "doesn't look like an invite code" in texts_of(await bot.say("b", "/pair garbage!!"))


async def test_five_wrong_codes_in_an_hour_mean_a_wait_with_its_length(bot: Harness) -> None:
    code = await make_code(bot, "a")
    for _ in range(5):
        await bot.say("b", "/pair ABCDEFGHJK")
        bot.clock.advance(timedelta(minutes=1))
    # Even the right code waits now: guessing is slowed down whatever is tried.
    refusal = texts_of(await bot.say("b", f"/pair {code}"))
    assert "try again in 55 minutes" in refusal
    bot.clock.advance(timedelta(minutes=55))
    assert "paired with Alex" in texts_of(await bot.say("b", f"/pair {code}"))


async def test_few_tries_left_are_announced(bot: Harness) -> None:
    for _ in range(3):
        last = texts_of(await bot.say("b", "/pair ABCDEFGHJK"))
    assert "2 more tries" in last


async def test_codes_are_compared_in_constant_time(bot: Harness, monkeypatch) -> None:
    calls = []
    real = hmac.compare_digest

    def spy(a: str, b: str) -> bool:
        calls.append((a, b))
        return bool(real(a, b))

    monkeypatch.setattr(hmac, "compare_digest", spy)
    code = await make_code(bot, "a")
    await bot.say("b", f"/pair {code}")
    stored = pairing.code_hash(code, PAIRING_KEY)
    assert calls == [(stored, stored)]


async def test_unpair_asks_first_then_tells_the_partner_kindly(bot: Harness) -> None:
    await bot.pair()
    [ask] = await bot.say("a", "/unpair")
    assert "Unpair from Sam?" in ask.text
    yes = ask.buttons[0][0].data
    bot.channel.clear()
    [done] = await bot.send(ButtonPress(sender=sender("a", "Alex"), data=yes))
    assert "unpaired" in done.text
    [told] = bot.channel.to("b")
    assert "Alex has ended your pairing" in told
    async with bot.service.db.session() as session:
        members = (await session.exec(select(Member))).all()
        assert all(m.couple_id is None for m in members)
        assert (await session.exec(select(Couple))).one().ended_at is not None
    # Both can pair again, with anyone.
    await bot.pair("b", "c")


async def test_no_keeps_the_pair(bot: Harness) -> None:
    await bot.pair()
    [ask] = await bot.say("a", "/unpair")
    no = ask.buttons[1][0].data
    [kept] = await bot.send(ButtonPress(sender=sender("a", "Alex"), data=no))
    assert "still paired with Sam" in kept.text


async def test_a_replayed_or_foreign_unpair_button_does_nothing(bot: Harness) -> None:
    await bot.pair("a", "b")
    [ask] = await bot.say("a", "/unpair")
    yes = ask.buttons[0][0].data
    await bot.pair("c", "d")
    # c presses a's button (forged): refused, and a and b stay paired.
    [reply] = await bot.send(ButtonPress(sender=sender("c"), data=yes))
    assert "expired" in reply.text
    await bot.send(ButtonPress(sender=sender("a", "Alex"), data=yes))
    [again] = await bot.send(ButtonPress(sender=sender("a", "Alex"), data=yes))
    assert "expired" in again.text
    async with bot.service.db.session() as session:
        paired = await session.exec(select(func.count()).where(col(Member.couple_id).is_not(None)))
        assert paired.one() == 2  # c and d only


async def test_unknown_commands_and_buttons_get_a_kind_answer(bot: Harness) -> None:
    assert "I don't know /foo" in texts_of(await bot.say("a", "/foo bar"))
    [reply] = await bot.send(ButtonPress(sender=sender("a"), data="garbage:\x00:1"))
    assert "expired" in reply.text


async def test_help_and_privacy(bot: Harness) -> None:
    help_text = texts_of(await bot.say("a", "/help"))
    for command in ("/pair", "/timezone", "/unpair", "/privacy"):
        assert command in help_text
    assert "only to your partner" in texts_of(await bot.say("a", "/privacy"))


async def test_two_people_redeeming_one_code_at_the_same_moment_pair_exactly_one(
    bot: Harness,
) -> None:
    code = await make_code(bot, "a")
    contenders = ["b", "c", "d", "e"]
    results = await asyncio.gather(
        *(
            bot.service.handle(Command(sender=sender(who), name="pair", args=code))
            for who in contenders
        )
    )
    winners = [
        who
        for who, replies in zip(contenders, results, strict=True)
        if "paired with" in texts_of(replies)
    ]
    assert len(winners) == 1
    async with bot.service.db.session() as session:
        couples = (await session.exec(select(Couple))).all()
        assert len(couples) == 1
        paired = (
            await session.exec(select(Member).where(col(Member.couple_id).is_not(None)))
        ).all()
        assert sorted(m.user_id for m in paired) == sorted(["a", winners[0]])


async def test_one_person_redeemed_through_two_codes_at_once_joins_one_couple(bot: Harness) -> None:
    code_a1 = await make_code(bot, "a")
    code_a2 = await make_code(bot, "a")
    await asyncio.gather(
        bot.service.handle(Command(sender=sender("b"), name="pair", args=code_a1)),
        bot.service.handle(Command(sender=sender("c"), name="pair", args=code_a2)),
    )
    async with bot.service.db.session() as session:
        paired = (
            await session.exec(select(Member).where(col(Member.couple_id).is_not(None)))
        ).all()
        assert len(paired) == 2
        assert len({m.couple_id for m in paired}) == 1


# "That's not my partner" ----------------------------------------------------------------


def not_my_partner_button(bot: Harness, who: str = "a") -> str:
    """The data of the undo button under the inviter's "You're now paired" message."""
    [data] = [
        button.data
        for out in bot.channel.sent
        if out.to.chat_id == who and "You're now paired" in out.text
        for row in out.buttons
        for button in row
        if button.label == "That's not my partner"
    ]
    return data


async def test_the_inviter_is_shown_the_joiners_handle_and_an_undo_button(bot: Harness) -> None:
    code = await make_code(bot, "a")
    joiner = Sender(
        channel="test", user_id="b", chat_id="b", display_name="Sam", handle="@sam_for_real"
    )
    [reply] = await bot.send(Command(sender=joiner, name="pair", args=code))
    assert "paired with Alex" in reply.text
    assert not reply.buttons  # the joiner has nothing to undo
    [told] = [out for out in bot.channel.sent if out.to.chat_id == "a" and "paired" in out.text]
    assert "paired with Sam (@sam_for_real)" in told.text
    assert not_my_partner_button(bot).startswith("notme:")


async def test_without_a_handle_the_inviter_still_gets_the_undo_button(bot: Harness) -> None:
    await bot.pair()
    [told] = [out for out in bot.channel.sent if out.to.chat_id == "a" and "paired" in out.text]
    assert "paired with Sam 💞" in told.text
    assert not_my_partner_button(bot)


async def test_not_my_partner_undoes_a_fresh_pairing_and_keeps_nothing_of_it(
    bot: Harness,
) -> None:
    await bot.say("b", "/pair")  # an invite b made before joining: not the couple's
    await bot.pair("a", "b")
    data = not_my_partner_button(bot)
    await bot.say("a", "/checkin")
    await bot.say("a", "something only my partner may read")
    await bot.say("b", "/appreciate you found me")
    await bot.say("b", "/goal a walk on Sundays")
    await bot.say("b", "/win we paired")
    owned = (Couple, Conversation, Answer, Appreciation, Goal, Win, PromptUse, Schedule)
    async with bot.service.db.session() as session:
        for table in owned:  # there was something of the couple's to erase
            assert (await session.exec(select(func.count()).select_from(table))).one() > 0, table
    bot.channel.clear()
    [done] = await bot.send(ButtonPress(sender=sender("a", "Alex"), data=data))
    assert "undone" in done.text
    assert "/pair" in done.text
    [told] = bot.channel.to("b")
    assert "undone by the person who made the invite" in told
    assert "new invite" in told
    async with bot.service.db.session() as session:
        members = (await session.exec(select(Member))).all()
        assert all(m.couple_id is None and m.current_conversation_id is None for m in members)
        for table in owned:
            assert (await session.exec(select(func.count()).select_from(table))).one() == 0, table
        deliveries = (await session.exec(select(Delivery))).all()
        assert [(d.member_id, d.kind) for d in deliveries] == [
            (m.id, "unpaired") for m in members if m.user_id == "b"
        ]
        assert (await session.exec(select(func.count()).select_from(Invite))).one() == 1
    # Both can start again: the inviter with a new invite, the joiner with someone else's.
    await bot.pair("a", "c")
    await bot.pair("d", "b")


async def test_only_the_inviter_of_a_still_active_couple_can_undo_it(bot: Harness) -> None:
    await bot.pair("a", "b")
    data = not_my_partner_button(bot)
    await bot.pair("c", "d")
    for who in ("b", "c", "d"):  # the joiner, and strangers with a forged button
        [reply] = await bot.send(ButtonPress(sender=sender(who), data=data))
        assert "expired" in reply.text
    [reply] = await bot.send(ButtonPress(sender=sender("a", "Alex"), data="notme:nonsense"))
    assert "expired" in reply.text
    async with bot.service.db.session() as session:
        paired = await session.exec(select(func.count()).where(col(Member.couple_id).is_not(None)))
        assert paired.one() == 4
    # Once the pairing has ended another way, the button does nothing either.
    [ask] = await bot.say("a", "/unpair")
    await bot.send(ButtonPress(sender=sender("a", "Alex"), data=ask.buttons[0][0].data))
    [reply] = await bot.send(ButtonPress(sender=sender("a", "Alex"), data=data))
    assert "expired" in reply.text
    async with bot.service.db.session() as session:
        assert (await session.exec(select(func.count()).select_from(Couple))).one() == 2


async def test_pressed_twice_the_undo_happens_once(bot: Harness) -> None:
    await bot.pair("a", "b")
    data = not_my_partner_button(bot)
    bot.channel.clear()
    press = ButtonPress(sender=sender("a", "Alex"), data=data)
    await bot.send(press)
    [again] = await bot.send(press)
    assert "expired" in again.text
    assert len(bot.channel.to("b")) == 1


async def test_after_24_hours_the_button_points_to_unpair_instead(bot: Harness) -> None:
    await bot.pair("a", "b")
    data = not_my_partner_button(bot)
    bot.clock.advance(timedelta(hours=24, seconds=1))
    bot.channel.clear()
    [reply] = await bot.send(ButtonPress(sender=sender("a", "Alex"), data=data))
    assert "/unpair" in reply.text
    assert bot.channel.to("b") == []
    async with bot.service.db.session() as session:
        paired = await session.exec(select(func.count()).where(col(Member.couple_id).is_not(None)))
        assert paired.one() == 2
