"""The words a person reads: the catalog (`bot/core/texts/`) and its lookup (`words.py`)."""

from __future__ import annotations

import ast
import string
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from bot.core import texts, words
from bot.core.tally import CATEGORIES
from bot.core.zones import zone_info

BOT = Path(__file__).resolve().parents[2] / "bot"


def _sentences(value: object, name: str) -> list[tuple[str, str]]:
    """Every string in a catalog entry, nested dicts and tuples included, with where it is."""
    if isinstance(value, str):
        return [(name, value)]
    if isinstance(value, dict):
        return [s for key, item in value.items() for s in _sentences(item, f"{name}.{key}")]
    if isinstance(value, tuple):
        return [s for i, item in enumerate(value) for s in _sentences(item, f"{name}[{i}]")]
    return []


CATALOG = [
    entry
    for name, value in vars(texts).items()
    if name.isupper()
    for entry in _sentences(value, name)
    if name != "DATE_PATTERNS"  # Babel patterns, checked below
]


@pytest.mark.parametrize(("name", "template"), CATALOG, ids=[name for name, _ in CATALOG])
def test_every_sentence_formats_with_its_own_placeholders(name: str, template: str) -> None:
    fields = {field for _, field, _, _ in string.Formatter().parse(template) if field is not None}
    assert all(field.isidentifier() for field in fields), f"{name}: odd placeholder {fields}"
    filled = template.format(**{field: f"<{field}>" for field in fields})
    assert "{" not in filled, name
    assert "}" not in filled, name


def test_say_fills_a_sentence_and_refuses_what_is_not_one() -> None:
    assert words.say("PAIR_DONE", partner="Sam", first="Hi") == "You're now paired with Sam 💞 Hi"
    assert words.say("MEDIA_NAMES.voice") == "voice note"
    assert words.say("STALE_BUTTON", lang="de") == texts.STALE_BUTTON  # one catalog for now
    with pytest.raises(KeyError):
        words.say("PAIR_DONE", partner="Sam")
    with pytest.raises(TypeError):
        words.say("DAYS")


def test_plural_follows_english_plural_rules() -> None:
    assert [words.plural("DAYS", n) for n in (0, 1, 2, 21)] == [
        "0 days",
        "1 day",
        "2 days",
        "21 days",
    ]
    assert words.plural("RECAP_COUNTS.wins", 1, lang="en") == "1 win"
    with pytest.raises(TypeError):
        words.plural("STALE_BUTTON", 2)


@pytest.mark.parametrize(
    ("delta", "expected"),
    [
        (timedelta(seconds=1), "1 minute"),
        (timedelta(minutes=1), "1 minute"),
        (timedelta(minutes=1, seconds=1), "2 minutes"),
        (timedelta(minutes=59), "59 minutes"),
        (timedelta(minutes=60), "1 hour"),
        (timedelta(minutes=61), "2 hours"),
        (timedelta(hours=47), "47 hours"),
        (timedelta(hours=48), "2 days"),
        (timedelta(hours=49), "3 days"),
    ],
)
def test_duration_rounds_up_to_a_plural_of_the_right_unit(delta: timedelta, expected: str) -> None:
    assert words.duration(delta) == expected


@pytest.mark.parametrize("count", [0, 1, 2, 7, 11, 100])
def test_counts_read_as_before(count: int) -> None:
    """The plural forms say what the old `("win", "wins")[count != 1]` pairs said."""
    old_recap = {
        "checkins": ("evening checked in together", "evenings checked in together"),
        "conversations": ("conversation", "conversations"),
        "appreciations": ("appreciation", "appreciations"),
        "goodnews": ("piece of good news", "pieces of good news"),
        "goals": ("goal reached", "goals reached"),
        "dates": ("date", "dates"),
        "affection": ("affection moment", "affection moments"),
        "wins": ("win", "wins"),
    }
    old_picture = {
        "checkins": ("evening", "evenings"),
        "conversations": ("conversation", "conversations"),
        "appreciations": ("appreciation", "appreciations"),
        "goodnews": ("good news", "good news"),
        "goals": ("goal", "goals"),
        "dates": ("date", "dates"),
        "affection": ("hug", "hugs"),
        "wins": ("win", "wins"),
    }
    for category in CATEGORIES:
        recap = words.plural(f"RECAP_COUNTS.{category}", count)
        assert recap == f"{count} {old_recap[category][count != 1]}"
        picture = words.plural(f"PICTURE_COUNTS.{category}", count)
        assert picture == f"{count} {old_picture[category][count != 1]}"


