"""The world the fuzz test plays scripts in: the real PTB application on the offline Bot API and
the real service, turning generated actions into updates and checking every answer."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from itertools import count
from typing import Any

from sqlmodel import col, select
from telegram import Update
from telegram.ext import Application
from telegram.request import RequestData

from bot.channels.telegram.handlers import PRIVATE_ONLY
from bot.clock import MovableClock
from bot.core import texts
from bot.core.events import parse_command
from bot.core.models import (
    Couple,
    Delivery,
    Member,
)
from bot.service import Rekindle
from tests.helpers.telegram.offline import BOT, DATE, OfflineRequest
from tests.telegram.fuzz.evidence import (
    Found,
    _describe,
    _forms,
    _ids_of,
    _origin,
    _short,
    _snapshot,
    _target_couple,
)
from tests.telegram.fuzz.strategies import (
    CHANNEL,
    CORPUS,
    COUPLES,
    ENTITY,
    FORBIDDEN,
    FORGED,
    GROUPS,
    MAX_ANSWER,
    MAX_CAPTION,
    MAX_TEXT,
    MIN_WORD,
    NAMES,
    SECRET,
    SHORT,
    SHOWN_FAILURES,
    SPLIT,
    STOLEN,
    USERS,
    Heal,
    Membership,
    Press,
    Private,
    Public,
    Stray,
    Tick,
    _bytes64,
)


class RecordingRequest(OfflineRequest):
    """The offline Bot API, also keeping the files sent (an export is checked for leaks)."""

    def __init__(self) -> None:
        super().__init__()
        self.files: dict[int, list[bytes]] = {}  # index in `calls`: contents

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = None,
        write_timeout: Any = None,
        connect_timeout: Any = None,
        pool_timeout: Any = None,
    ) -> tuple[int, bytes]:
        if request_data is not None and request_data.contains_files:
            parts = request_data.multipart_data.values()
            contents = [part[1] for part in parts if isinstance(part[1], bytes)]
            self.files[len(self.calls)] = contents
        return await super().do_request(url, method, request_data)


@dataclass
class World:
    request: RecordingRequest
    application: Application  # type: ignore[type-arg]
    service: Rekindle
    clock: MovableClock
    errors: list[BaseException] = field(default_factory=list)  # from the error handler
    failures: dict[str, tuple[int, BaseException]] = field(default_factory=dict)
    fed: int = 0
    typed: dict[int, set[str]] = field(default_factory=dict)  # user: every form they typed
    words: dict[str, set[int]] = field(default_factory=dict)  # watched word: who typed it
    buttons: dict[str, set[int]] = field(default_factory=dict)  # button data: chats shown in
    pressed: list[str] = field(default_factory=list)
    codes: list[str] = field(default_factory=list)  # invite codes the bot showed anyone
    ever: dict[int, set[int]] = field(default_factory=dict)  # user: everyone paired with them
    secrets: Iterator[int] = field(default_factory=lambda: count(1))
    update_ids: Iterator[int] = field(default_factory=lambda: count(1))
    message_ids: Iterator[int] = field(default_factory=lambda: count(50_000))

    # -- building updates -------------------------------------------------------------

    def _user(self, user_id: int, profile: dict[str, Any]) -> dict[str, Any]:
        body: dict[str, Any] = {"id": user_id, "is_bot": False, "first_name": NAMES[user_id]}
        body.update(profile)
        for key in ("first_name", "username"):  # the name shown is one of them
            if key in profile:
                self._remember(user_id, str(profile[key]))
        return body

    def _message(self, chat: dict[str, Any], **fields: Any) -> dict[str, Any]:
        return {"message_id": next(self.message_ids), "date": DATE, "chat": chat, **fields}

    def _remember(self, user_id: int, text: str) -> None:
        forms = _forms(text)
        self.typed.setdefault(user_id, set()).update(forms)
        for form in forms:
            if len(form) >= MIN_WORD and not any(form in sentence for sentence in CORPUS):
                self.words.setdefault(form, set()).add(user_id)

    async def private(self, action: Private) -> dict[str, Any]:
        content = dict(action.content)
        if STOLEN in content.get("text", ""):
            stolen = self.codes[next(self.secrets) % len(self.codes)] if self.codes else "K7MQ"
            content["text"] = content["text"].replace(STOLEN, stolen)
        for key in ("text", "caption"):
            if isinstance(content.get(key), str):
                if action.secret:
                    content[key] += f" ~secret-{action.user}-{next(self.secrets)}~"
                self._remember(action.user, content[key])
        text = content.get("text")
        parsed = parse_command(text) if isinstance(text, str) else None
        if parsed is not None:
            name, args = parsed
            self._remember(action.user, name[:32])
            if name not in ("pair", "start"):  # codes are shown back to whoever made them
                self._remember(action.user, args)
        if isinstance(text, str) and text.startswith("/") and action.entity:
            length = len(text.split()[0]) if text.split() else 1
            content["entities"] = [{"type": "bot_command", "offset": 0, "length": length}]
        chat = {"id": action.user, "type": "private", "first_name": NAMES[action.user]}
        body = self._message(chat, **content)
        body["from"] = self._user(action.user, action.profile)
        if action.reply_to is not None:
            async with self.service.db.session() as session:
                found = await session.exec(
                    select(Delivery.message_ref)
                    .where(col(Delivery.message_ref).is_not(None))
                    .order_by(col(Delivery.id).desc())
                    .limit(100)
                )
                refs = [int(ref) for ref in found.all() if ref and ref.isdigit()]
            target = refs[action.reply_to % len(refs)] if refs else action.reply_to
            body["reply_to_message"] = {"message_id": target, "date": DATE, "chat": chat}
        if action.forwarded:
            other = USERS[action.user % len(USERS)]
            body["forward_origin"] = {
                "type": "user",
                "date": DATE,
                "sender_user": {"id": other, "is_bot": False, "first_name": NAMES[other]},
            }
        if action.edited:
            body["edit_date"] = DATE + 60
            return {"update_id": next(self.update_ids), "edited_message": body}
        return {"update_id": next(self.update_ids), "message": body}

    async def press(self, action: Press) -> dict[str, Any]:
        data = await self._press_data(action)
        for sent in (data, data.partition(":")[2]):  # button data is theirs to send, too
            self._remember(action.user, sent)
        chat = {"id": action.user, "type": "private", "first_name": NAMES[action.user]}
        query: dict[str, Any] = {
            "id": str(next(self.update_ids)),
            "from": self._user(action.user, action.profile),
            "chat_instance": str(action.user),
            "data": data,
        }
        if action.variant == "no-message":
            query["inline_message_id"] = "inline-1"
        elif action.variant == "inaccessible":
            query["message"] = {"message_id": next(self.message_ids), "date": 0, "chat": chat}
        else:
            message = self._message(chat, text="question")
            message["from"] = BOT
            if action.variant == "normal":
                message["reply_markup"] = _markup(data)
            query["message"] = message
        self.pressed.append(data)
        return {"update_id": next(self.update_ids), "callback_query": query}

    async def _press_data(self, action: Press) -> str:
        shown = sorted(self.buttons)
        couple = await self._couple_of(action.user)
        if action.source in ("own", "partner", "other"):
            if action.source == "own":
                wanted = {action.user}
            elif action.source == "partner":
                wanted = couple - {action.user}
            else:
                wanted = set(USERS) - couple - {action.user}
            pool = [data for data in shown if self.buttons[data] & wanted]
            if pool:
                return pool[action.pick % len(pool)]
        if action.source == "replay" and (self.pressed or shown):
            pool = self.pressed or shown
            return pool[action.pick % len(pool)]
        if action.source in FORGED:
            return await self._forge(action)
        return action.junk

    async def _couple_of(self, user_id: int) -> set[int]:
        """The user and their current partner."""
        async with self.service.db.session() as session:
            me = (await session.exec(select(Member).where(Member.user_id == str(user_id)))).first()
            if me is None or me.couple_id is None:
                return {user_id}
            members = await session.exec(select(Member).where(Member.couple_id == me.couple_id))
            return {int(member.user_id) for member in members.all()}

    async def _forge(self, action: Press) -> str:
        """Button data from a template and the real ids of the presser's couple ("mine") or of
        another couple ("theirs")."""
        async with self.service.db.session() as session:
            me = (
                await session.exec(select(Member).where(Member.user_id == str(action.user)))
            ).first()
            mine = me.couple_id if me is not None else None
            couples = [c.id for c in (await session.exec(select(Couple))).all()]
            if action.source == "mine":
                couple = mine if mine is not None else 424_242
            else:
                theirs = [c for c in couples if c is not None and c != mine] or [424_242]
                couple = theirs[action.pick % len(theirs)]
            ids = await _ids_of(session, couple)
        values: dict[str, Any] = {
            "couple": couple,
            "day": action.day,
            "zone": "Asia/Tokyo",
            "rhythm": "checkin",
            "weekday": "sun",
        }
        for name, found in ids.items():
            values[name] = found[action.pick % len(found)] if found else 999_999
        if action.junk_id is not None:
            values.update(dict.fromkeys(["couple", *ids], action.junk_id))
        return _bytes64(action.template.format(**values))

    def public(self, action: Public) -> dict[str, Any]:
        chat_type = dict(GROUPS).get(action.chat, "channel")
        chat = {"id": action.chat, "type": chat_type, "title": "Friends"}
        someone = {"id": 1, "is_bot": False, "first_name": "Admin"}
        user = someone if action.user is None else self._user(action.user, {})
        update_id = next(self.update_ids)
        if action.kind == "my_chat_member":
            me = {"id": BOT["id"], "is_bot": True, "first_name": "R"}
            change = {
                "chat": chat,
                "from": user,
                "date": DATE,
                "old_chat_member": {"user": me, "status": "left"},
                "new_chat_member": _member_status(me, action.status),
            }
            return {"update_id": update_id, "my_chat_member": change}
        if action.kind == "callback":
            message = self._message(chat, text="question", reply_markup=_markup("appr:1"))
            query = {
                "id": str(update_id),
                "from": user,
                "chat_instance": "group",
                "data": "appr:1",
                "message": message,
            }
            return {"update_id": update_id, "callback_query": query}
        body = self._message(chat, **action.content)
        if chat_type == "channel":
            body["sender_chat"] = chat  # channel posts have no sender
            kind = "channel_post" if action.kind == "message" else "edited_channel_post"
        else:
            kind = action.kind
            if action.user is None:
                body["sender_chat"] = chat  # an anonymous admin
            else:
                body["from"] = user
        if kind.startswith("edited"):
            body["edit_date"] = DATE + 60
        return {"update_id": update_id, kind: body}

    def membership(self, action: Membership) -> dict[str, Any]:
        me = {"id": BOT["id"], "is_bot": True, "first_name": "R"}
        old = "member" if action.status == "kicked" else "kicked"
        change = {
            "chat": {"id": action.user, "type": "private", "first_name": NAMES[action.user]},
            "from": self._user(action.user, {}),
            "date": DATE,
            "old_chat_member": _member_status(me, old),
            "new_chat_member": _member_status(me, action.status),
        }
        return {"update_id": next(self.update_ids), "my_chat_member": change}

    def stray(self, action: Stray) -> dict[str, Any]:
        user = self._user(action.user, {})
        group = {"id": GROUPS[0][0], "type": "group", "title": "Friends"}
        bodies: dict[str, dict[str, Any]] = {
            "inline_query": {"id": "q", "from": user, "query": "<b>hi</b>", "offset": ""},
            "message_reaction": {
                "chat": {"id": action.user, "type": "private"},
                "message_id": 1,
                "date": DATE,
                "user": user,
                "old_reaction": [],
                "new_reaction": [{"type": "emoji", "emoji": "👍"}],
            },
            "chat_join_request": {
                "chat": group,
                "from": user,
                "user_chat_id": action.user,
                "date": DATE,
            },
            "poll_answer": {
                "poll_id": "p1",
                "option_ids": [0],
                "option_persistent_ids": ["a"],
                "user": user,
            },
        }
        return {"update_id": next(self.update_ids), action.kind: bodies[action.kind]}

    # -- running ----------------------------------------------------------------------

    async def feed(self, payload: dict[str, Any], *, fuzzed: bool = True) -> list[Any]:
        """One update through the application, then everything it pushed through the outbox;
        returns the Bot API calls made."""
        start = len(self.request.calls)
        self.errors.clear()
        self.clock.advance(timedelta(seconds=1))  # time passes between two updates
        await self.application.process_update(Update.de_json(payload, self.application.bot))
        while await self.service.outbox.deliver_due() > 0:
            pass
        if fuzzed:
            self.fed += 1
        calls = self.request.calls[start:]
        self._harvest(calls)
        if self.errors:
            error = self.errors[0]
            error.add_note(f"update: {_short(payload)}")
            raise error
        return calls

    def _harvest(self, calls: list[tuple[str, dict[str, Any]]]) -> None:
        """Remember the button data and invite codes the bot showed, and to whom."""
        for _, params in calls:
            text = params.get("text")
            if isinstance(text, str) and "?start=" in text:
                self.codes.append(text.rsplit("?start=", 1)[1].split()[0])
            markup = params.get("reply_markup")
            if isinstance(markup, dict):
                for row in markup.get("inline_keyboard", []):
                    for button in row:
                        if data := button.get("callback_data"):
                            self.buttons.setdefault(data, set()).add(int(params["chat_id"]))

    async def say(self, user_id: int, text: str) -> list[Any]:
        """Setup, as a person would type it: not counted, not checked."""
        action = Private(user=user_id, content={"text": text})
        return await self.feed(await self.private(action), fuzzed=False)

    async def heal(self) -> None:
        """Pair again a couple whose two people are both on their own now (buttons unpair and
        erase), and resume a paused one, so that most updates meet a couple in full swing."""
        now = self.clock.now()
        async with self.service.db.session() as session:
            members = (await session.exec(select(Member))).all()
            single = {int(m.user_id) for m in members if m.couple_id is None}
            paused = {
                int(m.user_id)
                for m, c in (await session.exec(select(Member, Couple).join(Couple))).all()
                if c.paused_until is not None and c.paused_until > now
            }
        for a, b, _, _ in COUPLES:
            if a in paused:
                await self.say(a, "/resume")
            if a in single and b in single:
                invite = await self.say(a, "/pair")
                link = next((p["text"] for _, p in invite if "?start=" in p.get("text", "")), "")
                if link:
                    await self.say(b, f"/start {link.rsplit('?start=', 1)[1].strip()}")
                    await self.say(a, "/checkin")

    async def play(self, script: list[Any]) -> None:
        for action in [None, *script]:
            try:
                await (self.heal() if action is None else self.step(action))
            except Exception as error:  # every distinct failure is reported at the end
                seen, first = self.failures.get(_origin(error), (0, error))
                self.failures[_origin(error)] = (seen + 1, first)

    def report(self) -> str:
        shown = list(self.failures.items())[:SHOWN_FAILURES]
        parts = [
            f"[{key}] seen {seen} times; first:\n{_describe(error)}" for key, (seen, error) in shown
        ]
        more = len(self.failures) - len(shown)
        footer = [f"... and {more} more kinds of failure"] if more > 0 else []
        header = f"{len(self.failures)} kinds of failure in {self.fed} generated updates"
        return "\n\n".join([header, *parts, *footer])

    async def step(self, action: Any) -> None:
        if isinstance(action, Heal):
            await self.heal()
        elif isinstance(action, Tick):
            start = len(self.request.calls)
            self.clock.advance(timedelta(minutes=action.minutes))
            await self.service.run_due()
            calls = self.request.calls[start:]
            self._harvest(calls)
            await self.check_sent(start, calls, sender=None, payload={"tick": action.minutes})
        elif isinstance(action, Private):
            payload = await self.private(action)
            start = len(self.request.calls)
            calls = await self.feed(payload)
            await self.check_sent(start, calls, sender=action.user, payload=payload)
        elif isinstance(action, Press):
            await self._press(action)
        elif isinstance(action, Public):
            payload = self.public(action)
            self.check_public(action, await self.feed(payload), payload)
        elif isinstance(action, Membership):
            payload = self.membership(action)
            start = len(self.request.calls)
            calls = await self.feed(payload)
            await self.check_sent(start, calls, sender=action.user, payload=payload)
        elif isinstance(action, Stray):
            payload = self.stray(action)
            calls = await self.feed(payload)
            if sent := [name for name, _ in calls if name.startswith(("send", "copy"))]:
                raise Found("an update nobody handles got an answer", f"{sent} {payload!r}")

    async def _press(self, action: Press) -> None:
        """A button press; if its data names another couple's rows, they must not change."""
        payload = await self.press(action)
        data = payload["callback_query"]["data"]
        if data.startswith("erase:"):
            await self._refresh_partners()  # now: an erased member leaves no couple behind
        async with self.service.db.session() as session:
            target = await _target_couple(session, data)
            presser = (
                await session.exec(select(Member).where(Member.user_id == str(action.user)))
            ).first()
            forged = target is not None and (presser is None or presser.couple_id != target)
            before = await _snapshot(session, target) if forged and target is not None else None
        start = len(self.request.calls)
        calls = await self.feed(payload)
        if before is not None and target is not None:
            async with self.service.db.session() as session:
                after = await _snapshot(session, target)
            if changed := sorted(k for k in before if before[k] != after[k]):
                raise Found(
                    "another couple's button changed their rows",
                    f"{action.user} pressed {data!r}, naming couple {target}, and changed "
                    f"its {changed}: {_short(payload)}",
                )
        await self.check_sent(start, calls, sender=action.user, payload=payload)

    # -- checking ---------------------------------------------------------------------

    async def _refresh_partners(self) -> None:
        async with self.service.db.session() as session:
            people = {m.id: int(m.user_id) for m in (await session.exec(select(Member))).all()}
            for couple in (await session.exec(select(Couple))).all():
                pair = {people.get(couple.member_a_id), people.get(couple.member_b_id)}
                known = {person for person in pair if person is not None}
                for person in known:
                    self.ever.setdefault(person, set()).update(known)

    def _allowed(self, chat: int) -> set[int]:
        """Whose words a chat may be shown: its own person's and every partner they had."""
        return {chat} | self.ever.get(chat, set())

    async def check_sent(
        self,
        start: int,
        calls: list[tuple[str, dict[str, Any]]],
        *,
        sender: int | None,
        payload: Any,
    ) -> None:
        pieces: list[tuple[int, str]] = []
        for index, (method, params) in enumerate(calls, start):
            chat = int(params.get("chat_id", 0) or 0)
            writes = method.startswith(("send", "copy"))
            if method == "leaveChat" or (writes and chat < 0):
                raise Found("a private update reached a group", f"{method} {_short(payload)}")
            if writes and sender is not None and chat not in self._allowed(sender):
                await self._refresh_partners()
                if chat not in self._allowed(sender):
                    raise Found(
                        "a private update made the bot write to someone else",
                        f"{sender}'s update, {method} to {chat}: {_short(payload)}",
                    )
            if method == "copyMessage" and int(params["from_chat_id"]) not in self._allowed(chat):
                raise Found(
                    "media copied across couples",
                    f"from {params['from_chat_id']} to {chat}: {_short(payload)}",
                )
            if method == "answerCallbackQuery" and len(params.get("text", "")) > MAX_ANSWER:
                raise Found("a long callback answer", f"{params!r}")
            for content in self.request.files.get(index, []):
                await self._check_file(chat, content, payload)
            text = params.get("text") if method == "sendMessage" else params.get("caption")
            if text is None:
                continue
            if method != "sendMessage" and len(text) > MAX_CAPTION:
                raise Found("a caption too long", f"{len(text)} characters: {_short(payload)}")
            pieces.append((chat, text))
        for index, (chat, text) in enumerate(pieces):
            # A message the channel cut into pieces runs on into the next one to the same chat.
            cut = index + 1 < len(pieces) and pieces[index + 1][0] == chat and len(text) > SPLIT
            rest = index > 0 and pieces[index - 1][0] == chat and len(pieces[index - 1][1]) > SPLIT
            await self._check_text(chat, text, payload, split=cut or rest)

    async def _check_file(self, chat: int, content: bytes, payload: Any) -> None:
        """A file for a chat (an export): nobody else's words in it."""
        try:
            data = json.loads(content)
        except ValueError:
            return  # a picture
        strings: list[str] = []

        def walk(value: Any) -> None:
            if isinstance(value, str):
                strings.append(value)
            elif isinstance(value, dict):
                for item in value.values():
                    walk(item)
            elif isinstance(value, list):
                for item in value:
                    walk(item)

        walk(data)
        await self._check_leaks(chat, "\n".join(strings), f"in a file to {chat}: {_short(payload)}")

    async def _check_text(self, chat: int, raw: str, payload: Any, *, split: bool) -> None:
        where = f"to {chat}: {_short(repr(raw), 300)} after {_short(payload)}"
        if raw == texts.SOMETHING_WENT_WRONG:
            raise Found("the error handler answered", where)
        if len(raw) > MAX_TEXT:
            raise Found("a message too long for Telegram", f"{len(raw)} characters {where}")
        if not raw.strip(" \t\n\r"):
            raise Found("a blank message (Telegram rejects it)", where)
        if re.search(r"[<>&]", ENTITY.sub("", raw)):
            raise Found("HTML Telegram cannot parse", where)
        text = html.unescape(raw)
        await self._check_leaks(chat, text, where)
        own = self._bot_words(chat, text)
        if len(own) > SHORT and not split:
            raise Found("a long reply", f"{len(own)} characters of the bot's own words {where}")
        if not split and (bad := FORBIDDEN.search(own)):
            raise Found("unkind words", f"{bad.group(0)!r} in {_short(own, 500)} {where}")

    def _bot_words(self, chat: int, text: str) -> str:
        """The text with everything the chat's person and their partners typed taken out."""
        forms = {form for person in self._allowed(chat) for form in self.typed.get(person, ())}
        for form in sorted(forms, key=len, reverse=True):
            if form in text:
                text = text.replace(form, "\x00")
        return text

    async def _check_leaks(self, chat: int, text: str, where: str) -> None:
        allowed = self._allowed(chat)
        suspects = [int(m.group(1)) for m in SECRET.finditer(text)]
        suspects = [owner for owner in suspects if owner not in allowed]
        words = [
            (word, owners)
            for word, owners in self.words.items()
            if not owners & allowed and word in text
        ]
        if not suspects and not words:
            return
        await self._refresh_partners()
        allowed = self._allowed(chat)
        if leaked := [owner for owner in suspects if owner not in allowed]:
            raise Found("a leak across couples", f"{chat} was shown words of {leaked} {where}")
        for word, owners in words:
            # Words that are also part of what the chat's own people typed prove nothing.
            theirs = any(word in form for person in allowed for form in self.typed.get(person, ()))
            if not owners & allowed and not theirs:
                raise Found(
                    "a leak across couples",
                    f"{chat} was shown {_short(word, 200)}, typed by {sorted(owners)} {where}",
                )

    def check_public(
        self, action: Public, calls: list[tuple[str, dict[str, Any]]], payload: Any
    ) -> None:
        sent = [(m, p) for m, p in calls if m.startswith(("send", "copy"))]
        left = [p for m, p in calls if m == "leaveChat"]
        if any(int(p.get("chat_id", 0)) != action.chat for _, p in sent):
            raise Found("a group update made the bot write elsewhere", f"{sent!r} {payload!r}")
        if len(sent) > 1 or any(p.get("text") != PRIVATE_ONLY for _, p in sent):
            raise Found("a group got more than the goodbye", f"{sent!r} for {payload!r}")
        if action.chat == CHANNEL and sent:
            raise Found("the bot wrote in a channel", repr(payload))
        message_like = action.kind in ("message", "edited_message")
        joined = action.kind == "my_chat_member" and action.status in ("member", "administrator")
        if (message_like or joined) and left != [{"chat_id": action.chat}]:
            raise Found("the bot stayed in a group", f"{payload!r} (calls: {calls!r})")
        if not (message_like or joined) and (left or sent):
            raise Found("the bot answered group traffic", f"{payload!r} with {calls!r}")


def _markup(data: str) -> dict[str, Any]:
    return {"inline_keyboard": [[{"text": "x", "callback_data": data}]]}


def _member_status(user: dict[str, Any], status: str) -> dict[str, Any]:
    body: dict[str, Any] = {"user": user, "status": status}
    if status == "kicked":
        body["until_date"] = 0
    if status == "administrator":
        rights: tuple[str, ...] = (
            "manage_chat",
            "delete_messages",
            "manage_video_chats",
            "restrict_members",
        )
        rights += ("promote_members", "change_info", "invite_users", "post_stories")
        rights += ("edit_stories", "delete_stories")
        body.update({f"can_{right}": False for right in rights})
        body.update(can_be_edited=False, is_anonymous=False)
    return body
