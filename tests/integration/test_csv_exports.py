"""Every CSV Webcare writes is safe to open in a spreadsheet: text that would start a formula
(``=``, ``+``, ``-``, ``@``, tab, CR) leaves with a leading ``'``; numbers stay numbers. Through
a real server, real imports and the CLI."""

from __future__ import annotations

import csv
import io
import json
import time
from pathlib import Path

import pytest

from tests.support.server import running_server
from webcare.channels.webhook import signed_headers
from webcare.cli import main
from webcare.domain.models import Role
from webcare.reports.export import to_csv, workload_rows

FORMULA = '=HYPERLINK("http://x.example/steal","click")'

# A brand whose replies came before the tweets they answer (clocks apart): negative numbers.
TWCS = """tweet_id,author_id,inbound,created_at,text,response_tweet_id,in_response_to_tweet_id
1,brand,False,Tue Oct 31 22:10:47 +0000 2017,@cust we are on it,,2
2,cust,True,Tue Oct 31 22:08:27 +0000 2017,"@brand my phone is broken",1,
3,brand,False,Tue Oct 31 21:00:00 +0000 2017,@cust2 seen it,,4
4,cust2,True,Tue Oct 31 22:00:00 +0000 2017,@brand slow,3,
"""

# The generic CSV importer takes the channel and brand names from the admin and the authors
# from the file: every one of them may start a formula.
_QUOTED = '"' + FORMULA.replace('"', '""') + '"'
_QUOTED_AT = '"@' + FORMULA.replace('"', '""') + '"'
CSV = (
    "id,author,author_name,text,created_at\n"
    f"m1,{_QUOTED},{_QUOTED_AT},+1 -1 @everyone,2026-11-20T10:00:00Z\n"
)


def _cells(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def test_a_customers_formula_reaches_the_workload_csv_as_text(tmp_path: Path) -> None:
    with running_server(tmp_path, channels=False) as server:
        admin = server.user("anna", Role.ADMIN)
        eva, lars = server.user("eva"), server.user("lars", Role.LEAD)
        r = admin.post("/v1/channels", json={"connector": "webhook", "name": "Forum"})
        assert r.status_code == 201, r.text
        cid, secret = r.json()["id"], r.json()["generated_secrets"]["signing_secret"]
        mention = {
            "id": "m1",
            "text": "+1 -1 @everyone",
            "created_at": time.time() - 60,
            "author": {"id": "a1", "handle": FORMULA, "name": "@" + FORMULA},
        }
        body = json.dumps({"mentions": [mention]}).encode()
        r = server.anonymous().post(
            f"/v1/ingest/{cid}", data=body, headers=signed_headers(secret, body, time.time())
        )
        assert r.status_code == 202 and r.json()["accepted"] == 1, r.text
        (mid,) = [m["id"] for m in eva.get("/v1/bootstrap/mentions").json()["items"]]
        assert eva.post(f"/v1/mentions/{mid}/claim").status_code == 200
        workload = lars.get("/v1/reports/workload").json()
        rows = _cells(to_csv(workload_rows(workload)))
        (claim,) = [row for row in rows if row[1] == str(mid)]
        assert claim[2] == "'" + FORMULA
        held, remaining = float(claim[3]), float(claim[4])  # numbers stay numbers
        assert held >= 0 and remaining > 0


def test_cli_csv_neutralises_names_from_imported_data(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "team.db"
    (tmp_path / "mentions.csv").write_text(CSV, encoding="utf-8")
    imported = main(
        ["import", "csv", str(tmp_path / "mentions.csv"), "--db", str(db),
         "--channel", FORMULA, "--brand", FORMULA, "--handle", "@" + FORMULA]
    )  # fmt: skip
    assert imported == 0
    capsys.readouterr()
    assert main(["report", "response-times", "--db", str(db), "--by", "brand", "--csv"]) == 0
    rows = _cells(capsys.readouterr().out)
    assert rows[1][0] == "'" + FORMULA
    assert main(["report", "response-times", "--db", str(db), "--mentions", "--csv"]) == 0
    rows = _cells(capsys.readouterr().out)
    header, *mentions = rows
    (mention,) = [dict(zip(header, row, strict=True)) for row in mentions]
    assert mention["channel"] == "'" + FORMULA
    assert mention["brand"] == "'" + FORMULA


def test_cli_csv_writes_negative_numbers_as_numbers(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "team.db"
    (tmp_path / "twcs.csv").write_text(TWCS, encoding="utf-8")
    assert main(["import", "twcs", str(tmp_path / "twcs.csv"), "--db", str(db)]) == 0
    capsys.readouterr()
    assert main(["report", "response-times", "--db", str(db), "--mentions", "--csv"]) == 0
    header, *mentions = _cells(capsys.readouterr().out)
    by_name = [dict(zip(header, row, strict=True)) for row in mentions]
    # a reply posted before the tweet it answers: a negative number, written as a number
    assert sorted(m["platform_response_s"] for m in by_name) == ["-3600.0", "140.0"]
