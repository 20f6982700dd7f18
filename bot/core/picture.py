"""The /progress picture: the last 12 weeks as a calendar, fuller the more was shared each day,
with the couple's totals underneath. Drawn with Pillow from the same `Progress` as the text."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import timedelta
from functools import cache

import font_roboto  # type: ignore[import-untyped]
from PIL import Image, ImageDraw, ImageFont

from bot.core import texts, words
from bot.core.tally import CATEGORIES, WEEKS, Progress

WIDTH, HEIGHT = 960, 480
BACKGROUND = (253, 248, 243)
INK = (74, 58, 52)
SOFT = (150, 130, 120)
EMPTY = (236, 228, 220)
# From a hint of colour to a full, warm rose: 1, 2, 3, 4+ shared moments in a day.
SHADES = ((246, 205, 196), (238, 160, 150), (222, 112, 106), (190, 70, 80))
CELL, GAP = 44, 8


@dataclass(frozen=True)
class Picture:
    png: bytes
    labels: tuple[str, ...]  # every number-bearing text drawn, for checking against the text


@cache
def font(size: int) -> ImageFont.FreeTypeFont:
    """Roboto (from the `font-roboto` package), which has the letters of every language the bot
    speaks; Pillow's built-in font draws Cyrillic and accented letters as empty boxes."""
    return ImageFont.truetype(font_roboto.Roboto, size)


def render(progress: Progress, names: str, *, lang: str | None = None) -> Picture:
    """The picture, its words in the reader's language `lang`."""
    image = Image.new("RGB", (WIDTH, HEIGHT), BACKGROUND)
    draw = ImageDraw.Draw(image)
    title = words.translate(texts.PICTURE_TITLE, lang).format(names=names, weeks=WEEKS)
    draw.text((40, 28), title, fill=INK, font=font(28))
    first_monday = progress.week_start - timedelta(weeks=WEEKS - 1)
    left, top = 90, 90
    for weekday in range(0, 7, 2):  # Mon, Wed, Fri, Sun
        name = words.weekday(weekday, "abbreviated", lang)
        draw.text((40, top + weekday * (CELL + GAP) + 12), name, fill=SOFT, font=font(16))
    for week in range(WEEKS):
        for weekday in range(7):
            day = first_monday + timedelta(weeks=week, days=weekday)
            x, y = left + week * (CELL + GAP), top + weekday * (CELL + GAP)
            if day > progress.today:
                draw.rounded_rectangle((x, y, x + CELL, y + CELL), 8, outline=EMPTY, width=2)
                continue
            shared = progress.daily[day]
            colour = EMPTY if shared == 0 else SHADES[min(shared, len(SHADES)) - 1]
            draw.rounded_rectangle((x, y, x + CELL, y + CELL), 8, fill=colour)
    labels = tuple(words.plural(f"PICTURE_COUNTS.{c}", progress.total[c], lang) for c in CATEGORIES)
    column = left + WEEKS * (CELL + GAP) + 20
    all_time = words.translate(texts.PICTURE_ALL_TIME, lang)
    draw.text((column, top - 4), all_time, fill=SOFT, font=font(18))
    for index, label in enumerate(labels):
        draw.text((column, top + 26 + index * 44), label, fill=INK, font=font(22))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return Picture(png=buffer.getvalue(), labels=labels)
