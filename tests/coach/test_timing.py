from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.coach.timing import (
    WEEKDAYS,
    ScheduleError,
    ScheduleSpec,
    days_from_mask,
    due_since,
    is_off,
    local_day,
    mask_of,
    next_due,
    offset_label,
    parse_clock,
    parse_days,
    parse_offset,
    parse_schedule,
    parse_zone,
    zone_name,
)

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
ADELAIDE = ZoneInfo("Australia/Adelaide")
EVERY_DAY = frozenset(range(7))
MON, TUE, WED, THU, FRI, SAT, SUN = range(7)


def utc(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)


def test_weekdays_start_on_monday() -> None:
    assert WEEKDAYS[0] == "Monday" and WEEKDAYS[6] == "Sunday" and len(WEEKDAYS) == 7


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("mon wed fri", {MON, WED, FRI}),
        ("Monday,Wednesday", {MON, WED}),
        ("mondays and thursdays", {MON, THU}),
        ("tue/thu", {TUE, THU}),
        ("Tues Thurs", {TUE, THU}),
        ("weekdays", {MON, TUE, WED, THU, FRI}),
        ("weekend", {SAT, SUN}),
        ("daily", set(range(7))),
        ("every day", set(range(7))),
        ("Everyday", set(range(7))),
        ("mon-fri", {MON, TUE, WED, THU, FRI}),
        ("fri-mon", {FRI, SAT, SUN, MON}),
        ("sun", {SUN}),
    ],
)
def test_parse_days(text: str, days: set[int]) -> None:
    assert parse_days(text) == days


@pytest.mark.parametrize("text", ["", "  ", "someday", "mon funday", "mon-", "weekdays-fri"])
def test_parse_days_refuses(text: str) -> None:
    with pytest.raises(ScheduleError) as caught:
        parse_days(text)
    assert "mon wed fri" in caught.value.message


@pytest.mark.parametrize(
    ("text", "at"),
    [
        ("18:00", time(18, 0)),
        ("6pm", time(18, 0)),
        ("6 PM", time(18, 0)),
        ("6:30 pm", time(18, 30)),
        ("6.30pm", time(18, 30)),
        ("6 p.m.", time(18, 0)),
        ("7am", time(7, 0)),
        ("12am", time(0, 0)),
        ("12pm", time(12, 0)),
        ("0630", time(6, 30)),
        ("630pm", time(18, 30)),
        ("18h30", time(18, 30)),
        ("7", time(7, 0)),
        ("00:00", time(0, 0)),
        ("23:59", time(23, 59)),
    ],
)
def test_parse_clock(text: str, at: time) -> None:
    assert parse_clock(text) == at


@pytest.mark.parametrize(
    "text", ["", "24:00", "18:60", "13pm", "0am", "noonish", "6:3", "-1", "6m", "6p"]
)
def test_parse_clock_refuses(text: str) -> None:
    with pytest.raises(ScheduleError) as caught:
        parse_clock(text)
    assert "18:00" in caught.value.message


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Europe/Berlin", "Europe/Berlin"),
        ("europe/berlin", "Europe/Berlin"),
        ("Berlin", "Europe/Berlin"),
        ("new york", "America/New_York"),
        ("New_York", "America/New_York"),
        ("London", "Europe/London"),
        ("Tokyo", "Asia/Tokyo"),
        ("Sydney", "Australia/Sydney"),
        ("Adelaide", "Australia/Adelaide"),
        ("Kolkata", "Asia/Kolkata"),
        ("Mumbai", "Asia/Kolkata"),
        ("Delhi", "Asia/Kolkata"),
        ("San Francisco", "America/Los_Angeles"),
        ("Kathmandu", "Asia/Kathmandu"),
        ("EST", "America/New_York"),
        ("America/Argentina/Buenos_Aires", "America/Argentina/Buenos_Aires"),
    ],
)
def test_parse_zone_names_and_cities(text: str, name: str) -> None:
    assert parse_zone(text) == ZoneInfo(name)


@pytest.mark.parametrize(
    ("text", "offset"),
    [
        ("UTC+2", timedelta(hours=2)),
        ("utc +2", timedelta(hours=2)),
        ("+05:30", timedelta(hours=5, minutes=30)),
        ("+0545", timedelta(hours=5, minutes=45)),
        ("GMT-3", timedelta(hours=-3)),
        ("UTC-03:30", timedelta(hours=-3, minutes=-30)),
        ("utc", timedelta(0)),
        ("GMT", timedelta(0)),
    ],
)
def test_parse_zone_offsets(text: str, offset: timedelta) -> None:
    zone = parse_zone(text)
    assert isinstance(zone, timezone) and zone.utcoffset(None) == offset


