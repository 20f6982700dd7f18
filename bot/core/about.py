"""What the bot does and who sees what: `/help` and `/privacy`."""

from __future__ import annotations

from bot.core import texts
from bot.core.context import Ctx
from bot.core.router import Router

router = Router()


@router.command("help")
async def show_help(ctx: Ctx, _args: str) -> None:
    ctx.reply(ctx.say(texts.HELP))


@router.command("privacy")
async def show_privacy(ctx: Ctx, _args: str) -> None:
    ctx.reply(ctx.say(texts.PRIVACY))
