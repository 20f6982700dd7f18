"""The couple's controls: /time, /pause, /resume, /skip, /checkin, /ask, /settings."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.core import (
    apart,
    cadence,
    evening,
    language,
    love_maps,
    packs,
    ritual,
    status,
    texts,
    words,
)
from bot.core.context import Ctx
from bot.core.day_conversation import new_conversation_for_day
from bot.core.evening_days import evening_kind
from bot.core.events import keyboard
from bot.core.local_time import parse_hhmm, tonight_or_tomorrow
from bot.core.members import couple_and_partner, couple_members, couple_of, partner_of
from bot.core.models import Conversation, Couple, Member
from bot.core.rhythm import plan
from bot.core.router import Router
from bot.core.sql import small_number
from bot.core.swap import do_swap

MAX_PAUSE_DAYS = 60
AWAITING_TIME = "time"

router = Router()


def _next_words(ctx: Ctx, couple: Couple, member: Member) -> dict[str, str]:
    at = parse_hhmm(couple.evening_time)
    assert at is not None
    return {
        "when": tonight_or_tomorrow(
            ctx.now, at, zone=member.timezone, lang=words.spoken(member.language)
        ),
        "time": couple.evening_time,
    }


@router.command("time")
async def set_time(ctx: Ctx, args: str) -> None:
    """`/time HH:MM`: the couple's evening time, each partner in their own zone."""
    paired = await couple_and_partner(ctx)
    if paired is None:
        return
    couple, partner = paired
    if not args.strip():
        ctx.member.awaiting = AWAITING_TIME
        ctx.reply(ctx.say(texts.TIME_ASK))
        return
    at = parse_hhmm(args)
    if at is None:
        ctx.reply(ctx.say(texts.TIME_BAD))
        return
    ctx.member.awaiting = None
    couple.evening_time = f"{at:%H:%M}"
    assert couple.id is not None
    await plan(
        ctx.session, couple, members=await couple_members(ctx.session, couple.id), now=ctx.now
    )
    await status.changed(ctx, couple)
    ctx.reply(ctx.say(texts.TIME_SET, time=couple.evening_time))
    ctx.push(
        partner,
        ctx.say_to(
            partner, texts.TIME_TOLD, partner=ctx.member.display_name, time=couple.evening_time
        ),
    )


def _until_words(ctx: Ctx, couple: Couple, member: Member) -> str:
    assert couple.paused_until is not None
    return words.when(couple.paused_until, member.timezone, "day", words.spoken(member.language))


@router.command("pause")
async def pause(ctx: Ctx, args: str) -> None:
    """`/pause [days]` (default 7, at most 60): no prompts for both, both told."""
    paired = await couple_and_partner(ctx)
    if paired is None:
        return
    couple, partner = paired
    raw = args.strip() or "7"
    days = small_number(raw)
    if days is None or not 1 <= days <= MAX_PAUSE_DAYS:
        ctx.reply(ctx.say(texts.PAUSE_BAD))
        return
    couple.paused_until = ctx.now + timedelta(days=days)
    await status.changed(ctx, couple)
    ctx.reply(ctx.say(texts.PAUSE_DONE, until=_until_words(ctx, couple, ctx.member)))
    ctx.push(
        partner,
        ctx.say_to(
            partner,
            texts.PAUSE_TOLD,
            partner=ctx.member.display_name,
            until=_until_words(ctx, couple, partner),
        ),
    )


@router.command("resume")
async def resume(ctx: Ctx, _args: str) -> None:
    paired = await couple_and_partner(ctx)
    if paired is None:
        return
    couple, partner = paired
    if couple.paused_until is None or couple.paused_until <= ctx.now:
        ctx.reply(ctx.say(texts.RESUME_NOT_PAUSED))
        return
    couple.paused_until = None
    await status.changed(ctx, couple)
    ctx.reply(ctx.say(texts.RESUME_DONE, **_next_words(ctx, couple, ctx.member)))
    ctx.push(
        partner,
        ctx.say_to(
            partner,
            texts.RESUME_TOLD,
            partner=ctx.member.display_name,
            **_next_words(ctx, couple, partner),
        ),
    )


