"""One lookup for every word a person reads: sentences by key, plurals and dates by the rules of
the reader's language.

The catalog is `bot/core/texts/`: a constant per sentence, named for what it says. Grammar is
not written in code: a message that counts something is a dict of plural forms (`"one"`,
`"other"`, and whatever else a language needs), chosen by Babel's plural rules, and dates are
Babel patterns kept in the catalog (`texts.DATE_PATTERNS`), not strftime formats.

New code asks here instead of formatting `texts.X` itself:

    say("PAIR_DONE", partner=name, first=first)    # a sentence
    plural("DAYS", 3)                              # "3 days"
    number(1234)                                   # "1,234"
    plural("RECAP_COUNTS.wins", 1)                 # "1 win": a dotted key picks from a dict
    when(moment, member.timezone, "day")           # "Thu 03 Sep", in the member's calendar
    weekday(0, "short")                            # "Mo"

Every function takes `lang` (a language such as "es" or "ru"; None is English). English is
the source; other languages come from gettext catalogs (`bot/catalogs.py` reads them and installs
them here with `use_catalogs`), looked up by the key as context: a sentence not yet translated
reads in English. `translate(texts.X, lang)` does the same for a sentence given as its English
text, so that a call site keeps the statically checked `texts.X`.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, timedelta
from functools import cache
from typing import TYPE_CHECKING, Literal, Protocol

if TYPE_CHECKING:
    from babel.core import Locale

from bot.core import texts
from bot.core.zones import zone_info

DEFAULT_LANG = "en"


@cache
def _locale(lang: str | None) -> Locale:
    from babel.core import Locale  # Babel's data loads when a date or a count is first written

    return Locale.parse(lang or DEFAULT_LANG)


class Catalog(Protocol):
    """One language's translations (a `gettext.GNUTranslations`)."""

    def pgettext(self, context: str, message: str) -> str | object: ...

    def npgettext(self, context: str, singular: str, plural: str, num: int) -> str: ...


_catalogs: Mapping[str, Catalog] = {}
_keys: dict[str, str] = {}  # English sentence -> its key, for `translate`


def use_catalogs(catalogs: Mapping[str, Catalog]) -> None:
    """Install the other languages' catalogs (by language) for the whole process."""
    global _catalogs  # noqa: PLW0603 - one set of catalogs per process, like the content
    _catalogs = catalogs


def languages() -> tuple[str, ...]:
    """Every language the bot speaks, English first."""
    return (DEFAULT_LANG, *sorted(_catalogs))


def spoken(lang: str | None) -> str:
    """The language the bot speaks to someone whose platform says `lang` ("es-419" -> "es";
    one not shipped -> English)."""
    if lang and catalog(lang) is not None:
        return lang if lang in _catalogs else lang.split("_")[0].split("-")[0]
    return DEFAULT_LANG


def catalog(lang: str | None) -> Catalog | None:
    """The catalog of a language the bot speaks besides English, else None."""
    if not lang:
        return None
    return _catalogs.get(lang) or _catalogs.get(lang.split("_")[0].split("-")[0])


def _english(key: str) -> object:
    """The English entry for `key` ("NAME" or "NAME.item" for one item of a dict)."""
    name, _, item = key.partition(".")
    entry = getattr(texts, name)
    if item:
        if not isinstance(entry, dict):
            raise KeyError(key)
        entry = entry[item]
    return entry


def _entry(key: str, lang: str | None) -> object:
    """The entry for `key` in `lang`: its translation if the language's catalog has one."""
    entry = _english(key)
    found = catalog(lang)
    if found is not None and isinstance(entry, str):
        return str(found.pgettext(key, entry))
    return entry


def translate(sentence: str, lang: str | None) -> str:
    """An English sentence of the catalog (`texts.X`) in `lang`, not yet formatted."""
    found = catalog(lang)
    if found is None:
        return sentence
    if not _keys:
        _index(texts.__dict__, "")
    key = _keys.get(sentence)
    return sentence if key is None else str(found.pgettext(key, sentence))


def _index(entries: Mapping[str, object], prefix: str) -> None:
    for name, value in entries.items():
        if prefix == "" and not name.isupper():
            continue
        if isinstance(value, str):
            _keys.setdefault(value, prefix + name)
        elif isinstance(value, dict) and not {"one", "other"} <= value.keys():
            _index({str(k): v for k, v in value.items()}, f"{prefix}{name}.")


def say(key: str, /, lang: str | None = None, **params: object) -> str:
    """The sentence `key`, its `{placeholders}` filled from `params`."""
    template = _entry(key, lang)
    if not isinstance(template, str):
        raise TypeError(f"{key} is not a sentence")
    return template.format(**params)


def plural(key: str, count: int, /, lang: str | None = None, **params: object) -> str:
    """The form of `key` that fits `count` in the language ("1 day", "2 days"); `{count}` (or
    `{number}`, the count as the reader writes it: "1,000") and `params` fill its placeholders."""
    forms = _english(key)
    if not isinstance(forms, dict) or "other" not in forms:
        raise TypeError(f"{key} has no plural forms")
    found = catalog(lang)
    if found is not None:  # the catalog's own plural rule (Russian: 1 день, 2 дня, 5 дней)
        chosen = found.npgettext(key, str(forms["one"]), str(forms["other"]), count)
    else:
        chosen = str(forms.get(_locale(lang).plural_form(count), forms["other"]))
    return chosen.format(count=count, number=number(count, lang), **params)


DateStyle = Literal[
    "day", "weekday_day", "day_time", "clock", "weekday_clock", "month", "full_date", "day_month"
]


def when(
    moment: datetime | date, zone: str | None, style: DateStyle, /, lang: str | None = None
) -> str:
    """A moment (shown in the `zone`'s calendar) or a calendar date, written in one of the
    catalog's date styles (`texts.DATE_PATTERNS`)."""
    from babel.dates import format_date, format_datetime

    pattern = str(_entry(f"DATE_PATTERNS.{style}", lang))
    locale = _locale(lang)
    if isinstance(moment, datetime):
        return format_datetime(moment, pattern, tzinfo=zone_info(zone), locale=locale)
    return format_date(moment, pattern, locale=locale)


def number(count: int, /, lang: str | None = None) -> str:
    """A count as the reader writes it: "1,000" in English, "1000" in Spanish, "1 000" in
    Russian."""
    from babel.numbers import format_decimal

    return str(format_decimal(count, locale=_locale(lang)))


def weekday(
    index: int, width: Literal["wide", "abbreviated", "short"], /, lang: str | None = None
) -> str:
    """The name of a weekday (0 is Monday) as a person reads it: "Monday" wide, "Mon"
    abbreviated, "Mo" short. The stored day keys (`texts.DAY_NAMES`) are data, never shown."""
    from babel.dates import get_day_names

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
