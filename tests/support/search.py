"""A plain Python reading of the queue's filters and search, to check the store's answers.

Mentions are wire dicts (``/v1/bootstrap`` shape); the view (which depends on leases and who
is asking) is the caller's to check.
"""

from __future__ import annotations

import random
import re
import unicodedata
from typing import Any, cast

from webcare.client_store.records import QueueFilter
from webcare.domain.timeutil import iso, parse_iso
from webcare.domain.wire import BootstrapRecord

ME = 7


START = parse_iso("2026-03-01T08:00:00Z")


WORDS = [
    "storing", "store", "storm", "factuur", "refund", "refunded", "internet", "wifi", "modem",
    "bezorgd", "pakket", "café", "Crème", "never", "net", "netwerk", "traag", "snel", "hulp",
    "help", "account", "login", "wachtwoord", "monteur", "afspraak",
]  # fmt: skip


STATUSES = ["open", "claimed", "answered", "closed", "spam"]


TAGS = ["billing", "outage", "vip"]


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


def make_mention(
    rng: random.Random, mid: int, n_contacts: int, *, snoozes: bool = False
) -> dict[str, Any]:
    """A random mention; with ``snoozes`` some are snoozed (until a time, or the customer)."""
    status = rng.choice(STATUSES)
    holder = rng.choice([None, ME, 8]) if status in ("claimed", "answered") else None
    return {
        "id": mid, "channel_id": rng.randint(1, 3), "source_id": str(mid),
        "contact_id": rng.randint(1, n_contacts),
        "text": " ".join(rng.choices(WORDS, k=rng.randint(2, 7))), "url": None,
        "language": None, "parent_mention_id": None, "thread_id": mid,
        "created_at": iso(START), "received_at": iso(START + rng.randrange(0, 5 * 86400)),
        "status": status, "priority": rng.choices(range(4), (20, 60, 15, 5))[0],
        "tags": rng.sample(TAGS, rng.choice([0, 0, 1, 2])), "claim_agent_id": holder,
        "claim_epoch": 1, "lease_remaining_s": rng.choice([None, 600]) if holder else None,
        "replied_at": None, "closed_at": None, "updated_at": iso(START),
        "snoozed_until": rng.choice([None] * 8 + [iso(START + 86400)]) if snoozes else None,
        "snooze_until_customer": snoozes and rng.random() < 0.05,
    }  # fmt: skip


def make_contact(cid: int) -> dict[str, Any]:
    return {"id": cid, "platform": "twitter", "platform_user_id": str(cid),
            "handle": f"@klant{cid}", "name": f"Klant Número {cid}", "followers": 3}  # fmt: skip


#: A bootstrap head with only what these tests need (the store reads what is there).
HEAD = cast("BootstrapRecord", {
    "db_id": "db1", "cursor": 1, "me": {"id": ME},
    "users": [{"id": uid, "username": f"u{uid}", "display_name": f"U{uid}", "signature": "^U",
               "role": "agent", "disabled": False, "brand": None, "can_login": True}
              for uid in (ME, 8)],
    "channels": [{"id": c, "kind": "twitter", "name": f"ch{c}", "brand": "B", "handle": "@b",
                  "enabled": True, "char_limit": 280, "last_fetch_at": None, "last_error": None}
                 for c in (1, 2, 3)],
    "templates": [], "counts": {},
})  # fmt: skip
