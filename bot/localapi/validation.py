"""Checks against the official Bot API reference (``api.min.json``).

The spec is optional: an installed package has no ``shared/`` tree, so when
it cannot be found the emulator simply skips spec checks. It is loaded lazily
(≈650 kB JSON) and cached per path.
"""

from __future__ import annotations

import functools
import json
import os
from pathlib import Path
from typing import Any

SPEC_RELATIVE = Path("shared/telegram-bot-api-spec/api.min.json")
SPEC_ENV = "BOT_API_SPEC_PATH"


def find_spec(start_dirs: list[Path] | None = None) -> Path | None:
    """Search upward from cwd and from this package for the spec file."""
    env = os.environ.get(SPEC_ENV)
    if env and Path(env).is_file():
        return Path(env)
    starts = start_dirs or [Path.cwd(), Path(__file__).resolve().parent]
    for start in starts:
        for folder in (start, *start.parents):
            candidate = folder / SPEC_RELATIVE
            if candidate.is_file():
                return candidate
    return None


@functools.lru_cache(maxsize=4)
def _load(path: str) -> dict[str, Any]:
    with open(path, encoding="utf-8") as handle:
        data: dict[str, Any] = json.load(handle)
    return data


class Spec:
    """Lazy view of the Bot API reference; every query is a no-op without it."""

    def __init__(self, path: Path | None = None, *, search: bool = True) -> None:
        self._explicit = path
        self._search = search
        self._data: dict[str, Any] | None = None
        self._resolved = False
        self._methods_lower: dict[str, str] = {}

    @property
    def data(self) -> dict[str, Any] | None:
        """The parsed spec, or None when unavailable."""
        if not self._resolved:
            self._resolved = True
            path = self._explicit
            if path is None and self._search:
                path = find_spec()
            if path is not None and Path(path).is_file():
                try:
                    self._data = _load(str(path))
                except (OSError, ValueError):
                    self._data = None
            if self._data is not None:
                self._methods_lower = {name.lower(): name for name in self._data["methods"]}
        return self._data

    @property
    def available(self) -> bool:
        """Whether spec checks are active."""
        return self.data is not None

    def method_name(self, lowered: str) -> str | None:
        """Canonical spelling of a method the spec knows."""
        if self.data is None:
            return None
        return self._methods_lower.get(lowered)

    def method(self, name: str) -> dict[str, Any] | None:
        """The spec entry of a method."""
        if self.data is None:
            return None
        found: dict[str, Any] | None = self.data["methods"].get(name)
        return found

    def required_params(self, name: str) -> list[str]:
        """Names of a method's required parameters, in spec order."""
        entry = self.method(name)
        if entry is None:
            return []
        return [f["name"] for f in entry.get("fields", []) if f.get("required")]

    def returns(self, name: str) -> list[str]:
        """A method's return types."""
        entry = self.method(name)
        return list(entry.get("returns", [])) if entry else []

    def type_fields(self, type_name: str) -> list[dict[str, Any]] | None:
        """Fields of a Bot API type, or None if unknown (or no spec)."""
        if self.data is None:
            return None
        entry = self.data["types"].get(type_name)
        if entry is None:
            return None
        fields: list[dict[str, Any]] = entry.get("fields", [])
        return fields

    def subtypes(self, type_name: str) -> list[str]:
        """Members of a union type such as MaybeInaccessibleMessage."""
        if self.data is None:
            return []
        entry = self.data["types"].get(type_name) or {}
        return list(entry.get("subtypes", []))


_SCALARS: dict[str, tuple[type, ...]] = {
    "Integer": (int,),
    "Float": (int, float),
    "String": (str,),
    "Boolean": (bool,),
    "True": (bool,),
}


def check_object(spec: Spec, type_name: str, value: Any, path: str = "") -> list[str]:
    """Problems with ``value`` as a ``type_name``: missing required fields, wrong JSON types.

    Used by tests to prove the emulator's answers have Telegram's shape.
    """
    return _check_type(spec, [type_name], value, path or type_name)


def _check_type(spec: Spec, types: list[str], value: Any, path: str) -> list[str]:
    best: list[str] | None = None
    for type_name in types:
        problems = _check_one(spec, type_name, value, path)
        if not problems:
            return []
        if best is None or len(problems) < len(best):
            best = problems
    return best or [f"{path}: no type in {types}"]


def _check_one(spec: Spec, type_name: str, value: Any, path: str) -> list[str]:
    if type_name.startswith("Array of "):
        if not isinstance(value, list):
            return [f"{path}: expected array, got {type(value).__name__}"]
        inner = type_name[len("Array of ") :]
        problems: list[str] = []
        for index, item in enumerate(value):
            problems += _check_type(spec, [inner], item, f"{path}[{index}]")
        return problems
    if type_name in _SCALARS:
        allowed = _SCALARS[type_name]
        if type_name in ("Integer", "Float") and isinstance(value, bool):
            return [f"{path}: expected {type_name}, got bool"]
        if not isinstance(value, allowed):
            return [f"{path}: expected {type_name}, got {type(value).__name__}"]
        if type_name == "True" and value is not True:
            return [f"{path}: expected true"]
        return []
    subtypes = spec.subtypes(type_name)
    if subtypes:
        return _check_type(spec, subtypes, value, path)
    fields = spec.type_fields(type_name)
    if fields is None:
        # Abstract unions (MaybeInaccessibleMessage, ChatMember, ...) carry no fields.
        return [] if isinstance(value, dict) else [f"{path}: expected object {type_name}"]
    if not isinstance(value, dict):
        return [f"{path}: expected object {type_name}, got {type(value).__name__}"]
    problems = []
    for spec_field in fields:
        name = spec_field["name"]
        sub = f"{path}.{name}"
        if name not in value:
            if spec_field.get("required"):
                problems.append(f"{sub}: required field missing")
            continue
        problems += _check_type(spec, spec_field["types"], value[name], sub)
    return problems
