"""Property-based fuzzing of the Telegram adapter (hypothesis).

One world per run: the real PTB application on the offline Bot API, the real service on a
SQLite file, three couples paired through real commands (each with an open evening question,
an answer, an appreciation, a goal, a someday item and a date asked), a few people on their
own, groups and a channel. Hypothesis then feeds well over a thousand generated updates through
`Application.process_update`: random and huge text, control and right-to-left characters, HTML
and Markdown, emoji, commands with junk arguments, buttons (the presser's own, their
partner's, another couple's, forged from templates, junk, replays), edited messages, media,
group and channel traffic, membership changes and updates missing optional fields. Scripts
often hold a couple's own life (an evening both answer, so their answers are revealed; an
appreciation, a goal, a win) and always end with one edge case (a command argument or a button
id at the edge of what parses); time passes and the scheduler runs between them. Scripts that
once broke the bot (`REGRESSIONS`) run first, as hypothesis's explicit examples.

After every update:

1. no handler raised (a recording error handler sits next to the adapter's own);
2. every text the bot sent is valid for Telegram (at most 4096 characters, escaped HTML, not
   blank) and kind: its own words, once everything the people of that chat typed is taken
   out, are short and hold no traceback, error class names, bare None or unformatted braces;
3. nobody is shown words typed by someone outside their couple (past partners count), in a
   message or an export; media is only copied within a couple; a private update makes the
   bot write only to that person and their partner; a button naming another couple's rows
   leaves every row of that couple exactly as it was;
4. a group, supergroup or channel gets at most one message (the goodbye) and is left.

The world lives on across examples (that is the point: replays, stale buttons, a couple that
unpaired; two people both on their own again are paired anew before the next script), so
shrinking could not replay a failure faithfully. Instead every distinct failure
(by kind, or by exception and the line of bot code that raised it) is collected with the
update that caused it, and the test fails at the end with all of them.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis.configuration import set_hypothesis_home_dir

from tests.telegram.fuzz.build import build_world, populate
from tests.telegram.fuzz.strategies import EXAMPLES, MIN_UPDATES, REGRESSIONS, scripts


def test_generated_updates_never_crash_leak_or_ramble(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # Failures are reported below, one of each kind: not a logged traceback for every one.
    caplog.set_level(logging.CRITICAL, logger="bot.channels.telegram.handlers")
    # Hypothesis keeps caches even without an example database: not in the repository.
    set_hypothesis_home_dir(tmp_path / ".hypothesis")
    with asyncio.Runner() as runner:
        world, db = runner.run(build_world(tmp_path))
        try:
            runner.run(populate(world))

            @settings(
                max_examples=EXAMPLES,
                deadline=None,
                database=None,
                derandomize=True,
                suppress_health_check=[
                    HealthCheck.too_slow,
                    HealthCheck.data_too_large,
                    HealthCheck.filter_too_much,
                ],
            )
            @given(scripts)
            def fuzz(script: list[Any]) -> None:
                runner.run(world.play(script))

            for script in REGRESSIONS:
                fuzz = example(script)(fuzz)
            fuzz()
        finally:
            runner.run(world.application.shutdown())
            runner.run(db.dispose())
            set_hypothesis_home_dir(None)
    if world.failures:
        pytest.fail(world.report(), pytrace=False)
    assert world.fed >= MIN_UPDATES, f"only {world.fed} updates were fed"
