"""/language: the language the bot writes in, each member's own (a couple may mix). A new
member starts with their platform's language (`members.member_for`); being paired or not does
not matter here."""

from __future__ import annotations

from functools import cache

from bot.core import status, texts, words
from bot.core.context import Ctx
from bot.core.events import Button, keyboard
from bot.core.members import couple_of
from bot.core.router import Router

router = Router()


@cache
def name_of(lang: str) -> str:
    """A language's own name, as its speakers write it: "English", "Español", "Русский"."""
    from babel.core import Locale

    name = Locale.parse(lang).display_name or lang
    return name[:1].upper() + name[1:]


def chosen(typed: str) -> str | None:
    """The shipped language someone typed: a code ("es", "es-419", "RU") or a language's name in
    any of the shipped languages ("Spanish", "español", "русский"); else None."""
    from babel.core import Locale

    wanted = typed.strip().lower().replace("_", "-")
    shipped = words.languages()
    if not wanted:
        return None
    if wanted in shipped:
        return wanted
    base = wanted.split("-")[0]
    if base in shipped:  # a regional form: "es-419", "en-US"
        return base
    for lang in shipped:
        names = {Locale.parse(lang).get_display_name(other) or "" for other in shipped}
        if wanted in {name.lower() for name in names}:
            return lang
    return None


def _buttons() -> tuple[tuple[Button, ...], ...]:
    return keyboard([(name_of(lang), f"lang:{lang}") for lang in words.languages()])


@router.command("language")
async def language(ctx: Ctx, args: str) -> None:
    """`/language` shows the choice; `/language es` makes it."""
    if not args.strip():
        await show(ctx)
        return
    lang = chosen(args)
    if lang is None:
        available = ", ".join(f"{name_of(lang)} ({lang})" for lang in words.languages())
        ctx.reply(ctx.say(texts.LANGUAGE_UNKNOWN, available=available))
        return
    await choose(ctx, lang)


async def show(ctx: Ctx) -> None:
    """The member's language and a button per language the bot speaks."""
    ctx.reply(ctx.say(texts.LANGUAGE_CURRENT, language=name_of(ctx.lang)), _buttons())


async def choose(ctx: Ctx, lang: str) -> None:
    """Speak `lang` with this member from now on; say so in it (the pinned status line too)."""
    ctx.member.language = lang
    ctx.reply(ctx.say(texts.LANGUAGE_SET))
    couple = await couple_of(ctx.session, ctx.member)
    if couple is not None:
        await status.changed(ctx, couple)


@router.button("lang")
async def language_button(ctx: Ctx, parts: list[str]) -> None:
    """`lang:<code>`: a language the bot speaks, or a stale (forged) button."""
    if len(parts) != 1 or parts[0] not in words.languages():
        ctx.reply(ctx.say(texts.STALE_BUTTON))
        return
    await choose(ctx, parts[0])
