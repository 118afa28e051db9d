"""A value axis that one outlier cannot flatten (pure Python: no Qt, easy to test).

A single mention from an imported 2017 history answered today has a first response of nine
years; scaled to it, every other bar of the chart is a line on the floor. The rule, applied to
the values that set the scale (the p90 of each group):

* Sort them. The lowest value in the upper half that is more than ``RATIO`` (20) times the
  value below it starts the outliers (a bar 20 times the next would shrink that one to a sliver).
* The scale then ends at ``HEADROOM`` (1.5) times the largest value that is not an outlier;
  whatever is above it is drawn cut off at that end and named under the chart.
* Without outliers the scale ends at the largest value (``top`` is None).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

RATIO = 20.0
HEADROOM = 1.5


@dataclass(frozen=True)
class Scale:
    top: float | None  # where the axis ends; None: at the largest value
    outliers: tuple[int, ...]  # indexes (into the values given) above ``top``


def robust_scale(values: Sequence[float | None]) -> Scale:
    positive = sorted(
        (float(v), i) for i, v in enumerate(values) if v is not None and math.isfinite(v) and v > 0
    )
    n = len(positive)
    for cut in range(max(1, math.ceil(n / 2)), n):
        if positive[cut][0] > RATIO * positive[cut - 1][0]:
            top = HEADROOM * positive[cut - 1][0]
            return Scale(top, tuple(sorted(i for _v, i in positive[cut:])))
    return Scale(None, ())


def time_unit(top_s: float) -> tuple[float, str]:
    """Seconds per unit and the unit's key for an axis reaching ``top_s`` seconds: minutes up
    to 3 hours, hours up to 3 days, else days (so the numbers stay short)."""
    if top_s <= 3 * 3600:
        return 60.0, "minutes"
    if top_s <= 3 * 86400:
        return 3600.0, "hours"
    return 86400.0, "days"