@pytest.mark.parametrize("text", ["", "Mars", "Europe/Atlantis", "UTC+15", "+05:75", "../etc"])
def test_parse_zone_refuses(text: str) -> None:
    with pytest.raises(ScheduleError) as caught:
        parse_zone(text)
    assert "Europe/Berlin" in caught.value.message


@pytest.mark.parametrize(
    "zone",
    [
        BERLIN,
        ZoneInfo("Asia/Kathmandu"),
        UTC,
        timezone(timedelta(hours=5, minutes=30)),
        timezone(timedelta(hours=-3, minutes=-30)),
    ],
)
def test_zone_name_reads_back(zone: tzinfo) -> None:
    assert parse_zone(zone_name(zone)) == zone


def test_zone_name_refuses_zones_it_cannot_store() -> None:
    class Odd(tzinfo):
        def utcoffset(self, dt: datetime | None) -> timedelta:
            return timedelta(0)

        def dst(self, dt: datetime | None) -> timedelta:
            return timedelta(0)

        def tzname(self, dt: datetime | None) -> str:
            return "odd"

    with pytest.raises(ScheduleError):
        zone_name(Odd())


@pytest.mark.parametrize(
    ("zone", "days", "at", "now", "due"),
    [
        # Europe/Berlin: 2025-03-30 02:00 -> 03:00 (gap), 2025-10-26 03:00 -> 02:00 (repeat).
        (BERLIN, {SUN}, time(2, 30), utc(2025, 3, 29, 12), utc(2025, 3, 30, 1, 30)),
        (BERLIN, {SUN}, time(2, 30), utc(2025, 10, 25, 12), utc(2025, 10, 26, 0, 30)),
        (BERLIN, {MON}, time(18), utc(2025, 1, 5, 12), utc(2025, 1, 6, 17)),
        (BERLIN, {MON}, time(18), utc(2025, 7, 6, 12), utc(2025, 7, 7, 16)),
        (BERLIN, {SUN}, time(18), utc(2025, 3, 30, 0), utc(2025, 3, 30, 16)),
        # America/New_York: 2025-03-09 02:00 -> 03:00, 2025-11-02 02:00 -> 01:00.
        (NEW_YORK, {SUN}, time(2, 30), utc(2025, 3, 8, 12), utc(2025, 3, 9, 7, 30)),
        (NEW_YORK, {SUN}, time(1, 30), utc(2025, 11, 1, 12), utc(2025, 11, 2, 5, 30)),
        (NEW_YORK, {SAT}, time(6), utc(2025, 11, 1, 12), utc(2025, 11, 8, 11)),
        # Half- and quarter-hour zones.
        (ZoneInfo("Asia/Kolkata"), {MON}, time(18), utc(2025, 1, 6, 0), utc(2025, 1, 6, 12, 30)),
        (ZoneInfo("Asia/Kathmandu"), {MON}, time(6), utc(2025, 1, 5, 12), utc(2025, 1, 6, 0, 15)),
        (ADELAIDE, {MON}, time(18), utc(2025, 7, 6), utc(2025, 7, 7, 8, 30)),
        (ADELAIDE, {MON}, time(18), utc(2025, 1, 5), utc(2025, 1, 6, 7, 30)),
        # Adelaide springs forward 2025-10-05 02:00 -> 03:00: 02:30 fires at 03:30 ACDT.
        (ADELAIDE, {SUN}, time(2, 30), utc(2025, 10, 4), utc(2025, 10, 4, 17)),
        # Day boundaries and week wrap.
        (UTC, {MON}, time(18), utc(2025, 1, 6, 18), utc(2025, 1, 13, 18)),
        (UTC, {MON}, time(18), utc(2025, 1, 6, 17, 59, 59), utc(2025, 1, 6, 18)),
        (UTC, {MON}, time(7), utc(2025, 1, 5, 21), utc(2025, 1, 6, 7)),
        (UTC, {MON, FRI}, time(7), utc(2025, 1, 3, 8), utc(2025, 1, 6, 7)),
        (timezone(timedelta(hours=-3)), {MON}, time(22), utc(2025, 1, 7, 0), utc(2025, 1, 7, 1)),
        (BERLIN, {TUE}, time(0, 30), utc(2025, 1, 6, 23, 0), utc(2025, 1, 6, 23, 30)),
    ],
)
def test_next_due(zone: tzinfo, days: set[int], at: time, now: datetime, due: datetime) -> None:
    result = next_due(days=frozenset(days), at=at, zone=zone, now=now)
    assert result == due and result.tzinfo is UTC


def test_next_due_accepts_now_in_any_zone() -> None:
    now = datetime(2025, 1, 6, 18, 30, tzinfo=BERLIN)
    assert next_due(days=EVERY_DAY, at=time(19), zone=BERLIN, now=now) == utc(2025, 1, 6, 18)


