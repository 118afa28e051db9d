"""The server-side benchmarks of issue 6 at toy sizes: correctness only, never timing.

Each benchmark keeps its workload in a plain function with a size parameter and checks its own
results (counts, idempotency, no double grants, every client seeing every event); running
them small here keeps those checks, and the benchmarks themselves, from rotting.
"""

from __future__ import annotations

from pathlib import Path

from tests.benchmarks.test_bench_claims import run_claims
from tests.benchmarks.test_bench_ingest import run_bare, run_ingest
from tests.benchmarks.test_bench_propagation import run_propagation
from tests.benchmarks.test_bench_sync import run_sync


def test_ingest_workload(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "c").mkdir()
    run = run_ingest(300, tmp_path / "a", history_import=True)
    bare = run_bare(300, tmp_path / "b")
    assert run.mentions == bare.mentions == 300
    assert run.replies == bare.replies
    live = run_ingest(300, tmp_path / "c", history_import=False)
    assert live.mentions == 300


def test_initial_sync_workload(tmp_path: Path) -> None:
    run = run_sync(300, tmp_path, page_size=100)
    assert run.counts["mentions"] == 300
    assert run.pages >= 3


def test_claims_workload(tmp_path: Path) -> None:
    run = run_claims(20, 5, tmp_path, paced=10, think_s=0.01)
    assert run.claims == 40
    assert run.grants == run.replies == 20
    assert len(run.paced_claim_latencies) == 20


def test_propagation_workload(tmp_path: Path) -> None:
    run = run_propagation(6, 3, tmp_path)
    assert len(run.delays) == 18
