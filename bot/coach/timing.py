"""Pure time arithmetic for workout reminders; the caller passes ``now``.

Daylight-saving policy (tested):

* A reminder time that doesn't exist on a spring-forward day (02:30 in Berlin on the
  last Sunday of March) fires as the wall time shifted forward by the gap, 03:30 local.
  That is what Python's ``fold=0`` gives, and the workout still happens that day.
* A time that happens twice on a fall-back day fires once, at the first (``fold=0``).
"""

import re
import zoneinfo
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from functools import cache

from bot.coach.errors import CoachError

WEEKDAYS: tuple[str, ...] = (
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
)
DAYS_HINT = "Send training days like: mon wed fri, weekdays or daily."
CLOCK_HINT = "Send a time like 18:00, 6pm or 6:30 am."
ZONE_HINT = "Send a time zone like Europe/Berlin, a city like New York, or an offset like UTC+2."
SCHEDULE_HINT = "Send it like: mon wed fri 18:00 Europe/Berlin (or off to stop reminders)."

_DAY_NAMES: dict[str, frozenset[int]] = {
    **{name.casefold(): frozenset({i}) for i, name in enumerate(WEEKDAYS)},
    **{name[:3].casefold(): frozenset({i}) for i, name in enumerate(WEEKDAYS)},
    "tues": frozenset({1}),
    "weds": frozenset({2}),
    "thur": frozenset({3}),
    "thurs": frozenset({3}),
    "weekday": frozenset(range(5)),
    "weekend": frozenset({5, 6}),
    "daily": frozenset(range(7)),
}
_CLOCK = re.compile(r"(\d{1,2})(?:[:.h]?(\d{2}))?\s*(?:([ap])\.?\s*m\.?)?")
_OFFSET = re.compile(r"(?:utc|gmt)?\s*([+-])\s*(\d{1,2})(?::?(\d{2}))?(?::?(\d{2}))?")
_UTC_WORDS = frozenset({"utc", "gmt", "z", "zulu"})
_MAX_OFFSET = timedelta(hours=14)
_CATCH_UP = timedelta(days=7)
_OFF_WORDS = frozenset({"off", "stop", "none", "never", "no", "disable", "cancel", "pause"})
_CITY_ALIASES: dict[str, str] = {
    "san francisco": "America/Los_Angeles",
    "seattle": "America/Los_Angeles",
    "san diego": "America/Los_Angeles",
    "las vegas": "America/Los_Angeles",
    "washington": "America/New_York",
    "boston": "America/New_York",
    "miami": "America/New_York",
    "atlanta": "America/New_York",
    "philadelphia": "America/New_York",
    "dallas": "America/Chicago",
    "houston": "America/Chicago",
    "austin": "America/Chicago",
    "delhi": "Asia/Kolkata",
    "new delhi": "Asia/Kolkata",
    "mumbai": "Asia/Kolkata",
    "bangalore": "Asia/Kolkata",
    "bengaluru": "Asia/Kolkata",
    "beijing": "Asia/Shanghai",
    "osaka": "Asia/Tokyo",
    "munich": "Europe/Berlin",
    "frankfurt": "Europe/Berlin",
    "hamburg": "Europe/Berlin",
    "barcelona": "Europe/Madrid",
    "milan": "Europe/Rome",
    "manchester": "Europe/London",
    "wellington": "Pacific/Auckland",
    "rio de janeiro": "America/Sao_Paulo",
    "st petersburg": "Europe/Moscow",
    "et": "America/New_York",
    "est": "America/New_York",
    "edt": "America/New_York",
    "ct": "America/Chicago",
    "cst": "America/Chicago",
    "mst": "America/Denver",
    "pt": "America/Los_Angeles",
    "pst": "America/Los_Angeles",
    "pdt": "America/Los_Angeles",
    "cet": "Europe/Berlin",
    "cest": "Europe/Berlin",
    "ist": "Asia/Kolkata",
}


class ScheduleError(CoachError, ValueError):
    """A day, time or zone the coach can't read; ``message`` shows a form that works."""


@dataclass(frozen=True, slots=True)
class ScheduleSpec:
    """A reminder schedule read from one line; zone is None when the line gave none."""

    days: frozenset[int]
    at: time
    zone: tzinfo | None


def _words(text: str, separators: str) -> list[str]:
    """Lower-case words split on ``separators``, with "every day" read as "daily"."""
    plain = re.sub(r"\bevery\s*day\b", "daily", text.casefold())
    return [w for w in re.split(f"[{separators}]+", plain) if w and w != "and"]


