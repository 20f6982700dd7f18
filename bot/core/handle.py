"""The core's one entry point: an event in, a unit of work's worth of decisions out."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from bot.core import (
    apart,
    appreciation,
    controls,
    conversations,
    data_rights,
    dates,
    evening,
    goals,
    moments,
    pairing,
    profile,
    progress,
    texts,
    wins,
)
from bot.core.context import Ctx
from bot.core.events import ButtonPress, Command, Edit, Event, Media, MediaRef, Text, Unsupported
from bot.core.local_time import parse_hhmm, tonight_or_tomorrow
from bot.core.members import couple_of
from bot.core.zones import parse_zone, zone_info

CommandHandler = Callable[[Ctx, str], Awaitable[None]]


async def _help(ctx: Ctx, _args: str) -> None:
    ctx.reply(texts.HELP)


async def _privacy(ctx: Ctx, _args: str) -> None:
    ctx.reply(texts.PRIVACY)


async def _pair(ctx: Ctx, args: str) -> None:
    if args.strip():
        await pairing.redeem(ctx, args)
    else:
        await pairing.create_invite(ctx)


COMMANDS: dict[str, CommandHandler] = {
    "start": profile.start,
    "help": _help,
    "privacy": _privacy,
    "timezone": profile.set_zone,
    "pair": _pair,
    "unpair": lambda ctx, _args: pairing.ask_unpair(ctx),
    "time": controls.set_time,
    "pause": controls.pause,
    "resume": controls.resume,
    "skip": controls.skip,
    "checkin": controls.checkin_now,
    "ask": controls.ask,
    "settings": controls.show_settings,
    "apart": apart.apart,
    "together": apart.together,
    "appreciate": appreciation.appreciate,
    "goal": goals.add,
    "goals": goals.show,
    "win": wins.log_win,
    "date": dates.plan,
    "progress": progress.show,
    "export": data_rights.export,
    "deletemydata": data_rights.ask_delete,
}


# What each command does, in the words a chat app's command menu shows (a bot command list,
# slash command descriptions).
DESCRIPTIONS: dict[str, str] = texts.COMMAND_DESCRIPTIONS


async def handle(ctx: Ctx, event: Event) -> None:
    """Decide what the event means and record what should be said."""
    match event:
        case Command(name=name, args=args):
            command = COMMANDS.get(name)
            if command is None:
                ctx.reply(texts.UNKNOWN_COMMAND.format(name=name[:32]))
            else:
                await command(ctx, args)
        case ButtonPress(data=data):
            await _button(ctx, data)
        case Text(text=text, reply_to=reply_to, message_ref=ref):
            await _message(ctx, text, None, reply_to, ref)
        case Media(media=media, reply_to=reply_to, message_ref=ref):
            await _message(ctx, media.caption, media, reply_to, ref)
        case Edit(message_ref=ref, text=text, media=media):
            await conversations.edit(ctx, ref, media.caption if media else text, media)
        case Unsupported(what=what):
            ctx.reply(texts.UNSUPPORTED.format(what=what))


async def _button(ctx: Ctx, data: str) -> None:
    """Button data is `action:arg[:arg]`; anything else (stale, forged) gets a short answer.
    Every action checks that what it names belongs to the presser's own couple."""
    action, _, rest = data.partition(":")
    parts = rest.split(":")
    match action, parts:
        case "tz", _ if rest:
            await profile.set_zone(ctx, rest)
        case "unpair", [choice, couple_id]:
            await pairing.answer_unpair(ctx, choice, couple_id)
        case "notme", [couple_id]:
            await pairing.not_my_partner(ctx, couple_id)
        case "skip", [conversation_id]:
            await conversations.swap(ctx, conversation_id, lighter=False)
        case "deep", [conversation_id]:
            await conversations.swap(ctx, conversation_id, lighter=True)
        case "hug", [couple_id, day]:
            await moments.affection_done(ctx, couple_id, day)
        case "appr", [couple_id] if couple_id == str(ctx.member.couple_id):
            await appreciation.appreciate(ctx, "")
        case "thank", [appreciation_id]:
            await appreciation.thank(ctx, appreciation_id)
        case "goal", [goal_id]:
            await goals.reach(ctx, goal_id)
        case "save", [answer_id]:
            await goals.save_answer(ctx, answer_id)
        case "dateday", [day, couple_id]:
            await dates.pick_day(ctx, day, couple_id)
        case "erase", [choice, member_id]:
            await data_rights.answer_delete(ctx, choice, member_id)
        case "datehow", [answer, plan_id]:
            await dates.how_was_it(ctx, answer, plan_id)
        case "set", _:
            await controls.settings_button(ctx, parts)
        case _:
            ctx.reply(texts.STALE_BUTTON)


async def _message(
    ctx: Ctx,
    text: str | None,
    media: MediaRef | None,
    reply_to: str | None,
    message_ref: str | None,
) -> None:
    """A message: an answer if a conversation is waiting for one, else a typed setting, else a
    kind word about what comes next."""
    member = ctx.member
    typed = text if text and media is None else None
    if typed and member.awaiting == profile.AWAITING_ZONE and parse_zone(typed):
        await profile.set_zone(ctx, typed)
        return
    if typed and member.awaiting == controls.AWAITING_TIME and parse_hhmm(typed):
        await controls.set_time(ctx, typed)
        return
    if typed and member.awaiting == appreciation.AWAITING and member.couple_id is not None:
        await appreciation.appreciate(ctx, typed)
        return
    if typed and member.awaiting == dates.AWAITING and member.couple_id is not None:
        today = ctx.now.astimezone(zone_info(member.timezone)).date()
        if dates.parse_when(typed, today) is not None:
            await dates.plan(ctx, typed)
            return
    if member.couple_id is not None and (
        await evening.answer_before_prompt(ctx, text, media, reply_to, message_ref)
        or await conversations.answer(ctx, text, media, reply_to, message_ref)
    ):
        return
    # Not a setting we understood and nothing to answer: help with the setting that was asked.
    if typed and member.awaiting == profile.AWAITING_ZONE:
        await profile.set_zone(ctx, typed)
        return
    if typed and member.awaiting == controls.AWAITING_TIME:
        await controls.set_time(ctx, typed)
        return
    couple = await couple_of(ctx.session, member)
    if couple is None:
        ctx.reply(texts.NOT_PAIRED_TEXT)
        return
    at = parse_hhmm(couple.evening_time)
    assert at is not None
    when = tonight_or_tomorrow(ctx.now, at, member.timezone)
    ctx.reply(texts.PAIRED_TEXT.format(when=when, time=couple.evening_time))
