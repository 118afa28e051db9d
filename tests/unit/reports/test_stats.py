from __future__ import annotations

import pytest

from webcare.reports.stats import Summary, median, percentile


def test_median_and_nearest_rank_p90() -> None:
    assert median([]) is None
    assert median([5]) == 5
    assert median([3, 1, 2]) == 2
    assert median([4, 1, 3, 2]) == 2.5
    values = list(range(1, 11))  # 1..10: rank ceil(9) = 9
    assert percentile(values, 90) == 9
    assert percentile([10, 20, 30], 90) == 30  # rank ceil(2.7) = 3
    assert percentile([7], 90) == 7
    with pytest.raises(ValueError, match="p must be"):
        percentile([1], 0)


def test_summary() -> None:
    s = Summary.of([398, 428, 473])
    assert s.as_dict() == {
        "count": 3, "median_s": 428, "p90_s": 473, "mean_s": 433.0, "max_s": 473,
    }  # fmt: skip
    assert Summary.of([]).as_dict()["count"] == 0
