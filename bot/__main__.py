"""The `coach` command line: run, chat, emulator, db upgrade. It only parses and wires."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import sys
from pathlib import Path

NO_TOKEN = (
    "BOT_TOKEN is not set. Get a token from @BotFather in Telegram (send /newbot), "
    "then run `BOT_TOKEN=<token> coach run`. To try the coach offline without a token, "
    "run `coach chat`."
)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="coach", description="Upper Back Coach")
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="run the bot (long polling, or a webhook)")
    run.add_argument("--webhook", action="store_true", help="serve a webhook (WEBHOOK_URL)")
    from bot.texts.chat import DIRECTIVES, FILES_HELP

    chat = commands.add_parser(
        "chat",
        help="talk to the coach offline in this terminal",
        epilog=DIRECTIVES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    chat.add_argument("--db", type=Path, help="SQLite file to use (shortcut for DATABASE_URL)")
    chat.add_argument("--files", type=Path, default=Path("coach-files"), help=FILES_HELP)
    emulator = commands.add_parser("emulator", help="serve the local Bot API emulator")
    emulator.add_argument("--port", type=int, default=8081)
    db = commands.add_parser("db", help="database maintenance")
    db.add_argument("action", choices=["upgrade"])
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `coach` console script."""
    args = _parser().parse_args(argv)
    from bot.config import Settings

    if args.command == "emulator":
        from bot.localapi import serve

        with contextlib.suppress(KeyboardInterrupt):
            asyncio.run(serve(args.port))
        return 0
    overrides = {"database_url": f"sqlite:///{args.db}"} if getattr(args, "db", None) else {}
    settings = Settings(**overrides)  # type: ignore[arg-type]
    from bot.logs import setup_logging

    if args.command == "db":
        setup_logging(settings.log_level, *settings.secrets())
        from bot.db.engine import make_engine
        from bot.db.migrate import upgrade_to_head

        async def _upgrade() -> None:
            engine = make_engine(settings.database_url, timeout=settings.database_timeout)
            try:
                await upgrade_to_head(engine)
            finally:
                await engine.dispose()

        asyncio.run(_upgrade())
        print("Database is up to date.")
        return 0
    if args.command == "chat":
        from bot.chat import run_chat

        return asyncio.run(run_chat(settings, files_dir=args.files))
    if settings.bot_token is None:
        print(NO_TOKEN, file=sys.stderr)
        return 2
    setup_logging(
        settings.log_level, *settings.secrets(), lifter_content=settings.log_lifter_content
    )
    from bot.runner import run_bot

    return run_bot(settings, webhook=args.webhook or bool(settings.webhook_url))


if __name__ == "__main__":
    sys.exit(main())
