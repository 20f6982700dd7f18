"""The prompt library: `content/<lang>/*.yaml` loaded, validated and indexed.

Every language has the same files with the same ids: a prompt is one id with a text per
language. English (`content/en/`) is the source; every other language must have every id, the
same kind, depth, where and occasion, and texts of its own (`check` reports an English leftover).
A folder of `*.yaml` without language folders is read as English alone.

A file holds prompts of one kind:

    kind: curiosity
    prompts:
      - id: curiosity-smell-childhood
        depth: 1
        text: "What's a smell that takes you back to being a kid?"

Affection and date ideas also say where they work, so `/apart` can pick ones that fit:

    kind: affection
    prompts:
      - id: affection-sky-photo
        where: either   # together (needs one place), apart (only at a distance), either
        text: "Take a photo of the sky above you today and send it."

A prompt is never deleted (a test keeps every id ever shipped): one that should no longer be
sent says `retired: true`, on any kind, in every language.

`python -m bot content check` runs `check()` and prints its summary or its problems.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, get_args

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

KINDS = ("check-in", "curiosity", "appreciation", "goals", "affection", "date", "celebration")
OCCASIONS = (
    "first-reveal",
    "conversations",
    "appreciations",
    "goal-reached",
    "month",
    "recap",
    "win",
)
# Where an idea works: `together` needs the two in one place, `apart` only makes sense at a
# distance, `either` works both ways. Only affection and date ideas say; every other prompt
# is `either`.
Where = Literal["together", "apart", "either"]
WHERES: tuple[str, ...] = get_args(Where)
PLACED_KINDS = ("affection", "date")
MAX_TEXT = 200
NEAR_DUPLICATE = 85  # rapidfuzz ratio on folded text at or above which two prompts are one
DEFAULT_DIR = Path(__file__).resolve().parent.parent / "content"
SOURCE_LANGUAGE = "en"
LANGUAGE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]+)?$")  # a language folder: en, es, pt-BR

Kind = Literal["check-in", "curiosity", "appreciation", "goals", "affection", "date", "celebration"]


class Prompt(BaseModel):
    """One prompt as written in a content file."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{1,63}$")
    kind: Kind
    text: str
    depth: int | None = Field(default=None, ge=1, le=3)
    occasion: Literal[OCCASIONS] | None = None  # type: ignore[valid-type]
    where: Where = "either"
    # A prompt taken out of use: never chosen again, but its id and text stay, so history
    # (old conversations, /export) still reads it. Retire a prompt; never delete one.
    retired: bool = False

    @field_validator("text")
    @classmethod
    def _text(cls, value: str) -> str:
        value = value.strip()
        if not value:
            raise ValueError("empty text")
        if len(value) > MAX_TEXT:
            raise ValueError(f"text is {len(value)} characters; keep it under {MAX_TEXT}")
        return value

    @model_validator(mode="after")
    def _fields_fit_kind(self) -> Prompt:
        if self.kind == "curiosity" and self.depth is None:
            raise ValueError("a curiosity prompt needs a depth (1, 2 or 3)")
        if self.kind != "curiosity" and self.depth is not None:
            raise ValueError(f"only curiosity prompts have a depth, not {self.kind}")
        if self.kind == "celebration" and self.occasion is None:
            raise ValueError(f"a celebration needs an occasion: {', '.join(OCCASIONS)}")
        if self.kind != "celebration" and self.occasion is not None:
            raise ValueError(f"only celebrations have an occasion, not {self.kind}")
        if self.kind not in PLACED_KINDS and "where" in self.model_fields_set:
            raise ValueError(f"only affection and date prompts have a where, not {self.kind}")
        return self


@dataclass(frozen=True)
class Problem:
    path: Path
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


