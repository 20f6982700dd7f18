"""Our weekly check-in (`Couple.ritual_day`, opt-in in /settings): on the weekday the couple
picks, that evening's conversation (kind `ritual`, `bot.core.evening_days.evening_kind`) is
three short questions in turn: what went well for us this week, what was hard for me outside
us, one thing I'd love this week. The first comes as the evening's prompt, each next one in the
reply to the answer before it; once both partners have answered all three, each sees the
other's three answers with the questions (`bot.core.reveal.reveal`).

The questions are the bot's own sentences (`texts.RITUAL_QUESTIONS`, in every language), not
content prompts: nothing is chosen, nothing is counted as used, and the conversation keeps
`prompt_id` "ritual" with no stored text.

How the three answers are kept: in the member's one on-time `Answer` row of the conversation,
as its `text` (sealed like any answer's words), a small JSON document of the parts so far,
each with its words (or media) and the message it was given in. One row, because the schema
allows one on-time answer per member and conversation (`uq_answer_on_time`), and because then
everything that holds for an answer holds for the three: sealed at rest, revealed once, erased
by /deletemydata, exported by /export, and "has this member answered" stays one query. The
row's `message_ref` stays empty: each part keeps its own, so an edit of the message a part
was given in changes that part (`part_with`)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

from bot.core import texts, words
from bot.core.context import Ctx
from bot.core.events import MediaRef, keyboard, media_name
from bot.core.members import couple_and_partner
from bot.core.models import Answer, Couple
from bot.core.router import Router

KIND = "ritual"
# The questions' keys in `texts.RITUAL_QUESTIONS`, in the order they are asked.
QUESTIONS = ("well", "hard", "love")
_STORED = "ritual"  # the key of the parts in the stored document
OFF = "off"

router = Router()


@dataclass(frozen=True)
class Part:
    """One answered question: the words (a caption, with media), the media if any (as an
    `Answer.media` holds it), and the message it was given in."""

    text: str | None
    media: dict[str, Any] | None = None
    ref: str | None = None


def question(index: int, lang: str | None) -> str:
    """The `index`th question (0 is the first), in `lang`."""
    return words.translate(texts.RITUAL_QUESTIONS[QUESTIONS[index]], lang)


def stored(parts: Sequence[Part]) -> str:
    """What an answer's `text` keeps for the parts."""
    return json.dumps({_STORED: [asdict(part) for part in parts]}, ensure_ascii=False)


def parts_of(answer_row: Answer | None) -> list[Part]:
    """The parts a ritual answer holds so far. A stored text that is not the parts' document
    (one the sealer could not open reads as a placeholder) is taken as complete: each part
    reads as that text, and it costs only itself."""
    if answer_row is None:
        return []
    raw = answer_row.text or ""
    try:
        found = json.loads(raw)[_STORED]
        return [
            Part(
                text=item.get("text"),
                media=item.get("media"),
                ref=item.get("ref"),
            )
            for item in found[: len(QUESTIONS)]
        ]
    except (ValueError, KeyError, TypeError, AttributeError):
        return [Part(text=raw)] * len(QUESTIONS)


def finished(answer_row: Answer | None) -> bool:
    """Whether the answer holds all three parts."""
    return len(parts_of(answer_row)) >= len(QUESTIONS)


def part_with(answer_row: Answer, message_ref: str) -> int | None:
    """Which part (its index) was given in the message `message_ref`, if any."""
    for index, part in enumerate(parts_of(answer_row)):
        if part.ref == message_ref:
            return index
    return None


def prompt(*, partner_name: str, lang: str | None) -> str:
    """The evening's prompt: what the ritual is, and the first question."""
    return words.translate(texts.RITUAL_PROMPT, lang).format(
        count=len(QUESTIONS), question=question(0, lang), partner=partner_name
    )


def next_question(index: int, lang: str | None) -> str:
    """The reply after an answer: thanks, and the `index`th question."""
    return words.translate(texts.RITUAL_NEXT, lang).format(
        number=index + 1, count=len(QUESTIONS), question=question(index, lang)
    )


