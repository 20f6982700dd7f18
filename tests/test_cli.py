"""`python -m bot` as an operator and a curious newcomer meet it."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import SecretStr

from bot import __main__ as bot_main
from bot.config import Settings
from bot.runner import check_settings


def run_bot(
    *args: str, stdin: str = "", env: dict[str, str] | None = None, cwd: Path | None = None
):
    full_env = {k: v for k, v in os.environ.items() if k not in {"BOT_TOKEN", "DISCORD_TOKEN"}}
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=full_env,
        cwd=cwd,
        timeout=60,
        check=False,
    )


def test_no_token_exits_2_and_says_how_to_get_one(tmp_path: Path) -> None:
    result = run_bot(cwd=tmp_path)  # no .env there either
    assert result.returncode == 2
    assert "BotFather" in result.stderr
    assert "python -m bot console" in result.stderr


def test_console_greets_pairs_and_helps() -> None:
    result = run_bot("console", stdin="a: /start\nb: /start\n:pair\na: /help\n")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert out.count("I'm Rekindle") == 2
    assert "[to b] You're now paired with Alex" in out
    assert "[to a] You're now paired with Sam" in out
    assert "Here's what I can do" in out
    assert "  (1) London" in out  # buttons under the greeting


def test_console_answers_bad_input_kindly() -> None:
    script = "\n".join(
        [
            "",
            "a: /frobnicate",
            "a: /pair garbage",
            "a: /timezone Mars/Olympus",
            "hello without a partner",
            ":teleport",
            ":advance soon",
            "a: !42",
            "a:",
        ]
    )
    result = run_bot("console", stdin=script + "\n")
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    out = result.stdout
    assert "(empty line" in out
    assert "I don't know /frobnicate" in out
    assert "doesn't look like an invite code" in out
    assert "couldn't find a time zone called “Mars/Olympus”" in out
    assert "I read lines as" in out
    assert "unknown console command :teleport" in out
    assert ":advance takes a duration" in out
    assert "a has no button 42" in out
    assert "a wrote nothing" in out


def test_console_buttons_clock_and_a_given_database(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'c.db'}"
    script = "a: /start\na: !2\n:now\n:advance 1h30m\n"
    result = run_bot("console", "--start", "2026-12-01T16:00:00+00:00", "--db", url, stdin=script)
    assert result.returncode == 0, result.stderr
    assert "[to a] Got it: your time zone is Europe/Berlin (it's 17:00 there now)." in result.stdout
    assert "(now 2026-12-01 16:00 UTC; a: Tue 17:00 Europe/Berlin)" in result.stdout
    assert "(now 2026-12-01 17:30 UTC; a: Tue 18:30 Europe/Berlin)" in result.stdout
    # The database outlives the console: the zone is remembered.
    again = run_bot("console", "--db", url, stdin="a: /start\n")
    assert "Welcome back, Alex" in again.stdout
    # A plain file path is the same SQLite database, not a crash.
    by_path = run_bot("console", "--db", str(tmp_path / "c.db"), stdin="a: /start\n")
    assert by_path.returncode == 0, by_path.stderr
    assert "Welcome back, Alex" in by_path.stdout


def test_console_start_must_carry_an_offset() -> None:
    result = run_bot("console", "--start", "2026-12-01T16:00:00")
    assert result.returncode == 2
    assert "UTC offset" in result.stderr


def test_console_evening_checkin_and_both_reveals() -> None:
    script = (
        "a: /start\nb: /start\na: /timezone Europe/Berlin\nb: /timezone Europe/Berlin\n:pair\n"
        ":advance 4h\na: I loved our walk\nb: Long day, but your text made me smile\n"
    )
    result = run_bot("console", "--start", "2026-12-01T16:00:00+00:00", stdin=script)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "[to a] 🌙 Tonight's check-in:" in out
    assert "[to b] 🌙 Tonight's check-in:" in out
    assert "[to a] Thank you 💌 Your answer stays sealed until Sam answers too." in out
    assert "[to b] 💬 Alex's answer to" in out
    assert "I loved our walk" in out
    assert "[to a] 💬 Sam's answer to" in out
    assert "your text made me smile" in out


def test_console_appreciation_win_and_progress_picture(tmp_path: Path) -> None:
    script = (
        "a: /start\nb: /start\n:pair\na: /appreciate thank you for the coffee\nb: !1\n"
        "a: /win we cooked together\nb: /progress\n"
    )
    result = run_bot("console", stdin=script, env={"TMPDIR": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "[to b] 💌 Alex appreciates you: thank you for the coffee\n  (1) ❤️ Thank you" in out
    assert "[to a] ❤️ Sam thanked you for your appreciation." in out
    assert "[to b] 🎉 Alex logged a shared win: we cooked together" in out
    assert "Appreciations: 1 · 1" in out
    assert "Wins logged: 1 · 1" in out
    [path] = re.findall(r"\(picture saved: (.+\.png)\)", out)
    from PIL import Image

    with Image.open(path) as image:
        assert image.format == "PNG"


GOOD_SECRET = "aB3_-" * 5  # 25 characters, all of them allowed


def webhook_settings(secret: str | None) -> Settings:
    return Settings(
        _env_file=None,
        bot_token=SecretStr("123:abc"),
        webhook_url="https://bot.example.org/telegram",
        webhook_secret=SecretStr(secret) if secret is not None else None,
    )


@pytest.mark.parametrize(
    ("secret", "why"),
    [
        ("short-but-fine_123", "at least 24"),  # 18 characters
        ("x" * 23, "at least 24"),
        ("this secret has spaces in it!", "only A-Z"),
        ("päßwörter-are-not-allowed-here", "only A-Z"),
        ("a" * 30 + "/+=", "only A-Z"),
        ("a" * 257, "at most 256"),
    ],
)
def test_a_weak_or_malformed_webhook_secret_is_refused(secret: str, why: str) -> None:
    problem = check_settings(webhook_settings(secret))
    assert problem is not None
    assert "WEBHOOK_SECRET" in problem
    assert why in problem
    assert secret not in problem  # the message never repeats the secret


def test_a_long_webhook_secret_of_allowed_characters_is_accepted() -> None:
    assert check_settings(webhook_settings(GOOD_SECRET)) is None
    assert check_settings(webhook_settings("a" * 24)) is None
    assert check_settings(webhook_settings("Z9_-" * 64)) is None  # 256, Telegram's longest


def test_python_m_bot_refuses_a_short_webhook_secret_with_status_2(tmp_path: Path) -> None:
    result = run_bot(
        cwd=tmp_path,
        env={
            "BOT_TOKEN": "123:abc",
            "WEBHOOK_URL": "https://bot.example.org/telegram",
            "WEBHOOK_SECRET": "hunter2-hunter2",
            "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}",
        },
    )
    assert result.returncode == 2
    assert "WEBHOOK_SECRET" in result.stderr
    assert "at least 24" in result.stderr
    assert "hunter2-hunter2" not in result.stderr + result.stdout
    assert not (tmp_path / "bot.db").exists()  # refused before anything was opened


def test_main_refuses_a_secret_with_characters_telegram_rejects(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("BOT_TOKEN", "123:abc")
    monkeypatch.setenv("WEBHOOK_URL", "https://bot.example.org/telegram")
    monkeypatch.setenv("WEBHOOK_SECRET", "a long secret, but with spaces and commas")
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}")
    assert bot_main.main([]) == 2
    assert "only A-Z, a-z, 0-9, _ and -" in capsys.readouterr().err


def test_console_berlin_and_london_sam_gets_alexs_question_and_the_reveal() -> None:
    """The script from issue #12, as a newcomer runs it."""
    script = (
        "a: /start\nb: /start\na: Berlin\nb: London\n:pair\n:advance 4h40m\n"
        "b: /checkin\nb: my answer to tonight\na: and mine from Berlin\n"
    )
    result = run_bot("console", "--start", "2026-12-01T15:00:00+00:00", stdin=script)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    after = out.split("(now 2026-12-01 19:40 UTC", 1)[1]
    assert "[to b] 🌙" in after  # Sam gets tonight's question at 19:40 UTC
    assert "already out" not in out
    assert "no open question" not in out
    assert "sealed until Alex answers" in after
    assert "[to a] 💬 Sam's answer" in after
    assert "my answer to tonight" in after.split("[to a] 💬 Sam's answer", 1)[1]
    assert "[to b] 💬 Alex's answer" in after


