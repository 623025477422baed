"""No module imports a layer above its own, lazy imports inside functions included.

Layers, lowest first; a module may import its own layer and those below:
coach < texts, replies < db < services < messaging, context < scheduling < handlers < app.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2] / "bot"

LAYERS: dict[str, int] = {
    "bot.coach": 0,
    "bot.texts": 1,
    "bot.replies": 1,
    "bot.clock": 1,
    "bot.config": 1,
    "bot.db": 2,
    "bot.services": 3,
    "bot.charts": 3,
    "bot.messaging": 4,
    "bot.context": 4,
    "bot.retry": 4,
    "bot.scheduling": 5,
    "bot.processing": 5,
    "bot.handlers": 6,
    "bot.app": 7,
}
# No Telegram below messaging: services and the core take and return plain values.
NO_TELEGRAM_BELOW = 4


def layer_of(module: str) -> int | None:
    """The layer of a `bot.` module; None for modules outside the layering (tools, CLI)."""
    best = None
    for prefix, layer in LAYERS.items():
        inside = module == prefix or module.startswith(prefix + ".")
        if inside and (best is None or len(prefix) > len(best[0])):
            best = (prefix, layer)
    return None if best is None else best[1]


def imported(source: str, module: str) -> list[str]:
    """Every module `source` imports, anywhere in it (functions too), made absolute."""
    found = []
    package = module.rsplit(".", 1)[0]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parts, base]) if base else ".".join(parts)
            found.append(base)
            found += [f"{base}.{alias.name}" for alias in node.names]
    return found


def upward(source: str, module: str) -> list[str]:
    """The imports of `module` that reach a layer above it, or Telegram too low."""
    own = layer_of(module)
    if own is None:
        return []
    bad = []
    for name in imported(source, module):
        if name.split(".")[0] == "telegram" and own < NO_TELEGRAM_BELOW:
            bad.append(name)
        target = layer_of(name)
        if target is not None and target > own:
            bad.append(name)
    return sorted(set(bad))


def modules() -> list[tuple[str, Path]]:
    found = []
    for path in sorted(ROOT.rglob("*.py")):
        parts = path.relative_to(ROOT.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found.append((name, path))
    return found


def test_every_layered_package_is_walked() -> None:
    names = {name for name, _ in modules()}
    assert {"bot.coach.session", "bot.services.workout", "bot.handlers.workout"} <= names


@pytest.mark.parametrize(("module", "path"), modules(), ids=[m for m, _ in modules()])
def test_no_import_reaches_a_higher_layer(module: str, path: Path) -> None:
    assert upward(path.read_text(encoding="utf-8"), module) == []


@pytest.mark.parametrize(
    ("source", "module"),
    [
        ("from bot.handlers.respond import send", "bot.scheduling.sender"),
        ("def f():\n    from bot.app import services_of", "bot.scheduling.timers"),
        ("import bot.services.workout", "bot.db.workouts"),
        ("from telegram.ext import CallbackContext", "bot.services.container"),
        ("from ..handlers import respond", "bot.scheduling.timers"),
        ("from bot import app", "bot.handlers.workout"),
    ],
)
def test_the_check_catches_upward_imports(source: str, module: str) -> None:
    assert upward(source, module)


@pytest.mark.parametrize(
    ("source", "module"),
    [
        ("from bot.coach.session import step", "bot.services.workout"),
        ("from bot.messaging import send", "bot.scheduling.sender"),
        ("from telegram import Bot", "bot.messaging"),
        ("from . import jobs", "bot.scheduling.timers"),
    ],
)
def test_the_check_allows_downward_imports(source: str, module: str) -> None:
    assert upward(source, module) == []
