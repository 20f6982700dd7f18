"""Apart and together (issue #12): `/apart [until DATE]`, `/together`, the settings button, and
affection and date ideas that fit where the couple is."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.core.events import ButtonPress
from tests.helpers.service import LIBRARY, Harness, sender

START = datetime(2026, 12, 1, 15, 0, tzinfo=UTC)  # a Tuesday


async def paired(bot: Harness, zone_a: str = "Europe/Berlin", zone_b: str = "Asia/Tokyo") -> None:
    bot.clock.set(START)
    for who, zone in (("a", zone_a), ("b", zone_b)):
        await bot.say(who, "/start")
        await bot.say(who, f"/timezone {zone}")
    await bot.pair()
    bot.channel.clear()


def ideas_sent(bot: Harness) -> list[str]:
    """The `where` of every affection and date idea sent so far."""
    by_text = {p.text: p for p in LIBRARY.prompts.values() if p.kind in ("affection", "date")}
    wheres: list[str] = []
    for out in bot.channel.sent:
        for line in out.text.split("\n"):
            if line in by_text:
                wheres.append(by_text[line].where)
    return wheres


async def test_apart_and_together_tell_both(bot: Harness) -> None:
    await paired(bot)
    [done] = await bot.say("a", "/apart")
    assert "apart for now" in done.text
    assert any("Alex let me know you two are apart" in text for text in bot.channel.to("b"))
    [settings] = await bot.say("b", "/settings")
    assert "Apart for now" in settings.text
    [back] = await bot.say("b", "/together")
    assert "Together again" in back.text
    assert any("Sam let me know you two are together" in text for text in bot.channel.to("a"))
    assert "already" in (await bot.say("a", "/together"))[0].text


async def test_apart_until_a_date_ends_by_itself_the_same_day_for_both(bot: Harness) -> None:
    await paired(bot, "Asia/Tokyo", "America/New_York")
    [done] = await bot.say("a", "/apart until 2027-01-15")
    assert "until Fri 15 Jan" in done.text
    assert any("until Fri 15 Jan" in text for text in bot.channel.to("b"))
    bot.clock.set(datetime(2027, 1, 14, 12, 0, tzinfo=UTC))
    assert "Apart for now" in (await bot.say("a", "/settings"))[0].text
    bot.clock.set(datetime(2027, 1, 15, 12, 0, tzinfo=UTC))  # the 15th for both
    assert "Together:" in (await bot.say("a", "/settings"))[0].text
    assert "Together:" in (await bot.say("b", "/settings"))[0].text


async def test_bad_dates_get_a_kind_answer(bot: Harness) -> None:
    await paired(bot)
    for words in ("tomorrow", "until 2026-11-30", "until 2031-01-01", "0", "until 15/01"):
        [reply] = await bot.say("a", f"/apart {words}")
        assert "Try /apart" in reply.text, words
    assert "apart for now" in (await bot.say("a", "/apart 14"))[0].text
    assert not any("let me know" in t and "Try" in t for t in bot.channel.to("b"))


async def test_not_paired_gets_a_pointer_to_pair(bot: Harness) -> None:
    await bot.say("c", "/start")
    assert "/pair" in (await bot.say("c", "/apart"))[0].text


async def test_the_settings_button_switches_between_apart_and_together(bot: Harness) -> None:
    await paired(bot)
    [settings] = await bot.say("a", "/settings")
    [button] = [b for row in settings.buttons for b in row if "Apart" in b.label]
    assert button.label.startswith("⬜")
    replies = await bot.send(ButtonPress(sender=sender("a", "Alex"), data=button.data))
    assert any("apart for now" in r.text for r in replies)
    [again] = [b for r in replies for row in r.buttons for b in row if "Apart" in b.label]
    assert again.label.startswith("✅")
    replies = await bot.send(ButtonPress(sender=sender("a", "Alex"), data=again.data))
    assert any("Together again" in r.text for r in replies)
    forged = again.data.rsplit(":", 1)[0] + ":999"
    [stale] = await bot.send(ButtonPress(sender=sender("a", "Alex"), data=forged))
    assert "expired" in stale.text or "old" in stale.text


async def test_ideas_fit_where_the_couple_is(bot: Harness) -> None:
    await paired(bot)
    await bot.say("a", "/apart")
    bot.channel.clear()
    await bot.advance(timedelta(weeks=4))
    apart = ideas_sent(bot)
    assert len(apart) >= 10
    assert "together" not in apart
    assert "apart" in apart
    await bot.say("b", "/together")
    bot.channel.clear()
    await bot.advance(timedelta(weeks=4))
    together = ideas_sent(bot)
    assert len(together) >= 10
    assert "apart" not in together
