"""A plain Python reading of the queue's filters and search, to check the store's answers.

Mentions are wire dicts (``/v1/bootstrap`` shape); the view (which depends on leases and who
is asking) is the caller's to check.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from webcare.client_store.records import QueueFilter
from webcare.domain.timeutil import parse_iso


def fold(text: str) -> list[str]:
    """Words as the search index sees them: lower case, accents removed."""
    plain = unicodedata.normalize("NFKD", text.lower())
    return re.findall(r"\w+", "".join(c for c in plain if not unicodedata.combining(c)))


def passes_filters(m: dict[str, Any], f: QueueFilter) -> bool:
    """Status, channel, tag, priority and date filters of ``f`` (not its view, not its words)."""
    received = parse_iso(m["received_at"])
    return not (
        (f.statuses and m["status"] not in f.statuses)
        or (f.channel_id is not None and m["channel_id"] != f.channel_id)
        or (f.tag and f.tag not in m["tags"])
        or (f.min_priority is not None and m["priority"] < f.min_priority)
        or (f.since is not None and received < f.since)
        or (f.until is not None and received >= f.until)
    )


def words_match(text: str, document: list[str]) -> bool:
    """Every word typed in ``text`` begins a word of the document (the mention, its replies,
    its author's handle and name)."""
    words = fold(text)
    if not words:
        return True
    tokens = fold(" ".join(document))
    return all(any(t.startswith(w) for t in tokens) for w in words)
