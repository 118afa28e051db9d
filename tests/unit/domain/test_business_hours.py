"""Business hours: known answers worked out by hand, DST edge cases, and properties."""

from __future__ import annotations

import dataclasses
import functools
import time as clock
from datetime import UTC, date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from webcare.domain.business_hours import END_OF_DAY, BusinessHours, OpeningSpan
from webcare.domain.errors import ValidationError

AMSTERDAM = "Europe/Amsterdam"
H = 3600
MIN = 60
DAY = 86_400

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri")
WEEKEND = ("sat", "sun")


def local(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> float:
    """Epoch seconds of an Amsterdam wall-clock time."""
    return datetime(year, month, day, hour, minute, tzinfo=ZoneInfo(AMSTERDAM)).timestamp()


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> float:
    return datetime(year, month, day, hour, minute, tzinfo=UTC).timestamp()


def hours(
    weekdays: list[list[str]] | None = None,
    weekend: list[list[str]] | None = None,
    *,
    holidays: tuple[str, ...] = (),
    tz: str = AMSTERDAM,
) -> BusinessHours:
    weekly = {day: weekdays or [] for day in WEEKDAYS} | {day: weekend or [] for day in WEEKEND}
    return BusinessHours.from_dict({"timezone": tz, "weekly": weekly, "holidays": list(holidays)})


# The team of the brief: Mon-Fri 08:00-22:00, Sat-Sun 10:00-18:00, Amsterdam.
TEAM = hours([["08:00", "22:00"]], [["10:00", "18:00"]])
WEEKEND_CLOSED = hours([["08:00", "22:00"]])
ALL_DAY = [["00:00", "24:00"]]


# --- known answers --------------------------------------------------------------------------------


def test_friday_evening_to_monday_morning() -> None:
    # Fri 2026-01-09 21:55 -> Mon 2026-01-12 08:10 (CET all the way):
    # 5 min (Fri 21:55-22:00) + 8 h (Sat) + 8 h (Sun) + 10 min (Mon 08:00-08:10)
    # = 16 h 15 min = 16*3600 + 15*60 = 58500 s
    mention, answer = local(2026, 1, 9, 21, 55), local(2026, 1, 12, 8, 10)
    assert TEAM.business_seconds(mention, answer) == 58_500
    assert TEAM.add_business_seconds(mention, 58_500) == answer


def test_weekend_closed_leaves_only_the_weekday_minutes() -> None:
    # 5 min on Friday + 10 min on Monday = 15 min = 900 s
    mention, answer = local(2026, 1, 9, 21, 55), local(2026, 1, 12, 8, 10)
    assert WEEKEND_CLOSED.business_seconds(mention, answer) == 900
    # A 15-minute SLA from Friday 21:55 ends on Monday 08:10.
    assert WEEKEND_CLOSED.add_business_seconds(mention, 900) == answer


def test_a_monday_holiday_moves_the_monday_part_to_tuesday() -> None:
    team = dataclasses.replace(TEAM, holidays=frozenset({date(2026, 1, 12)}))
    mention = local(2026, 1, 9, 21, 55)
    # Monday 08:00-08:10 no longer counts: 5 min + 8 h + 8 h = 57900 s
    assert team.business_seconds(mention, local(2026, 1, 12, 8, 10)) == 57_900
    # ... so the same 16 h 15 min are reached on Tuesday 08:10 instead.
    assert team.business_seconds(mention, local(2026, 1, 13, 8, 10)) == 58_500
    assert team.add_business_seconds(mention, 58_500) == local(2026, 1, 13, 8, 10)
    assert not team.is_open(local(2026, 1, 12, 12, 0))
    assert team.next_open(local(2026, 1, 12, 12, 0)) == local(2026, 1, 13, 8, 0)


def test_the_spring_forward_weekend_does_not_touch_daytime_spans() -> None:
    # Fri 2026-03-27 21:55 CET -> Mon 2026-03-30 08:10 CEST: the clocks jump at Sunday 02:00,
    # outside every span, so it is the same 5 min + 8 h + 8 h + 10 min = 58500 s,
    # although only 58 h 15 min - 1 h of calendar time passed.
    mention, answer = local(2026, 3, 27, 21, 55), local(2026, 3, 30, 8, 10)
    assert answer - mention == 58 * H + 15 * MIN - H
    assert TEAM.business_seconds(mention, answer) == 58_500
    assert TEAM.add_business_seconds(mention, 58_500) == answer


def test_counting_starts_when_the_team_opens() -> None:
    # Friday 22:30 is after hours; 10 minutes of SLA run Saturday 10:00-10:10.
    late = local(2026, 1, 9, 22, 30)
    assert not TEAM.is_open(late)
    assert TEAM.add_business_seconds(late, 10 * MIN) == local(2026, 1, 10, 10, 10)
    assert TEAM.next_open(late) == local(2026, 1, 10, 10, 0)


def test_zero_seconds_is_the_start_itself() -> None:
    closed, open_ = local(2026, 1, 9, 23, 0), local(2026, 1, 9, 12, 0)
    assert TEAM.add_business_seconds(closed, 0) == closed
    assert TEAM.add_business_seconds(open_, 0) == open_


def test_a_deadline_ends_where_the_open_time_runs_out_not_after_the_closed_gap() -> None:
    # From Friday 21:00, one hour of business time is used up at Friday 22:00 (closing time),
    # not at the next opening on Saturday.
    start = local(2026, 1, 9, 21, 0)
    assert TEAM.add_business_seconds(start, H) == local(2026, 1, 9, 22, 0)


def test_four_weeks_across_dst_and_easter_monday() -> None:
    # Mon 2026-03-16 00:00 -> Mon 2026-04-13 00:00 is exactly four local weeks (one DST change).
    # A week is 5 * 14 h + 2 * 8 h = 86 h; four weeks: 344 h = 1_238_400 s.
    start, end = local(2026, 3, 16, 0, 0), local(2026, 4, 13, 0, 0)
    assert TEAM.business_seconds(start, end) == 344 * H
    # Easter Monday (2026-04-06) closed takes one weekday of 14 h: 330 h.
    easter = dataclasses.replace(TEAM, holidays=frozenset({date(2026, 4, 6)}))
    assert easter.business_seconds(start, end) == 330 * H


def test_empty_and_reversed_ranges_are_zero() -> None:
    t = local(2026, 1, 9, 12, 0)
    assert TEAM.business_seconds(t, t) == 0
    assert TEAM.business_seconds(t, t - H) == 0


def test_an_opening_across_midnight_is_two_spans() -> None:
    # Friday 22:00-24:00 and Saturday 00:00-02:00: open without a break over midnight.
    night = BusinessHours.from_dict(
        {
            "timezone": AMSTERDAM,
            "weekly": {"fri": [["22:00", "24:00"]], "sat": [["00:00", "02:00"]]},
        }
    )
    friday_23, saturday_01 = local(2026, 1, 9, 23, 0), local(2026, 1, 10, 1, 0)
    assert night.business_seconds(friday_23, saturday_01) == 2 * H
    assert night.add_business_seconds(local(2026, 1, 9, 23, 30), H) == local(2026, 1, 10, 0, 30)
    midnight = local(2026, 1, 10, 0, 0)
    assert night.is_open(midnight - 0.001) and night.is_open(midnight)
    assert not night.is_open(local(2026, 1, 10, 2, 0))


def test_24_00_means_up_to_midnight() -> None:
    late = BusinessHours.from_dict({"timezone": AMSTERDAM, "weekly": {"fri": [["22:00", "24:00"]]}})
    saturday = local(2026, 1, 10, 0, 0)
    assert late.weekly[4] == (OpeningSpan(time(22, 0), END_OF_DAY),)
    assert late.is_open(saturday - 0.000_001)
    assert not late.is_open(saturday)
    # Friday 22:00 -> Saturday 03:00: only the 2 h until midnight count.
    assert late.business_seconds(local(2026, 1, 9, 22, 0), local(2026, 1, 10, 3, 0)) == 2 * H
    assert late.to_dict()["weekly"]["fri"] == [["22:00", "24:00"]]


# --- daylight saving time -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "around_the_clock",
    [
        # 24/7 in Amsterdam: the shortcut for schedules that are always open.
        BusinessHours(AMSTERDAM, ((OpeningSpan(time(0), END_OF_DAY),),) * 7),
        # Not open every day (weekends only): takes the general path, not the 24/7 shortcut.
        hours(weekend=ALL_DAY),
        # 24/7 but with a holiday far away: also the general path.
        hours(ALL_DAY, ALL_DAY, holidays=("2030-01-01",)),
    ],
)
def test_a_day_across_a_dst_change_counts_real_seconds(around_the_clock: BusinessHours) -> None:
    # Spring forward: Sat 2026-03-28 12:00 CET (11:00 UTC) -> Sun 2026-03-29 12:00 CEST
    # (10:00 UTC) is 23 h = 82800 s.
    spring = local(2026, 3, 28, 12, 0), local(2026, 3, 29, 12, 0)
    assert around_the_clock.business_seconds(*spring) == 23 * H == 82_800
    assert around_the_clock.add_business_seconds(spring[0], 23 * H) == spring[1]
    # Fall back: Sat 2026-10-24 12:00 CEST (10:00 UTC) -> Sun 2026-10-25 12:00 CET (11:00 UTC)
    # is 25 h = 90000 s.
    autumn = local(2026, 10, 24, 12, 0), local(2026, 10, 25, 12, 0)
    assert around_the_clock.business_seconds(*autumn) == 25 * H == 90_000
    assert around_the_clock.add_business_seconds(autumn[0], 25 * H) == autumn[1]


