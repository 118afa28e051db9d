"""Business hours: when a team is open, and SLA clocks that pause while it is closed.

A schedule is a week of opening spans in the team's local wall-clock time plus holidays, in one
IANA time zone. The rule that defines everything else:

    An instant is *open* when its local date is not a holiday and its local wall-clock time
    falls inside one of the spans of that date's weekday (a span includes its start and
    excludes its end).

Everything here counts real elapsed seconds of open instants, so daylight saving time behaves
the way a clock on the wall does: a span that covers the skipped spring-forward hour is an hour
shorter that day, and a span that covers the repeated autumn hour counts both passes of it.
An opening that runs past midnight is written as two spans: until ``24:00`` on one day and from
``00:00`` on the next.

How it is computed. Between two changes of the UTC offset, local wall-clock time is simply UTC
plus that offset: a timeline without daylight saving time, on which the opening hours repeat
week by week. So every computation splits the range at offset changes and, on each stretch,
works with wall-clock seconds ("naive" seconds: local time read as if it were UTC). Offset
changes are found by looking at the offset once a day and bisecting to the second when it
differs. In tzdata (2026) no zone changes its offset twice within six days (the closest pair,
in Brazil in 2000 and in Gaza's future rules, is 6.96 days apart), so a daily look cannot step
over a change and its reversal. The cost is a few microseconds per day of range (400 days:
about 2.5 ms), so ranges are walked day by day rather than counted in whole weeks.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from itertools import pairwise
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from webcare.domain.errors import ValidationError

#: The end of a day, "24:00". A span that ends here runs until midnight at the end of its day.
#: ``datetime.time`` cannot say 24:00, so its largest value stands for it; as a span end it means
#: exactly midnight, not one microsecond before (other times must be whole seconds, so the two
#: can never be confused).
END_OF_DAY = time.max

WEEKDAY_KEYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

_DAY_S = 86_400
# How far apart the offset is looked at (see the module docstring for why a day is safe).
_PROBE_S = _DAY_S
_LAST_MOMENT_S = math.nextafter(_DAY_S, 0)
_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
_EPOCH_WEEKDAY = 3  # 1970-01-01 was a Thursday (Monday = 0)

_TIME_TEXT = re.compile(r"(\d{1,2}):(\d{2})(?::(\d{2}))?")
_DATE_TEXT = re.compile(r"\d{4}-\d{2}-\d{2}")
_TIME_EXAMPLE = 'use HH:MM, e.g. "08:00", or "24:00" for midnight at the end of the day'


@dataclass(frozen=True, slots=True)
class OpeningSpan:
    """One open stretch of a weekday, in local wall-clock time: from ``start`` until ``end``.

    Times are whole seconds without a time zone. ``end`` may be :data:`END_OF_DAY` ("24:00");
    a span cannot run past midnight (split it over two days instead).
    """

    start: time
    end: time

    def __post_init__(self) -> None:
        for value in (self.start, self.end):
            if value.tzinfo is not None:
                raise ValidationError(
                    "Opening hours are local wall-clock times; leave the time zone out."
                )
        if self.start.microsecond or (self.end.microsecond and self.end != END_OF_DAY):
            raise ValidationError("Opening hours are whole seconds.")
        if self.end <= self.start:
            raise ValidationError(
                f"An opening span must end after it starts ({_time_text(self.start)}"
                f"–{_time_text(self.end)})."
            )

    @property
    def start_s(self) -> int:
        """Seconds after local midnight at which the span opens."""
        return _seconds_of_day(self.start)

    @property
    def end_s(self) -> int:
        """Seconds after local midnight at which the span closes (86400 for "24:00")."""
        return _seconds_of_day(self.end)

    def __str__(self) -> str:
        return f"{_time_text(self.start)}–{_time_text(self.end)}"


@dataclass(frozen=True, slots=True)
class BusinessHours:
    """A team's opening hours in one time zone, with holidays.

    ``weekly`` has seven entries, Monday first; an empty entry is a day closed all day. The spans
    of a day are sorted and do not overlap (they may touch). ``holidays`` are local dates that
    are closed all day. See the module docstring for what counts as open.
    """

    timezone: str
    weekly: tuple[tuple[OpeningSpan, ...], ...]
    holidays: frozenset[date] = frozenset()
    # Derived once from the fields above, so the hot loops do no parsing or zone lookups.
    _zone: ZoneInfo = field(init=False, repr=False, compare=False)
    _spans: tuple[tuple[tuple[int, int], ...], ...] = field(init=False, repr=False, compare=False)
    _holiday_days: frozenset[int] = field(init=False, repr=False, compare=False)
    _weekly_open_s: int = field(init=False, repr=False, compare=False)
    _always: bool = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        zone = _load_zone(self.timezone)
        if len(self.weekly) != 7:
            raise ValidationError(
                f"Opening hours need one entry per weekday, Monday to Sunday "
                f"(got {len(self.weekly)})."
            )
        for name, spans in zip(_WEEKDAY_NAMES, self.weekly, strict=True):
            for before, after in pairwise(spans):
                if after.start < before.start:
                    raise ValidationError(f"{name}: opening spans must be in order of time.")
                if after.start < before.end:
                    raise ValidationError(f"{name}: {before} overlaps {after}.")
        for day in self.holidays:
            # datetime is a subclass of date; a holiday is a whole local date, never an instant.
            if not isinstance(day, date) or isinstance(day, datetime):
                raise ValidationError(f"A holiday must be a date, not {day!r}.")
        spans_s = tuple(tuple((s.start_s, s.end_s) for s in spans) for spans in self.weekly)
        daily_open_s = [sum(end - start for start, end in spans) for spans in spans_s]
        object.__setattr__(self, "_zone", zone)
        object.__setattr__(self, "_spans", spans_s)
        object.__setattr__(
            self, "_holiday_days", frozenset(d.toordinal() - _EPOCH_ORDINAL for d in self.holidays)
        )
        object.__setattr__(self, "_weekly_open_s", sum(daily_open_s))
        # Open around the clock on every day: every instant is open, whatever the time zone does.
        object.__setattr__(
            self, "_always", not self.holidays and all(s == _DAY_S for s in daily_open_s)
        )

    # --- construction ------------------------------------------------------------------------

    @classmethod
    def always_open(cls) -> BusinessHours:
        """Open 24/7 in UTC: business time equals calendar time."""
        whole_day = (OpeningSpan(time(0, 0), END_OF_DAY),)
        return cls(timezone="UTC", weekly=(whole_day,) * 7)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> BusinessHours:
        """Build business hours from their JSON form (the inverse of :meth:`to_dict`).

        ``{"timezone": "Europe/Amsterdam", "weekly": {"mon": [["08:00", "22:00"]], ...},
        "holidays": ["2026-12-25"]}``. Weekdays left out are closed; spans may be given in any
        order; ``"24:00"`` ends a span at midnight; ``holidays`` may be left out.

        Raises:
            ValidationError: with a message for the person who typed the schedule.
        """
        if not isinstance(data, Mapping):
            raise ValidationError("Business hours must be an object with a timezone and weekly.")
        unknown = sorted(str(key) for key in data if key not in ("timezone", "weekly", "holidays"))
        if unknown:
            raise ValidationError(
                f"Unknown business hours field {', '.join(unknown)}; "
                "expected timezone, weekly and holidays."
            )
        timezone = data.get("timezone")
        if not isinstance(timezone, str) or not timezone:
            raise ValidationError('Business hours need a time zone, e.g. "Europe/Amsterdam".')
        _load_zone(timezone)
        weekly_data = data.get("weekly")
        if not isinstance(weekly_data, Mapping):
            raise ValidationError(
                'Business hours need weekly opening hours, e.g. {"mon": [["08:00", "22:00"]]}.'
            )
        for key in weekly_data:
            if key not in WEEKDAY_KEYS:
                raise ValidationError(
                    f'"{key}" is not a weekday; use {", ".join(WEEKDAY_KEYS[:-1])} or sun.'
                )
        weekly = tuple(
            _parse_day(name, weekly_data.get(key, []))
            for key, name in zip(WEEKDAY_KEYS, _WEEKDAY_NAMES, strict=True)
        )
        holidays_data = data.get("holidays", [])
        if isinstance(holidays_data, str) or not isinstance(holidays_data, list | tuple):
            raise ValidationError('Holidays must be a list of dates, e.g. ["2026-12-25"].')
        holidays = frozenset(_parse_date(text) for text in holidays_data)
        return cls(timezone=timezone, weekly=weekly, holidays=holidays)

    def to_dict(self) -> dict[str, Any]:
        """The JSON form: every weekday listed (closed ones empty), holidays sorted."""
        return {
            "timezone": self.timezone,
            "weekly": {
                key: [[_time_text(s.start), _time_text(s.end)] for s in spans]
                for key, spans in zip(WEEKDAY_KEYS, self.weekly, strict=True)
            },
            "holidays": [day.isoformat() for day in sorted(self.holidays)],
        }

    # --- questions ---------------------------------------------------------------------------

    def is_open(self, ts: float) -> bool:
        """Whether the instant ``ts`` (epoch seconds) falls inside opening hours."""
        _check_finite(ts)
        # divmod keeps day and second consistent, where dividing and flooring could put an
        # instant just before midnight into the next day. Its remainder can still round up to a
        # whole day (for a tiny negative ts): that instant is the last moment of ``day``.
        day, second = divmod(ts + self._offset(ts), _DAY_S)
        second = min(second, _LAST_MOMENT_S)
        if int(day) in self._holiday_days:
            return False
        return any(start <= second < end for start, end in self._spans[_weekday(int(day))])

    def business_seconds(self, start: float, end: float) -> float:
        """Seconds of ``[start, end)`` that fall inside opening hours; 0 when ``end <= start``."""
        _check_finite(start, end)
        if end <= start:
            return 0.0
        if self._always:
            return end - start
        return math.fsum(
            self._naive_open_s(begin + offset, stop + offset)
            for begin, stop, offset in self._stretches(start, end)
        )

    def add_business_seconds(self, start: float, seconds: float) -> float:
        """The earliest instant ``t >= start`` with ``business_seconds(start, t) == seconds``.

        This is an SLA deadline: ``seconds`` of business time after ``start``. Zero seconds is
        ``start`` itself, open or not. A positive amount ends inside opening hours or exactly
        where an open stretch ends.

        Raises:
            ValidationError: ``seconds`` is negative, or positive while the hours never open.
        """
        _check_finite(start, seconds)
        if seconds < 0:
            raise ValidationError("Business time to add cannot be negative.")
        if seconds == 0:
            return start
        if self._weekly_open_s == 0:
            raise ValidationError("These business hours are never open, so no deadline is met.")
        if self._always:
            return start + seconds
        remaining = seconds
        for begin, stop, offset in self._stretches(start, math.inf):
            reached, remaining = self._naive_advance(begin + offset, stop + offset, remaining)
            if reached is not None:
                return reached - offset
        raise AssertionError("unreachable: the stretches never end")  # pragma: no cover

    def next_open(self, ts: float) -> float | None:
        """``ts`` when open, else the instant the next opening starts; ``None`` if never open."""
        _check_finite(ts)
        if self.is_open(ts):
            return ts
        if self._weekly_open_s == 0:
            return None
        for begin, stop, offset in self._stretches(ts, math.inf):
            opens = self._naive_next_open(begin + offset, stop + offset)
            if opens is not None:
                return opens - offset
        raise AssertionError("unreachable: the stretches never end")  # pragma: no cover

    # --- the real timeline: stretches with one UTC offset --------------------------------------

    def _offset(self, ts: float) -> int:
        """The zone's UTC offset in seconds at ``ts``."""
        # Offsets change only on whole seconds, so the offset at floor(ts) is the one at ts; asking
        # for the whole second also avoids datetime rounding to microseconds just before a change.
        offset = datetime.fromtimestamp(math.floor(ts), self._zone).utcoffset()
        assert offset is not None  # a ZoneInfo always knows its offset
        return offset // timedelta(seconds=1)

    def _stretches(self, start: float, end: float) -> Iterator[tuple[float, float, int]]:
        """Split ``[start, end)`` (``end`` may be infinite) into ``(begin, stop, offset)`` pieces.

        Each piece is at most a day long and has one UTC offset throughout.
        """
        begin, offset = start, self._offset(start)
        while begin < end:
            stop = min(begin + _PROBE_S, end)
            stop_offset = self._offset(stop)
            if stop_offset != offset:
                stop = self._offset_change(begin, stop, offset)
                stop_offset = self._offset(stop)
            yield begin, stop, offset
            begin, offset = stop, stop_offset

    def _offset_change(self, begin: float, stop: float, offset: int) -> float:
        """The instant in ``(begin, stop]`` where the offset stops being ``offset``.

        The offset at ``begin`` is ``offset`` and the one at ``stop`` is not; changes happen on
        whole seconds, so bisect over whole seconds.
        """
        low, high = math.floor(begin), math.floor(stop)  # offset(low) == offset != offset(high)
        while high - low > 1:
            middle = (low + high) // 2
            if self._offset(middle) == offset:
                low = middle
            else:
                high = middle
        return float(high)

    # --- the wall-clock timeline: no DST, opening hours repeat every week -----------------------

    def _open_parts(self, begin: float, stop: float) -> Iterator[tuple[float, float]]:
        """The open parts of naive ``[begin, stop)``, in order, as ``(naive start, length)``."""
        day = int(begin // _DAY_S)  # floor division, not floor(begin / day): see is_open
        while day * _DAY_S < stop:
            if day not in self._holiday_days:
                midnight = day * _DAY_S
                # Both differences are exact: large floats close together (Sterbenz).
                low, high = begin - midnight, stop - midnight
                for span_start, span_end in self._spans[_weekday(day)]:
                    part_start, part_end = max(span_start, low), min(span_end, high)
                    if part_start < part_end:
                        yield midnight + part_start, part_end - part_start
            day += 1

    def _naive_open_s(self, begin: float, stop: float) -> float:
        """Open seconds in naive ``[begin, stop)``."""
        return math.fsum(length for _, length in self._open_parts(begin, stop))

    def _naive_advance(
        self, begin: float, stop: float, seconds: float
    ) -> tuple[float | None, float]:
        """Walk ``seconds`` of open time from naive ``begin``, at most up to ``stop``.

        Returns ``(reached, 0)`` with the naive instant where they are used up, or
        ``(None, left)`` when the stretch ends first, with the seconds still to go.
        """
        for part_start, length in self._open_parts(begin, stop):
            if seconds <= length:
                return part_start + seconds, 0.0
            seconds -= length
        return None, seconds

    def _naive_next_open(self, begin: float, stop: float) -> float | None:
        """The first open naive instant in ``[begin, stop)``, if any."""
        for part_start, _ in self._open_parts(begin, stop):
            return part_start
        return None


def _weekday(day: int) -> int:
    """Monday = 0 for a day counted from 1970-01-01."""
    return (day + _EPOCH_WEEKDAY) % 7


def _seconds_of_day(value: time) -> int:
    if value == END_OF_DAY:
        return _DAY_S
    return value.hour * 3600 + value.minute * 60 + value.second


def _time_text(value: time) -> str:
    if value == END_OF_DAY:
        return "24:00"
    return value.isoformat(timespec="seconds" if value.second else "minutes")


def _check_finite(*values: float) -> None:
    if not all(math.isfinite(value) for value in values):
        raise ValidationError("Times and durations must be finite numbers.")


def _load_zone(name: str) -> ZoneInfo:
    # ZoneInfo reports a bad name in several ways: not found (a KeyError), a malformed or absolute
    # path (ValueError), a directory such as "Europe" (OSError).
    if isinstance(name, str) and name:
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError, OSError):
            pass
    raise ValidationError(
        f'"{name}" is not a known time zone; use an IANA name such as "Europe/Amsterdam".'
    )


