"""Love maps (issue #16): "Still true?" callbacks quoting a member's own earlier answer, guessing
rounds revealing each partner's answer back then beside the other's guess, photo moments, and
the five switches. Ten weeks of evenings on the movable clock."""

from __future__ import annotations

import re
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import col, select

from bot.core import love_maps
from bot.core.conversations import prompt_text
from bot.core.events import ButtonPress, Media, MediaRef
from bot.core.models import Answer, Conversation, Couple
from tests.helpers.service import LIBRARY, Harness, sender

MONDAY = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
NAMES = {"a": "Alex", "b": "Sam"}
SAID = re.compile(r"“([ab])'s words on (\d\d-\d\d)”")


@pytest.fixture
def _sqlite_only(database_url: str) -> None:
    if not database_url.startswith("sqlite"):
        pytest.skip("weeks of evenings are about the rule, not the database")


async def paired(bot: Harness) -> int:
    bot.clock.set(MONDAY)
    for who in ("a", "b"):
        await bot.say(who, "/timezone Europe/Berlin")
    await bot.pair()
    bot.channel.clear()
    async with bot.service.db.session() as session:
        couple = (await session.exec(select(Couple))).one()
    assert couple.id is not None
    return couple.id


async def live(bot: Harness, days: int) -> None:
    """Evenings for `days` days: both answer every prompt, each in words of their own that
    name who wrote them and when."""
    seen = {"a": 0, "b": 0}
    for _ in range(days):
        now = bot.clock.now()
        evening = now.replace(hour=19, minute=45)
        await bot.advance((evening if evening > now else evening + timedelta(days=1)) - now)
        for who, before in seen.items():
            if len(bot.prompts_to(who)) > before:
                await bot.say(who, f"“{who}'s words on {bot.clock.now():%m-%d}”")
            seen[who] = len(bot.prompts_to(who))


def texts_to(bot: Harness, who: str, needle: str) -> list[str]:
    return [o.text for o in bot.channel.sent if o.to.chat_id == who and needle in o.text]


@pytest.mark.usefixtures("_sqlite_only")
async def test_ten_weeks_bring_callbacks_and_guessing_rounds(bot: Harness) -> None:
    await paired(bot)
    await live(bot, 70)
    for who, other in (("a", "b"), ("b", "a")):
        callbacks = texts_to(bot, who, "💭 Still true?")
        assert len(callbacks) >= 2, who
        for text in callbacks:
            quoted = SAID.findall(text)
            assert quoted, text  # the member's own earlier words, verbatim
            assert all(author == who for author, _ in quoted), text  # never the partner's
            assert NAMES[other] in text  # "… Sam sees it once you've both answered."
        assert len(set(callbacks)) == len(callbacks)  # never the same answer twice
        rounds = texts_to(bot, who, "🎲 A guessing round")
        assert len(rounds) >= 2, who
        assert not SAID.findall("".join(rounds))  # the question, without the answer
        reveals = texts_to(bot, who, "Your guess:")
        assert len(reveals) >= 2, who
        for text in reveals:
            theirs, _, rest = text.partition("Your guess:")
            # The partner's original answer, then the reader's own guess...
            assert [a for a, _ in SAID.findall(theirs)] == [other], text
            mine_guess, _, about_me = rest.partition("guessed you'd said:")
            assert [a for a, _ in SAID.findall(mine_guess)] == [who], text
            # ...then the partner's guess about the reader, and what the reader had said.
            their_guess, _, mine = about_me.partition("You'd said:")
            assert [a for a, _ in SAID.findall(their_guess)] == [other], text
            assert [a for a, _ in SAID.findall(mine)] == [who], text
            assert text.endswith("Close? Ask about it tonight.")
    async with bot.service.db.session() as session:
        rows = (await session.exec(select(Conversation))).all()
    kinds = Counter(r.kind for r in rows)
    assert 2 <= kinds["callback"] <= 10  # at most one a week
    assert 2 <= kinds["guess"] <= 10
    by_id = {r.id: r for r in rows}
    for row in rows:
        if row.kind in love_maps.KINDS:
            source = by_id[row.source_id]
            assert source.revealed_at is not None
            assert (datetime.fromisoformat(row.day) - datetime.fromisoformat(source.day)).days >= 28
    sources = [(r.kind, r.source_id) for r in rows if r.kind in love_maps.KINDS]
    assert len(set(sources)) == len(sources)
    assert kinds["photo"] >= 4  # every other Thursday


@pytest.mark.usefixtures("_sqlite_only")
async def test_switched_off_there_are_no_callbacks_rounds_photos_or_follow_ups(
    bot: Harness,
) -> None:
    couple_id = await paired(bot)
    [menu] = await bot.send(
        ButtonPress(sender=sender("b", "Sam"), data=f"set:lovemaps:{couple_id}")
    )
    labels = [b.label for row in menu.buttons for b in row]
    assert "✅ Guessing rounds" in labels
    for switch in ("callbacks_on", "guessing_on", "photos_on", "follow_ups_on"):
        await bot.send(ButtonPress(sender=sender("b", "Sam"), data=f"lm:{switch}:{couple_id}"))
    [menu] = await bot.send(
        ButtonPress(sender=sender("a", "Alex"), data=f"set:lovemaps:{couple_id}")
    )
    assert "⬜ Guessing rounds" in [b.label for row in menu.buttons for b in row]
    await live(bot, 42)
    async with bot.service.db.session() as session:
        kinds = Counter(r.kind for r in (await session.exec(select(Conversation))).all())
        couple = await session.get(Couple, couple_id)
    assert couple is not None
    assert not couple.follow_ups_on
    assert kinds["callback"] == kinds["guess"] == kinds["photo"] == 0
    everything = " ".join(o.text for o in bot.channel.sent)
    assert "Ask about it tonight" not in everything
    assert "Maybe take ten minutes together tonight" in everything  # no follow-ups, the warm line