DAYS_OF_TWO_YEARS = [date(2026, 1, 1) + timedelta(days=i) for i in range(0, 730, 3)]


@pytest.mark.parametrize("day", DAYS_OF_TWO_YEARS, ids=str)
def test_dates_read_as_the_old_strftime_formats(day: date) -> None:
    moment = datetime.combine(day, datetime.min.time(), tzinfo=UTC) + timedelta(hours=17, minutes=5)
    # In Berlin 17:05 UTC is 18:05 or 19:05; in Auckland it is already the next day.
    for zone in ("Europe/Berlin", "Pacific/Auckland", None):
        local = moment.astimezone(zone_info(zone))
        assert words.when(moment, zone, "day") == f"{local:%a %d %b}"
        assert words.when(moment, zone, "day_time") == f"{local:%a} {local.day} {local:%b at %H:%M}"
        assert words.when(moment, zone, "clock") == f"{local:%H:%M}"
        assert words.when(moment, zone, "weekday_clock") == f"{local:%a %H:%M}"
    assert words.when(day, None, "weekday_day") == f"{day:%a} {day.day}"


def test_weekday_names_are_words_and_the_day_keys_stay_data() -> None:
    assert [words.weekday(i, "abbreviated") for i in range(7)] == [
        key.title() for key in texts.DAY_NAMES
    ]
    assert [words.weekday(i, "short") for i in range(7)] == [
        key[:2].title() for key in texts.DAY_NAMES
    ]
    assert texts.DAY_NAMES == ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _sources() -> list[Path]:
    return sorted(p for folder in ("core", "channels") for p in (BOT / folder).rglob("*.py"))


def test_no_strftime_dates_left() -> None:
    """Dates go through Babel (`words.when`): strftime's names are the C locale's English, and
    `%-d` works only with glibc."""
    for path in _sources():
        source = path.read_text()
        for pattern in ("%-d", "%a", "%b", "%A", "%B", "strftime("):
            if path.name != "words.py":
                assert pattern not in source, f"{path.relative_to(BOT)} uses {pattern}"


def _sentence_like(node: ast.expr) -> str | None:
    """The literal words of a string or f-string, if they read like a sentence."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        literal = node.value
    elif isinstance(node, ast.JoinedStr):
        literal = "".join(
            part.value
            for part in node.values
            if isinstance(part, ast.Constant) and isinstance(part.value, str)
        )
    else:
        return None
    has_word = any(len(w) > 1 and w.isalpha() for w in literal.split())
    return literal if has_word and " " in literal.strip() else None


# Calls whose text argument a person reads: (method name, position of the text argument).
SAYING = {"reply": 0, "push": 1, "write": 0, "send_message": 1, "answer": 0}


def test_no_sentence_is_written_outside_the_catalog() -> None:
    """What the core and the channels say comes from bot/core/texts/: no sentence-like literal is
    handed to a reply, a push, an Outgoing, the console or a chat app's send."""
    found, checked = [], 0
    for path in _sources():
        if "texts" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.Call):
                continue
            said: list[ast.expr] = []
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name in SAYING and len(node.args) > SAYING[name]:
                said.append(node.args[SAYING[name]])
            said += [kw.value for kw in node.keywords if kw.arg in ("text", "content")]
            checked += len(said)
            for expr in said:
                literal = _sentence_like(expr)
                if literal is not None:
                    found.append(f"{path.relative_to(BOT)}:{node.lineno}: {literal!r}")
    assert checked > 100  # the scan sees the calls it is meant to see
    assert found == []


def test_the_scan_would_see_a_sentence() -> None:
    call = ast.parse('ctx.reply(f"Hello {name}, welcome")').body[0]
    assert isinstance(call, ast.Expr)
    assert isinstance(call.value, ast.Call)
    assert _sentence_like(call.value.args[0]) == "Hello , welcome"
    assert _sentence_like(ast.parse('f"{a}\\n\\n{b}"').body[0].value) is None  # type: ignore[attr-defined]
