"""Local Telegram Bot API emulator for tests, benchmarks and ``coach chat``.

The real python-telegram-bot ``Application`` talks to it over real HTTP::

    async with BotApiEmulator() as emu:
        app = ApplicationBuilder().token(TOKEN).base_url(emu.base_url)
              .base_file_url(emu.base_file_url).build()
        await emu.send_text(42, "/start")
        messages = await emu.wait_for_messages(42, 1)
"""

from bot.localapi.emulator import BotApiEmulator, serve
from bot.localapi.faults import Fault, RateLimit, RateStats
from bot.localapi.models import BotMessage, Button

__all__ = ["BotApiEmulator", "BotMessage", "Button", "Fault", "RateLimit", "RateStats", "serve"]