async def an_earlier_meal(bot: Harness, couple_id: int) -> None:
    """A curiosity conversation five weeks back, both answered and revealed."""
    async with bot.service.db.session() as session:
        earlier = Conversation(
            couple_id=couple_id,
            day="2026-10-27",
            kind="curiosity",
            prompt_id="curiosity-comfort-meal",
            prompt_text={"en": "What meal feels like comfort to you, and why that one?"},
            depth=1,
            created_at=MONDAY - timedelta(days=34),
            revealed_at=MONDAY - timedelta(days=34),
        )
        session.add(earlier)
        await session.flush()
        for member_id, words in ((1, "lentil soup at my gran's"), (2, "ramen after rain")):
            session.add(
                Answer(
                    conversation_id=earlier.id,  # type: ignore[arg-type]
                    member_id=member_id,
                    text=words,
                    created_at=earlier.created_at,
                    updated_at=earlier.created_at,
                )
            )


async def test_a_callback_never_quotes_words_that_are_gone(bot: Harness) -> None:
    couple_id = await paired(bot)
    await an_earlier_meal(bot, couple_id)
    bot.clock.set(datetime(2026, 12, 1, 12, 0, tzinfo=UTC))  # a Tuesday
    await bot.say("a", "/checkin")
    [shown] = [o for o in bot.channel.sent if o.to.chat_id == "a" and "Still true?" in o.text]
    assert "In October 2026 you answered “What meal feels like comfort" in shown.text
    assert "“lentil soup at my gran's”" in shown.text
    assert "ramen" not in shown.text
    async with bot.service.db.session() as session:  # Sam's words there are erased
        for answer in (await session.exec(select(Answer).where(Answer.member_id == 2))).all():
            await session.delete(answer)
    async with bot.service.db.session() as session:
        callback = (
            await session.exec(select(Conversation).where(Conversation.kind == "callback"))
        ).one()
        source = (await love_maps.sources(session, [callback])).get(callback.id or 0)
    # Framed for Sam now: the question without a quote (nothing of Sam's is left to quote).
    for_sam = prompt_text(
        LIBRARY, callback, partner_name="Alex", reader_id=2, zone="Europe/Berlin", source=source
    )
    assert "What meal feels like comfort" in for_sam
    assert "ramen" not in for_sam
    assert "lentil" not in for_sam
    assert "Still true?" not in for_sam


def test_a_long_answer_is_quoted_up_to_200_characters_cut_at_a_word() -> None:
    words = "word " * 100
    quoted = love_maps.quoted(words)
    assert len(quoted) <= 200
    assert quoted.endswith("word…")
    assert love_maps.quoted("short  and\nsweet") == "short and sweet"


async def test_a_photo_moment_is_revealed_to_both_as_photos(bot: Harness) -> None:
    await paired(bot)
    bot.clock.set(datetime(2026, 12, 3, 12, 0, tzinfo=UTC))  # Thursday of an odd ISO week
    replies = await bot.say("a", "/checkin")
    assert any("📷 A photo moment:" in o.text for o in replies + bot.channel.sent)
    for who in ("a", "b"):
        photo = MediaRef(channel="test", kind="photo", ref=f"{who}-photo", caption=None)
        await bot.send(Media(sender=sender(who, NAMES[who]), media=photo))
    revealed = [o for o in bot.channel.sent if o.media is not None]
    assert {(o.to.chat_id, o.media.ref) for o in revealed} == {  # type: ignore[union-attr]
        ("a", "b-photo"),
        ("b", "a-photo"),
    }
    async with bot.service.db.session() as session:
        conversation = (
            await session.exec(select(Conversation).where(col(Conversation.kind) == "photo"))
        ).one()
    assert conversation.revealed_at is not None


async def test_love_maps_speak_each_partners_language(bot: Harness) -> None:
    couple_id = await paired(bot)
    await bot.say("b", "/language es")
    await an_earlier_meal(bot, couple_id)
    bot.clock.set(datetime(2026, 12, 1, 12, 0, tzinfo=UTC))  # a Tuesday: "Still true?"
    await bot.say("a", "/checkin")
    [to_sam] = [o.text for o in bot.channel.sent if o.to.chat_id == "b" and "💭" in o.text]
    assert to_sam.startswith("💭 ¿Sigue siendo así?\nEn octubre de 2026 respondiste a «")
    assert "«ramen after rain»" in to_sam
    await bot.say("a", "still soup")
    await bot.say("b", "sigue siendo ramen")
    bot.channel.clear()
    bot.clock.set(datetime(2026, 12, 5, 12, 0, tzinfo=UTC))  # a Saturday: a guessing round
    async with bot.service.db.session() as session:  # the callback came back to that meal
        used = (
            await session.exec(select(Conversation).where(Conversation.kind == "callback"))
        ).one()
    await bot.say("b", "/checkin")
    [round_b] = [o.text for o in bot.channel.sent if o.to.chat_id == "b" and "🎲" in o.text]
    assert round_b.startswith("🎲 Una ronda de adivinar:\n¿Qué crees que respondió Alex a «")
    await bot.say("a", "ramen?")
    await bot.say("b", "sopa")
    [shown] = [o.text for o in bot.channel.sent if o.to.chat_id == "b" and "Tu intento" in o.text]
    assert "Alex respondió a «¿Qué comida te reconforta, y por qué justo esa?» con:" in shown
    assert "lentil soup at my gran's" in shown  # Alex's answer back then
    assert "Tu intento: sopa" in shown
    assert "Alex creía que habías dicho: ramen?" in shown
    assert "Tú dijiste: ramen after rain" in shown
    assert used.source_id is not None
