"""The beat's table of rhythms (`bot.core.beat.compose.COMPOSERS`)."""

from __future__ import annotations

from bot.core.beat.compose import COMPOSERS
from bot.core.rhythm import ONE_SHOT, RHYTHMS
from bot.core.status import KIND as STATUS


def test_every_rhythm_a_schedule_row_can_hold_has_a_composer() -> None:
    # The status line is no message: `bot/core/beat/status.py` records it, not a composer.
    assert {*COMPOSERS, STATUS} == {*RHYTHMS, *ONE_SHOT, "reminder"}
    assert STATUS not in COMPOSERS
