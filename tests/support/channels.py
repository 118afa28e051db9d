"""Shared test helpers."""

from __future__ import annotations

import json
import time
from typing import Any

from tests.support.fakes.graph import PAGE_ID, FakeGraph
from tests.support.fakes.whatsapp import PHONE_NUMBER_ID, WABA_ID, FakeWhatsApp
from tests.support.server import Api, TestServer, wait_until
from webcare.channels.webhook import signed_headers


def facebook_channel(
    admin: Api, fake: FakeGraph, name: str = "Webcare BV on Facebook"
) -> dict[str, Any]:
    r = admin.post(
        "/v1/channels",
        json={
            "connector": "facebook",
            "name": name,
            "brand": "Webcare",
            "config": {"page_id": PAGE_ID, "base_url": fake.base_url},
            "secrets": {"page_access_token": fake.token, "app_secret": fake.app_secret},
            "interval_s": 86_400,
        },
    )
    assert r.status_code == 201, r.text
    channel: dict[str, Any] = r.json()
    assert channel["hook_path"] == f"/v1/hooks/{channel['id']}"
    fake.webhook_url = admin.base_url + channel["hook_path"]
    return channel


def rows(srv: TestServer, sql: str, *args: Any) -> list[dict[str, Any]]:
    with srv.ctx.db.read() as conn:
        return [dict(r) for r in conn.execute(sql, args)]


def arrived(srv: TestServer, source_id: str, timeout: float = 10) -> dict[str, Any]:
    assert wait_until(lambda: mention_by_source(srv, source_id) is not None, timeout), source_id
    found = mention_by_source(srv, source_id)
    assert found is not None
    return found


class Agent:
    """An agent writing through the outbox, numbering the writes as a client does."""

    def __init__(self, api: Api) -> None:
        self.api = api
        self.seq = 0

    def write(self, mention_id: int, kind: str, **fields: Any) -> dict[str, Any]:
        self.seq += 1
        r = self.api.post(
            "/v1/mutations",
            json={
                "client_id": f"client-{id(self)}",
                "mutations": [
                    {
                        "client_seq": self.seq,
                        "op_id": f"op-{id(self)}-{self.seq}",
                        "type": kind,
                        "mention_id": mention_id,
                        **fields,
                    }
                ],
            },
        )
        assert r.status_code == 200, r.text
        result: dict[str, Any] = r.json()["results"][0]
        return result

    def reply(self, mention_id: int, body: str, **fields: Any) -> dict[str, Any]:
        r = self.api.post(f"/v1/mentions/{mention_id}/claim")
        assert r.status_code == 200, r.text
        epoch = r.json()["mention"]["claim_epoch"]
        return self.write(mention_id, "reply", body=body, claim_epoch=epoch, **fields)

    def detail(self, mention_id: int) -> dict[str, Any]:
        r = self.api.get(f"/v1/mentions/{mention_id}")
        assert r.status_code == 200, r.text
        data: dict[str, Any] = r.json()
        return data


def reply_state(srv: TestServer, reply_id: str) -> dict[str, Any]:
    return rows(srv, "SELECT * FROM replies WHERE id = ?", reply_id)[0]


def push(
    api: Api,
    channel_id: int,
    secret: str,
    payload: Any,
    *,
    at: float | None = None,
    signature: str | None = None,
) -> Any:
    body = json.dumps(payload).encode()
    headers = signed_headers(secret, body, time.time() if at is None else at)
    if signature is not None:
        headers["X-Webcare-Signature"] = signature
    return api.post(f"/v1/ingest/{channel_id}", data=body, headers=headers)


def mention(
    i: int,
    text: str = "Mijn internet doet het niet, wat moet ik doen?",
    followers: int = 12,
    handle: str = "jan",
) -> dict[str, Any]:
    return {
        "id": f"m{i}",
        "text": text,
        "created_at": "2026-11-20T10:00:00Z",
        "author": {
            "id": handle,
            "handle": f"@{handle}",
            "name": handle.title(),
            "followers": followers,
        },
        "url": f"https://example.invalid/{i}",
    }


