"""bot/coach stays pure: no Telegram, database, network, files or clock."""

import ast
import importlib.util
import pkgutil
from pathlib import Path

import pytest

import bot.coach

FORBIDDEN_MODULES = frozenset(
    {
        "telegram",
        "sqlalchemy",
        "aiohttp",
        "httpx",
        "asyncio",
        "sqlite3",
        "os",
        "pathlib",
        "socket",
        "subprocess",
        "urllib",
        "requests",
        "logging",
    }
)
FORBIDDEN_CALLS = frozenset(
    {
        "datetime.now",
        "datetime.utcnow",
        "datetime.today",
        "date.today",
        "time.time",
        "time.monotonic",
        "time.perf_counter",
        "open",
        "print",
        "input",
    }
)


def _dotted(node: ast.expr) -> str:
    """The dotted call target ("datetime.datetime.now"), or "" if it isn't a name chain."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        inner = _dotted(node.value)
        return f"{inner}.{node.attr}" if inner else ""
    return ""


def violations(source: str) -> list[str]:
    """Forbidden imports and clock or I/O calls in one module's source."""
    found: list[str] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            names = [node.module or ""]
        elif isinstance(node, ast.Call):
            target = _dotted(node.func)
            if any(target == c or target.endswith(f".{c}") for c in FORBIDDEN_CALLS):
                found.append(f"calls {target}")
            continue
        else:
            continue
        found += [f"imports {n}" for n in names if n.split(".")[0] in FORBIDDEN_MODULES]
    return found


def _module_files() -> list[Path]:
    """Every module of bot.coach, the modules of its packages included."""
    names = (info.name for info in pkgutil.walk_packages(bot.coach.__path__, "bot.coach."))
    specs = (importlib.util.find_spec(name) for name in names)
    return sorted(Path(spec.origin) for spec in specs if spec is not None and spec.origin)


COACH_MODULES = _module_files()


def test_the_walk_finds_the_coach_modules() -> None:
    names = {path.stem for path in COACH_MODULES}
    assert {"catalog", "lookup", "parsing", "progression", "timing", "records"} <= names


@pytest.mark.parametrize(
    "path", COACH_MODULES, ids=lambda p: str(p.relative_to(Path(bot.coach.__path__[0])))
)
def test_coach_module_is_pure(path: Path) -> None:
    assert violations(path.read_text(encoding="utf-8")) == []


@pytest.mark.parametrize(
    "source",
    [
        "import telegram",
        "from telegram.ext import Application",
        "import sqlalchemy.orm",
        "from aiohttp import web",
        "import httpx",
        "import asyncio",
        "import sqlite3",
        "import os",
        "from os import path",
        "from pathlib import Path",
        "import datetime\ndatetime.datetime.now()",
        "from datetime import datetime\ndatetime.now()",
        "from datetime import datetime\ndatetime.utcnow()",
        "from datetime import date\ndate.today()",
        "import time\ntime.time()",
        "open('x')",
    ],
)
def test_the_check_catches_what_it_forbids(source: str) -> None:
    assert violations(source)


@pytest.mark.parametrize(
    "source",
    [
        "from datetime import datetime, time",
        "from bot.coach.units import Unit",
        "import zoneinfo",
        "x.now_or_never()",
        "timing.next_due(now=now)",
    ],
)
def test_the_check_allows_pure_code(source: str) -> None:
    assert violations(source) == []
