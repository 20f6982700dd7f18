"""Evening conversations: the prompt both partners get, their sealed answers, and the reveal."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time
from typing import Any

from sqlalchemy import update
from sqlmodel import col, select

from bot.core import love_maps, milestones, texts, words
from bot.core.context import Ctx
from bot.core.depth import LIGHTER_FOR
from bot.core.events import Button, MediaRef, keyboard, media_name, parse_command
from bot.core.local_time import local_date, parse_hhmm, tonight_or_tomorrow
from bot.core.members import partner_of
from bot.core.models import Answer, Conversation, Couple, Delivery, Member
from bot.core.ports import Library
from bot.core.prompts import choose, question_of, record_seen, record_use, texts_as_sent
from bot.core.router import Router
from bot.core.sql import row_id

DEFAULT_EVENING = time(20, 30)

router = Router()


def evening_kind(couple: Couple, day: date) -> str | None:
    """What the evening brings: goals every other Sunday, curiosity on its days, a photo moment
    every other Thursday, else a check-in (which `bot.core.love_maps` may turn into "Still
    true?" on Tuesdays and a guessing round on Saturdays)."""
    weekday = texts.DAY_NAMES[day.weekday()]
    odd_week = day.isocalendar().week % 2 == 1
    if couple.goals_on and weekday == "sun" and not odd_week:
        return "goals"
    if couple.curiosity_on and weekday in couple.curiosity_days.split(","):
        return "curiosity"
    if couple.photos_on and weekday == "thu" and odd_week:
        return "photo"
    if couple.checkin_on:
        return "check-in"
    return None


def evening_at(couple: Couple) -> time:
    """The couple's evening time (each partner's own clock)."""
    return parse_hhmm(couple.evening_time) or DEFAULT_EVENING


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
    found = await ctx.session.get(Conversation, conversation_id, with_for_update=True)
    if found is None or found.couple_id != ctx.member.couple_id:
        return None
    return Target(found, by_reply=by_reply)


def _media_json(media: MediaRef | None) -> dict[str, Any] | None:
    if media is None:
        return None
    return {
        "channel": media.channel,
        "kind": media.kind,
        "ref": media.ref,
        "caption": media.caption,
    }


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
    await _reveal(ctx, couple, conversation, partner=partner, mine=mine, theirs=theirs)
    return True


async def edit(ctx: Ctx, message_ref: str, *, text: str | None, media: MediaRef | None) -> None:
    """An edited message. It changes an answer only if it is the very message the member's
    on-time answer was given in, and only while that conversation is sealed (neither revealed
    nor closed). After that, a kind note; an edited command gets a short note; any other edit
    (a message that was no answer, an answer to a question swapped since) changes nothing."""
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
        if media is None and text is not None and parse_command(text) is not None:
            ctx.reply(ctx.say(texts.EDIT_COMMAND))
        return
    answer_id, conversation_id = found
    # Locked as an answer locks it, so an edit and the partner's answer (the reveal) queue.
    conversation = await ctx.session.get(Conversation, conversation_id, with_for_update=True)
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
    mine.text, mine.media, mine.updated_at = text, _media_json(media), ctx.now
    partner = await partner_of(ctx.session, ctx.member)
    name = partner.display_name if partner else ctx.say(texts.YOUR_PARTNER)
    ctx.reply(ctx.say(texts.REPLACED, partner=name))


def _reveal_message(
    library: Library,
    conversation: Conversation,
    *,
    author: Member,
    answer_row: Answer,
    lang: str | None = None,
) -> tuple[str, MediaRef | None]:
    """The partner's answer (as written), framed in the reader's language `lang`."""
    prompt_words = question_of(library, conversation, lang=lang)
    if prompt_words is None:
        prompt_words = words.translate(texts.TONIGHTS_QUESTION, lang)
    if answer_row.media:
        media = MediaRef(**answer_row.media)
        name = media_name(media.kind, lang)
        return words.translate(texts.REVEAL_MEDIA, lang).format(
            partner=author.display_name, prompt=prompt_words, media=name
        ), media
    return (
        words.translate(texts.REVEAL, lang).format(
            partner=author.display_name, prompt=prompt_words, answer=answer_row.text or ""
        ),
        None,
    )


async def _reveal(
    ctx: Ctx,
    couple: Couple,
    conversation: Conversation,
    *,
    partner: Member,
    mine: Answer,
    theirs: Answer,
) -> None:
    """Both have answered: each gets the other's words, once, and one warm line."""
    conversation.revealed_at = ctx.now
    source = (await love_maps.sources(ctx.session, [conversation])).get(conversation.id or 0)
    for reader, author, said in ((ctx.member, partner, theirs), (partner, ctx.member, mine)):
        lang = words.spoken(reader.language)
        text, media = _reveal_message(
            ctx.content, conversation, author=author, answer_row=said, lang=lang
        )
        key = f"reveal:{conversation.id}:{reader.id}"
        if conversation.kind == love_maps.GUESS and source is not None:
            own = theirs if said is mine else mine  # the reader's own guess
            guessed = love_maps.guess_reveal(
                question_of(ctx.content, conversation, lang=lang) or "",
                source,
                reader=reader,
                author=author,
                reader_guess=_said(own, lang),
                author_guess=_said(said, lang),
                lang=lang,
            )
            ctx.push(reader, guessed, kind="reveal", key=key, author=author)
            continue
        save: tuple[tuple[Button, ...], ...] = ()
        if conversation.kind == "goals" and said.text:
            save = keyboard([(ctx.say_to(reader, texts.SAVE_GOAL_BUTTON), f"save:{said.id}")])
        # The prompt's own next step when it has one (content's `follow_up`, unless the couple
        # turned those off), else a warm line.
        follow_up = couple.follow_ups_on and conversation.kind not in love_maps.KINDS
        after = (follow_up and ctx.content.follow_up(conversation.prompt_id, lang)) or ctx.say_to(
            reader, texts.TOGETHER
        )
        if media is None:
            ctx.push(
                reader,
                f"{text}\n\n{after}",
                buttons=save,
                kind="reveal",
                key=key,
                author=author,
            )
        else:
            ctx.push(reader, text, kind="reveal", key=key, media=media, author=author)
            ctx.push(
                reader,
                after,
                kind="together",
                key=f"together:{conversation.id}:{reader.id}",
            )
    if conversation.kind == "curiosity":  # counts towards "start small" (`bot.core.depth`)
        couple.depth_answered += 1
    await milestones.celebrate(ctx)


def _said(answer_row: Answer, lang: str | None) -> str:
    """An answer's words, or what was sent instead ("voice message"), in the reader's `lang`."""
    if answer_row.media:
        return media_name(str(answer_row.media.get("kind", "")), lang)
    return answer_row.text or ""


async def swap(ctx: Ctx, conversation_id: str, *, lighter: bool) -> None:
    """ "Skip" (another question at the same depth, once a day) or "Too deep for now"."""
    key = row_id(conversation_id)
    conversation = await ctx.session.get(Conversation, key) if key is not None else None
    couple = await ctx.session.get(Couple, ctx.member.couple_id) if ctx.member.couple_id else None
    if (
        conversation is None
        or couple is None
        or conversation.couple_id != couple.id
        or conversation.closed_at is not None
        or conversation.revealed_at is not None
    ):
        ctx.reply(ctx.say(texts.SKIP_NOTHING))
        return
    await do_swap(ctx, couple, conversation, lighter=lighter)


async def do_swap(ctx: Ctx, couple: Couple, conversation: Conversation, *, lighter: bool) -> None:
    assert couple.id is not None
    assert conversation.id is not None
    partner = await partner_of(ctx.session, ctx.member)
    answered = (
        await ctx.session.exec(
            select(Answer.member_id).where(
                Answer.conversation_id == conversation.id, col(Answer.late).is_(False)
            )
        )
    ).all()
    if partner is not None and partner.id in answered:
        ctx.reply(ctx.say(texts.SKIP_ANSWERED, partner=partner.display_name))
        return
    today = local_date(ctx.now, ctx.member.timezone).isoformat()
    if not lighter and couple.skipped_on == today:
        ctx.reply(ctx.say(texts.SKIP_USED))
        return
    depth = conversation.depth
    if lighter and depth is not None:
        depth = max(1, depth - 1)
        couple.lighter_until = ctx.now + LIGHTER_FOR  # a lighter mix for a while
    else:
        couple.skipped_on = today
    prompt = await choose(
        ctx.session,
        ctx.content,
        couple_id=couple.id,
        kind=conversation.kind,
        depth=depth,
        day=conversation.day,
        avoid=conversation.prompt_id,
    )
    await record_seen(
        ctx.session, {(couple.id, conversation.kind): conversation.prompt_id}, now=ctx.now
    )
    conversation.prompt_id, conversation.depth = prompt.id, prompt.depth or depth
    conversation.prompt_text = texts_as_sent(ctx.content, prompt.id)
    await record_use(
        ctx.session,
        couple_id=couple.id,
        kind=conversation.kind,
        day=conversation.day,
        prompt_id=prompt.id,
    )
    for old in answered:  # an answer to the old question would not fit the new one
        await ctx.session.exec(
            update(Answer)
            .where(col(Answer.conversation_id) == conversation.id, col(Answer.member_id) == old)
            .values(late=True)
        )
    partner_name = partner.display_name if partner else ctx.say(texts.YOUR_PARTNER)
    intro = ctx.say(texts.TOO_DEEP_DONE if lighter else texts.SKIPPED)
    framed = prompt_text(ctx.content, conversation, partner_name=partner_name, lang=ctx.lang)
    ctx.reply(f"{intro}\n{framed}", prompt_buttons(conversation, ctx.lang))
    if partner is not None and partner.current_conversation_id == conversation.id:
        theirs = words.spoken(partner.language)
        told = texts.TOO_DEEP_TOLD if lighter else texts.SKIP_TOLD
        ctx.push(
            partner,
            f"{ctx.say_to(partner, told)}\n"
            + prompt_text(
                ctx.content, conversation, partner_name=ctx.member.display_name, lang=theirs
            ),
            buttons=prompt_buttons(conversation, theirs),
            kind="swap",
            conversation_id=conversation.id,
        )


@router.button("skip")
async def _skip_pressed(ctx: Ctx, parts: list[str]) -> None:
    """`skip:<conversation id>`, under a prompt."""
    match parts:
        case [conversation_id]:
            await swap(ctx, conversation_id, lighter=False)
        case _:
            ctx.reply(ctx.say(texts.STALE_BUTTON))


@router.button("deep")
async def _too_deep_pressed(ctx: Ctx, parts: list[str]) -> None:
    """`deep:<conversation id>`, under a prompt."""
    match parts:
        case [conversation_id]:
            await swap(ctx, conversation_id, lighter=True)
        case _:
            ctx.reply(ctx.say(texts.STALE_BUTTON))