@pytest.mark.parametrize(
    ("zone", "at", "start", "change_day"),
    [
        (BERLIN, time(2, 30), utc(2025, 10, 25), date(2025, 10, 26)),
        (NEW_YORK, time(1, 30), utc(2025, 11, 1), date(2025, 11, 2)),
        (BERLIN, time(2, 30), utc(2025, 3, 29), date(2025, 3, 30)),
        (NEW_YORK, time(2, 30), utc(2025, 3, 8), date(2025, 3, 9)),
    ],
)
def test_a_daily_reminder_fires_once_per_local_day_across_a_change(
    zone: ZoneInfo, at: time, start: datetime, change_day: date
) -> None:
    fired: list[datetime] = []
    now = start
    for _ in range(5):
        now = next_due(days=EVERY_DAY, at=at, zone=zone, now=now)
        fired.append(now)
    days = [local_day(instant, zone) for instant in fired]
    assert days == [change_day + timedelta(days=i) for i in range(-1, 4)]


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"days": frozenset()}, ScheduleError),
        ({"days": frozenset({7})}, ScheduleError),
        ({"now": datetime(2025, 1, 6, 12)}, ValueError),
        ({"at": time(18, tzinfo=UTC)}, ValueError),
    ],
)
def test_next_due_refuses_bad_input(kwargs: dict[str, object], error: type[Exception]) -> None:
    args: dict[str, object] = {"days": EVERY_DAY, "at": time(18), "zone": BERLIN}
    args["now"] = utc(2025, 1, 6)
    args.update(kwargs)
    with pytest.raises(error):
        next_due(**args)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("instant", "zone", "day"),
    [
        (utc(2025, 1, 6, 23, 30), BERLIN, date(2025, 1, 7)),
        (utc(2025, 1, 6, 3), NEW_YORK, date(2025, 1, 5)),
        (utc(2025, 1, 6, 18, 45), ZoneInfo("Asia/Kolkata"), date(2025, 1, 7)),
        (utc(2025, 1, 6, 12), UTC, date(2025, 1, 6)),
    ],
)
def test_local_day(instant: datetime, zone: tzinfo, day: date) -> None:
    assert local_day(instant, zone) == day


def test_local_day_refuses_naive_instants() -> None:
    with pytest.raises(ValueError):
        local_day(datetime(2025, 1, 6), BERLIN)


@pytest.mark.parametrize(
    ("text", "spec"),
    [
        (
            "mon wed fri 18:00 Europe/Berlin",
            ScheduleSpec(frozenset({MON, WED, FRI}), time(18), BERLIN),
        ),
        ("tue thu 7am", ScheduleSpec(frozenset({TUE, THU}), time(7), None)),
        (
            "weekdays at 6:30 pm New York",
            ScheduleSpec(frozenset(range(5)), time(18, 30), NEW_YORK),
        ),
        (
            "every day 7 am UTC+2",
            ScheduleSpec(EVERY_DAY, time(7), timezone(timedelta(hours=2))),
        ),
        ("Mon, Thu 0630", ScheduleSpec(frozenset({MON, THU}), time(6, 30), None)),
        ("mon/wed 6pm berlin", ScheduleSpec(frozenset({MON, WED}), time(18), BERLIN)),
    ],
)
def test_parse_schedule(text: str, spec: ScheduleSpec) -> None:
    assert parse_schedule(text) == spec


@pytest.mark.parametrize(
    "text", ["", "mon", "18:00", "mon 25:00", "mon 18:00 Mars", "someday 18:00", "18:00 mon"]
)
def test_parse_schedule_refuses(text: str) -> None:
    with pytest.raises(ScheduleError):
        parse_schedule(text)


@pytest.mark.parametrize(
    ("text", "off"),
    [
        ("off", True),
        ("OFF", True),
        ("stop", True),
        ("none", True),
        ("Off!", True),
        (" never ", True),
        ("mon 18:00", False),
        ("", False),
        ("offset", False),
        ("turn it off please", False),
    ],
)
def test_is_off(text: str, off: bool) -> None:
    assert is_off(text) is off


@given(st.text(max_size=200))
def test_schedule_parsers_return_a_value_or_a_schedule_error(text: str) -> None:
    for parse in (parse_days, parse_clock, parse_zone, parse_schedule):
        try:
            parse(text)
        except ScheduleError as error:
            assert error.message


