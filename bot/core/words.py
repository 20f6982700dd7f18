"""One lookup for every word a person reads: sentences by key, plurals and dates by the rules of
the reader's language.

The catalog is `bot/core/texts/`: a constant per sentence, named for what it says. Grammar is
not written in code: a message that counts something is a dict of plural forms (`"one"`,
`"other"`, and whatever else a language needs), chosen by Babel's plural rules, and dates are
Babel patterns kept in the catalog (`texts.DATE_PATTERNS`), not strftime formats.

New code asks here instead of formatting `texts.X` itself:

    say("PAIR_DONE", partner=name, first=first)    # a sentence
    plural("DAYS", 3)                              # "3 days"
    plural("RECAP_COUNTS.wins", 1)                 # "1 win": a dotted key picks from a dict
    when(moment, member.timezone, "day")           # "Thu 03 Sep", in the member's calendar
    weekday(0, "short")                            # "Mo"

Every function takes `lang` (a locale name such as "en" or "de_AT"; None is English), so the
reader's language can be threaded through later without changing a key: today there is one
catalog, the English one, whatever `lang` says; translations (issue #14) will add gettext
catalogs behind the same keys.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import cache
from typing import Literal

from babel.core import Locale
from babel.dates import format_date, format_datetime, get_day_names

from bot.core import texts
from bot.core.zones import zone_info

DEFAULT_LANG = "en"


@cache
def _locale(lang: str | None) -> Locale:
    return Locale.parse(lang or DEFAULT_LANG)


def _entry(key: str, lang: str | None) -> object:
    """The catalog's entry for `key` ("NAME" or "NAME.item" for one item of a dict)."""
    del lang  # one catalog for now; see the module's docstring
    name, _, item = key.partition(".")
    entry = getattr(texts, name)
    if item:
        if not isinstance(entry, dict):
            raise KeyError(key)
        entry = entry[item]
    return entry


def say(key: str, /, lang: str | None = None, **params: object) -> str:
    """The sentence `key`, its `{placeholders}` filled from `params`."""
    template = _entry(key, lang)
    if not isinstance(template, str):
        raise TypeError(f"{key} is not a sentence")
    return template.format(**params)


def plural(key: str, count: int, /, lang: str | None = None, **params: object) -> str:
    """The form of `key` that fits `count` in the language ("1 day", "2 days"); `{count}` and
    `params` fill its placeholders."""
    forms = _entry(key, lang)
    if not isinstance(forms, dict) or "other" not in forms:
        raise TypeError(f"{key} has no plural forms")
    form = _locale(lang).plural_form(count)
    return str(forms.get(form, forms["other"])).format(count=count, **params)


DateStyle = Literal["day", "weekday_day", "day_time", "clock", "weekday_clock"]


def when(
    moment: datetime | date, zone: str | None, style: DateStyle, /, lang: str | None = None
) -> str:
    """A moment (shown in the `zone`'s calendar) or a calendar date, written in one of the
    catalog's date styles (`texts.DATE_PATTERNS`)."""
    pattern = texts.DATE_PATTERNS[style]
    locale = _locale(lang)
    if isinstance(moment, datetime):
        return format_datetime(moment, pattern, tzinfo=zone_info(zone), locale=locale)
    return format_date(moment, pattern, locale=locale)


def weekday(index: int, width: Literal["abbreviated", "short"], /, lang: str | None = None) -> str:
    """The name of a weekday (0 is Monday) as a person reads it: "Mon" abbreviated, "Mo" short.
    The stored day keys (`texts.DAY_NAMES`) are data, never shown."""
    return str(get_day_names(width, locale=_locale(lang))[index])


def duration(delta: timedelta, /, lang: str | None = None) -> str:
    """A rounded-up length of time: "12 minutes", "1 hour", "2 days" (hours up to 47)."""
    minutes = max(1, -(-int(delta.total_seconds()) // 60))
    if minutes < 60:
        return plural("MINUTES", minutes, lang)
    hours = -(-minutes // 60)
    if hours < 48:
        return plural("HOURS", hours, lang)
    return plural("DAYS", -(-hours // 24), lang)
