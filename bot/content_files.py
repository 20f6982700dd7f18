"""Reading and checking the prompt files (`bot.content` describes them): every language folder
loaded with the line each prompt starts on, validated, compared with English, and searched for
near duplicates. `bot.content.check` and `load` call in here."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from bot.content import (
    KINDS,
    NEAR_DUPLICATE,
    SOURCE_LANGUAGE,
    WHERES,
    Library,
    Prompt,
    sources,
)


@dataclass(frozen=True)
class Problem:
    path: Path
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


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
    file_pack = data.get("pack")
    raw: list[tuple[int, dict[str, Any]]] = []
    for item in data["prompts"]:
        if not isinstance(item, dict):
            problems.append(Problem(path, data["__line__"], "each prompt must be a mapping"))
            continue
        line = item.pop("__line__")
        item.setdefault("kind", file_kind)
        if file_pack is not None:
            item.setdefault("pack", file_pack)
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
    directory: Path, files: list[Path], problems: list[Problem], *, near: bool
) -> tuple[dict[str, Prompt], dict[str, tuple[Path, int]]]:
    """Every prompt of one language's folder (its `files`), and where each was found."""
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
        for name in ("kind", "depth", "where", "occasion", "retired", "pack", "cost", "effort"):
            if getattr(prompt, name) != getattr(english, name):
                problems.append(
                    Problem(path, line, f"{name} differs from English: {getattr(prompt, name)!r}")
                )
        if _english_leftover(prompt.text, english.text, folder.name):
            problems.append(Problem(path, line, "English leftover: translate this text"))
        if (prompt.follow_up is None) != (english.follow_up is None):
            differs = (
                "has a follow_up English has not"
                if english.follow_up is None
                else "lacks the follow_up English has"
            )
            problems.append(Problem(path, line, differs))
        elif (
            prompt.follow_up is not None
            and english.follow_up is not None
            and _english_leftover(prompt.follow_up, english.follow_up, folder.name)
        ):
            problems.append(Problem(path, line, "English leftover: translate the follow_up"))
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


def check_directory(directory: Path, *, near: bool = True) -> tuple[Library, list[Problem]]:
    """Load every language folder (or, without any, the `*.yaml` in the directory as English);
    return the library and every problem found. `near=False` skips the near-duplicate pass
    (the bot's start does; `content check` not)."""
    problems: list[Problem] = []
    (source, files), *others = sources(directory)
    prompts, _ = _check_folder(source, files, problems, near=near)
    if source == directory:
        return Library(prompts), problems
    translations: dict[str, dict[str, str]] = {}
    follow_ups: dict[str, dict[str, str]] = {}
    for folder, files in others:
        theirs, where = _check_folder(folder, files, problems, near=near)
        problems.extend(_compare(folder, prompts, theirs, where))
        translations[folder.name] = {i: p.text for i, p in theirs.items() if i in prompts}
        follow_ups[folder.name] = {
            i: p.follow_up for i, p in theirs.items() if i in prompts and p.follow_up is not None
        }
    return Library(prompts, translations, follow_ups), problems
