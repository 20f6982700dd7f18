"""A member's data rights: `/export` (everything of mine as JSON) and `/deletemydata`."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import and_, delete, or_, update
from sqlmodel import col, select

from bot.core import packs, ritual, status, texts
from bot.core.context import Ctx
from bot.core.events import Attachment, keyboard
from bot.core.members import couple_of, partner_of
from bot.core.models import (
    Answer,
    Appreciation,
    Conversation,
    Couple,
    DatePlan,
    Delivery,
    Goal,
    GoodNews,
    Invite,
    Member,
    Someday,
    Win,
)
from bot.core.prompts import question_of
from bot.core.router import Router

router = Router()


def _when(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


@router.command("export")
async def export(ctx: Ctx, _args: str = "") -> None:
    """`/export`: everything the member wrote, from every pairing (what `/deletemydata` would
    erase), with the prompts as context, and none of a partner's words."""
    member = ctx.member
    mine = member.id
    session = ctx.session
    partner = await partner_of(session, member)
    couple = await couple_of(session, member)
    answers = (
        await session.exec(
            select(Answer, Conversation)
            .join(Conversation, col(Conversation.id) == Answer.conversation_id)
            .where(Answer.member_id == mine)
            .order_by(col(Answer.id))
        )
    ).all()
    appreciations = (
        await session.exec(
            select(Appreciation)
            .where(
                or_(
                    col(Appreciation.sender_id) == mine,
                    col(Appreciation.receiver_id) == mine,
                )
            )
            .order_by(col(Appreciation.id))
        )
    ).all()
    good_news = (
        await session.exec(
            select(GoodNews)
            .where(or_(col(GoodNews.sender_id) == mine, col(GoodNews.receiver_id) == mine))
            .order_by(col(GoodNews.id))
        )
    ).all()
    # Goals in my words: those I added, and those saved from my answers (by either of us); a
    # goal I saved from my partner's answer holds their words, and stays theirs.
    goals = (
        await session.exec(
            select(Goal)
            .outerjoin(Answer, col(Answer.id) == Goal.source_answer_id)
            .where(
                or_(
                    col(Answer.member_id) == mine,
                    and_(col(Goal.created_by) == mine, col(Goal.source_answer_id).is_(None)),
                )
            )
            .order_by(col(Goal.id))
        )
    ).all()
    wins = (
        await session.exec(select(Win).where(col(Win.member_id) == mine).order_by(col(Win.id)))
    ).all()
    dates = (
        await session.exec(
            select(DatePlan)
            .where(
                or_(
                    col(DatePlan.created_by) == mine,
                    col(DatePlan.couple_id) == member.couple_id,
                )
            )
            .order_by(col(DatePlan.id))
        )
    ).all()
    somedays = (
        await session.exec(
            select(Someday).where(col(Someday.added_by) == mine).order_by(col(Someday.id))
        )
    ).all()
    data: dict[str, Any] = {
        "exported_at": _when(ctx.now),
        "profile": {
            "name": member.display_name,
            "channel": member.channel,
            "time_zone": member.timezone,
            "language": member.language,
            "birthday": member.birthday,
            "joined": _when(member.created_at),
            "paired_with": partner.display_name if partner else None,
            "paired_since": _when(couple.created_at) if couple else None,
            "evening_time": couple.evening_time if couple else None,
            "anniversary": couple.anniversary if couple else None,
        },
        "answers": [_answer(ctx, answer, conversation) for answer, conversation in answers],
        "appreciations_sent": [
            {"words": a.text, "sent": _when(a.created_at), "thanked": _when(a.thanked_at)}
            for a in appreciations
            if a.sender_id == member.id
        ],
        # Received ones are the partner's words: only that they came, and the thanks.
        "appreciations_received": [
            {"received": _when(a.created_at), "thanked": _when(a.thanked_at)}
            for a in appreciations
            if a.receiver_id == member.id
        ],
        "good_news_sent": [
            {
                "words": g.text,
                "media": (g.media or {}).get("kind"),
                "shared": _when(g.created_at),
                "replied": _when(g.replied_at),
            }
            for g in good_news
            if g.sender_id == member.id
        ],
        # Received ones are the partner's words (and photo): only that they came. Replies are
        # relayed, never kept.
        "good_news_received": [
            {"received": _when(g.created_at), "replied": _when(g.replied_at)}
            for g in good_news
            if g.receiver_id == member.id
        ],
        "goals": [
            {
                "goal": g.text,
                "added": _when(g.created_at),
                "reached": _when(g.reached_at),
                "from_my_answer": g.source_answer_id is not None,
            }
            for g in goals
        ],
        "wins": [{"win": w.text, "logged": _when(w.created_at)} for w in wins],
        "dates": [
            {
                "at": _when(d.at),
                "accepted": _when(d.accepted_at),
                "declined": _when(d.declined_at),
                "cancelled": _when(d.cancelled_at),
                "lovely": _when(d.lovely_at),
            }
            for d in dates
        ],
        # Someday items in my words: those I added (my partner's stay theirs).
        "someday": [
            {
                "words": item.text,
                "added": _when(item.created_at),
                "planned": _when(item.planned_at),
                "removed": _when(item.removed_at),
            }
            for item in somedays
        ],
        "packs_chosen": await packs.chosen_by(ctx.session, member),
    }
    body = json.dumps(data, ensure_ascii=False, indent=2).encode()
    ctx.reply(
        ctx.say(texts.EXPORT_READY),
        attachment=Attachment(
            filename=f"rekindle-export-{ctx.now:%Y-%m-%d}.json", data=body, kind="document"
        ),
    )


