"""The client's search index (m005) against a plain Python reading of the same rows.

A seeded store of a few hundred mentions (views, statuses, channels, priorities, tags, holders
with live and lapsed leases, replies, authors, accented words) is searched with every kind of
filter and sort, page by page, counted with a cap and asked for positions; the answers must be
what a brute-force evaluation of the rows says. Then change pages add, alter and delete rows,
and the index must follow them exactly (and equal a rebuild from scratch).
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, cast

import pytest

from tests.support.search import (
    HEAD,
    ME,
    START,
    STATUSES,
    TAGS,
    WORDS,
    make_contact,
    make_mention,
    passes_filters,
    words_match,
)
from webcare.client_store.records import QueueFilter, Sort, View
from webcare.client_store.schema import rebuild_search
from webcare.client_store.store import LocalStore
from webcare.domain.timeutil import parse_iso
from webcare.domain.wire import ChangesPage

NOW = 1_800_000_000.0


@dataclass
class Mirror:
    """What the store was told, kept in Python."""

    mentions: dict[int, dict[str, Any]] = field(default_factory=dict)
    replies: dict[str, dict[str, Any]] = field(default_factory=dict)
    contacts: dict[int, dict[str, Any]] = field(default_factory=dict)

    def live(self, m: dict[str, Any]) -> bool:
        lease = m["lease_remaining_s"]
        return m["claim_agent_id"] is not None and lease is not None and lease > 0

    def in_view(self, m: dict[str, Any], f: QueueFilter) -> bool:
        snoozed = m["snoozed_until"] is not None or m["snooze_until_customer"]
        if f.view is View.SNOOZED or snoozed:  # sleeping: in Snoozed, and only there
            return f.view is View.SNOOZED and bool(snoozed)
        if f.view is View.UNCLAIMED:
            return m["status"] in ("open", "claimed") and (
                m["status"] == "open" or not self.live(m)
            )
        if f.view is View.MINE:
            return (
                m["claim_agent_id"] == ME and self.live(m) and m["status"] not in ("closed", "spam")
            )
        if f.view is View.ANSWERED:
            return bool(m["status"] == "answered")
        return True

    def expected(self, f: QueueFilter) -> list[int]:
        found = []
        for m in self.mentions.values():
            if not (self.in_view(m, f) and passes_filters(m, f)):
                continue
            contact = self.contacts.get(m["contact_id"], {})
            bodies = [r["body"] for r in self.replies.values() if r["mention_id"] == m["id"]]
            document = [m["text"], *bodies, contact.get("handle", ""), contact.get("name") or ""]
            if not words_match(f.text, document):
                continue
            received = parse_iso(m["received_at"])
            found.append((m["priority"], int(received), m["id"]))
        if f.sort is Sort.NEWEST:
            found.sort(key=lambda x: (x[1], x[2]), reverse=True)
        elif f.sort is Sort.OLDEST:
            found.sort(key=lambda x: (x[1], x[2]))
        else:
            found.sort(key=lambda x: (-x[0], x[1], x[2]))
        return [i for _p, _r, i in found]


def iso(t: float) -> str:
    return datetime.fromtimestamp(t, tz=UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def make_reply(rng: random.Random, rid: str, mention_id: int) -> dict[str, Any]:
    return {
        "id": rid, "mention_id": mention_id, "agent_id": rng.choice([ME, 8]),
        "body": " ".join(rng.choices(WORDS, k=rng.randint(2, 5))) + " ^Eva",
        "template_id": None, "accepted_at": iso(START), "posted_at": None,
        "delivery_state": "sent", "delivery_error": None, "platform_post_id": None,
    }  # fmt: skip


@pytest.fixture
def seeded(tmp_path: Path) -> Iterator[tuple[LocalStore, Mirror, random.Random]]:
    rng = random.Random(2026)
    mirror = Mirror()
    store = LocalStore(tmp_path / "client.db", clock=lambda: NOW)
    store.start_bootstrap(HEAD)
    contacts = [make_contact(c) for c in range(1, 31)]
    mentions = [make_mention(rng, mid, len(contacts), snoozes=True) for mid in range(1, 401)]
    replies = [make_reply(rng, f"r{n}", rng.randint(1, 400)) for n in range(250)]
    for entity, items in (("contact", contacts), ("mention", mentions), ("reply", replies)):
        for start in range(0, len(items), 90):
            store.apply_bootstrap_page(entity, items[start : start + 90], start)
    store.finish_bootstrap()
    mirror.contacts = {c["id"]: c for c in contacts}
    mirror.mentions = {m["id"]: m for m in mentions}
    mirror.replies = {r["id"]: r for r in replies}
    yield store, mirror, rng
    store.close()


def random_filter(rng: random.Random) -> QueueFilter:
    typed = rng.choice([
        rng.choice(WORDS), rng.choice(WORDS)[:3], " ".join(rng.sample(WORDS, 2)),
        f"@klant{rng.randint(1, 30)}", "@klant1", "cafe", "CRÈME", "numero", "refund net",
        "zzz", "st",
    ])  # fmt: skip
    return QueueFilter(
        view=rng.choice(list(View)),
        text=typed,
        statuses=tuple(rng.sample(STATUSES, rng.choice([0, 0, 1, 2]))),
        channel_id=rng.choice([None, None, 1, 3]),
        tag=rng.choice([None, None, None, "vip", "billing"]),
        min_priority=rng.choice([None, None, 2, 3]),
        since=rng.choice([None, None, START + 86400]),
        until=rng.choice([None, None, START + 3 * 86400 + 0.5]),
        sort=rng.choice(list(Sort)),
    )


def check(store: LocalStore, mirror: Mirror, f: QueueFilter) -> list[int]:
    expected = mirror.expected(f)
    pages: list[int] = []
    offset = 0
    while True:  # small pages: offsets and the priority levels' boundaries are crossed
        page = [r.id for r in store.rows(f, offset, 7, NOW)]
        pages.extend(page)
        offset += 7
        if len(page) < 7:
            break
    assert pages == expected, f
    assert store.count(f, NOW, cap=10_000) == len(expected), f
    assert store.count(f, NOW, cap=5) == min(5, len(expected)), f
    for position, mention_id in list(enumerate(expected))[:: max(1, len(expected) // 4)]:
        assert store.position(f, mention_id, NOW) == position, (f, mention_id)
        if position >= 3:
            assert store.position(f, mention_id, NOW, cap=3) is None
    outside = next((m for m in mirror.mentions if m not in expected), None)
    if outside is not None:
        assert store.position(f, outside, NOW) is None
    return expected


def test_searches_match_a_plain_reading_of_the_rows(
    seeded: tuple[LocalStore, Mirror, random.Random],
) -> None:
    store, mirror, rng = seeded
    hits = 0
    for _ in range(150):
        hits += bool(check(store, mirror, random_filter(rng)))
    assert hits > 60  # the filters are not all empty answers


def test_the_index_follows_change_pages(
    seeded: tuple[LocalStore, Mirror, random.Random],
) -> None:
    store, mirror, rng = seeded
    cursor = 1
    for round_no in range(12):
        changes: list[dict[str, Any]] = []
        for _ in range(15):
            kind = rng.choice(["new", "update", "reply", "unreply", "rename", "delete"])
            if kind == "new":
                mid = 1000 + round_no * 100 + len(changes)
                m = make_mention(rng, mid, len(mirror.contacts), snoozes=True)
                changes.append({"entity": "mention", "id": str(mid), "op": "upsert", "data": m})
                mirror.mentions[mid] = m
            elif kind == "update":
                m = dict(mirror.mentions[rng.choice(list(mirror.mentions))])
                m.update(status=rng.choice(STATUSES), text=m["text"] + " monteur",
                         claim_agent_id=rng.choice([None, ME]), lease_remaining_s=600,
                         tags=rng.sample(TAGS, 1), priority=rng.randrange(4))  # fmt: skip
                changes.append({"entity": "mention", "id": str(m["id"]), "op": "upsert",
                                "data": m})  # fmt: skip
                mirror.mentions[m["id"]] = m
            elif kind == "reply":
                r = make_reply(
                    rng, f"n{round_no}-{len(changes)}", rng.choice(list(mirror.mentions))
                )
                r["body"] += " afspraak"
                changes.append({"entity": "reply", "id": r["id"], "op": "upsert", "data": r})
                mirror.replies[r["id"]] = r
            elif kind == "unreply" and mirror.replies:
                rid = rng.choice(list(mirror.replies))
                changes.append({"entity": "reply", "id": rid, "op": "delete", "data": None})
                del mirror.replies[rid]
            elif kind == "rename":
                c = dict(mirror.contacts[rng.randint(1, 30)])
                c["handle"] = f"@nieuw{round_no}x{c['id']}"
                changes.append({"entity": "contact", "id": str(c["id"]), "op": "upsert",
                                "data": c})  # fmt: skip
                mirror.contacts[c["id"]] = c
            elif kind == "delete":
                mid = rng.choice(list(mirror.mentions))
                changes.append({"entity": "mention", "id": str(mid), "op": "delete", "data": None})
                del mirror.mentions[mid]
                for rid in [r for r, v in mirror.replies.items() if v["mention_id"] == mid]:
                    del mirror.replies[rid]  # the server deletes them with it
                    changes.append({"entity": "reply", "id": rid, "op": "delete", "data": None})
        for n, change in enumerate(changes):
            change["seq"] = cursor + n + 1
        cursor += len(changes)
        store.apply_changes(
            cast("ChangesPage", {"db_id": "db1", "cursor": cursor, "changes": changes})
        )
        for _ in range(12):
            check(store, mirror, random_filter(rng))
        for typed in ("monteur", "afspraak", f"@nieuw{round_no}"):
            check(store, mirror, QueueFilter(View.ALL, text=typed))
    # incremental upkeep ends where a rebuild from scratch does
    before = store.conn.execute(
        "SELECT rowid, text, replies, author, facets FROM search ORDER BY rowid"
    ).fetchall()
    with store.transaction() as conn:
        rebuild_search(conn)
    after = store.conn.execute(
        "SELECT rowid, text, replies, author, facets FROM search ORDER BY rowid"
    ).fetchall()
    assert [tuple(r) for r in before] == [tuple(r) for r in after]
    store.conn.execute("INSERT INTO search(search) VALUES ('integrity-check')")


def test_a_short_prefix_that_begins_many_terms(tmp_path: Path) -> None:
    """More than 64 terms begin "zz": FTS5's own prefix query answers; "zz1" is expanded."""
    store = LocalStore(tmp_path / "client.db", clock=lambda: NOW)
    mirror = Mirror()
    rng = random.Random(5)
    store.start_bootstrap(HEAD)
    store.apply_bootstrap_page("contact", [make_contact(1)], None)
    mentions = []
    for mid in range(1, 121):
        m = make_mention(rng, mid, 1)
        m["text"] = f"woord zz{mid:03d}"
        mentions.append(m)
    store.apply_bootstrap_page("mention", mentions, None)
    store.finish_bootstrap()
    mirror.contacts = {1: make_contact(1)}
    mirror.mentions = {m["id"]: m for m in mentions}
    try:
        for typed in ("zz", "zz1", "zz10", "zz100", "z", "woord zz0", "zz1000"):
            for sort in Sort:
                check(store, mirror, QueueFilter(View.ALL, text=typed, sort=sort))
        assert len(mirror.expected(QueueFilter(View.ALL, text="zz"))) == 120
    finally:
        store.close()


def test_a_remembered_count_is_forgotten_when_another_connection_writes(
    seeded: tuple[LocalStore, Mirror, random.Random], tmp_path: Path
) -> None:
    """The window's store counts; the sync loop's store writes (separate connections)."""
    reader, _mirror, rng = seeded
    f = QueueFilter(View.ALL, text="pakket", tag="nieuw")  # its query stays the same
    assert reader.rows(f, 0, 200, NOW) == [] and reader.count(f, NOW) == 0  # remembered
    writer = LocalStore(tmp_path / "client.db", clock=lambda: NOW)
    try:
        m = make_mention(rng, 5000, 30)
        m.update(
            text="pakket kwijt", tags=["nieuw"], snoozed_until=None, snooze_until_customer=False
        )
        page = {"db_id": "db1", "cursor": 2, "changes": [
            {"seq": 2, "entity": "mention", "id": "5000", "op": "upsert", "data": m}]}  # fmt: skip
        writer.apply_changes(cast("ChangesPage", page))
    finally:
        writer.close()
    assert reader.count(f, NOW) == 1
    assert [r.id for r in reader.rows(f, 0, 200, NOW)] == [5000]
