"""Benchmark 4 (issue 6): search over 1M mentions, p95 < 50 ms.

100 searches drawn from the synthetic vocabulary, as an agent types them (words, ``@handle``,
``tag:``, ``prio:``, ``since:``), most combined with a status or channel filter. Each search is
what the queue runs: the first page of 200 and the count. Baseline, same run and store: a bare
FTS5 ``MATCH`` of the same words (first page of rowids and the count).

    QT_QPA_PLATFORM=offscreen .venv/bin/pytest -q -p no:cacheprovider \
        tests/benchmarks/test_bench_search.py -s
"""

from __future__ import annotations

import pytest

from tests.benchmarks.client import bare_match, run_search, search_queries
from tests.benchmarks.common import median, percentile, record
from tests.benchmarks.conftest import FilledStore
from webcare.client_store.store import LocalStore


@pytest.mark.timeout(1200)  # the session's 1M store is filled on first use
def test_search_p95(client_store: FilledStore) -> None:
    queries = search_queries(100, client_store.fill.contacts)
    store = LocalStore(client_store.path)
    try:
        run_search(store, queries[0][1])  # warm the page cache once, like an open window
        answers = [(typed, run_search(store, f)) for typed, f in queries]
        bare = [bare_match(store.conn, f.text) for _typed, f in queries if f.text]
    finally:
        store.close()
    times = [a.seconds for _t, a in answers]
    p95 = percentile(times, 95)
    bare_p95 = percentile(bare, 95)
    slowest = sorted(answers, key=lambda ta: ta[1].seconds)[-3:]
    assert any(a.count for _t, a in answers)
    record(
        "Search (1M) p95",
        f"p95 {p95 * 1000:.0f} ms ({p95 / bare_p95:.1f}× bare FTS5 MATCH p95)",
        "< 50 ms",
        p95 < 0.05,
        queries=len(times),
        median_ms=round(median(times) * 1000, 1),
        max_ms=round(max(times) * 1000),
        bare_match_p95_ms=round(bare_p95 * 1000, 1),
        slowest=" / ".join(f"'{t}' {a.seconds * 1000:.0f} ms" for t, a in slowest),
    )
