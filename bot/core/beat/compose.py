"""Compose: what each firing row sends, from one table of rhythms (`COMPOSERS`).

A rhythm's composer is two parts: `gather`, which looks up what the rows of a batch need in a
few set-based statements (shared by rhythms that need the same lookups, and called once for
all of their rows), and `compose`, which turns one row and what was gathered into its message
(or None: nothing to send). A new rhythm is one entry here and one in `bot/core/rhythm.py`."""

from __future__ import annotations

from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any, Generic, NamedTuple, TypeVar

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.core import cadence, love_maps, our_dates, ritual, story, texts, words
from bot.core.apart import days_to_meet, is_apart
from bot.core.beat.claim import Row
from bot.core.conversations import prompt_buttons, prompt_text
from bot.core.day_conversation import conversations_for_days
from bot.core.events import Button, Outgoing, keyboard
from bot.core.local_time import local_date
from bot.core.milestones import line as celebration_line
from bot.core.models import Answer, Conversation, Couple, DatePlan, Member, Milestone, Someday
from bot.core.ports import Library, Prompt
from bot.core.prompts import Use, Want, choose_many, prompts_for_days, record_seen
from bot.core.rhythm import NUDGES
from bot.core.tally import collect, summary
from bot.core.zones import zone_info

# How far around now the morning and the day-after rows look for their date: a date is at most
# a day and a half before its question (asked at 10:00 the next day), plus the beat's grace.
DATE_WINDOW = timedelta(days=3)


def _say(row: Row, sentence: str, /, **params: object) -> str:
    """A sentence of the catalog in the row member's language, filled in."""
    return words.translate(sentence, row.language).format(**params)


def _out(row: Row, text: str, buttons: tuple[tuple[Button, ...], ...] = ()) -> Outgoing:
    """A message to the row's member, who reads it in their language."""
    return Outgoing(row.recipient(), text, buttons, lang=row.language)


class Made(NamedTuple):
    """A row's message, the conversation it opens (evening prompts), the kind of its delivery
    when it is not the row's rhythm, and the milestones of the couple it celebrates once
    (recorded with it, only if it is recorded)."""

    out: Outgoing
    conversation_id: int | None = None
    kind: str | None = None
    milestones: tuple[str, ...] = ()


Found = TypeVar("Found")
Gather = Callable[[AsyncSession, Library, list[Row], datetime], Awaitable[Found]]


@dataclass(frozen=True)
class Composer(Generic[Found]):
    gather: Gather[Found]
    compose: Callable[[Row, Library, Found], Made | None]


async def compose(
    session: AsyncSession, library: Library, rows: list[Row], *, now: datetime
) -> dict[tuple[int, str], Made]:
    """Each row's message, by (member, rhythm). Every gather runs once, for all of its rows, in
    the table's order (the evening's first: making a conversation closes the one before, which
    a reminder looks at)."""
    by_gather: dict[Gather[Any], list[Row]] = {c.gather: [] for c in COMPOSERS.values()}
    for row in rows:
        by_gather[COMPOSERS[row.rhythm].gather].append(row)
    found = {
        gather: await gather(session, library, some, now)
        for gather, some in by_gather.items()
        if some
    }
    made: dict[tuple[int, str], Made] = {}
    for row in rows:
        composer = COMPOSERS[row.rhythm]
        message = composer.compose(row, library, found[composer.gather])
        if message is not None:
            made[(row.member_id, row.rhythm)] = message
    return made


# --- evening: the day's conversation, found or made for all couples at once ------------------


class Evenings(NamedTuple):
    """Each couple-day's conversation, what the love-maps ones come back to, and the
    couple-days that bring the word that it goes quieter (`bot.core.cadence`)."""

    conversations: dict[tuple[int, str], Conversation]
    sources: dict[int, love_maps.Source]
    quiet: set[tuple[int, str]]


async def conversations(
    session: AsyncSession, library: Library, rows: list[Row], now: datetime
) -> Evenings:
    couples = {row.couple_id: row.couple for row in rows}
    histories = await cadence.histories(
        session, couples, through=max(row.couple_day for row in rows)
    )
    wanted: dict[tuple[int, str], tuple[Couple, str]] = {}
    quiet: set[tuple[int, str]] = set()
    for row in rows:
        key = (row.couple_id, row.couple_day.isoformat())
        kind = cadence.tonight(
            row.couple,
            row.couple_day,
            history=histories[row.couple_id],
            slot=row.slot,
            zones=(row.zone, row.partner_zone),
        )
        if kind == cadence.QUIET:
            quiet.add(key)
        elif kind is not None:
            wanted.setdefault(key, (row.couple, kind))
    found = await conversations_for_days(session, library, wanted, now=now)
    return Evenings(found, await love_maps.sources(session, found.values()), quiet)


