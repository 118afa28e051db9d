"""Response-time reports: the endpoint, the CLI and hand computations agree."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.support.sample import SAMPLE, SAMPLE_EXIT, first_brand_reply_delays
from tests.support.server import Api, FakeClock, TestServer, running_server
from webcare.cli import main
from webcare.domain.models import Role


@pytest.fixture
def sample_server(tmp_path: Path) -> Any:
    with running_server(tmp_path) as server:
        assert main(["import", "twcs", str(SAMPLE), "--db", str(server.db_path)]) == SAMPLE_EXIT
        yield server


def report(api: Api, **params: Any) -> dict[str, Any]:
    r = api.get("/v1/reports/response-times", params=params)
    assert r.status_code == 200, r.text
    body: dict[str, Any] = r.json()
    return body


def group(data: dict[str, Any], key: str) -> dict[str, Any]:
    return next(g for g in data["groups"] if g["key"] == key)


def test_sample_figures_match_a_hand_computation(sample_server: TestServer) -> None:
    lead = sample_server.user("lars", Role.LEAD)
    data = report(lead, by="brand", sla_s=3600)

    # VirginTrains, by hand from the CSV:
    #   119242 15:09:00 -> 119240 15:16:08 = 428 s
    #   119241 15:17:21 -> 119243 15:25:14 = 473 s
    #   119244 15:26:44 -> 119245 15:33:22 = 398 s
    vt = group(data, "VirginTrains")["first_response"]
    assert (vt["count"], vt["median_s"], vt["p90_s"]) == (3, 428.0, 473.0)

    # British Airways: 119265 10:42:43 -> 119264 13:36:31 = 10428 s (the 2/2 part is later)
    #                  119302 13:47:24 -> 119303 16:28:34 = 9670 s
    ba = group(data, "British_Airways")
    assert ba["first_response"]["median_s"] == (10428 + 9670) / 2
    assert ba["sla_breaches"] == 2

    # Tesco: 50, 111, 121, 141, 347, 3522, 5569 s; median = 141, p90 = rank 7 of 7 = 5569
    tesco = group(data, "Tesco")
    assert tesco["first_response"]["median_s"] == 141.0
    assert tesco["first_response"]["p90_s"] == 5569.0
    assert tesco["mentions"] == 8 and tesco["answered"] == 7
    assert tesco["sla_breaches"] == 1  # 5569 s > 1 h
    assert tesco["open_breaches"] == 1  # 119321 was never answered

    summary = data["summary"]
    assert summary["mentions"] == 49
    assert summary["answered"] == 41
    # imported history: platform response time and first response time are the same thing
    assert summary["platform_response"] == summary["first_response"]


def test_every_mention_matches_an_independent_reading(sample_server: TestServer) -> None:
    lead = sample_server.user("lars", Role.LEAD)
    data = report(lead, by="brand", include_mentions=True)
    with sample_server.ctx.db.read() as conn:
        source = dict(conn.execute("SELECT id, source_id FROM mentions").fetchall())
    got = {
        source[m["mention_id"]]: (m["first_response_s"], m["brand"])
        for m in data["mentions"]
        if m["first_response_s"] is not None
    }
    assert got == first_brand_reply_delays()


def test_cli_prints_the_same_figures_as_the_endpoint(
    sample_server: TestServer, capsys: pytest.CaptureFixture[str]
) -> None:
    lead = sample_server.user("lars", Role.LEAD)
    for by in ("agent", "brand", "day", "hour"):
        endpoint = report(lead, by=by, sla_s=1800)
        capsys.readouterr()
        code = main(
            ["report", "response-times", "--db", str(sample_server.db_path), "--by", by,
             "--sla-minutes", "30", "--json"]
        )  # fmt: skip
        assert code == 0
        cli = json.loads(capsys.readouterr().out)
        for d in (endpoint, cli):
            d.pop("generated_at")
        assert cli == endpoint
    main(["report", "response-times", "--db", str(sample_server.db_path), "--by", "agent"])
    table = capsys.readouterr().out
    assert "MM (VirginTrains)" in table
    assert "7m 16s" in table  # MM answered in 398 s and 473 s: median 435.5 s


def test_agents_and_anonymous_cannot_read_reports(sample_server: TestServer) -> None:
    assert sample_server.user("eva").get("/v1/reports/response-times").status_code == 403
    assert sample_server.anonymous().get("/v1/reports/response-times").status_code == 401


def test_date_range_and_bad_parameters(sample_server: TestServer) -> None:
    lead = sample_server.user("lars", Role.LEAD)
    day = report(lead, by="day")
    assert [g["key"] for g in day["groups"]] == ["2017-10-10", "2017-10-11", "2017-10-12"]
    only_12th = report(lead, by="day", since="2017-10-12T00:00:00Z", until="2017-10-13")
    assert [g["key"] for g in only_12th["groups"]] == ["2017-10-12"]
    assert only_12th["summary"]["mentions"] == group(day, "2017-10-12")["mentions"]
    bad = lead.get(
        "/v1/reports/response-times", params={"since": "2017-10-12", "until": "2017-10-11"}
    )
    assert bad.status_code == 422
    assert lead.get("/v1/reports/response-times", params={"by": "planet"}).status_code == 422
    assert lead.get("/v1/reports/response-times", params={"sla_s": -1}).status_code == 422


def test_generated_history_through_the_api(tmp_path: Path) -> None:
    """Replies sent through the real claim + outbox path, on a server clock the test moves."""
    clock = FakeClock(start=1_767_225_600.0)  # 2026-01-01 00:00 UTC, a Thursday
    with running_server(tmp_path, clock=clock) as server:
        eva, tom = server.user("eva"), server.user("tom")
        lead = server.user("lars", Role.LEAD)
        a, b, c = server.add_mentions(3)  # all received at 00:00
        seq = {"eva": 0, "tom": 0}

        def answer(api: Api, who: str, mid: int, after_s: float, close: bool = False) -> None:
            clock.advance(after_s)
            epoch = api.post(f"/v1/mentions/{mid}/claim").json()["mention"]["claim_epoch"]
            seq[who] += 1
            muts = [{"client_seq": seq[who], "op_id": f"op-{who}-{seq[who]:04d}", "type": "reply",
                     "mention_id": mid, "claim_epoch": epoch, "body": f"Hi ^{who}"}]  # fmt: skip
            if close:
                seq[who] += 1
                muts.append({"client_seq": seq[who], "op_id": f"op-{who}-{seq[who]:04d}",
                             "type": "set_status", "mention_id": mid,
                             "status": "closed"})  # fmt: skip
            r = api.post("/v1/mutations", json={"client_id": f"client-{who}", "mutations": muts})
            assert all(x["outcome"] == "accepted" for x in r.json()["results"]), r.text
            api.post(f"/v1/mentions/{mid}/release")  # done: the next agent may follow up

        answer(eva, "eva", a, 300, close=True)  # first response 300 s, resolved at 300 s
        answer(tom, "tom", b, 600)  # 900 s
        answer(eva, "eva", b, 60)  # a second reply does not change the first response time
        clock.advance(7200)  # c is still unanswered after 2 h 16 min
        data = report(lead, by="agent", sla_s=600, include_mentions=True)

        assert group(data, "Eva")["first_response"]["median_s"] == 300.0
        assert group(data, "Tom")["first_response"]["median_s"] == 900.0
        assert group(data, "Tom")["sla_breaches"] == 1
        s = data["summary"]
        assert s["first_response"] == {
            "count": 2, "median_s": 600.0, "p90_s": 900.0, "mean_s": 600.0, "max_s": 900.0,
        }  # fmt: skip
        assert s["resolution"]["count"] == 1 and s["resolution"]["median_s"] == 300.0
        assert (s["sla_breaches"], s["open_breaches"]) == (1, 1)
        hours = report(lead, by="hour")
        assert [g["key"] for g in hours["groups"]] == ["00:00"]
        per_mention = {m["mention_id"]: m for m in data["mentions"]}
        assert per_mention[c]["first_response_s"] is None
        assert per_mention[c]["sla_breached"] is True