def revealed(
    parts: Sequence[Part], *, author_name: str, lang: str | None
) -> tuple[str, list[tuple[str, MediaRef]]]:
    """What a reader sees of the partner's three answers, in the reader's `lang`: one message
    with each question and its answer, and a message of its own for each part that was a
    voice note or a photo (text, media)."""
    lines, media = [], []
    for index, part in enumerate(parts):
        asked = question(index, lang)
        answer = part.text or ""
        if part.media:
            ref = MediaRef(**part.media)
            name = media_name(ref.kind, lang)
            answer = words.translate(texts.RITUAL_MEDIA_ANSWER, lang).format(media=name)
            framed = words.translate(texts.REVEAL_MEDIA, lang).format(
                partner=author_name, prompt=asked, media=name
            )
            media.append((framed, ref))
        lines.append(
            words.translate(texts.RITUAL_REVEAL_ANSWER, lang).format(question=asked, answer=answer)
        )
    text = words.translate(texts.RITUAL_REVEAL, lang).format(
        partner=author_name, answers="\n\n".join(lines)
    )
    return text, media


def exported(answer_row: Answer, lang: str | None) -> list[dict[str, Any]]:
    """A member's own ritual answer for /export: each question with their answer."""
    return [
        {
            "question": question(index, lang),
            "answer": part.text,
            "media": (part.media or {}).get("kind"),
        }
        for index, part in enumerate(parts_of(answer_row))
    ]


# --- /settings → Our weekly check-in: the day, or off -------------------------------------


def _day_name(day: str, lang: str | None) -> str:
    return words.weekday(texts.DAY_NAMES.index(day), "wide", lang)


def settings_line(couple: Couple, lang: str | None) -> str:
    """The line /settings shows: the day of the weekly check-in, or that it is off."""
    if couple.ritual_day in texts.DAY_NAMES:
        day = _day_name(couple.ritual_day, lang)
        return words.translate(texts.SETTINGS_RITUAL_DAY, lang).format(day=day)
    return words.translate(texts.SETTINGS_RITUAL_OFF, lang)


def _menu(ctx: Ctx, couple: Couple) -> tuple[str, tuple[tuple[Any, ...], ...]]:
    questions = "\n".join(f"• {question(i, ctx.lang)}" for i in range(len(QUESTIONS)))
    text = ctx.say(texts.RITUAL_MENU, questions=questions)
    days = [
        (
            f"{'●' if couple.ritual_day == day else '○'}{words.weekday(i, 'short', ctx.lang)}",
            f"ritual:{day}:{couple.id}",
        )
        for i, day in enumerate(texts.DAY_NAMES)
    ]
    off = couple.ritual_day not in texts.DAY_NAMES
    label = f"{'●' if off else '○'} {ctx.say(texts.RITUAL_OFF_BUTTON)}"
    return text, keyboard(days, [(label, f"ritual:{OFF}:{couple.id}")])


async def show(ctx: Ctx) -> None:
    """The weekly check-in menu: what it is, a button per weekday, and off."""
    paired = await couple_and_partner(ctx)
    if paired is None:
        return
    couple, _ = paired
    text, buttons = _menu(ctx, couple)
    ctx.reply(text, buttons)


@router.button("ritual")
async def _day_pressed(ctx: Ctx, parts: list[str]) -> None:
    """`ritual:<day|off>:<couple id>`: either partner sets the day for both (the other is
    told), or turns it off."""
    paired = await couple_and_partner(ctx)
    if paired is None:
        return
    couple, partner = paired
    match parts:
        case [choice, couple_id] if couple_id == str(couple.id) and (
            choice in texts.DAY_NAMES or choice == OFF
        ):
            pass
        case _:
            ctx.reply(ctx.say(texts.STALE_BUTTON))
            return
    day = None if choice == OFF else choice
    changed = couple.ritual_day != day
    couple.ritual_day = day
    _, buttons = _menu(ctx, couple)
    if day is None:
        done = ctx.say(texts.RITUAL_OFF_DONE)
    else:
        done = ctx.say(texts.RITUAL_SET, day=_day_name(day, ctx.lang))
    ctx.reply(done, buttons)
    if not changed:
        return
    if day is None:
        told = ctx.say_to(partner, texts.RITUAL_OFF_TOLD, partner=ctx.member.display_name)
    else:
        name = _day_name(day, words.spoken(partner.language))
        told = ctx.say_to(partner, texts.RITUAL_SET_TOLD, partner=ctx.member.display_name, day=name)
    ctx.push(partner, told)
