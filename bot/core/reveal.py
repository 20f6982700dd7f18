"""The reveal: both have answered, so each gets the other's words once (a guessing round shows
the answers of back then beside the guesses; the weekly check-in its three parts), then the
prompt's own next step or a warm line, and the milestones it completes."""

from __future__ import annotations

from bot.core import love_maps, milestones, ritual, story, texts, words
from bot.core.context import Ctx
from bot.core.events import Button, MediaRef, keyboard, media_name
from bot.core.models import Answer, Conversation, Couple, Member
from bot.core.ports import Library
from bot.core.prompts import question_of


def reveal_message(
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


async def reveal(
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
        text, media = reveal_message(
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
    await story.offer_after_evenings(ctx, couple)


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