@router.command("skip")
async def skip(ctx: Ctx, _args: str) -> None:
    """`/skip`: swap today's open question for another (once a day)."""
    paired = await couple_and_partner(ctx)
    if paired is None:
        return
    couple, _ = paired
    conversation = (
        await ctx.session.get(Conversation, ctx.member.current_conversation_id)
        if ctx.member.current_conversation_id
        else None
    )
    if conversation is None or conversation.closed_at or conversation.revealed_at:
        ctx.reply(ctx.say(texts.SKIP_NOTHING))
        return
    await do_swap(ctx, couple, conversation, lighter=False)


@router.command("checkin")
async def checkin_now(ctx: Ctx, args: str, *, kind: str | None = None) -> None:
    """`/checkin` or `/ask`: today's evening question now. If the partner already has it (their
    evening came first), the same question; otherwise a new one, to both."""
    paired = await couple_and_partner(ctx)
    if paired is None:
        return
    couple, partner = paired
    if couple.paused_until is not None and couple.paused_until > ctx.now:
        ctx.reply(ctx.say(texts.CHECKIN_PAUSED, until=_until_words(ctx, couple, ctx.member)))
        return
    day = evening.todays_couple_day(ctx, couple, partner)
    existing = await evening.conversation_of_day(ctx, couple, day)
    if existing is not None:
        if not await evening.send_prompt(
            ctx, couple, member=ctx.member, partner=partner, conversation=existing
        ):
            ctx.reply(ctx.say(texts.CHECKIN_SENT))
        return
    chosen = kind or evening_kind(couple, day) or "check-in"
    conversation = await new_conversation_for_day(
        ctx.session, ctx.content, couple=couple, day=day, kind=chosen, now=ctx.now
    )
    for member, other in ((ctx.member, partner), (partner, ctx.member)):
        await evening.send_prompt(
            ctx, couple, member=member, partner=other, conversation=conversation
        )
    await ctx.session.flush()


@router.command("ask")
async def ask(ctx: Ctx, args: str) -> None:
    await checkin_now(ctx, args, kind="curiosity")


def _settings_keyboard(
    couple: Couple, now: datetime, *, lang: str | None = None
) -> tuple[tuple[object, ...], ...]:
    rows = [
        [
            (words.translate(texts.SETTINGS_TIME_BUTTON, lang), f"set:time:{couple.id}"),
            (words.translate(texts.SETTINGS_ZONE_BUTTON, lang), f"set:zone:{couple.id}"),
            (words.translate(texts.SETTINGS_LANGUAGE_BUTTON, lang), f"set:language:{couple.id}"),
        ]
    ]
    for rhythm, english in texts.RHYTHM_LABELS.items():
        label = words.translate(english, lang)
        on = getattr(couple, f"{rhythm}_on")
        rows.append([(f"{'✅' if on else '⬜'} {label}", f"set:toggle:{rhythm}:{couple.id}")])
    rows.append(cadence.evenings_row(couple))
    days = couple.curiosity_days.split(",")
    rows.append(
        [
            (
                f"{'●' if d in days else '○'}{words.weekday(i, 'short', lang)}",
                f"set:day:{d}:{couple.id}",
            )
            for i, d in enumerate(texts.DAY_NAMES)
        ]
    )
    rows.append(
        [
            (
                f"{'●' if couple.depth_mix == mix else '○'} {words.translate(label, lang)}",
                f"set:mix:{mix}:{couple.id}",
            )
            for mix, label in texts.MIX_BUTTONS.items()
        ]
    )
    on = apart.is_apart(couple, now)
    apart_label = words.translate(texts.APART_BUTTON, lang)
    rows.append(
        [
            (f"{'✅' if on else '⬜'} {apart_label}", f"set:apart:{couple.id}"),
            (f"📦 {words.translate(texts.PACKS_BUTTON, lang)}", f"set:packs:{couple.id}"),
            (f"💭 {words.translate(texts.LOVE_MAPS_BUTTON, lang)}", f"set:lovemaps:{couple.id}"),
        ]
    )
    rows.append([(f"🗓 {words.translate(texts.RITUAL_TITLE, lang)}", f"set:ritual:{couple.id}")])
    return keyboard(*rows)


