"""``python -m bot.localapi --port N``: serve the emulator alone."""

from __future__ import annotations

import argparse
import asyncio
import contextlib

from bot.localapi.emulator import serve


def main() -> None:
    """Parse ``--host/--port`` and serve until Ctrl-C."""
    parser = argparse.ArgumentParser(description="Local Telegram Bot API emulator")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8081)
    args = parser.parse_args()
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve(args.port, args.host))


if __name__ == "__main__":
    main()
