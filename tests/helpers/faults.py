"""Helpers for the fault tests (tests/faults/): `python -m bot` as a child process that can be
killed, many couples written straight into a database, and what the outbox and the Bot API saw."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from functools import partial
from pathlib import Path
from typing import IO, Any

from sqlalchemy import func, insert, update
from sqlmodel import col, select

from bot.core import texts
from bot.core.models import Couple, Delivery, Member, Schedule
from bot.db import Database
from tests.helpers.telegram.fake_bot_api import FakeBotApi

TOKEN = "123:abc"
KILL_SEED = 20261201  # which kill moments the kill tests pick
# What every evening prompt starts with (check-in, curiosity or goals, by weekday).
EVENING_HEADERS = tuple(
    template.split("{prompt}")[0].strip()
    for template in (texts.EVENING_CHECKIN, texts.EVENING_CURIOSITY, texts.EVENING_GOALS)
)
# Variables that would change what `python -m bot` does if the developer's shell has them.
_CLEARED = {
    "DISCORD_TOKEN",
    "WEBHOOK_URL",
    "WEBHOOK_SECRET",
    "WEBHOOK_LISTEN",
    "WEBHOOK_PORT",
    "ENCRYPTION_KEY",
    "PAIRING_SECRET",
    "CONTENT_DIR",
    "LOG_FORMAT",
}


def is_evening_prompt(text: str) -> bool:
    return any(header in text for header in EVENING_HEADERS)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def bot_env(api: FakeBotApi, database_url: str, **extra: str) -> dict[str, str]:
    """The environment of a `python -m bot` child talking to the fake Bot API."""
    env = {key: value for key, value in os.environ.items() if key not in _CLEARED}
    env.update(
        {
            "BOT_TOKEN": TOKEN,
            "TELEGRAM_API_URL": api.base_url,
            "DATABASE_URL": database_url,
            "TICK_SECONDS": "1",
            "SEND_RATE_PER_SECOND": "30",
            "LOG_LEVEL": "WARNING",
            "PTB_TIMEDELTA": "true",
            # Every process on one database shares the invite codes' secret (PostgreSQL needs
            # it set; SQLite would keep one beside the file).
            "PAIRING_SECRET": "fault-tests-pairing-secret-shared",
        }
    )
    env.update(extra)
    return env


class BotProcess:
    """One `python -m bot` child: started, SIGKILLed, paused, stopped; output to a file."""

    def __init__(self, name: str, env: dict[str, str], workdir: Path) -> None:
        self.name = name
        self.env = env
        self.workdir = workdir
        self.log_path = workdir / f"{name}.log"
        self.process: asyncio.subprocess.Process | None = None
        self._log: IO[bytes] | None = None
        self.starts = 0

    def _open_log(self) -> IO[bytes]:
        return self.log_path.open("ab")

    async def start(self) -> None:
        assert not self.alive, f"{self.name} is already running"
        self._close_log()
        self._log = self._open_log()
        self._log.write(f"--- start {self.starts + 1} ---\n".encode())
        self._log.flush()
        self.process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            env=self.env,
            cwd=self.workdir,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=self._log,
            stderr=self._log,
        )
        self.starts += 1

    @property
    def alive(self) -> bool:
        return self.process is not None and self.process.returncode is None

    def check_alive(self) -> None:
        if self.process is not None and self.process.returncode is not None:
            raise AssertionError(
                f"{self.name} exited with {self.process.returncode}:\n{self.log_tail()}"
            )

    async def kill(self) -> None:
        """SIGKILL: no clean-up of any kind, as when the machine or the OOM killer stops it."""
        assert self.process is not None
        if self.process.returncode is None:
            self.process.send_signal(signal.SIGKILL)
        await self.process.wait()
        self._close_log()

    async def terminate(self, within: float = 30.0) -> int:
        """SIGTERM, and the exit status of the clean shutdown."""
        assert self.process is not None
        self.process.send_signal(signal.SIGTERM)
        code = await asyncio.wait_for(self.process.wait(), within)
        self._close_log()
        return code

    def pause(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGSTOP)

    def resume(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGCONT)

    async def close(self) -> None:
        """Whatever happened: no child left running (a paused one is killed too)."""
        if self.process is not None and self.process.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                self.process.send_signal(signal.SIGKILL)
            await self.process.wait()
        self._close_log()

    def _close_log(self) -> None:
        if self._log is not None:
            self._log.close()
            self._log = None

    def log_tail(self, lines: int = 40) -> str:
        if not self.log_path.exists():
            return "(no log)"
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])


async def wait_until(
    predicate: Callable[[], bool],
    *,
    within: float,
    processes: Iterable[BotProcess] = (),
    what: str = "condition",
    api: FakeBotApi | None = None,
) -> None:
    """Until `predicate` holds; fail at once if a bot process died on its own. With `api`,
    the predicate is checked on every change of the fake's state (so the moment it first
    holds is caught, e.g. the instant a message arrives), else every 20 ms."""
    deadline = time.monotonic() + within
    watched = list(processes)
    while not predicate():
        for process in watched:
            process.check_alive()
        if time.monotonic() > deadline:
            logs = "\n".join(f"[{p.name}]\n{p.log_tail()}" for p in watched)
            raise AssertionError(f"{what} not reached within {within} s\n{logs}")
        if api is None:
            await asyncio.sleep(0.02)
        else:
            with contextlib.suppress(TimeoutError):
                await api.wait_for(predicate, within=0.5)


async def wait_for_port(port: int, process: BotProcess, within: float = 30.0) -> None:
    """Until something accepts TCP connections on 127.0.0.1:port (a webhook server)."""
    deadline = time.monotonic() + within
    while True:
        process.check_alive()
        try:
            _, writer = await asyncio.open_connection("127.0.0.1", port)
        except OSError:
            if time.monotonic() > deadline:
                raise AssertionError(f"{process.name} never listened on {port}") from None
            await asyncio.sleep(0.1)
            continue
        writer.close()
        with contextlib.suppress(OSError):
            await writer.wait_closed()
        return


def called_since(api: FakeBotApi, index: int, method: str) -> bool:
    """Whether the fake was called with `method` after its first `index` calls."""
    return any(name == method for name, _ in api.calls[index:])


def evening_counts(api: FakeBotApi, chats: Iterable[int]) -> Counter[int]:
    """How many evening prompts each chat received."""
    return Counter(
        {
            chat: sum(is_evening_prompt(text) for text in api.texts(chat, rendered=True))
            for chat in chats
        }
    )


async def populate_couples(
    url: str,
    api: FakeBotApi,
    *,
    couples: int,
    first_id: int,
    first_user: int,
    due_at: datetime,
    now: datetime,
) -> list[int]:
    """`couples` paired couples on Telegram, written with a few bulk inserts (ids from
    `first_id`, Telegram users from `first_user`, each registered with the fake), and each
    member's evening schedule row due at `due_at`. Returns the chat ids."""
    couple_rows: list[dict[str, Any]] = []
    member_rows: list[dict[str, Any]] = []
    schedule_rows: list[dict[str, Any]] = []
    chats: list[int] = []
    created = now - timedelta(days=10)
    for n in range(couples):
        couple_id = first_id + n
        a, b = first_id + 2 * n, first_id + 2 * n + 1
        couple_rows.append(
            {
                "id": couple_id,
                "member_a_id": a,
                "member_b_id": b,
                "evening_time": "20:30",
                "curiosity_days": "mon,wed,fri",
                "created_at": created,
            }
        )
        for member_id in (a, b):
            user = first_user + (member_id - first_id)
            api.user(user, f"P{user}")
            chats.append(user)
            member_rows.append(
                {
                    "id": member_id,
                    "channel": "telegram",
                    "user_id": str(user),
                    "chat_id": str(user),
                    "display_name": f"P{user}",
                    "language": "en",
                    "timezone": None,
                    "couple_id": couple_id,
                    "created_at": created,
                }
            )
            schedule_rows.append(
                {"member_id": member_id, "rhythm": "evening", "next_due_at": due_at}
            )
    db = Database(url)
    try:
        async with db.engine.begin() as conn:
            await conn.execute(insert(Couple), couple_rows)
            await conn.execute(insert(Member), member_rows)
            await conn.execute(insert(Schedule), schedule_rows)
    finally:
        await db.dispose()
    return chats