@router.command("settings")
async def show_settings(ctx: Ctx, _args: str = "") -> None:
    """`/settings`: an inline menu of time, zone, each rhythm and the curiosity days."""
    paired = await couple_and_partner(ctx)
    if paired is None:
        return
    couple, _ = paired
    chosen = [d for d in couple.curiosity_days.split(",") if d in texts.DAY_NAMES]
    days = ", ".join(
        words.weekday(texts.DAY_NAMES.index(d), "abbreviated", ctx.lang) for d in chosen
    )
    days = days or ctx.say(texts.SETTINGS_NO_DAYS)
    if apart.is_apart(couple, ctx.now):
        day = apart.until_words(couple, ctx.member)
        until = ctx.say(texts.APART_UNTIL, day=day) if day else ""
        place = ctx.say(texts.SETTINGS_APART, until=until)
    else:
        place = ctx.say(texts.SETTINGS_TOGETHER)
    text = ctx.say(
        texts.SETTINGS,
        time=couple.evening_time,
        zone=ctx.member.timezone or "UTC",
        days=days,
        place=place,
    )
    for line in cadence.settings_lines(ctx, couple):
        text = _with_line(text, line)
    mix = couple.depth_mix if couple.depth_mix in texts.SETTINGS_MIX else "as-is"
    text = _with_line(text, ctx.say(texts.SETTINGS_MIX[mix]))
    text = _with_line(text, ritual.settings_line(couple, ctx.lang))
    assert couple.id is not None
    on = (await packs.packs_on(ctx.session, [couple.id])).get(couple.id)
    if on:
        names = ", ".join(ctx.say(texts.PACK_NAMES[p]) for p in packs.PACKS if p in on)
        text = _with_line(text, ctx.say(texts.SETTINGS_PACKS, packs=names))
    ctx.reply(
        _with_language_line(ctx, text),
        _settings_keyboard(couple, ctx.now, lang=ctx.lang),  # type: ignore[arg-type]
    )


def _with_language_line(ctx: Ctx, settings: str) -> str:
    """The settings with the member's language as one more line, before the last ("Tap to
    change:")."""
    line = ctx.say(texts.SETTINGS_LANGUAGE, language=language.name_of(ctx.lang))
    return _with_line(settings, line)


def _with_line(settings: str, line: str) -> str:
    """The settings with one more line, before the last ("Tap to change:")."""
    head, newline, last = settings.rpartition("\n")
    return f"{head}\n{line}\n{last}" if newline else f"{settings}\n{line}"


@router.button("set")
async def settings_button(ctx: Ctx, parts: list[str]) -> None:
    """`set:…:<couple id>` buttons; they act only on the presser's own couple."""
    couple = await couple_of(ctx.session, ctx.member)
    if couple is None or not parts or parts[-1] != str(couple.id):
        ctx.reply(ctx.say(texts.STALE_BUTTON))
        return
    from bot.core.profile import set_zone

    match parts[:-1]:
        case ["time"]:
            await set_time(ctx, "")
        case ["zone"]:
            await set_zone(ctx, "")
        case ["language"]:
            await language.show(ctx)
        case ["toggle", rhythm] if rhythm in texts.RHYTHM_LABELS:
            column = f"{rhythm}_on"
            setattr(couple, column, not getattr(couple, column))
            if rhythm == "status":  # on: the line in both chats; off: unpinned in both
                await status.changed(ctx, couple)
            if rhythm == "digest" and couple.digest_on:
                await cadence.plan_digest(ctx.session, couple, now=ctx.now)
            await show_settings(ctx)
        case ["evenings", number] if (count := cadence.parse_evenings(number)) is not None:
            partner = await partner_of(ctx.session, ctx.member)
            if partner is not None:
                await cadence.set_evenings(ctx, couple, partner=partner, count=count)
            await show_settings(ctx)
        case ["mix", mix] if mix in texts.MIX_BUTTONS:
            couple.depth_mix = mix
            await show_settings(ctx)
        case ["apart"]:
            await apart.toggle(ctx)
            await show_settings(ctx)
        case ["packs"]:
            await packs.show(ctx)
        case ["lovemaps"]:
            await love_maps.show(ctx)
        case ["ritual"]:
            await ritual.show(ctx)
        case ["day", day] if day in texts.DAY_NAMES:
            days = [d for d in couple.curiosity_days.split(",") if d]
            days = [d for d in days if d != day] if day in days else [*days, day]
            couple.curiosity_days = ",".join(d for d in texts.DAY_NAMES if d in days)
            await show_settings(ctx)
        case _:
            ctx.reply(ctx.say(texts.STALE_BUTTON))
