"""A new platform is one folder: the toy platform in tests/toy_platform/ is found through the
PLATFORMS setting and runs under `bot.runner.run` (its own settings, checks, secrets, loggers,
send limits, channel and runner) with no change anywhere else."""

from __future__ import annotations

import asyncio
import logging
import subprocess
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr

from bot import runner
from bot.clock import MovableClock
from bot.config import Settings
from tests.helpers.service import START
from tests.helpers.toy_platform import PLATFORM as TOY
from tests.helpers.toy_platform.parts import ToyChannel, ToyRunner

TOY_TOKEN = "toy-token-for-tests"
HERE = "tests.helpers.toy_platform"


def toy_settings(tmp_path: Path, **values: Any) -> Settings:
    # Other platforms' tokens are left to the environment; a test machine sets none.
    return Settings(
        _env_file=None,
        platforms=HERE,
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}",
        tick_seconds=0.1,
        **values,
    )


async def until(condition: Callable[[], bool], within: float = 10.0) -> None:
    for _ in range(int(within / 0.02)):
        if condition():
            return
        await asyncio.sleep(0.02)
    raise AssertionError("timed out")


def test_the_toy_is_found_by_its_module_path_and_declares_itself(tmp_path: Path) -> None:
    settings = toy_settings(tmp_path, toy_token=SecretStr(TOY_TOKEN))
    assert "toy" in settings.channels
    assert TOY_TOKEN in settings.secrets
    assert "toy" not in toy_settings(tmp_path).channels  # no token, not run
    assert "toy" not in Settings(_env_file=None, toy_token=SecretStr(TOY_TOKEN)).channels
    problem = runner.check_settings(toy_settings(tmp_path, toy_token=SecretStr("short")))
    assert problem == "TOY_TOKEN must be at least 8 characters long."


async def test_a_toy_platform_runs_events_in_and_replies_and_prompts_out(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(TOY, "channels", [])
    monkeypatch.setattr(TOY, "runners", [])
    clock = MovableClock(START)
    stop = asyncio.Event()
    settings = toy_settings(tmp_path, toy_token=SecretStr(TOY_TOKEN))
    task = asyncio.create_task(runner.run(settings, clock=clock, stop=stop, handle_signals=False))
    await until(lambda: (bool(TOY.runners) and TOY.runners[0].running) or task.done())
    assert not task.done(), "the bot stopped while starting"
    try:
        [channel], [toy] = TOY.channels, TOY.runners
        assert isinstance(channel, ToyChannel)
        assert isinstance(toy, ToyRunner)
        assert logging.getLogger("toy.library").level >= logging.WARNING
        alex, sam = toy.sender("1", "Alex"), toy.sender("2", "Sam")

        await toy.say(alex, "/start")
        assert any("Hi Alex" in t for t in channel.texts("1"))  # a direct reply
        await toy.say(alex, "Berlin")
        await toy.say(sam, "/start")
        await toy.say(sam, "Berlin")
        assert any("Europe/Berlin" in t for t in channel.texts("2"))
        code = next(out.invite_code for out in await toy.say(alex, "/pair") if out.invite_code)
        await toy.say(sam, f"/pair {code}")
        assert any("paired with Alex" in t for t in channel.texts("2"))
        # Alex hears of it through the outbox, woken by the runner.
        await until(lambda: any("paired with Sam" in t for t in channel.texts("1")))

        clock.set(datetime(2026, 12, 1, 19, 31, tzinfo=UTC))  # 20:31 in Berlin

        def prompted(chat: str) -> bool:
            return any("Tonight's check-in" in t for t in channel.texts(chat))

        # The beat's prompt, sent by the outbox through the toy channel.
        await until(lambda: prompted("1") and prompted("2"))
        await asyncio.sleep(0.3)  # anything doubled would have arrived by now
        for chat in ("1", "2"):
            assert sum("Tonight's check-in" in t for t in channel.texts(chat)) == 1
    finally:
        stop.set()
        assert await asyncio.wait_for(task, 30) == 0
    assert not toy.running


def test_finding_the_platforms_loads_no_chat_library() -> None:
    """Each platform's declaration is light: its library loads only when it is built."""
    script = (
        "import sys; from bot.config import Settings; "
        "s = Settings(_env_file=None); s.channels; s.secrets; "
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'telegram', 'discord'}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
