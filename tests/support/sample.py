"""The bundled twcs sample, and an independent reading of it for checking reports."""

from __future__ import annotations

import csv
from datetime import datetime
from pathlib import Path

SAMPLE = Path(__file__).parents[2] / "webcare" / "data" / "twcs_sample.csv"
#: ``webcare import twcs`` of the sample says it skipped rows (exit 3): two of its brand
#: replies answer tweets that are not in the sample.
SAMPLE_EXIT = 3
SAMPLE_SKIPPED = ("119332", "119246")  # those two replies


def _ts(text: str) -> float:
    return datetime.strptime(text, "%a %b %d %H:%M:%S %z %Y").timestamp()


def first_brand_reply_delays() -> dict[str, tuple[float, str]]:
    """tweet id of each answered customer tweet -> (seconds to the first brand reply, brand).

    Written independently of the importer, straight from the CSV columns.
    """
    with SAMPLE.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    by_id = {r["tweet_id"]: r for r in rows}
    first: dict[str, tuple[float, float, str]] = {}
    for r in rows:
        parent = by_id.get(r["in_response_to_tweet_id"])
        if r["inbound"] == "False" and parent is not None and parent["inbound"] == "True":
            at = _ts(r["created_at"])
            delay = at - _ts(parent["created_at"])
            key = parent["tweet_id"]
            if key not in first or at < first[key][1]:
                first[key] = (delay, at, r["author_id"])
    return {k: (v[0], v[2]) for k, v in first.items()}