def _parse_day(name: str, data: Any) -> tuple[OpeningSpan, ...]:
    pairs_hint = f'Opening hours for {name} must be a list of pairs like ["08:00", "22:00"].'
    if isinstance(data, str) or not isinstance(data, list | tuple):
        raise ValidationError(pairs_hint)
    spans: list[OpeningSpan] = []
    for pair in data:
        if isinstance(pair, str) or not isinstance(pair, list | tuple) or len(pair) != 2:
            raise ValidationError(pairs_hint)
        start, end = _parse_time(pair[0], name), _parse_time(pair[1], name)
        if end <= start:
            raise ValidationError(
                f"{name}: an opening span must end after it starts "
                f"({_time_text(start)}–{_time_text(end)})."
            )
        spans.append(OpeningSpan(start, end))
    spans.sort(key=lambda span: span.start)
    for before, after in pairwise(spans):
        if after.start < before.end:
            raise ValidationError(f"{name}: {before} overlaps {after}.")
    return tuple(spans)


def _parse_time(text: Any, name: str) -> time:
    match = _TIME_TEXT.fullmatch(text) if isinstance(text, str) else None
    if match is not None:
        hour, minute, second = int(match[1]), int(match[2]), int(match[3] or 0)
        if (hour, minute, second) == (24, 0, 0):
            return END_OF_DAY
        if hour < 24 and minute < 60 and second < 60:
            return time(hour, minute, second)
    raise ValidationError(f'{name}: "{text}" is not a time of day; {_TIME_EXAMPLE}.')


def _parse_date(text: Any) -> date:
    if isinstance(text, str) and _DATE_TEXT.fullmatch(text):
        try:
            return date.fromisoformat(text)
        except ValueError:
            pass
    raise ValidationError(
        f'Holiday "{text}" is not a date; write it as YYYY-MM-DD, e.g. 2026-12-25.'
    )
