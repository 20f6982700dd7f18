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

Dates also say what they cost and take, so cheap and easy ones come first:

      - id: date-floor-picnic
        where: together
        cost: free      # free, low, high
        effort: easy    # easy, some, big
        text: "Have an indoor picnic on the floor with a blanket and your favorite snacks."

A check-in, curiosity or goals prompt may carry a `follow_up`, sent to both after the reveal
(translated like the text). A pack file (`pack-<name>.yaml`) says `pack: <name>` at the top and
each prompt its own `kind:`; its prompts go only to couples who both chose the pack.

A prompt is never deleted (a test keeps every id ever shipped): one that should no longer be
sent says `retired: true`, on any kind, in every language.

`python -m bot content check` runs `check()` and prints its summary or its problems.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal, get_args

if TYPE_CHECKING:
    from bot.content_files import Problem
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from bot import cache

KINDS = (
    "check-in",
    "curiosity",
    "appreciation",
    "goals",
    "affection",
    "date",
    "celebration",
    "photo",
)
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
# What a date costs and takes, so cheap and easy ones come first (`bot.core.prompts`).
Cost = Literal["free", "low", "high"]
Effort = Literal["easy", "some", "big"]
COSTS: tuple[str, ...] = get_args(Cost)
EFFORTS: tuple[str, ...] = get_args(Effort)
# Packs a couple can opt into (/settings): their prompts join the kinds they are of only for a
# couple where both partners chose the pack.
Pack = Literal["long-distance", "new-parents", "rough-patch", "playful", "thirty-six", "intimacy"]
PACKS: tuple[str, ...] = get_args(Pack)  # the same as bot.core.packs.PACKS (a test says)
# Kinds whose evening conversation is revealed, after which a `follow_up` line may be sent.
FOLLOWED_KINDS = ("check-in", "curiosity", "goals")
MAX_TEXT = 200
NEAR_DUPLICATE = 85  # rapidfuzz ratio on folded text at or above which two prompts are one
DEFAULT_DIR = Path(__file__).resolve().parent.parent / "content"
SOURCE_LANGUAGE = "en"
LANGUAGE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]+)?$")  # a language folder: en, es, pt-BR

Kind = Literal[
    "check-in", "curiosity", "appreciation", "goals", "affection", "date", "celebration", "photo"
]


