"""HTTP routes of the Bot API: ``/bot<token>/<method>`` and file downloads.

This layer owns what happens *around* a method: token check, parameter
decoding, the request log, fault injection and the JSON envelope. Methods
themselves live in :mod:`bot.localapi.methods`.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
from typing import TYPE_CHECKING, Any

from aiohttp import web

from bot.localapi.errors import NOT_FOUND, UNAUTHORIZED, ApiError
from bot.localapi.faults import BAD_GATEWAY_PAGE, fault_error
from bot.localapi.params import loggable, read_params

if TYPE_CHECKING:
    from bot.localapi.emulator import BotApiEmulator

log = logging.getLogger(__name__)

TOKEN_RE = re.compile(r"^(\d+):[A-Za-z0-9_-]{10,}$")
MAX_REQUEST_BYTES = 60 * 1024 * 1024  # Telegram accepts 50 MB uploads


def _json(body: dict[str, Any], status: int = 200) -> web.Response:
    return web.Response(
        body=json.dumps(body, ensure_ascii=False).encode("utf-8"),
        status=status,
        content_type="application/json",
    )


def error_response(error: ApiError) -> web.Response:
    """Telegram's error envelope with the matching HTTP status."""
    return _json(error.payload(), status=error.code)


def _drop_connection(request: web.Request) -> None:
    transport = request.transport
    if transport is not None:
        transport.abort()


class BotApiRoutes:
    """Request handlers bound to one emulator."""

    def __init__(self, emulator: BotApiEmulator) -> None:
        self.emu = emulator

    def _token_ok(self, token: str) -> bool:
        if token in self.emu.revoked_tokens:
            return False
        match = TOKEN_RE.match(token)
        if match is None:
            return not self.emu.token_check
        self.emu.world.bot_id = int(match.group(1))
        return True

    async def method(self, request: web.Request) -> web.StreamResponse:
        """``/bot<token>/<method>``: one Bot API call."""
        if not self._token_ok(request.match_info["token"]):
            return error_response(UNAUTHORIZED)
        name = self.emu.methods.resolve(request.match_info["method"])
        if name is None:
            return error_response(NOT_FOUND)
        try:
            params = await read_params(request)
        except ApiError as error:
            return error_response(error)
        self.emu.requests.append((name, loggable(params)))
        self.emu.in_flight += 1
        try:
            return await self._serve(request, name, params)
        finally:
            self.emu.in_flight -= 1
            self.emu.world.signal.notify()

    async def _serve(
        self, request: web.Request, name: str, params: dict[str, Any]
    ) -> web.StreamResponse:

        fault = self.emu.faults.pick(name)
        slow_delay = 0.0
        if fault is not None:
            fault_reply = fault_error(fault)
            if fault_reply is not None:
                return error_response(fault_reply)
            if fault.kind == "502":
                return web.Response(status=502, text=BAD_GATEWAY_PAGE, content_type="text/html")
            if fault.kind == "drop":
                _drop_connection(request)
                return web.Response(status=500)
            if fault.kind == "timeout":
                await asyncio.sleep(fault.delay)
            elif fault.kind == "slow":
                slow_delay = fault.delay

        try:
            result = await self.emu.methods.call(name, params)
        except ApiError as error:
            response = error_response(error)
        except Exception as exc:  # an emulator bug: say so instead of a bare 500 page
            log.exception("local Bot API emulator failed in %s", name)
            response = error_response(
                ApiError(500, f"Internal Server Error: emulator bug in {name}: {exc!r}")
            )
        else:
            response = _json({"ok": True, "result": result})
        if slow_delay:
            await asyncio.sleep(slow_delay)
        return response

    async def download(self, request: web.Request) -> web.StreamResponse:
        """``/file/bot<token>/<file_path>``: the bytes behind getFile."""
        if not self._token_ok(request.match_info["token"]):
            return error_response(UNAUTHORIZED)
        stored = self.emu.world.files.by_path(request.match_info["path"])
        if stored is None:
            return error_response(NOT_FOUND)
        return web.Response(
            body=stored.data, content_type=stored.mime_type or "application/octet-stream"
        )

    async def not_found(self, request: web.Request) -> web.StreamResponse:
        """Anything else: Telegram's bare 404."""
        return error_response(NOT_FOUND)


def build_app(emulator: BotApiEmulator) -> web.Application:
    """The aiohttp application serving the Bot API and the control endpoints."""
    from bot.localapi.control import add_control_routes

    app = web.Application(client_max_size=MAX_REQUEST_BYTES)
    routes = BotApiRoutes(emulator)
    add_control_routes(app, emulator)
    app.router.add_route("*", "/bot{token}/{method}", routes.method)
    app.router.add_get("/file/bot{token}/{path:.+}", routes.download)
    app.router.add_route("*", "/{tail:.*}", routes.not_found)
    return app
