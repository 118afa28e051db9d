"""Leads' and admins' server side: settings, business-time SLA, heatmap, backlog, workload."""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from tests.support.sample import SAMPLE, SAMPLE_EXIT
from tests.support.server import Api, FakeClock, TestServer, running_server
from webcare.cli import main
from webcare.domain.models import Role
from webcare.reports.export import response_times_rows, to_csv

AMS = ZoneInfo("Europe/Amsterdam")
HOURS = {
    "timezone": "Europe/Amsterdam",
    "weekly": {d: [["08:00", "22:00"]] for d in ("mon", "tue", "wed", "thu", "fri")}
    | {d: [["10:00", "18:00"]] for d in ("sat", "sun")},
    "holidays": ["2026-12-25"],
}


def local(text: str) -> float:
    return datetime.fromisoformat(text).replace(tzinfo=AMS).timestamp()


def reply(api: Api, who: str, seq: int, mid: int, *, template_id: int | None = None) -> None:
    epoch = api.post(f"/v1/mentions/{mid}/claim").json()["mention"]["claim_epoch"]
    r = api.post("/v1/mutations", json={"client_id": f"client-{who}", "mutations": [
        {"client_seq": seq, "op_id": f"op-{who}-{seq:04d}", "type": "reply", "mention_id": mid,
         "claim_epoch": epoch, "body": f"Hoi ^{who}", "template_id": template_id}]})  # fmt: skip
    assert r.json()["results"][0]["outcome"] == "accepted", r.text
    api.post(f"/v1/mentions/{mid}/release")


def test_settings_roles_and_validation(server: TestServer) -> None:
    eva, lars, anna = (server.user("eva"), server.user("lars", Role.LEAD),
                       server.user("anna", Role.ADMIN))  # fmt: skip
    assert eva.get("/v1/settings").status_code == 403
    defaults = lars.get("/v1/settings").json()
    assert defaults["sla_targets_s"] == {"low": 14400, "normal": 3600, "high": 1800, "urgent": 900}
    assert defaults["business_hours"]["timezone"] == "UTC"
    assert lars.put("/v1/settings/business-hours", json=HOURS).status_code == 403
    ok = anna.put("/v1/settings/business-hours", json=HOURS)
    assert ok.status_code == 200
    assert ok.json()["business_hours"]["weekly"]["sat"] == [["10:00", "18:00"]]
    bad = anna.put("/v1/settings/business-hours", json={**HOURS, "timezone": "Mars/Olympus"})
    assert bad.status_code == 422
    assert "Mars/Olympus" in bad.json()["message"]
    bad = anna.put("/v1/settings/business-hours",
                   json={**HOURS, "weekly": {"mon": [["22:00", "08:00"]]}})  # fmt: skip
    assert bad.status_code == 422
    targets = {"low": 7200, "normal": 3600, "high": 1800, "urgent": 600}
    assert anna.put("/v1/settings/sla-targets", json=targets).json()["sla_targets_s"] == targets
    r = anna.put("/v1/settings/auto-ack", json={"enabled": True, "template_id": 99})
    assert r.status_code == 422
    assert "active template" in r.json()["message"]
    actions = [e["action"] for e in anna.get("/v1/audit", params={"entity": "settings"}).json()]
    assert actions == ["settings.sla_targets", "settings.business_hours"]


