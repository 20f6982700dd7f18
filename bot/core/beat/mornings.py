"""Our dates' composer: each partner's morning on one of the couple's days (an anniversary, a
birthday, days together, the day they meet), each occasion once (`bot.core.our_dates`)."""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.core import occasions as occasions_of
from bot.core import story, texts
from bot.core.apart import is_apart
from bot.core.beat.claim import Row
from bot.core.beat.made import Made
from bot.core.beat.made import out as _out
from bot.core.beat.made import say as _say
from bot.core.events import Button, keyboard
from bot.core.models import Member, Milestone
from bot.core.ports import Library
from bot.core.prompts import Use, Want, choose_many, record_seen
from bot.core.sql import among

# --- our dates: each partner's morning on an anniversary, a birthday, days together, meeting ---


class Mornings(NamedTuple):
    """Each member's occasions of their day (not yet celebrated), their name, and the date idea
    for a heads-up (by member)."""

    occasions: dict[int, list[occasions_of.Occasion]]
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
            among(col(Member.couple_id), couple_ids)
        )
    )
    birthdays: dict[int, str | None] = {}
    names: dict[int, str] = {}
    for member_id, birthday, name in people.all():
        if member_id is not None:
            birthdays[member_id], names[member_id] = birthday, name
    due = {
        row.member_id: occasions_of.occasions(
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
                        among(col(Milestone.couple_id), with_some)
                    )
                )
            ).all()
        )
        if with_some
        else set()
    )
    found: dict[int, list[occasions_of.Occasion]] = {}
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
    text = occasions_of.morning(
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
