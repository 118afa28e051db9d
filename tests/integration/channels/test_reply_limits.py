"""What the team server accepts is what the platform accepts: replies counted as the platform
counts them (Mastodon's mention in front, links as 23, graphemes; Bluesky's graphemes and
bytes), a taken Bluesky record key settled by lookup, and a proxy's HTML error page shown to
admins and agents as a short readable line. All through uvicorn on 127.0.0.1, a real SQLite file,
the channel runner and the local fake platforms."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support.fakes.bluesky import FakeBluesky
from tests.support.fakes.mastodon import FakeMastodon
from tests.support.server import Api, TestServer, running_server, wait_until
from webcare.domain.models import Role

KEYCAP = "1\ufe0f\u20e3"  # one grapheme, three code points, seven UTF-8 bytes
FAMILY = "\U0001f468\u200d\U0001f469\u200d\U0001f467\u200d\U0001f466"  # one grapheme, 25 bytes
PROXY_502 = (
    b"<html><body><h1>502 Bad Gateway</h1><hr><center>nginx/1.25.3</center>"
    b"<script>console.log('<b>')</script></body></html>"
)

WAF_403 = (
    b'<!DOCTYPE HTML PUBLIC "-//IETF//DTD HTML 2.0//EN">\n<html><head>\n'
    b"<title>403 Forbidden</title>\n</head><body>\n<h1>Forbidden</h1>\n"
    b"<p>You don't have permission to access this resource.</p>\n</body></html>\n"
)


@pytest.fixture
def fast(tmp_path: Path) -> Iterator[TestServer]:
    """Channels fetched every 0.1 s and failed deliveries retried after ~50 ms."""
    with running_server(tmp_path, delivery_base_s=0.05, channel_tick_s=0.1) as srv:
        yield srv


def add_channel(admin: Api, connector: str, config: dict[str, Any], secrets: dict[str, str]) -> int:
    r = admin.post(
        "/v1/channels",
        json={
            "connector": connector,
            "name": f"Brand on {connector}",
            "brand": "Brand",
            "config": config,
            "secrets": secrets,
        },
    )
    assert r.status_code == 201, r.text
    return int(r.json()["id"])


def mention_id(server: TestServer, channel_id: int, handle: str) -> int:
    def find() -> int | None:
        with server.ctx.db.read() as conn:
            row = conn.execute(
                "SELECT m.id FROM mentions m JOIN contacts c ON c.id = m.contact_id"
                " WHERE m.channel_id = ? AND c.handle = ?",
                (channel_id, handle),
            ).fetchone()
        return None if row is None else int(row[0])

    assert wait_until(lambda: find() is not None, 15), f"no mention from {handle}"
    found = find()
    assert found is not None
    return found


def reply(api: Api, mid: int, body: str, seq: int) -> dict[str, Any]:
    r = api.post(f"/v1/mentions/{mid}/claim")
    assert r.status_code == 200, r.text
    epoch = r.json()["mention"]["claim_epoch"]
    r = api.post(
        "/v1/mutations",
        json={
            "client_id": "client-limits-test",
            "mutations": [
                {
                    "client_seq": seq,
                    "op_id": f"op-limits-{seq:04d}",
                    "type": "reply",
                    "mention_id": mid,
                    "claim_epoch": epoch,
                    "body": body,
                }
            ],
        },
    )
    assert r.status_code == 200, r.text
    result: dict[str, Any] = r.json()["results"][0]
    return result


def delivery(server: TestServer, reply_id: str) -> dict[str, Any]:
    with server.ctx.db.read() as conn:
        row = conn.execute("SELECT * FROM replies WHERE id = ?", (reply_id,)).fetchone()
    return dict(row) if row is not None else {}


def sent(server: TestServer, reply_id: str, timeout: float = 15) -> dict[str, Any]:
    assert wait_until(
        lambda: delivery(server, reply_id).get("delivery_state") in {"sent", "failed"}, timeout
    )
    row = delivery(server, reply_id)
    assert row["delivery_state"] == "sent", row
    return row


# --- Mastodon ---------------------------------------------------------------------------------
def test_mastodon_replies_are_counted_as_the_status_mastodon_will_count(fast: TestServer) -> None:
    admin = fast.user("anna", Role.ADMIN)
    eva = fast.user("eva")
    with FakeMastodon() as masto:
        masto.add_mention("<p>@brand mijn modem knippert</p>", acct="klantenservice_fan")
        masto.add_mention("<p>@brand storing in Utrecht?</p>", acct="jan@other.example")
        cid = add_channel(admin, "mastodon", {"base_url": masto.base_url},
                          {"access_token": masto.token})  # fmt: skip
        local = mention_id(fast, cid, "@klantenservice_fan")
        remote = mention_id(fast, cid, "@jan@other.example")

        # 494 characters: "@klantenservice_fan " in front makes 514 on Mastodon
        refused = reply(eva, local, "x" * 494, seq=1)
        assert refused["outcome"] == "rejected" and refused["reason"] == "too_long"
        assert refused["message"] == (
            "The reply is 514 characters as Mastodon counts them; the limit is 500."
        )
        assert refused["body"] == "x" * 494  # handed back, not lost
        assert delivery(fast, "op-limits-0001") == {}

        # 494 characters to a remote account: "@jan " counts 5 on Mastodon, 499 in all
        fits = reply(eva, remote, "y" * 494, seq=2)
        assert fits["outcome"] == "accepted", fits
        sent(fast, "op-limits-0002")

        # far over 500 code points, but every link counts 23: Mastodon takes it
        url = "https://www.example.org/support/storingen/utrecht?modem=knippert&stap="
        links = " ".join(f"{url}{i}" for i in range(12))
        assert len(links) > 500
        linked = reply(eva, remote, links, seq=3)
        assert linked["outcome"] == "accepted", linked
        sent(fast, "op-limits-0003")
        assert len(masto.posted) == 2
        assert [r.json()["status"] for r in masto.calls("/api/v1/statuses", "POST")] == [
            "@jan@other.example " + "y" * 494,
            "@jan@other.example " + links,
        ]


# --- Bluesky ----------------------------------------------------------------------------------
def bluesky_channel(admin: Api, fake: FakeBluesky) -> int:
    return add_channel(
        admin,
        "bluesky",
        {"service_url": fake.base_url, "identifier": fake.handle},
        {"app_password": fake.password},
    )


def test_bluesky_replies_are_counted_in_graphemes_and_bytes(fast: TestServer) -> None:
    admin = fast.user("anna", Role.ADMIN)
    eva = fast.user("eva")
    with FakeBluesky() as sky:
        sky.add_mention("@brand.bsky.social help", handle="jan.bsky.social")
        cid = bluesky_channel(admin, sky)
        mid = mention_id(fast, cid, "@jan.bsky.social")
        # 300 emoji graphemes are 900 code points: "the limit is 300" was wrong
        accepted = reply(eva, mid, KEYCAP * 300, seq=1)
        assert accepted["outcome"] == "accepted", accepted
        sent(fast, "op-limits-0001")
        assert [r["value"]["text"] for r in sky.records.values()] == [KEYCAP * 300]
        # 200 graphemes, but 5000 UTF-8 bytes: over the lexicon's 3000
        refused = reply(eva, mid, FAMILY * 200, seq=2)
        assert refused["outcome"] == "rejected" and refused["reason"] == "too_long"
        assert refused["message"] == (
            "The reply is 5000 bytes long; Bluesky allows 3000 bytes"
            " (emoji and accented letters take several)."
        )
        refused = reply(eva, mid, KEYCAP * 301, seq=3)
        assert refused["message"] == (
            "The reply is 301 characters as Bluesky counts them; the limit is 300."
        )


@pytest.mark.parametrize("error", ["InvalidRequest", "RecordAlreadyExists"])
def test_a_taken_bluesky_record_key_is_looked_up_and_sent(fast: TestServer, error: str) -> None:
    admin = fast.user("anna", Role.ADMIN)
    eva = fast.user("eva")
    with FakeBluesky() as sky:
        sky.add_mention("@brand.bsky.social help", handle="jan.bsky.social")
        cid = bluesky_channel(admin, sky)
        mid = mention_id(fast, cid, "@jan.bsky.social")
        # the first attempt is stored but its answer is lost; the retry's lookup reads a
        # replica that has not got the post yet, so createRecord is asked again: 400
        sky.lose_next_ack()
        sky.stale_reads = 1
        sky.duplicate_error = error
        assert reply(eva, mid, "We kijken mee!", seq=1)["outcome"] == "accepted"
        row = sent(fast, "op-limits-0001")
        (record,) = sky.records.values()
        assert row["platform_post_id"] == record["uri"]
        assert len(sky.calls("createRecord")) == 2
        detail = eva.get(f"/v1/mentions/{mid}").json()["replies"][0]
        assert detail["delivery_state"] == "sent"


# --- a proxy's error page ---------------------------------------------------------------------
def test_a_proxy_error_page_is_shown_as_a_short_readable_line(fast: TestServer) -> None:
    admin = fast.user("anna", Role.ADMIN)
    eva = fast.user("eva")
    html = {"Content-Type": "text/html"}
    expected = "Mastodon refused the request (HTTP 502 Bad Gateway: nginx/1.25.3)."
    with FakeMastodon() as masto:
        masto.add_mention("<p>@brand help</p>", acct="jan@other.example")
        masto.fail_next(1, 502, body=PROXY_502, headers=html, path="/api/v1/notifications")
        cid = add_channel(admin, "mastodon", {"base_url": masto.base_url},
                          {"access_token": masto.token})  # fmt: skip

        def channel() -> dict[str, Any]:
            found: dict[str, Any] = {c["id"]: c for c in admin.get("/v1/channels").json()}[cid]
            return found

        assert wait_until(lambda: channel()["last_error"] is not None, 15)
        assert channel()["last_error"] == expected  # what the admin sees
        with fast.ctx.db.read() as conn:
            stored = conn.execute("SELECT last_error FROM channels WHERE id = ?", (cid,))
            assert stored.fetchone()[0] == expected

        events = admin.get("/v1/audit?entity=channel").json()
        errors = [e for e in events if e["action"] == "channel.error"]
        assert errors and all("<" not in str(e) for e in errors)

        # a firewall's page in answer to a reply: the agent's delivery_error says it in words
        assert admin.post(f"/v1/channels/{cid}/fetch").status_code == 202  # the admin retries
        mid = mention_id(fast, cid, "@jan@other.example")
        masto.fail_next(1, 403, body=WAF_403, headers=html, path="/api/v1/statuses")
        assert reply(eva, mid, "We kijken mee!", seq=1)["outcome"] == "accepted"
        assert wait_until(
            lambda: delivery(fast, "op-limits-0001").get("delivery_state") == "failed", 15
        )
        detail = eva.get(f"/v1/mentions/{mid}").json()["replies"][0]
        assert detail["delivery_error"] == (
            "Mastodon refused the request (HTTP 403 Forbidden: You don't have permission to"
            " access this resource.)."
        )


def test_a_channel_moved_to_mastodon_is_counted_as_mastodon(fast: TestServer) -> None:
    admin = fast.user("anna", Role.ADMIN)
    eva = fast.user("eva")
    with FakeMastodon() as masto:
        masto.add_mention("<p>@brand mijn modem knippert</p>", acct="klantenservice_fan")
        cid = add_channel(admin, "sandbox", {}, {})
        r = admin.patch(
            f"/v1/channels/{cid}",
            json={
                "connector": "mastodon",
                "config": {"base_url": masto.base_url},
                "secrets": {"access_token": masto.token},
            },
        )
        assert r.status_code == 200, r.text
        assert (r.json()["kind"], r.json()["char_limit"]) == ("mastodon", 500)
        mid = mention_id(fast, cid, "@klantenservice_fan")
        refused = reply(eva, mid, "x" * 494, seq=1)  # 514 with the mention in front
        assert refused["outcome"] == "rejected" and refused["reason"] == "too_long"
