"""Opening a mention on a store of 1M mentions: its detail with the author context (earlier
conversations, other open mentions, tags; issue 14 item 8) and the author's conversation.

200 random mentions and 20 of the author with the most mentions; each is what the pane loads
when a row is selected. Baseline, same run and store: the mention's row by its primary key.

    QT_QPA_PLATFORM=offscreen .venv/bin/pytest -q -p no:cacheprovider \\
        tests/benchmarks/test_bench_detail.py -s
"""

from __future__ import annotations

import pytest

from tests.benchmarks.client import open_mentions
from tests.benchmarks.common import median, percentile, record
from tests.benchmarks.conftest import FilledStore


@pytest.mark.timeout(1200)  # the session's 1M store is filled on first use
def test_open_mention_p95(client_store: FilledStore) -> None:
    opened = open_mentions(client_store.path, 200)
    detail = [o.detail_s for o in opened]
    total = [o.detail_s + o.conversation_s for o in opened]
    bare = [o.bare_s for o in opened]
    p95 = percentile(total, 95)
    assert any(o.earlier or o.open_count for o in opened)  # the context had something to tell
    record(
        "Open a mention (1M): detail with author context + conversation",
        f"p95 {p95 * 1000:.1f} ms ({p95 / percentile(bare, 95):.0f}× a bare row by id)",
        "< 30 ms",
        p95 < 0.03,
        mentions=len(opened),
        detail_p95_ms=round(percentile(detail, 95) * 1000, 2),
        median_ms=round(median(total) * 1000, 2),
        max_ms=round(max(total) * 1000, 1),
        bare_row_p95_ms=round(percentile(bare, 95) * 1000, 3),
    )
