"""The snooze presets in the team's time zone and hours, across DST, and the wake-time rule."""

from __future__ import annotations

import math
from datetime import UTC, date, datetime, time

import pytest

from webcare.domain.business_hours import BusinessHours
from webcare.domain.snooze import (
    MAX_SNOOZE_S,
    in_one_hour,
    next_business_day,
    on_date,
    problem,
    tomorrow_at,
)

WEEKDAYS = {"mon": [["08:00", "17:30"]], "tue": [["08:00", "17:30"]],
            "wed": [["08:00", "17:30"]], "thu": [["08:00", "17:30"]],
            "fri": [["08:00", "17:30"]]}  # fmt: skip


def hours(zone: str = "Europe/Amsterdam", **extra: object) -> BusinessHours:
    return BusinessHours.from_dict({"timezone": zone, "weekly": WEEKDAYS, **extra})


def utc(year: int, month: int, day: int, hour: int, minute: int) -> float:
    return datetime(year, month, day, hour, minute, tzinfo=UTC).timestamp()


def test_an_hour_is_an_hour_of_real_time_across_the_spring_change() -> None:
    before = utc(2026, 3, 29, 0, 30)  # 01:30 CET; at 02:00 the clocks jump to 03:00
    assert in_one_hour(before) - before == 3600


def test_tomorrow_is_the_teams_tomorrow_at_nine_whatever_the_utc_date() -> None:
    late = utc(2026, 6, 1, 23, 30)  # already 2 June 01:30 in Amsterdam
    assert tomorrow_at(late, hours()) == utc(2026, 6, 3, 7, 0)  # 3 June 09:00 CEST
    assert tomorrow_at(late, hours("UTC")) == utc(2026, 6, 2, 9, 0)
    # New York: still 1 June there
    assert tomorrow_at(late, hours("America/New_York")) == utc(2026, 6, 2, 13, 0)


def test_tomorrow_nine_is_on_the_wall_clock_after_a_dst_change() -> None:
    saturday = utc(2026, 3, 28, 21, 30)  # 22:30 CET, the night the clocks go forward
    assert tomorrow_at(saturday, hours()) == utc(2026, 3, 29, 7, 0)  # 09:00 CEST
    autumn = utc(2026, 10, 24, 20, 0)  # 22:00 CEST; back to CET that night
    assert tomorrow_at(autumn, hours()) == utc(2026, 10, 25, 8, 0)  # 09:00 CET
    # a weekend or a holiday does not matter for "tomorrow"
    assert tomorrow_at(autumn, hours(holidays=["2026-10-25"])) == utc(2026, 10, 25, 8, 0)


def test_next_business_day_is_the_next_opening_after_today() -> None:
    friday = utc(2026, 10, 23, 13, 0)  # Friday 15:00 CEST, while open
    # Monday 08:00 — in CET, since the clocks went back on Sunday
    assert next_business_day(friday, hours()) == utc(2026, 10, 26, 7, 0)
    tuesday_early = utc(2026, 10, 27, 5, 0)  # Tuesday 06:00, before opening: still tomorrow
    assert next_business_day(tuesday_early, hours()) == utc(2026, 10, 28, 7, 0)
    with_holiday = hours(holidays=["2026-10-26"])
    assert next_business_day(friday, with_holiday) == utc(2026, 10, 27, 7, 0)
    weekend = BusinessHours.from_dict(
        {"timezone": "Europe/Amsterdam", "weekly": {"sat": [["10:00", "16:00"]]}}
    )
    assert next_business_day(friday, weekend) == utc(2026, 10, 24, 8, 0)  # Sat 10:00 CEST
    # the team's date, not UTC's: Sunday 23:30 UTC is Monday 00:30 here, so Tuesday next
    assert next_business_day(utc(2026, 6, 7, 22, 30), hours()) == utc(2026, 6, 9, 6, 0)


def test_next_business_day_of_hours_that_never_open_is_none() -> None:
    closed = BusinessHours.from_dict({"timezone": "Europe/Amsterdam", "weekly": {}})
    assert next_business_day(utc(2026, 1, 5, 9, 0), closed) is None
    # open around the clock (the server's default, in UTC): the next weekday at 9:00
    always = BusinessHours.always_open()
    assert next_business_day(utc(2026, 1, 5, 9, 0), always) == utc(2026, 1, 6, 9, 0)  # Mon
    assert next_business_day(utc(2026, 1, 9, 9, 0), always) == utc(2026, 1, 12, 9, 0)  # Fri


def test_a_picked_date_is_read_in_the_team_zone_and_a_skipped_time_moves_on() -> None:
    assert on_date(date(2026, 12, 24), time(9, 0), hours()) == utc(2026, 12, 24, 8, 0)
    # 02:30 does not exist on 29 March in Amsterdam: it becomes 03:30 CEST (01:30 UTC)
    assert on_date(date(2026, 3, 29), time(2, 30), hours()) == utc(2026, 3, 29, 1, 30)
    # 02:30 happens twice on 25 October: the first pass (CEST)
    assert on_date(date(2026, 10, 25), time(2, 30), hours()) == utc(2026, 10, 25, 0, 30)


def test_the_wake_time_rule() -> None:
    now = utc(2026, 5, 4, 10, 0)
    assert problem(now + 1, now) is None
    assert problem(now + MAX_SNOOZE_S, now) is None
    assert "already passed" in (problem(now, now) or "")
    assert "already passed" in (problem(now - 3600, now) or "")
    assert "at most a year" in (problem(now + MAX_SNOOZE_S + 1, now) or "")
    assert problem(math.nan, now) == "The wake time is not a time."
    assert problem(math.inf, now) == "The wake time is not a time."


@pytest.mark.parametrize("zone", ["Europe/Amsterdam", "America/Sao_Paulo", "Australia/Lord_Howe"])
def test_presets_always_lie_ahead(zone: str) -> None:
    start = utc(2026, 1, 1, 0, 0)
    team = hours(zone)
    for step in range(0, 366 * 24, 7):
        now = start + step * 3600
        for wake in (tomorrow_at(now, team), next_business_day(now, team)):
            assert wake is not None and problem(wake, now) is None
