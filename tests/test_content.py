"""The prompt library and `python -m bot content check`."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from bot import content

GOOD = """\
kind: curiosity
prompts:
  - id: curiosity-smell
    depth: 1
    text: "What's a smell that takes you back to being a kid?"
  - id: curiosity-told
    depth: 3
    text: "What's something you've wanted to tell me but weren't sure how?"
"""


def write(tmp_path: Path, name: str, body: str) -> Path:
    tmp_path.mkdir(parents=True, exist_ok=True)
    (tmp_path / name).write_text(body, encoding="utf-8")
    return tmp_path


def run_check(directory: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", "content", "check", "--dir", str(directory)],
        capture_output=True,
        text=True,
        check=False,
    )


def test_the_shipped_library_is_valid_and_large_enough() -> None:
    library, problems = content.check()
    assert problems == []
    for kind in content.KINDS:
        assert (
            len(
                library.of(kind)
                if kind != "curiosity"
                else [p for d in (1, 2, 3) for p in library.of(kind, d)]
            )
            >= 20
        ), kind
    for occasion in content.OCCASIONS:
        assert library.for_occasion(occasion), occasion


def test_check_prints_one_summary_line(tmp_path: Path) -> None:
    result = run_check(write(tmp_path, "c.yaml", GOOD))
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "2 prompts: check-in 0, curiosity 2 (depth 1: 1, depth 3: 1), appreciation 0, goals 0, "
        "affection 0, date 0, celebration 0, photo 0"
    ]


def test_check_of_the_shipped_library_starts_with_the_count() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot", "content", "check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    # The count is of what a couple can be sent without a pack; packs and retired ones follow.
    library = content.load()
    count = len([p for p in library.prompts.values() if not p.retired and p.pack is None])
    assert result.stdout.startswith(f"{count} prompts: check-in ")


@pytest.mark.parametrize(
    ("extra", "line", "problem"),
    [
        (
            '  - id: curiosity-smell\n    depth: 2\n    text: "A different question?"\n',
            9,
            "duplicate id",
        ),
        (
            "  - id: curiosity-other\n    depth: 2\n"
            '    text: "what\'s a SMELL that takes you back to being a kid"\n',
            9,
            "duplicate text",
        ),
        ('  - id: curiosity-empty\n    depth: 2\n    text: "   "\n', 9, "empty text"),
        (
            '  - id: curiosity-kind\n    kind: gossip\n    text: "Who?"\n',
            9,
            "unknown kind 'gossip'",
        ),
        (
            "  - id: curiosity-near\n    depth: 1\n"
            '    text: "What is a smell that takes you back to being a child?"\n',
            9,
            "near duplicate of 'curiosity-smell'",
        ),
        ('  - id: curiosity-nodepth\n    text: "What do you hope for?"\n', 9, "needs a depth"),
        ('  - id: Bad Id\n    depth: 1\n    text: "Fine text?"\n', 9, "id:"),
        (
            f'  - id: curiosity-long\n    depth: 1\n    text: "{"a" * 201}"\n',
            9,
            "keep it under 200",
        ),
    ],
)
def test_problems_name_file_and_line(tmp_path: Path, extra: str, line: int, problem: str) -> None:
    write(tmp_path, "c.yaml", GOOD + extra)
    result = run_check(tmp_path)
    assert result.returncode == 1
    first = result.stderr.splitlines()[0]
    assert first.startswith(f"{tmp_path / 'c.yaml'}:{line}: ")
    assert problem in first


def test_broken_yaml_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    write(tmp_path, "c.yaml", "kind: curiosity\nprompts:\n  - id: [unclosed\n")
    result = run_check(tmp_path)
    assert result.returncode == 1
    assert "not valid YAML" in result.stderr
    assert "Traceback" not in result.stderr


def test_duplicates_across_files_are_found(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", GOOD)
    write(tmp_path, "b.yaml", GOOD.replace("curiosity-smell", "curiosity-smell-2"))
    _, problems = content.check(tmp_path)
    assert any("b.yaml" in str(p.path) and "duplicate" in p.message for p in problems)


PLACED = """\
kind: affection
prompts:
  - id: affection-hug
    where: together
    text: "A 20-second hug before one of you heads out the door today."
  - id: affection-sky
    where: apart
    text: "Take a photo of the sky above you today and send it."
  - id: affection-voice
    text: "Send a short voice note today, just your voice saying hello."