def test_business_time_and_priority_targets(tmp_path: Path) -> None:
    clock = FakeClock(start=local("2026-11-20T21:55:00"))  # a Friday evening
    with running_server(tmp_path, clock=clock) as server:
        eva, lars, anna = (server.user("eva"), server.user("lars", Role.LEAD),
                           server.user("anna", Role.ADMIN))  # fmt: skip
        anna.put("/v1/settings/business-hours", json=HOURS)
        (friday,) = server.add_mentions(1, text="Vrijdagavond storing")
        clock.advance(local("2026-11-23T08:10:00") - clock())  # Monday 08:10
        reply(eva, "eva", 1, friday)
        (urgent, normal) = server.add_mentions(2, text="Maandag")
        with server.ctx.db.write() as conn:
            conn.execute("UPDATE mentions SET priority = 3 WHERE id = ?", (urgent,))
        clock.advance(1000)  # 16 min 40 s: over the urgent target (15 min), within normal (1 h)
        reply(eva, "eva", 2, urgent)
        reply(eva, "eva", 3, normal)

        def frt(basis: str) -> dict[int, Any]:
            data = lars.get(
                "/v1/reports/response-times",
                params={"basis": basis, "include_mentions": True, "by": "priority"},
            ).json()
            return {m["mention_id"]: m for m in data["mentions"]}

        calendar, business = frt("calendar"), frt("business")
        # Fri 21:55 -> Mon 08:10 is 58 h 15 min of calendar time ...
        assert calendar[friday]["first_response_s"] == 58 * 3600 + 15 * 60
        # ... but only 5 min (Fri) + 8 h (Sat) + 8 h (Sun) + 10 min (Mon) of business time
        assert business[friday]["first_response_s"] == 5 * 60 + 8 * 3600 + 8 * 3600 + 10 * 60
        assert calendar[friday]["sla_breached"] is True
        assert business[friday]["sla_breached"] is True  # 16 h 15 min > 1 h
        assert business[urgent]["sla_target_s"] == 900
        assert (business[urgent]["sla_breached"], business[normal]["sla_breached"]) == (True, False)
        groups = lars.get(
            "/v1/reports/response-times", params={"by": "priority", "basis": "business"}
        ).json()["groups"]
        assert [(g["key"], g["sla_breaches"]) for g in groups] == [("1 normal", 1), ("3 urgent", 1)]