NIGHT_SHIFT = hours([["02:30", "05:00"]], [["02:30", "05:00"]])


def test_a_span_in_the_skipped_hour_is_shorter_that_night() -> None:
    # Sun 2026-03-29: 02:00 CET jumps to 03:00 CEST (01:00 UTC). Local 02:30-03:00 does not
    # exist, so the span 02:30-05:00 is open 03:00-05:00 CEST = 01:00-03:00 UTC: 2 h.
    day = utc(2026, 3, 28, 23, 0), utc(2026, 3, 29, 22, 0)  # the local day, 23 h long
    assert NIGHT_SHIFT.business_seconds(*day) == 2 * H
    before = utc(2026, 3, 29, 0, 30)  # 01:30 CET
    assert not NIGHT_SHIFT.is_open(before)
    assert NIGHT_SHIFT.next_open(before) == utc(2026, 3, 29, 1, 0)  # 03:00 CEST
    assert NIGHT_SHIFT.is_open(utc(2026, 3, 29, 1, 0))


def test_a_span_in_the_repeated_hour_counts_both_passes() -> None:
    # Sun 2026-10-25: 03:00 CEST (01:00 UTC) goes back to 02:00 CET. The span 02:30-05:00 is open
    # 02:30-03:00 CEST (00:30-01:00 UTC, 30 min), closed 02:00-02:30 CET (01:00-01:30 UTC),
    # and open 02:30-05:00 CET (01:30-04:00 UTC, 2 h 30 min): 3 h in all.
    day = utc(2026, 10, 24, 22, 0), utc(2026, 10, 25, 23, 0)  # the local day, 25 h long
    assert NIGHT_SHIFT.business_seconds(*day) == 3 * H
    assert NIGHT_SHIFT.is_open(utc(2026, 10, 25, 0, 45))  # 02:45 CEST
    assert not NIGHT_SHIFT.is_open(utc(2026, 10, 25, 1, 15))  # 02:15 CET
    assert NIGHT_SHIFT.next_open(utc(2026, 10, 25, 1, 15)) == utc(2026, 10, 25, 1, 30)
    # 45 minutes from 02:45 CEST: 15 min until the clocks go back, 30 min from 02:30 CET.
    assert NIGHT_SHIFT.add_business_seconds(utc(2026, 10, 25, 0, 45), 45 * MIN) == utc(
        2026, 10, 25, 2, 0
    )