"""

CHECK_IN = """\
kind: check-in
prompts:
  - id: check-in-high-low
    text: "One high and one low from your day?"
"""


def test_where_is_read_and_defaults_to_either(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", PLACED)
    write(tmp_path, "c.yaml", CHECK_IN)
    library, problems = content.check(tmp_path)
    assert problems == []
    assert [p.where for p in library.of("affection")] == ["together", "apart", "either"]
    assert library.prompts["check-in-high-low"].where == "either"


@pytest.mark.parametrize(
    ("name", "body", "line", "problem"),
    [
        (
            "c.yaml",
            CHECK_IN + '  - id: check-in-closest\n    where: apart\n    text: "Closest today?"\n',
            5,
            "only affection and date prompts have a where, not check-in",
        ),
        (
            "c.yaml",
            CHECK_IN + '  - id: check-in-either\n    where: either\n    text: "Closest today?"\n',
            5,
            "only affection and date prompts have a where, not check-in",
        ),
        (
            "a.yaml",
            PLACED + '  - id: affection-far\n    where: far\n    text: "Send a postcard."\n',
            11,
            "where must be together, apart or either, not 'far'",
        ),
        (
            "a.yaml",
            PLACED + '  - id: affection-blank\n    where:\n    text: "Send a postcard."\n',
            11,
            "where must be together, apart or either",
        ),
    ],
)
def test_a_wrong_where_names_file_and_line(
    tmp_path: Path, name: str, body: str, line: int, problem: str
) -> None:
    write(tmp_path, name, body)
    result = run_check(tmp_path)
    assert result.returncode == 1
    first = result.stderr.splitlines()[0]
    assert first.startswith(f"{tmp_path / name}:{line}: ")
    assert problem in first


def test_the_shipped_library_has_enough_ideas_for_a_distance() -> None:
    library = content.load()
    for kind, enough in (("affection", 40), ("date", 25)):
        usable = [p for p in library.of(kind) if p.where in {"apart", "either"}]
        assert len(usable) >= enough, kind


def test_every_shipped_affection_and_date_idea_states_where() -> None:
    seen = 0
    for path in sorted((content.DEFAULT_DIR / "en").glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for item in data["prompts"]:
            if item.get("kind", data.get("kind")) in content.PLACED_KINDS:
                seen += 1
                assert "where" in item, f"{path.name}: {item['id']} does not say where"
    library = content.load()
    placed = [p for p in library.prompts.values() if p.kind in content.PLACED_KINDS]
    assert seen == len(placed)


SPANISH = """\
kind: affection
prompts:
  - id: affection-hug
    where: together
    text: "Un abrazo de veinte segundos antes de que alguien salga hoy por la puerta."
  - id: affection-sky
    where: apart
    text: "Hazle hoy una foto al cielo que tienes encima y envíala."
  - id: affection-voice
    text: "Manda hoy una nota de voz corta: solo tu voz diciendo hola."
