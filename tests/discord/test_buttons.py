"""Button presses: handled by custom id in on_interaction (stateless: no view is kept), the
pressed buttons edited away, the answer sent as followups; stale or forged ids get the core's
short answer, never an error."""

from __future__ import annotations

from sqlmodel import select

from bot.channels.discord.render import ButtonsView
from bot.channels.reply_budget import ReplyBudget
from bot.core import texts
from bot.core.models import Member
from tests.helpers.discord import Dc, custom_ids


async def test_a_pressed_button_is_edited_away_and_acted_on(dc: Dc) -> None:
    start = await dc.command(dc.alex, "start")
    [picker] = start.fake_followup.sent
    assert isinstance(picker["view"], ButtonsView)
    assert picker["view"].timeout is None
    assert "tz:Europe/Berlin" in custom_ids(picker)

    pressed = await dc.press(dc.alex, "tz:Europe/Berlin")
    assert pressed.fake_response.calls == [("edit_message", {"view": None})]
    [answer] = pressed.fake_followup.texts
    assert "Europe/Berlin" in answer
    async with dc.service.db.session() as session:
        alex = (await session.exec(select(Member))).one()
    assert alex.timezone == "Europe/Berlin"


async def test_buttons_work_without_any_view_in_memory(dc: Dc) -> None:
    await dc.command(dc.alex, "start")
    # discord.py's view store was never given our views: presses survive a restart.
    assert not dc.client._connection._view_store.persistent_views
    assert not dc.client._connection._view_store._views
    pressed = await dc.press(dc.alex, "tz:Asia/Tokyo")
    assert "Asia/Tokyo" in pressed.fake_followup.texts[0]


async def test_unpair_by_button_tells_the_partner(dc: Dc) -> None:
    await dc.command(dc.alex, "timezone", zone="Berlin")
    await dc.command(dc.sam, "timezone", zone="Berlin")
    invite = await dc.command(dc.alex, "pair")
    code = invite.fake_followup.texts[0].split("invite for your partner: ", 1)[1].split()[0]
    await dc.command(dc.sam, "pair", code=code)
    ask = await dc.command(dc.alex, "unpair")
    [confirm] = ask.fake_followup.sent
    yes = next(i for i in custom_ids(confirm) if i.startswith("unpair:yes"))
    pressed = await dc.press(dc.alex, yes)
    assert any("You're unpaired" in t for t in pressed.fake_followup.texts)
    assert any("ended your pairing" in t for t in dc.texts_to(dc.sam))


async def test_a_forged_or_stale_button_gets_the_short_answer(dc: Dc) -> None:
    for forged in ("unpair:yes:424242", "nonsense", "", "x" * 100, "hug:1:2026-12-01"):
        dc.handlers.budget = ReplyBudget()  # the same reply twice within 10 s is left out
        pressed = await dc.press(dc.alex, forged)
        assert pressed.fake_response.calls == [("edit_message", {"view": None})]
        assert pressed.fake_followup.texts == [texts.STALE_BUTTON]
    again = await dc.press(dc.alex, "nonsense")
    assert again.fake_followup.texts == []  # at once again: not repeated (flood guard)


async def test_other_interactions_are_left_to_the_command_tree(dc: Dc) -> None:
    ping = dc.interaction(dc.alex, type=1)
    await dc.client.on_interaction(ping)
    assert ping.fake_response.calls == []


def test_a_menu_shown_again_with_other_buttons_is_a_new_reply() -> None:
    """Pressing a /settings switch shows the menu again: the same words, other buttons. That
    is not the same reply (it was left out, and the person was left without buttons)."""
    from bot.core.events import Button, Outgoing, Recipient

    budget = ReplyBudget()
    to = Recipient(member_id=1, channel="discord", chat_id="1")
    on = Outgoing(to=to, text="Your settings:", buttons=((Button("✅ Check-ins", "set:1"),),))
    off = Outgoing(to=to, text="Your settings:", buttons=((Button("⬜ Check-ins", "set:1"),),))
    assert budget.allow_reply(on)
    assert budget.allow_reply(off)
    assert not budget.allow_reply(off)  # the very same reply twice within 10 s
