"""The core's one entry point: an event in, a unit of work's worth of decisions out."""

from __future__ import annotations

from bot.core import (
    about,
    apart,
    appreciation,
    cadence,
    controls,
    conversations,
    data_rights,
    date_answers,
    dates,
    evening,
    goals,
    goodnews,
    language,
    love_maps,
    moments,
    our_dates,
    packs,
    pairing,
    profile,
    progress,
    ritual,
    someday,
    story,
    swap,
    texts,
    wins,
    words,
)
from bot.core.context import Ctx
from bot.core.events import (
    ButtonPress,
    Command,
    Edit,
    Event,
    Media,
    MediaRef,
    Text,
    Unsupported,
    unsupported_name,
)
from bot.core.local_time import parse_hhmm, tonight_or_tomorrow
from bot.core.members import couple_of
from bot.core.router import CommandHandler, Router
from bot.core.zones import parse_zone, zone_info

# Every feature that answers commands or buttons. A command name or button action claimed by
# two features stops the bot at import (`Router.compose`), so the order here decides nothing.
FEATURES = (
    profile.router,
    about.router,
    pairing.router,
    controls.router,
    cadence.router,
    language.router,
    love_maps.router,
    apart.router,
    appreciation.router,
    goodnews.router,
    goals.router,
    wins.router,
    dates.router,
    date_answers.router,
    someday.router,
    our_dates.router,
    progress.router,
    story.router,
    data_rights.router,
    moments.router,
    packs.router,
    ritual.router,
    conversations.router,
    swap.router,
)
ROUTES = Router.compose(FEATURES)
COMMANDS: dict[str, CommandHandler] = ROUTES.commands


# What each command does, in the words a chat app's command menu shows (a bot command list,
# slash command descriptions).
DESCRIPTIONS: dict[str, str] = texts.COMMAND_DESCRIPTIONS


def descriptions(lang: str | None) -> dict[str, str]:
    """The command menu's descriptions in `lang` (a chat app shows a menu per language)."""
    return {name: words.say(f"COMMAND_DESCRIPTIONS.{name}", lang) for name in DESCRIPTIONS}


async def handle(ctx: Ctx, event: Event) -> None:
    """Decide what the event means and record what should be said."""
    match event:
        case Command(name=name, args=args):
            command = COMMANDS.get(name)
            if command is None:
                ctx.reply(ctx.say(texts.UNKNOWN_COMMAND, name=name[:32]))
            else:
                await command(ctx, args)
        case ButtonPress(data=data):
            await _button(ctx, data)
        case Text(text=text, reply_to=reply_to, message_ref=ref):
            await _message(ctx, text, None, reply_to=reply_to, message_ref=ref)
        case Media(media=media, reply_to=reply_to, message_ref=ref):
            await _message(ctx, media.caption, media, reply_to=reply_to, message_ref=ref)
        case Edit(message_ref=ref, text=text, media=media):
            await conversations.edit(ctx, ref, text=media.caption if media else text, media=media)
        case Unsupported(kind=kind):
            ctx.reply(ctx.say(texts.UNSUPPORTED, what=unsupported_name(kind, lang=ctx.lang)))


async def _button(ctx: Ctx, data: str) -> None:
    """Button data is `action:arg[:arg]`; the feature that owns the action checks the rest, and
    anything else (stale, forged) gets a short answer. Every action checks that what it names
    belongs to the presser's own couple."""
    action, _, rest = data.partition(":")
    button = ROUTES.buttons.get(action)
    if button is None:
        ctx.reply(ctx.say(texts.STALE_BUTTON))
    else:
        await button(ctx, rest.split(":"))


async def _message(
    ctx: Ctx,
    text: str | None,
    media: MediaRef | None,
    *,
    reply_to: str | None,
    message_ref: str | None,
) -> None:
    """A message: an answer if a conversation is waiting for one, else a typed setting, else a
    kind word about what comes next."""
    member = ctx.member
    typed = text if text and media is None else None
    # A photo whose caption is `/goodnews …`: the photo is good news, the rest its words.
    if media is not None and (news := goodnews.caption_words(media.caption)) is not None:
        await goodnews.share(ctx, news, media=media)
        return
    if typed and member.awaiting == profile.AWAITING_ZONE and parse_zone(typed):
        await profile.set_zone(ctx, typed)
        return
    if typed and member.awaiting == controls.AWAITING_TIME and parse_hhmm(typed):
        await controls.set_time(ctx, typed)
        return
    if typed and member.awaiting == appreciation.AWAITING and member.couple_id is not None:
        await appreciation.appreciate(ctx, typed)
        return
    if member.awaiting == goodnews.AWAITING and member.couple_id is not None:
        await goodnews.share(ctx, text or "", media=media)  # words, a photo or both
        return
    if (
        typed
        and (member.awaiting or "").startswith(goodnews.REPLYING)
        and member.couple_id is not None
        and await goodnews.relay_reply(ctx, typed)
    ):
        return
    if typed and dates.awaiting_day(member) and member.couple_id is not None:
        today = ctx.now.astimezone(zone_info(member.timezone)).date()
        if dates.parse_when(typed, today, lang=ctx.lang) is not None:
            await dates.plan(ctx, typed)
            return
    # A date asked for (/ourdays's "change", or /anniversary, /birthday, /meet on their own).
    if (
        typed
        and member.awaiting in our_dates.AWAITING
        and our_dates.is_date_reply(typed, lang=ctx.lang)
    ):
        await our_dates.typed(ctx, typed)
        return
    if member.couple_id is not None and (
        await evening.answer_before_prompt(
            ctx, text, media, reply_to=reply_to, message_ref=message_ref
        )
        or await conversations.answer(ctx, text, media, reply_to=reply_to, message_ref=message_ref)
    ):
        return
    # Not a setting we understood and nothing to answer: help with the setting that was asked.
    if typed and member.awaiting == profile.AWAITING_ZONE:
        await profile.set_zone(ctx, typed)
        return
    if typed and member.awaiting == controls.AWAITING_TIME:
        await controls.set_time(ctx, typed)
        return
    if typed and member.awaiting in our_dates.AWAITING:
        await our_dates.typed(ctx, typed)
        return
    couple = await couple_of(ctx.session, member)
    if couple is None:
        ctx.reply(ctx.say(texts.NOT_PAIRED_TEXT))
        return
    at = parse_hhmm(couple.evening_time)
    assert at is not None
    when = tonight_or_tomorrow(ctx.now, at, zone=member.timezone, lang=ctx.lang)
    ctx.reply(ctx.say(texts.PAIRED_TEXT, when=when, time=couple.evening_time))
