"""What people type, read in their own language as well as English: the catalog's input words
(`texts.INPUT_*`, alternatives separated by "|") and weekday names from Babel, compared without
case, accents or a trailing dot ("Mañana" = "manana", "vie." = "vie")."""

from __future__ import annotations

import unicodedata
from functools import cache

from bot.core import words

ENGLISH_DAYS = (
    ("mon", "monday"),
    ("tue", "tues", "tuesday"),
    ("wed", "wednesday"),
    ("thu", "thur", "thurs", "thursday"),
    ("fri", "friday"),
    ("sat", "saturday"),
    ("sun", "sunday"),
)


def fold(text: str) -> str:
    """A typed word as compared: lower case, no accents (but "й" stays "й"), no trailing dot."""
    decomposed = unicodedata.normalize("NFD", text.strip().lower())
    kept = "".join(
        c
        for i, c in enumerate(decomposed)
        # Combining marks go, except the breve that makes Russian "й" (и + U+0306).
        if not unicodedata.combining(c) or (c == "\u0306" and decomposed[i - 1 : i] == "и")
    )
    return unicodedata.normalize("NFC", kept).rstrip(".")


def _words(key: str, lang: str | None) -> frozenset[str]:
    langs = {words.DEFAULT_LANG, words.spoken(lang)}
    return frozenset(
        fold(option) for each in langs for option in words.say(key, each).split("|") if option
    )


def is_word(typed: str, key: str, *, lang: str | None) -> bool:
    """Whether `typed` is one of the input words `key` (`"INPUT_CANCEL"`) in English or `lang`."""
    return fold(typed) in _words(key, lang)


def strip_word(typed: str, key: str, *, lang: str | None, at_end: bool = False) -> str:
    """`typed` without one of the input words `key` at its start (or end), if it has one."""
    parts = typed.strip().split()
    if parts and fold(parts[-1 if at_end else 0]) in _words(key, lang):
        parts = parts[:-1] if at_end else parts[1:]
    return " ".join(parts)


def weekdays(lang: str | None) -> dict[str, int]:
    """Weekday names (0 is Monday) as typed in English and in `lang`: Babel's wide and
    abbreviated names ("viernes", "vie", "пятница", "пт")."""
    return _weekdays(words.spoken(lang))


@cache
def _weekdays(spoken: str) -> dict[str, int]:
    found = {name: i for i, names in enumerate(ENGLISH_DAYS) for name in names}
    if spoken != words.DEFAULT_LANG:
        from babel.core import Locale  # Babel's data only when someone types a weekday
        from babel.dates import get_day_names

        locale = Locale.parse(spoken)
        for width in ("wide", "abbreviated", "short"):
            for i, name in get_day_names(width, locale=locale).items():
                found.setdefault(fold(str(name)), int(i))
    return found