def webhook_channel(admin: Api, reply_url: str | None = None) -> tuple[int, str]:
    config = {"reply_url": reply_url} if reply_url else {}
    r = admin.post(
        "/v1/channels",
        json={"connector": "webhook", "name": "Forum", "brand": "KPN", "config": config},
    )
    assert r.status_code == 201, r.text
    data = r.json()
    return data["id"], data["generated_secrets"]["signing_secret"]


def claim_and_reply(server: TestServer, api: Api, mid: int, body: str, seq: int = 1) -> str:
    r = api.post(f"/v1/mentions/{mid}/claim")
    assert r.status_code == 200, r.text
    epoch = r.json()["mention"]["claim_epoch"]
    op = f"op-reply-{mid:04d}-{seq}"
    r = api.post(
        "/v1/mutations",
        json={
            "client_id": f"client-{api.token}"[:40],
            "mutations": [
                {
                    "client_seq": seq,
                    "op_id": op,
                    "type": "reply",
                    "mention_id": mid,
                    "claim_epoch": epoch,
                    "body": body,
                }
            ],
        },
    )
    assert r.status_code == 200, r.text
    assert r.json()["results"][0]["outcome"] == "accepted", r.json()
    return op


def reply_row(server: TestServer, reply_id: str) -> dict[str, Any]:
    with server.ctx.db.read() as conn:
        row = conn.execute("SELECT * FROM replies WHERE id = ?", (reply_id,)).fetchone()
    return dict(row)


def mention_ids(server: TestServer, channel_id: int) -> list[int]:
    with server.ctx.db.read() as conn:
        return [
            r[0]
            for r in conn.execute(
                "SELECT id FROM mentions WHERE channel_id = ? ORDER BY source_id", (channel_id,)
            )
        ]


def mention_media(api: Api, mention_id: int) -> list[dict[str, Any]]:
    r = api.get(f"/v1/mentions/{mention_id}")
    assert r.status_code == 200, r.text
    items: list[dict[str, Any]] = r.json()["mention"]["media"]
    return items


def settled(api: Api, mention_id: int) -> bool:
    items = mention_media(api, mention_id)
    return bool(items) and all(m["state"] != "pending" for m in items)


def reply_with(
    api: Api, mention_id: int, body: str, media_ids: list[int], *, seq: int = 1
) -> dict[str, Any]:
    r = api.post(f"/v1/mentions/{mention_id}/claim")
    assert r.status_code == 200, r.text
    epoch = r.json()["mention"]["claim_epoch"]
    r = api.post(
        "/v1/mutations",
        json={
            "client_id": f"client-{api.token}"[:40],
            "mutations": [
                {
                    "client_seq": seq,
                    "op_id": f"op-media-{mention_id:04d}-{seq}",
                    "type": "reply",
                    "mention_id": mention_id,
                    "claim_epoch": epoch,
                    "body": body,
                    "media_ids": media_ids,
                }
            ],
        },
    )
    assert r.status_code == 200, r.text
    result: dict[str, Any] = r.json()["results"][0]
    return result


def upload(api: Api, data: bytes, content_type: str, **params: str) -> Any:
    return api.post("/v1/media", data=data, headers={"Content-Type": content_type}, params=params)


def whatsapp_channel(admin: Api, fake: FakeWhatsApp) -> dict[str, Any]:
    r = admin.post(
        "/v1/channels",
        json={
            "connector": "whatsapp",
            "name": "Webcare BV on WhatsApp",
            "brand": "Webcare",
            "config": {"phone_number_id": PHONE_NUMBER_ID, "waba_id": WABA_ID,
                       "base_url": fake.base_url},
            "secrets": {"access_token": fake.token, "app_secret": fake.app_secret},
            "interval_s": 86_400,
        },
    )  # fmt: skip
    assert r.status_code == 201, r.text
    channel: dict[str, Any] = r.json()
    assert channel["hook_path"] == f"/v1/hooks/{channel['id']}"
    assert channel["window_templates"] is True and channel["reply_window_s"] == 86_400
    assert len(channel["generated_secrets"]["verify_token"]) >= 24  # shown once, for Meta
    fake.webhook_url = admin.base_url + channel["hook_path"]
    return channel


def mention_by_source(srv: TestServer, source_id: str) -> dict[str, Any] | None:
    found = rows(srv, "SELECT * FROM mentions WHERE source_id = ?", source_id)
    return found[0] if found else None