async def make_due(url: str, member_ids: Iterable[int], rhythm: str, due_at: datetime) -> int:
    db = Database(url)
    try:
        async with db.session() as session:
            result = await session.exec(
                update(Schedule)
                .where(
                    col(Schedule.member_id).in_(list(member_ids)), col(Schedule.rhythm) == rhythm
                )
                .values(next_due_at=due_at)
            )
            return int(result.rowcount)
    finally:
        await db.dispose()


async def member_ids_of(url: str, users: Iterable[int]) -> dict[int, int]:
    """Telegram user id -> member id."""
    db = Database(url)
    try:
        async with db.session() as session:
            rows = await session.exec(
                select(Member.user_id, Member.id).where(
                    col(Member.user_id).in_([str(u) for u in users])
                )
            )
            return {int(user): int(member or 0) for user, member in rows.all()}
    finally:
        await db.dispose()


async def pending_deliveries(
    url: str, kind: str | None = None, *, within: float = 0.0
) -> list[tuple[int, datetime]]:
    """(chat id, next_attempt_at) of every delivery not yet sent; with `within`, waiting up
    to that many seconds for there to be none."""
    deadline = time.monotonic() + within
    db = Database(url)
    try:
        while True:
            async with db.session() as session:
                query = (
                    select(Member.chat_id, Delivery.next_attempt_at)
                    .join(Member, col(Member.id) == Delivery.member_id)
                    .where(Delivery.status == "pending")
                )
                if kind is not None:
                    query = query.where(Delivery.kind == kind)
                rows = (await session.exec(query)).all()
            if not rows or time.monotonic() >= deadline:
                return [(int(chat), at) for chat, at in rows]
            await asyncio.sleep(0.2)
    finally:
        await db.dispose()


