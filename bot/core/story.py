"""/story: the couple's shared history as a book they can keep (a PDF, drawn in
`bot/core/book.py`), made on request, sent, and not kept.

Only what both have seen goes in: conversations revealed to both, with the two on-time answers
(sealed, late, skipped and erased answers never appear: an erased answer's row is gone), the
wins logged, goals reached, dates had (agreed, not called off, already past) and milestones
met, month by month, with the /progress picture at the end of each quarter. Photos and voice
notes are a line saying what was shared: fetching each file from its app while the book is made
would make /story slow and fragile, so the book carries words only.

The book is offered, with a button, on the anniversary (in that morning's message) and after
every 100 evenings answered together (once each: a `Milestone` named `story-<n>`).
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy import func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.core import ritual, story_photos, texts, words
from bot.core.context import Ctx
from bot.core.events import Attachment, keyboard, media_name
from bot.core.local_time import local_date
from bot.core.members import couple_and_partner, couple_members
from bot.core.models import Answer, Conversation, Couple, DatePlan, Goal, Member, Milestone, Win
from bot.core.occasions import together_since
from bot.core.ports import Library
from bot.core.prompts import question_of
from bot.core.router import Router
from bot.core.sql import insert
from bot.core.tally import collect
from bot.core.zones import zone_info

# The smallest upload limit of the apps we send to (a bot's Discord DM: 10 MiB; Telegram's
# documents may be 50 MB): a book larger than this comes in half-years.
MAX_BYTES = 10_000_000
EVERY = 100  # evenings answered together between two offers of the book
SECTIONS = ("wins", "goals", "dates", "milestones")
QUARTER_ENDS = (3, 6, 9, 12)  # the months after which the book shows the /progress picture

router = Router()


@dataclass(frozen=True)
class Exchange:
    """One question both answered, and what each wrote (reader first), as (name, words); and a
    photo answer's image where the app it was sent on let the bot fetch it (by answer)."""

    day: date
    question: str
    answers: tuple[tuple[str, str], ...]
    photos: tuple[bytes | None, ...] = ()
    media: tuple[dict[str, object] | None, ...] = ()  # each answer's stored media, if any


@dataclass
class Month:
    first: date  # its first day
    exchanges: list[Exchange] = field(default_factory=list)
    notes: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    picture: tuple[date, bytes] | None = None  # the /progress picture of the weeks up to a day


@dataclass
class Story:
    """What a book holds, its words already in the reader's language `lang`."""

    names: tuple[str, str]
    lang: str
    made: date
    days_together: int
    months: list[Month]
    part: tuple[int, int] | None = None  # (n, of) when a book is split

    @property
    def evenings(self) -> int:
        """Evenings answered together (a weekly check-in's three questions are one evening)."""
        return len({e.day for m in self.months for e in m.exchanges})

    @property
    def span(self) -> tuple[date, date]:
        days = [e.day for m in self.months for e in m.exchanges] or [self.made]
        return min(days), max(days)


def _said(words_: str | None, media: dict[str, object] | None, *, lang: str) -> str:
    """An answer as written; media as a line saying what was shared (its caption below)."""
    if media:
        kind = str(media.get("kind") or "document")
        shared = words.translate(texts.BOOK_MEDIA, lang).format(media=media_name(kind, lang))
        caption = str(media.get("caption") or words_ or "").strip()
        return f"{shared}\n{caption}" if caption else shared
    return (words_ or "").strip() or words.translate(texts.BOOK_NO_ANSWER, lang)


