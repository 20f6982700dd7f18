"""Someday: the couple's shared list of things to do together one day. `/someday <words>` adds
(either partner; the other is told), `/someday` lists with a button to plan each item as a date
(the proposal flow of `bot/core/dates.py`) and one to take it off the list. The weekly date nudge
offers an item from it (`bot/core/beat/compose.py`)."""

from __future__ import annotations

from sqlalchemy import update
from sqlmodel import col, select

from bot.core import dates, texts
from bot.core.context import Ctx
from bot.core.events import keyboard
from bot.core.models import Someday
from bot.core.router import Router
from bot.core.shared_notes import note_for_both
from bot.core.sql import row_id

MAX_WORDS = 200
LABEL = 40
MAX_BUTTONS = 20  # rows of buttons under the list; the rest are listed without

router = Router()


@router.command("someday")
async def someday(ctx: Ctx, words: str) -> None:
    """`/someday <words>` adds to the list; `/someday` alone shows it."""
    if not words.strip():
        await show(ctx)
        return
    await note_for_both(
        ctx,
        words,
        limit=MAX_WORDS,
        ask=texts.SOMEDAY_NONE,
        done=texts.SOMEDAY_ADDED,
        told=texts.SOMEDAY_TOLD,
        kind="someday",
        row=lambda couple_id, text: Someday(
            couple_id=couple_id, added_by=ctx.member.id, text=text, created_at=ctx.now
        ),
    )


async def show(ctx: Ctx) -> None:
    """The couple's list, oldest first: open items with "📅 <item>" (plan it) and "✕ Remove"
    buttons, then the planned ones."""
    if ctx.member.couple_id is None:
        ctx.reply(ctx.say(texts.CHECKIN_NOT_PAIRED))
        return
    items = (
        await ctx.session.exec(
            select(Someday)
            .where(Someday.couple_id == ctx.member.couple_id, col(Someday.removed_at).is_(None))
            .order_by(col(Someday.id))
        )
    ).all()
    if not items:
        ctx.reply(ctx.say(texts.SOMEDAY_NONE))
        return
    open_items = [item for item in items if item.planned_at is None]
    planned = [item for item in items if item.planned_at is not None]
    lines = [ctx.say(texts.SOMEDAY_LIST), *(f"• {item.text}" for item in open_items)]
    if planned:
        lines += [ctx.say(texts.SOMEDAY_PLANNED), *(f"🕯️ {item.text}" for item in planned)]
    if open_items:
        lines.append(ctx.say(texts.SOMEDAY_TAP))
    remove = ctx.say(texts.SOMEDAY_REMOVE_BUTTON)
    buttons = keyboard(
        *[
            [
                (f"📅 {_short(item.text)}", f"someday:plan:{item.id}"),
                (remove, f"someday:drop:{item.id}"),
            ]
            for item in open_items[:MAX_BUTTONS]
        ]
    )
    ctx.reply("\n".join(lines), buttons)


def _short(text: str) -> str:
    return text if len(text) <= LABEL else text[: LABEL - 1] + "…"


async def _item(ctx: Ctx, item_id: str) -> Someday | None:
    """The item a button names, if it is the presser's couple's; else the stale answer."""
    key = row_id(item_id)
    item = await ctx.session.get(Someday, key) if key is not None else None
    if item is None or ctx.member.couple_id is None or item.couple_id != ctx.member.couple_id:
        ctx.reply(ctx.say(texts.STALE_BUTTON))
        return None
    return item


async def plan_it(ctx: Ctx, item_id: str) -> None:
    """ "📅 <item>" in /someday or "Plan it" under the date nudge: ask the presser for a day,
    then the partner (`dates.propose`)."""
    item = await _item(ctx, item_id)
    if item is None:
        return
    if item.removed_at is not None:
        ctx.reply(ctx.say(texts.SOMEDAY_ALREADY_REMOVED))
        return
    if item.planned_at is not None:
        ctx.reply(ctx.say(texts.SOMEDAY_ALREADY_PLANNED))
        return
    await dates.ask_day(ctx, item)


async def remove(ctx: Ctx, item_id: str) -> None:
    """ "✕ Remove": off the list (kept as removed, so a button pressed twice says so)."""
    item = await _item(ctx, item_id)
    if item is None:
        return
    changed = await ctx.session.exec(
        update(Someday)
        .where(col(Someday.id) == item.id, col(Someday.removed_at).is_(None))
        .values(removed_at=ctx.now)
    )
    if changed.rowcount != 1:
        ctx.reply(ctx.say(texts.SOMEDAY_ALREADY_REMOVED))
        return
    ctx.reply(ctx.say(texts.SOMEDAY_REMOVED, words=item.text))


@router.button("someday")
async def _pressed(ctx: Ctx, parts: list[str]) -> None:
    """`someday:<plan|drop>:<item id>`, under /someday and the date nudge."""
    match parts:
        case ["plan", item_id]:
            await plan_it(ctx, item_id)
        case ["drop", item_id]:
            await remove(ctx, item_id)
        case _:
            ctx.reply(ctx.say(texts.STALE_BUTTON))
