"""Shared test helpers."""

from __future__ import annotations

from typing import Any

from tests.support.server import Api, TestServer


def reply(seq: int, mid: int, epoch: int | None, body: str = "Sorry to hear! ^Eva",
          op: str | None = None) -> dict[str, Any]:  # fmt: skip
    return {
        "client_seq": seq,
        "op_id": op or f"op-{seq:08d}",
        "type": "reply",
        "mention_id": mid,
        "claim_epoch": epoch,
        "body": body,
    }


def send(api: Api, *mutations: dict[str, Any], client: str = "client-0001") -> Any:
    return api.post("/v1/mutations", json={"client_id": client, "mutations": list(mutations)})


def count(server: TestServer, sql: str) -> int:
    with server.ctx.db.read() as conn:
        return int(conn.execute(sql).fetchone()[0])


def claimed(server: TestServer, api: Api, mid: int) -> int:
    r = api.post(f"/v1/mentions/{mid}/claim")
    assert r.status_code == 200, r.text
    return int(r.json()["mention"]["claim_epoch"])
