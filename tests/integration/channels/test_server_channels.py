"""Channels on a real team server: admin set-up, the signed webhook, triage on arrival, and the
delivery outbox (sent once, retried with backoff, failed with the platform's words, retried by
hand), all through uvicorn on 127.0.0.1 and a real SQLite file."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support.channels import (
    claim_and_reply,
    mention,
    mention_ids,
    push,
    reply_row,
    webhook_channel,
)
from tests.support.fakes.feeds import Entry, FeedServer, rss
from tests.support.fakes.mastodon import FakeMastodon
from tests.support.fakes.receiver import receiver
from tests.support.server import TestServer, running_server, wait_until
from webcare.channels.webhook import signed_headers
from webcare.domain.models import Role


@pytest.fixture
def fast(tmp_path: Path) -> Iterator[TestServer]:
    """A server whose failed deliveries are retried after ~50 ms instead of 15 s."""
    with running_server(tmp_path, delivery_base_s=0.05, channel_tick_s=0.1) as srv:
        yield srv


def test_admin_sets_up_a_webhook_channel_and_secrets_never_leave(server: TestServer) -> None:
    admin = server.user("anna", Role.ADMIN)
    lead, agent = server.user("lars", Role.LEAD), server.user("eva")
    for api in (lead, agent):
        r = api.post("/v1/channels", json={"connector": "webhook", "name": "X"})
        assert r.status_code == 403
        assert api.get("/v1/connectors").status_code == 403
    kinds = {c["kind"]: c for c in admin.get("/v1/connectors").json()}
    assert {"mastodon", "bluesky", "twitter", "email", "rss", "webhook", "sandbox"} <= set(kinds)
    assert kinds["webhook"]["lookup"] == "none"
    cid, secret = webhook_channel(admin, "http://127.0.0.1:9/replies")
    assert len(secret) >= 40
    listed = {c["id"]: c for c in agent.get("/v1/channels").json()}
    assert listed[cid]["connector"] == "webhook" and listed[cid]["can_reply"] is True
    config = admin.get(f"/v1/channels/{cid}/config").json()
    assert config == {
        "connector": "webhook",
        "config": {"reply_url": "http://127.0.0.1:9/replies"},
        "secrets_set": ["signing_secret"],
        "interval_s": 60.0,
    }
    everything = json.dumps([listed, config, admin.get("/v1/audit").json()])
    assert secret not in everything
    # validation in words
    r = admin.post(
        "/v1/channels", json={"connector": "mastodon", "name": "M", "config": {"colour": 1}}
    )
    assert r.status_code == 422 and "Unknown setting 'colour'" in r.json()["message"]
    r = admin.post(
        "/v1/channels",
        json={"connector": "mastodon", "name": "M", "config": {"base_url": "ftp://x"}},
    )
    assert r.status_code == 422 and "is not an http(s) address" in r.json()["message"]
    r = admin.post("/v1/channels", json={"connector": "myspace", "name": "M"})
    assert r.status_code == 422 and "Unknown connector" in r.json()["message"]
    r = admin.post("/v1/channels", json={"connector": "webhook", "name": "Forum"})
    assert r.status_code == 409
    r = admin.patch(f"/v1/channels/{cid}", json={"config": {"reply_url": "not a url"}})
    assert r.status_code == 422 and "http" in r.json()["message"]


def test_signed_webhook_accepts_once_and_refuses_bad_signatures(server: TestServer) -> None:
    admin = server.user("anna", Role.ADMIN)
    cid, secret = webhook_channel(admin)
    anon = server.anonymous()
    payload = {
        "mentions": [
            mention(1),
            mention(2, "Thanks, it works again!"),
            {"id": "m3", "text": "no author"},
        ]
    }
    r = push(anon, cid, secret, payload)
    assert r.status_code == 202, r.text
    assert r.json()["accepted"] == 2 and r.json()["known"] == 0
    assert r.json()["skipped"] == ["mentions[2]: author must be an object"]
    # the same request again (a replay inside the window) changes nothing
    r = push(anon, cid, secret, payload)
    assert (r.json()["accepted"], r.json()["known"]) == (0, 2)
    assert len(mention_ids(server, cid)) == 2
    # refused: wrong secret, stale timestamp, no signature, not JSON, wrong shape
    assert push(anon, cid, "wrong", payload).status_code == 401
    r = push(anon, cid, secret, payload, at=time.time() - 3600)
    assert r.status_code == 401 and "replay window" in r.json()["message"]
    r = anon.post(f"/v1/ingest/{cid}", json=payload)
    assert r.status_code == 401
    body = b"{not json"
    r = anon.post(f"/v1/ingest/{cid}", data=body, headers=signed_headers(secret, body, time.time()))
    assert r.status_code == 400 and "JSON" in r.json()["message"]
    r = push(anon, cid, secret, {"mention": []})
    assert r.status_code == 422
    assert push(anon, 999, secret, payload).status_code == 401  # like a wrong signature
    admin.patch(f"/v1/channels/{cid}", json={"enabled": False})
    assert push(anon, cid, secret, {"mentions": [mention(9)]}).status_code == 409


def test_new_mentions_get_priority_tags_and_language(server: TestServer) -> None:
    admin = server.user("anna", Role.ADMIN)
    cid, secret = webhook_channel(admin)
    r = admin.put(
        "/v1/settings/priority-rules",
        json={
            "influencer_followers": 5000,
            "influencer_priority": 3,
            "keywords": [{"words": ["opzeg*", "cancel"], "priority": 2, "tag": "churn-risk"}],
            "negative_words": ["waardeloos"],
            "negative_priority": 2,
        },
    )
    assert r.status_code == 200, r.text
    bad = admin.put("/v1/settings/priority-rules", json={"keywords": [{"words": ["op*zeg"]}]})
    assert bad.status_code == 422 and "'*'" in bad.json()["message"]
    assert server.user("eva").put("/v1/settings/priority-rules", json={}).status_code == 403
    payload = {
        "mentions": [
            mention(1, "Ik wil mijn abonnement opzeggen, dit is waardeloos"),
            mention(
                2,
                "Hello, my router keeps rebooting. What can I do?",
                followers=80_000,
                handle="famous",
            ),
            mention(3, "ok"),
        ]
    }
    assert push(server.anonymous(), cid, secret, payload).json()["accepted"] == 3
    with server.ctx.db.read() as conn:
        rows = {
            r["source_id"]: r
            for r in conn.execute(
                "SELECT source_id, priority, tags, language FROM mentions WHERE channel_id = ?",
                (cid,),
            )
        }
    assert (rows["m1"]["priority"], json.loads(rows["m1"]["tags"]), rows["m1"]["language"]) == (
        2,
        ["churn-risk", "negative"],
        "nl",
    )
    assert (rows["m2"]["priority"], json.loads(rows["m2"]["tags"]), rows["m2"]["language"]) == (
        3,
        ["influencer"],
        "en",
    )
    assert (rows["m3"]["priority"], json.loads(rows["m3"]["tags"]), rows["m3"]["language"]) == (
        1,
        [],
        None,
    )


def test_a_reply_is_delivered_once_with_the_platform_id(fast: TestServer) -> None:
    admin = fast.user("anna", Role.ADMIN)
    with receiver() as rx:
        cid, secret = webhook_channel(admin, rx.url)
        rx.secret = secret
        push(fast.anonymous(), cid, secret, {"mentions": [mention(1)]})
        (mid,) = mention_ids(fast, cid)
        eva = fast.user("eva")
        op = claim_and_reply(fast, eva, mid, "Vervelend! Ik kijk even mee. ^Eva")
        assert wait_until(lambda: reply_row(fast, op)["delivery_state"] == "sent", 10)
        row = reply_row(fast, op)
        assert row["platform_post_id"] == "post-1" and row["delivery_attempts"] == 1
        assert rx.posts == [
            {
                "reference": op,
                "in_reply_to": "m1",
                "to": "@jan",
                "id": "post-1",
                "text": "Vervelend! Ik kijk even mee. ^Eva",
                "key": op,
            }
        ]
        assert rx.bad_signatures == 0
        # the agent's client sees it sent, through the change feed
        detail = eva.get(f"/v1/mentions/{mid}").json()
        assert detail["replies"][0]["delivery_state"] == "sent"
        assert detail["replies"][0]["platform_post_id"] == "post-1"
        time.sleep(0.3)  # nothing else is sent later
        assert rx.requests == 1


def test_transient_errors_retry_and_permanent_ones_fail_in_words(fast: TestServer) -> None:
    admin = fast.user("anna", Role.ADMIN)
    with receiver() as rx:
        cid, secret = webhook_channel(admin, rx.url)
        rx.secret = secret
        push(fast.anonymous(), cid, secret, {"mentions": [mention(1), mention(2)]})
        m1, m2 = mention_ids(fast, cid)
        eva = fast.user("eva")
        rx.fail_next(503, {"error": "maintenance"}, times=2)
        op1 = claim_and_reply(fast, eva, m1, "First ^Eva", seq=1)
        assert wait_until(lambda: reply_row(fast, op1)["delivery_state"] == "sent", 15)
        assert reply_row(fast, op1)["delivery_attempts"] == 3
        assert [p["text"] for p in rx.posts] == ["First ^Eva"]
        # a permanent refusal: failed, with the platform's words, visible to the agent
        rx.fail_next(422, {"error": "Text contains a forbidden word"})
        op2 = claim_and_reply(fast, eva, m2, "Second ^Eva", seq=2)
        assert wait_until(lambda: reply_row(fast, op2)["delivery_state"] == "failed", 10)
        detail = eva.get(f"/v1/mentions/{m2}").json()["replies"][0]
        assert detail["delivery_state"] == "failed"
        assert "Text contains a forbidden word" in detail["delivery_error"]
        # somebody else may not retry it; its author may
        tom = fast.user("tom")
        assert tom.post(f"/v1/replies/{op2}/retry").status_code == 403
        assert eva.post(f"/v1/replies/{op2}/retry").json()["delivery_state"] == "queued"
        assert wait_until(lambda: reply_row(fast, op2)["delivery_state"] == "sent", 10)
        assert eva.post(f"/v1/replies/{op2}/retry").status_code == 409
        assert [p["text"] for p in rx.posts] == ["First ^Eva", "Second ^Eva"]


def test_a_lost_answer_is_retried_under_the_same_idempotency_key(fast: TestServer) -> None:
    admin = fast.user("anna", Role.ADMIN)
    with receiver() as rx:
        cid, secret = webhook_channel(admin, rx.url)
        rx.secret = secret
        push(fast.anonymous(), cid, secret, {"mentions": [mention(1)]})
        (mid,) = mention_ids(fast, cid)
        rx.lose_answers = 1
        op = claim_and_reply(fast, fast.user("eva"), mid, "Hallo ^Eva")
        assert wait_until(lambda: reply_row(fast, op)["delivery_state"] == "sent", 15)
        assert rx.requests == 2 and len(rx.posts) == 1
        assert reply_row(fast, op)["platform_post_id"] == "post-1"


def test_listen_only_channels_refuse_replies(server: TestServer) -> None:
    admin = server.user("anna", Role.ADMIN)
    cid, secret = webhook_channel(admin)
    assert admin.get("/v1/channels").json()[0]["can_reply"] is False
    push(server.anonymous(), cid, secret, {"mentions": [mention(1)]})
    (mid,) = mention_ids(server, cid)
    eva = server.user("eva")
    epoch = eva.post(f"/v1/mentions/{mid}/claim").json()["mention"]["claim_epoch"]
    r = eva.post(
        "/v1/mutations",
        json={
            "client_id": "client-listen",
            "mutations": [
                {
                    "client_seq": 1,
                    "op_id": "op-listen-1",
                    "type": "reply",
                    "mention_id": mid,
                    "claim_epoch": epoch,
                    "body": "hi",
                }
            ],
        },
    )
    result = r.json()["results"][0]
    assert result["outcome"] == "rejected" and "listen-only" in result["message"]
    assert result["body"] == "hi"


def test_sandbox_channel_marks_replies_sent(tmp_path: Path) -> None:
    with running_server(tmp_path) as srv:
        admin = srv.user("anna", Role.ADMIN)
        (mid,) = srv.add_mentions(1)
        with srv.ctx.db.read() as conn:
            cid = conn.execute("SELECT channel_id FROM mentions WHERE id = ?", (mid,)).fetchone()[0]
        op = claim_and_reply(srv, srv.user("eva"), mid, "Sorry! ^Eva")
        time.sleep(0.3)
        assert reply_row(srv, op)["delivery_state"] == "queued"  # no connector: it waits
        r = admin.patch(f"/v1/channels/{cid}", json={"connector": "sandbox"})
        assert r.status_code == 200, r.text
        assert wait_until(lambda: reply_row(srv, op)["delivery_state"] == "sent", 10)
        assert reply_row(srv, op)["platform_post_id"] == f"sandbox-{op}"


def test_a_failing_channel_never_stops_the_others(fast: TestServer) -> None:
    admin = fast.user("anna", Role.ADMIN)
    with FeedServer() as feeds:
        good = feeds.put(
            "/good.xml",
            rss(
                "Tech news",
                [
                    Entry(
                        "n1",
                        "KPN storing in Amsterdam",
                        "Veel klanten zonder internet",
                        "https://news.example/1",
                    ),
                    Entry("n2", "Weather", "Rain", "https://news.example/2"),
                ],
            ),
        )
        bad = feeds.fail("/bad.xml", 500)

        def channel(name: str, url: str) -> int:
            r = admin.post(
                "/v1/channels",
                json={
                    "connector": "rss",
                    "name": name,
                    "brand": "KPN",
                    "interval_s": 15,
                    "config": {"feed_urls": [url], "keywords": ["kpn"]},
                },
            )
            assert r.status_code == 201, r.text
            return int(r.json()["id"])

        broken, working = channel("Broken feed", bad), channel("News", good)

        def state(cid: int) -> dict[str, Any]:
            found: dict[str, Any] = {c["id"]: c for c in admin.get("/v1/channels").json()}[cid]
            return found

        assert wait_until(lambda: len(mention_ids(fast, working)) == 1, 10)
        assert wait_until(lambda: state(broken)["last_error"] is not None, 10)
        b = state(broken)
        assert "HTTP 500" in b["last_error"] and b["failures"] >= 1
        assert b["next_fetch_at"] > b["last_error_at"]  # it backs off, it does not spin
        w = state(working)
        assert w["last_error"] is None and w["last_fetch_at"] and w["fetched_total"] == 1
        # the admin points it at a good feed: it recovers and the error goes away
        r = admin.patch(f"/v1/channels/{broken}", json={"config": {"feed_urls": [good]}})
        assert r.status_code == 200
        assert wait_until(lambda: state(broken)["last_error"] is None, 10)
        assert len(mention_ids(fast, broken)) == 1  # keyword filter: only the KPN item
        actions = [e["action"] for e in admin.get("/v1/audit?entity=channel").json()]
        assert "channel.error" in actions and "channel.recovered" in actions


class HeldFeeds(FeedServer):
    """A feed server whose answers wait while :attr:`open` is clear (a slow platform): a fetch
    is under way, with its channel's settings read, when the test changes them."""

    def __init__(self) -> None:
        super().__init__()
        self.open = threading.Event()
        self.waiting = threading.Event()

    def answer(self, path: str, headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        if not self.open.is_set():
            self.waiting.set()
            self.open.wait(10)
        return super().answer(path, headers)


@pytest.mark.parametrize("feed_answers", [200, 500])
def test_a_channel_changed_during_a_fetch_fetches_the_new_settings_at_once(
    fast: TestServer, feed_answers: int
) -> None:
    """The admin moves a channel from a feed to Mastodon while a fetch of the feed is under way:
    that fetch ends after the change, and neither its schedule (the feed's 15 minutes, or its
    backoff when it failed) nor its cursor (the feed's validators, meaningless to Mastodon) nor
    its error replaces the change's "fetch now"."""
    admin = fast.user("anna", Role.ADMIN)
    news = [Entry("n1", "KPN storing", "Veel klanten zonder internet", "https://news.example/1")]
    with HeldFeeds() as feeds, FakeMastodon() as masto:
        masto.add_mention("<p>@brand mijn modem knippert</p>", acct="klantenservice_fan")
        url = feeds.put("/news.xml", rss("Tech news", news))
        r = admin.post(
            "/v1/channels",
            json={"connector": "rss", "name": "Brand", "brand": "KPN",
                  "config": {"feed_urls": [url], "keywords": ["kpn"]}},
        )  # fmt: skip
        assert r.status_code == 201, r.text
        cid = int(r.json()["id"])
        assert feeds.waiting.wait(10)  # the feed is being fetched, with the feed's settings
        r = admin.patch(
            f"/v1/channels/{cid}",
            json={"connector": "mastodon", "config": {"base_url": masto.base_url},
                  "secrets": {"access_token": masto.token}},
        )  # fmt: skip
        assert r.status_code == 200, r.text
        if feed_answers != 200:
            feeds.fail("/news.xml", feed_answers)
        feeds.open.set()  # the feed's answer arrives after the change

        def handles() -> list[str]:
            with fast.ctx.db.read() as conn:
                rows = conn.execute(
                    "SELECT c.handle FROM mentions m JOIN contacts c ON c.id = m.contact_id"
                    " WHERE m.channel_id = ?", (cid,)).fetchall()  # fmt: skip
            return sorted(str(row[0]) for row in rows)

        assert wait_until(lambda: "@klantenservice_fan" in handles(), 5), handles()
        # the feed's item, fetched before the change, is kept
        assert len(handles()) == (2 if feed_answers == 200 else 1)
        with fast.ctx.db.read() as conn:
            row = conn.execute("SELECT * FROM channels WHERE id = ?", (cid,)).fetchone()
        assert row["interval_s"] == 60.0  # Mastodon's own default, not the feed's 15 minutes
        assert row["next_fetch_at"] <= time.time() + 60.0
        assert row["failures"] == 0 and row["last_error"] is None
        assert masto.calls("/api/v1/notifications")[0].param("min_id") is None  # from the start
