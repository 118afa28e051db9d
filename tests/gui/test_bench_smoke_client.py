"""The client benchmarks (issue 6: queue, search, cold start; opening a mention) at a tiny size:
correctness only.

The same workload functions as ``tests/benchmarks/test_bench_{queue,search,cold_start}.py``,
with 2 000 mentions, checked against an independent answer (plain SQL, or Python over the very
pages the store was filled with). No timing: that is ``make bench``.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QApplication

from tests.benchmarks.client import (
    QUEUE_FILTERS,
    bench_head,
    busiest_author_mentions,
    cold_start,
    fill_store,
    ids_in_order,
    oldest_ids,
    open_mentions,
    prepare_cold_start,
    queue_open,
    run_search,
    search_queries,
    store_pages,
)
from tests.support.search import fold, passes_filters, words_match
from tests.support.server import TestServer
from webcare.client_store.records import QueueFilter
from webcare.client_store.store import LocalStore
from webcare.domain.timeutil import parse_iso

N = 2000
NEWEST = " ORDER BY received_at DESC, id DESC"


def test_fill_and_queue(tmp_path: Path, qapp: QApplication) -> None:
    path = tmp_path / "store.db"
    stats = fill_store(path, N)
    assert stats.mentions == N and stats.replies > N // 2 and stats.contacts > 0

    r = queue_open(path)

    unclaimed = ids_in_order(path, "SELECT id FROM mentions WHERE status = 'open'" + NEWEST)
    assert r.count == len(unclaimed)
    assert r.first_ids and r.first_ids == unclaimed[: len(r.first_ids)]
    assert r.all_count == N
    assert r.last_ids and r.last_ids == oldest_ids(path, len(r.last_ids))
    assert len(r.pages_after_scroll) <= 3
    where = {
        "status answered": "status = 'answered'",
        "channel": "channel_id = 3",
        "priority high+": "priority >= 2",
        "unclaimed, channel, urgent": "status = 'open' AND channel_id = 1 AND priority >= 3",
    }
    assert set(r.filters) == {name for name, _f in QUEUE_FILTERS}
    for name, (_seconds, count, ids) in r.filters.items():
        if name in where:
            expected = ids_in_order(path, f"SELECT id FROM mentions WHERE {where[name]}" + NEWEST)
        else:  # the search
            expected = _expected_search(path, QueueFilter(text="refund"))
        assert count == len(expected), name
        assert ids and ids == expected[: len(ids)], name


def _expected_search(path: Path, f: QueueFilter) -> list[int]:
    """The filter evaluated in Python over the pages the store was filled with."""
    mentions: list[dict[str, Any]] = []
    replies: dict[int, list[str]] = {}
    authors: dict[int, str] = {}
    for entity, items in store_pages(N):
        if entity == "mention":
            mentions.extend(items)
        elif entity == "reply":
            for item in items:
                replies.setdefault(item["mention_id"], []).append(item["body"])
        elif entity == "contact":
            authors.update({c["id"]: f"{c['handle']} {c.get('name') or ''}" for c in items})
    searching = bool(fold(f.text))
    out = []
    for m in mentions:
        if not passes_filters(m, f):
            continue
        # every word begins a word of the mention, a reply to it, or its author's handle or name
        document = [m["text"], *replies.get(m["id"], []), authors.get(m["contact_id"], "")]
        if not words_match(f.text, document):
            continue
        received = parse_iso(m["received_at"])
        # a search lists newest first by received second, then id (its index key)
        out.append((int(received) if searching else received, m["id"]))
    return [i for _r, i in sorted(out, reverse=True)]


def test_search(tmp_path: Path) -> None:
    path = tmp_path / "store.db"
    stats = fill_store(path, N)
    store = LocalStore(path)
    try:
        found_some = 0
        for typed, f in search_queries(36, stats.contacts):
            answer = run_search(store, f)
            expected = _expected_search(path, f)
            assert answer.count == len(expected), typed
            assert answer.ids == expected[:200], typed
            found_some += bool(expected)
        assert found_some > 10
    finally:
        store.close()


def test_cold_start(tmp_path: Path, team: TestServer) -> None:
    api = team.login("eva")
    head = api.get("/v1/bootstrap").json()
    home = prepare_cold_start(tmp_path / "home", team.url, "eva", str(api.token))
    fill_store(
        home.store_path,
        N,
        bench_head(
            me_id=head["me"]["id"], db_id=head["db_id"], cursor=head["cursor"], users=head["users"]
        ),
    )
    unclaimed = ids_in_order(home.store_path, "SELECT id FROM mentions WHERE status = 'open'")

    started = cold_start(home)

    assert started.rows == len(unclaimed)
    assert started.title.startswith("Webcare — Eva @ ")
    assert started.marks["first_rows_painted"] >= started.marks["window_shown"]


def test_pages_read_from_either_end_agree(tmp_path: Path) -> None:
    """A page in the second half is read backwards from the end: same rows, same order."""
    from webcare.client_store.records import Sort, View

    path = tmp_path / "store.db"
    fill_store(path, N)
    store = LocalStore(path)
    try:
        for f in (
            QueueFilter(view=View.ALL, sort=Sort.NEWEST),
            QueueFilter(view=View.ALL, sort=Sort.OLDEST),
            QueueFilter(view=View.UNCLAIMED, sort=Sort.PRIORITY),
            QueueFilter(view=View.ALL, min_priority=2, text="refund"),
        ):
            total = store.count(f)
            every = [r.id for r in store.rows(f, 0, total + 10)]
            assert len(every) == total
            for wanted in (0, total // 2 - 7, total // 2 + 1, total - 200, total - 3, total):
                offset = max(0, wanted)
                page = [r.id for r in store.rows(f, offset, 200, total=total)]
                assert page == every[offset : offset + 200], (f, offset)
    finally:
        store.close()


def test_open_mentions(tmp_path: Path) -> None:
    """The author context of every opened mention, against plain SQL over the same store."""
    path = tmp_path / "store.db"
    fill_store(path, N)
    opened = open_mentions(path, 40)
    assert len(opened) > 40
    conn = sqlite3.connect(path)
    try:
        for o in opened:
            contact, status = conn.execute(
                "SELECT contact_id, status FROM mentions WHERE id = ?", (o.mention_id,)
            ).fetchone()
            open_others = conn.execute(
                "SELECT count(*) FROM mentions WHERE contact_id = ? AND id != ?"
                " AND status IN ('open', 'claimed')",
                (contact, o.mention_id),
            ).fetchone()[0]
            assert o.open_count == open_others, (o, status)
    finally:
        conn.close()
    busiest = busiest_author_mentions(path, 5)
    assert busiest and all(b in {o.mention_id for o in opened} for b in busiest)
