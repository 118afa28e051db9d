"""What every benchmark shares: timing, the size knob, and the results table.

Benchmarks report **ratios against a baseline measured in the same run** (these machines are
noisy; absolute times mean little) next to the absolute figures, and whether the target is met.
Every result is collected by ``tests/benchmarks/conftest.py`` into ``bench-results.md`` (printed
at the end of ``make bench``), the table that BENCHMARKS.md records.

``WEBCARE_BENCH_SCALE`` scales the data sets (1.0 = the sizes the issue names: 100k and 1M
mentions); the smoke tests in ``make test`` call the same functions with tiny sizes and check
only correctness.
"""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

RESULTS: list[Result] = []


def scale() -> float:
    return float(os.environ.get("WEBCARE_BENCH_SCALE", "1.0"))


def scaled(n: int, minimum: int = 100) -> int:
    return max(minimum, round(n * scale()))


@dataclass
class Result:
    """One row of the table."""

    name: str
    figure: str  # e.g. "0.62 of bare insert" or "p95 31 ms"
    target: str  # e.g. "≥ 0.5"
    met: bool
    details: dict[str, Any] = field(default_factory=dict)


def record(name: str, figure: str, target: str, met: bool, **details: Any) -> Result:
    result = Result(name, figure, target, met, details)
    RESULTS.append(result)
    print(f"\n[bench] {name}: {figure} (target {target}) {'MET' if met else 'MISSED'} {details}")
    return result


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    value = fn()
    return time.perf_counter() - start, value


def best_of(fn: Callable[[], Any], repeat: int = 3) -> float:
    """The fastest of ``repeat`` runs (the least disturbed by noise)."""
    return min(timed(fn)[0] for _ in range(repeat))


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100)."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = max(1, round(p / 100 * len(ordered) + 0.5 - 1e-9))
    return ordered[min(rank, len(ordered)) - 1]


def median(values: list[float]) -> float:
    return statistics.median(values)


def rss_mb() -> float:
    """This process's resident memory (Linux)."""
    with open("/proc/self/statm") as fh:
        pages = int(fh.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def table(results: list[Result]) -> str:
    lines = [
        "| Benchmark | Result | Target | Met | Details |",
        "|---|---|---|---|---|",
    ]
    for r in results:
        details = ", ".join(f"{k} {v}" for k, v in r.details.items())
        lines.append(
            f"| {r.name} | {r.figure} | {r.target} | {'yes' if r.met else 'NO'} | {details} |"
        )
    return "\n".join(lines) + "\n"
