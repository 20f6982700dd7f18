"""The beat's table of rhythms (`bot.core.beat.compose.COMPOSERS`)."""

from __future__ import annotations

from bot.core.beat.compose import COMPOSERS
from bot.core.rhythm import ONE_SHOT, RHYTHMS


def test_every_rhythm_a_schedule_row_can_hold_has_a_composer() -> None:
    assert set(COMPOSERS) == {*RHYTHMS, *ONE_SHOT, "reminder"}
