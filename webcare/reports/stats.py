"""Small, exactly specified statistics (so hand computations can check them).

* median: the middle value; for an even count, the mean of the two middle values.
* p90: nearest rank: the value at 1-based rank ceil(0.9 * n) of the sorted values.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass


def median(values: Sequence[float]) -> float | None:
    if not values:
        return None
    s = sorted(values)
    mid = len(s) // 2
    if len(s) % 2:
        return s[mid]
    return (s[mid - 1] + s[mid]) / 2


def percentile(values: Sequence[float], p: float) -> float | None:
    """Nearest-rank percentile, ``0 < p <= 100``."""
    if not values:
        return None
    if not 0 < p <= 100:
        raise ValueError("p must be in (0, 100]")
    s = sorted(values)
    rank = math.ceil(p / 100 * len(s))
    return s[max(rank, 1) - 1]


@dataclass(frozen=True, slots=True)
class Summary:
    count: int
    median_s: float | None
    p90_s: float | None
    mean_s: float | None
    max_s: float | None

    @classmethod
    def of(cls, values: Sequence[float]) -> Summary:
        if not values:
            return cls(0, None, None, None, None)
        return cls(
            count=len(values),
            median_s=median(values),
            p90_s=percentile(values, 90),
            mean_s=sum(values) / len(values),
            max_s=max(values),
        )

    def as_dict(self) -> dict[str, float | int | None]:
        return {
            "count": self.count,
            "median_s": self.median_s,
            "p90_s": self.p90_s,
            "mean_s": self.mean_s,
            "max_s": self.max_s,
        }
