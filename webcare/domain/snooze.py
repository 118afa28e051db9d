"""Snoozing a mention: when it comes back, and whether a wake time is acceptable.

A snooze takes a mention out of the queues until a moment (``until``, epoch seconds) or until
the customer writes again. The client computes the moment from a preset in the **team's** time
zone and business hours (``webcare.domain.business_hours``), so "tomorrow 9:00" is 9:00 where
the team works whatever the agent's computer says, and sends the epoch; the server checks it
with :func:`problem` against its own clock and wakes the mention when it is due.

Presets (``now`` is epoch seconds):

* :func:`in_one_hour` — an hour of real time later (across a DST change too).
* :func:`tomorrow_at` — the next local date at 9:00 (wall-clock time: the same 9:00 the day
  after a DST change; a wall-clock time the change skips moves forward by the gap).
* :func:`next_business_day` — the first opening of the next local date that has opening hours
  and is no holiday (Friday → Monday 08:00); with hours that never open, ``None``. A team open
  around the clock every day (the server's default until an admin sets hours) has no opening
  to go by: its next business day is the next Monday to Friday, at 9:00.
* :func:`on_date` — a chosen local date and time.
"""

from __future__ import annotations

import math
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from webcare.domain.business_hours import BusinessHours

#: The longest a mention may sleep (a year): longer is surely a mistyped date.
MAX_SNOOZE_S = 365 * 86_400.0
#: "Tomorrow" wakes at this local time.
MORNING = time(9, 0)
#: How many days ahead "next business day" looks for an opening (holidays, closed weeks).
_LOOK_AHEAD_DAYS = 400


def problem(until: float, now: float) -> str | None:
    """Why ``until`` cannot be a wake time at ``now`` (the server's clock), in words; or None."""
    if not math.isfinite(until):
        return "The wake time is not a time."
    if until <= now:
        return (
            "That wake time has already passed (a snooze sent late, or a clock that is off);"
            " the mention was not snoozed. Snooze it again."
        )
    if until - now > MAX_SNOOZE_S:
        return (
            "A mention can be snoozed for at most a year; pick an earlier wake time. (Resolve"
            " it instead if nothing more is to be done.)"
        )
    return None


def in_one_hour(now: float) -> float:
    return now + 3600.0


def _local(ts: float, zone: ZoneInfo) -> datetime:
    return datetime.fromtimestamp(ts, zone)


def at_local(day: date, at: time, zone: ZoneInfo) -> float:
    """The instant of wall-clock ``at`` on ``day`` in ``zone``. A time the clocks skip (the
    spring-forward gap) is read with the offset from before the change, which puts it as far
    past the gap's start as it was meant to be past midnight (02:30 → 03:30); a repeated
    autumn time is its first pass."""
    return datetime.combine(day, at, tzinfo=zone).replace(fold=0).timestamp()


def tomorrow_at(now: float, hours: BusinessHours, at: time = MORNING) -> float:
    """``at`` (9:00) on the local date after today's, in the team's time zone."""
    zone = ZoneInfo(hours.timezone)
    today = _local(now, zone).date()
    return at_local(today + timedelta(days=1), at, zone)


def next_business_day(now: float, hours: BusinessHours) -> float | None:
    """When the team opens on the next local date that has opening hours and is not a holiday
    (after today, whatever the hour now); ``None`` if that never happens."""
    zone = ZoneInfo(hours.timezone)
    today = _local(now, zone).date()
    around_the_clock = all(
        len(spans) == 1 and spans[0].start_s == 0 and spans[0].end_s == 86_400
        for spans in hours.weekly
    )
    for ahead in range(1, _LOOK_AHEAD_DAYS + 1):
        day = today + timedelta(days=ahead)
        if around_the_clock:
            if day.weekday() < 5 and day not in hours.holidays:
                return at_local(day, MORNING, zone)
            continue
        spans = hours.weekly[day.weekday()]
        if day in hours.holidays or not spans:
            continue
        return at_local(day, spans[0].start, zone)
    return None


def on_date(day: date, at: time, hours: BusinessHours) -> float:
    """A chosen local date and time in the team's time zone."""
    return at_local(day, at, ZoneInfo(hours.timezone))
