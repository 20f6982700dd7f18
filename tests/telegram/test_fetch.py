"""The Telegram channel fetching a photo sent on Telegram (for another app to upload), against the
in-process Bot API: getFile, then the file from `base_file_url`, as `build_application` sets it
up from TELEGRAM_API_URL."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from pydantic import SecretStr
from telegram import Update

from bot.channels.base import TemporarySendError
from bot.channels.telegram import TelegramChannel, build_application
from bot.channels.telegram.handlers import event_of
from bot.config import Settings
from bot.core.events import Attachment, Media, MediaRef
from bot.outbox import MAX_UPLOAD
from tests.helpers.telegram.fake_bot_api import FakeBotApi
from tests.telegram.test_end_to_end import ALEX, TOKEN

PHOTO = b"\xff\xd8\xff\xe0 a photo \xff\xd9"


@pytest.fixture
async def telegram(api: FakeBotApi) -> AsyncIterator[TelegramChannel]:
    settings = Settings(
        _env_file=None,
        bot_token=SecretStr(TOKEN),
        discord_token=None,
        telegram_api_url=api.base_url,
    )
    application = build_application(settings)
    await application.initialize()
    try:
        yield TelegramChannel(application.bot)
    finally:
        await application.shutdown()
    assert api.errors == []


def media_of(telegram: TelegramChannel, update: dict[str, Any]) -> MediaRef:
    """What the real handler keeps of a media message."""
    event = event_of(Update.de_json(update, telegram.bot))
    assert isinstance(event, Media)
    return event.media


async def test_a_photo_is_kept_with_its_largest_file_and_fetched(
    api: FakeBotApi, telegram: TelegramChannel
) -> None:
    update = api.send_photo(ALEX, caption="our balcony", data=PHOTO)
    media = media_of(telegram, update)
    largest = update["message"]["photo"][-1]
    assert media.file == largest["file_id"]
    assert media.ref == f"{ALEX}:{update['message']['message_id']}"  # still relayed by copy

    fetched = await telegram.fetch(media, MAX_UPLOAD)

    assert fetched == Attachment(filename="photo.jpg", data=PHOTO, kind="photo")
    assert api.calls_to("getFile") == [{"file_id": largest["file_id"]}]
    assert api.downloads == ["photos/file_0.jpg"]


async def test_other_kinds_and_refs_without_a_file_are_not_fetched(
    api: FakeBotApi, telegram: TelegramChannel
) -> None:
    voice = media_of(telegram, api.send_voice(ALEX))
    assert voice.file is not None  # kept, but a voice note is not handed out
    photo = media_of(telegram, api.send_photo(ALEX))
    stored_before = MediaRef(channel="telegram", kind="photo", ref=photo.ref, caption=None)
    elsewhere = MediaRef(channel="discord", kind="photo", ref="https://x/y.jpg", file="abc")

    for media in (voice, stored_before, elsewhere):
        assert await telegram.fetch(media, MAX_UPLOAD) is None
    assert api.calls_to("getFile") == []


async def test_a_photo_too_large_to_pass_on_is_not_downloaded(
    api: FakeBotApi, telegram: TelegramChannel
) -> None:
    media = media_of(telegram, api.send_photo(ALEX, data=PHOTO))
    assert await telegram.fetch(media, len(PHOTO) - 1) is None
    assert len(api.calls_to("getFile")) == 1
    assert api.downloads == []


async def test_a_gone_or_forbidden_file_gives_nothing(
    api: FakeBotApi, telegram: TelegramChannel
) -> None:
    gone = media_of(telegram, api.send_photo(ALEX))
    assert gone.file is not None
    api.forget_file(gone.file)
    assert await telegram.fetch(gone, MAX_UPLOAD) is None  # 400 invalid file_id
    forbidden = media_of(telegram, api.send_photo(ALEX))
    api.fail("getFile", "403")
    assert await telegram.fetch(forbidden, MAX_UPLOAD) is None
    assert api.downloads == []


@pytest.mark.parametrize(("fault", "retry_after"), [("500", None), ("429", 3.0)])
async def test_a_passing_fault_is_a_temporary_error(
    api: FakeBotApi, telegram: TelegramChannel, fault: str, retry_after: float | None
) -> None:
    media = media_of(telegram, api.send_photo(ALEX, data=PHOTO))
    api.fail("getFile", fault, retry_after=3)
    with pytest.raises(TemporarySendError) as raised:
        await telegram.fetch(media, MAX_UPLOAD)
    assert raised.value.retry_after == retry_after
    fetched = await telegram.fetch(media, MAX_UPLOAD)  # the fault has passed
    assert fetched is not None
    assert fetched.data == PHOTO