def test_a_holiday_is_the_whole_local_date() -> None:
    # 2026-10-25 is 25 h long in Amsterdam; closing it removes all 25 h of a 24/7 schedule.
    closed_sunday = hours(ALL_DAY, ALL_DAY, holidays=("2026-10-25",))
    saturday, monday = local(2026, 10, 24, 0, 0), local(2026, 10, 26, 0, 0)
    assert monday - saturday == 49 * H
    assert closed_sunday.business_seconds(saturday, monday) == 24 * H
    assert not closed_sunday.is_open(utc(2026, 10, 25, 1, 30))  # the second 02:30
    assert closed_sunday.next_open(local(2026, 10, 25, 9, 0)) == monday


# --- always open, never open ----------------------------------------------------------------------


@given(
    st.floats(-1e10, 1e10),
    st.floats(-1e10, 1e10),
    st.floats(0, 1e9),
)
def test_always_open_is_calendar_time(a: float, b: float, amount: float) -> None:
    always = BusinessHours.always_open()
    assert always.business_seconds(a, b) == max(0.0, b - a)
    assert always.add_business_seconds(a, amount) == a + amount
    assert always.is_open(a) and always.next_open(a) == a


def test_never_open() -> None:
    closed = hours()
    t = local(2026, 1, 9, 12, 0)
    assert not closed.is_open(t)
    assert closed.next_open(t) is None
    assert closed.business_seconds(t, t + 30 * DAY) == 0
    assert closed.add_business_seconds(t, 0) == t
    with pytest.raises(ValidationError, match="never open"):
        closed.add_business_seconds(t, 1)


