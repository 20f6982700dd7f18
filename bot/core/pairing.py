"""Pairing two members into a couple: invite codes, redeeming them, unpairing.

Codes are 10 characters from an alphabet without look-alikes (no 0/O, 1/I/L): 31**10, about
2**49.5 possibilities. Only an HMAC-SHA256 of each code, under a server secret, is stored.
With 5 wrong tries an hour per member, guessing one live code (24 h valid) takes on the order
of 10**14 hours.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta

from sqlalchemy import delete, func, update
from sqlmodel import col, select

from bot.core import status, texts, words
from bot.core.context import Ctx
from bot.core.events import keyboard
from bot.core.local_time import parse_hhmm, tonight_or_tomorrow
from bot.core.members import clean_handle, couple_of, partner_of
from bot.core.models import Conversation, Couple, Delivery, Invite, Member, PairFailure
from bot.core.rhythm import plan, unplan
from bot.core.router import Router

ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 10
CODE_TTL = timedelta(hours=24)
MAX_FAILURES = 5
FAILURE_WINDOW = timedelta(hours=1)
UNDO_WINDOW = timedelta(hours=24)  # how long the inviter can say "That's not my partner"

router = Router()


class PairingRace(Exception):
    """Someone else won the same code or the same person at the same moment: roll back."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def normalize_code(raw: str) -> str | None:
    """The code in canonical form (case, spaces, dashes forgiven), or None if it cannot be one."""
    code = "".join(raw.split()).replace("-", "").upper()
    if len(code) != CODE_LENGTH or any(ch not in ALPHABET for ch in code):
        return None
    return code


def code_hash(code: str, key: bytes) -> str:
    """What is stored of a code: HMAC-SHA256 under a server secret, so a copy of the database
    alone cannot be used to try codes against it."""
    return hmac.new(key, code.encode(), hashlib.sha256).hexdigest()


def _hashes_to_accept(code: str, keys: tuple[bytes, ...]) -> list[str]:
    """The code's hash under every current key (a rotated key's codes still redeem) and,
    TRANSITIONAL (remove in the release after 0005), the plain SHA-256 that invites made before
    the upgrade were stored as: they expire within 24 hours of it."""
    return [code_hash(code, key) for key in keys] + [hashlib.sha256(code.encode()).hexdigest()]


@router.command("pair")
async def pair(ctx: Ctx, args: str) -> None:
    """`/pair`: a new invite code; `/pair CODE`: join the partner who sent it."""
    if args.strip():
        await redeem(ctx, args)
    else:
        await create_invite(ctx)


async def create_invite(ctx: Ctx) -> None:
    """`/pair`: a fresh one-time code for the member to share."""
    partner = await partner_of(ctx.session, ctx.member)
    if partner is not None:
        ctx.reply(ctx.say(texts.PAIR_ALREADY, partner=partner.display_name))
        return
    assert ctx.member.id is not None
    code = new_code()
    ctx.session.add(
        Invite(
            code_hash=code_hash(code, ctx.pairing_keys[0]),
            member_id=ctx.member.id,
            created_at=ctx.now,
            expires_at=ctx.now + CODE_TTL,
        )
    )
    ctx.reply(ctx.say(texts.PAIR_CODE, code=code), invite_code=code)


async def _wait_needed(ctx: Ctx) -> timedelta | None:
    since = ctx.now - FAILURE_WINDOW
    count, oldest = (
        await ctx.session.exec(
            select(func.count(), func.min(PairFailure.at)).where(
                PairFailure.member_id == ctx.member.id, PairFailure.at > since
            )
        )
    ).one()
    if count < MAX_FAILURES or oldest is None:
        return None
    return oldest + FAILURE_WINDOW - ctx.now


