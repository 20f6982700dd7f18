"""The core's one entry point: an event in, a unit of work's worth of decisions out."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from bot.core import pairing, profile, texts
from bot.core.context import Ctx
from bot.core.events import ButtonPress, Command, Event, Media, Text, Unsupported
from bot.core.members import couple_of
from bot.core.schedule import parse_hhmm, tonight_or_tomorrow

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


async def _unpair(ctx: Ctx, _args: str) -> None:
    await pairing.ask_unpair(ctx)


COMMANDS: dict[str, CommandHandler] = {
    "start": profile.start,
    "help": _help,
    "privacy": _privacy,
    "timezone": profile.set_zone,
    "pair": _pair,
    "unpair": _unpair,
}


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
        case Text(text=text):
            await _text(ctx, text)
        case Media():
            await _text(ctx, "")
        case Unsupported(what=what):
            ctx.reply(texts.UNSUPPORTED.format(what=what))


async def _button(ctx: Ctx, data: str) -> None:
    """Button data is `action:arg[:arg]`; anything else (stale, forged) gets a short answer."""
    action, _, rest = data.partition(":")
    match action, rest.split(":"):
        case "tz", [*zone_parts] if rest:
            await profile.set_zone(ctx, ":".join(zone_parts))
        case "unpair", [choice, couple_id]:
            await pairing.answer_unpair(ctx, choice, couple_id)
        case _:
            ctx.reply(texts.STALE_BUTTON)


async def _text(ctx: Ctx, text: str) -> None:
    """Free text with no other home: a typed time zone, or a kind word about what comes next."""
    member = ctx.member
    if member.awaiting == profile.AWAITING_ZONE and text:
        await profile.set_zone(ctx, text)
        return
    couple = await couple_of(ctx.session, member)
    if couple is None:
        ctx.reply(texts.NOT_PAIRED_TEXT)
        return
    at = parse_hhmm(couple.evening_time)
    assert at is not None
    when = tonight_or_tomorrow(ctx.now, at, member.timezone)
    ctx.reply(texts.PAIRED_TEXT.format(when=when, time=couple.evening_time))
