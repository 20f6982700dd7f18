"""Evening conversations: the prompt both partners get, their sealed answers, and the reveal."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlmodel import col, select

from bot.core import love_maps, ritual, texts, words
from bot.core.context import Ctx
from bot.core.events import Button, MediaRef, keyboard, parse_command
from bot.core.local_time import parse_hhmm, tonight_or_tomorrow
from bot.core.members import partner_of
from bot.core.models import Answer, Conversation, Couple, Delivery, Member
from bot.core.ports import Library
from bot.core.prompts import question_of
from bot.core.reveal import reveal
from bot.core.router import Router
from bot.core.sql import is_postgres

# How many of a member's latest weekly check-in answers an edit looks through for the part it
# changes (their parts' messages are inside the sealed words, not in an indexed column).
RITUAL_EDITS_LOOK_BACK = 4

router = Router()


def prompt_buttons(
    conversation: Conversation, lang: str | None = None
) -> tuple[tuple[Button, ...], ...]:
    """The buttons under a curiosity prompt, labelled in the reader's language."""
    if conversation.kind != "curiosity":
        return ()
    row = [(words.translate(texts.SKIP_BUTTON, lang), f"skip:{conversation.id}")]
    if (conversation.depth or 1) > 1:
        row.append((words.translate(texts.TOO_DEEP_BUTTON, lang), f"deep:{conversation.id}"))
    return keyboard(row)


def prompt_text(
    library: Library,
    conversation: Conversation,
    *,
    partner_name: str,
    lang: str | None = None,
    reader_id: int | None = None,
    zone: str | None = None,
    source: love_maps.Source | None = None,
    meet_in: int | None = None,
) -> str:
    """The evening's prompt, framed, in the reader's language `lang`. A love-maps evening is
    framed for its reader (`reader_id`, in their `zone`) from its `source`
    (`bot.core.love_maps.sources`). `meet_in` (`bot.core.apart.days_to_meet`, counted on the
    reader's own date of that evening) adds the countdown to the day the two see each other:
    the one place the scheduled evening and `/checkin` both frame it."""
    text = _framed(
        library,
        conversation,
        partner_name=partner_name,
        lang=lang,
        reader_id=reader_id,
        zone=zone,
        source=source,
    )
    if meet_in:
        text += "\n\n" + words.plural("MEET_COUNTDOWN", meet_in, lang)
    return text


def _framed(
    library: Library,
    conversation: Conversation,
    *,
    partner_name: str,
    lang: str | None,
    reader_id: int | None,
    zone: str | None,
    source: love_maps.Source | None,
) -> str:
    if conversation.kind == ritual.KIND:
        return ritual.prompt(partner_name=partner_name, lang=lang)
    question = question_of(library, conversation, lang=lang)
    if question is None:
        question = words.translate(texts.PROMPT_MISSING, lang)
    if conversation.kind in love_maps.KINDS:
        framed = love_maps.framed(
            question,
            conversation,
            source=source,
            member_id=reader_id,
            partner_name=partner_name,
            zone=zone,
            lang=lang,
        )
        if framed is not None:
            return framed
    template = {
        "curiosity": texts.EVENING_CURIOSITY,
        "goals": texts.EVENING_GOALS,
        "photo": texts.EVENING_PHOTO,
    }.get(conversation.kind, texts.EVENING_CHECKIN)
    return words.translate(template, lang).format(prompt=question, partner=partner_name)


async def _locked(ctx: Ctx, conversation_id: int) -> Conversation | None:
    """The conversation, locked for the rest of the unit of work. On PostgreSQL a row lock
    (SELECT ... FOR UPDATE, always a statement); on SQLite the unit of work already holds the
    database's write lock, so a conversation the session has loaded needs no statement."""
    lock = True if is_postgres(ctx.session) else None
    return await ctx.session.get(Conversation, conversation_id, with_for_update=lock)


@dataclass
class Target:
    conversation: Conversation
    by_reply: bool


