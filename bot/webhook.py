"""Webhook mode: Telegram POSTs each update to us, the platform checks `/healthz`.

PTB's own `run_webhook` serves a tornado app with one route and no way to add another,
so this follows PTB's documented custom-webhook pattern (examples/customwebhookbot.py):
a small aiohttp server that stores each update in the inbox and answers 200 only after
the commit (`bot.pipeline.inbox`), then puts it on `Application.update_queue`; it checks
the secret header exactly as PTB's server does: missing or wrong means 403, and
nothing is queued. A module of its own so that polling, the default, never imports
aiohttp (a tenth of a second and 10 MB at every start). Several webhook workers may
share one PostgreSQL database behind a load balancer: each lifter's updates are then
handled in order whichever worker stored them (`bot.pipeline.ordering`).
"""

from __future__ import annotations

import hmac
import logging
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from aiohttp import web
from telegram import Update
from telegram.ext import Application

from bot.app import inbox_of, processor_of
from bot.config import Settings
from bot.logs import RateLimitedWarning
from bot.scheduling.dispatcher import stop_dispatcher

log = logging.getLogger(__name__)

DEFAULT_WEBHOOK_PATH = "/telegram"
HEALTH_PATH = "/healthz"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
SECRET_RE = re.compile(r"^[A-Za-z0-9_-]{1,256}$")  # what setWebhook accepts

NO_WEBHOOK_URL = (
    "Webhook mode needs WEBHOOK_URL: the public https address Telegram should post "
    "updates to, e.g. https://coach.example.com/telegram."
)
NO_WEBHOOK_SECRET = (
    "Webhook mode needs WEBHOOK_SECRET: 1-256 letters, digits, _ or -, for example from "
    "`openssl rand -hex 32`; Telegram sends it with every update so no one else can."
)


@dataclass(frozen=True, slots=True)
class Webhook:
    """Where Telegram posts updates and how we recognise it."""

    url: str  # public URL given to setWebhook
    secret: str
    listen: str
    port: int

    @classmethod
    def from_settings(cls, settings: Settings) -> Webhook:
        """The webhook `settings` describe; ValueError with a line for the user if incomplete."""
        if not settings.webhook_url:
            raise ValueError(NO_WEBHOOK_URL)
        secret = settings.webhook_secret.get_secret_value() if settings.webhook_secret else ""
        if not SECRET_RE.match(secret):
            raise ValueError(NO_WEBHOOK_SECRET)
        url = settings.webhook_url.rstrip("/")
        if not urlsplit(url).path:
            url += DEFAULT_WEBHOOK_PATH
        return cls(url, secret, settings.webhook_listen, settings.port)

    @property
    def path(self) -> str:
        """The path we serve: the path of the public URL."""
        return urlsplit(self.url).path


def order_across_workers(app: Application) -> None:
    """Gate each update on the one before it in its chat, whichever worker stored it
    (PostgreSQL; SQLite is one process)."""
    order = inbox_of(app).order
    processor = processor_of(app)
    order.enable(lambda update: processor.run_now(update, app.process_update(update)))
    if order.active:
        processor.gate = order.turn


class WebhookServer:
    """The webhook and health endpoints in front of a PTB Application."""

    def __init__(self, app: Application, webhook: Webhook) -> None:
        self.app = app
        self.webhook = webhook
        self._runner: web.AppRunner | None = None
        order_across_workers(app)
        # Anyone can post to the webhook: one line a minute, however many they send.
        self._refused = RateLimitedWarning(log, "refused webhook requests without the secret")
        self._malformed = RateLimitedWarning(log, "refused malformed webhook requests")

    def routes(self) -> web.Application:
        """The aiohttp application: POST <webhook path> and GET /healthz."""

        web_app = web.Application()
        web_app.router.add_post(self.webhook.path, self._receive)
        web_app.router.add_get(HEALTH_PATH, self._health)
        return web_app

    async def _receive(self, request: web.Request) -> web.Response:

        given = request.headers.get(SECRET_HEADER, "").encode("utf-8", "surrogateescape")
        if not hmac.compare_digest(given, self.webhook.secret.encode()):
            self._refused()
            return web.Response(status=403)
        if not self.app.running:
            return web.Response(status=503)  # Telegram keeps the update and retries
        try:
            raw = await request.json()  # stored as sent, not serialized again from `update`
            update = Update.de_json(raw, self.app.bot)
        except Exception:  # any malformed body; Telegram never sends one
            self._malformed()
            return web.Response(status=400)
        await inbox_of(self.app).accept_together(update, self.app.update_queue, raw)
        return web.Response()  # only now: the update is stored, a crash cannot lose it

    async def _health(self, request: web.Request) -> web.Response:

        if self.app.running:
            return web.Response(text="ok")
        return web.Response(status=503, text="stopping")

    async def start(self) -> None:
        """Initialise the Application, listen, then tell Telegram where to post."""

        await self.app.initialize()
        if self.app.post_init is not None:
            await self.app.post_init(self.app)
        await self.app.start()
        runner = web.AppRunner(self.routes(), access_log=None)
        await runner.setup()
        self._runner = runner
        await web.TCPSite(runner, self.webhook.listen, self.webhook.port).start()
        await self.app.bot.set_webhook(
            self.webhook.url, secret_token=self.webhook.secret, allowed_updates=Update.ALL_TYPES
        )
        log.info("webhook server listening on port %s", self.webhook.port)

    async def stop(self) -> None:
        """Stop taking requests, handle every update already accepted, then shut down."""
        stop_dispatcher(self.app)
        runner, self._runner = self._runner, None
        if runner is not None:
            await runner.cleanup()
        if self.app.running:
            await self.app.stop()
        await self.app.shutdown()
        if self.app.post_shutdown is not None:
            await self.app.post_shutdown(self.app)