def test_bad_amounts_and_times_are_refused() -> None:
    t = local(2026, 1, 9, 12, 0)
    with pytest.raises(ValidationError, match="negative"):
        TEAM.add_business_seconds(t, -1)
    with pytest.raises(ValidationError, match="finite"):
        TEAM.business_seconds(t, float("inf"))
    with pytest.raises(ValidationError, match="finite"):
        TEAM.is_open(float("nan"))


# --- the JSON form --------------------------------------------------------------------------------


def test_from_dict_and_to_dict_round_trip() -> None:
    data = {
        "timezone": AMSTERDAM,
        "weekly": {
            "mon": [["13:00", "22:00"], ["08:00", "12:00"]],  # any order in
            "sat": [["10:00", "18:00:30"]],
            "sun": [["00:00", "24:00"]],
        },
        "holidays": ["2026-12-26", "2026-12-25"],
    }
    parsed = BusinessHours.from_dict(data)
    assert parsed.weekly[0] == (
        OpeningSpan(time(8, 0), time(12, 0)),
        OpeningSpan(time(13, 0), time(22, 0)),
    )
    assert parsed.weekly[1:5] == ((), (), (), ())  # missing weekdays are closed
    assert parsed.weekly[6] == (OpeningSpan(time(0, 0), END_OF_DAY),)
    assert parsed.to_dict() == {
        "timezone": AMSTERDAM,
        "weekly": {
            "mon": [["08:00", "12:00"], ["13:00", "22:00"]],
            "tue": [],
            "wed": [],
            "thu": [],
            "fri": [],
            "sat": [["10:00", "18:00:30"]],
            "sun": [["00:00", "24:00"]],
        },
        "holidays": ["2026-12-25", "2026-12-26"],
    }
    assert BusinessHours.from_dict(parsed.to_dict()) == parsed
    assert BusinessHours.from_dict(TEAM.to_dict()) == TEAM
    always = BusinessHours.always_open()
    assert BusinessHours.from_dict(always.to_dict()) == always
    assert always.to_dict()["weekly"]["wed"] == [["00:00", "24:00"]]


def test_touching_spans_are_allowed() -> None:
    split = hours([["08:00", "12:00"], ["12:00", "17:00"]])
    assert split.business_seconds(local(2026, 1, 12, 0, 0), local(2026, 1, 13, 0, 0)) == 9 * H