@dataclass
class Library:
    """Every prompt, by id and by (kind, depth); its text in each language."""

    prompts: dict[str, Prompt] = field(default_factory=dict)
    # Other languages than English: language -> prompt id -> text.
    translations: dict[str, dict[str, str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._by_group: dict[tuple[str, int | None], list[Prompt]] = defaultdict(list)
        self._by_occasion: dict[str, list[Prompt]] = defaultdict(list)
        for prompt in self.prompts.values():
            if prompt.retired:
                continue  # never chosen again; `get` and `text` still know it
            self._by_group[(prompt.kind, prompt.depth)].append(prompt)
            if prompt.occasion is not None:
                self._by_occasion[prompt.occasion].append(prompt)

    def of(self, kind: str, depth: int | None = None, *, apart: bool | None = None) -> list[Prompt]:
        """Prompts of a kind (and depth, for curiosity) in file order, retired ones left out; with
        `apart`, only those that work for a couple apart (True) or together (False)."""
        prompts = self._by_group.get((kind, depth), [])
        if apart is None:
            return prompts
        unfit = "together" if apart else "apart"
        return [prompt for prompt in prompts if prompt.where != unfit]

    def for_occasion(self, occasion: str) -> list[Prompt]:
        return self._by_occasion.get(occasion, [])

    def get(self, prompt_id: str) -> Prompt | None:
        return self.prompts.get(prompt_id)

    @property
    def languages(self) -> tuple[str, ...]:
        """English first, then the other languages the library has, in order."""
        return (SOURCE_LANGUAGE, *sorted(self.translations))

    def text(self, prompt_id: str, lang: str | None = None) -> str | None:
        """The prompt's text in `lang` (English when the library lacks that language)."""
        prompt = self.prompts.get(prompt_id)
        if prompt is None:
            return None
        return self.translations.get(lang or SOURCE_LANGUAGE, {}).get(prompt_id, prompt.text)

    def summary(self) -> str:
        """`<N> prompts: check-in 66, curiosity 160 (depth 1: 53, ...), ...` for English, then a
        line `es: <N> prompts: ...` for each other language."""
        lines = [_summary(list(self.prompts.values()))]
        for lang in sorted(self.translations):
            ids = self.translations[lang]
            lines.append(f"{lang}: " + _summary([p for i, p in self.prompts.items() if i in ids]))
        return "\n".join(lines)


def _summary(prompts: list[Prompt]) -> str:
    counts: Counter[str] = Counter(p.kind for p in prompts)
    depths = Counter(p.depth or 0 for p in prompts if p.kind == "curiosity")
    parts = []
    for kind in KINDS:
        part = f"{kind} {counts[kind]}"
        if kind == "curiosity" and depths:
            part += " (" + ", ".join(f"depth {d}: {depths[d]}" for d in sorted(depths)) + ")"
        parts.append(part)
    retired = sum(p.retired for p in prompts)
    return (
        f"{len(prompts)} prompts: " + ", ".join(parts) + (f"; {retired} retired" if retired else "")
    )


# libyaml's parser when PyYAML was built with it (the wheels are): ~10x faster at start.
_SafeLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _LineLoader(_SafeLoader):  # type: ignore[misc]
    """A safe loader that remembers the line each mapping starts on."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        mapping: dict[Any, Any] = super().construct_mapping(node, deep=deep)
        mapping["__line__"] = node.start_mark.line + 1
        return mapping


def _fold(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", text.lower()).split())


def _read_file(path: Path, problems: list[Problem]) -> list[tuple[int, dict[str, Any]]]:
    """The raw prompt mappings of one file with their line numbers."""
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_LineLoader)  # noqa: S506
    except yaml.MarkedYAMLError as error:
        line = error.problem_mark.line + 1 if error.problem_mark else 1
        problems.append(Problem(path, line, f"not valid YAML: {error.problem}"))
        return []
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        problems.append(Problem(path, 1, f"cannot read: {error}"))
        return []
    if not isinstance(data, dict) or not isinstance(data.get("prompts"), list):
        problems.append(Problem(path, 1, "expected `kind:` and a `prompts:` list"))
        return []
    file_kind = data.get("kind")
    raw: list[tuple[int, dict[str, Any]]] = []
    for item in data["prompts"]:
        if not isinstance(item, dict):
            problems.append(Problem(path, data["__line__"], "each prompt must be a mapping"))
            continue
        line = item.pop("__line__")
        item.setdefault("kind", file_kind)
        raw.append((line, item))
    return raw


def _problem_text(error: ValidationError) -> str:
    first = error.errors()[0]
    where = ".".join(str(part) for part in first["loc"])
    if first["type"] == "literal_error" and where == "kind":
        return f"unknown kind {first['input']!r} (known: {', '.join(KINDS)})"
    if first["type"] == "literal_error" and where == "where":
        return f"where must be {', '.join(WHERES[:-1])} or {WHERES[-1]}, not {first['input']!r}"
    message = first["msg"].removeprefix("Value error, ")
    return f"{where}: {message}" if where else message


def _check_folder(
    directory: Path, problems: list[Problem], *, near: bool
) -> tuple[dict[str, Prompt], dict[str, tuple[Path, int]]]:
    """Every prompt of one language's folder, and where each was found."""
    files = sorted(directory.glob("*.yaml")) + sorted(directory.glob("*.yml"))
    if not files:
        problems.append(Problem(directory, 0, "no content files (*.yaml) here"))
    prompts: dict[str, Prompt] = {}
    where: dict[str, tuple[Path, int]] = {}
    texts: dict[str, str] = {}
    for path in files:
        for line, item in _read_file(path, problems):
            try:
                prompt = Prompt.model_validate(item)
            except ValidationError as error:
                problems.append(Problem(path, line, _problem_text(error)))
                continue
            if prompt.id in prompts:
                first_path, first_line = where[prompt.id]
                problems.append(
                    Problem(
                        path,
                        line,
                        f"duplicate id {prompt.id!r} (first at {first_path}:{first_line})",
                    )
                )
                continue
            folded = _fold(prompt.text)
            if folded in texts:
                problems.append(Problem(path, line, f"duplicate text (same as {texts[folded]!r})"))
                continue
            texts[folded] = prompt.id
            prompts[prompt.id] = prompt
            where[prompt.id] = (path, line)
    if near:
        problems.extend(_near_duplicates(prompts, where))
    return prompts, where


def check(directory: Path = DEFAULT_DIR, *, near: bool = True) -> tuple[Library, list[Problem]]:
    """Load every language folder (or, without any, the `*.yaml` in the directory as English);
    return the library and every problem found. `near=False` skips the near-duplicate pass
    (the bot's start does; `content check` not)."""
    problems: list[Problem] = []
    source = directory / SOURCE_LANGUAGE
    if not source.is_dir():
        prompts, _ = _check_folder(directory, problems, near=near)
        return Library(prompts), problems
    prompts, _ = _check_folder(source, problems, near=near)
    translations: dict[str, dict[str, str]] = {}
    for folder in sorted(p for p in directory.iterdir() if p.is_dir() and LANGUAGE.match(p.name)):
        if folder.name == SOURCE_LANGUAGE:
            continue
        theirs, where = _check_folder(folder, problems, near=near)
        problems.extend(_compare(folder, prompts, theirs, where))
        translations[folder.name] = {i: p.text for i, p in theirs.items() if i in prompts}
    return Library(prompts, translations), problems


def _compare(
    folder: Path,
    source: dict[str, Prompt],
    theirs: dict[str, Prompt],
    where: dict[str, tuple[Path, int]],
) -> list[Problem]:
    """What a translation lacks or adds, fields that differ from English, and English leftovers."""
    problems = []
    for prompt_id in source.keys() - theirs.keys():
        problems.append(Problem(folder, 0, f"{prompt_id!r} is missing in {folder.name}"))
    for prompt_id, prompt in theirs.items():
        path, line = where[prompt_id]
        english = source.get(prompt_id)
        if english is None:
            problems.append(
                Problem(path, line, f"{prompt_id!r} is not in English ({SOURCE_LANGUAGE})")
            )
            continue
        for name in ("kind", "depth", "where", "occasion", "retired"):
            if getattr(prompt, name) != getattr(english, name):
                problems.append(
                    Problem(path, line, f"{name} differs from English: {getattr(prompt, name)!r}")
                )
        if _english_leftover(prompt.text, english.text, folder.name):
            problems.append(Problem(path, line, "English leftover: translate this text"))
    return problems


# Common English words that are no words of the other languages we ship.
_ENGLISH = re.compile(r"\b(the|your|you|what|with|this|that|today|tonight|and|one)\b", re.I)
_CYRILLIC = re.compile(r"[\u0400-\u04FF]")


def _english_leftover(text: str, english: str, lang: str) -> bool:
    if _fold(text) == _fold(english):
        return True
    if lang in ("ru", "uk", "bg", "sr") and not _CYRILLIC.search(text):
        return True
    return len(_ENGLISH.findall(text)) >= 2


def _near_duplicates(
    prompts: dict[str, Prompt], where: dict[str, tuple[Path, int]]
) -> list[Problem]:
    from rapidfuzz import (
        fuzz,
        process,
    )  # only `content check` needs it: keep it off the bot's start

    ids = list(prompts)
    folded = [_fold(prompts[i].text) for i in ids]
    if len(folded) < 2:
        return []
    problems = []
    for i, text in enumerate(folded[:-1]):
        later = folded[i + 1 :]
        for _, score, offset in process.extract(
            text, later, scorer=fuzz.ratio, score_cutoff=NEAR_DUPLICATE, limit=None
        ):
            j = i + 1 + offset
            path, line = where[ids[j]]
            problems.append(
                Problem(path, line, f"near duplicate of {ids[i]!r} ({score:.0f}% alike)")
            )
    return problems


def load(directory: Path | None = None) -> Library:
    """The library, or a ValueError naming every problem."""
    library, problems = check(directory or DEFAULT_DIR, near=False)
    if problems:
        raise ValueError("content problems:\n" + "\n".join(str(p) for p in problems))
    return library
