"""/story (issue #18): the couple's shared history as a book they can keep. A simulated year is
written straight into the database (`tests/helpers/story.py`); the book is read back from the
PDF (every revealed answer in it, nothing sealed, late, skipped or erased), its pages counted,
its fonts checked for being embedded, and a page drawn to an image and looked at."""

from __future__ import annotations

import io
import re
from datetime import UTC, date, datetime
from typing import Any

import pypdfium2  # type: ignore[import-untyped]
import pytest
from pypdf import PdfReader
from sqlmodel import col, delete, select

from bot.core import story, texts, words
from bot.core.events import ButtonPress, Outgoing
from bot.core.models import Answer, Conversation
from tests.helpers.service import LIBRARY, Harness, sender
from tests.helpers.story import Year, a_year
from tests.test_cli import run_bot

FIRST = date(2025, 11, 1)  # a year of evenings, ending before the harness's 1 December 2026


async def _year(bot: Harness, **options: object) -> Year:
    async with bot.service.db.session() as session:
        return await a_year(session, LIBRARY, first=FIRST, **options)  # type: ignore[arg-type]


def _books(replies: list[Outgoing]) -> list[bytes]:
    found = [out.attachment for out in replies if out.attachment is not None]
    assert all(a.kind == "document" and a.filename.endswith(".pdf") for a in found)
    return [a.data for a in found]


def _text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages)


async def test_a_year_every_revealed_answer_and_nothing_else(bot: Harness) -> None:
    year = await _year(bot, evenings=365, wins=100, photos=50)
    replies = await bot.say("a", "/story")
    [pdf] = _books(replies)
    assert len(pdf) < story.MAX_BYTES
    assert "365 evenings answered together" in replies[0].text
    assert "I made it just now and don't keep a copy" in replies[0].text
    text = _text(pdf)
    flat = re.sub(r"\s+", " ", text)
    missing = [said for said in year.revealed if said not in flat]
    assert missing == []
    assert [win for win in year.wins if win not in flat] == []
    assert [hidden for hidden in year.hidden if hidden in flat] == []
    assert "Our story" in text
    assert "Alex & Sam" in text
    assert "Shared: photo" in text  # a photo answer is a line saying what was shared
    assert "Сегодня было трудно" in flat  # Cyrillic and accents as written
    assert "¡qué mañana tan tranquila!" in flat
    assert "😄" not in text
    assert "❤" not in text  # emoji become nothing, never a box
    assert "Goals reached" in text
    assert "Your first conversation together." in text  # a milestone met
    reader = PdfReader(io.BytesIO(pdf))
    assert 60 < len(reader.pages) < 300
    fonts = {}
    for page in reader.pages:
        resources: Any = page["/Resources"]
        for ref in resources["/Font"].values():
            font = ref.get_object()
            descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            fonts[str(font["/BaseFont"])] = "/FontFile2" in descriptor.get_object()
    assert len(fonts) == 3
    assert all(fonts.values()), fonts  # every font embedded
    assert any("SourceSerif" in name for name in fonts)
    assert any("Roboto" in name for name in fonts)
    # The partner is told kindly that a copy was made, and how to get their own.
    told = bot.channel.to("b")
    assert any("Alex made your story together into a book" in t and "/story" in t for t in told)


def _ink(pdf: bytes, index: int) -> tuple[float, tuple[int, int, int, int]]:
    """How much of a page is ink, and the box around it (in points)."""
    document = pypdfium2.PdfDocument(pdf)
    try:
        page = document[index]
        image = page.render(scale=1).to_pil().convert("L")
        page.close()
    finally:
        document.close()
    ink = image.point(lambda v: 255 if v < 200 else 0)
    box = ink.getbbox()
    assert box is not None
    share = ink.histogram()[255] / (image.width * image.height)
    return share, box