async def delivery_statuses(url: str, kind: str | None = None) -> Counter[str]:
    db = Database(url)
    try:
        async with db.session() as session:
            query = select(Delivery.status, func.count()).group_by(col(Delivery.status))
            if kind is not None:
                query = query.where(Delivery.kind == kind)
            return Counter({status: int(n) for status, n in (await session.exec(query)).all()})
    finally:
        await db.dispose()


async def expire_leases(url: str, now: datetime) -> int:
    """Every claimed-but-unsent delivery becomes due now: what happens by itself when the
    2-minute claim lease (bot.outbox.LEASE) of a process that died runs out. Only call it when
    no live process holds a claim, or it would hand that process's rows out twice."""
    db = Database(url)
    try:
        async with db.session() as session:
            result = await session.exec(
                update(Delivery)
                .where(col(Delivery.status) == "pending", col(Delivery.next_attempt_at) > now)
                .values(next_attempt_at=now)
            )
            return int(result.rowcount)
    finally:
        await db.dispose()


def at_least(counter: Callable[[], int], target: int) -> bool:
    return counter() >= target


def rendered(api: FakeBotApi, chat: int) -> list[str]:
    return api.texts(chat, rendered=True)


def count(api: FakeBotApi, chat: int, needle: str) -> int:
    return sum(needle in text for text in rendered(api, chat))


def all_seen(api: FakeBotApi, wanted: list[tuple[int, str]]) -> bool:
    return all(count(api, chat, words) for chat, words in wanted)


async def seen(api: FakeBotApi, wanted: list[tuple[int, str]], within: float = 40.0) -> None:
    """Until each (chat, words) pair has arrived at least once."""
    await api.wait_for(partial(all_seen, api, wanted), within)