@given(
    days=st.frozensets(st.integers(0, 6), min_size=1),
    at=st.times(),
    zone=st.sampled_from([BERLIN, NEW_YORK, ADELAIDE, ZoneInfo("Asia/Kathmandu"), UTC]),
    now=st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2035, 1, 1)),
)
def test_next_due_is_the_next_training_day_at_the_wall_time(
    days: frozenset[int], at: time, zone: tzinfo, now: datetime
) -> None:
    now = now.replace(tzinfo=UTC)
    due = next_due(days=days, at=at, zone=zone, now=now)
    local = due.astimezone(zone)
    assert now < due <= now + timedelta(days=8)
    assert local.weekday() in days
    wall = datetime.combine(local.date(), at)
    exists = wall.replace(tzinfo=zone).astimezone(UTC).astimezone(zone).replace(tzinfo=None)
    if exists == wall:
        assert local.replace(tzinfo=None) == wall
    earlier = next_due(days=days, at=at, zone=zone, now=due - timedelta(microseconds=1))
    assert earlier == due


TWO_HOURS = timedelta(hours=2)


@pytest.mark.parametrize(
    ("zone", "at", "first", "now", "sent_day", "following"),
    [
        # Berlin falls back 2025-10-26: 02:30 happens twice; the day gets one reminder.
        (BERLIN, time(2, 30), utc(2025, 10, 26, 0, 30), utc(2025, 10, 26, 1, 45), 26, 27),
        # New York falls back 2025-11-02: 01:30 happens twice.
        (NEW_YORK, time(1, 30), utc(2025, 11, 2, 5, 30), utc(2025, 11, 2, 6, 45), 2, 3),
        # Berlin springs forward 2025-03-30: 02:30 does not exist and fires at 03:30.
        (BERLIN, time(2, 30), utc(2025, 3, 30, 1, 30), utc(2025, 3, 30, 2), 30, 31),
    ],
)
def test_due_since_gives_one_occurrence_per_local_day_across_a_change(
    zone: ZoneInfo, at: time, first: datetime, now: datetime, sent_day: int, following: int
) -> None:
    found, due = due_since(
        days=EVERY_DAY, at=at, zone=zone, first=first, now=now, late_limit=TWO_HOURS
    )
    assert [(o.day.day, o.send) for o in found] == [(sent_day, True)]
    assert local_day(due, zone).day == following and due > now


def test_due_since_sends_late_within_the_limit_and_records_older_ones_as_skipped() -> None:
    # Mon/Wed/Fri 18:00 UTC; down from Monday's reminder until Wednesday 19:30.
    found, due = due_since(
        days=frozenset({MON, WED, FRI}),
        at=time(18),
        zone=UTC,
        first=utc(2025, 1, 6, 18),
        now=utc(2025, 1, 8, 19, 30),
        late_limit=TWO_HOURS,
    )
    assert [(o.day, o.send) for o in found] == [(date(2025, 1, 6), False), (date(2025, 1, 8), True)]
    assert due == utc(2025, 1, 10, 18)


def test_due_since_forgets_what_is_older_than_a_week() -> None:
    found, due = due_since(
        days=EVERY_DAY,
        at=time(7),
        zone=UTC,
        first=utc(2025, 1, 1, 7),
        now=utc(2025, 3, 1, 8),
        late_limit=TWO_HOURS,
    )
    assert [o.day for o in found] == [date(2025, 2, d) for d in range(23, 29)] + [date(2025, 3, 1)]
    assert [o.send for o in found] == [False] * 6 + [True]
    assert due == utc(2025, 3, 2, 7)


def test_due_since_before_the_first_instant_gives_nothing() -> None:
    first = utc(2025, 1, 6, 18)
    found, due = due_since(
        days=EVERY_DAY,
        at=time(18),
        zone=UTC,
        first=first,
        now=first - timedelta(seconds=1),
        late_limit=TWO_HOURS,
    )
    assert found == () and due == first


def test_day_masks_round_trip() -> None:
    for mask in range(128):
        assert mask_of(days_from_mask(mask)) == mask
    assert days_from_mask(0b1010101) == frozenset({MON, WED, FRI, SUN})
    with pytest.raises(ScheduleError):
        mask_of(frozenset({7}))


@pytest.mark.parametrize(
    ("text", "minutes"),
    [
        ("UTC+01:00", 60),
        ("+0100", 60),
        ("GMT-3", -180),
        ("utc+5:30", 330),
        ("Z", 0),
        ("UTC", 0),
        ("UTC+01:00:30", 60.5),
    ],
)
def test_one_reader_of_utc_offsets_reads_every_style(text: str, minutes: float) -> None:
    zone = parse_offset(text)
    assert zone is not None
    offset = zone.utcoffset(None)
    assert offset == timedelta(minutes=minutes)
    assert parse_offset(offset_label(offset)) == zone


@pytest.mark.parametrize("text", ["UTC+15", "+01:60", "Berlin", "", "UTC+1x"])
def test_what_is_no_offset_reads_as_none(text: str) -> None:
    assert parse_offset(text) is None
