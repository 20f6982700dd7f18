"""/story's book: a `Story` drawn as an A5 PDF with fpdf2. A cover (both names, the dates it
spans, the days together), then month by month each question with both answers side by side,
the month's wins, goals, dates and milestones, and the /progress picture after each quarter.

Answers are set in a serif (Source Serif Pro), the bot's few words in a sans (Roboto); both are
embedded (subset), so Latin, accents and Cyrillic print everywhere. A character neither font
has (emoji above all) is left out rather than printed as a box. A question is never parted
from its answers: a block that does not fit the rest of a page starts the next one, and one
taller than a page is set answer after answer, full width.
"""

from __future__ import annotations

import io
import re
from functools import cache
from pathlib import Path

import font_roboto  # type: ignore[import-untyped]
import font_source_serif_pro  # type: ignore[import-untyped]
from fontTools.ttLib import TTFont  # type: ignore[import-untyped]
from fpdf import FPDF
from fpdf.enums import MethodReturnValue, XPos, YPos

from bot.core import texts, words
from bot.core.story import SECTIONS, Exchange, Month, Story

# A5, in millimetres, with generous margins (the inner one a little wider, for binding).
WIDTH, HEIGHT = 148.0, 210.0
LEFT, RIGHT, TOP, BOTTOM = 20.0, 18.0, 20.0, 22.0
TEXT = WIDTH - LEFT - RIGHT
GUTTER = 7.0
COLUMN = (TEXT - GUTTER) / 2
INK = (74, 58, 52)
SOFT = (150, 130, 120)
ROSE = (190, 70, 80)
SERIF, SANS, SANS_MEDIUM = "serif", "sans", "sans-medium"
ANSWER_SIZE, ANSWER_LINE = 10.5, 5.0
SECTION_TITLES = {
    "wins": texts.BOOK_WINS,
    "goals": texts.BOOK_GOALS,
    "dates": texts.BOOK_DATES,
    "milestones": texts.BOOK_MILESTONES,
}


def _fonts() -> dict[str, str]:
    """The TTF of each face: Source Serif Pro's upright regular (its italics lack Cyrillic), and
    Roboto regular and medium."""
    serif = Path(font_source_serif_pro.SourceSerifPro).with_suffix(".ttf")
    return {
        SERIF: str(serif),
        SANS: str(font_roboto.Roboto),
        SANS_MEDIUM: str(font_roboto.RobotoMedium),
    }


@cache
def _has(face: str) -> frozenset[int]:
    """The characters a face can draw."""
    with TTFont(_fonts()[face], lazy=True) as font:
        return frozenset(font.getBestCmap())


_SPACES = re.compile(r"[ \t]{2,}")


def printable(text: str, face: str) -> str:
    """The text with every character the face lacks left out (emoji, mostly), and the spaces
    they leave behind closed up; line breaks are kept."""
    has = _has(face)
    kept = "".join(ch for ch in text if ch == "\n" or (ord(ch) in has and ch.isprintable()))
    return "\n".join(_SPACES.sub(" ", line).strip() for line in kept.split("\n")).strip()


class _Pdf(FPDF):
    """The page: margins, the faces, and a page number at the foot of every page but the
    cover."""

    def __init__(self, lang: str) -> None:
        super().__init__(orientation="P", unit="mm", format=(WIDTH, HEIGHT))
        self.lang = lang
        self.set_margins(LEFT, TOP, RIGHT)
        self.set_auto_page_break(auto=True, margin=BOTTOM)
        for face, path in _fonts().items():
            self.add_font(face, "", path)
        self.set_text_color(*INK)
        self.set_creator("Rekindle")
        self._wrapped: dict[tuple[str, str, float, float], list[str]] = {}
        # Each photo as printed, by the answer's bytes (measured, then drawn): this book's only.
        self.photos: dict[int, tuple[bytes, tuple[int, int]] | tuple[()]] = {}

    def footer(self) -> None:
        if self.page_no() == 1:
            return
        self.set_y(-BOTTOM + 8)
        self.set_font(SANS, size=8)
        self.set_text_color(*SOFT)
        self.cell(TEXT, 5, words.number(self.page_no() - 1, self.lang), align="C")
        self.set_text_color(*INK)

    def wrapped(self, text: str, *, face: str, size: float, width: float) -> list[str]:
        """The text's lines at `width` (fpdf2's line breaking, pure Python and the slow part:
        each text is wrapped once, whether it is measured, drawn or both)."""
        key = (text, face, size, width)
        found = self._wrapped.get(key)
        if found is None:
            self.set_font(face, size=size)
            shown = printable(text, face)
            lines = self.multi_cell(
                width, 1, shown, align="L", dry_run=True, output=MethodReturnValue.LINES
            )
            assert isinstance(lines, list)
            found = self._wrapped[key] = [str(line) for line in lines]
        return found

    def write_lines(
        self,
        text: str,
        *,
        face: str,
        size: float,
        line: float,
        width: float = TEXT,
        colour: tuple[int, int, int] = INK,
        align: str = "L",
        dry: bool = False,
    ) -> float:
        """Text at the cursor, wrapped to `width`; its height (with `dry`, only measured). A
        line that would cross the bottom margin starts the next page."""
        lines = self.wrapped(text, face=face, size=size, width=width)
        if dry:
            return len(lines) * line
        self.set_font(face, size=size)
        self.set_text_color(*colour)
        x = self.get_x()
        for piece in lines:
            self.set_x(x)
            self.cell(width, line, piece, align=align, new_x=XPos.LEFT, new_y=YPos.NEXT)
        self.set_x(x)
        return len(lines) * line

    @property
    def room(self) -> float:
        """The height left on this page."""
        return self.page_break_trigger - self.get_y()


