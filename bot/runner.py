"""Run the Application in production: long polling by default, or a webhook server.

Polling (`coach run`) needs only the token and suits a worker process. Webhook mode
(`coach run --webhook`, or `WEBHOOK_URL` set) suits a web process: Telegram POSTs each
update to `WEBHOOK_URL` with the `WEBHOOK_SECRET` in a header, and the platform checks
`GET /healthz` on the same port; `bot.webhook` serves it and is imported in that mode
only. On SIGTERM or SIGINT both modes stop taking updates, finish the ones in hand, and
close the database.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import sys
from collections.abc import Awaitable, Callable

from telegram.error import InvalidToken

from bot.app import build_application, start_polling, stop_polling
from bot.config import Settings
from bot.pipeline.polling import Poller
from bot.pipeline.single import hold_sqlite

log = logging.getLogger(__name__)

TOKEN_REJECTED = (
    "Telegram rejected BOT_TOKEN: it was revoked or mistyped. In @BotFather send /mybots, "
    "pick the bot, then API Token, and set BOT_TOKEN to the token shown there."
)


async def serve_until_signalled(
    start: Callable[[], Awaitable[object]],
    stop: Callable[[], Awaitable[None]],
    failed: Callable[[], asyncio.Event | None] = lambda: None,
) -> bool:
    """Start, wait for SIGTERM or SIGINT (or the `failed` event), then stop (also when
    starting failed halfway); True if it stopped because of `failed`."""
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stopping.set)
    try:
        await start()
        waits = [asyncio.ensure_future(stopping.wait())]
        failure = failed()
        if failure is not None:
            waits.append(asyncio.ensure_future(failure.wait()))
        await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
        for waiting in waits:
            waiting.cancel()
        log.info("stopping: finishing the updates in hand")
        return failure is not None and failure.is_set()
    finally:
        await stop()


def run_bot(settings: Settings, *, webhook: bool = False) -> int:
    """Block until SIGINT/SIGTERM; the exit status for `coach run`.

    A rejected token gets one line, not PTB's traceback, whose message holds the token.
    """
    try:
        lock = hold_sqlite(settings.database_url)
    except RuntimeError as problem:
        print(problem, file=sys.stderr)
        return 4
    try:
        return _run(settings, webhook=webhook)
    except InvalidToken:
        print(TOKEN_REJECTED, file=sys.stderr)
        return 2
    finally:
        if lock is not None:
            lock.close()


def _run(settings: Settings, *, webhook: bool) -> int:
    if not webhook:
        app = build_application(settings)
        log.info("starting with long polling")
        pollers: list[Poller] = []

        async def start() -> None:
            pollers.append(await start_polling(app))

        conflict = asyncio.run(
            serve_until_signalled(
                start, lambda: stop_polling(app), lambda: pollers[0].conflict if pollers else None
            )
        )
        return 3 if conflict else 0  # 3: another process polls with this token
    from bot.webhook import Webhook, WebhookServer  # aiohttp: only in this mode

    try:
        hook = Webhook.from_settings(settings)
    except ValueError as problem:
        print(problem, file=sys.stderr)
        return 2
    server = WebhookServer(build_application(settings), hook)
    log.info("starting the webhook server")
    asyncio.run(serve_until_signalled(server.start, server.stop))
    return 0
