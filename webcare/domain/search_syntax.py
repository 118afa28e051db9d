"""The search box's syntax: words and ``tag:`` ``since:`` ``until:`` ``prio:`` tokens, read into
filters + words. Shared by the client's queue and the server, which checks a saved view's search
with the same rules (``webcare.server.services.saved_views``)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from webcare.domain.timeutil import parse_iso

TOKEN = re.compile(r"(?<!\S)(tag|since|until|prio):(\S+)", re.IGNORECASE)
PRIORITIES = {"low": 0, "normal": 1, "high": 2, "urgent": 3}


@dataclass(frozen=True, slots=True)
class ParsedSearch:
    text: str
    tag: str | None = None
    since: float | None = None
    until: float | None = None
    min_priority: int | None = None
    problems: tuple[str, ...] = ()


def parse_search(query: str) -> ParsedSearch:
    """Split ``tag:x since:2017-10-11 until:2017-10-12 prio:high words`` into filters + words.

    Dates are ISO 8601 and read as UTC, like every time in Webcare. Unreadable tokens are
    reported, not silently dropped.
    """
    found: dict[str, str] = {}
    problems: list[str] = []
    for match in TOKEN.finditer(query):
        found[match.group(1).lower()] = match.group(2)
    text = " ".join(TOKEN.sub(" ", query).split())

    def when(key: str) -> float | None:
        if key not in found:
            return None
        try:
            return parse_iso(found[key])
        except ValueError:
            problems.append(f"{key}: '{found[key]}' is not a date like 2017-10-11")
            return None

    priority = None
    if "prio" in found:
        priority = PRIORITIES.get(found["prio"].lower())
        if priority is None:
            problems.append(f"prio: use one of {', '.join(PRIORITIES)}")
    return ParsedSearch(
        text=text,
        tag=found.get("tag", "").lower() or None,
        since=when("since"),
        until=when("until"),
        min_priority=priority,
        problems=tuple(problems),
    )
