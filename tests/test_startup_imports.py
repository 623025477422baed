"""`coach run` loads only what polling needs: charts and the webhook server load on use
(tests/test_charts.py renders through the lazy import).

matplotlib (half a second, some 40 MB) and aiohttp (a tenth of a second, 10 MB) were
paid by every start. A fresh interpreter is the only place to see what an import pulls
in: this test process has both loaded already.
"""

from __future__ import annotations

import subprocess
import sys

LAZY = ("matplotlib", "numpy", "aiohttp")


def test_starting_the_bot_imports_neither_charts_nor_the_webhook_server() -> None:
    probe = (
        "import sys, bot.__main__, bot.runner\n"
        f"print(' '.join(name for name in {LAZY!r} if name in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )
    assert result.stdout.split() == []
