"""Logs are structured, carry member ids, and never a partner's words or a token — even at
DEBUG, through a full scenario on the real Telegram stack."""

from __future__ import annotations

import asyncio
import io
import json
import logging
from datetime import UTC, datetime
from typing import Any

from bot import logs
from tests.helpers.telegram.fake_bot_api import FakeBotApi
from tests.telegram.test_end_to_end import ALEX, SAM, TOKEN, start_bot

SECRET_WORDS = [
    "my grandmother's blue kitchen",
    "the smell of rain on the balcony",
    "thank you for the quiet morning",
    "we danced in the hallway",
    "hike the whole coast together",
]


async def test_a_full_scenario_logs_ids_never_words_or_tokens(tmp_path: Any) -> None:
    root = logging.getLogger()
    saved_handlers, saved_level = root.handlers[:], root.level
    buffer = io.StringIO()
    logs.configure("DEBUG", "json", [TOKEN])
    handler = root.handlers[0]
    assert isinstance(handler, logging.StreamHandler)
    handler.setStream(buffer)
    api = FakeBotApi(token=TOKEN, bot_username="rekindle_test_bot")
    await api.start()
    api.user(ALEX, "Alex")
    api.user(SAM, "Sam")
    running = await start_bot(api, tmp_path, log_level="DEBUG", log_format="json")
    try:
        await running.paired()
        running.clock.set(datetime(2026, 12, 1, 19, 31, tzinfo=UTC))
        await running.until(lambda: running.count(SAM, "Tonight's check-in") == 1)
        await running.say(ALEX, SECRET_WORDS[0], "sealed")
        await running.say(SAM, SECRET_WORDS[1], "Alex's answer")
        await running.say(ALEX, f"/appreciate {SECRET_WORDS[2]}", "Sent to Sam")
        await running.say(SAM, f"/win {SECRET_WORDS[3]}", "Logged")
        await running.say(ALEX, f"/goal {SECRET_WORDS[4]}", "Added")
        api.block(SAM)
        await running.say(ALEX, "/appreciate one more, to a closed chat", "Sent to Sam")
        await running.until(lambda: running.count(ALEX, "can't reach Sam") == 1)
    finally:
        running.stop.set()
        await asyncio.wait_for(running.task, 30)
        await api.stop()
        root.handlers[:] = saved_handlers
        root.setLevel(saved_level)
    lines = [line for line in buffer.getvalue().splitlines() if line.strip()]
    assert len(lines) > 10
    records = [json.loads(line) for line in lines]  # every line is one JSON object
    assert all({"time", "level", "logger", "message"} <= set(r) for r in records)
    assert any("member" in r for r in records)  # ids, so an operator can follow one member
    text = buffer.getvalue()
    for words in SECRET_WORDS:
        assert words not in text
    assert TOKEN not in text
    assert TOKEN.split(":")[1] not in text
