"""Collect every benchmark's result into ``bench-results.md`` and print the table."""

from __future__ import annotations

import platform
from pathlib import Path

import pytest

from tests.benchmarks.common import RESULTS, scale, table

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
