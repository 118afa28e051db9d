"""Collect every benchmark's result into ``bench-results.md`` and print the table."""

from __future__ import annotations

import platform
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.benchmarks.client import FillStats, fill_in_subprocess
from tests.benchmarks.common import RESULTS, scale, scaled, table

OUT = Path(__file__).resolve().parents[2] / "bench-results.md"


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if not RESULTS:
        return
    head = (
        f"Run on {platform.node()} ({platform.machine()}, {platform.python_version()}),"
        f" scale {scale():g}.\n\n"
    )
    OUT.write_text(head + table(RESULTS), encoding="utf-8")
    print("\n\n" + head + table(RESULTS))


# --- the client's 1M-mention store, filled once per session (benchmarks 3 and 4) ----------


@dataclass(frozen=True)
class FilledStore:
    path: Path
    fill: FillStats


@pytest.fixture(scope="session")
def client_store(tmp_path_factory: pytest.TempPathFactory) -> FilledStore:
    """A client store with ``scaled(1_000_000)`` mentions, filled through the real applier (in a
    child process, so this process does not keep the generated history in its memory)."""
    path = tmp_path_factory.mktemp("client-store") / "store.db"
    stats = fill_in_subprocess(path, scaled(1_000_000))
    print(
        f"\n[bench] client store: {stats.mentions:,} mentions, {stats.replies:,} replies applied"
        f" in {stats.seconds:.1f} s ({stats.rate:,.0f} mentions/s; generating them"
        f" {stats.generate_s:.1f} s)"
    )
    return FilledStore(path, stats)
