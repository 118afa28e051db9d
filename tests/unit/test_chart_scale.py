"""The outlier rule of the lead's response-time chart (webcare/ui/team/chart_scale.py)."""

from __future__ import annotations

from webcare.ui.team.chart_scale import HEADROOM, robust_scale, time_unit

HOUR, YEAR = 3600.0, 365 * 86400.0


def test_one_answer_after_nine_years_is_cut_off_and_named() -> None:
    scale = robust_scale([0.5 * HOUR, 7 * HOUR, 9 * YEAR, 2 * HOUR])
    assert scale.outliers == (2,)
    assert scale.top == HEADROOM * 7 * HOUR


def test_ordinary_spread_keeps_the_whole_scale() -> None:
    assert robust_scale([600.0, 9000.0]).top is None  # 15 times: slow, not an outlier
    assert robust_scale([60.0]).top is None
    assert robust_scale([]).top is None
    assert robust_scale([None, 0.0, 120.0]).top is None


def test_outliers_are_never_the_majority() -> None:
    # two of three groups far above the third: the third is the odd one, nothing is cut
    assert robust_scale([HOUR, YEAR, YEAR]).top is None
    scale = robust_scale([HOUR, 2 * HOUR, YEAR, YEAR])  # half of them: cut
    assert scale.outliers == (2, 3) and scale.top == HEADROOM * 2 * HOUR


def test_units_keep_the_numbers_short() -> None:
    assert time_unit(90 * 60) == (60.0, "minutes")
    assert time_unit(20 * HOUR) == (3600.0, "hours")
    assert time_unit(10 * 86400) == (86400.0, "days")