def _say(story: Story, sentence: str, /, **params: object) -> str:
    template = words.translate(sentence, story.lang)
    return template.format(**params) if params else template


def _cover(pdf: _Pdf, story: Story) -> None:
    pdf.add_page()
    pdf.set_y(62)
    pdf.write_lines(_say(story, texts.BOOK_TITLE), face=SERIF, size=30, line=13, align="C")
    pdf.ln(4)
    names = _say(story, texts.BOOK_NAMES, first=story.names[0], second=story.names[1])
    pdf.write_lines(names, face=SANS_MEDIUM, size=15, line=8, align="C", colour=ROSE)
    pdf.ln(10)
    start, end = (words.when(day, None, "full_date", story.lang) for day in story.span)
    span = _say(story, texts.BOOK_SPAN, start=start, end=end)
    pdf.write_lines(span, face=SANS, size=11, line=6, align="C")
    days = words.plural("BOOK_DAYS_TOGETHER", story.days_together, story.lang)
    pdf.write_lines(days, face=SANS, size=11, line=6, align="C")
    if story.part is not None:
        pdf.ln(4)
        part = _say(story, texts.BOOK_PART, part=story.part[0], parts=story.part[1])
        pdf.write_lines(part, face=SANS, size=10, line=6, align="C", colour=SOFT)
    pdf.set_y(HEIGHT - BOTTOM - 12)
    made = _say(story, texts.BOOK_MADE, day=words.when(story.made, None, "full_date", story.lang))
    pdf.write_lines(made, face=SANS, size=8, line=4, align="C", colour=SOFT)


def _month_title(story: Story, found: Month) -> str:
    title = words.when(found.first, None, "month", story.lang)
    return title[:1].upper() + title[1:]


def _exchange(pdf: _Pdf, story: Story, *, exchange: Exchange) -> None:
    """A question and both answers, kept together on one page when they fit on one."""
    day = words.when(exchange.day, None, "day", story.lang)

    def head(dry: bool) -> float:
        height = pdf.write_lines(day, face=SANS, size=8, line=4, colour=SOFT, dry=dry)
        height += pdf.write_lines(exchange.question, face=SANS_MEDIUM, size=11, line=5.5, dry=dry)
        if not dry:
            pdf.ln(2)
        return height + 2

    photos = exchange.photos or (None,) * len(exchange.answers)

    def answer(name: str, said: str, *, photo: bytes | None, width: float, dry: bool) -> float:
        height = pdf.write_lines(name, face=SANS, size=8, line=4, width=width, colour=SOFT, dry=dry)
        height += pdf.write_lines(
            said, face=SERIF, size=ANSWER_SIZE, line=ANSWER_LINE, width=width, dry=dry
        )
        return height + _photo(pdf, photo, width=width, dry=dry)

    after = 7.0
    columns = max(
        answer(n, s, photo=photo, width=COLUMN, dry=True)
        for (n, s), photo in zip(exchange.answers, photos, strict=True)
    )
    needed = head(dry=True) + columns
    full_page = HEIGHT - TOP - BOTTOM
    if needed <= full_page:
        if needed > pdf.room:
            pdf.add_page()
        head(dry=False)
        top = pdf.get_y()
        for index, ((name, said), photo) in enumerate(zip(exchange.answers, photos, strict=True)):
            pdf.set_xy(LEFT + index * (COLUMN + GUTTER), top)
            answer(name, said, photo=photo, width=COLUMN, dry=False)
        pdf.set_xy(LEFT, top + columns + after)
        return
    # Taller than a page: one answer after the other, full width, starting with enough of the
    # first to keep the question company.
    if head(dry=True) + 4 + 3 * ANSWER_LINE > pdf.room:
        pdf.add_page()
    head(dry=False)
    for (name, said), photo in zip(exchange.answers, photos, strict=True):
        pdf.set_x(LEFT)
        answer(name, said, photo=photo, width=TEXT, dry=False)
        pdf.ln(3)
    pdf.ln(after - 3)