def _answer(ctx: Ctx, answer: Answer, conversation: Conversation) -> dict[str, Any]:
    """One of the member's answers, with its question; a weekly check-in answer (on time) with
    each of its questions and the member's answer to it."""
    if conversation.kind == ritual.KIND and not answer.late:
        return {
            "day": conversation.day,
            "question": ctx.say(texts.RITUAL_TITLE),
            "answers": ritual.exported(answer, ctx.lang),
            "late": answer.late,
            "written": _when(answer.created_at),
        }
    question: str | None
    if conversation.kind == ritual.KIND:
        question = ctx.say(texts.RITUAL_TITLE)
    else:
        question = question_of(ctx.content, conversation, lang=ctx.lang)
    return {
        "day": conversation.day,
        "question": question,
        "answer": answer.text,
        "media": (answer.media or {}).get("kind"),
        "caption": (answer.media or {}).get("caption"),
        "late": answer.late,
        "written": _when(answer.created_at),
    }


@router.command("deletemydata")
async def ask_delete(ctx: Ctx, _args: str = "") -> None:
    """`/deletemydata`: ask first, with buttons."""
    ctx.reply(
        ctx.say(texts.DELETE_CONFIRM),
        keyboard(
            [(ctx.say(texts.DELETE_YES), f"erase:yes:{ctx.member.id}")],
            [(ctx.say(texts.DELETE_NO), f"erase:no:{ctx.member.id}")],
        ),
    )


async def answer_delete(ctx: Ctx, choice: str, member_id: str) -> None:
    """Erase everything the member wrote and the member record; unpair; tell the partner."""
    member = ctx.member
    if str(member.id) != member_id:
        ctx.reply(ctx.say(texts.STALE_BUTTON))
        return
    if choice != "yes":
        ctx.reply(ctx.say(texts.DELETE_KEPT))
        return
    session = ctx.session
    partner = await partner_of(session, member)
    couple = await couple_of(session, member)
    if couple is not None and couple.id is not None:
        couple.ended_at = couple.ended_at or ctx.now
        await session.exec(
            update(Conversation)
            .where(col(Conversation.couple_id) == couple.id, col(Conversation.closed_at).is_(None))
            .values(closed_at=ctx.now)
        )
        await session.exec(
            update(Member)
            .where(col(Member.couple_id) == couple.id)
            .values(couple_id=None, current_conversation_id=None)
        )
    mine = member.id
    my_answers = select(Answer.id).where(col(Answer.member_id) == mine)
    # Goals in my words: those I added, and those saved from my answers by either of us (the
    # foreign key cascades too; this does not rely on it). A goal I saved from my partner's
    # answer holds their words, and stays theirs.
    await session.exec(
        delete(Goal).where(
            or_(
                col(Goal.source_answer_id).in_(my_answers),
                and_(col(Goal.created_by) == mine, col(Goal.source_answer_id).is_(None)),
            )
        )
    )
    await session.exec(update(Goal).where(col(Goal.created_by) == mine).values(created_by=None))
    await session.exec(delete(Answer).where(col(Answer.member_id) == mine))
    await session.exec(delete(Appreciation).where(col(Appreciation.sender_id) == mine))
    await session.exec(delete(GoodNews).where(col(GoodNews.sender_id) == mine))
    await session.exec(delete(Win).where(col(Win.member_id) == mine))
    await session.exec(delete(Someday).where(col(Someday.added_by) == mine))
    await session.exec(delete(Delivery).where(col(Delivery.author_id) == mine))
    await session.exec(delete(Invite).where(col(Invite.used_by_member_id) == mine))
    await packs.forget(session, mine)
    for column in (Couple.member_a_id, Couple.member_b_id):
        await session.exec(update(Couple).where(col(column) == mine).values({column: None}))
    name = member.display_name
    ctx.reply(ctx.say(texts.DELETE_DONE))  # addressed now, while the member row still exists
    await session.exec(delete(Member).where(col(Member.id) == mine))
    ctx.scrub = True  # once committed, the database files must not keep older copies either
    if partner is not None:
        await session.refresh(partner)
        await status.ended(session, [partner], now=ctx.now)
        ctx.push(partner, ctx.say_to(partner, texts.DELETE_TOLD, partner=name), kind="unpaired")


@router.button("erase")
async def _erase_pressed(ctx: Ctx, parts: list[str]) -> None:
    """`erase:<yes|no>:<member id>`, under /deletemydata's question."""
    match parts:
        case [choice, member_id]:
            await answer_delete(ctx, choice, member_id)
        case _:
            ctx.reply(ctx.say(texts.STALE_BUTTON))
