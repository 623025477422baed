"""Child processes of a benchmark: the emulator and the bots, and what the kernel says of them.

Each bot runs in a process of its own and the emulator in another, so the CPU time the
kernel charges to the bot's process (`/proc/<pid>/stat`, all its threads included) is the
bot's alone: the emulator's JSON, the driver's HTTP and the database server do not count.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import signal
import socket
import sys
import time
from collections.abc import AsyncIterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import aiohttp

from benchmarks.client import EmulatorClient
from benchmarks.proxy import RoundRobin

TOKEN = "123456789:benchmark-token-AAAAAAAAAAAAAAAAAAAAAAAA"
_CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
_URL_RE = re.compile(r"(http://[\d.]+:\d+)")
ROOT = Path(__file__).resolve().parents[1]  # benchmarks/ is not installed: put it on the path
START_TIMEOUT = 30.0
STOP_TIMEOUT = 15.0

# How each kind of bot is started; `coach` is exactly what a deployment runs.
COACH = ("coach", "run")
ECHO = (sys.executable, "-m", "benchmarks.echo_bot")


def coach_variant(processor: str, pacer_scale: float | None = None) -> tuple[str, ...]:
    """The coach with another update processor and/or a scaled reminder pacer."""
    command = [sys.executable, "-m", "benchmarks.coach_bot", "--processor", processor]
    if pacer_scale is not None:
        command += ["--pacer-scale", str(pacer_scale)]
    return tuple(command)


def profiled(command: Sequence[str], output: Path) -> tuple[str, ...]:
    """`command` under pyinstrument (`pip install pyinstrument`), sampling every millisecond;
    the session is written to `output` when the bot stops (see `benchmarks.profile_summary`).
    """
    profile = (sys.executable, "-m", "pyinstrument", "-r", "session", "-o", str(output))
    if tuple(command[:1]) == ("coach",):
        return (*profile, "-i", "0.001", "-m", "bot", *command[1:])
    assert command[0] == sys.executable and command[1] == "-m", command
    return (*profile, "-i", "0.001", *command[1:])


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time of a process so far, every thread included."""
    raw = Path(f"/proc/{pid}/stat").read_text()
    fields = raw[raw.rindex(")") + 2 :].split()
    return (int(fields[11]) + int(fields[12])) / _CLOCK_TICKS  # utime, stime