"""


def test_each_language_has_every_id_and_its_own_text(tmp_path: Path) -> None:
    write(tmp_path / "en", "a.yaml", PLACED)
    write(tmp_path / "es", "a.yaml", SPANISH)
    library, problems = content.check(tmp_path)
    assert problems == []
    assert library.languages == ("en", "es")
    assert (
        library.text("affection-sky", "es")
        == "Hazle hoy una foto al cielo que tienes encima y envíala."
    )
    assert library.text("affection-sky", "en") == library.prompts["affection-sky"].text
    assert library.text("affection-sky", "fr") == library.prompts["affection-sky"].text
    assert library.text("no-such-id", "es") is None
    summary = library.summary().splitlines()
    assert summary[0].startswith("3 prompts: check-in 0")
    assert summary[1].startswith("es: 3 prompts: check-in 0")


@pytest.mark.parametrize(
    ("spanish", "problem"),
    [
        (
            SPANISH[: SPANISH.index("  - id: affection-voice")],
            "'affection-voice' is missing in es",
        ),
        (
            SPANISH.replace(
                "Hazle hoy una foto al cielo que tienes encima y envíala.",
                "Take a photo of the sky above you today and send it.",
            ),
            "English leftover",
        ),
        (
            SPANISH.replace(
                "Un abrazo de veinte segundos",
                "A 20-second hug with the one you love, and your coffee",
            ),
            "English leftover",
        ),
        (SPANISH.replace("where: apart", "where: together"), "where differs from English"),
        (
            SPANISH + '  - id: affection-extra\n    text: "Algo que no existe en inglés."\n',
            "'affection-extra' is not in English",
        ),
    ],
    ids=["missing", "same-as-english", "english-words", "where", "extra"],
)
def test_a_translation_is_checked_against_english(
    tmp_path: Path, spanish: str, problem: str
) -> None:
    write(tmp_path / "en", "a.yaml", PLACED)
    write(tmp_path / "es", "a.yaml", spanish)
    _, problems = content.check(tmp_path)
    assert any(problem in p.message for p in problems), problems


def test_russian_without_cyrillic_is_an_english_leftover(tmp_path: Path) -> None:
    write(tmp_path / "en", "c.yaml", CHECK_IN)
    write(tmp_path / "ru", "c.yaml", CHECK_IN.replace("One high and one low from your day?", "Hi?"))
    _, problems = content.check(tmp_path)
    assert [p.message for p in problems] == ["English leftover: translate this text"]


def test_the_shipped_languages_have_every_prompt() -> None:
    library, problems = content.check()
    assert problems == []
    assert library.languages == ("en", "es", "ru")
    for lang in ("es", "ru"):
        assert library.translations[lang].keys() == library.prompts.keys()


RETIRING = """\
kind: curiosity
prompts:
  - id: curiosity-smell
    depth: 1
    text: "What's a smell that takes you back to being a kid?"
  - id: curiosity-sound
    depth: 1
    retired: true
    text: "What's a sound that always makes you feel at home?"
"""

RETIRED_EVERY_KIND = """\
kind: {kind}
prompts:
  - id: {kind}-old
    retired: true
    {extra}text: "An old line of the {kind} kind, kept for history."