def test_heatmap_matches_the_sample(tmp_path: Path) -> None:
    with running_server(tmp_path) as server:
        assert main(["import", "twcs", str(SAMPLE), "--db", str(server.db_path)]) == SAMPLE_EXIT
        lars = server.user("lars", Role.LEAD)
        grid = lars.get("/v1/reports/volume").json()
        assert grid["timezone"] == "UTC" and grid["weekdays"][0] == "Mon"
        expected: Counter[tuple[int, int]] = Counter()
        with SAMPLE.open(encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                if row["inbound"] == "True":
                    t = datetime.strptime(row["created_at"], "%a %b %d %H:%M:%S %z %Y")
                    expected[(t.weekday(), t.hour)] += 1
        got = {(d, h): n for d, row in enumerate(grid["counts"]) for h, n in enumerate(row) if n}
        assert got == dict(expected)
        assert sum(map(sum, grid["counts"])) == 49


def test_backlog_over_time(tmp_path: Path) -> None:
    clock = FakeClock(start=datetime(2026, 3, 2, 9, 0, tzinfo=ZoneInfo("UTC")).timestamp())
    with running_server(tmp_path, clock=clock) as server:
        eva, lars = server.user("eva"), server.user("lars", Role.LEAD)
        a, _b = server.add_mentions(2)  # Mon 09:00
        clock.advance(3600)
        reply(eva, "eva", 1, a)  # Mon 10:00: a is answered
        clock.advance(86400)
        server.add_mentions(1)  # Tue 10:00: c
        clock.advance(2 * 86400)  # Thu 10:00
        data = lars.get(
            "/v1/reports/backlog",
            params={
                "since": "2026-03-02T00:00:00Z",
                "until": "2026-03-05T00:00:00Z",
                "step": "day",
            },
        ).json()
        assert [(p["at"][:10], p["waiting"]) for p in data["points"]] == [
            ("2026-03-03", 1),  # end of Monday: b waits
            ("2026-03-04", 2),  # end of Tuesday: b and c
            ("2026-03-05", 2),
        ]
        hourly = lars.get(
            "/v1/reports/backlog",
            params={
                "since": "2026-03-02T08:30:00Z",
                "until": "2026-03-02T11:00:00Z",
                "step": "hour",
            },
        ).json()
        # points are the hour ends after 08:30: at 09:00 both have arrived, at 10:00 a is answered
        assert [(p["at"][11:16], p["waiting"]) for p in hourly["points"]] == [
            ("09:00", 2), ("10:00", 1), ("11:00", 1)]  # fmt: skip
        too_long = lars.get(
            "/v1/reports/backlog",
            params={
                "since": "2026-01-01T00:00:00Z",
                "until": "2026-03-05T00:00:00Z",
                "step": "hour",
            },
        )
        assert too_long.status_code == 422


def test_workload_and_template_usage(tmp_path: Path) -> None:
    clock = FakeClock()
    with running_server(tmp_path, clock=clock) as server:
        eva, tom = server.user("eva"), server.user("tom")
        lars, anna = server.user("lars", Role.LEAD), server.user("anna", Role.ADMIN)
        m1, m2, m3 = server.add_mentions(3)
        eva.post(f"/v1/mentions/{m1}/claim")
        clock.advance(120)
        eva.post(f"/v1/mentions/{m2}/claim")
        clock.advance(60)
        load = {a["name"]: a for a in lars.get("/v1/reports/workload").json()}
        assert load["Eva"]["count"] == 2 and load["Tom"]["count"] == 0
        assert [(c["mention_id"], c["held_for_s"]) for c in load["Eva"]["claims"]] == [
            (m1, 180.0), (m2, 60.0)]  # fmt: skip
        assert load["Eva"]["longest_s"] == 180.0
        assert eva.get("/v1/reports/workload").status_code == 403

        tpl = anna.post("/v1/templates", json={"title": "DM", "body": "Stuur een DM"}).json()
        eva.post(f"/v1/mentions/{m1}/release")
        reply(tom, "tom", 1, m1, template_id=tpl["id"])
        reply(tom, "tom", 2, m3, template_id=tpl["id"])
        usage = lars.get("/v1/reports/template-usage").json()
        assert usage == [{"template_id": tpl["id"], "title": "DM", "language": "nl",
                          "archived": False, "total": 2, "by_agent": {"Tom": 2}}]  # fmt: skip


def test_out_of_hours_acknowledgement(tmp_path: Path) -> None:
    clock = FakeClock(start=local("2026-11-22T03:00:00"))  # Sunday night
    with running_server(tmp_path, clock=clock) as server:
        anna, lars = server.user("anna", Role.ADMIN), server.user("lars", Role.LEAD)
        anna.put("/v1/settings/business-hours", json=HOURS)
        tpl = anna.post("/v1/templates", json={
            "title": "Buiten kantoortijd", "language": "nl",
            "body": "Hoi {{customer_handle}}, we zijn er weer om 10:00!"}).json()  # fmt: skip
        anna.put("/v1/settings/auto-ack", json={"enabled": True, "template_id": tpl["id"]})
        (night,) = server.add_mentions(1, author="nachtuil")
        detail = anna.get(f"/v1/mentions/{night}").json()
        assert [(r["body"], r["automatic"]) for r in detail["replies"]] == [
            ("Hoi @nachtuil, we zijn er weer om 10:00!", True)]  # fmt: skip
        assert detail["mention"]["status"] == "open"  # still waiting for a person
        report = lars.get("/v1/reports/response-times", params={"include_mentions": True}).json()
        assert report["mentions"][0]["first_response_s"] is None
        clock.advance(8 * 3600)  # Sunday 11:00: open
        (day,) = server.add_mentions(1)
        assert anna.get(f"/v1/mentions/{day}").json()["replies"] == []


def test_an_acknowledgement_that_asks_for_a_value_is_not_sent(tmp_path: Path) -> None:
    clock = FakeClock(start=local("2026-11-22T03:00:00"))  # Sunday night
    with running_server(tmp_path, clock=clock) as server:
        anna = server.user("anna", Role.ADMIN)
        anna.put("/v1/settings/business-hours", json=HOURS)
        tpl = anna.post("/v1/templates", json={"title": "Nacht", "body": "Tot morgen!"}).json()
        anna.put("/v1/settings/auto-ack", json={"enabled": True, "template_id": tpl["id"]})
        with server.ctx.db.write() as conn:  # written before the rules (the API refuses it)
            conn.execute("UPDATE templates SET body = 'Order {{ask:nummer}}?' WHERE id = ?",
                         (tpl["id"],))  # fmt: skip
        (night,) = server.add_mentions(1)
        assert anna.get(f"/v1/mentions/{night}").json()["replies"] == []
        skipped = [e for e in anna.get("/v1/audit").json() if e["action"] == "auto_ack.skipped"]
        assert "asks the agent for nummer" in str(skipped[0])


def test_an_acknowledgement_is_held_to_the_limit_as_the_platform_counts_it(
    tmp_path: Path,
) -> None:
    clock = FakeClock(start=local("2026-11-22T03:00:00"))  # Sunday night
    with running_server(tmp_path, clock=clock) as server:
        anna = server.user("anna", Role.ADMIN)
        anna.put("/v1/settings/business-hours", json=HOURS)

        def acknowledge(body: str, author: str) -> list[str]:
            tpl = anna.post("/v1/templates", json={"title": f"Nacht {author}", "body": body})
            assert tpl.status_code == 201, tpl.text
            setting = {"enabled": True, "template_id": tpl.json()["id"]}
            r = anna.put("/v1/settings/auto-ack", json=setting)
            assert r.status_code == 200, r.text
            (mid,) = server.add_mentions(1, brand="Masto", kind="mastodon", char_limit=500,
                                         author=author)  # fmt: skip
            return [r["body"] for r in anna.get(f"/v1/mentions/{mid}").json()["replies"]]

        # 490 characters, but Mastodon counts "@klantenservice_fan " in front: 510, skipped
        assert acknowledge("x" * 490, "klantenservice_fan") == []
        skipped = anna.get("/v1/audit").json()
        assert any(e["action"] == "auto_ack.skipped" for e in skipped)
        # far over 500 characters, but every link counts 23 on Mastodon: sent
        links = " ".join(f"https://www.example.org/nacht/storing?stap={i}" for i in range(15))
        assert len(links) > 500
        assert acknowledge(links, "jan") == [links]


def test_channels_can_be_switched_off(server: TestServer) -> None:
    server.add_mentions(1)
    eva, anna = server.user("eva"), server.user("anna", Role.ADMIN)
    (channel,) = eva.get("/v1/channels").json()
    cursor = eva.get("/v1/bootstrap").json()["cursor"]
    assert eva.patch(f"/v1/channels/{channel['id']}", json={"enabled": False}).status_code == 403
    r = anna.patch(f"/v1/channels/{channel['id']}", json={"enabled": False})
    assert r.status_code == 200 and r.json()["enabled"] is False
    feed = eva.get("/v1/changes", params={"since": cursor}).json()["changes"]
    assert [(c["entity"], c["data"]["enabled"]) for c in feed] == [("channel", False)]
    assert anna.patch("/v1/channels/999", json={"enabled": True}).status_code == 404


def test_cli_reports_as_csv(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with running_server(tmp_path) as server:
        assert main(["import", "twcs", str(SAMPLE), "--db", str(server.db_path)]) == SAMPLE_EXIT
        lars = server.user("lars", Role.LEAD)
        capsys.readouterr()
        endpoint = lars.get("/v1/reports/response-times", params={"by": "brand"}).json()
        assert main(["report", "response-times", "--db", str(server.db_path), "--by", "brand",
                     "--csv"]) == 0  # fmt: skip
        assert capsys.readouterr().out == to_csv(response_times_rows(endpoint))
        rows = list(csv.reader(io.StringIO(to_csv(response_times_rows(endpoint)))))
        assert rows[0][:3] == ["brand", "mentions", "answered"]
        assert next(r for r in rows if r[0] == "VirginTrains")[4] == "428.0"  # median
        for name in ("volume", "backlog", "template-usage"):
            assert main(["report", name, "--db", str(server.db_path), "--json"]) == 0
            json.loads(capsys.readouterr().out)
            assert main(["report", name, "--db", str(server.db_path), "--csv"]) == 0
            assert capsys.readouterr().out.count("\n") >= 1