def _schedule(**changes: Any) -> dict[str, Any]:
    return {"timezone": AMSTERDAM, "weekly": {"mon": [["08:00", "22:00"]]}} | changes


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (_schedule(timezone="Mars/Olympus_Mons"), '"Mars/Olympus_Mons" is not a known time zone'),
        (_schedule(timezone="Europe"), '"Europe" is not a known time zone'),
        (_schedule(timezone="../etc/passwd"), "not a known time zone"),
        (_schedule(timezone="europe/amsterdam"), "not a known time zone"),
        (_schedule(timezone=""), "need a time zone"),
        (_schedule(timezone=None), "need a time zone"),
        (_schedule(weekly={"mon": [["8h", "22:00"]]}), 'Monday: "8h" is not a time of day'),
        (_schedule(weekly={"tue": [["08:00", "25:00"]]}), 'Tuesday: "25:00" is not a time'),
        (_schedule(weekly={"mon": [["08:60", "22:00"]]}), '"08:60" is not a time of day'),
        (_schedule(weekly={"mon": [["08:00", "24:30"]]}), '"24:30" is not a time of day'),
        (_schedule(weekly={"mon": [["08:00", 22]]}), '"22" is not a time of day'),
        (_schedule(weekly={"wed": [["10:00", "09:00"]]}), "Wednesday: an opening span must end"),
        (_schedule(weekly={"mon": [["10:00", "10:00"]]}), r"must end after it starts \(10:00"),
        (_schedule(weekly={"mon": [["24:00", "24:00"]]}), "must end after it starts"),
        (
            _schedule(weekly={"fri": [["08:00", "12:00"], ["11:00", "14:00"]]}),
            "Friday: 08:00–12:00 overlaps 11:00–14:00",
        ),
        (_schedule(weekly={"monday": []}), '"monday" is not a weekday; use mon, tue'),
        (_schedule(weekly={"mon": ["08:00", "22:00"]}), "must be a list of pairs"),
        (_schedule(weekly={"mon": "08:00-22:00"}), "must be a list of pairs"),
        (_schedule(weekly=[["08:00", "22:00"]]), "need weekly opening hours"),
        ({"timezone": AMSTERDAM}, "need weekly opening hours"),
        (_schedule(holidays=["2026-02-30"]), 'Holiday "2026-02-30" is not a date'),
        (_schedule(holidays=["25-12-2026"]), 'Holiday "25-12-2026" is not a date'),
        (_schedule(holidays=[20261225]), 'Holiday "20261225" is not a date'),
        (_schedule(holidays="2026-12-25"), "Holidays must be a list"),
        (_schedule(holiday=["2026-12-25"]), "Unknown business hours field holiday"),
    ],
)
def test_from_dict_explains_what_is_wrong(data: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        BusinessHours.from_dict(data)


def test_the_records_check_themselves() -> None:
    with pytest.raises(ValidationError, match="must end after it starts"):
        OpeningSpan(time(10), time(9))
    with pytest.raises(ValidationError, match="whole seconds"):
        OpeningSpan(time(8, 0, 0, 500), time(9))
    with pytest.raises(ValidationError, match="leave the time zone out"):
        OpeningSpan(time(8, tzinfo=UTC), time(9))
    with pytest.raises(ValidationError, match="one entry per weekday"):
        BusinessHours(AMSTERDAM, ((),) * 6)
    nine_to_five = (OpeningSpan(time(9), time(17)),)
    with pytest.raises(ValidationError, match="not a known time zone"):
        BusinessHours("Nowhere/Town", (nine_to_five,) * 7)
    unsorted = (OpeningSpan(time(13), time(17)), OpeningSpan(time(9), time(12)))
    with pytest.raises(ValidationError, match="in order"):
        BusinessHours(AMSTERDAM, (unsorted,) + ((),) * 6)
    overlapping = (*nine_to_five, OpeningSpan(time(12), time(18)))
    with pytest.raises(ValidationError, match="Monday: 09:00–17:00 overlaps 12:00–18:00"):
        BusinessHours(AMSTERDAM, (overlapping,) + ((),) * 6)
    with pytest.raises(ValidationError, match="must be a date"):
        BusinessHours(AMSTERDAM, ((),) * 7, frozenset({datetime(2026, 12, 25, tzinfo=UTC)}))


# --- speed ----------------------------------------------------------------------------------------


def test_a_400_day_range_is_fast() -> None:
    team = dataclasses.replace(TEAM, holidays=frozenset({date(2026, 4, 6), date(2026, 12, 25)}))
    start = local(2026, 1, 1, 0, 0)  # a Thursday
    best = float("inf")
    for _ in range(5):
        began = clock.perf_counter()
        seconds = team.business_seconds(start, start + 400 * DAY)
        best = min(best, clock.perf_counter() - began)
    # 400 days = 57 weeks + 1 day (a Thursday, 14 h); a week is 86 h; two 14-h weekday holidays:
    # 57 * 86 h + 14 h - 2 * 14 h = 4888 h = 17_596_800 s
    assert seconds == 4888 * H
    assert best < 0.050


# --- properties -----------------------------------------------------------------------------------

ZONES = ("Europe/Amsterdam", "America/New_York", "Australia/Lord_Howe", "Asia/Kolkata", "UTC")
FROM, UNTIL = utc(2026, 1, 1), utc(2028, 1, 1)


@functools.cache
def _offset_changes() -> tuple[float, ...]:
    """The hours in 2026-2027 in which one of ZONES changes its offset (to aim starts at)."""
    found = []
    for name in ZONES:
        zone = ZoneInfo(name)
        previous = None
        for hour in range(int(FROM), int(UNTIL), H):
            offset = datetime.fromtimestamp(hour, zone).utcoffset()
            if previous is not None and offset != previous:
                found.append(float(hour))
            previous = offset
    return tuple(found)


@st.composite
def schedules(draw: st.DrawFn) -> BusinessHours:
    """A random week of up to two spans a day on quarter hours, in a zone with or without DST."""
    weekly = []
    for _ in range(7):
        marks = sorted(draw(st.lists(st.integers(0, 96), max_size=4, unique=True)))
        times = [END_OF_DAY if m == 96 else time(m // 4, m % 4 * 15) for m in marks]
        weekly.append(
            tuple(OpeningSpan(a, b) for a, b in zip(times[::2], times[1::2], strict=False))
        )
    holidays = draw(st.frozensets(st.dates(date(2026, 1, 1), date(2028, 2, 1)), max_size=8))
    return BusinessHours(draw(st.sampled_from(ZONES)), tuple(weekly), holidays)


def _near_changes() -> st.SearchStrategy[float]:
    return st.sampled_from(_offset_changes()).flatmap(
        lambda hour: st.floats(hour - 2 * DAY, hour + 2 * DAY)
    )


instants = st.one_of(
    st.floats(FROM, UNTIL),
    st.integers(int(FROM) // MIN, int(UNTIL) // MIN).map(lambda m: float(m * MIN)),
    _near_changes(),
)
amounts = st.one_of(
    st.just(0.0),
    st.integers(1, 40 * DAY).map(float),
    st.floats(0.001, 40 * DAY),
)


def _ever_open(schedule: BusinessHours) -> bool:
    return any(schedule.weekly)


@given(schedules(), instants, amounts)
def test_a_deadline_is_exactly_the_business_time_asked_for(
    schedule: BusinessHours, start: float, amount: float
) -> None:
    assume(_ever_open(schedule))
    deadline = schedule.add_business_seconds(start, amount)
    assert deadline >= start
    assert schedule.business_seconds(start, deadline) == pytest.approx(amount, abs=1e-6)
    if amount > 0:
        # It is the earliest such instant: open time runs right up to it, so it is open
        # itself or the end of an open stretch.
        just_before = deadline - 0.0005
        assert schedule.business_seconds(just_before, deadline) > 0
        assert schedule.is_open(deadline) or schedule.is_open(just_before)


@given(schedules(), instants, instants, instants)
def test_business_time_adds_up_over_consecutive_ranges(
    schedule: BusinessHours, a: float, b: float, c: float
) -> None:
    a, b, c = sorted((a, b, c))
    whole = schedule.business_seconds(a, c)
    parts = schedule.business_seconds(a, b) + schedule.business_seconds(b, c)
    assert whole == pytest.approx(parts, abs=1e-6)
    assert 0 <= whole <= c - a


@settings(deadline=None)
@given(
    schedules(),
    st.one_of(
        st.integers(int(FROM) // MIN, int(UNTIL) // MIN),
        _near_changes().map(lambda t: int(t) // MIN),
    ),
    st.integers(0, 2 * 24 * 60),
)
def test_business_seconds_counts_the_minutes_is_open_says_are_open(
    schedule: BusinessHours, first_minute: int, minutes: int
) -> None:
    # Spans are on quarter hours and these zones change offset on whole minutes, so whether an
    # instant is open is the same for a whole minute: count them one by one.
    start = first_minute * MIN
    expected = sum(MIN for m in range(minutes) if schedule.is_open(start + m * MIN))
    assert schedule.business_seconds(start, start + minutes * MIN) == expected


@given(schedules(), instants)
def test_next_open_is_the_first_open_instant(schedule: BusinessHours, ts: float) -> None:
    opens = schedule.next_open(ts)
    if not _ever_open(schedule):
        assert opens is None
        return
    assert opens is not None
    assert opens >= ts
    assert schedule.is_open(opens)
    assert schedule.business_seconds(ts, opens) == 0


@given(instants, instants)
def test_24_7_in_a_dst_zone_is_calendar_time_on_the_general_path(a: float, b: float) -> None:
    # A holiday long after the range keeps the 24/7 shortcut out of the way.
    schedule = hours(ALL_DAY, ALL_DAY, holidays=("2040-01-01",))
    assert schedule.business_seconds(a, b) == pytest.approx(max(0.0, b - a), abs=1e-6)
