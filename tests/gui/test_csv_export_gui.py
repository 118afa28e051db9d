"""The lead's "Export CSV…" writes what a spreadsheet shows as text: a customer's handle
``=HYPERLINK(…)`` (pushed through the signed webhook) is not a live formula there."""

from __future__ import annotations

import csv
import json
import time
from pathlib import Path

from pytestqt.qtbot import QtBot

from tests.support.gui import OpenClient
from tests.support.server import TestServer
from webcare.channels.webhook import signed_headers
from webcare.domain.models import Role
from webcare.reports.export import to_csv, workload_rows
from webcare.ui.team.workload_view import WorkloadView

FORMULA = '=HYPERLINK("http://x.example","open")'


def test_workload_export_neutralises_a_customers_formula(
    open_client: OpenClient, team: TestServer, qtbot: QtBot, tmp_path: Path
) -> None:
    admin = team.user("anna", Role.ADMIN)
    r = admin.post("/v1/channels", json={"connector": "webhook", "name": "Forum"})
    assert r.status_code == 201, r.text
    cid, secret = r.json()["id"], r.json()["generated_secrets"]["signing_secret"]
    body = json.dumps({"mentions": [{
        "id": "m1", "text": "help", "created_at": time.time() - 60,
        "author": {"id": "a1", "handle": FORMULA, "name": FORMULA},
    }]}).encode()  # fmt: skip
    r = team.anonymous().post(
        f"/v1/ingest/{cid}", data=body, headers=signed_headers(secret, body, time.time())
    )
    assert r.status_code == 202 and r.json()["accepted"] == 1, r.text
    eva, lars = open_client("eva"), open_client("lars")
    with team.ctx.db.read() as conn:
        (mid,) = [row[0] for row in conn.execute("SELECT id FROM mentions")]
    eva.api.claim(mid)
    window = lars.controller.open_team("workload")
    qtbot.addWidget(window)
    view = window.views["workload"]
    assert isinstance(view, WorkloadView)
    qtbot.waitUntil(lambda: view.table.model.rowCount() == 1, timeout=10_000)
    path = tmp_path / "workload.csv"
    view.table.export.export_to(path)
    written = path.read_text(encoding="utf-8")
    assert written == to_csv(workload_rows(view.agents))  # the same bytes as the shared writer
    rows = list(csv.reader(written.splitlines()))
    (claim,) = [row for row in rows if row[1] == str(mid)]
    assert claim[0] == "Eva" and claim[2] == "'" + FORMULA
    assert float(claim[4]) > 0  # a number stays a number
