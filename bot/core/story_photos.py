"""Photos in the book: a photo answer's image, fetched from the app it was sent on where that
app lets the bot (a Telegram photo: `MediaSource.fetch`, through the fetch the service gives
the core); any other keeps its line "Shared: photo" (a Discord attachment's link expires within
a day)."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from bot.core.events import MediaRef
from bot.core.ports import MediaFetch

if TYPE_CHECKING:
    from bot.core.story import Story

MAX_PHOTOS = 60  # photos fetched for one book (each a download from its app)
MAX_PHOTO_BYTES = 2_000_000


async def with_photos(story: Story, *, fetch: MediaFetch | None) -> None:
    """Photo answers' images, fetched from the app each was sent on where it lets the bot fetch
    them (up to `MAX_PHOTOS` a book, each up to `MAX_PHOTO_BYTES`); the others keep their line
    saying a photo was shared."""
    if fetch is None:
        return
    left = MAX_PHOTOS
    for month in story.months:
        for index, exchange in enumerate(month.exchanges):
            photos: list[bytes | None] = []
            for stored in exchange.media:
                found = None
                if left > 0 and stored and stored.get("kind") == "photo":
                    ref = MediaRef.from_json(stored)
                    if ref.file is not None:  # kept since files are remembered
                        left -= 1
                        found = await fetch(ref, MAX_PHOTO_BYTES)
                photos.append(found.data if found is not None else None)
            if any(photos):
                month.exchanges[index] = replace(exchange, photos=tuple(photos))