def evening(row: Row, library: Library, found: Evenings) -> Made | None:
    key = (row.couple_id, row.couple_day.isoformat())
    if key in found.quiet:
        return Made(_out(row, _say(row, texts.QUIET_NOTICE)), kind=cadence.QUIET)
    conversation = found.conversations.get(key)
    if conversation is None:
        return None
    lang = row.language
    text = prompt_text(
        library,
        conversation,
        partner_name=row.partner_name,
        lang=lang,
        reader_id=row.member_id,
        zone=row.zone,
        source=found.sources.get(conversation.id or 0),
        meet_in=days_to_meet(row.couple, day=row.day, zones=(row.zone, row.partner_zone)),
    )
    buttons = prompt_buttons(conversation, lang)
    return Made(Outgoing(row.recipient(), text, buttons, lang=lang), conversation.id)


# --- reminder: only to a member whose partner answered while they have not -------------------


async def waiting_partners(
    session: AsyncSession, _library: Library, rows: list[Row], _now: datetime
) -> set[int]:
    ids = {row.current_conversation_id for row in rows if row.current_conversation_id}
    if not ids:
        return set()
    kinds = dict(
        (
            await session.exec(
                select(col(Conversation.id), col(Conversation.kind)).where(
                    col(Conversation.id).in_(ids),
                    col(Conversation.closed_at).is_(None),
                    col(Conversation.revealed_at).is_(None),
                )
            )
        ).all()
    )
    open_ids = set(kinds)
    # A weekly check-in is answered once all three of its questions are (`bot.core.ritual`):
    # its answers' words are read for that, and only its.
    rituals = {i for i, kind in kinds.items() if kind == ritual.KIND}
    answered = set(
        (
            await session.exec(
                select(col(Answer.conversation_id), col(Answer.member_id)).where(
                    col(Answer.conversation_id).in_(open_ids - rituals),
                    col(Answer.late).is_(False),
                )
            )
        ).all()
    )
    if rituals:
        found = await session.exec(
            select(Answer).where(
                col(Answer.conversation_id).in_(rituals), col(Answer.late).is_(False)
            )
        )
        answered |= {(a.conversation_id, a.member_id) for a in found.all() if ritual.finished(a)}
    return {
        row.member_id
        for row in rows
        if row.current_conversation_id in open_ids
        and (row.current_conversation_id, row.partner_id) in answered
        and (row.current_conversation_id, row.member_id) not in answered
    }


def reminder(row: Row, _library: Library, waiting: set[int]) -> Made | None:
    if row.member_id not in waiting:
        return None
    return Made(_out(row, _say(row, texts.REMINDER, partner=row.partner_name)))


# --- nudges: the couple's prompt of the rhythm's kind for the member's day -------------------


async def nudge_prompts(
    session: AsyncSession, library: Library, rows: list[Row], now: datetime
) -> dict[Use, Prompt]:
    wanted = {
        Use(row.couple_id, row.rhythm, row.day.isoformat()): Want(apart=is_apart(row.couple, now))
        for row in rows
    }
    return await prompts_for_days(session, library, wanted)


def _nudge_prompt(row: Row, library: Library, prompts: dict[Use, Prompt]) -> str | None:
    """The text of the couple's prompt for the member's day, in the member's language."""
    prompt = prompts.get(Use(row.couple_id, row.rhythm, row.day.isoformat()))
    if prompt is None:
        return None
    return library.text(prompt.id, row.language) or prompt.text


def affection(row: Row, library: Library, prompts: dict[Use, Prompt]) -> Made | None:
    prompt = _nudge_prompt(row, library, prompts)
    if prompt is None:
        return None
    button = (_say(row, texts.AFFECTION_BUTTON), f"hug:{row.couple_id}:{row.day.isoformat()}")
    text = _say(row, texts.AFFECTION_NUDGE, prompt=prompt)
    return Made(_out(row, text, keyboard([button])))


