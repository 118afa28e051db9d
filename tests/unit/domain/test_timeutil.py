from __future__ import annotations

from webcare.domain.timeutil import iso, parse_iso, utc_day, utc_hour


def test_round_trip() -> None:
    ts = 1507705004.25  # 2017-10-11T06:56:44.250Z
    assert iso(ts) == "2017-10-11T06:56:44.250Z"
    assert parse_iso("2017-10-11T06:56:44.250Z") == ts
    assert parse_iso("2017-10-11T08:56:44.250+02:00") == ts
    assert parse_iso("2017-10-11T06:56:44.250") == ts
    assert iso(None) is None
    assert utc_day(ts) == "2017-10-11"
    assert utc_hour(ts) == 6
