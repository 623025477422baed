"""A round-robin HTTP load balancer on loopback, in front of several webhook workers.

Each request goes to the next worker in turn (per request, not per connection: the
emulator's webhook delivery keeps one connection alive, as Telegram does), so a lifter's
consecutive updates land on different workers. A worker that refuses the connection
(stopped, or killed) is skipped for the next one, as nginx's `proxy_next_upstream`
does; a worker that fails in the middle of a request (killed while storing) gets the
request answered 502, and Telegram (the emulator) delivers the update again.
"""

from __future__ import annotations

import contextlib
import itertools
from collections import Counter
from collections.abc import AsyncIterator, Sequence

import aiohttp
from aiohttp import web

HOP_HEADERS = {"connection", "keep-alive", "transfer-encoding", "content-length", "host"}


class RoundRobin:
    """Forwards each request to the next backend that accepts a connection."""

    def __init__(self, backends: Sequence[str]) -> None:
        self.backends = list(backends)  # base URLs, e.g. http://127.0.0.1:8081
        self.served: Counter[str] = Counter()  # requests each backend answered
        self.refused: Counter[str] = Counter()  # connections refused, skipped to the next
        self.failed = 0  # requests answered 502
        self._turn = itertools.cycle(range(len(self.backends)))
        self._session: aiohttp.ClientSession | None = None

    async def _forward(self, request: web.Request) -> web.StreamResponse:
        assert self._session is not None
        body = await request.read()
        headers = {k: v for k, v in request.headers.items() if k.lower() not in HOP_HEADERS}
        for _ in self.backends:
            backend = self.backends[next(self._turn)]
            try:
                async with self._session.request(
                    request.method, backend + request.path_qs, data=body, headers=headers
                ) as answer:
                    payload = await answer.read()
                    self.served[backend] += 1
                    kept = {k: v for k, v in answer.headers.items() if k.lower() not in HOP_HEADERS}
                    return web.Response(status=answer.status, body=payload, headers=kept)
            except aiohttp.ClientConnectorError:  # nobody listens there: the next one
                self.refused[backend] += 1
            except (aiohttp.ClientError, TimeoutError):  # broke mid-request: retried
                break
        self.failed += 1
        return web.Response(status=502)

    @contextlib.asynccontextmanager
    async def serving(self, port: int, host: str = "127.0.0.1") -> AsyncIterator[str]:
        """Listen on `host`:`port` and yield the proxy's base URL."""
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._forward)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30))
        try:
            await web.TCPSite(runner, host, port).start()
            yield f"http://{host}:{port}"
        finally:
            await runner.cleanup()
            await self._session.close()