def appreciation(row: Row, library: Library, prompts: dict[Use, Prompt]) -> Made | None:
    prompt = _nudge_prompt(row, library, prompts)
    if prompt is None:
        return None
    button = (_say(row, texts.APPRECIATION_BUTTON), f"appr:{row.couple_id}")
    text = _say(row, texts.APPRECIATION_NUDGE, prompt=prompt)
    return Made(_out(row, text, keyboard([button])))


# --- the date nudge: an item of the couple's someday list, else the library's idea ------------


class DateIdeas(NamedTuple):
    """Each couple's open someday items (oldest first), and the library's idea for the rows of
    couples whose list has none."""

    somedays: dict[int, list[tuple[int, str]]]
    prompts: dict[Use, Prompt]


async def date_ideas(
    session: AsyncSession, library: Library, rows: list[Row], now: datetime
) -> DateIdeas:
    """One query for every couple's open someday items; a library idea is chosen (and
    recorded as given) only for a couple with none, so an idea is never used up unseen."""
    found = await session.exec(
        select(Someday)
        .where(
            col(Someday.couple_id).in_({row.couple_id for row in rows}),
            col(Someday.removed_at).is_(None),
            col(Someday.planned_at).is_(None),
        )
        .order_by(col(Someday.id))
    )
    somedays: dict[int, list[tuple[int, str]]] = {}
    for item in found.all():
        somedays.setdefault(item.couple_id, []).append((item.id or 0, item.text))
    rest = [row for row in rows if row.couple_id not in somedays]
    prompts = await nudge_prompts(session, library, rest, now) if rest else {}
    return DateIdeas(somedays, prompts)


