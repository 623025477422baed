"""The benchmarks' quick modes, as CI runs them: nothing lost, nothing twice. Never speed.

Each quick mode starts real processes (emulator, bots) and checks its own result: it
exits non-zero when a set or a reminder was lost or duplicated. The checker itself is
tested first, so a benchmark that "passes" has really looked.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks.lifting import compare
from benchmarks.report import percentile
from tests.conftest import POSTGRES_URL

ROOT = Path(__file__).resolve().parents[1]

# Each benchmark and the line it prints when everything arrived exactly once.
QUICK_MODES = {
    "cost_per_update": "0 lost, 0 duplicated, 0 lifters out of order",
    "thousand_lifters": "replies missing: 0;",
    "reminder_fanout": "duplicates: 0, misses: 0",
    "reply_cost": "messages: 512 sent, 512 expected",
    "startup": "nothing was sent at start-up, and the coach answered afterwards",
}


def test_the_set_check_finds_lost_duplicated_and_reordered_sets() -> None:
    reported = {1: [5, 6, 7], 2: [5, 6], 3: [8, 9]}
    stored = {1: [5, 6], 2: [5, 6, 6], 3: [9, 8]}

    check = compare(reported, stored)

    assert (check.lost, check.duplicated, check.out_of_order) == (1, 1, 1)
    assert not check.ok
    assert compare(reported, {k: list(v) for k, v in reported.items()}).ok


def test_percentiles_are_nearest_rank() -> None:
    values = [float(v) for v in range(1, 101)]
    assert (percentile(values, 0.5), percentile(values, 0.99), percentile(values, 1.0)) == (
        50.0,
        99.0,
        100.0,
    )


def _server(url: str) -> str:
    """The PostgreSQL server of the tests' URL, without its database."""
    return url.rsplit("/", 1)[0]


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["sqlite", "postgres"])
@pytest.mark.parametrize("name", sorted(QUICK_MODES))
def test_quick_mode_stores_and_sends_everything_exactly_once(
    name: str, kind: str, postgres_schema: str | None, tmp_path: Path
) -> None:
    if kind == "postgres" and postgres_schema is None:
        pytest.skip("PostgreSQL is not reachable")
    result = subprocess.run(
        [sys.executable, "-m", f"benchmarks.{name}", "--quick", "--db", kind],
        cwd=tmp_path,
        env={
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "BENCH_POSTGRES_URL": _server(POSTGRES_URL),
        },
        capture_output=True,
        text=True,
        timeout=300,
    )

    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert QUICK_MODES[name] in result.stdout, output