PHOTO_HEIGHT = 55.0  # the tallest a photo is drawn, in millimetres


def _photo(pdf: _Pdf, data: bytes | None, *, width: float, dry: bool) -> float:
    """A photo answer's image under its line, as wide as the column and at most `PHOTO_HEIGHT`
    tall (its shape kept); its height with a little space above. A file that is no image the
    book can draw is left out (the line already says a photo was shared)."""
    if data is None:
        return 0.0
    printed = pdf.photos.get(id(data))
    if printed is None:
        printed = pdf.photos[id(data)] = _printable_photo(data)
    if not printed:
        return 0.0
    jpeg, (pixels_wide, pixels_high) = printed
    shown_width = min(width, PHOTO_HEIGHT * pixels_wide / pixels_high)
    shown_height = shown_width * pixels_high / pixels_wide
    if not dry:
        x, y = pdf.get_x(), pdf.get_y() + 1.5
        pdf.image(io.BytesIO(jpeg), x=x, y=y, w=shown_width, h=shown_height)
        pdf.set_xy(x, y + shown_height)
    return shown_height + 1.5


PHOTO_PIXELS = 640  # the longest side a photo is printed from: ~300 dpi at the column's width


def _printable_photo(data: bytes) -> tuple[bytes, tuple[int, int]] | tuple[()]:
    """The photo made small enough for the page (a phone photo is ten times what 55 mm needs:
    fifty of them would pass Discord's 10 MB), as JPEG, with its size; () if it is no image.
    Kept only while its book is drawn (`_Pdf.photos`): nothing of a partner's stays."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as image:
            image.thumbnail((PHOTO_PIXELS, PHOTO_PIXELS))
            out = io.BytesIO()
            image.convert("RGB").save(out, format="JPEG", quality=80)
            return out.getvalue(), image.size
    except (UnidentifiedImageError, OSError):
        return ()


def _notes(pdf: _Pdf, story: Story, *, found: Month) -> None:
    for section in SECTIONS:
        lines = found.notes.get(section)
        if not lines:
            continue
        first = "• " + lines[0]
        title_height = 8.0
        if title_height + pdf.write_lines(first, face=SERIF, size=10, line=5, dry=True) > pdf.room:
            pdf.add_page()
        pdf.write_lines(
            _say(story, SECTION_TITLES[section]), face=SANS_MEDIUM, size=10, line=6, colour=ROSE
        )
        pdf.ln(2)
        for line in lines:
            pdf.write_lines("• " + line, face=SERIF, size=10, line=5)
            pdf.ln(1)
        pdf.ln(4)


def _picture(pdf: _Pdf, story: Story, *, found: Month) -> None:
    if found.picture is None:
        return
    day, png = found.picture
    height = TEXT / 2  # the picture is twice as wide as it is high
    if 8 + height > pdf.room:
        pdf.add_page()
    caption = _say(story, texts.BOOK_PICTURE, day=words.when(day, None, "full_date", story.lang))
    pdf.write_lines(caption, face=SANS, size=8, line=4, colour=SOFT)
    pdf.ln(2)
    pdf.image(io.BytesIO(png), x=LEFT, y=pdf.get_y(), w=TEXT, h=height)
    pdf.set_y(pdf.get_y() + height + 6)


def render(story: Story) -> bytes:
    """The book as PDF bytes."""
    pdf = _Pdf(story.lang)
    pdf.set_title(printable(_say(story, texts.BOOK_TITLE), SANS))
    _cover(pdf, story)
    for found in story.months:
        pdf.add_page()
        pdf.write_lines(_month_title(story, found), face=SERIF, size=18, line=9, colour=ROSE)
        pdf.ln(6)
        for exchange in found.exchanges:
            _exchange(pdf, story, exchange=exchange)
        _notes(pdf, story, found=found)
        _picture(pdf, story, found=found)
    return bytes(pdf.output())
