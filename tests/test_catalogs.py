"""The bot's sentences in every language (`bot/catalogs.py`, `bot/locale/`): every message
renders in every language with its placeholders, plurals follow each language's rules, and the
catalogs stay in step with the English source."""

from __future__ import annotations

import re
import string
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from bot import catalogs
from bot.core import words
from tests.helpers.service import LANGUAGES

MESSAGES = catalogs.messages()
SPOKEN = [lang for lang in LANGUAGES if lang != "en"]


def _fields(text: str) -> list[str]:
    return sorted({name for _, name, _, _ in string.Formatter().parse(text) if name})


def test_the_bot_speaks_english_spanish_and_russian() -> None:
    assert LANGUAGES == ("en", "es", "ru")
    assert words.languages() == LANGUAGES


def test_every_catalog_is_complete_and_keeps_the_placeholders() -> None:
    assert catalogs.problems() == []


@pytest.mark.parametrize("lang", SPOKEN)
@pytest.mark.parametrize("message", MESSAGES, ids=[m.context for m in MESSAGES])
def test_every_message_renders_in_every_language(lang: str, message: catalogs.Message) -> None:
    catalog = words.catalog(lang)
    assert catalog is not None
    if message.plural is None:
        translated = str(catalog.pgettext(message.context, message.text))
        forms = [translated]
    else:
        forms = [
            catalog.npgettext(message.context, message.text, message.plural, n)
            for n in (1, 2, 5, 21, 0)
        ]
    for form in forms:
        assert form.strip(), message.context
        assert _fields(form) == _fields(message.text) or message.plural is not None
        params = dict.fromkeys(_fields(message.text + (message.plural or "")), "x")
        if "count" in params:
            params["count"] = "3"
        form.format(**params)  # raises on a placeholder the English does not have
    words_in_it = re.sub(r"\{[^}]*\}", "", message.text)
    if sum(ch.isalpha() for ch in words_in_it) > 8:  # a sentence, not a frame like "{a}: {b}"
        assert forms[0] != message.text, f"{message.context} reads in English in {lang}"


@pytest.mark.parametrize(
    ("count", "days"),
    [(1, "1 день"), (2, "2 дня"), (5, "5 дней"), (11, "11 дней"), (21, "21 день")],
)
def test_russian_plurals_have_three_forms(count: int, days: str) -> None:
    assert words.plural("DAYS", count, "ru") == days


@pytest.mark.parametrize("context", [m.context for m in MESSAGES if m.plural is not None])
def test_every_counted_sentence_has_russias_three_forms(context: str) -> None:
    one, few, many = (words.plural(context, n, "ru") for n in (1, 2, 5))
    assert len({one.replace("1", ""), few.replace("2", ""), many.replace("5", "")}) >= 2
    assert words.plural(context, 21, "ru").replace("21", "") == one.replace("1", "")
    assert words.plural(context, 22, "ru").replace("22", "") == few.replace("2", "")


def test_dates_are_written_by_each_languages_rules() -> None:
    from datetime import date

    friday = date(2027, 1, 15)
    assert words.when(friday, None, "day") == "Fri 15 Jan"
    assert words.when(friday, None, "day", "es") != words.when(friday, None, "day")
    assert "января" in words.when(friday, None, "day", "ru")


def test_a_language_not_shipped_reads_english() -> None:
    assert words.spoken("de") == "en"
    assert words.spoken("es-419") == "es"
    assert words.spoken("ru") == "ru"
    assert words.spoken(None) == "en"


def test_the_catalog_command_keeps_the_catalogs_in_step(tmp_path: Path) -> None:
    """`python -m bot catalog` on a copy: nothing new, nothing lost, still complete."""
    import shutil

    copy = tmp_path / "locale"
    shutil.copytree(catalogs.LOCALE_DIR, copy)
    assert catalogs.update(copy) == ["es", "ru"]
    assert catalogs.problems(copy) == []
    with (copy / "ru" / "LC_MESSAGES" / "messages.po").open("rb") as file:
        catalog = read_po(file)
    assert {m.context for m in catalog if m.id} == {m.context for m in MESSAGES}
    result = subprocess.run(
        [sys.executable, "-m", "bot", "content", "check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("1599 prompts: check-in")
    assert lines[1].startswith("es: 1599 prompts: check-in")
    assert lines[2].startswith("ru: 1599 prompts: check-in")


def test_a_compiled_catalog_is_kept_until_its_po_file_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import shutil

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    copy = tmp_path / "locale"
    shutil.copytree(catalogs.LOCALE_DIR, copy)
    compiled = catalogs.compile_catalog("ru", copy)
    assert (tmp_path / "cache" / "rekindle" / "catalog-ru.mo").is_file()
    kept = catalogs.compile_catalog("ru", copy)  # from the cache
    for message in MESSAGES:
        for n in (1, 2, 5):
            if message.plural is None:
                assert kept.pgettext(message.context, message.text) == compiled.pgettext(
                    message.context, message.text
                )
            else:
                assert kept.npgettext(
                    message.context, message.text, message.plural, n
                ) == compiled.npgettext(message.context, message.text, message.plural, n)
    assert kept.npgettext("DAYS", "{count} day", "{count} days", 5) == "{count} дней"
    po = copy / "ru" / "LC_MESSAGES" / "messages.po"
    po.write_text(po.read_text(encoding="utf-8").replace("дней", "суток"), encoding="utf-8")
    changed = catalogs.compile_catalog("ru", copy)
    assert changed.npgettext("DAYS", "{count} day", "{count} days", 5) == "{count} суток"
    entry = tmp_path / "cache" / "rekindle" / "catalog-ru.mo"
    entry.write_bytes(entry.read_bytes().split(b"\n", 1)[0] + b"\nnot a catalog")  # damaged
    again = catalogs.compile_catalog("ru", copy)
    assert again.npgettext("DAYS", "{count} day", "{count} days", 5) == "{count} суток"