async def _refuse(ctx: Ctx, message: str) -> None:
    """A wrong code: count it, and say how many tries are left when few are. `message` is
    already in the member's language."""
    assert ctx.member.id is not None
    ctx.session.add(PairFailure(member_id=ctx.member.id, at=ctx.now))
    await ctx.session.flush()
    recent = (
        await ctx.session.exec(
            select(func.count()).where(
                PairFailure.member_id == ctx.member.id, PairFailure.at > ctx.now - FAILURE_WINDOW
            )
        )
    ).one()
    left = MAX_FAILURES - recent
    if 0 < left <= 2:
        message += ctx.say(texts.PAIR_TRIES_LEFT, left=left)
    ctx.reply(message)


async def redeem(ctx: Ctx, raw_code: str) -> None:
    """`/pair CODE` or a deep link: join the member who made the code."""
    member = ctx.member
    partner = await partner_of(ctx.session, member)
    if partner is not None:
        ctx.reply(ctx.say(texts.PAIR_ALREADY, partner=partner.display_name))
        return
    wait = await _wait_needed(ctx)
    if wait is not None:
        ctx.reply(ctx.say(texts.PAIR_WAIT, wait=words.duration(wait, ctx.lang)))
        return
    code = normalize_code(raw_code)
    if code is None:
        ctx.reply(ctx.say(texts.PAIR_BAD_FORMAT))
        return
    wanted = _hashes_to_accept(code, ctx.pairing_keys)
    invite = (
        await ctx.session.exec(select(Invite).where(col(Invite.code_hash).in_(wanted)))
    ).first()
    if invite is None or not any(hmac.compare_digest(invite.code_hash, w) for w in wanted):
        await _refuse(ctx, ctx.say(texts.PAIR_UNKNOWN))
        return
    if invite.member_id == member.id:
        ctx.reply(ctx.say(texts.PAIR_SELF))
        return
    if invite.used_at is not None:
        await _refuse(ctx, ctx.say(texts.PAIR_USED))
        return
    if invite.expires_at <= ctx.now:
        await _refuse(ctx, ctx.say(texts.PAIR_EXPIRED))
        return
    inviter = await ctx.session.get(Member, invite.member_id)
    if inviter is None or inviter.couple_id is not None:
        ctx.reply(ctx.say(texts.PAIR_TAKEN))
        return
    await _join(ctx, invite, inviter)


