"""A rhythm each couple sets: how many evenings a week bring a question (`/evenings`, /settings),
quieter when the questions go unanswered, and the week's nudges as one Sunday digest.

- Which evenings bring a question is one rule, `bot.core.evening_days.evening_days` and
  `evening_kind`; here is the command that sets `Couple.evenings_per_week`.
- Quieter: when an evening comes and neither partner has answered any of the couple's last
  seven evening questions, that evening brings, to each partner, one kind word that it goes
  quieter instead of a question (`QUIET`), and the couple is quieter from then
  (`Couple.quiet_since`): every other evening that would bring a question does
  (`evening_kind`). Any answer, on time or late, by either partner ends it
  (`bot.core.conversations.answer`). Decided when the evening is composed (`tonight`, for a
  whole batch of the beat with `histories`), so it is the same for both partners' evenings of
  a couple-day, however far apart they are.
- The Sunday digest (`Couple.digest_on`, /settings): while it is on, the nudges
  (`bot.core.rhythm.NUDGES`) do not come on their own days; the "digest" rhythm brings them
  together on Sunday (`bot/core/beat/compose.py`, `digest`).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.core import texts, words
from bot.core.context import Ctx
from bot.core.coupleday import couple_day
from bot.core.evening_days import EVENINGS_A_WEEK, evening_at, evening_days, evening_kind
from bot.core.events import keyboard
from bot.core.members import couple_and_partner, couple_members
from bot.core.models import Answer, Conversation, Couple, Member
from bot.core.rhythm import next_due, set_due
from bot.core.router import Router
from bot.core.sql import among, small_number

UNANSWERED = 7  # evening questions in a row that neither answered, before it goes quieter
# A couple's latest conversations read for it: the evening's own couple-day may already have
# one (a partner far away had their evening first), so a little more than UNANSWERED.
LOOK_BACK = UNANSWERED + 2
QUIET = "quiet"  # what `tonight` says for the notice, and the kind of its delivery

router = Router()


def days_words(couple: Couple, lang: str | None) -> str:
    """The weekdays that bring an evening question, as the reader says them ("Wed, Fri, Sun")."""
    return ", ".join(words.weekday(d, "abbreviated", lang) for d in sorted(evening_days(couple)))


def rhythm_words(couple: Couple, lang: str | None) -> dict[str, str]:
    """How many evenings a week bring a question, and which, for a sentence in `lang`."""
    count = len(evening_days(couple))
    return {
        "evenings": words.plural("EVENINGS_A_WEEK", count, lang),
        "days": days_words(couple, lang),
    }


def evenings_row(couple: Couple) -> list[tuple[str, str]]:
    """A row of buttons 3 … 7, the couple's number marked (/settings, /evenings)."""
    return [
        (f"{'●' if n == couple.evenings_per_week else '○'} {n}", f"set:evenings:{n}:{couple.id}")
        for n in EVENINGS_A_WEEK
    ]


def settings_lines(ctx: Ctx, couple: Couple) -> list[str]:
    """The /settings lines of the couple's rhythm: how many evenings, and quieter for now."""
    lines = [ctx.say(texts.SETTINGS_EVENINGS, **rhythm_words(couple, ctx.lang))]
    if couple.quiet_since is not None:
        lines.append(ctx.say(texts.SETTINGS_QUIET))
    return lines


def parse_evenings(args: str) -> int | None:
    """The number of evenings someone typed ("4", "4 a week"), if it is 3 to 7."""
    first = args.strip().split(maxsplit=1)
    count = small_number(first[0]) if first else None
    return count if count in EVENINGS_A_WEEK else None


async def set_evenings(ctx: Ctx, couple: Couple, *, partner: Member, count: int) -> None:
    """The couple's evenings a week, the partner told (not when nothing changed)."""
    if couple.evenings_per_week == count:
        return
    couple.evenings_per_week = count
    told = ctx.say_to(
        partner,
        texts.EVENINGS_TOLD,
        partner=ctx.member.display_name,
        **rhythm_words(couple, words.spoken(partner.language)),
    )
    ctx.push(partner, told, kind="evenings")


@router.command("evenings")
async def evenings(ctx: Ctx, args: str) -> None:
    """`/evenings 3` … `/evenings 7`: how many evenings a week bring a question, both told;
    `/evenings` alone says how many now, with buttons."""
    paired = await couple_and_partner(ctx)
    if paired is None:
        return
    couple, partner = paired
    if not args.strip():
        now = ctx.say(texts.EVENINGS_NOW, **rhythm_words(couple, ctx.lang))
        ctx.reply(f"{now}\n{ctx.say(texts.EVENINGS_HOW)}", keyboard(evenings_row(couple)))
        return
    count = parse_evenings(args)
    if count is None:
        ctx.reply(ctx.say(texts.EVENINGS_BAD))
        return
    await set_evenings(ctx, couple, partner=partner, count=count)
    ctx.reply(ctx.say(texts.EVENINGS_SET, **rhythm_words(couple, ctx.lang)))


