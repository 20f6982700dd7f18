"""Evening conversations: the prompt both partners get, their sealed answers, and the reveal."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time, timedelta
from typing import Any

from sqlalchemy import update
from sqlmodel import col, select

from bot.core import love_maps, milestones, ritual, texts, words
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
# How many of a member's latest weekly check-in answers an edit looks through for the part it
# changes (their parts' messages are inside the sealed words, not in an indexed column).
RITUAL_EDITS_LOOK_BACK = 4
EVENINGS_A_WEEK = range(3, 8)  # how many evenings a week may bring a question (`/evenings`)

router = Router()


def _kind_of_day(couple: Couple, day: date) -> str | None:
    """What the evening brings when every evening brings a question: the couple's weekly
    check-in on the day they picked, goals every other Sunday, curiosity on its days, a photo
    moment every other Thursday, else a check-in (which `bot.core.love_maps` may turn into
    "Still true?" on Tuesdays and a guessing round on Saturdays)."""
    weekday = texts.DAY_NAMES[day.weekday()]
    odd_week = day.isocalendar().week % 2 == 1
    if couple.ritual_day == weekday:  # opted in (/settings), so it comes before the rest
        return ritual.KIND
    if couple.goals_on and weekday == "sun" and not odd_week:
        return "goals"
    if couple.curiosity_on and weekday in couple.curiosity_days.split(","):
        return "curiosity"
    if couple.photos_on and weekday == "thu" and odd_week:
        return "photo"
    if couple.checkin_on:
        return "check-in"
    return None


def _apart(day: int, chosen: list[int]) -> tuple[int, int]:
    """How far a weekday lies from the days already chosen, round the week: the nearest one,
    then the width of the gap it falls in (so a day in the middle of the widest gap wins)."""
    if not chosen:
        return 7, 7
    after = min((other - day) % 7 for other in chosen)
    before = min((day - other) % 7 for other in chosen)
    return min(after, before), after + before


def evening_days(couple: Couple) -> frozenset[int]:
    """The weekdays (0 = Monday) whose evening brings a question: every day by default, else
    the couple's `evenings_per_week` (3 to 7, `/evenings`), the same days every week (so, with
    check-ins on, any seven days in a row bring that many), chosen by one rule. The evenings
    that have a kind of their own come first: Sunday (goals, every other week), then the
    curiosity days, then Thursday (photo moments, every other week); the rest are check-in
    evenings. Where a group does not all fit, and for the check-in evenings, each next day is
    the one farthest from those already chosen, round the week (ties: a love-maps day, then
    the earlier day)."""
    wanted = min(max(couple.evenings_per_week, EVENINGS_A_WEEK.start), EVENINGS_A_WEEK.stop - 1)
    if wanted == 7:
        return frozenset(range(7))
    groups: list[list[int]] = []
    if couple.ritual_day in texts.DAY_NAMES:  # chosen by the couple: kept whatever the count
        groups.append([texts.DAY_NAMES.index(couple.ritual_day)])
    if couple.goals_on:
        groups.append([6])
    if couple.curiosity_on:
        days = couple.curiosity_days.split(",")
        groups.append([i for i, name in enumerate(texts.DAY_NAMES) if name in days])
    if couple.photos_on:
        groups.append([3])
    if couple.checkin_on:
        groups.append(list(range(7)))
    loved = {
        day for kind, day in love_maps.DAYS.items() if getattr(couple, love_maps.SWITCHES[kind])
    }
    chosen: list[int] = []
    for group in groups:
        left = [day for day in group if day not in chosen]
        while left and len(chosen) < wanted:
            best = max(left, key=lambda d: (*_apart(d, chosen), d in loved, -d))
            chosen.append(best)
            left.remove(best)
    return frozenset(chosen)


def previous_evening(couple: Couple, day: date) -> date | None:
    """The latest day before `day` whose evening brings a question, within two weeks."""
    days = evening_days(couple)
    for back in range(1, 15):
        earlier = day - timedelta(days=back)
        if earlier.weekday() in days and _kind_of_day(couple, earlier) is not None:
            return earlier
    return None


def evening_kind(couple: Couple, day: date, *, last_asked: date | None = None) -> str | None:
    """What the couple-day's evening brings (see `_kind_of_day`), or None: no question that
    evening. None on a day that is not one of the couple's `evening_days`; and while the couple
    is quieter (`Couple.quiet_since`, see `bot.core.cadence`), None on an evening right after
    one that brought a question: `last_asked` is the day of the couple's latest conversation
    before `day` (a caller that does not pass it gets the couple's usual rhythm)."""
    if day.weekday() not in evening_days(couple):
        return None
    kind = _kind_of_day(couple, day)
    if kind is None or couple.quiet_since is None or last_asked is None:
        return kind
    if last_asked == previous_evening(couple, day):
        return None  # quieter: every other evening
    return kind


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
    await _reveal(ctx, couple, conversation, partner=partner, mine=mine, theirs=theirs)
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
    await _reveal(ctx, couple, conversation, partner=partner, mine=mine, theirs=theirs)


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
        media = MediaRef.from_json(answer_row.media)
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
        key = f"reveal:{conversation.id}:{reader.id}"
        if conversation.kind == ritual.KIND:
            _reveal_ritual(ctx, conversation, reader=reader, author=author, said=said, key=key)
            continue
        text, media = _reveal_message(
            ctx.content, conversation, author=author, answer_row=said, lang=lang
        )
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


def _reveal_ritual(
    ctx: Ctx,
    conversation: Conversation,
    *,
    reader: Member,
    author: Member,
    said: Answer,
    key: str,
) -> None:
    """The partner's three weekly check-in answers with the questions, for one reader; a voice
    note or photo among them follows on its own, and then the warm line."""
    lang = words.spoken(reader.language)
    text, media = ritual.revealed(ritual.parts_of(said), author_name=author.display_name, lang=lang)
    after = ctx.say_to(reader, texts.TOGETHER)
    if not media:
        ctx.push(reader, f"{text}\n\n{after}", kind="reveal", key=key, author=author)
        return
    ctx.push(reader, text, kind="reveal", key=key, author=author)
    for index, (framed, ref) in enumerate(media):
        ctx.push(reader, framed, kind="reveal", key=f"{key}:{index}", media=ref, author=author)
    ctx.push(reader, after, kind="together", key=f"together:{conversation.id}:{reader.id}")


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
    if conversation.kind == ritual.KIND:  # the bot's own three questions: nothing to swap to
        ctx.reply(ctx.say(texts.RITUAL_NO_SKIP))
        return
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
