"""/story's book for a year of daily answers: how long it takes to make and how large it is.

The issue's target: 365 evenings, 100 wins and 50 photos render in under 5 seconds and under
10 MB. A couple's year is written straight into a fresh SQLite file (`tests/helpers/story.py`),
then the book is made as /story makes it: gathered (the queries and the four quarters'
/progress pictures) and drawn (fpdf2). Run by hand from the repository root:

    python bench/story.py                    # a year, as the issue asks
    python bench/story.py --evenings 730     # two years
    python bench/story.py --out book.pdf     # keep the book to look at
    python bench/story.py --page docs/story-page.png   # its first month's page, for the README
"""

from __future__ import annotations

import argparse
import asyncio
import io
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot import catalogs, content
from bot.core import book, story, story_photos
from bot.core.events import Attachment, MediaRef
from bot.core.models import Couple, Member
from bot.db import Database
from tests.helpers.story import a_year

TARGET_SECONDS, TARGET_BYTES = 5.0, 10_000_000


def _jpeg(shade: int) -> bytes:
    """A phone photo as Telegram keeps one (1280 x 960 JPEG), each a little different: a book
    embeds an image once however often it appears, so fifty must be fifty."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (1280, 960), (214, 190, shade % 255))
    draw = ImageDraw.Draw(image)
    for step in range(0, 1280, 16):  # detail, so it compresses like a photo, not a flat field
        colour = ((step + shade) % 255, 120, (255 - step) % 255)
        draw.line([(step, 0), (1280 - step, 960)], fill=colour, width=5)
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=82)
    return out.getvalue()


PHOTOS: dict[str, bytes] = {}  # by the answer's file id, made before the clock starts


async def _photo(media: MediaRef, max_bytes: int) -> Attachment | None:
    return Attachment(filename="photo.jpg", data=PHOTOS[media.file or ""], kind="photo")


async def main(args: argparse.Namespace) -> int:
    catalogs.install()
    library = content.load()
    first = date(2026, 1, 1)
    with tempfile.TemporaryDirectory() as folder:
        database = Database(f"sqlite+aiosqlite:///{folder}/bench.db")
        await database.migrate()
        async with database.session() as session:
            year = await a_year(
                session,
                library,
                first=first,
                evenings=args.evenings,
                wins=args.wins,
                photos=args.photos,
            )
        now = datetime(2027, 1, 2, 12, tzinfo=UTC)
        for index, file in enumerate(year.photo_files):
            PHOTOS[file] = _jpeg(index * 5)
        print(f"{len(PHOTOS)} photos, {sum(map(len, PHOTOS.values())) / 1e6:.1f} MB of JPEG")
        for attempt in range(args.repeats):
            async with database.session() as session:
                couple = await session.get(Couple, year.couple_id)
                reader = await session.get(Member, year.member_ids[0])
                partner = await session.get(Member, year.member_ids[1])
                assert couple is not None
                assert reader is not None
                assert partner is not None
                started = time.perf_counter()
                found = await story.gather(
                    session, library, couple=couple, reader=reader, partner=partner, now=now
                )
                # Each photo answer's image, as a channel would hand it over (a phone photo
                # as Telegram keeps it: 1280 x 960 JPEG), fetched here without a network.
                await story_photos.with_photos(found, fetch=_photo if args.photos else None)
                gathered = time.perf_counter()
                pdf = book.render(found)
                done = time.perf_counter()
            print(
                f"run {attempt + 1}: {found.evenings} evenings, {len(found.months)} months: "
                f"gather {gathered - started:.2f} s, render {done - gathered:.2f} s, "
                f"total {done - started:.2f} s, {len(pdf) / 1e6:.2f} MB"
            )
        await database.dispose()
    if args.page:
        _page(pdf, args.page)
    return _verdict(pdf, seconds=done - started, out=args.out)


def _page(pdf: bytes, path: str) -> None:
    """The book's first page after the cover, as a PNG (pypdfium2, a dev dependency)."""
    import pypdfium2  # type: ignore[import-untyped]

    document = pypdfium2.PdfDocument(pdf)
    try:
        page = document[1]
        image = page.render(scale=1.5).to_pil()
        page.close()
    finally:
        document.close()
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    image.convert("P", palette=1, colors=64).save(path, optimize=True)
    print(f"saved {path}")


def _verdict(pdf: bytes, *, seconds: float, out: str) -> int:
    if out:
        Path(out).write_bytes(pdf)
        print(f"saved {out}")
    size = len(pdf)
    ok = seconds < TARGET_SECONDS and size < TARGET_BYTES
    print(
        f"{'PASS' if ok else 'FAIL'}: {seconds:.2f} s (target < {TARGET_SECONDS:.0f} s), "
        f"{size / 1e6:.2f} MB (target < {TARGET_BYTES / 1e6:.0f} MB)"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--evenings", type=int, default=365)
    parser.add_argument("--wins", type=int, default=100)
    parser.add_argument("--photos", type=int, default=50)
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--out", default="")
    parser.add_argument("--page", default="")
    sys.exit(asyncio.run(main(parser.parse_args())))
