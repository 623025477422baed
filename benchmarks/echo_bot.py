"""The floor: a bare python-telegram-bot echo bot, as PTB's own example, default settings.

`BOT_TOKEN=... BOT_API_URL=http://127.0.0.1:8081/bot python -m benchmarks.echo_bot`

`--concurrent-updates N` (PTB's own option; the default processes one at a time) shows
what concurrency costs the framework itself.

Whatever the coach costs per update above this is ours; this much is the framework's
(polling, parsing the update, dispatching, one sendMessage).
"""

from __future__ import annotations

import argparse
import os

from telegram import Update
from telegram.ext import ApplicationBuilder, ContextTypes, MessageHandler, filters


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Reply with the text received."""
    assert update.message is not None and update.message.text is not None
    await update.message.reply_text(update.message.text)


def main() -> None:
    """Poll until SIGTERM/SIGINT."""
    parser = argparse.ArgumentParser(description="a bare PTB echo bot")
    parser.add_argument("--concurrent-updates", type=int)
    args = parser.parse_args()
    builder = (
        ApplicationBuilder().token(os.environ["BOT_TOKEN"]).base_url(os.environ["BOT_API_URL"])
    )
    if args.concurrent_updates is not None:
        builder = builder.concurrent_updates(args.concurrent_updates)
    app = builder.build()
    app.add_handler(MessageHandler(filters.TEXT, echo))
    app.run_polling(allowed_updates=Update.ALL_TYPES)


if __name__ == "__main__":
    main()
