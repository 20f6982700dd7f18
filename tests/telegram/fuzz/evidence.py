"""What the fuzz test reads back to judge an answer: the forms of typed words, a couple's
rows and ids, and failures described in one line each."""

from __future__ import annotations

import traceback
from typing import Any

from sqlmodel import col, select

from bot.core.members import clean_name
from bot.core.models import (
    Answer,
    Appreciation,
    Conversation,
    Couple,
    DatePlan,
    Delivery,
    Goal,
    Member,
    Milestone,
    Moment,
    PromptUse,
    Schedule,
    Someday,
    Win,
)


class Found(AssertionError):
    """A property did not hold for one update."""

    def __init__(self, kind: str, detail: str) -> None:
        super().__init__(f"{kind}: {detail}")
        self.kind = kind


def _forms(text: str) -> set[str]:
    """The shapes in which the bot may show back what someone typed."""
    stripped, joined = text.strip(), " ".join(text.split())
    forms = {
        text,
        stripped,
        joined,
        stripped[:40],
        joined[:200],
        joined[:500],
        stripped[:2000],
        clean_name(text),
    }
    return {form for form in forms if form.strip()}


def _short(value: Any, limit: int = 1_500) -> str:
    shown = value if isinstance(value, str) else repr(value)
    return shown if len(shown) <= limit else shown[:limit] + f"... ({len(shown)} characters)"


def _origin(error: BaseException) -> str:
    """What makes two failures the same: the property, or the exception and the bot line."""
    if isinstance(error, Found):
        return error.kind
    frames = [f for f in traceback.extract_tb(error.__traceback__) if "/bot/" in f.filename]
    where = (
        f"bot/{frames[-1].filename.rsplit('/bot/', 1)[1]}:{frames[-1].lineno}" if frames else "?"
    )
    return f"{type(error).__name__} at {where}"


def _describe(error: BaseException) -> str:
    if isinstance(error, Found):
        return str(error)
    frames = [f for f in traceback.extract_tb(error.__traceback__) if "/bot/" in f.filename]
    stack = [
        f"  bot/{f.filename.rsplit('/bot/', 1)[1]}:{f.lineno} {f.name}: {f.line}" for f in frames
    ]
    notes = [_short(note) for note in getattr(error, "__notes__", [])]
    return "\n".join([f"{type(error).__name__}: {error}", *stack, *notes])


async def _ids_of(session: Any, couple_id: int) -> dict[str, list[int]]:
    """The ids of a couple's rows, as buttons name them."""

    async def ids(column: Any, *where: Any) -> list[int]:
        return list((await session.exec(select(column).where(*where))).all())

    conversations = await ids(Conversation.id, Conversation.couple_id == couple_id)
    return {
        "conversation": conversations,
        "answer": await ids(Answer.id, col(Answer.conversation_id).in_(conversations)),
        "appreciation": await ids(Appreciation.id, Appreciation.couple_id == couple_id),
        "goal": await ids(Goal.id, Goal.couple_id == couple_id),
        "plan": await ids(DatePlan.id, DatePlan.couple_id == couple_id),
        "someday": await ids(Someday.id, Someday.couple_id == couple_id),
        "member": await ids(Member.id, Member.couple_id == couple_id),
    }


def _int(text: str) -> int | None:
    return int(text) if text.isascii() and text.isdigit() and len(text) < 10 else None


async def _target_couple(session: Any, data: str) -> int | None:
    """The couple whose rows a button's data names, if any."""
    action, _, rest = data.partition(":")
    parts = rest.split(":")
    owners: dict[str, Any] = {
        "thank": Appreciation,
        "goal": Goal,
        "skip": Conversation,
        "deep": Conversation,
        "datehow": DatePlan,
        "dateyes": DatePlan,
        "datelater": DatePlan,
        "someday": Someday,
        "erase": Member,
    }
    if action == "dateday":  # dateday:<day>:<couple>[:<someday item>]
        return _int(parts[1]) if len(parts) > 1 else None
    if action in ("unpair", "set"):
        return _int(parts[-1])
    if action in ("hug", "appr"):
        return _int(parts[0])
    row_id = _int(parts[-1])
    if row_id is None:
        return None
    if action == "save":
        answer = await session.get(Answer, row_id)
        conversation = await session.get(Conversation, answer.conversation_id) if answer else None
        return conversation.couple_id if conversation else None
    if action in owners:
        row = await session.get(owners[action], row_id)
        return row.couple_id if row is not None else None
    return None


async def _snapshot(session: Any, couple_id: int) -> dict[str, Any]:
    """Every row that belongs to a couple, as plain values."""

    async def rows(model: Any, *where: Any) -> list[dict[str, Any]]:
        found = (await session.exec(select(model).where(*where))).all()
        return sorted((row.model_dump() for row in found), key=repr)

    couple = await session.get(Couple, couple_id)
    members = await rows(Member, Member.couple_id == couple_id)
    people = [m["id"] for m in members]
    if couple is not None:
        people += [couple.member_a_id, couple.member_b_id]
    conversations = await rows(Conversation, Conversation.couple_id == couple_id)
    asked = [c["id"] for c in conversations]
    return {
        "couple": couple.model_dump() if couple else None,
        "members": members,
        "conversations": conversations,
        "answers": await rows(Answer, col(Answer.conversation_id).in_(asked)),
        "appreciations": await rows(Appreciation, Appreciation.couple_id == couple_id),
        "goals": await rows(Goal, Goal.couple_id == couple_id),
        "wins": await rows(Win, Win.couple_id == couple_id),
        "dates": await rows(DatePlan, DatePlan.couple_id == couple_id),
        "someday": await rows(Someday, Someday.couple_id == couple_id),
        "moments": await rows(Moment, Moment.couple_id == couple_id),
        "milestones": await rows(Milestone, Milestone.couple_id == couple_id),
        "prompts": await rows(PromptUse, PromptUse.couple_id == couple_id),
        "schedules": await rows(Schedule, col(Schedule.member_id).in_(people)),
        "deliveries": await rows(Delivery, col(Delivery.member_id).in_(people)),
    }
