"""The bot SIGKILLed again and again in the middle of a 500-couple fan-out, and `python -m bot`
started while prompts are due: nothing is lost, nothing crashes."""

from __future__ import annotations

import asyncio
import random
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

import pytest

from bot.db import Database
from bot.outbox_worker import SEND_WINDOW
from tests.helpers.faults import (
    KILL_SEED,
    BotProcess,
    at_least,
    bot_env,
    called_since,
    delivery_statuses,
    evening_counts,
    expire_leases,
    is_evening_prompt,
    make_due,
    pending_deliveries,
    populate_couples,
    rendered,
    wait_until,
)
from tests.helpers.telegram.fake_bot_api import FakeBotApi

FAN_OUT_COUPLES = 500
KILLS = 10


@pytest.mark.timeout(170)
async def test_sigkill_ten_times_during_a_500_couple_fan_out_loses_no_prompt(
    database_url: str, api: FakeBotApi, tmp_path: Path
) -> None:
    """Promise: every member gets the evening prompt exactly once, except that a kill can
    repeat the messages the dead process had sent but not yet marked: at most SEND_WINDOW
    (bot/outbox_worker.py: the sends under way at once, each marked before its place in the
    window sends again). `python -m bot` runs on the real clock, and is SIGKILLed 10 times
    at seeded random points of the fan-out (the instant the k-th member's prompt reaches the
    API, so that each kill lands between a send and its mark), then left to finish.

    The outbox claims with a 2-minute lease; a restarted process would wait that long for the
    rows the dead one held. Between a kill and the restart (no process alive, so no live
    claim) the test expires those leases in the database, which is exactly what the clock
    would do after 2 minutes (see `expire_leases`).

    The prompts come due while the first process runs (a process started while they are
    already due crashes: see the catch-up test below)."""
    db = Database(database_url)
    await db.migrate()
    await db.dispose()
    now = datetime.now(UTC)
    chats = await populate_couples(
        database_url,
        api,
        couples=FAN_OUT_COUPLES,
        first_id=1,
        first_user=1_000_001,
        due_at=now + timedelta(days=1),
        now=now,
    )
    members = len(chats)
    bot = BotProcess("bot", bot_env(api, database_url), tmp_path)

    def reached() -> int:
        return sum(1 for chat in chats if api.send_times.get(chat))

    rng = random.Random(KILL_SEED)
    targets = sorted(rng.sample(range(10, members - 20), KILLS))
    kills: list[dict[str, Any]] = []
    received = dict.fromkeys(chats, 0)
    started = time.monotonic()
    try:
        for number, target in enumerate(targets, 1):
            calls = len(api.calls)
            await bot.start()
            if number == 1:
                await wait_until(
                    partial(called_since, api, calls, "getUpdates"),
                    within=30,
                    processes=[bot],
                    what="the bot polling",
                )
                due = datetime.now(UTC) - timedelta(minutes=1)
                assert (
                    await make_due(database_url, range(1, members + 1), "evening", due) == members
                )
            await wait_until(
                partial(at_least, reached, target),
                within=60,
                processes=[bot],
                what=f"{target} members reached before kill {number}",
                api=api,
            )
            at_kill = reached()
            await bot.kill()
            # A request already on the wire when the process died is still served by the API.
            await asyncio.sleep(0.3)
            unsent = await pending_deliveries(database_url, "evening")
            now_received = {chat: len(api.send_times.get(chat, ())) for chat in chats}
            # Sent by the process just killed (received since the last kill), not marked.
            sent_not_marked = sorted(
                chat for chat, _ in unsent if now_received[chat] > received[chat]
            )
            received = now_received
            expired = await expire_leases(database_url, datetime.now(UTC))
            kills.append(
                {
                    "kill": number,
                    "target": target,
                    "reached": at_kill,
                    "pending": len(unsent),
                    "leases_expired": expired,
                    "sent_not_marked": sent_not_marked,
                }
            )
        await bot.start()
        await wait_until(
            lambda: reached() == members,
            within=60,
            processes=[bot],
            what="every member reached after the last restart",
        )
        # The evening prompts, not whatever else came due meanwhile on the real clock (every
        # member's pinned status at 00:00 UTC, their zone: 1,000 of them take 33 s at 30/s).
        assert await pending_deliveries(database_url, "evening", within=20) == []
        await asyncio.sleep(1.0)  # anything doubled would have arrived by now
        assert await bot.terminate() == 0, bot.log_tail()
    finally:
        await bot.close()
    elapsed = time.monotonic() - started

    counts = evening_counts(api, chats)
    extra = Counter({chat: n - 1 for chat, n in counts.items() if n > 1})
    explained = Counter(chat for kill in kills for chat in kill["sent_not_marked"])
    for kill in kills:
        print(
            f"kill {kill['kill']:2d}: at {kill['reached']:4d}/{members} reached, "
            f"{kill['pending']:4d} pending, {kill['leases_expired']:4d} leases expired, "
            f"sent but not marked: {len(kill['sent_not_marked'])}"
        )
    print(
        f"{FAN_OUT_COUPLES} couples, {KILLS} SIGKILLs survived in {elapsed:.1f} s; "
        f"{sum(counts.values())} prompts for {members} members, {sum(extra.values())} repeated"
    )
    missing = sorted(chat for chat in chats if counts[chat] == 0)
    assert not missing, f"{len(missing)} members never got the evening prompt: {missing[:10]}"
    assert await delivery_statuses(database_url, "evening") == Counter({"sent": members})
    assert extra == explained, (
        f"repeats not explained by a kill: {extra - explained}; explained but absent: "
        f"{explained - extra}"
    )
    per_kill = [len(kill["sent_not_marked"]) for kill in kills]
    assert max(per_kill) <= SEND_WINDOW, (
        f"a kill repeated more than {SEND_WINDOW} messages (the outbox promises at most its "
        f"window of sends under way): {per_kill}"
    )
    for chat in chats:
        assert all(is_evening_prompt(text) for text in rendered(api, chat)), chat


async def test_python_m_bot_started_while_prompts_are_due_catches_up_instead_of_crashing(
    api: FakeBotApi, tmp_path: Path
) -> None:
    """Promise (bot/runner.py, "catch up at once after a restart"): a process started while
    evening prompts are due (restarted during the evening, or after its predecessor was
    killed in the middle of a tick) sends them and keeps running."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}"
    db = Database(url)
    await db.migrate()
    await db.dispose()
    now = datetime.now(UTC)
    chats = await populate_couples(
        url,
        api,
        couples=2,
        first_id=1,
        first_user=2_000_001,
        due_at=now - timedelta(minutes=1),
        now=now,
    )
    bot = BotProcess("bot", bot_env(api, url), tmp_path)
    try:
        await bot.start()
        await wait_until(
            lambda: all(evening_counts(api, chats).values()),
            within=30,
            processes=[bot],
            what="the prompts due at start",
        )
        await asyncio.sleep(1.0)
        bot.check_alive()
        assert await bot.terminate() == 0, bot.log_tail()
    finally:
        await bot.close()
    assert evening_counts(api, chats) == Counter(dict.fromkeys(chats, 1))
