"""The nudges' composers: an affection idea, an appreciation nudge and the date idea (an item of
the couple's someday list first), the digest's affection line, and an accepted date's morning
and "how was it?" the day after (`compose.COMPOSERS` holds them in its table)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import NamedTuple

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.core import texts
from bot.core.apart import is_apart
from bot.core.beat.claim import Row
from bot.core.beat.made import Made
from bot.core.beat.made import out as _out
from bot.core.beat.made import say as _say
from bot.core.events import keyboard
from bot.core.local_time import local_date
from bot.core.models import DatePlan, Someday
from bot.core.ports import Library, Prompt
from bot.core.prompts import Use, Want, prompts_for_days
from bot.core.sql import among
from bot.core.zones import zone_info

# How far around now the morning and the day-after rows look for their date: a date is at most
# a day and a half before its question (asked at 10:00 the next day), plus the beat's grace.
DATE_WINDOW = timedelta(days=3)


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
            among(col(Someday.couple_id), {row.couple_id for row in rows}),
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


def digest_affection(row: Row, library: Library, prompts: dict[Use, Prompt]) -> Made | None:
    """The affection idea as the digest has it: for the week, not for today."""
    prompt = _nudge_prompt(row, library, prompts)
    if prompt is None:
        return None
    button = (_say(row, texts.AFFECTION_BUTTON), f"hug:{row.couple_id}:{row.day.isoformat()}")
    return Made(_out(row, _say(row, texts.DIGEST_AFFECTION, prompt=prompt), keyboard([button])))


# --- an accepted date: the morning of it, and "how was it?" the day after --------------------


async def date_plans(
    session: AsyncSession, _library: Library, rows: list[Row], now: datetime
) -> dict[int, list[DatePlan]]:
    """Each couple's accepted dates (not cancelled, not declined) around now, in time order:
    one query for all. A proposal not yet answered, declined or cancelled is never reminded."""
    found = await session.exec(
        select(DatePlan)
        .where(
            among(col(DatePlan.couple_id), {row.couple_id for row in rows}),
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