async def test_a_page_drawn_has_ink_and_keeps_inside_its_margins(bot: Harness) -> None:
    await _year(bot, evenings=40, wins=5, photos=4)
    [pdf] = _books(await bot.say("a", "/story"))
    mm = 72 / 25.4
    for index in (0, 1, 2):
        share, (left, top, right, bottom) = _ink(pdf, index)
        assert 0.002 < share < 0.5  # not blank, not a smear
        assert left >= 17 * mm
        assert right <= (148 - 16) * mm
        assert top >= 17 * mm
        assert bottom <= (210 - 8) * mm  # the page number sits in the bottom margin


async def test_the_framing_is_in_each_readers_language(bot: Harness) -> None:
    bot.languages.update(a="es", b="ru")
    year = await _year(bot, evenings=20, wins=3, photos=2, languages=("es", "ru"))
    replies = await bot.say("a", "/story")
    spanish = _text(_books(replies)[0])
    assert "Nuestra historia" in spanish
    assert "Alex y Sam" in spanish
    assert "Compartido: una foto" in spanish
    assert "20 noches respondidas juntos" in replies[0].text
    russian_replies = await bot.say("b", "/story")
    russian = _text(_books(russian_replies)[0])
    assert "Наша история" in russian
    assert "Sam и Alex" in russian  # the reader first
    assert "20 вечеров с ответами вдвоём" in russian_replies[0].text
    flat = re.sub(r"\s+", " ", russian)
    assert all(said in flat for said in year.revealed)
    assert any("convirtió vuestra historia" in t for t in bot.channel.to("a"))


async def test_no_answers_yet_is_a_kind_sentence_not_an_empty_book(bot: Harness) -> None:
    await bot.pair()
    replies = await bot.say("a", "/story")
    assert [out.attachment for out in replies] == [None]
    assert replies[0].text == texts.STORY_EMPTY
    assert not any("made your story" in t for t in bot.channel.to("b"))


async def test_a_year_of_the_story_and_words_that_are_not_a_year(bot: Harness) -> None:
    year = await _year(bot, evenings=120, wins=4, photos=0)
    replies = await bot.say("a", "/story 2026")
    [pdf] = _books(replies)
    flat = re.sub(r"\s+", " ", _text(pdf))
    assert "A61:" in flat  # 1 January 2026 is the 62nd evening
    assert "A60:" not in flat
    assert "Your story in 2026: 59 evenings answered together" in replies[0].text
    assert year.couple_id
    assert (await bot.say("a", "/story 2024"))[0].text == texts.STORY_EMPTY_YEAR.format(year=2024)
    assert (await bot.say("a", "/story soon"))[0].text == texts.STORY_BAD_YEAR
    assert (await bot.say("a", "/story 2099"))[0].text == texts.STORY_BAD_YEAR


async def test_an_erased_answer_is_gone_from_every_later_book(bot: Harness) -> None:
    year = await _year(bot, evenings=10, wins=0, photos=0)
    async with bot.service.db.session() as session:
        [conversation_id] = (
            await session.exec(
                select(Conversation.id).where(
                    Conversation.couple_id == year.couple_id, Conversation.day == "2025-11-03"
                )
            )
        ).all()
        gone = (
            await session.exec(
                delete(Answer).where(
                    col(Answer.member_id) == year.member_ids[1],
                    col(Answer.conversation_id) == conversation_id,
                )
            )
        ).rowcount
    assert gone == 1
    flat = re.sub(r"\s+", " ", _text(_books(await bot.say("a", "/story"))[0]))
    assert "A2:" not in flat  # the exchange goes with the erased answer
    assert "B2:" not in flat
    assert "A3:" in flat