def test_console_a_couple_who_mix_russian_and_spanish_share_one_question() -> None:
    """Issue #14: `a: /language ru`, `b: /language es`, one evening in the console."""
    from bot import content

    script = (
        "a: /start\nb: /start\na: /language ru\nb: /language es\na: Berlin\nb: Madrid\n"
        ":pair\n:advance 5h\na: мой ответ\nb: mi respuesta\n"
    )
    result = run_bot("console", "--start", "2026-12-01T15:00:00+00:00", stdin=script)
    assert result.returncode == 0, result.stderr
    evening = result.stdout.split("(now 2026-12-01 20:00 UTC", 1)[0]
    library = content.load()
    asked = {}
    for who, lang in (("a", "ru"), ("b", "es")):
        texts = {library.text(i, lang): i for i in library.prompts}
        block = evening.split(f"[to {who}] 🌙", 1)[1]
        line = block.splitlines()[1].strip()
        asked[who] = texts[line]  # the question, in the reader's own language
    assert asked["a"] == asked["b"]
    after = result.stdout.split("(now 2026-12-01 20:00 UTC", 1)[1]
    to_a = after.split("[to a]")[1:]
    to_b = after.split("[to b]")[1:]
    assert any("mi respuesta" in m for m in to_a)  # Sam's words as written, in Alex's frame
    assert any("мой ответ" in m for m in to_b)


def test_console_five_weeks_on_a_callback_quotes_the_members_own_earlier_words() -> None:
    script = "a: /timezone Europe/Berlin\nb: /timezone Europe/Berlin\n:pair\n" + "".join(
        f":advance 1d\na: alex words {day}\nb: sam words {day}\n" for day in range(36)
    )
    result = run_bot("console", "--start", "2026-11-30T19:45:00+00:00", stdin=script)
    assert result.returncode == 0, result.stderr
    blocks = result.stdout.split("\n[to ")
    to_a = [b for b in blocks if b.startswith("a] 💭 Still true?")]
    to_b = [b for b in blocks if b.startswith("b] 💭 Still true?")]
    assert to_a
    assert to_b
    assert all("“alex words " in b and "sam words" not in b for b in to_a)
    assert all("“sam words " in b and "alex words" not in b for b in to_b)


def test_a_closed_pipe_ends_the_command_quietly(monkeypatch: pytest.MonkeyPatch) -> None:
    """`python -m bot content check | head -1`: when the reader stops early, the command ends
    with status 0, not a BrokenPipeError traceback."""
    import bot.__main__ as entry

    def closed() -> int:
        raise BrokenPipeError

    monkeypatch.setattr(entry, "main", closed)
    monkeypatch.setattr(os, "dup2", lambda *_: None)  # keep the test's own stdout
    assert entry._run() == 0