"""


def test_a_retired_prompt_is_never_chosen_but_still_read(tmp_path: Path) -> None:
    library, problems = content.check(write(tmp_path, "c.yaml", RETIRING))
    assert problems == []
    assert [p.id for p in library.of("curiosity", 1)] == ["curiosity-smell"]
    retired = library.get("curiosity-sound")
    assert retired is not None
    assert retired.retired
    assert library.text("curiosity-sound") == "What's a sound that always makes you feel at home?"
    assert library.summary().endswith("; 1 retired")


@pytest.mark.parametrize("kind", content.KINDS)
def test_any_kind_of_prompt_may_be_retired(tmp_path: Path, kind: str) -> None:
    extra = {
        "curiosity": "depth: 2\n    ",
        "celebration": "occasion: win\n    ",
        "date": "cost: free\n    effort: easy\n    ",
    }.get(kind, "")
    body = RETIRED_EVERY_KIND.format(kind=kind, extra=extra)
    library, problems = content.check(write(tmp_path, "c.yaml", body))
    assert problems == []
    assert library.get(f"{kind}-old") is not None
    assert not library.of(kind, 2 if kind == "curiosity" else None)
    assert not library.for_occasion("win")


def test_a_translation_retires_what_english_retires(tmp_path: Path) -> None:
    write(tmp_path / "en", "a.yaml", RETIRING)
    spanish = RETIRING.replace(
        "What's a smell that takes you back to being a kid?",
        "¿Qué olor te devuelve a cuando eras niño?",
    ).replace(
        "What's a sound that always makes you feel at home?",
        "¿Qué sonido te hace sentir siempre en casa?",
    )
    write(tmp_path / "es", "a.yaml", spanish)
    library, problems = content.check(tmp_path)
    assert problems == []
    assert library.text("curiosity-sound", "es") == "¿Qué sonido te hace sentir siempre en casa?"

    write(tmp_path / "es", "a.yaml", spanish.replace("    retired: true\n", ""))
    _, problems = content.check(tmp_path)
    assert [p.message for p in problems] == ["retired differs from English: False"]


SHIPPED_IDS = Path(__file__).parent / "data" / "shipped_prompt_ids.txt"


def test_no_prompt_id_ever_shipped_disappears() -> None:
    """Every id ever shipped (tests/data/shipped_prompt_ids.txt) is still in content/en: old
    conversations, PromptUse rows and /export name prompts by id. A prompt that should no longer
    be sent says `retired: true`; it is never deleted. A new prompt's id is appended to the file
    (keep it sorted, one id per line) in the change that adds it, and never taken out."""
    shipped = [line.strip() for line in SHIPPED_IDS.read_text(encoding="utf-8").splitlines()]
    shipped = [line for line in shipped if line]
    assert shipped == sorted(set(shipped)), "keep the list sorted, each id once"
    english, problems = content.check(content.DEFAULT_DIR / content.SOURCE_LANGUAGE, near=False)
    assert problems == []
    missing = [prompt_id for prompt_id in shipped if english.get(prompt_id) is None]
    assert not missing, f"shipped ids missing from content/en (retire them instead): {missing}"
    unlisted = sorted(set(english.prompts) - set(shipped))
    assert not unlisted, f"add the new ids to {SHIPPED_IDS.name}: {unlisted}"


# A year of the default rhythm, per couple: 3 curiosity evenings and a goals one every other
# Sunday a week, check-ins the rest; affection twice a week, appreciation and a date idea once,
# a recap each Sunday. Every pool a couple draws from holds more than a year of it (issue #15).
TARGETS = {
    "check-in": 220,
    "curiosity": 480,
    "appreciation": 110,
    "goals": 90,
    "affection": 150,
    "date": 120,
    "celebration": 60,
}
YEAR = {"affection": 104, "date": 52}  # nudges a year, for a couple together or apart


def test_the_shipped_library_lasts_a_year() -> None:
    library = content.load()
    live = [p for p in library.prompts.values() if not p.retired and p.pack is None]
    assert len(live) >= 1500
    for kind, least in TARGETS.items():
        assert len([p for p in live if p.kind == kind]) >= least, kind
    for depth in (1, 2, 3):
        assert len(library.of("curiosity", depth)) >= 160, depth
    for kind, a_year in YEAR.items():
        for apart in (False, True):
            assert len(library.of(kind, apart=apart)) > a_year, (kind, apart)
    assert len(library.for_occasion("recap")) > 52  # a recap line for every Sunday of a year
    for occasion in content.OCCASIONS:
        assert len(library.for_occasion(occasion)) >= 6, occasion
    curiosity = [p for p in live if p.kind == "curiosity"]
    assert len([p for p in curiosity if p.follow_up]) * 3 >= len(curiosity)


def test_every_shipped_date_says_what_it_costs_and_takes() -> None:
    library = content.load()
    dates = [p for p in library.prompts.values() if p.kind == "date"]
    assert dates
    assert all(p.cost in content.COSTS and p.effort in content.EFFORTS for p in dates)
    cheap_and_easy = [p for p in dates if p.cost != "high" and p.effort == "easy"]
    assert len(cheap_and_easy) * 2 > len(dates)  # most dates are cheap and easy


def test_every_pack_ships_with_at_least_thirty_prompts() -> None:
    from bot.core import packs

    assert content.PACKS == packs.PACKS
    library = content.load()
    for pack in packs.PACKS:
        assert len(library.of_pack(pack)) >= 30, pack
    series = library.of_pack(packs.SERIES)
    assert len(series) == 36
    assert [p.depth for p in series] == [1] * 12 + [2] * 12 + [3] * 12  # three sets, deeper


def test_pack_prompts_join_only_when_asked(tmp_path: Path) -> None:
    write(
        tmp_path,
        "pack-playful.yaml",
        "kind: curiosity\npack: playful\nprompts:\n"
        '  - id: curiosity-tea-or-coffee\n    depth: 1\n    text: "Tea or coffee, and why?"\n',
    )
    write(tmp_path, "c.yaml", GOOD)
    library, problems = content.check(tmp_path)
    assert problems == []
    assert [p.id for p in library.of("curiosity", 1)] == ["curiosity-smell"]
    assert [p.id for p in library.of("curiosity", 1, packs=["playful"])] == [
        "curiosity-smell",
        "curiosity-tea-or-coffee",
    ]
    assert "; packs: playful 1" in library.summary()


@pytest.mark.parametrize(
    ("extra", "problem"),
    [
        ("  - id: date-x\n    kind: date\n    text: A walk.\n", "a date needs a cost"),
        (
            "  - id: checkin-x\n    kind: check-in\n    cost: free\n    text: Hi?\n",
            "only dates have a cost",
        ),
        (
            "  - id: affection-x\n    kind: affection\n    follow_up: Ask.\n    text: Hug.\n",
            "have a follow_up",
        ),
        ("  - id: checkin-y\n    kind: check-in\n    pack: nope\n    text: Hi?\n", "pack"),
    ],
)
def test_date_and_pack_fields_are_checked(tmp_path: Path, extra: str, problem: str) -> None:
    _, problems = content.check(write(tmp_path, "c.yaml", GOOD + extra))
    assert len(problems) == 1
    assert problem in problems[0].message


def test_a_follow_up_is_translated_with_its_prompt(tmp_path: Path) -> None:
    english = GOOD.replace(
        "    text: \"What's a smell",
        '    follow_up: "Ask what they smell now."\n    text: "What\'s a smell',
    )
    write(tmp_path / "en", "c.yaml", english)
    spanish = (
        "kind: curiosity\nprompts:\n"
        '  - id: curiosity-smell\n    depth: 1\n    text: "¿Qué olor te lleva a tu infancia?"\n'
        '  - id: curiosity-told\n    depth: 3\n    text: "¿Qué has querido contarme?"\n'
    )
    write(tmp_path / "es", "c.yaml", spanish)
    _, problems = content.check(tmp_path)
    assert [p.message for p in problems] == ["lacks the follow_up English has"]
    write(
        tmp_path / "es",
        "c.yaml",
        spanish.replace(
            '    text: "¿Qué olor',
            '    follow_up: "Pregúntale a qué huele ahora."\n    text: "¿Qué olor',
        ),
    )
    library, problems = content.check(tmp_path)
    assert problems == []
    assert library.follow_up("curiosity-smell", "es") == "Pregúntale a qué huele ahora."
    assert library.follow_up("curiosity-smell") == "Ask what they smell now."
    assert library.follow_up("curiosity-told", "es") is None


def _same(one: content.Library, other: content.Library) -> None:
    assert list(one.prompts) == list(other.prompts)  # file order too
    assert one.prompts == other.prompts
    for prompt_id, prompt in one.prompts.items():
        assert prompt.model_fields_set == other.prompts[prompt_id].model_fields_set
    assert one.translations == other.translations
    assert one.follow_ups == other.follow_ups
    assert one.summary() == other.summary()


def test_a_library_read_again_comes_from_the_cache_as_it_was_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    read = content.load()
    assert (tmp_path / "cache" / "rekindle" / content.CACHE_ENTRY).is_file()
    checked, _ = content.check(content.DEFAULT_DIR, near=False)
    monkeypatch.setattr(content, "check", lambda *_, **__: pytest.fail("read the files again"))
    kept = content.load()
    _same(kept, read)
    _same(kept, checked)


def test_a_changed_file_is_read_again_and_a_problem_is_reported_every_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    write(tmp_path / "lib" / "en", "a.yaml", PLACED)
    write(tmp_path / "lib" / "es", "a.yaml", SPANISH)
    assert content.load(tmp_path / "lib").text("affection-sky", "es") == (
        "Hazle hoy una foto al cielo que tienes encima y envíala."
    )
    write(tmp_path / "lib" / "es", "a.yaml", SPANISH.replace("Hazle hoy", "Hazle mañana"))
    assert content.load(tmp_path / "lib").text("affection-sky", "es") == (
        "Hazle mañana una foto al cielo que tienes encima y envíala."
    )
    (tmp_path / "lib" / "fr").mkdir()  # a language folder without files is a problem
    for _ in range(2):
        with pytest.raises(ValueError, match="no content files"):
            content.load(tmp_path / "lib")


TWO_MORE = ["affection-sky", "affection-voice"]


def test_without_a_usable_cache_the_files_are_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "cache").write_text("a file where the cache folder would be")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    write(tmp_path / "lib" / "en", "a.yaml", PLACED)
    assert list(content.load(tmp_path / "lib").prompts) == list(
        content.check(tmp_path / "lib")[0].prompts
    )
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "good"))
    content.load(tmp_path / "lib")
    entry = tmp_path / "good" / "rekindle" / content.CACHE_ENTRY
    key = entry.read_bytes().split(b"\n", 1)[0]
    entry.write_bytes(key + b"\n{not json")  # damaged: read the files, and mend it
    assert list(content.load(tmp_path / "lib").prompts) == ["affection-hug", *TWO_MORE]
    assert json.loads(entry.read_bytes().split(b"\n", 1)[1])["prompts"][0]["id"] == "affection-hug"
