"""Building and running the Telegram application: long polling, or PTB's webhook server."""

from __future__ import annotations

import logging
from collections.abc import Callable
from urllib.parse import urlparse

import httpx
from telegram import Bot, BotCommand
from telegram.ext import AIORateLimiter, Application, ApplicationBuilder
from telegram.request import BaseRequest, HTTPXRequest

from bot.channels.telegram.channel import TelegramChannel
from bot.channels.telegram.handlers import Handlers
from bot.channels.telegram.settings import TelegramSettings
from bot.channels.telegram.update_order import PerChatUpdateProcessor
from bot.config import Settings
from bot.core import words
from bot.core.handle import DESCRIPTIONS, descriptions
from bot.service import Rekindle

log = logging.getLogger(__name__)

POLL_TIMEOUT = 10  # seconds a getUpdates long poll may wait


def build_application(settings: Settings, request: BaseRequest | None = None) -> Application:  # type: ignore[type-arg]
    """The PTB application, not yet started: its bot is what the outbox sends with.
    `request` replaces the HTTP layer (tests pass an offline one)."""
    section = settings.section(TelegramSettings)
    assert section.bot_token is not None
    builder = (
        ApplicationBuilder()
        .token(section.bot_token.get_secret_value())
        .base_url(section.telegram_api_url)
        .base_file_url(section.telegram_api_url.replace("/bot", "/file/bot"))
        .rate_limiter(
            # No retries by default: the outbox reschedules on flood control itself; direct
            # replies ask for retries per call (see TelegramChannel).
            AIORateLimiter(overall_max_rate=settings.send_rate_per_second, max_retries=0)
        )
        .job_queue(None)  # our own stateless beat schedules everything (see bot/heartbeat.py)
        .concurrent_updates(PerChatUpdateProcessor())
    )
    if request is not None:
        builder = builder.request(request).get_updates_request(request)
    else:
        # PTB's two HTTP clients (the builder's defaults: 256 connections for requests, one for
        # the long poll) share one TLS context, so the CA bundle is read once, not twice
        # (~30 ms of the start and ~0.7 MB).
        tls = {"verify": httpx.create_ssl_context()}
        builder = builder.request(HTTPXRequest(httpx_kwargs=tls)).get_updates_request(
            HTTPXRequest(connection_pool_size=1, read_timeout=POLL_TIMEOUT + 5, httpx_kwargs=tls)
        )
    return builder.build()


def webhook_server() -> None:
    """Make sure PTB has its webhook server: a process whose PTB was imported for polling,
    without it (`Telegram.build`), loads it now and hands it to PTB's updater, which takes it
    from its module when it starts a webhook."""
    from telegram.ext import _updater

    if not _updater.WEBHOOKS_AVAILABLE:
        from telegram.ext._utils.webhookhandler import WebhookAppClass, WebhookServer

        names = {"WebhookAppClass": WebhookAppClass, "WebhookServer": WebhookServer}
        vars(_updater).update(names, WEBHOOKS_AVAILABLE=True)


async def publish_commands(bot: Bot) -> None:
    """The command menu: English for everyone, then one per other language the bot speaks,
    which Telegram shows to users whose app is in that language."""
    await bot.set_my_commands(
        [BotCommand(name, description) for name, description in DESCRIPTIONS.items()]
    )
    for lang in words.languages():
        if lang != words.DEFAULT_LANG:
            menu = [BotCommand(name, text) for name, text in descriptions(lang).items()]
            await bot.set_my_commands(menu, language_code=lang)


class TelegramRunner:
    """Starts and stops the Telegram side: handlers, command menu, polling or webhook."""

    def __init__(
        self,
        settings: Settings,
        application: Application,  # type: ignore[type-arg]
        service: Rekindle,
        on_pushed: Callable[[], None],
    ) -> None:
        self.settings = settings.section(TelegramSettings)
        self.application = application
        replies = TelegramChannel(application.bot, retry_in_place=True)
        Handlers(service, replies, on_pushed).register(application)

    async def start(self) -> None:
        app = self.application
        await app.initialize()  # getMe: the bot's username, for deep links
        await publish_commands(app.bot)
        await app.start()
        assert app.updater is not None
        if self.settings.webhook_url:
            webhook_server()
            secret = self.settings.webhook_secret
            await app.updater.start_webhook(
                listen=self.settings.webhook_listen,
                port=self.settings.webhook_port,
                url_path=urlparse(self.settings.webhook_url).path.lstrip("/"),
                webhook_url=self.settings.webhook_url,
                secret_token=secret.get_secret_value() if secret else None,
            )
            log.info("telegram webhook server started", extra={"port": self.settings.webhook_port})
        else:
            await app.updater.start_polling(timeout=POLL_TIMEOUT)
            log.info("telegram long polling started")

    async def stop(self) -> None:
        """Stop taking updates, finish the ones already taken, then close."""
        app = self.application
        if app.updater is not None and app.updater.running:
            await app.updater.stop()
        if app.running:
            await app.stop()
        await app.shutdown()
