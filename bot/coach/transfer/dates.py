"""When a row's workout happened, from the ways the apps write dates.

Strong writes ISO dates ("2024-01-15 18:30:00", on some phones "2024-01-15 6:30:00 PM");
Hevy writes "28 Jul 2026, 18:49" and, in newer exports, "Jul 28, 2026, 6:49 PM". The
standard library reads all of them (`fromisoformat`, `strptime` in the C locale, which
Python keeps unless a program calls `setlocale`), so there is no month table here.
"""

from __future__ import annotations

from datetime import datetime, tzinfo
from functools import lru_cache
from typing import Final

_FORMATS: Final = (
    "%d %b %Y, %H:%M",  # Hevy: 28 Jul 2026, 18:49
    "%b %d, %Y, %I:%M %p",  # Hevy, newer: Jul 28, 2026, 6:49 PM
    "%d %B %Y, %H:%M",
    "%B %d, %Y, %I:%M %p",
    "%d %b %Y, %H:%M:%S",
    "%b %d, %Y, %I:%M:%S %p",
    "%Y-%m-%d %I:%M:%S %p",  # Strong on a 12-hour phone
    "%Y-%m-%d %I:%M %p",
)
# Phones put a narrow or plain no-break space before AM/PM.
_SPACES: Final = str.maketrans({"\u202f": " ", "\xa0": " "})


@lru_cache(maxsize=4096)
def parse_datetime(text: str) -> tuple[datetime, tzinfo | None] | None:
    """A naive datetime and the offset written with it (if any), or None.

    Cached: every row of a workout repeats its start, so a file has few distinct dates.
    """
    plain = " ".join(text.translate(_SPACES).split())
    if not plain:
        return None
    parsed: datetime | None
    try:
        parsed = datetime.fromisoformat(plain)
    except ValueError:
        parsed = _strptime(plain)
    if parsed is None:
        return None
    return parsed.replace(tzinfo=None), parsed.tzinfo


def _strptime(text: str) -> datetime | None:
    for layout in _FORMATS:
        try:
            return datetime.strptime(text, layout)
        except ValueError:
            continue
    return None
