"""A loopback TCP proxy a test can cut: a database restart or a network partition on cue.

Only the connections that go through it are affected, so other tests sharing the
PostgreSQL server carry on. `cut()` drops every connection and refuses new ones until
`restore()`; `cut_on(pattern)` does the same the moment a client sends bytes containing
`pattern` (before they reach the server), to fail a transaction halfway through.
`black_hole()` is a partition that drops packets: nothing is forwarded and nothing is
closed, new connections are accepted and go nowhere, until `restore()` delivers what
was held (as TCP's retransmissions would once the network heals).
"""

from __future__ import annotations

import asyncio
import contextlib

CHUNK = 65536


class TcpProxy:
    """Forward 127.0.0.1:<port> to a target host and port."""

    def __init__(self, target_host: str, target_port: int) -> None:
        self.target_host = target_host
        self.target_port = target_port
        self.port = 0
        self.connections_made = 0
        self._server: asyncio.Server | None = None
        self._open: set[asyncio.StreamWriter] = set()
        self._trigger: bytes | None = None
        self.tripped = asyncio.Event()
        self._flowing = asyncio.Event()
        self._flowing.set()

    async def start(self) -> None:
        """Listen (on a free port the first time, on the same port after a cut)."""
        self._server = await asyncio.start_server(
            self._handle, "127.0.0.1", self.port, reuse_address=True
        )
        self.port = self._server.sockets[0].getsockname()[1]

    async def restore(self) -> None:
        """Accept connections again after a cut; forward again after a black hole."""
        self._flowing.set()
        if self._server is None:
            await self.start()

    def black_hole(self) -> None:
        """Stop forwarding in both directions, closing nothing."""
        self._flowing.clear()

    def cut(self) -> None:
        """Drop every open connection at once and refuse new ones."""
        if self._server is not None:
            self._server.close()
            self._server = None
        for writer in list(self._open):
            writer.transport.abort()
        self._open.clear()

    def cut_on(self, pattern: bytes) -> None:
        """Cut as soon as a client sends `pattern` (which is then never delivered)."""
        self._trigger = pattern
        self.tripped.clear()

    async def close(self) -> None:
        """Stop for good."""
        self.cut()
        self._flowing.set()  # connections held in a black hole find themselves closed

    async def _handle(
        self, client_in: asyncio.StreamReader, client_out: asyncio.StreamWriter
    ) -> None:
        self._open.add(client_out)
        await self._flowing.wait()
        try:
            server_in, server_out = await asyncio.open_connection(
                self.target_host, self.target_port
            )
        except OSError:
            client_out.transport.abort()
            return
        self.connections_made += 1
        self._open.add(server_out)
        await asyncio.gather(
            self._pipe(client_in, server_out, upstream=True),
            self._pipe(server_in, client_out, upstream=False),
            return_exceptions=True,
        )
        for writer in (client_out, server_out):
            self._open.discard(writer)
            writer.transport.abort()

    async def _pipe(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, *, upstream: bool
    ) -> None:
        tail = b""
        with contextlib.suppress(ConnectionError):
            while data := await reader.read(CHUNK):
                if upstream and self._trigger is not None and self._trigger in tail + data:
                    self._trigger = None
                    self.tripped.set()
                    self.cut()
                    return
                if upstream and self._trigger is not None:
                    tail = (tail + data)[-len(self._trigger) :]
                await self._flowing.wait()
                writer.write(data)
                await writer.drain()
        writer.transport.abort()