def memory_mb(pid: int, key: str = "VmHWM") -> float:
    """A memory figure of /proc/<pid>/status in MB (VmHWM: peak resident set)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1]) / 1024
    raise LookupError(f"{key} not in /proc/{pid}/status")


@dataclass
class Child:
    """A started process; `log` collects its output (an emulator's stdout is a pipe instead,
    read for the banner that names its port)."""

    name: str
    process: asyncio.subprocess.Process
    log: Path
    started_at: float  # wall clock just before the process was created
    polling_at: float | None = None  # when the emulator first saw it call getUpdates

    @property
    def pid(self) -> int:
        return self.process.pid

    def cpu(self) -> float:
        """CPU seconds used so far."""
        return cpu_seconds(self.pid)

    def pause(self) -> None:
        """SIGSTOP: queued work waits until `resume` (to offer a burst all at once)."""
        os.kill(self.pid, signal.SIGSTOP)

    def resume(self) -> None:
        """SIGCONT after `pause`."""
        os.kill(self.pid, signal.SIGCONT)

    def check_alive(self) -> None:
        """Fail with the end of the log if the process has died."""
        if self.process.returncode is not None:
            tail = self.log.read_text(errors="replace")[-3000:]
            raise RuntimeError(f"{self.name} exited with {self.process.returncode}:\n{tail}")

    async def stop(self) -> None:
        """SIGTERM (a graceful stop), then SIGKILL if it does not exit in time."""
        if self.process.returncode is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, signal.SIGCONT)
            self.process.terminate()
        try:
            await asyncio.wait_for(self.process.wait(), STOP_TIMEOUT)
        except TimeoutError:
            with contextlib.suppress(ProcessLookupError):
                self.process.kill()
            await self.process.wait()


def _python_path() -> str:
    inherited = os.environ.get("PYTHONPATH")
    return f"{ROOT}{os.pathsep}{inherited}" if inherited else str(ROOT)


def coach_script() -> str:
    """The `coach` command installed beside the running Python, else the one on PATH."""
    beside = Path(sys.executable).with_name("coach")
    return str(beside) if beside.exists() else "coach"


async def _spawn(
    name: str,
    command: Sequence[str],
    workdir: Path,
    env: Mapping[str, str] | None = None,
    *,
    banner: bool = False,
) -> Child:
    """Start `command` in `workdir`; with `banner`, its stdout is a pipe to read from."""
    if command[0] == "coach":  # this interpreter's, whether or not its venv is on PATH
        command = (coach_script(), *command[1:])
    log = workdir / f"{name}.log"
    started_at = time.time()
    with log.open("wb") as sink:
        process = await asyncio.create_subprocess_exec(
            *command,
            cwd=workdir,  # no stray .env of the checkout is read
            env={**os.environ, "PYTHONPATH": _python_path(), **(env or {})},
            stdout=asyncio.subprocess.PIPE if banner else sink,
            stderr=sink,
        )
    return Child(name, process, log, started_at)


@contextlib.asynccontextmanager
async def emulator(workdir: Path, name: str = "emulator") -> AsyncIterator[EmulatorClient]:
    """`coach emulator` on a free port, and a client for its control endpoints."""
    child = await _spawn(name, ("coach", "emulator", "--port", "0"), workdir, banner=True)
    try:
        assert child.process.stdout is not None
        line = await asyncio.wait_for(child.process.stdout.readline(), START_TIMEOUT)
        match = _URL_RE.search(line.decode())
        if match is None:
            child.check_alive()
            raise RuntimeError(f"unexpected emulator banner: {line!r}")
        async with EmulatorClient(match.group(1), child) as client:
            yield client
    finally:
        await child.stop()


async def wait_healthy(child: Child, port: int, timeout: float = START_TIMEOUT) -> None:  # noqa: ASYNC109
    """Wait until a webhook worker answers `GET /healthz` on `port`."""
    deadline = time.monotonic() + timeout
    async with aiohttp.ClientSession() as http:
        while time.monotonic() < deadline:
            child.check_alive()
            with contextlib.suppress(aiohttp.ClientError):
                async with http.get(f"http://127.0.0.1:{port}/healthz") as answer:
                    if answer.status == 200:
                        return
            await asyncio.sleep(0.1)
    raise TimeoutError(f"{child.name} did not answer /healthz within {timeout} s")


def webhook_env(url: str, port: int, secret: str = "benchmark-webhook-secret") -> dict[str, str]:
    """What `coach run --webhook` needs besides `bot_env`: Telegram posts to `url` (a
    load balancer's, or the worker's own), the worker listens on `port`."""
    return {
        "WEBHOOK_URL": url,
        "WEBHOOK_SECRET": secret,
        "WEBHOOK_LISTEN": "127.0.0.1",
        "PORT": str(port),
    }


def free_port() -> int:
    """A loopback port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def bot_env(api_url: str, database_url: str | None = None) -> dict[str, str]:
    """The environment `coach run` (or the echo bot) needs to talk to the emulator."""
    env = {"BOT_TOKEN": TOKEN, "BOT_API_URL": api_url, "LOG_LEVEL": "INFO"}
    if database_url is not None:
        env["DATABASE_URL"] = database_url
    return env


@contextlib.asynccontextmanager
async def bot(
    name: str,
    command: Sequence[str],
    workdir: Path,
    api: EmulatorClient,
    database_url: str | None = None,
    *,
    wait: bool = True,
    env: Mapping[str, str] | None = None,
) -> AsyncIterator[Child]:
    """Start a bot against `api` (`env` added to its environment) and yield once it is
    polling for updates (or at once)."""
    environment = {**bot_env(api.bot_api_url, database_url), **(env or {})}
    child = await _spawn(name, command, workdir, environment)
    try:
        if wait:
            child.polling_at = await api.wait_for_polling(child)
        yield child
    finally:
        await child.stop()


@contextlib.asynccontextmanager
async def webhook_workers(
    count: int, workdir: Path, api: EmulatorClient, database_url: str, *, log_level: str = "WARNING"
) -> AsyncIterator[tuple[list[Child], RoundRobin]]:
    """`count` `coach run --webhook` workers on one database behind a round-robin proxy
    on loopback (Telegram posts to the proxy), once each answers its health check.

    The database must be migrated first: workers starting together would race for it.
    """
    ports = [free_port() for _ in range(count)]
    balancer = RoundRobin([f"http://127.0.0.1:{port}" for port in ports])
    async with balancer.serving(free_port()) as proxy, contextlib.AsyncExitStack() as stack:
        workers = []
        for number, port in enumerate(ports):
            env = {**webhook_env(f"{proxy}/telegram", port), "LOG_LEVEL": log_level}
            worker = bot(
                f"worker{number}",
                (*COACH, "--webhook"),
                workdir,
                api,
                database_url,
                wait=False,
                env=env,
            )
            workers.append(await stack.enter_async_context(worker))
        await asyncio.gather(
            *(wait_healthy(w, port) for port, w in zip(ports, workers, strict=True))
        )
        yield workers, balancer