def someday_of_the_week(items: list[tuple[int, str]], day: date) -> tuple[int, str]:
    """The item a week offers: the list in turn, one item a week (the week's number, counted
    from the calendar's start, modulo the list's length). The same item every week until it
    is planned would nag; this needs no memory of what was offered, gives both partners the
    same item that week, and brings each item round once every len(items) weeks."""
    return items[(day.toordinal() // 7) % len(items)]


def date_idea(row: Row, library: Library, found: DateIdeas) -> Made | None:
    items = found.somedays.get(row.couple_id)
    if items:
        item_id, text = someday_of_the_week(items, row.day)
        button = (_say(row, texts.SOMEDAY_PLAN_IT), f"someday:plan:{item_id}")
        return Made(_out(row, _say(row, texts.SOMEDAY_NUDGE, words=text), keyboard([button])))
    prompt = _nudge_prompt(row, library, found.prompts)
    if prompt is None:
        return None
    return Made(_out(row, _say(row, texts.DATE_NUDGE, prompt=prompt)))


# --- the Sunday digest: the week's nudges in one message (`bot.core.cadence`) ----------------


def digest_affection(row: Row, library: Library, prompts: dict[Use, Prompt]) -> Made | None:
    """The affection idea as the digest has it: for the week, not for today."""
    prompt = _nudge_prompt(row, library, prompts)
    if prompt is None:
        return None
    button = (_say(row, texts.AFFECTION_BUTTON), f"hug:{row.couple_id}:{row.day.isoformat()}")
    return Made(_out(row, _say(row, texts.DIGEST_AFFECTION, prompt=prompt), keyboard([button])))


def _in_digest(kind: str) -> Composer[Any]:
    """How a nudge is made in the digest: as on its own day, but for the affection idea's
    words (whatever a nudge's own composer says, with its buttons, is what the digest says)."""
    return DIGEST_PARTS.get(kind) or COMPOSERS[kind]


def _nudges_of(row: Row) -> list[Row]:
    """The digest row as a row of each nudge the couple has on (its kind, on the digest's day)."""
    return [
        replace(row, rhythm=kind)
        for kind, weekly in NUDGES.items()
        if getattr(row.couple, weekly.switch)
    ]


async def digest_nudges(
    session: AsyncSession, library: Library, rows: list[Row], now: datetime
) -> dict[Gather[Any], Any]:
    """Each nudge's own gather, once for all the digest rows that have that nudge on (what each
    found, by the gather)."""
    by_gather: dict[Gather[Any], list[Row]] = {}
    for row in rows:
        for nudge in _nudges_of(row):
            by_gather.setdefault(_in_digest(nudge.rhythm).gather, []).append(nudge)
    return {gather: await gather(session, library, some, now) for gather, some in by_gather.items()}


def digest(row: Row, library: Library, found: dict[Gather[Any], Any]) -> Made | None:
    """The nudges of the week in one message, each with its buttons; nothing if none is on."""
    parts = []
    for nudge in _nudges_of(row):
        composer = _in_digest(nudge.rhythm)
        made = composer.compose(nudge, library, found[composer.gather])
        if made is not None:
            parts.append(made.out)
    if not parts:
        return None
    ideas = "\n\n".join(out.text for out in parts)
    buttons = tuple(line for out in parts for line in out.buttons)
    return Made(_out(row, _say(row, texts.DIGEST, ideas=ideas), buttons))


# --- an accepted date: the morning of it, and "how was it?" the day after --------------------


async def date_plans(
    session: AsyncSession, _library: Library, rows: list[Row], now: datetime
) -> dict[int, list[DatePlan]]:
    """Each couple's accepted dates (not cancelled, not declined) around now, in time order:
    one query for all. A proposal not yet answered, declined or cancelled is never reminded."""
    found = await session.exec(
        select(DatePlan)
        .where(
            col(DatePlan.couple_id).in_({row.couple_id for row in rows}),
            col(DatePlan.accepted_at).is_not(None),
            col(DatePlan.declined_at).is_(None),
            col(DatePlan.cancelled_at).is_(None),
            col(DatePlan.at) >= now - DATE_WINDOW,
            col(DatePlan.at) <= now + DATE_WINDOW,
        )
        .order_by(col(DatePlan.at))
    )
    plans: dict[int, list[DatePlan]] = {}
    for plan in found.all():
        plans.setdefault(plan.couple_id, []).append(plan)
    return plans


def date_morning(row: Row, _library: Library, plans: dict[int, list[DatePlan]]) -> Made | None:
    """The morning of the couple's accepted date that falls on the member's day."""
    plan = next(
        (p for p in plans.get(row.couple_id, []) if local_date(p.at, row.zone) == row.day), None
    )
    if plan is None:
        return None
    at = plan.at.astimezone(zone_info(row.zone))
    return Made(_out(row, _say(row, texts.DATE_MORNING, time=f"{at:%H:%M}")))


def date_ask(row: Row, _library: Library, plans: dict[int, list[DatePlan]]) -> Made | None:
    """The day after the couple's accepted date (the last of that day), unless it was already
    called lovely."""
    yesterday = row.day - timedelta(days=1)
    plan = next(
        (
            p
            for p in reversed(plans.get(row.couple_id, []))
            if local_date(p.at, row.zone) == yesterday
        ),
        None,
    )
    if plan is None or plan.lovely_at is not None:
        return None
    buttons = keyboard(
        [
            (_say(row, texts.DATE_LOVELY), f"datehow:lovely:{plan.id}"),
            (_say(row, texts.DATE_NOT_THIS_TIME), f"datehow:no:{plan.id}"),
        ]
    )
    return Made(_out(row, _say(row, texts.DATE_HOW), buttons))


# --- recap: the week shared, only if they shared anything -----------------------------------


class Weeks(NamedTuple):
    """Each couple's week, and the closing line of the recap of those who shared anything."""

    shared: dict[int, Counter[str]]
    lines: dict[Use, Prompt]


async def weeks(session: AsyncSession, library: Library, rows: list[Row], now: datetime) -> Weeks:
    """Each couple's week (a query or two per couple: one row a week each), and for a couple
    who shared anything the recap line they have seen least."""
    found: dict[int, Counter[str]] = {}
    for row in rows:
        if row.couple_id not in found:
            found[row.couple_id] = (
                await collect(session, row.couple_id, zone=row.zone, now=now)
            ).week
    wanted = {
        Use(row.couple_id, "recap", row.day.isoformat()): Want(occasion="recap")
        for row in rows
        if sum(found[row.couple_id].values())
    }
    return Weeks(found, await prompts_for_days(session, library, wanted))


def recap(row: Row, library: Library, found: Weeks) -> Made | None:
    week = found.shared[row.couple_id]
    if sum(week.values()) == 0:
        return None  # nothing shared: no message at all, never a nudge about it
    chosen = found.lines.get(Use(row.couple_id, "recap", row.day.isoformat()))
    line = celebration_line(library, chosen.id if chosen else None, lang=row.language)
    text = _say(row, texts.RECAP, summary=summary(week, row.language), line=line)
    return Made(_out(row, text))


# --- our dates: each partner's morning on an anniversary, a birthday, days together, meeting ---


class Mornings(NamedTuple):
    """Each member's occasions of their day (not yet celebrated), their name, and the date idea
    for a heads-up (by member)."""

    occasions: dict[int, list[our_dates.Occasion]]
    names: dict[int, str]
    ideas: dict[int, str]


async def mornings(
    session: AsyncSession, library: Library, rows: list[Row], now: datetime
) -> Mornings:
    """The members' birthdays (a query), each row's occasions and, only when some are due, the
    couples' celebrated milestones (a query); a date idea (the one the couple has had least,
    remembered as seen) for each heads-up."""
    couple_ids = {row.couple_id for row in rows}
    people = await session.exec(
        select(col(Member.id), col(Member.birthday), col(Member.display_name)).where(
            col(Member.couple_id).in_(couple_ids)
        )
    )
    birthdays: dict[int, str | None] = {}
    names: dict[int, str] = {}
    for member_id, birthday, name in people.all():
        if member_id is not None:
            birthdays[member_id], names[member_id] = birthday, name
    due = {
        row.member_id: our_dates.occasions(
            row.couple,
            day=row.day,
            member_id=row.member_id,
            birthday=birthdays.get(row.member_id),
            partner_birthday=birthdays.get(row.partner_id or 0),
            zones=(row.zone, row.partner_zone),
        )
        for row in rows
    }
    with_some = {row.couple_id for row in rows if due[row.member_id]}
    celebrated = (
        set(
            (
                await session.exec(
                    select(col(Milestone.couple_id), col(Milestone.name)).where(
                        col(Milestone.couple_id).in_(with_some)
                    )
                )
            ).all()
        )
        if with_some
        else set()
    )
    found: dict[int, list[our_dates.Occasion]] = {}
    wanted: dict[Use, Want] = {}
    for row in rows:
        occasions = [o for o in due[row.member_id] if (row.couple_id, o.mark) not in celebrated]
        found[row.member_id] = occasions
        if any(occasion.what == "heads-up" for occasion in occasions):
            wanted[Use(row.couple_id, "date", row.day.isoformat())] = Want(
                apart=is_apart(row.couple, now)
            )
    chosen = await choose_many(session, library, wanted)
    await record_seen(
        session, {(use.couple_id, "date"): prompt.id for use, prompt in chosen.items()}, now=now
    )
    ideas = {
        row.member_id: chosen[use].id
        for row in rows
        if (use := Use(row.couple_id, "date", row.day.isoformat())) in chosen
    }
    return Mornings(found, names, ideas)


def our_days(row: Row, library: Library, found: Mornings) -> Made | None:
    occasions = found.occasions.get(row.member_id)
    if not occasions:
        return None  # an ordinary day: nothing at all
    idea = found.ideas.get(row.member_id)
    text = our_dates.morning(
        occasions,
        lang=row.language,
        name=found.names.get(row.member_id, ""),
        partner_name=row.partner_name,
        idea=library.text(idea, row.language) if idea else None,
    )
    buttons: tuple[tuple[Button, ...], ...] = ()
    if any(occasion.what == "anniversary" for occasion in occasions):
        # The book of their story, offered once a year (the anniversary's mark makes it once).
        text += "\n\n" + _say(row, texts.STORY_OFFER_ANNIVERSARY)
        buttons = keyboard(list(story.offer_button(row.couple_id, lang=row.language)))
    return Made(_out(row, text, buttons), milestones=tuple(occasion.mark for occasion in occasions))


COMPOSERS: dict[str, Composer[Any]] = {
    "evening": Composer(conversations, evening),
    "affection": Composer(nudge_prompts, affection),
    "appreciation": Composer(nudge_prompts, appreciation),
    "date": Composer(date_ideas, date_idea),
    "reminder": Composer(waiting_partners, reminder),
    "date-morning": Composer(date_plans, date_morning),
    "date-ask": Composer(date_plans, date_ask),
    "recap": Composer(weeks, recap),
    "digest": Composer(digest_nudges, digest),
    "ourdays": Composer(mornings, our_days),
}
# A nudge made differently in the digest than on its own day.
DIGEST_PARTS: dict[str, Composer[Any]] = {"affection": Composer(nudge_prompts, digest_affection)}
