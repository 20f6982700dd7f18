"""The evening question for partners in any two time zones: which couple-day a member's
evening is, the question sent early (`/checkin`) to a partner whose evening has not come yet
while the other already has it, and words written before one's own prompt came taken as the
answer to it.

Which evenings share a question is the couple-day (`bot/core/coupleday.py`). A member's
evening prompt is recorded under the key (evening, member, local date of their evening), so a
question sent early is never sent again when that evening comes.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from sqlmodel import select

from bot.core import conversations, love_maps, ritual, texts, words
from bot.core.apart import days_to_meet
from bot.core.context import Ctx, recipient
from bot.core.coupleday import couple_day, evening_of
from bot.core.evening_days import evening_at
from bot.core.events import MediaRef, Outgoing
from bot.core.local_time import local_date, local_moment
from bot.core.members import couple_of, partner_of
from bot.core.models import Conversation, Couple, Member
from bot.core.prompts import question_of
from bot.core.rhythm import record


def _zones(member: Member, partner: Member) -> tuple[str | None, str | None]:
    return member.timezone, partner.timezone


def todays_couple_day(ctx: Ctx, couple: Couple, partner: Member) -> date:
    """The couple-day of the member's evening on their own local today."""
    at = evening_at(couple)
    zone = ctx.member.timezone
    evening = local_moment(local_date(ctx.now, zone), at, zone=zone)
    return couple_day(evening, at, zones=_zones(ctx.member, partner))


async def _conversation(ctx: Ctx, couple: Couple, day: date) -> Conversation | None:
    return (
        await ctx.session.exec(
            select(Conversation).where(
                Conversation.couple_id == couple.id, Conversation.day == day.isoformat()
            )
        )
    ).first()


async def conversation_of_day(ctx: Ctx, couple: Couple, day: date) -> Conversation | None:
    return await _conversation(ctx, couple, day)


async def send_prompt(
    ctx: Ctx,
    couple: Couple,
    *,
    member: Member,
    partner: Member,
    conversation: Conversation,
    shown_in_reply: bool = False,
) -> bool:
    """Record the conversation's prompt for `member` under the key of their own evening of that
    couple-day (already sent, when the reply shows it); False (nothing recorded) if that
    evening's prompt was already recorded."""
    at = evening_at(couple)
    day = date.fromisoformat(conversation.day)
    evening = evening_of(day, at, zone=member.timezone, zones=_zones(member, partner))
    lang = words.spoken(member.language)
    source = (await love_maps.sources(ctx.session, [conversation])).get(conversation.id or 0)
    day_of_evening = local_date(evening, member.timezone)
    meet_in = days_to_meet(couple, day=day_of_evening, zones=_zones(member, partner))
    out = Outgoing(
        to=recipient(member),
        text=conversations.prompt_text(
            ctx.content,
            conversation,
            partner_name=partner.display_name,
            lang=lang,
            reader_id=member.id,
            zone=member.timezone,
            source=source,
            meet_in=meet_in,
        ),
        buttons=conversations.prompt_buttons(conversation, lang),
        lang=lang,
    )
    recorded = await record(
        ctx.session,
        member,
        out,
        kind="evening",
        day=day_of_evening.isoformat(),
        now=ctx.now,
        conversation_id=conversation.id,
        sent=shown_in_reply,
    )
    if recorded:
        member.current_conversation_id = conversation.id
    return recorded


async def answer_before_prompt(
    ctx: Ctx,
    text: str | None,
    media: MediaRef | None,
    *,
    reply_to: str | None,
    message_ref: str | None,
) -> bool:
    """Words written before the member's own evening prompt came, while the partner already
    has the couple's question: taken as the answer to it, the reply naming the question (and
    the prompt is not sent again at the member's evening). False if that is not the case."""
    if reply_to is not None:  # a reply to an older prompt answers that one
        return False
    couple = await couple_of(ctx.session, ctx.member)
    if couple is None or couple.id is None:
        return False
    at = evening_at(couple)
    zone = ctx.member.timezone
    if local_moment(local_date(ctx.now, zone), at, zone=zone) <= ctx.now:
        return False  # the member's own evening came today: not "before the prompt came"
    # Only now the partner: most answers come after one's own prompt, and skip this query.
    partner = await partner_of(ctx.session, ctx.member)
    if partner is None:
        return False
    conversation = await _conversation(ctx, couple, todays_couple_day(ctx, couple, partner))
    if conversation is None or conversation.closed_at is not None:
        return False
    if ctx.member.current_conversation_id == conversation.id:
        return False  # its prompt reached them (only a recorded prompt points them at it)
    # The question goes out in this reply, not as a prompt of its own.
    if not await send_prompt(
        ctx,
        couple,
        member=ctx.member,
        partner=partner,
        conversation=conversation,
        shown_in_reply=True,
    ):
        return False  # it was sent to them already (by /checkin): an ordinary answer
    before = len(ctx.replies)
    await conversations.answer(ctx, text, media, reply_to=None, message_ref=message_ref)
    if conversation.kind == ritual.KIND:  # the words answer its first question
        question: str | None = ritual.question(0, ctx.lang)
    else:
        question = question_of(ctx.content, conversation, lang=ctx.lang)
    preface = ctx.say(
        texts.ANSWERED_BEFORE_PROMPT, prompt=question or ctx.say(texts.TODAYS_QUESTION)
    )
    if len(ctx.replies) > before:
        first = ctx.replies[before]
        ctx.replies[before] = replace(first, text=f"{preface}\n\n{first.text}")
    else:
        ctx.reply(preface)
    return True
