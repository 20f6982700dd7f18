"""The bot's sentences in other languages: gettext catalogs, read with Babel.

English is the source: `bot/core/texts/` holds every sentence as a constant. Each other language
has `bot/locale/<lang>/LC_MESSAGES/messages.po`, a standard gettext catalog that translators'
tools (Poedit, Weblate, Lokalize) open: a message's context (`msgctxt`) is the constant's name
(`PAIR_DONE`, `RECAP_COUNTS.wins`), its `msgid` the English text, and a message that counts is a
plural entry with the language's own plural forms (Russian has three).

    python -m bot catalog          # refresh messages.pot from texts/ and merge it into every .po

At start `install()` hands the catalogs to `bot.core.words`, which looks sentences up by the
reader's language; each is compiled (no .mo files to keep in step) the first time someone reads
that language, or read from the bot's cache (`bot.cache`) when its `.po` file is unchanged, and
looked up with the standard library's `gettext` (Babel is needed only to compile).
"""

from __future__ import annotations

import contextlib
import io
import string
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from gettext import GNUTranslations
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from babel.messages.catalog import Catalog

from bot import cache
from bot.core import texts, words

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
DOMAIN = "messages"
# Data that looks like words but is never shown: the stored weekday keys.
NOT_SHOWN = frozenset({"DAY_NAMES"})


@dataclass(frozen=True)
class Message:
    """One message of the catalog: its context (the constant's name), the English text, and
    for a message that counts, the English plural."""

    context: str
    text: str
    plural: str | None = None


def _walk(value: object, context: str) -> Iterator[Message]:
    if isinstance(value, str):
        yield Message(context, value)
    elif isinstance(value, dict) and {"one", "other"} <= value.keys():
        yield Message(context, str(value["one"]), str(value["other"]))
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _walk(item, f"{context}.{key}")
    elif isinstance(value, tuple):
        for index, item in enumerate(value):
            yield from _walk(item, f"{context}[{index}]")


def messages() -> list[Message]:
    """Every message a person reads, from `bot/core/texts/`, in a stable order."""
    found: list[Message] = []
    for name in sorted(vars(texts)):
        if name.isupper() and name not in NOT_SHOWN:
            found.extend(_walk(getattr(texts, name), name))
    return found


def template() -> Catalog:
    """The catalog template (`messages.pot`): every message, nothing translated."""
    from babel.messages.catalog import Catalog

    catalog = Catalog(project="Rekindle", domain=DOMAIN, fuzzy=False)
    for message in messages():
        msgid = message.text if message.plural is None else (message.text, message.plural)
        catalog.add(msgid, context=message.context)
    return catalog


def languages(directory: Path = LOCALE_DIR) -> list[str]:
    return sorted(p.parent.parent.name for p in directory.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))


def _po(directory: Path, lang: str) -> Path:
    return directory / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def read(lang: str, directory: Path = LOCALE_DIR) -> Catalog:
    from babel.messages.pofile import read_po

    with _po(directory, lang).open("rb") as file:
        return read_po(file, locale=lang, domain=DOMAIN)


def update(directory: Path = LOCALE_DIR) -> list[str]:
    """Write `messages.pot` and merge it into every language's catalog (new messages appear
    untranslated, changed English marks a translation fuzzy). Returns the languages updated."""
    from babel.messages.pofile import write_po

    pot = template()
    with (directory / f"{DOMAIN}.pot").open("wb") as file:
        write_po(file, pot, width=100, omit_header=False)
    updated = []
    for lang in languages(directory):
        catalog = read(lang, directory)
        catalog.update(pot, update_header_comment=False)
        catalog.fuzzy = False  # the header: its plural rule must reach the compiled catalog
        with _po(directory, lang).open("wb") as file:
            write_po(file, catalog, width=100, ignore_obsolete=True)
        updated.append(lang)
    return updated


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def problems(directory: Path = LOCALE_DIR) -> list[str]:
    """What a catalog lacks: a message untranslated or fuzzy, or a translation whose
    `{placeholders}` differ from the English ones."""
    found = []
    expected = {message.context: message for message in messages()}
    for lang in languages(directory):
        catalog = read(lang, directory)
        where = f"bot/locale/{lang}/LC_MESSAGES/{DOMAIN}.po"
        seen = set()
        for entry in catalog:
            if not entry.id or entry.context not in expected:
                continue
            seen.add(entry.context)
            raw = entry.string
            strings = (
                tuple(str(s or "") for s in raw)
                if isinstance(raw, tuple | list)
                else (str(raw or ""),)
            )
            if entry.fuzzy or not all(strings):
                found.append(f"{where}:{entry.lineno}: {entry.context} is not translated")
                continue
            english = expected[entry.context]
            fields = _fields(english.text) | _fields(english.plural or "")
            for text in strings:
                if _fields(text) != fields:
                    found.append(
                        f"{where}:{entry.lineno}: {entry.context} has placeholders "
                        f"{sorted(_fields(text))}, English has {sorted(fields)}"
                    )
        for context in sorted(expected.keys() - seen):
            found.append(f"{where}: {context} is missing (run `python -m bot catalog`)")
    return found


def compile_catalog(lang: str, directory: Path = LOCALE_DIR) -> GNUTranslations:
    """One language's catalog, compiled in memory: the `.mo` data Babel makes from its `.po`
    file, kept in the cache for that file's bytes (and this module's, which says how)."""
    entry = f"catalog-{lang}.mo"
    try:
        key = cache.fingerprint([Path(__file__).read_bytes(), _po(directory, lang).read_bytes()])
    except OSError:
        key = None
    kept = cache.read(entry, key) if key else None
    if kept is not None:
        with contextlib.suppress(Exception):  # damaged: compiled again below
            return GNUTranslations(io.BytesIO(kept))
    from babel.messages.mofile import write_mo

    compiled = io.BytesIO()
    write_mo(compiled, read(lang, directory), use_fuzzy=False)
    if key:
        cache.write(entry, key, compiled.getvalue())
    compiled.seek(0)
    return GNUTranslations(compiled)


def load(directory: Path = LOCALE_DIR) -> dict[str, GNUTranslations]:
    """Every language's catalog, compiled in memory."""
    return {lang: compile_catalog(lang, directory) for lang in languages(directory)}


class Catalogs(Mapping[str, GNUTranslations]):
    """Every language's catalog, each read and compiled the first time someone reads it: a
    process whose members all read English never loads one."""

    def __init__(self, directory: Path = LOCALE_DIR) -> None:
        self.directory = directory
        self._languages = languages(directory)
        self._loaded: dict[str, GNUTranslations] = {}

    def __getitem__(self, lang: str) -> GNUTranslations:
        if lang not in self._languages:
            raise KeyError(lang)
        if lang not in self._loaded:
            self._loaded[lang] = compile_catalog(lang, self.directory)
        return self._loaded[lang]

    def __iter__(self) -> Iterator[str]:
        return iter(self._languages)

    def __len__(self) -> int:
        return len(self._languages)


def install(directory: Path = LOCALE_DIR) -> tuple[str, ...]:
    """Hand the catalogs to `bot.core.words` (each loaded when first read); returns every
    language the bot speaks, English first."""
    found = Catalogs(directory)
    words.use_catalogs(found)
    return (words.DEFAULT_LANG, *sorted(found))
