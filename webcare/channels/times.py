"""Platform times: ISO 8601 texts as the platforms write them, to and from epoch seconds.

Mastodon, Bluesky and X write ``2024-05-01T10:00:00.123Z``; Bluesky records may carry more
than six fraction digits (``…00.123456789Z``), which Python's parser refuses, so the fraction is
cut to microseconds first. A time without a zone is UTC.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

_FRACTION = re.compile(r"(\.\d{1,6})\d*")


def parse_iso(value: Any) -> float:
    """``2024-05-01T10:00:00.123Z`` (or ``+00:00``, or no zone: UTC) → epoch seconds;
    ``ValueError`` when it is not such a time."""
    if not isinstance(value, str) or not value.strip():
        raise ValueError("no time")
    text = _FRACTION.sub(r"\1", value.strip().replace("Z", "+00:00").replace("z", "+00:00"), 1)
    when = datetime.fromisoformat(text)
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.timestamp()


def iso_ms(epoch: float) -> str:
    """Epoch seconds as ``2024-05-01T10:00:00.123Z`` (UTC, milliseconds)."""
    text = datetime.fromtimestamp(epoch, UTC).isoformat(timespec="milliseconds")
    return text.replace("+00:00", "Z")