# --- quieter when unanswered: decided as the beat composes the evenings -----------------------


@dataclass
class History:
    """A couple's latest conversations (ISO day, made at), newest first, and when either
    partner last answered anything (if lately)."""

    recent: list[tuple[str, datetime]] = field(default_factory=list)
    last_answer: datetime | None = None

    def before(self, day: date) -> list[tuple[str, datetime]]:
        return [(d, made) for d, made in self.recent if d < day.isoformat()]


async def histories(
    session: AsyncSession, couples: Mapping[int, Couple], *, through: date
) -> dict[int, History]:
    """Each couple's `History` up to the couple-day `through` (the batch's latest): two
    queries for the whole batch, the latest LOOK_BACK conversations of each couple and, for
    the couples it may matter to, their latest answer."""
    if not couples:
        return {}
    number = (
        func.row_number()
        .over(partition_by=col(Conversation.couple_id), order_by=col(Conversation.day).desc())
        .label("number")
    )
    ranked = (
        select(
            col(Conversation.couple_id), col(Conversation.day), col(Conversation.created_at), number
        )
        .where(
            among(col(Conversation.couple_id), couples),
            col(Conversation.day) <= through.isoformat(),
        )
        .subquery()
    )
    found: dict[int, History] = {couple_id: History() for couple_id in couples}
    rows = await session.exec(
        select(ranked.c.couple_id, ranked.c.day, ranked.c.created_at)
        .where(ranked.c.number <= LOOK_BACK)
        .order_by(ranked.c.couple_id, ranked.c.day.desc())
    )
    for couple_id, day, made in rows.all():
        found[couple_id].recent.append((day, made))
    # Only a couple not quieter already, with enough questions, can go quieter.
    asking = {
        couple_id: min(made for _, made in history.recent)
        for couple_id, history in found.items()
        if couples[couple_id].quiet_since is None and len(history.recent) >= UNANSWERED
    }
    if asking:
        latest = await session.exec(
            select(col(Conversation.couple_id), func.max(col(Answer.created_at)))
            .join(Conversation, col(Answer.conversation_id) == col(Conversation.id))
            .where(
                among(col(Conversation.couple_id), asking),
                col(Answer.created_at) >= min(asking.values()),
            )
            .group_by(col(Conversation.couple_id))
        )
        for couple_id, answered in latest.all():
            found[couple_id].last_answer = answered
    return found


def unanswered(earlier: Sequence[tuple[str, datetime]], last_answer: datetime | None) -> bool:
    """Whether the latest UNANSWERED conversations (newest first) all came after the couple's
    last answer: neither partner has answered that many evening questions in a row."""
    if len(earlier) < UNANSWERED:
        return False
    oldest = earlier[UNANSWERED - 1][1]
    return last_answer is None or last_answer < oldest


def tonight(
    couple: Couple,
    day: date,
    *,
    history: History,
    slot: datetime,
    zones: Collection[str | None],
) -> str | None:
    """What a partner's evening of the couple-day `day` (at `slot`) brings: the kind of its
    conversation, QUIET (the notice, once, instead of a question), or None (nothing). An evening
    that would bring a question after UNANSWERED unanswered ones marks the couple quieter from
    `slot`; the partner's evening of the same couple-day then brings the notice too."""
    if couple.quiet_since is not None and (
        couple_day(couple.quiet_since, evening_at(couple), zones=list(zones)) == day
    ):
        return QUIET
    earlier = history.before(day)
    last_asked = date.fromisoformat(earlier[0][0]) if earlier else None
    kind = evening_kind(couple, day, last_asked=last_asked)
    if kind is not None and couple.quiet_since is None and unanswered(earlier, history.last_answer):
        couple.quiet_since = slot
        return QUIET
    return kind


# --- the Sunday digest -------------------------------------------------------------------------


async def plan_digest(session: AsyncSession, couple: Couple, *, now: datetime) -> None:
    """Both partners' "digest" rhythm, due next Sunday (a couple paired before there was a
    digest has none until it is first turned on)."""
    assert couple.id is not None
    for member in await couple_members(session, couple.id):
        assert member.id is not None
        await set_due(
            session,
            member.id,
            rhythm="digest",
            due=next_due("digest", now, couple=couple, zone=member.timezone),
        )
