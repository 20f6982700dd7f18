"""A year of a couple's evenings, written straight into the database (no beat, no outbox): for
/story's tests and `bench/story.py`."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.content import Library
from bot.core.models import Answer, Conversation, Couple, DatePlan, Goal, Member, Milestone, Win

# Words as partners write them: accents, Cyrillic, emoji, a line break.
SAYINGS = (
    "A long walk after work, and you laughed at my terrible joke 😄",
    "Café con leche en la terraza, ¡qué mañana tan tranquila!",
    "Сегодня было трудно, но твоё сообщение меня согрело ❤️",
    "Honestly? Tired.\nBut the soup you made fixed most of it.",
    "When you held the door and said nothing, just smiled.",
)


@dataclass
class Year:
    """What was written: the couple, and each revealed answer's words (to find in the book), and
    the words that must never be in it."""

    couple_id: int
    member_ids: tuple[int, int]
    revealed: list[str] = field(default_factory=list)
    hidden: list[str] = field(default_factory=list)
    wins: list[str] = field(default_factory=list)
    photo_files: list[str] = field(default_factory=list)  # the photo answers' file ids


def _at(day: date, hour: int = 20) -> datetime:
    return datetime.combine(day, time(hour, 30), tzinfo=UTC)


async def a_year(
    session: AsyncSession,
    library: Library,
    *,
    first: date,
    evenings: int = 365,
    wins: int = 100,
    photos: int = 50,
    names: tuple[str, str] = ("Alex", "Sam"),
    languages: tuple[str | None, str | None] = (None, None),
) -> Year:
    """A couple paired the day before `first`, then `evenings` evenings both answered and
    revealed (every `evenings // photos`th of one partner's a photo), `wins` wins, a goal and a
    date each month, a milestone; and, never to be shown: a sealed answer, a late one, and an
    evening one skipped."""
    created = _at(first - timedelta(days=1), 12)
    members = [
        Member(
            channel="test",
            user_id=who,
            chat_id=who,
            display_name=name,
            language=lang,
            created_at=created,
        )
        for who, name, lang in zip(("a", "b"), names, languages, strict=True)
    ]
    session.add_all(members)
    await session.flush()
    a, b = (m.id for m in members)
    assert a is not None
    assert b is not None
    couple = Couple(member_a_id=a, member_b_id=b, created_at=created)
    session.add(couple)
    await session.flush()
    assert couple.id is not None
    for member in members:
        member.couple_id = couple.id
    year = Year(couple_id=couple.id, member_ids=(a, b))
    checkins = sorted(p.id for p in library.prompts.values() if p.kind == "check-in")
    photo_every = max(1, evenings // photos) if photos else 0
    for index in range(evenings):
        day = first + timedelta(days=index)
        conversation = Conversation(
            couple_id=couple.id,
            day=day.isoformat(),
            kind="check-in",
            prompt_id=checkins[index % len(checkins)],
            created_at=_at(day),
            closed_at=_at(day, 23),
            revealed_at=_at(day, 22),
        )
        session.add(conversation)
        await session.flush()
        assert conversation.id is not None
        for member_id, who in ((a, "A"), (b, "B")):
            words = f"{who}{index}: {SAYINGS[(index + (who == 'B')) % len(SAYINGS)]}"
            media = None
            if who == "B" and photo_every and index % photo_every == 0:
                media = {
                    "channel": "test",
                    "kind": "photo",
                    "ref": f"p{index}",
                    "caption": words,
                    "file": f"file-{index}",  # fetchable where the app lets the bot
                }
                year.photo_files.append(f"file-{index}")
            session.add(
                Answer(
                    conversation_id=conversation.id,
                    member_id=member_id,
                    text=None if media else words,
                    media=media,
                    created_at=_at(day, 21),
                    updated_at=_at(day, 21),
                )
            )
            year.revealed.append(f"{who}{index}:")
        if index % 30 == 0:  # late words to a revealed evening: never in the book
            session.add(
                Answer(
                    conversation_id=conversation.id,
                    member_id=a,
                    text=f"LATE{index} words",
                    late=True,
                    created_at=_at(day, 23),
                    updated_at=_at(day, 23),
                )
            )
            year.hidden.append(f"LATE{index}")
    end = first + timedelta(days=evenings)
    sealed = Conversation(
        couple_id=couple.id,
        day=end.isoformat(),
        kind="check-in",
        prompt_id=checkins[0],
        created_at=_at(end),
    )
    skipped = Conversation(
        couple_id=couple.id,
        day=(end + timedelta(days=1)).isoformat(),
        kind="check-in",
        prompt_id=checkins[1],
        created_at=_at(end),
        closed_at=_at(end, 21),
    )
    session.add_all([sealed, skipped])
    await session.flush()
    assert sealed.id is not None
    assert skipped.id is not None
    for conversation_id, text in ((sealed.id, "SEALED words"), (skipped.id, "SKIPPED words")):
        session.add(
            Answer(
                conversation_id=conversation_id,
                member_id=a,
                text=text,
                created_at=_at(end),
                updated_at=_at(end),
            )
        )
        year.hidden.append(text.split()[0])
    for index in range(wins):
        day = first + timedelta(days=index * max(1, evenings // max(wins, 1)))
        text = f"Win{index} we cooked together"
        session.add(Win(couple_id=couple.id, member_id=a, text=text, created_at=_at(day, 19)))
        year.wins.append(f"Win{index}")
    for month in range(0, evenings, 30):
        day = first + timedelta(days=month + 3)
        session.add(
            Goal(
                couple_id=couple.id,
                created_by=b,
                text=f"Goal{month} a weekend by the sea",
                created_at=_at(first),
                reached_at=_at(day, 18),
            )
        )
        session.add(
            DatePlan(
                couple_id=couple.id,
                created_by=a,
                at=_at(day + timedelta(days=2), 19),
                created_at=_at(day),
                accepted_at=_at(day, 21),
                lovely_at=_at(day + timedelta(days=3), 10),
            )
        )
    session.add(Milestone(couple_id=couple.id, name="first-reveal", reached_at=_at(first, 22)))
    await session.flush()
    return year
