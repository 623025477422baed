"""Run the Application in production: long polling by default, or a webhook server."""

from __future__ import annotations

import logging

from telegram import Update

from bot.app import build_application
from bot.config import Settings

log = logging.getLogger(__name__)


def run_bot(settings: Settings, *, webhook: bool = False) -> None:
    """Block until SIGINT/SIGTERM; PTB finishes the update in hand before stopping."""
    app = build_application(settings)
    if not webhook:
        log.info("starting with long polling")
        app.run_polling(allowed_updates=Update.ALL_TYPES)
        return
    if not settings.webhook_url or settings.webhook_secret is None:
        raise SystemExit("Webhook mode needs WEBHOOK_URL and WEBHOOK_SECRET.")
    log.info("starting webhook server on port %s", settings.port)
    app.run_webhook(
        listen=settings.webhook_listen,
        port=settings.port,
        url_path="telegram",
        webhook_url=settings.webhook_url.rstrip("/") + "/telegram",
        secret_token=settings.webhook_secret.get_secret_value(),
        allowed_updates=Update.ALL_TYPES,
    )