async def gather(
    session: AsyncSession,
    library: Library,
    *,
    couple: Couple,
    reader: Member,
    partner: Member,
    now: datetime,
    year: int | None = None,
) -> Story:
    """The couple's story as `reader` reads it (their language, their calendar); one year's
    with `year`. Every query names the couple."""
    assert couple.id is not None
    assert reader.id is not None
    assert partner.id is not None
    lang = words.spoken(reader.language)
    zone = reader.timezone
    today = local_date(now, zone)
    months: dict[date, Month] = {}

    def month(day: date) -> Month | None:
        if year is not None and day.year != year:
            return None
        first = day.replace(day=1)
        return months.setdefault(first, Month(first))

    names = {reader.id: reader.display_name, partner.id: partner.display_name}
    rows = await session.exec(
        select(Conversation, Answer)
        .join(Answer, col(Answer.conversation_id) == Conversation.id)
        .where(
            Conversation.couple_id == couple.id,
            col(Conversation.revealed_at).is_not(None),
            col(Conversation.revealed_at) <= now,
            col(Answer.late).is_(False),
            col(Answer.member_id).in_(list(names)),
        )
        .order_by(col(Conversation.day), col(Conversation.id))
    )
    by_conversation: dict[int, tuple[Conversation, dict[int, Answer]]] = {}
    for conversation, answer in rows.all():
        assert conversation.id is not None
        by_conversation.setdefault(conversation.id, (conversation, {}))[1][answer.member_id] = (
            answer
        )
    order = (reader.id, partner.id)
    for conversation, answers in by_conversation.values():
        if set(answers) != set(order):
            continue  # one of the two answers was erased: the exchange is gone with it
        day = date.fromisoformat(conversation.day)
        found = month(day)
        if found is None:
            continue
        if conversation.kind == ritual.KIND:
            parts = {m: ritual.parts_of(answers[m]) for m in order}
            for index in range(len(ritual.QUESTIONS)):
                said = tuple(
                    (
                        names[m],
                        _said(parts[m][index].text, parts[m][index].media, lang=lang)
                        if index < len(parts[m])
                        else words.translate(texts.BOOK_NO_ANSWER, lang),
                    )
                    for m in order
                )
                found.exchanges.append(Exchange(day, ritual.question(index, lang), said))
            continue
        question = question_of(library, conversation, lang=lang) or words.translate(
            texts.TONIGHTS_QUESTION, lang
        )
        said = tuple((names[m], _said(answers[m].text, answers[m].media, lang=lang)) for m in order)
        found.exchanges.append(
            Exchange(day, question, said, media=tuple(answers[m].media for m in order))
        )

    def note(section: str, moment: datetime | None, *, line: str) -> None:
        if moment is None or moment > now:
            return
        found = month(local_date(moment, zone))
        if found is not None:
            found.notes[section].append(line)

    wins = await session.exec(
        select(Win.created_at, Win.text).where(Win.couple_id == couple.id).order_by(col(Win.id))
    )
    for logged, text in wins.all():
        note("wins", logged, line=text)
    goals = await session.exec(
        select(Goal.reached_at, Goal.text)
        .where(Goal.couple_id == couple.id, col(Goal.reached_at).is_not(None))
        .order_by(col(Goal.reached_at))
    )
    for reached_at, text in goals.all():
        note("goals", reached_at, line=text)
    plans = await session.exec(
        select(DatePlan.at, DatePlan.lovely_at)
        .where(
            DatePlan.couple_id == couple.id,
            col(DatePlan.accepted_at).is_not(None),
            col(DatePlan.declined_at).is_(None),
            col(DatePlan.cancelled_at).is_(None),
        )
        .order_by(col(DatePlan.at))
    )
    for planned, lovely in plans.all():
        when = words.when(planned, zone, "day_time", lang)
        line = words.translate(texts.BOOK_DATE_LOVELY, lang).format(day=when) if lovely else when
        note("dates", planned, line=line)
    milestones = await session.exec(
        select(Milestone.reached_at, Milestone.name)
        .where(Milestone.couple_id == couple.id)
        .order_by(col(Milestone.reached_at))
    )
    for met, name in milestones.all():
        if name in texts.MILESTONES:
            note("milestones", met, line=words.say(f"MILESTONES.{name}", lang))
    kept = [m for _, m in sorted(months.items()) if m.exchanges]
    both = (reader.display_name, partner.display_name)
    await _pictures(
        session, couple_id=couple.id, months=kept, zone=zone, now=now, lang=lang, names=both
    )
    return Story(
        names=both,
        lang=lang,
        made=today,
        days_together=max(0, (today - together_since(couple, zone)).days),
        months=kept,
    )


async def _pictures(
    session: AsyncSession,
    *,
    couple_id: int,
    months: list[Month],
    zone: str | None,
    now: datetime,
    lang: str,
    names: tuple[str, str],
) -> None:
    """The /progress picture of the weeks up to the end of each quarter (and of the last month,
    up to today): the same counts and drawing as /progress."""
    from bot.core.picture import render  # Pillow only once someone asks for a book

    today = local_date(now, zone)
    for index, found in enumerate(months):
        last = index == len(months) - 1
        if found.first.month not in QUARTER_ENDS and not last:
            continue
        end = (found.first + timedelta(days=31)).replace(day=1) - timedelta(days=1)
        day = min(end, today)
        moment = min(now, datetime.combine(day, time(23, 59), tzinfo=zone_info(zone)))
        progress = await collect(session, couple_id, zone=zone, now=moment)
        found.picture = (day, render(progress, " & ".join(names), lang=lang).png)


