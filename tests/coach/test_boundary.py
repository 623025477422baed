"""bot/coach stays pure: no Telegram, database, network, files or clock."""

import ast
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
        "bot.db",
        "bot.services",
        "bot.handlers",
        "bot.scheduling",
        "bot.clock",
        "bot.app",
    }
)
# Reading a clock through any object: `Clock().now()`, `clock.now()`, `dt.datetime.now()`.
FORBIDDEN_METHODS = frozenset({"now", "utcnow", "today", "monotonic", "perf_counter"})
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


def _dotted(node: ast.expr, aliases: dict[str, str]) -> str:
    """The dotted call target with import aliases resolved ("datetime.datetime.now"),
    or "" if it isn't a name chain."""
    if isinstance(node, ast.Name):
        return aliases.get(node.id, node.id)
    if isinstance(node, ast.Attribute):
        inner = _dotted(node.value, aliases)
        return f"{inner}.{node.attr}" if inner else ""
    return ""


def _aliases(tree: ast.AST) -> dict[str, str]:
    """What each imported name stands for: `import time as t` -> t: time,
    `from time import time` -> time: time.time."""
    found: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                found[alias.asname or alias.name.split(".")[0]] = (
                    alias.name if alias.asname else alias.name.split(".")[0]
                )
        elif isinstance(node, ast.ImportFrom) and node.module:
            for alias in node.names:
                found[alias.asname or alias.name] = f"{node.module}.{alias.name}"
    return found


def _forbidden_module(name: str) -> bool:
    return any(name == m or name.startswith(m + ".") for m in FORBIDDEN_MODULES)


def violations(source: str) -> list[str]:
    """Forbidden imports and clock or I/O calls in one module's source."""
    tree = ast.parse(source)
    aliases = _aliases(tree)
    found: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            names = [node.module or ""]
        elif isinstance(node, ast.Call):
            target = _dotted(node.func, aliases)
            method = node.func.attr if isinstance(node.func, ast.Attribute) else ""
            if any(target == c or target.endswith(f".{c}") for c in FORBIDDEN_CALLS):
                found.append(f"calls {target}")
            elif method in FORBIDDEN_METHODS:
                found.append(f"calls .{method}()")
            continue
        else:
            continue
        found += [f"imports {n}" for n in names if _forbidden_module(n)]
    return found


COACH_MODULES = sorted(Path(bot.coach.__path__[0]).rglob("*.py"))  # packages too


def test_the_walk_finds_the_coach_modules() -> None:
    names = {path.stem for path in COACH_MODULES}
    assert {"catalog", "lookup", "reading", "progression", "timing", "records", "machine"} <= names


@pytest.mark.parametrize(
    "path", COACH_MODULES, ids=lambda p: str(p.relative_to(COACH_MODULES[0].parents[1]))
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
        "from bot.db.models import Workout",
        "from bot.clock import Clock\nClock().now()",
        "Clock().now()",
        "from time import time\ntime()",
        "import time as t\nt.time()",
        "import datetime as d\nd.datetime.now()",
        "import telegram as tg",
        "from bot.services.workout import WorkoutService",
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