async def test_too_large_a_book_comes_by_half_year(
    bot: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    await _year(bot, evenings=250, wins=0, photos=0)
    monkeypatch.setattr(story, "MAX_BYTES", 1000)
    replies = await bot.say("a", "/story")
    books = _books(replies)
    assert len(books) == 3  # Nov-Dec 2025, Jan-Jun 2026, Jul 2026
    assert "comes in 3 parts, one per half-year" in replies[0].text
    assert "Part 2 of 3" in _text(books[1])


async def test_after_100_evenings_together_the_book_is_offered_once(bot: Harness) -> None:
    year = await _year(bot, evenings=99, wins=0, photos=0)
    bot.clock.set(datetime(2026, 12, 1, 18, tzinfo=UTC))
    await bot.say("a", "/checkin")
    await bot.say("a", "our hundredth")
    await bot.say("b", "already?")
    offers = [
        out
        for out in bot.channel.sent
        if out.to.chat_id == "a" and "100 evenings answered together" in out.text
    ]
    assert len(offers) == 1
    [[button]] = offers[0].buttons
    assert button.data == f"story:{year.couple_id}"
    assert any("100 evenings answered together" in t for t in bot.channel.to("b"))
    pressed = await bot.send(ButtonPress(sender=sender("a", "Alex"), data=button.data))
    [pdf] = _books(pressed)
    assert "our hundredth" in _text(pdf)
    forged = await bot.send(ButtonPress(sender=sender("a", "Alex"), data="story:999"))
    assert forged[0].text == texts.STALE_BUTTON


def test_characters_the_fonts_lack_are_left_out() -> None:
    from bot.core.book import SANS, SERIF, printable

    assert printable("Hola 👋🏽 amor ❤️\nПривет 🌙", SERIF) == "Hola amor\nПривет"
    assert printable("📖 Our story", SANS) == "Our story"
    assert words.translate(texts.BOOK_TITLE, "ru") == "Наша история"


def test_the_console_saves_the_book_and_says_where() -> None:
    script = (
        "a: /start\nb: /start\na: /timezone Europe/Berlin\nb: /timezone Europe/Berlin\n:pair\n"
        ":advance 4h\na: I loved our walk\nb: Your text made me smile\na: /story\n"
    )
    result = run_bot("console", "--start", "2026-12-01T16:00:00+00:00", stdin=script)
    assert result.returncode == 0, result.stderr
    [path] = re.findall(r"\(file saved: (.+\.pdf)\)", result.stdout)
    with open(path, "rb") as saved:
        assert "I loved our walk" in _text(saved.read())


class FetchingChannel:
    """A recording channel that can also hand over the photos sent on it (as Telegram can)."""

    name = "test"

    def __init__(self, inner: Any, image: bytes) -> None:
        self.inner = inner
        self.image = image
        self.fetched: list[str] = []

    async def send(self, out: Outgoing) -> str:
        return str(await self.inner.send(out))

    async def fetch(self, media: Any, max_bytes: int) -> Any:
        from bot.core.events import Attachment

        self.fetched.append(media.file)
        if media.file == "gone":
            return None
        return Attachment(filename="photo.png", data=self.image, kind="photo")


async def test_a_photo_answer_is_in_the_book_where_its_app_lets_the_bot_fetch_it(
    bot: Harness,
) -> None:
    from PIL import Image

    from bot.core.events import Media, MediaRef

    picture = io.BytesIO()
    Image.new("RGB", (120, 80), (200, 120, 90)).save(picture, format="PNG")
    channel = FetchingChannel(bot.channel, picture.getvalue())
    bot.service.outbox.channels = {"test": channel}
    await bot.say("a", "/timezone Europe/Berlin")
    await bot.say("b", "/timezone Europe/Berlin")
    await bot.pair()
    for day, file in ((0, "ours"), (1, "gone")):
        await bot.advance(datetime(2026, 12, 1 + day, 20, 0, tzinfo=UTC) - bot.clock.now())
        photo = MediaRef(channel="test", kind="photo", ref=f"msg-{day}", file=file)
        await bot.send(Media(sender=sender("a", "Alex"), media=photo))
        await bot.say("b", f"words of day {day}")
    [pdf] = _books(await bot.say("a", "/story"))
    assert channel.fetched == ["ours", "gone"]
    images = [image for page in PdfReader(io.BytesIO(pdf)).pages for image in page.images]
    photos = [i for i in images if i.image is not None and i.image.size == (120, 80)]
    assert len(photos) == 1  # the one the app handed over; the gone one keeps its line
    assert _text(pdf).count("Shared: photo") == 2
