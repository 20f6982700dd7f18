"""Packs a couple opts into (issue #15, item 3): each partner chooses in /settings → Packs; a
pack is on only while both chose it; its prompts then come first; the 36 questions go in order,
one each curiosity evening; intimacy stays private (nobody is told who chose or who left)."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlmodel import col, select

from bot.core import packs
from bot.core.events import ButtonPress, Outgoing
from bot.core.models import Conversation, Couple, PackChoice
from bot.core.prompts import Use, Want, choose_many
from tests.helpers.service import LIBRARY, Harness, sender

NAMES = {"a": "Alex", "b": "Sam"}


async def paired(bot: Harness) -> int:
    for who in ("a", "b"):
        await bot.say(who, "/timezone Europe/Berlin")
    await bot.pair()
    bot.channel.clear()
    async with bot.service.db.session() as session:
        couple = (await session.exec(select(Couple))).one()
    assert couple.id is not None
    return couple.id


async def press(bot: Harness, who: str, data: str) -> list[Outgoing]:
    return await bot.send(ButtonPress(sender=sender(who, NAMES[who]), data=data))


async def on(bot: Harness, couple_id: int) -> frozenset[str]:
    async with bot.service.db.session() as session:
        return (await packs.packs_on(session, [couple_id])).get(couple_id, frozenset())


def to(bot: Harness, who: str) -> list[Outgoing]:
    return [out for out in bot.channel.sent if out.to.chat_id == who]


async def test_settings_open_the_packs_and_a_pack_starts_when_both_join(bot: Harness) -> None:
    couple_id = await paired(bot)
    [settings] = await bot.say("a", "/settings")
    data = [b.data for row in settings.buttons for b in row]
    assert f"set:packs:{couple_id}" in data
    [menu] = await press(bot, "a", f"set:packs:{couple_id}")
    assert "Playful" in menu.text
    assert "starts only when you both turn it on" in menu.text
    labels = [b.label for row in menu.buttons for b in row]
    assert "⬜ Playful" in labels  # off by default

    replies = await press(bot, "a", f"pack:playful:{couple_id}")
    assert "you're in; it starts when Sam turns it on too" in replies[-1].text
    assert await on(bot, couple_id) == frozenset()  # one choice is not enough
    [invite] = to(bot, "b")
    assert "Alex turned on the “Playful” pack" in invite.text
    [[join]] = invite.buttons
    assert join.data == f"packjoin:playful:{couple_id}"
    [sam_menu] = await press(bot, "b", f"set:packs:{couple_id}")
    assert "Sam" not in sam_menu.text
    assert "Alex would like to try it" in sam_menu.text

    bot.channel.clear()
    replies = await press(bot, "b", join.data)
    assert "is on for you both now" in replies[0].text
    assert "on for you both ✅" in replies[-1].text
    assert any("is on for you both now" in out.text for out in to(bot, "a"))
    assert await on(bot, couple_id) == frozenset({"playful"})

    bot.channel.clear()  # leaving says nothing to the partner; the pack is off for both
    replies = await press(bot, "a", f"pack:playful:{couple_id}")
    assert "is off for you" in replies[0].text
    assert to(bot, "b") == []
    assert await on(bot, couple_id) == frozenset()


async def test_intimacy_is_private_to_each_partner(bot: Harness) -> None:
    couple_id = await paired(bot)
    replies = await press(bot, "a", f"pack:intimacy:{couple_id}")
    assert "you're in; it starts only if you both are" in replies[-1].text
    assert to(bot, "b") == []  # no invitation: nobody is asked
    [sam_menu] = await press(bot, "b", f"set:packs:{couple_id}")
    intimacy = next(line for line in sam_menu.text.splitlines() if "Intimacy" in line)
    assert "Alex" not in intimacy  # Alex's choice is not shown to Sam
    assert "⬜ Intimacy" in [b.label for row in sam_menu.buttons for b in row]
    await press(bot, "b", f"pack:intimacy:{couple_id}")
    assert await on(bot, couple_id) == frozenset({"intimacy"})

    bot.channel.clear()
    await press(bot, "b", f"pack:intimacy:{couple_id}")  # Sam leaves, without a word to Alex
    assert to(bot, "a") == []
    assert await on(bot, couple_id) == frozenset()
    [alex_menu] = await press(bot, "a", f"set:packs:{couple_id}")
    intimacy = next(line for line in alex_menu.text.splitlines() if "Intimacy" in line)
    assert "Sam" not in intimacy
    assert "starts only if you both are" in intimacy


async def test_a_pack_on_comes_first_and_none_without_both(bot: Harness) -> None:
    couple_id = await paired(bot)
    playful = {p.id for p in LIBRARY.of_pack("playful")}
    uses = {Use(couple_id, "curiosity", f"2027-01-{day:02d}"): Want(depth=1) for day in (1, 2)}
    await press(bot, "a", f"pack:playful:{couple_id}")
    async with bot.service.db.session() as session:
        chosen = await choose_many(session, LIBRARY, uses)
    assert not {p.id for p in chosen.values()} & playful  # only one partner chose it
    await press(bot, "b", f"pack:playful:{couple_id}")
    async with bot.service.db.session() as session:
        chosen = await choose_many(session, LIBRARY, uses)
    assert {p.id for p in chosen.values()} <= playful  # the pack's prompts first


async def test_the_thirty_six_questions_come_in_order_on_curiosity_evenings(
    bot: Harness,
) -> None:
    couple_id = await paired(bot)
    for who in ("a", "b"):
        await press(bot, who, f"pack:thirty-six:{couple_id}")
    series = [p.id for p in LIBRARY.of_pack("thirty-six")]
    for _ in range(21):  # three weeks of evenings, both answering
        now = bot.clock.now()
        evening = now.replace(hour=19, minute=45)
        await bot.advance((evening if evening > now else evening + timedelta(days=1)) - now)
        for who in ("a", "b"):
            await bot.say(who, "my answer")
    async with bot.service.db.session() as session:
        rows = (
            await session.exec(
                select(Conversation)
                .where(Conversation.kind == "curiosity")
                .order_by(col(Conversation.day))
            )
        ).all()
    assert len(rows) >= 8  # Mon, Wed, Fri
    assert [r.prompt_id for r in rows] == series[: len(rows)]
    depths = {p.id: p.depth for p in LIBRARY.of_pack("thirty-six")}
    assert all(r.depth == depths[r.prompt_id] for r in rows)  # each set's own depth


async def test_pack_choices_are_exported_and_erased(bot: Harness) -> None:
    couple_id = await paired(bot)
    await press(bot, "a", f"pack:long-distance:{couple_id}")
    [export] = await bot.say("a", "/export")
    assert export.attachment is not None
    assert json.loads(export.attachment.data)["packs_chosen"] == ["long-distance"]
    [ask] = await bot.say("a", "/deletemydata")
    erase = next(b.data for row in ask.buttons for b in row if b.data.startswith("erase:yes"))
    await press(bot, "a", erase)
    async with bot.service.db.session() as session:
        assert (await session.exec(select(PackChoice))).all() == []
