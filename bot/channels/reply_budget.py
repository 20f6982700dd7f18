"""Flood guard shared by every chat channel: a member who sends fifty messages in a few seconds
gets a few replies, not fifty. Everything they sent is still handled and stored; only the
surplus replies are left out."""

from __future__ import annotations

import time

from bot.core.events import Outgoing

BURST = 8
REFILL_PER_SECOND = 1.0
SAME_REPLY_WINDOW = 10.0


class ReplyBudget:
    """Per chat: the same reply is not repeated within `window` seconds, and replies draw on a
    bucket of `burst` that refills at `rate` a second (a person tapping through a menu never
    notices; fifty messages in a few seconds get a few replies)."""

    def __init__(
        self, burst: int = BURST, rate: float = REFILL_PER_SECOND, window: float = SAME_REPLY_WINDOW
    ) -> None:
        self.burst = burst
        self.rate = rate
        self.window = window
        self._tokens: dict[str, tuple[float, float]] = {}  # chat: (tokens, at)
        self._last: dict[str, tuple[str, float]] = {}  # chat: (text, at)

    def allow_reply(self, out: Outgoing) -> bool:
        """Whether to send this reply: "the same reply" is the same words with the same
        buttons (a settings menu shown again after a switch has the words it had, and other
        buttons: that is a new reply)."""
        return self.allow(out.to.chat_id, f"{out.text}\x00{out.buttons!r}")

    def allow(self, chat: str, text: str) -> bool:
        now = time.monotonic()
        last = self._last.get(chat)
        if last is not None and last[0] == text and now - last[1] < self.window:
            return False
        tokens, at = self._tokens.get(chat, (float(self.burst), now))
        tokens = min(float(self.burst), tokens + (now - at) * self.rate)
        if tokens < 1:
            self._tokens[chat] = (tokens, now)
            return False
        self._tokens[chat] = (tokens - 1, now)
        self._last[chat] = (text, now)
        if len(self._tokens) > 10_000:  # forget chats that have gone quiet
            for key in [k for k, (_, t) in self._tokens.items() if now - t > self.window]:
                self._tokens.pop(key, None)
                self._last.pop(key, None)
        return True