async def _join(ctx: Ctx, invite: Invite, inviter: Member) -> None:
    """Claim the code and both people, each with a conditional update, so that of two people
    racing for one code (or for one person) exactly one wins, on SQLite and PostgreSQL alike."""
    member = ctx.member
    # Lock both people first, always in id order, so racing pairings queue up instead of
    # deadlocking (on SQLite the unit of work already holds the write lock).
    people = await ctx.session.exec(
        select(Member)
        .where(col(Member.id).in_([inviter.id, member.id]))
        .order_by(col(Member.id))
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if any(person.couple_id is not None for person in people):
        raise PairingRace(ctx.say(texts.PAIR_TAKEN))
    claimed = await ctx.session.exec(
        update(Invite)
        .where(col(Invite.id) == invite.id, col(Invite.used_at).is_(None))
        .values(used_at=ctx.now, used_by_member_id=member.id)
    )
    if claimed.rowcount != 1:
        raise PairingRace(ctx.say(texts.PAIR_USED))
    couple = Couple(member_a_id=inviter.id, member_b_id=member.id, created_at=ctx.now)
    ctx.session.add(couple)
    await ctx.session.flush()
    joined = await ctx.session.exec(
        update(Member)
        .where(col(Member.id).in_([inviter.id, member.id]), col(Member.couple_id).is_(None))
        .values(couple_id=couple.id)
    )
    if joined.rowcount != 2:
        raise PairingRace(ctx.say(texts.PAIR_TAKEN))
    # Other open invites of either person can no longer be used.
    await ctx.session.exec(
        update(Invite)
        .where(
            col(Invite.member_id).in_([inviter.id, member.id]),
            col(Invite.used_at).is_(None),
        )
        .values(used_at=ctx.now)
    )
    await ctx.session.refresh(member)
    await ctx.session.refresh(inviter)
    await plan(ctx.session, couple, members=[inviter, member], now=ctx.now)
    ctx.reply(
        ctx.say(
            texts.PAIR_DONE, partner=inviter.display_name, first=first_checkin(ctx, member, couple)
        )
    )
    # The inviter is shown what the platform vouches for, not only the name the joiner chose,
    # and can undo the pairing if someone else used the invite.
    handle = clean_handle(ctx.sender.handle)
    joiner = (
        ctx.say_to(inviter, texts.PAIR_HANDLE, partner=member.display_name, handle=handle)
        if handle
        else member.display_name
    )
    ctx.push(
        inviter,
        ctx.say_to(
            inviter, texts.PAIR_DONE, partner=joiner, first=first_checkin(ctx, inviter, couple)
        )
        + f"\n\n{ctx.say_to(inviter, texts.PAIR_CHECK)}",
        buttons=keyboard(
            [(ctx.say_to(inviter, texts.NOT_MY_PARTNER_BUTTON), f"notme:{couple.id}")]
        ),
        kind="paired",
    )


def first_checkin(ctx: Ctx, member: Member, couple: Couple) -> str:
    """When the member's first evening check-in comes, in their own words of time and their
    own language."""
    at = parse_hhmm(couple.evening_time)
    assert at is not None
    when = tonight_or_tomorrow(
        ctx.now, at, zone=member.timezone, lang=words.spoken(member.language)
    )
    sentence = ctx.say_to(member, texts.PAIR_FIRST_CHECKIN, when=when, time=couple.evening_time)
    if member.timezone is None:
        sentence += ctx.say_to(member, texts.PAIR_NO_ZONE)
    return sentence


@router.command("unpair")
async def ask_unpair(ctx: Ctx, _args: str = "") -> None:
    """`/unpair`: ask first, with buttons."""
    partner = await partner_of(ctx.session, ctx.member)
    if partner is None or ctx.member.couple_id is None:
        ctx.reply(ctx.say(texts.UNPAIR_NOT_PAIRED))
        return
    couple_id = ctx.member.couple_id
    ctx.reply(
        ctx.say(texts.UNPAIR_CONFIRM, partner=partner.display_name),
        keyboard(
            [(ctx.say(texts.UNPAIR_YES), f"unpair:yes:{couple_id}")],
            [(ctx.say(texts.UNPAIR_NO), f"unpair:no:{couple_id}")],
        ),
    )


async def answer_unpair(ctx: Ctx, choice: str, couple_id: str) -> None:
    """The unpair buttons. They act only on the presser's own, still active couple."""
    couple = await couple_of(ctx.session, ctx.member)
    if couple is None or str(couple.id) != couple_id or couple.ended_at is not None:
        ctx.reply(ctx.say(texts.STALE_BUTTON))
        return
    partner = await partner_of(ctx.session, ctx.member)
    if choice != "yes":
        name = partner.display_name if partner else ctx.say(texts.YOUR_PARTNER)
        ctx.reply(ctx.say(texts.UNPAIR_KEPT, partner=name))
        return
    # Conditional, so the same press handled twice (two processes, a retried webhook) ends the
    # pairing, and tells the partner, once.
    ended = await ctx.session.exec(
        update(Couple)
        .where(col(Couple.id) == couple.id, col(Couple.ended_at).is_(None))
        .values(ended_at=ctx.now)
    )
    if ended.rowcount != 1:
        ctx.reply(ctx.say(texts.STALE_BUTTON))
        return
    await ctx.session.exec(
        update(Conversation)
        .where(col(Conversation.couple_id) == couple.id, col(Conversation.closed_at).is_(None))
        .values(closed_at=ctx.now)
    )
    await unplan(ctx.session, [m.id for m in (ctx.member, partner) if m is not None and m.id])
    await ctx.session.exec(
        update(Member)
        .where(col(Member.couple_id) == couple.id)
        .values(couple_id=None, current_conversation_id=None)
    )
    await ctx.session.refresh(ctx.member)
    await status.ended(ctx.session, [m for m in (ctx.member, partner) if m], now=ctx.now)
    ctx.reply(ctx.say(texts.UNPAIR_DONE))
    if partner is not None:
        await ctx.session.refresh(partner)
        ctx.push(
            partner,
            ctx.say_to(partner, texts.UNPAIR_TOLD, partner=ctx.member.display_name),
            kind="unpaired",
        )


async def not_my_partner(ctx: Ctx, couple_id: str) -> None:
    """ "That's not my partner", under the inviter's "You're now paired": within a day of
    pairing, undo it and keep nothing of the couple (it is hours old at most). Only the inviter
    of the named couple, and only while that couple is still theirs and active."""
    member = ctx.member
    couple = await couple_of(ctx.session, member)
    if (
        couple is None
        or str(couple.id) != couple_id
        or couple.ended_at is not None
        or couple.member_a_id != member.id
    ):
        ctx.reply(ctx.say(texts.STALE_BUTTON))
        return
    if ctx.now - couple.created_at > UNDO_WINDOW:
        ctx.reply(ctx.say(texts.NOT_MY_PARTNER_TOO_LATE))
        return
    joiner = await partner_of(ctx.session, member)
    # Conditional, so the same press handled twice undoes the pairing, and tells the joiner, once.
    ended = await ctx.session.exec(
        update(Couple)
        .where(col(Couple.id) == couple.id, col(Couple.ended_at).is_(None))
        .values(ended_at=ctx.now)
    )
    if ended.rowcount != 1:
        ctx.reply(ctx.say(texts.STALE_BUTTON))
        return
    people = [m.id for m in (member, joiner) if m is not None and m.id is not None]
    await unplan(ctx.session, people)
    await ctx.session.exec(
        update(Member)
        .where(col(Member.couple_id) == couple.id)
        .values(couple_id=None, current_conversation_id=None)
    )
    # Everything sent to either since they paired (prompts, reveals, appreciations, pending or
    # not), the invite that joined them, then the couple: its conversations, answers,
    # appreciations, goals, wins, dates and moments go with it (ON DELETE CASCADE).
    await ctx.session.exec(
        delete(Delivery).where(
            col(Delivery.member_id).in_(people), col(Delivery.created_at) >= couple.created_at
        )
    )
    if joiner is not None:
        await ctx.session.exec(
            delete(Invite).where(
                col(Invite.member_id) == member.id, col(Invite.used_by_member_id) == joiner.id
            )
        )
    await ctx.session.exec(delete(Couple).where(col(Couple.id) == couple.id))
    await ctx.session.refresh(member)
    await status.ended(ctx.session, [m for m in (member, joiner) if m], now=ctx.now)
    ctx.reply(ctx.say(texts.NOT_MY_PARTNER_DONE))
    if joiner is not None:
        await ctx.session.refresh(joiner)
        ctx.push(joiner, ctx.say_to(joiner, texts.NOT_MY_PARTNER_TOLD), kind="unpaired")


@router.button("unpair")
async def _unpair_pressed(ctx: Ctx, parts: list[str]) -> None:
    """`unpair:<yes|no>:<couple id>`."""
    match parts:
        case [choice, couple_id]:
            await answer_unpair(ctx, choice, couple_id)
        case _:
            ctx.reply(ctx.say(texts.STALE_BUTTON))


@router.button("notme")
async def _not_my_partner_pressed(ctx: Ctx, parts: list[str]) -> None:
    """`notme:<couple id>`."""
    match parts:
        case [couple_id]:
            await not_my_partner(ctx, couple_id)
        case _:
            ctx.reply(ctx.say(texts.STALE_BUTTON))
