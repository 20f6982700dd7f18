"""The commonest write, made cheap: an answer to tonight's question before the partner's.

The first answer of every evening is this one, and so is every change of mind before the
reveal. The general path (`handle` → `conversations.answer`, through the ORM) takes eight
statements and about thirty hand-offs to aiosqlite's worker thread for it. Here it is one query
and one write on the process's own sqlite3 connection (`Database.write_now`), with the same
rules and the same words.

Only the plain case is taken. Anything else returns None before writing, and the caller runs the
general path, which knows every rule: a member seen for the first time or whose name, chat or
language changed, a setting being typed, a reply to an older prompt (the caller passes only
messages that reply to nothing), a conversation that is closed, revealed, another couple's, or
already answered by the partner. `tests/core/test_sealed.py` checks that both paths leave the
same rows and say the same words.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy.engine import Dialect

from bot.core import texts
from bot.core.events import Outgoing, Recipient, Text
from bot.core.members import clean_name
from bot.core.models import Answer

# Everything the rules look at, in one row (or none; two would mean two partners: not plain).
_STATE = """
SELECT m.id, m.chat_id, m.display_name, m.language, m.awaiting, m.unreachable_at,
       m.couple_id, c.id, c.couple_id, c.closed_at, c.revealed_at, p.id, p.display_name,
       (SELECT a.id FROM answer AS a
         WHERE a.conversation_id = c.id AND a.member_id = m.id AND a.late = 0),
       (SELECT a.id FROM answer AS a
         WHERE a.conversation_id = c.id AND a.member_id = p.id AND a.late = 0)
  FROM member AS m
  JOIN conversation AS c ON c.id = m.current_conversation_id
  JOIN member AS p ON p.couple_id = m.couple_id AND p.id != m.id
 WHERE m.channel = ? AND m.user_id = ?
"""
_REPLACE = "UPDATE answer SET text = ?, media = NULL, message_ref = ?, updated_at = ? WHERE id = ?"
_ADD = (
    "INSERT INTO answer"
    " (conversation_id, member_id, text, media, late, message_ref, created_at, updated_at)"
    " VALUES (?, ?, ?, NULL, ?, ?, ?, ?)"
)


class SealedAnswers:
    """Takes plain sealed answers on a SQLite connection, storing values exactly as the ORM
    would (the columns' own bind processors: the timestamp format, encryption at rest)."""

    def __init__(self, dialect: Dialect) -> None:
        columns = Answer.__table__.c  # type: ignore[attr-defined]

        def processor(name: str) -> Callable[[Any], Any]:
            bind = columns[name].type.dialect_impl(dialect).bind_processor(dialect)
            return bind or (lambda value: value)

        self._text = processor("text")
        self._when = processor("updated_at")
        self._false = processor("late")(False)

    def take(self, connection: sqlite3.Connection, event: Text, now: datetime) -> Outgoing | None:
        """Store the answer and return the reply, or None (nothing written) if not plain."""
        sender = event.sender
        rows = connection.execute(_STATE, (sender.channel, sender.user_id)).fetchmany(2)
        if len(rows) != 1:
            return None
        (
            member_id,
            chat_id,
            name,
            language,
            awaiting,
            unreachable_at,
            couple_id,
            conversation_id,
            conversation_couple_id,
            closed_at,
            revealed_at,
            _partner_id,
            partner_name,
            mine,
            theirs,
        ) = rows[0]
        plain = (
            chat_id == sender.chat_id
            and name == clean_name(sender.display_name)
            and (not sender.language or sender.language == language)
            and unreachable_at is None
            and awaiting is None
            and conversation_couple_id == couple_id
            and closed_at is None
            and revealed_at is None
            and theirs is None
        )
        if not plain:
            return None
        when = self._when(now)
        if mine is None:
            connection.execute(
                _ADD,
                (
                    conversation_id,
                    member_id,
                    self._text(event.text),
                    self._false,
                    event.message_ref,
                    when,
                    when,
                ),
            )
            template = texts.SEALED
        else:
            connection.execute(_REPLACE, (self._text(event.text), event.message_ref, when, mine))
            template = texts.REPLACED
        return Outgoing(
            to=Recipient(member_id=member_id, channel=sender.channel, chat_id=chat_id),
            text=template.format(partner=partner_name),
        )
