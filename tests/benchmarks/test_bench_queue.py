"""Benchmark 3 (issue 6): opening the queue on a store of 1M mentions.

The real :class:`QueueModel` in a real ``QTableView``, in a fresh process (so its RSS is the
client's, not this test session's): first rows painted < 0.3 s, scrolling to the end loads only
the pages it shows, filters (status, channel, priority, search) never load all rows, and the
process stays under 400 MB RSS. Baseline, same run and file: a bare ``SELECT ... LIMIT 200``.

    QT_QPA_PLATFORM=offscreen .venv/bin/pytest -q -p no:cacheprovider \
        tests/benchmarks/test_bench_queue.py -s
"""

from __future__ import annotations

import pytest

from tests.benchmarks.client import oldest_ids, queue_open_in_subprocess
from tests.benchmarks.common import record
from tests.benchmarks.conftest import FilledStore
from webcare.ui.models.queue_model import MAX_PAGES, PAGE


@pytest.mark.timeout(1200)  # the session's 1M store is filled on first use
def test_queue_open(client_store: FilledStore) -> None:
    fill = client_store.fill
    record(
        "Client store fill (bootstrap applier)",
        f"{fill.rate:,.0f} mentions/s",
        "(reported)",
        True,
        mentions=f"{fill.mentions:,}",
        replies=f"{fill.replies:,}",
        apply_s=round(fill.seconds, 1),
        generate_s=round(fill.generate_s, 1),
    )
    r = queue_open_in_subprocess(client_store.path)

    assert r.count > 0 and r.first_ids
    assert r.all_count == fill.mentions
    assert r.last_ids == oldest_ids(client_store.path, len(r.last_ids))
    assert len(r.pages_after_scroll) <= 3, r.pages_after_scroll
    assert r.max_rows_loaded <= MAX_PAGES * PAGE

    record(
        "Queue open (1M): first rows painted",
        f"{r.painted_s * 1000:.0f} ms ({r.painted_s / r.baseline_count_s:.1f}× bare COUNT(*))",
        "< 300 ms",
        r.painted_s < 0.3,
        mentions=f"{fill.mentions:,}",
        unclaimed=f"{r.count:,}",
        first_rows_ms=round(r.first_rows_s * 1000),
        open_store_ms=round(r.open_store_s * 1000),
        bare_limit_200_ms=round(r.baseline_page_s * 1000, 1),
        bare_count_ms=round(r.baseline_count_s * 1000, 1),
    )
    slowest = max([r.all_first_s, r.scroll_end_s, *(s for s, _n, _ids in r.filters.values())])
    record(
        "Queue (1M): switch view / scroll to end / filter",
        f"slowest {slowest * 1000:.0f} ms",
        "< 300 ms each",
        slowest < 0.3,
        all_view_ms=round(r.all_first_s * 1000),
        scroll_end_ms=round(r.scroll_end_s * 1000),
        pages_after_scroll=len(r.pages_after_scroll),
        **{f"{name} ms": round(s * 1000) for name, (s, _n, _ids) in r.filters.items()},
    )
    record(
        "Queue (1M): client memory",
        f"{r.rss_mb:.0f} MB RSS",
        "< 400 MB",
        r.rss_mb < 400,
        qt_loaded_mb=round(r.rss_before_mb),
        max_rows_in_memory=r.max_rows_loaded,
    )