def _days_of(word: str) -> frozenset[int] | None:
    """Days named by one word ("mon", "mondays", "weekdays", "mon-fri"); None if not days."""
    if "-" in word:
        first, _, last = word.partition("-")
        start, end = _days_of(first), _days_of(last)
        if start is None or end is None or len(start) != 1 or len(end) != 1:
            return None
        (a,), (b,) = start, end
        return frozenset((a + i) % 7 for i in range((b - a) % 7 + 1))
    return _DAY_NAMES.get(word.rstrip("s")) or _DAY_NAMES.get(word)


def _days_in(text: str) -> frozenset[int] | None:
    """All days named in the text, or None if any word is not a day."""
    days: set[int] = set()
    for word in _words(text, r"\s,/&+"):
        found = _days_of(word)
        if found is None:
            return None
        days |= found
    return frozenset(days) or None


def parse_days(text: str) -> frozenset[int]:
    """Training days, Monday = 0: "mon wed fri", "monday,wednesday", "weekdays", "daily"."""
    days = _days_in(text)
    if days is None:
        raise ScheduleError(DAYS_HINT)
    return days


def parse_clock(text: str) -> time:
    """A time of day: "18:00", "6pm", "6:30 pm", "0630"."""
    found = _CLOCK.fullmatch(text.strip().casefold())
    if found is None:
        raise ScheduleError(CLOCK_HINT)
    hour, minute, half = int(found[1]), int(found[2] or 0), found[3]
    if half is not None:
        if not 1 <= hour <= 12:
            raise ScheduleError(CLOCK_HINT)
        hour = hour % 12 + (12 if half == "p" else 0)
    if hour > 23 or minute > 59:
        raise ScheduleError(CLOCK_HINT)
    return time(hour, minute)


@cache
def _zone_index() -> dict[str, str]:
    """Lower-cased IANA names and city names (last part of a name) to IANA names."""
    index: dict[str, str] = {}
    for name in sorted(zoneinfo.available_timezones(), key=lambda n: (n.count("/"), n)):
        index.setdefault(name.casefold(), name)
        if "/" in name and not name.startswith("Etc/"):
            city = name.rsplit("/", 1)[1].replace("_", " ").casefold()
            index.setdefault(city, name)
    index.update(_CITY_ALIASES)
    return index


def parse_offset(text: str) -> timezone | None:
    """A fixed UTC offset: "UTC+2", "+05:30", "+0100", "GMT-3", "UTC+01:00:30", "Z", "utc".

    None for anything else, and for offsets no zone has (past 14 hours). The one reader
    of offsets: time zones typed by a lifter and the offsets in our CSV export.
    """
    plain = text.strip().casefold()
    if plain in _UTC_WORDS:
        return UTC
    found = _OFFSET.fullmatch(plain)
    if found is None:
        return None
    minutes, seconds = int(found[3] or 0), int(found[4] or 0)
    offset = timedelta(hours=int(found[2]), minutes=minutes, seconds=seconds)
    if offset > _MAX_OFFSET or minutes > 59 or seconds > 59:
        return None
    return timezone(-offset if found[1] == "-" else offset)


def offset_label(offset: timedelta) -> str:
    """ "UTC+01:00" (seconds too when there are any), which `parse_offset` reads back."""
    sign = "-" if offset < timedelta(0) else "+"
    hours, rest = divmod(abs(int(offset.total_seconds())), 3600)
    minutes, seconds = divmod(rest, 60)
    label = f"UTC{sign}{hours:02d}:{minutes:02d}"
    return f"{label}:{seconds:02d}" if seconds else label


def _offset_zone(text: str) -> timezone | None:
    """A fixed offset, None if the text isn't one; an offset no zone has is an error."""
    fixed = parse_offset(text)
    if fixed is None and _OFFSET.fullmatch(text):
        raise ScheduleError(ZONE_HINT)
    return fixed


def parse_zone(text: str) -> tzinfo:
    """An IANA zone (any case), a well-known city, or a UTC offset."""
    plain = " ".join(text.replace("_", " ").casefold().split())
    fixed = _offset_zone(plain)
    if fixed is not None:
        return fixed
    name = _zone_index().get(plain) or _zone_index().get(plain.replace(" ", "_"))
    if name is None:
        raise ScheduleError(ZONE_HINT)
    return zoneinfo.ZoneInfo(name)


