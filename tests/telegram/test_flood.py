"""A member who floods the bot: a few replies, nothing lost, nobody else held up."""

from __future__ import annotations

import asyncio
import time

from tests.telegram.test_end_to_end import ALEX, CHRIS, SAM, Running


async def test_fifty_messages_get_a_few_replies_and_the_last_answer_counts(bot: Running) -> None:
    api = bot.api
    await bot.paired()
    await bot.say(ALEX, "/checkin", "Tonight's check-in")
    before = len(api.messages(ALEX))
    for i in range(1, 51):
        api.send_text(ALEX, f"answer number {i}")
    presses_before = sum(m == "answerCallbackQuery" for m, _ in api.calls)
    prompt_id = next(m["message_id"] for m in api.messages(ALEX) if "check-in" in (m["text"] or ""))
    for _ in range(20):
        api.press(ALEX, prompt_id, "skip:999999", strict=False)
    # Someone else writes in the middle of the flood and is answered promptly.
    started = time.monotonic()
    api.send_text(CHRIS, "/help")
    await bot.until(lambda: any("Here's what I can do" in t for t in bot.texts(CHRIS)), within=10)
    chris_waited = time.monotonic() - started
    await bot.until(lambda: not api.pending_updates, within=30)
    # Every press is acknowledged once its turn comes (after Alex's fifty answers).
    await bot.until(
        lambda: sum(m == "answerCallbackQuery" for m, _ in api.calls) >= presses_before + 20,
        within=30,
    )
    await asyncio.sleep(0.2)
    replies = api.messages(ALEX)[before:]
    assert len(replies) <= 5, [m["text"] for m in replies]
    assert chris_waited < 3.0
    # Chris was answered while Alex's flood was still being worked through (in order).
    methods = [(m, p.get("chat_id")) for m, p in api.calls]
    chris_reply = methods.index(("sendMessage", CHRIS))
    last_press = max(i for i, (m, _) in enumerate(methods) if m == "answerCallbackQuery")
    assert chris_reply < last_press
    # Nothing Alex sent as an answer was lost: the last one is the one Sam sees.
    await bot.say(SAM, "my answer", "Alex's answer")
    reveal = next(t for t in bot.texts(SAM) if "Alex's answer" in t)
    assert "answer number 50" in reveal