async def _target(ctx: Ctx, reply_to: str | None) -> Target | None:
    """The conversation a message answers: the prompt it replies to, else the latest one.
    Loaded FOR UPDATE, so two answers to one conversation queue on PostgreSQL (on SQLite the
    unit of work already holds the write lock)."""
    conversation_id, by_reply = ctx.member.current_conversation_id, False
    if reply_to is not None:
        replied = (
            await ctx.session.exec(
                select(Delivery.conversation_id).where(
                    Delivery.member_id == ctx.member.id, Delivery.message_ref == reply_to
                )
            )
        ).first()
        if replied is not None:
            conversation_id, by_reply = replied, True
    if conversation_id is None:
        return None
    found = await _locked(ctx, conversation_id)
    if found is None or found.couple_id != ctx.member.couple_id:
        return None
    return Target(found, by_reply=by_reply)


def _media_json(media: MediaRef | None) -> dict[str, Any] | None:
    return None if media is None else media.to_json()


async def answer(
    ctx: Ctx,
    text: str | None,
    media: MediaRef | None,
    *,
    reply_to: str | None,
    message_ref: str | None = None,
) -> bool:
    """Take a message as an answer if there is a conversation for it; False if there is none.
    The answer keeps `message_ref`, the message it was given in, so an edit of that message
    (and only that one) can change it."""
    target = await _target(ctx, reply_to)
    if target is None:
        return False
    conversation = target.conversation
    couple = await ctx.session.get(Couple, conversation.couple_id)
    assert couple is not None
    assert ctx.member.id is not None
    assert conversation.id is not None
    # Any answer, on time or late, from either partner: the couple's own rhythm again.
    couple.quiet_since = None
    partner = await partner_of(ctx.session, ctx.member)
    partner_name = partner.display_name if partner else ctx.say(texts.YOUR_PARTNER)
    if conversation.closed_at is not None or conversation.revealed_at is not None:
        ctx.session.add(
            Answer(
                conversation_id=conversation.id,
                member_id=ctx.member.id,
                text=text,
                media=_media_json(media),
                late=True,
                message_ref=message_ref,
                created_at=ctx.now,
                updated_at=ctx.now,
            )
        )
        at = parse_hhmm(couple.evening_time)
        assert at is not None
        when = tonight_or_tomorrow(ctx.now, at, zone=ctx.member.timezone, lang=ctx.lang)
        template = texts.LATE_ANSWER if conversation.closed_at else texts.ALREADY_REVEALED
        ctx.reply(ctx.say(template, when=when, time=couple.evening_time))
        return True
    on_time = (
        await ctx.session.exec(
            select(Answer).where(
                Answer.conversation_id == conversation.id, col(Answer.late).is_(False)
            )
        )
    ).all()
    mine = next((a for a in on_time if a.member_id == ctx.member.id), None)
    theirs = next((a for a in on_time if partner is not None and a.member_id == partner.id), None)
    if conversation.kind == ritual.KIND:
        part = ritual.Part(text=text, media=_media_json(media), ref=message_ref)
        await _answer_ritual(
            ctx, couple, conversation, partner=partner, mine=mine, theirs=theirs, part=part
        )
        return True
    if mine is None:
        mine = Answer(
            conversation_id=conversation.id,
            member_id=ctx.member.id,
            text=text,
            media=_media_json(media),
            message_ref=message_ref,
            created_at=ctx.now,
            updated_at=ctx.now,
        )
        ctx.session.add(mine)
        replaced = False
    else:
        mine.text, mine.media, mine.updated_at = text, _media_json(media), ctx.now
        mine.message_ref = message_ref
        replaced = True
    if partner is None or theirs is None:
        template = texts.REPLACED if replaced else texts.SEALED
        ctx.reply(ctx.say(template, partner=partner_name))
        return True
    await reveal(ctx, couple, conversation, partner=partner, mine=mine, theirs=theirs)
    return True