def zone_name(zone: tzinfo) -> str:
    """A name ``parse_zone`` reads back to the same zone, for storage."""
    if isinstance(zone, zoneinfo.ZoneInfo) and zone.key:
        return zone.key
    if isinstance(zone, timezone):
        offset = zone.utcoffset(None)
        return offset_label(offset) if offset else "UTC"
    raise ScheduleError(ZONE_HINT)


def _require_aware(instant: datetime) -> None:
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise ValueError("Pass an aware datetime; naive times are ambiguous.")


def next_due(*, days: frozenset[int], at: time, zone: tzinfo, now: datetime) -> datetime:
    """The next reminder strictly after ``now``, as an aware UTC datetime."""
    _require_aware(now)
    if not days or not days <= frozenset(range(7)):
        raise ScheduleError(DAYS_HINT)
    if at.tzinfo is not None:
        raise ValueError("Pass the reminder time without a zone; the zone comes separately.")
    today = now.astimezone(zone).date()
    for ahead in range(8):
        day = today + timedelta(days=ahead)
        if day.weekday() in days:
            due = datetime.combine(day, at).replace(tzinfo=zone, fold=0).astimezone(UTC)
            if due > now:
                return due
    raise AssertionError("a training day falls within 8 days")  # pragma: no cover


@dataclass(frozen=True, slots=True)
class Occurrence:
    """A reminder instant that has come due, the lifter's day it belongs to, and whether
    it is still worth sending (a reminder hours late helps nobody)."""

    due: datetime
    day: date
    send: bool


def due_since(
    *,
    days: frozenset[int],
    at: time,
    zone: tzinfo,
    first: datetime,
    now: datetime,
    late_limit: timedelta,
) -> tuple[tuple[Occurrence, ...], datetime]:
    """Every reminder instant from ``first`` up to ``now``, and the next one after ``now``.

    A bot that was down sees what it missed: instants within ``late_limit`` of ``now``
    are still to be sent, older ones only recorded. Nothing older than a week is listed.
    Each local day appears at most once, whatever the daylight-saving arithmetic gave.
    """
    _require_aware(first)
    _require_aware(now)
    due = first
    if now - due > _CATCH_UP:
        due = next_due(days=days, at=at, zone=zone, now=now - _CATCH_UP)
    found: dict[date, Occurrence] = {}
    while due <= now:
        day = local_day(due, zone)
        found.setdefault(day, Occurrence(due, day, now - due <= late_limit))
        due = next_due(days=days, at=at, zone=zone, now=due)
    return tuple(found.values()), due


def days_from_mask(mask: int) -> frozenset[int]:
    """Stored training days (bit 0 = Monday ... bit 6 = Sunday) as weekday numbers."""
    return frozenset(day for day in range(7) if mask >> day & 1)


def mask_of(days: frozenset[int]) -> int:
    """Weekday numbers as the stored bit mask (the inverse of ``days_from_mask``)."""
    if not days <= frozenset(range(7)):
        raise ScheduleError(DAYS_HINT)
    return sum(1 << day for day in days)


def local_day(instant: datetime, zone: tzinfo) -> date:
    """The calendar day an instant falls on for the lifter, e.g. for "today's workout"."""
    _require_aware(instant)
    return instant.astimezone(zone).date()


def is_off(text: str) -> bool:
    """Does the lifter want reminders off ("off", "stop", "none")?"""
    return re.sub(r"[^\w]+", " ", text.casefold()).strip() in _OFF_WORDS


def parse_schedule(text: str) -> ScheduleSpec:
    """One line: days, then a time, then optionally a zone ("tue thu 7am Europe/Berlin")."""
    words = _words(text, r"\s,")
    count = 0
    while count < len(words) and _days_in(words[count]) is not None:
        count += 1
    if count == 0 or count == len(words):
        raise ScheduleError(SCHEDULE_HINT)
    rest = words[count:]
    if rest[0] == "at" and len(rest) > 1:
        rest = rest[1:]
    clock_words = 2 if len(rest) > 1 and re.fullmatch(r"[ap]\.?m\.?", rest[1]) else 1
    at = parse_clock(" ".join(rest[:clock_words]))
    zone_text = " ".join(rest[clock_words:])
    zone = parse_zone(zone_text) if zone_text else None
    return ScheduleSpec(days=parse_days(" ".join(words[:count])), at=at, zone=zone)