def halves(story: Story) -> list[Story]:
    """The story by half-year, each part numbered: for a book too large for one file."""
    parts: dict[tuple[int, int], list[Month]] = {}
    for found in story.months:
        parts.setdefault((found.first.year, (found.first.month - 1) // 6), []).append(found)
    return [
        Story(
            names=story.names,
            lang=story.lang,
            made=story.made,
            days_together=story.days_together,
            months=months,
            part=(n, len(parts)),
        )
        for n, months in enumerate(parts.values(), 1)
    ]


def parse_year(args: str, *, today: date) -> int | None:
    """`/story`'s words: None for the whole story, or a year; ValueError when they are not one."""
    given = args.strip()
    if not given:
        return None
    if re.fullmatch(r"[0-9]{4}", given) and 2000 <= int(given) <= today.year:
        return int(given)
    raise ValueError(given)


@router.command("story")
async def story(ctx: Ctx, args: str = "") -> None:
    """`/story` or `/story 2026`: the book, as a document; the partner is told a copy was made."""
    paired = await couple_and_partner(ctx)
    if paired is None:
        return
    couple, partner = paired
    today = local_date(ctx.now, ctx.member.timezone)
    try:
        year = parse_year(args, today=today)
    except ValueError:
        ctx.reply(ctx.say(texts.STORY_BAD_YEAR))
        return
    found = await gather(
        ctx.session,
        ctx.content,
        couple=couple,
        reader=ctx.member,
        partner=partner,
        now=ctx.now,
        year=year,
    )
    await story_photos.with_photos(found, fetch=ctx.fetch_media)
    if not found.months:
        if year is None:
            ctx.reply(ctx.say(texts.STORY_EMPTY))
        else:
            ctx.reply(ctx.say(texts.STORY_EMPTY_YEAR, year=year))
        return
    from bot.core.book import render  # fpdf2 only once someone asks for a book

    books = [render(found)]
    if len(books[0]) > MAX_BYTES and len(found.months) > 1:
        books = [render(part) for part in halves(found)]
    start, end = (words.when(day, None, "full_date", ctx.lang) for day in found.span)
    evenings = words.plural("STORY_EVENINGS", found.evenings, ctx.lang)
    ready = texts.STORY_READY if year is None else texts.STORY_READY_YEAR
    caption = ctx.say(ready, year=year, evenings=evenings, start=start, end=end)
    if len(books) > 1:
        caption += "\n" + ctx.say(texts.STORY_SPLIT, parts=len(books))
    name = f"our-story-{year or today.isoformat()}"
    for index, book in enumerate(books, 1):
        filename = f"{name}-{index}.pdf" if len(books) > 1 else f"{name}.pdf"
        ctx.reply(
            caption if index == 1 else "",
            attachment=Attachment(filename=filename, data=book, kind="document"),
        )
    ctx.push(
        partner,
        ctx.say_to(partner, texts.STORY_TOLD, partner=ctx.member.display_name),
        kind="story",
    )


@router.button("story")
async def _story_pressed(ctx: Ctx, parts: list[str]) -> None:
    """`story:<couple id>`, under an offer of the book: only the presser's own couple."""
    match parts:
        case [couple_id] if couple_id == str(ctx.member.couple_id):
            await story(ctx)
        case _:
            ctx.reply(ctx.say(texts.STALE_BUTTON))


def offer_button(couple_id: int, *, lang: str) -> tuple[tuple[str, str], ...]:
    """The button under an offer of the book, as (label, data)."""
    return ((words.translate(texts.STORY_BUTTON, lang), f"story:{couple_id}"),)


async def offer_after_evenings(ctx: Ctx, couple: Couple) -> None:
    """After each 100 evenings answered together, offer both the book, once."""
    assert couple.id is not None
    revealed = (
        await ctx.session.exec(
            select(func.count()).where(
                Conversation.couple_id == couple.id, col(Conversation.revealed_at).is_not(None)
            )
        )
    ).one()
    reached = revealed // EVERY * EVERY
    if reached < EVERY:
        return
    result = await ctx.session.exec(
        insert(ctx.session, Milestone)
        .values(couple_id=couple.id, name=f"story-{reached}", reached_at=ctx.now)
        .on_conflict_do_nothing()
    )
    if not result.rowcount:
        return
    for member in await couple_members(ctx.session, couple.id):
        lang = words.spoken(member.language)
        evenings = words.plural("STORY_EVENINGS", reached, lang)
        ctx.push(
            member,
            ctx.say_to(member, texts.STORY_OFFER_EVENINGS, evenings=evenings),
            buttons=keyboard(list(offer_button(couple.id, lang=lang))),
            kind="story-offer",
            key=f"story-offer:{couple.id}:{reached}:{member.id}",
        )
