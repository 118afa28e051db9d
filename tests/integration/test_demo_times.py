"""The demo lives now: its sample is shifted so the newest mention is minutes old, and a reply
written in the demo gets a first response of minutes or hours, not of years."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

import requests

from webcare.server.demo import DEMO_PASSWORD


def _ts(iso: str) -> float:
    return datetime.fromisoformat(iso.replace("Z", "+00:00")).timestamp()


def test_the_demo_sample_is_shifted_to_now_and_replies_time_sanely(tmp_path: Path) -> None:
    started = time.time()
    proc = subprocess.Popen(
        [sys.executable, "-m", "webcare", "demo", "--server-only", "--port", "0",
         "--db", str(tmp_path / "demo.db")],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert proc.stdout is not None
        lines = [proc.stdout.readline() for _ in range(3)]
        found = re.search(r"(http://127\.0\.0\.1:\d+)", lines[2])
        assert found, lines
        url = found.group(1)

        def signed_in(username: str) -> requests.Session:
            s = requests.Session()
            login = {"username": username, "password": DEMO_PASSWORD}
            r = s.post(url + "/v1/auth/login", json=login, timeout=20)
            assert r.status_code == 200, r.text
            s.headers["Authorization"] = f"Bearer {r.json()['token']}"
            return s

        eva, lars = signed_in("eva"), signed_in("lars")
        page = eva.get(url + "/v1/bootstrap/mentions", params={"limit": 1000}, timeout=20).json()
        mentions = page["items"]
        assert len(mentions) == 49
        now = time.time()
        received = [_ts(m["received_at"]) for m in mentions]
        assert max(received) <= now  # nothing in the future
        assert now - max(received) < 15 * 60  # the newest mention is minutes old
        assert started - min(received) < 3 * 86400  # the sample spans two days, not nine years

        # eva answers the newest open mention; the report's first response is its real wait
        target = max((m for m in mentions if m["status"] == "open"),
                     key=lambda m: _ts(m["received_at"]))  # fmt: skip
        mid = target["id"]
        epoch = eva.post(f"{url}/v1/mentions/{mid}/claim", timeout=20).json()["mention"][
            "claim_epoch"
        ]
        answered_at = time.time()
        r = eva.post(url + "/v1/mutations", timeout=20, json={
            "client_id": "demo-eva", "mutations": [
                {"client_seq": 1, "op_id": "demo-op-1", "type": "reply", "mention_id": mid,
                 "claim_epoch": epoch, "body": "Sorry to hear that! ^Eva"}]})  # fmt: skip
        assert r.json()["results"][0]["outcome"] == "accepted", r.text
        data = lars.get(url + "/v1/reports/response-times",
                        params={"include_mentions": "true"}, timeout=20).json()  # fmt: skip
        row = next(m for m in data["mentions"] if m["mention_id"] == mid)
        expected = answered_at - _ts(target["received_at"])
        assert abs(row["first_response_s"] - expected) < 30
        assert 0 < row["first_response_s"] < 3 * 86400
        assert data["summary"]["first_response"]["p90_s"] < 3 * 86400
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.communicate(timeout=15)