class Prompt(BaseModel):
    """One prompt as written in a content file."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{1,63}$")
    kind: Kind
    text: str
    depth: int | None = Field(default=None, ge=1, le=3)
    occasion: Literal[OCCASIONS] | None = None  # type: ignore[valid-type]
    where: Where = "either"
    cost: Cost | None = None  # dates only, and every date says
    effort: Effort | None = None  # dates only, and every date says
    pack: Pack | None = None  # only sent to a couple who both chose the pack
    # One line sent to both after the reveal, inviting the next small step (revealed kinds).
    follow_up: str | None = None
    # A prompt taken out of use: never chosen again, but its id and text stay, so history
    # (old conversations, /export) still reads it. Retire a prompt; never delete one.
    retired: bool = False

    @field_validator("text", "follow_up")
    @classmethod
    def _text(cls, value: str | None) -> str | None:
        if value is None:
            return None
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
        if self.kind == "date" and (self.cost is None or self.effort is None):
            raise ValueError(
                f"a date needs a cost ({', '.join(COSTS)}) and an effort ({', '.join(EFFORTS)})"
            )
        if self.kind != "date" and (self.cost is not None or self.effort is not None):
            raise ValueError(f"only dates have a cost and an effort, not {self.kind}")
        if self.follow_up is not None and self.kind not in FOLLOWED_KINDS:
            raise ValueError(f"only {', '.join(FOLLOWED_KINDS)} prompts have a follow_up")
        return self


@dataclass
class Library:
    """Every prompt, by id and by (kind, depth); its text (and follow-up) in each language."""

    prompts: dict[str, Prompt] = field(default_factory=dict)
    # Other languages than English: language -> prompt id -> text.
    translations: dict[str, dict[str, str]] = field(default_factory=dict)
    # Other languages than English: language -> prompt id -> follow-up line.
    follow_ups: dict[str, dict[str, str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._by_group: dict[tuple[str, int | None, str | None], list[Prompt]] = defaultdict(list)
        self._by_occasion: dict[str, list[Prompt]] = defaultdict(list)
        for prompt in self.prompts.values():
            if prompt.retired:
                continue  # never chosen again; `get` and `text` still know it
            self._by_group[(prompt.kind, prompt.depth, prompt.pack)].append(prompt)
            if prompt.occasion is not None:
                self._by_occasion[prompt.occasion].append(prompt)

    def of(
        self,
        kind: str,
        depth: int | None = None,
        *,
        apart: bool | None = None,
        packs: Iterable[str] = (),
    ) -> list[Prompt]:
        """Prompts of a kind (and depth, for curiosity) in file order, retired ones left out:
        those of no pack, then those of each of `packs`; with `apart`, only those that work for a
        couple apart (True) or together (False)."""
        prompts = list(self._by_group.get((kind, depth, None), []))
        for pack in packs:
            prompts += self._by_group.get((kind, depth, pack), [])
        if apart is None:
            return prompts
        unfit = "together" if apart else "apart"
        return [prompt for prompt in prompts if prompt.where != unfit]

    def of_pack(self, pack: str) -> list[Prompt]:
        """Every prompt of a pack in file order (the order a series is sent in), retired ones
        left out."""
        return [
            prompt
            for (_, _, of), prompts in self._by_group.items()
            if of == pack
            for prompt in prompts
        ]

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

    def follow_up(self, prompt_id: str, lang: str | None = None) -> str | None:
        """The prompt's follow-up line in `lang` (English when the library lacks that language),
        or None when it has none."""
        prompt = self.prompts.get(prompt_id)
        if prompt is None or prompt.follow_up is None:
            return None
        return self.follow_ups.get(lang or SOURCE_LANGUAGE, {}).get(prompt_id, prompt.follow_up)

    def summary(self) -> str:
        """`<N> prompts: check-in 66, curiosity 160 (depth 1: 53, ...), ...; packs: playful 34,
        ...; <k> retired` for English, then a line `es: <N> prompts: ...` for each other
        language. The kinds count the prompts a couple can be sent without any pack."""
        lines = [_summary(list(self.prompts.values()))]
        for lang in sorted(self.translations):
            ids = self.translations[lang]
            lines.append(f"{lang}: " + _summary([p for i, p in self.prompts.items() if i in ids]))
        return "\n".join(lines)


def _summary(prompts: list[Prompt]) -> str:
    live = [p for p in prompts if not p.retired]
    base = [p for p in live if p.pack is None]
    counts: Counter[str] = Counter(p.kind for p in base)
    depths = Counter(p.depth or 0 for p in base if p.kind == "curiosity")
    parts = []
    for kind in KINDS:
        part = f"{kind} {counts[kind]}"
        if kind == "curiosity" and depths:
            part += " (" + ", ".join(f"depth {d}: {depths[d]}" for d in sorted(depths)) + ")"
        parts.append(part)
    packs: Counter[str] = Counter(p.pack for p in live if p.pack is not None)
    summary = f"{len(base)} prompts: " + ", ".join(parts)
    if packs:
        summary += "; packs: " + ", ".join(
            f"{pack} {packs[pack]}" for pack in PACKS if pack in packs
        )
    retired = len(prompts) - len(live)
    return summary + (f"; {retired} retired" if retired else "")


def sources(directory: Path) -> list[tuple[Path, list[Path]]]:
    """What `check` reads, in order: each language folder (English first) with its files, or,
    without an English folder, the directory itself (read as English) with its files."""
    source = directory / SOURCE_LANGUAGE
    folders = [directory]
    if source.is_dir():
        others = (p for p in directory.iterdir() if p.is_dir() and LANGUAGE.match(p.name))
        folders = [source, *sorted(p for p in others if p.name != SOURCE_LANGUAGE)]
    return [(f, sorted(f.glob("*.yaml")) + sorted(f.glob("*.yml"))) for f in folders]


def check(directory: Path = DEFAULT_DIR, *, near: bool = True) -> tuple[Library, list[Problem]]:
    """Load every language folder (or, without any, the `*.yaml` in the directory as English);
    return the library and every problem found (`bot.content_files` reads and checks).
    `near=False` skips the near-duplicate pass (the bot's start does; `content check` not)."""
    from bot.content_files import check_directory

    return check_directory(directory, near=near)


class _Compiled(BaseModel):
    """A library as the cache keeps it (`load`): each prompt with the fields its file set."""

    prompts: list[Prompt]
    translations: dict[str, dict[str, str]]
    follow_ups: dict[str, dict[str, str]]


CACHE_ENTRY = "content.json"


def _key(directory: Path) -> str | None:
    """What a library read from `directory` depends on: the files `check` reads (their
    folders and names too) and the code that reads and checks them. None if one cannot be
    read (then `check` says which)."""
    code = (Path(__file__), Path(__file__).with_name("content_files.py"))
    try:
        parts = [path.read_bytes() for path in code]
        for folder, files in sources(directory):
            parts.append(str(folder.relative_to(directory)).encode())
            for path in files:
                parts += [path.name.encode(), path.read_bytes()]
    except OSError:
        return None
    return cache.fingerprint(parts)


def load(directory: Path | None = None) -> Library:
    """The library, or a ValueError naming every problem.

    A library without problems is kept in the bot's cache (`bot.cache`), keyed by every byte
    it was read from and by the code that checked it: a later start from the same files
    reads it from there (validated again as prompts, ~0.03 s) instead of from the YAML
    (~0.4 s). Files with a problem are read and reported at every start."""
    directory = directory or DEFAULT_DIR
    key = _key(directory)
    kept = cache.read(CACHE_ENTRY, key) if key else None
    if kept is not None:
        try:
            compiled = _Compiled.model_validate_json(kept)
        except ValueError:  # damaged: read the files (and mend it)
            pass
        else:
            prompts = {prompt.id: prompt for prompt in compiled.prompts}
            return Library(prompts, compiled.translations, compiled.follow_ups)
    library, problems = check(directory, near=False)
    if problems:
        raise ValueError("content problems:\n" + "\n".join(str(p) for p in problems))
    if key:
        compiled = _Compiled(
            prompts=list(library.prompts.values()),
            translations=library.translations,
            follow_ups=library.follow_ups,
        )
        cache.write(CACHE_ENTRY, key, compiled.model_dump_json(exclude_unset=True).encode())
    return library