async def _answer_ritual(
    ctx: Ctx,
    couple: Couple,
    conversation: Conversation,
    *,
    partner: Member | None,
    mine: Answer | None,
    theirs: Answer | None,
    part: ritual.Part,
) -> None:
    """An answer to the weekly check-in: the next part of the member's one on-time answer
    (`bot.core.ritual`), and the next question in the reply; once both answered all three, the
    reveal. A message after the third replaces the third, as a second message replaces an
    evening answer."""
    assert ctx.member.id is not None
    assert conversation.id is not None
    parts = ritual.parts_of(mine)
    replaced = len(parts) >= len(ritual.QUESTIONS)
    if replaced:
        parts[-1] = part
    else:
        parts.append(part)
    if mine is None:
        mine = Answer(
            conversation_id=conversation.id,
            member_id=ctx.member.id,
            text=ritual.stored(parts),
            created_at=ctx.now,
            updated_at=ctx.now,
        )
        ctx.session.add(mine)
    else:
        mine.text, mine.updated_at = ritual.stored(parts), ctx.now
    if len(parts) < len(ritual.QUESTIONS):
        ctx.reply(ritual.next_question(len(parts), ctx.lang))
        return
    partner_name = partner.display_name if partner else ctx.say(texts.YOUR_PARTNER)
    if partner is None or not ritual.finished(theirs):
        if replaced:
            asked = ritual.question(len(parts) - 1, ctx.lang)
            ctx.reply(ctx.say(texts.RITUAL_REPLACED, question=asked, partner=partner_name))
        else:
            ctx.reply(ctx.say(texts.RITUAL_SEALED, partner=partner_name))
        return
    assert theirs is not None
    await reveal(ctx, couple, conversation, partner=partner, mine=mine, theirs=theirs)


async def _ritual_answer_with(ctx: Ctx, message_ref: str) -> tuple[int, int] | None:
    """The member's weekly check-in answer (its id and conversation's) with a part given in the
    message `message_ref`: looked for among their last few, whose parts are sealed words."""
    recent = await ctx.session.exec(
        select(Answer)
        .join(Conversation, col(Conversation.id) == Answer.conversation_id)
        .where(
            Answer.member_id == ctx.member.id,
            Conversation.kind == ritual.KIND,
            col(Answer.late).is_(False),
        )
        .order_by(col(Answer.id).desc())
        .limit(RITUAL_EDITS_LOOK_BACK)
    )
    for row in recent.all():
        if row.id is not None and ritual.part_with(row, message_ref) is not None:
            return row.id, row.conversation_id
    return None


async def edit(ctx: Ctx, message_ref: str, *, text: str | None, media: MediaRef | None) -> None:
    """An edited message. It changes an answer only if it is the very message the member's
    on-time answer was given in, and only while that conversation is sealed (neither revealed
    nor closed); in a weekly check-in, the part that message answered. After that, a kind note;
    an edited command gets a short note; any other edit (a message that was no answer, an
    answer to a question swapped since) changes nothing."""
    if text is None and media is None:
        return  # nothing readable left (a live location moving, a caption removed...)
    found = (
        await ctx.session.exec(
            select(Answer.id, Answer.conversation_id)
            .where(Answer.member_id == ctx.member.id, Answer.message_ref == message_ref)
            .order_by(col(Answer.id).desc())
        )
    ).first()
    if found is None:
        found = await _ritual_answer_with(ctx, message_ref)
    if found is None:
        if media is None and text is not None and parse_command(text) is not None:
            ctx.reply(ctx.say(texts.EDIT_COMMAND))
        return
    answer_id, conversation_id = found
    # Locked as an answer locks it, so an edit and the partner's answer (the reveal) queue.
    conversation = await _locked(ctx, conversation_id)
    if conversation is None or conversation.couple_id != ctx.member.couple_id:
        return
    if conversation.revealed_at is not None:
        ctx.reply(ctx.say(texts.EDIT_AFTER_REVEAL))
        return
    if conversation.closed_at is not None:
        ctx.reply(ctx.say(texts.EDIT_AFTER_CLOSE))
        return
    mine = await ctx.session.get(Answer, answer_id, populate_existing=True)
    if mine is None or mine.late:
        return
    partner = await partner_of(ctx.session, ctx.member)
    name = partner.display_name if partner else ctx.say(texts.YOUR_PARTNER)
    if conversation.kind == ritual.KIND:
        parts = ritual.parts_of(mine)
        index = ritual.part_with(mine, message_ref)
        if index is None:
            return
        parts[index] = ritual.Part(text=text, media=_media_json(media), ref=message_ref)
        mine.text, mine.updated_at = ritual.stored(parts), ctx.now
        asked = ritual.question(index, ctx.lang)
        ctx.reply(ctx.say(texts.RITUAL_REPLACED, question=asked, partner=name))
        return
    mine.text, mine.media, mine.updated_at = text, _media_json(media), ctx.now
    ctx.reply(ctx.say(texts.REPLACED, partner=name))
