"""The token and the database password never leave the process in clear, whatever way
out a message takes: log lines, uncaught tracebacks, warnings, errors in threads and in
the event loop, `coach run` refused by Telegram, `coach db upgrade` refused by the
database. Each test runs the real process and searches everything it wrote."""

from __future__ import annotations

import asyncio
import os
import sys
import textwrap
from pathlib import Path

import pytest

from bot.localapi import BotApiEmulator
from bot.runner import TOKEN_REJECTED
from tests.hardening.conftest import COACH_VARIABLES, free_port, start_coach

pytestmark = pytest.mark.slow

TOKEN = "987654321:Zebra-Token-Key-QQQQQQQQQQQQQQQQQQQQQQQQQQ"
TOKEN_KEY = TOKEN.partition(":")[2]
PASSWORD = "Pw-Zebra-Password-4417"
SECRETS = (TOKEN, TOKEN_KEY, PASSWORD)


def unreachable_postgres() -> str:
    """A PostgreSQL URL with the password, on a port nobody listens on."""
    return f"postgresql://coach:{PASSWORD}@127.0.0.1:{free_port()}/coach"


def assert_no_secret(output: str) -> None:
    assert output.strip(), "the process wrote nothing: the test would prove nothing"
    for secret in SECRETS:
        assert secret not in output


async def coach_exit_status(
    emulator: BotApiEmulator, tmp_path: Path, *args: str, **env: str
) -> int:
    """`coach run ARGS` with the token, at DEBUG, on a database nobody answers; its status."""
    coach = await start_coach(
        emulator,
        tmp_path,
        *args,
        BOT_TOKEN=TOKEN,
        DATABASE_URL=unreachable_postgres(),
        LOG_LEVEL="DEBUG",
        **env,
    )
    return await asyncio.wait_for(coach.wait(), 60)


async def run_to_exit(*args: str, env: dict[str, str], cwd: Path) -> tuple[int, str]:
    """Run `python ARGS` to its end; its exit status and all it wrote (stdout + stderr)."""
    environment = {k: v for k, v in os.environ.items() if k not in COACH_VARIABLES}
    environment.update(env)
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        *args,
        env=environment,
        cwd=cwd,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    output, _ = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode is not None
    return process.returncode, output.decode()


@pytest.mark.parametrize("mode", [(), ("--webhook",)], ids=["polling", "webhook"])
async def test_a_revoked_token_gets_one_clear_line_and_is_never_printed(
    tmp_path: Path, mode: tuple[str, ...]
) -> None:
    port = free_port()
    async with BotApiEmulator() as emulator:
        emulator.revoked_tokens.add(TOKEN)
        status = await coach_exit_status(
            emulator,
            tmp_path,
            *mode,
            WEBHOOK_URL=f"http://127.0.0.1:{port}/telegram" if mode else "",
            WEBHOOK_SECRET=PASSWORD + "-webhook",
            WEBHOOK_LISTEN="127.0.0.1",
            PORT=str(port),
        )
    assert status == 2
    output = (tmp_path / "coach.log").read_text()

    assert TOKEN_REJECTED in output.splitlines()
    assert "[redacted]" in output  # the DEBUG lines with the Bot API URL were there
    assert "Traceback" not in output
    assert_no_secret(output)


async def test_a_database_out_of_reach_at_start_up_is_reported_without_secrets(
    tmp_path: Path,
) -> None:
    async with BotApiEmulator() as emulator:
        assert await coach_exit_status(emulator, tmp_path) != 0
    output = (tmp_path / "coach.log").read_text()

    assert "ConnectionRefusedError" in output  # the cause, for whoever reads the log
    assert_no_secret(output)


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://coach:{password}@127.0.0.1:{port}/coach",  # nobody listens
        "postgresql://coach:{password}@127.0.0.1:not-a-port/coach",  # unparsable
        "postgresql://postgres:{password}@127.0.0.1:5432/no_such_database_x",
        "postgresql+nodriver://coach:{password}@127.0.0.1/coach",
        "postgresql://coach:{password}@[::1/coach",  # unparsable host
    ],
    ids=["refused", "bad-port", "missing-database", "unknown-driver", "bad-host"],
)
async def test_db_upgrade_failures_never_print_the_password(tmp_path: Path, url: str) -> None:
    database_url = url.format(password=PASSWORD, port=free_port())
    status, output = await run_to_exit(
        "-m",
        "bot",
        "db",
        "upgrade",
        env={"DATABASE_URL": database_url, "BOT_TOKEN": TOKEN, "LOG_LEVEL": "DEBUG"},
        cwd=tmp_path,
    )
    assert status != 0
    assert "Database is up to date." not in output
    assert_no_secret(output)


# Each snippet leaks both secrets by a different way out, after `setup_logging`.
WAYS_OUT = {
    "uncaught exception": "raise RuntimeError(SECRETS)",
    "warning": "import warnings; warnings.warn(SECRETS)",
    "thread": textwrap.dedent(
        """
        import threading
        def leak(): raise RuntimeError(SECRETS)
        thread = threading.Thread(target=leak); thread.start(); thread.join()
        """
    ),
    "event loop callback": textwrap.dedent(
        """
        import asyncio
        def leak(): raise RuntimeError(SECRETS)
        async def main():
            asyncio.get_running_loop().call_soon(leak)
            await asyncio.sleep(0.05)
        asyncio.run(main())
        """
    ),
    "task never awaited": textwrap.dedent(
        """
        import asyncio, gc
        async def leak(): raise RuntimeError(SECRETS)
        async def main():
            task = asyncio.create_task(leak())
            await asyncio.sleep(0.05)
            del task
            gc.collect()
        asyncio.run(main())
        """
    ),
    "unraisable": textwrap.dedent(
        """
        class Leak:
            def __del__(self): raise RuntimeError(SECRETS)
        Leak()
        """
    ),
    "log call with bad arguments": (
        "import logging; logging.getLogger('x').warning('%d ' + SECRETS, 'not a number')"
    ),
}


@pytest.mark.parametrize("leak", WAYS_OUT.values(), ids=WAYS_OUT.keys())
async def test_every_way_out_of_the_process_is_redacted(tmp_path: Path, leak: str) -> None:
    script = (
        "from bot.logs import setup_logging\n"
        f"SECRETS = {TOKEN + ' ' + PASSWORD!r}\n"
        f"setup_logging('DEBUG', {TOKEN!r}, {PASSWORD!r})\n" + leak
    )
    _, output = await run_to_exit("-c", script, env={}, cwd=Path.cwd())
    assert "[redacted] [redacted]" in output  # the leak happened, and was caught
    assert_no_secret(output)
