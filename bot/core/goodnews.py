"""Good news: one partner's good news (and a photo), shared at once with a line on answering it
well, glad and curious (active-constructive responding), and a button whose reply goes back.
The reply is relayed, never kept."""

from __future__ import annotations

from dataclasses import replace

from sqlmodel import col, select

from bot.core import milestones, texts
from bot.core.context import Ctx
from bot.core.events import MediaRef, keyboard, parse_command
from bot.core.members import couple_of, partner_of
from bot.core.models import GoodNews, Member
from bot.core.rhythm import in_quiet_hours
from bot.core.router import Router
from bot.core.sql import row_id

COMMAND = "goodnews"
AWAITING = "goodnews"  # asked for the words: the next message is the good news
REPLYING = "goodnews:"  # + the good news' id: the next message is the reply to it
MAX_WORDS = 2000

router = Router()


def caption_words(caption: str | None) -> str | None:
    """The words after `/goodnews` when a photo's caption starts with it, else None."""
    parsed = parse_command(caption or "")
    if parsed is None or parsed[0] != COMMAND:
        return None
    return parsed[1]


@router.command(COMMAND)
async def _goodnews(ctx: Ctx, words: str) -> None:
    """`/goodnews <words>`; without words, ask for them and take the next message."""
    await share(ctx, words)


async def share(ctx: Ctx, words: str, *, media: MediaRef | None = None) -> None:
    """Good news (words, a photo or both) to the partner at once; without either, ask."""
    partner = await partner_of(ctx.session, ctx.member)
    couple = await couple_of(ctx.session, ctx.member)
    if partner is None or couple is None or couple.id is None:
        ctx.reply(ctx.say(texts.CHECKIN_NOT_PAIRED))
        return
    if not couple.goodnews_on:
        ctx.member.awaiting = None
        ctx.reply(ctx.say(texts.GOODNEWS_OFF))
        return
    words = words.strip()
    if not words and media is None:
        ctx.member.awaiting = AWAITING
        ctx.reply(ctx.say(texts.GOODNEWS_ASK, partner=partner.display_name))
        return
    ctx.member.awaiting = None
    # The photo by reference, without its caption ("/goodnews …"): the words are the text.
    kept = replace(media, caption=None) if media is not None else None
    news = GoodNews(
        couple_id=couple.id,
        sender_id=ctx.member.id,
        receiver_id=partner.id,
        text=words[:MAX_WORDS] or None,
        media=kept.to_json() if kept is not None else None,
        created_at=ctx.now,
    )
    ctx.session.add(news)
    await ctx.session.flush()
    told = texts.GOODNEWS if news.text else texts.GOODNEWS_PHOTO
    name = ctx.member.display_name
    text = ctx.say_to(partner, told, partner=name, words=news.text)
    # At night it still arrives at once, only without a sound.
    ctx.push(
        partner,
        f"{text}\n\n{ctx.say_to(partner, texts.GOODNEWS_HINT)}",
        buttons=keyboard(
            [(ctx.say_to(partner, texts.GOODNEWS_REPLY_BUTTON), f"gnreply:{news.id}")]
        ),
        kind="goodnews",
        media=kept,
        silent=in_quiet_hours(ctx.now, partner.timezone),
        author=ctx.member,
    )
    ctx.reply(ctx.say(texts.GOODNEWS_SENT, partner=partner.display_name))
    await milestones.celebrate(ctx)


async def _news_for(ctx: Ctx, news_id: int | None) -> tuple[GoodNews, Member] | None:
    """The good news `news_id` and its sender, if the member received it in their current couple
    and the sender is still in it."""
    found = await ctx.session.get(GoodNews, news_id) if news_id is not None else None
    if (
        found is None
        or ctx.member.couple_id is None
        or found.couple_id != ctx.member.couple_id
        or found.receiver_id != ctx.member.id
        or found.sender_id is None
    ):
        return None
    sender = await ctx.session.get(Member, found.sender_id)
    if sender is None or sender.couple_id != ctx.member.couple_id:
        return None
    return found, sender


async def ask_reply(ctx: Ctx, news_id: str) -> None:
    """ "Reply 💬": the receiver, under the latest good news they got, as often as they like."""
    found = await _news_for(ctx, row_id(news_id))
    if found is not None:
        latest = (
            await ctx.session.exec(
                select(GoodNews.id)
                .where(
                    GoodNews.couple_id == found[0].couple_id,
                    GoodNews.receiver_id == ctx.member.id,
                )
                .order_by(col(GoodNews.id).desc())
                .limit(1)
            )
        ).first()
        if latest != found[0].id:
            found = None
    if found is None:
        ctx.reply(ctx.say(texts.STALE_BUTTON))
        return
    news, sender = found
    ctx.member.awaiting = f"{REPLYING}{news.id}"
    ctx.reply(ctx.say(texts.GOODNEWS_REPLY_ASK, partner=sender.display_name))


async def relay_reply(ctx: Ctx, words: str) -> bool:
    """The message after "Reply 💬", carried to the good news' sender and not kept. False when
    that good news is gone (its sender erased it, the pairing ended): the message is then read
    like any other."""
    awaiting = ctx.member.awaiting or ""
    ctx.member.awaiting = None
    found = await _news_for(ctx, row_id(awaiting.removeprefix(REPLYING)))
    words = words.strip()
    if found is None or not awaiting.startswith(REPLYING) or not words:
        return False
    news, sender = found
    news.replied_at = news.replied_at or ctx.now
    ctx.push(
        sender,
        ctx.say_to(
            sender, texts.GOODNEWS_REPLY, partner=ctx.member.display_name, words=words[:MAX_WORDS]
        ),
        kind="goodnews-reply",
        silent=in_quiet_hours(ctx.now, sender.timezone),
        author=ctx.member,
    )
    ctx.reply(ctx.say(texts.GOODNEWS_REPLY_SENT, partner=sender.display_name))
    return True


@router.button("gnreply")
async def _reply_pressed(ctx: Ctx, parts: list[str]) -> None:
    """`gnreply:<good news id>`, under a good news received."""
    match parts:
        case [news_id]:
            await ask_reply(ctx, news_id)
        case _:
            ctx.reply(ctx.say(texts.STALE_BUTTON))
