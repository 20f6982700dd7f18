"""What a feature gets while it handles one event: the unit of work, the time, who is writing,
and two ways to answer."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.core import words
from bot.core.events import Attachment, Button, MediaRef, Outgoing, Recipient, Sender
from bot.core.models import Delivery, Member
from bot.core.ports import Library, MediaFetch


def recipient(member: Member) -> Recipient:
    assert member.id is not None
    return Recipient(member_id=member.id, channel=member.channel, chat_id=member.chat_id)


def new_delivery(
    member: Member,
    out: Outgoing,
    *,
    kind: str,
    now: datetime,
    key: str | None = None,
    conversation_id: int | None = None,
    author_id: int | None = None,
) -> Delivery:
    """An outbox row for a message to a member, due now. `author_id` names whose words it
    carries, so they are erased with that member."""
    assert member.id is not None
    return Delivery(
        key=key or f"{kind}:{uuid.uuid4().hex}",
        member_id=member.id,
        kind=kind,
        payload=out.to_payload(),
        next_attempt_at=now,
        created_at=now,
        conversation_id=conversation_id,
        author_id=author_id,
    )


@dataclass
class Ctx:
    """One event's world.

    `reply` answers the sender straight away (best effort: they can simply ask again).
    `push` records a message in the outbox inside this unit of work, so it is sent even if the
    process dies right after: use it for anything that must not be lost.
    """

    session: AsyncSession
    now: datetime
    member: Member
    sender: Sender
    content: Library
    # Server secrets invite codes are hashed with: the first for new codes, all for redeeming.
    pairing_keys: tuple[bytes, ...]
    replies: list[Outgoing] = field(default_factory=list)
    pushed: list[Delivery] = field(default_factory=list)
    # Someone's words were erased: once this unit of work commits, the database must scrub
    # older copies of them from its files too (`Database.scrub`).
    scrub: bool = False
    # The files behind media sent on the running apps (a photo answer, for /story's book), when
    # the service has any; None in a core without channels.
    fetch_media: MediaFetch | None = None

    @property
    def lang(self) -> str:
        """The language the bot speaks to the member writing."""
        return words.spoken(self.member.language)

    def say(self, sentence: str, /, **params: object) -> str:
        """A sentence of the catalog (`texts.X`) in the writer's language, filled in."""
        return self.say_to(self.member, sentence, **params)

    def say_to(self, member: Member, sentence: str, /, **params: object) -> str:
        """A sentence of the catalog (`texts.X`) in `member`'s language, filled in."""
        template = words.translate(sentence, words.spoken(member.language))
        return template.format(**params) if params else template

    def reply(
        self,
        text: str,
        buttons: tuple[tuple[Button, ...], ...] = (),
        *,
        invite_code: str | None = None,
        attachment: Attachment | None = None,
    ) -> None:
        self.replies.append(
            Outgoing(
                to=recipient(self.member),
                text=text,
                buttons=buttons,
                invite_code=invite_code,
                attachment=attachment,
                lang=self.lang,
            )
        )

    def push(
        self,
        member: Member,
        text: str,
        *,
        buttons: tuple[tuple[Button, ...], ...] = (),
        kind: str = "message",
        key: str | None = None,
        media: MediaRef | None = None,
        silent: bool = False,
        conversation_id: int | None = None,
        author: Member | None = None,
    ) -> Delivery:
        out = Outgoing(
            to=recipient(member),
            text=text,
            buttons=buttons,
            media=media,
            silent=silent,
            lang=words.spoken(member.language),
        )
        delivery = new_delivery(
            member,
            out,
            kind=kind,
            now=self.now,
            key=key,
            conversation_id=conversation_id,
            author_id=author.id if author is not None else None,
        )
        self.session.add(delivery)
        self.pushed.append(delivery)
        return delivery
