"""How deep a curiosity evening goes: "start small", then a mix, never a ladder (CONTENT.md:
"Deep is a dose, not a diet").

A new couple's curiosity questions stay light (depth 1) until they have answered
`START_SMALL` together. After that each week (the couple-day's ISO week) mixes depths: its
first curiosity question is light, the next a middle one, then at most one deep one (depth 3),
the rest middle. The couple's `depth_mix` setting moves the dose: "deeper" allows two deep ones
a week (after the light one), "lighter" none and one middle one. "Too deep for now" makes the
mix lighter for `LIGHTER_FOR` (`Couple.lighter_until`). `curiosity_depth` is the one rule; it
reads the week's curiosity conversations already made, by depth (`depths_this_week` in
`bot.core.day_conversation` counts them for a batch of couple-days in one query)."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, timedelta

from bot.core.models import Couple

START_SMALL = 5  # curiosity questions answered together before depths mix
LIGHTER_FOR = timedelta(days=14)  # how long "Too deep for now" keeps the mix lighter
MIXES = ("lighter", "as-is", "deeper")
# The mix → (most deep questions a week, most middle ones a week or None for no limit).
_CAPS: dict[str, tuple[int, int | None]] = {
    "lighter": (0, 1),
    "as-is": (1, None),
    "deeper": (2, None),
}


def week_of(day: str) -> tuple[int, int]:
    """The ISO (year, week) of a couple-day."""
    iso = date.fromisoformat(day).isocalendar()
    return iso.year, iso.week


def started_small(couple: Couple) -> bool:
    """Whether the light first weeks are over. `depth` above 1 is a couple that climbed the
    ladder this mix replaced: past its start already."""
    return couple.depth > 1 or couple.depth_answered >= START_SMALL


def mix_of(couple: Couple, now: datetime) -> str:
    """The couple's mix now: their setting, or "lighter" for a while after "Too deep for now"."""
    if couple.lighter_until is not None and couple.lighter_until > now:
        return "lighter"
    return couple.depth_mix if couple.depth_mix in _CAPS else "as-is"


def curiosity_depth(couple: Couple, week: Counter[int], *, now: datetime) -> int:
    """The depth of the couple's next curiosity question, given the week's ones already made
    (`week`: depth → how many)."""
    if not started_small(couple):
        return 1
    mix = mix_of(couple, now)
    most_deep, most_middle = _CAPS[mix]
    middle_left = most_middle is None or week[2] < most_middle
    if not week[1]:
        return 1
    if not week[2] and middle_left and mix != "deeper":
        return 2
    if week[3] < most_deep:
        return 3
    return 2 if middle_left else 1
