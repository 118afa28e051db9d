"""Timestamps: seconds since the Unix epoch (UTC) inside, ISO 8601 on the wire."""

from __future__ import annotations

import math
import re
import time
from datetime import UTC, datetime
from typing import overload

#: The earliest post time a platform may claim: 2000-01-01T00:00:00Z (before every platform
#: Webcare speaks to, after every clock that was merely left unset).
EARLIEST_POST = 946_684_800.0
#: How far ahead of our clock a platform's clock may run.
FUTURE_SLACK_S = 86_400.0
#: Times every client can format: Windows' ``gmtime`` refuses times before 1970 and from 3001.
PORTABLE_MIN = 0.0
PORTABLE_MAX = 32_503_680_000.0  # 3000-01-01T00:00:00Z


@overload
def iso(ts: float) -> str: ...
@overload
def iso(ts: None) -> None: ...
@overload
def iso(ts: float | None) -> str | None: ...
def iso(ts: float | None) -> str | None:
    """Format epoch seconds as ISO 8601 UTC with milliseconds, e.g. ``2017-10-11T06:55:44.000Z``."""
    if ts is None:
        return None
    dt = datetime.fromtimestamp(ts, UTC)
    return dt.strftime("%Y-%m-%dT%H:%M:%S.") + f"{dt.microsecond // 1000:03d}Z"


def check_platform_time(ts: object, now: float | None = None) -> float:
    """``ts`` as epoch seconds if it is a plausible post time, else a ``ValueError`` in words.

    Plausible: a finite number from 2000-01-01 to a day after ``now`` (default: the clock).
    Every way in (the webhook, connectors, imports) checks its times with this, so that a time
    nobody can format (``1e300``, ``-1e20``, ``nan``) never reaches the database.
    """
    if isinstance(ts, bool) or not isinstance(ts, int | float):
        raise ValueError(f"{ts!r} is not a time")
    try:
        value = float(ts)
    except OverflowError:  # an int too big for a float
        value = math.inf if ts > 0 else -math.inf
    latest = (time.time() if now is None else now) + FUTURE_SLACK_S
    if not math.isfinite(value) or not EARLIEST_POST <= value <= latest:
        shown = iso(value) if PORTABLE_MIN <= value <= PORTABLE_MAX else f"{value:g}"
        raise ValueError(
            f"{shown} is not a plausible post time"
            f" (from {utc_day(EARLIEST_POST)} to {utc_day(latest)})"
        )
    return value


def portable(ts: float) -> float:
    """``ts`` clamped into the range every client can format (NaN counts as the earliest)."""
    if math.isnan(ts):
        return PORTABLE_MIN
    return min(max(ts, PORTABLE_MIN), PORTABLE_MAX)


_FRACTION = re.compile(r"(\.\d{1,6})\d*")


def parse_iso(text: object) -> float:
    """Parse ISO 8601 (with ``Z`` or an offset; naive means UTC) into epoch seconds; a
    ``ValueError`` when it is none.

    Platforms write ``2024-05-01T10:00:00.123Z``; Bluesky records may carry more than six
    fraction digits, which Python's parser refuses, so the fraction is cut to microseconds.
    """
    if not isinstance(text, str) or not text.strip():
        raise ValueError("no time")
    clean = _FRACTION.sub(r"\1", text.strip().replace("Z", "+00:00").replace("z", "+00:00"), 1)
    dt = datetime.fromisoformat(clean)
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt.timestamp()


def utc_day(ts: float) -> str:
    """The UTC calendar day of ``ts`` as ``YYYY-MM-DD``."""
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%d")


def utc_hour(ts: float) -> int:
    """The UTC hour of day (0-23) of ``ts``."""
    return datetime.fromtimestamp(ts, UTC).hour
