"""`coach run` with one thing swapped, to measure a setting against the default.

    python -m benchmarks.coach_bot --processor ptb:256      # concurrent_updates=True
    python -m benchmarks.coach_bot --processor ordered:16   # PerChatOrderedProcessor(16)
    python -m benchmarks.coach_bot --pacer-scale 0.1        # reminders paced for a
                                                            # RateLimit(time_scale=0.1)
    python -m benchmarks.coach_bot --webhook [--unordered]  # `coach run --webhook`, or
                                                            # without the gate that orders
                                                            # chats across workers

Everything else is built exactly as `coach run` builds it (same settings from the
environment, same logging, same start and stop). `build_application` has no parameter
for the update processor (production has one right answer), so the benchmark swaps the
name it calls while building; nothing else is touched.
"""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Callable
from unittest import mock

from telegram.ext import BaseUpdateProcessor, SimpleUpdateProcessor

import bot.app
from bot.app import build_application, start_polling, stop_polling
from bot.config import Settings
from bot.logs import setup_logging
from bot.processing import DEFAULT_CONCURRENCY, PerChatOrderedProcessor
from bot.runner import serve_until_signalled

PROCESSORS: dict[str, Callable[[int], BaseUpdateProcessor]] = {
    "ordered": PerChatOrderedProcessor,  # ours: bounded, one chat's updates in order
    "ptb": SimpleUpdateProcessor,  # PTB's: bounded, no order (ptb:1 is sequential)
}


def processor_factory(spec: str) -> Callable[..., BaseUpdateProcessor]:
    """`ordered:8`, `ptb:256` ... as a factory of fresh processors (PTB's ignore the
    inbox's `on_done`: the inbox then keeps its rows pending, which costs nothing here)."""
    kind, _, bound = spec.partition(":")
    if kind not in PROCESSORS:
        raise ValueError(f"unknown processor {kind!r}; use one of {sorted(PROCESSORS)}")
    size = int(bound) if bound else DEFAULT_CONCURRENCY
    if kind == "ordered":
        return lambda **hooks: PerChatOrderedProcessor(size, **hooks)
    return lambda **hooks: PROCESSORS[kind](size)


def main() -> None:
    """Parse the options, build the coach with them, poll until SIGTERM/SIGINT."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--processor", default=f"ordered:{DEFAULT_CONCURRENCY}")
    parser.add_argument("--pacer-scale", type=float, default=None)
    parser.add_argument("--webhook", action="store_true")
    parser.add_argument("--unordered", action="store_true")
    args = parser.parse_args()
    settings = Settings()
    setup_logging(settings.log_level, *settings.secrets())
    with mock.patch.object(bot.app, "PerChatOrderedProcessor", processor_factory(args.processor)):
        app = build_application(settings)
    if args.pacer_scale is not None:
        from bot.scheduling.dispatcher import sender_of
        from bot.scheduling.sender import Pacer

        sender_of(app).pacer = Pacer(time_scale=args.pacer_scale)
    if not args.webhook:
        asyncio.run(serve_until_signalled(lambda: start_polling(app), lambda: stop_polling(app)))
        return
    from bot import webhook  # aiohttp: only in this mode, as in `coach run`

    gate = (lambda app: None) if args.unordered else webhook.order_across_workers
    with mock.patch.object(webhook, "order_across_workers", gate):
        server = webhook.WebhookServer(app, webhook.Webhook.from_settings(settings))
    asyncio.run(serve_until_signalled(server.start, server.stop))


if __name__ == "__main__":
    main()
