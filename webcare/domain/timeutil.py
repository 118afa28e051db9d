"""Timestamps: seconds since the Unix epoch (UTC) inside, ISO 8601 on the wire."""

from __future__ import annotations

from datetime import UTC, datetime


def iso(ts: float | None) -> str | None:
    """Format epoch seconds as ISO 8601 UTC with milliseconds, e.g. ``2017-10-11T06:55:44.000Z``."""
    if ts is None:
        return None
    dt = datetime.fromtimestamp(ts, UTC)
    return dt.strftime("%Y-%m-%dT%H:%M:%S.") + f"{dt.microsecond // 1000:03d}Z"


def parse_iso(text: str) -> float:
    """Parse ISO 8601 (with ``Z`` or an offset; naive means UTC) into epoch seconds."""
    dt = datetime.fromisoformat(text)
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt.timestamp()


def utc_day(ts: float) -> str:
    """The UTC calendar day of ``ts`` as ``YYYY-MM-DD``."""
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%d")


def utc_hour(ts: float) -> int:
    """The UTC hour of day (0-23) of ``ts``."""
    return datetime.fromtimestamp(ts, UTC).hour
