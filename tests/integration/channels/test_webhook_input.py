"""What the signed webhook and every other way in refuse, on a real server and SQLite file:
implausible post times (and a bad time already stored never stops the feed), deep nesting,
timestamps that are not whole seconds, and probing for channel ids without a secret."""

from __future__ import annotations

import json
import math
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
from tests.support.server import Api, TestServer, running_server, wait_until
from webcare.channels.webhook import sign, signed_headers
from webcare.cli import main
from webcare.domain.models import Role
from webcare.server import changes
from webcare.storage.server_schema import open_server_db

BAD_TIMES: list[Any] = [
    1e300,
    -1e20,
    0,
    "nan",
    "inf",
    "1e300",
    "1999-12-31T23:59:59Z",  # before 2000
    "2999-01-01T00:00:00Z",  # far ahead of the clock
]


def _raw(api: Api, channel_id: int, secret: str, body: bytes) -> Any:
    headers = signed_headers(secret, body, time.time())
    return api.post(f"/v1/ingest/{channel_id}", data=body, headers=headers)


def test_implausible_post_times_are_refused_with_a_message(server: TestServer) -> None:
    admin = server.user("anna", Role.ADMIN)
    agent = server.user("eva")
    cid, secret = webhook_channel(admin)
    anon = server.anonymous()
    cursor = agent.get("/v1/bootstrap").json()["cursor"]
    for value in BAD_TIMES:
        r = push(anon, cid, secret, {"mentions": [{**mention(1), "created_at": value}]})
        assert r.status_code == 422, (value, r.text)
        assert "mentions[0]: created_at" in r.json()["message"], r.text
    # JSON has no NaN or Infinity; a number too big for a float is infinite
    entry = b'{"mentions": [{"id": "m1", "text": "t", "author": {"handle": "@j"}, "created_at": '
    for literal in (b"NaN", b"Infinity", b"-Infinity", b"1e400"):
        r = _raw(anon, cid, secret, entry + literal + b"}]}")
        assert 400 <= r.status_code < 500, (literal, r.text)
        assert r.json()["message"]
    assert mention_ids(server, cid) == []
    # a good mention beside a bad one: the good one is taken, the bad one is named
    r = push(anon, cid, secret, {"mentions": [mention(1), {**mention(2), "created_at": 1e300}]})
    assert r.status_code == 202, r.text
    assert r.json()["accepted"] == 1
    (reason,) = r.json()["skipped"]
    assert reason.startswith(
        "mentions[1]: created_at 1e+300 is not a plausible post time (from 2000-01-01 to 20"
    )
    # and everybody's feed goes on
    r = agent.get(f"/v1/changes?since={cursor}")
    assert r.status_code == 200, r.text
    created = [c["data"]["created_at"] for c in r.json()["changes"] if c["entity"] == "mention"]
    assert created == ["2026-11-20T10:00:00.000Z"]


def test_a_bad_time_already_in_the_database_never_stops_the_feed(server: TestServer) -> None:
    """An old database may hold times no client can read: they go out clamped, the rest as is."""
    eva_id = server.add_user("eva")
    eva = server.login("eva")
    cursor = eva.get("/v1/bootstrap").json()["cursor"]
    bad, good = server.add_mentions(2)
    now = server.ctx.now()
    with server.ctx.db.write() as conn:
        conn.execute(
            "UPDATE mentions SET created_at = 1e300, received_at = -1e20, replied_at = ?"
            " WHERE id = ?",
            (math.inf, bad),
        )
        conn.execute(
            "INSERT INTO replies(id, mention_id, agent_id, body, accepted_at, posted_at,"
            " delivery_state) VALUES ('r-bad', ?, ?, 'hi', -1e20, 1e300, 'sent')",
            (bad, eva_id),
        )
        conn.execute(
            "INSERT INTO notes(id, mention_id, agent_id, body, created_at)"
            " VALUES ('n-bad', ?, ?, 'note', 1e300)",
            (bad, eva_id),
        )
        changes.record(conn, "mention", bad, now)
        changes.record(conn, "reply", "r-bad", now)
        changes.record(conn, "note", "n-bad", now)
    r = eva.get(f"/v1/changes?since={cursor}")
    assert r.status_code == 200, r.text
    data = {(c["entity"], c["id"]): c["data"] for c in r.json()["changes"]}
    assert data[("mention", str(bad))]["created_at"] == "3000-01-01T00:00:00.000Z"
    assert data[("mention", str(bad))]["received_at"] == "1970-01-01T00:00:00.000Z"
    assert data[("mention", str(bad))]["replied_at"] == "3000-01-01T00:00:00.000Z"
    assert data[("reply", "r-bad")]["posted_at"] == "3000-01-01T00:00:00.000Z"
    assert data[("reply", "r-bad")]["accepted_at"] == "1970-01-01T00:00:00.000Z"
    assert data[("note", "n-bad")]["created_at"] == "3000-01-01T00:00:00.000Z"
    assert data[("mention", str(good))]["created_at"].startswith(time.strftime("%Y-"))
    for entity in ("mentions", "replies", "notes"):
        r = eva.get(f"/v1/bootstrap/{entity}")
        assert r.status_code == 200, (entity, r.text)
        assert r.json()["items"]
    r = eva.get(f"/v1/mentions/{bad}")
    assert r.status_code == 200, r.text
    assert r.json()["replies"][0]["posted_at"] == "3000-01-01T00:00:00.000Z"
    assert r.json()["notes"][0]["created_at"] == "3000-01-01T00:00:00.000Z"


@pytest.fixture(scope="module")
def quiet(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestServer, Api]]:
    """A server that fetches nothing (channels=False), with an admin signed in."""
    with running_server(tmp_path_factory.mktemp("quiet"), channels=False) as srv:
        yield srv, srv.user("anna", Role.ADMIN)


def test_a_channel_waiting_for_ever_still_serializes(quiet: tuple[TestServer, Api]) -> None:
    server, admin = quiet
    r = admin.post(
        "/v1/channels",
        json={"connector": "rss", "name": "News", "config": {"feed_urls": ["http://127.0.0.1:9/"]}},
    )
    assert r.status_code == 201, r.text
    with server.ctx.db.write() as conn:
        conn.execute(
            "UPDATE channels SET next_fetch_at = ?, last_fetch_at = 1e300 WHERE id = ?",
            (math.inf, r.json()["id"]),
        )
    for path in ("/v1/channels", "/v1/bootstrap"):
        r = admin.get(path)
        assert r.status_code == 200, (path, r.text)
    (channel,) = r.json()["channels"]
    assert channel["next_fetch_at"] == channel["last_fetch_at"] == "3000-01-01T00:00:00.000Z"


def test_imports_skip_implausible_times_with_their_reason(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db_path, csv_path = tmp_path / "team.db", tmp_path / "forum.csv"
    csv_path.write_text(
        "id,author,text,created_at\n"
        "f1,@jan,fine,2026-11-20T10:00:00Z\n"
        "f2,@piet,far future,1e300\n"
        "f3,@kees,not a number,nan\n"
        "f4,@anna,long ago,-1e20\n",
        encoding="utf-8",
    )
    main(["import", "csv", str(csv_path), "--channel", "Forum", "--db", str(db_path)])
    out = capsys.readouterr().out
    assert "mention f2: created_at 1e+300 is not a plausible post time" in out
    assert "mention f3: created_at nan is not a plausible post time" in out
    assert "mention f4: created_at -1e+20 is not a plausible post time" in out
    twcs = tmp_path / "twcs.csv"
    twcs.write_text(
        "tweet_id,author_id,inbound,created_at,text,response_tweet_id,in_response_to_tweet_id\n"
        "1,sprintcare,False,Tue Oct 31 22:10:47 +0000 1995,@115712 sorry ^JK,,2\n"
        "2,115712,True,Tue Oct 31 22:08:27 +0000 1995,@sprintcare my phone,1,\n"
        "3,115713,True,Tue Oct 31 22:08:27 +0000 2017,@sprintcare hello,4,\n"
        "4,sprintcare,False,Tue Oct 31 22:10:47 +0000 2017,@115713 hi ^JK,,3\n",
        encoding="utf-8",
    )
    main(["import", "twcs", str(twcs), "--db", str(db_path)])
    out = capsys.readouterr().out
    assert "mention 2: created_at 1995-10-31T22:08:27.000Z is not a plausible post time" in out
    assert "reply 1: created_at 1995-10-31T22:10:47.000Z is not a plausible post time" in out
    db = open_server_db(db_path)
    try:
        with db.read() as conn:
            stored = [r[0] for r in conn.execute("SELECT source_id FROM mentions ORDER BY 1")]
            replies = [r[0] for r in conn.execute("SELECT source_id FROM replies")]
    finally:
        db.close()
    assert stored == ["3", "f1"]
    assert replies == ["4"]


@pytest.fixture
def fast(tmp_path: Path) -> Iterator[TestServer]:
    with running_server(tmp_path, channel_tick_s=0.1) as srv:
        yield srv


def test_a_live_post_with_an_implausible_time_is_kept_with_its_arrival_time(
    fast: TestServer,
) -> None:
    admin = fast.user("anna", Role.ADMIN)
    with FeedServer() as feeds:
        url = feeds.put(
            "/news.xml",
            rss(
                "News",
                [Entry("n1", "KPN from the future", "storing", "https://n.example/1",
                       published=4_102_444_800.0)],  # 2100-01-01
            ),
        )  # fmt: skip
        r = admin.post(
            "/v1/channels",
            json={"connector": "rss", "name": "News", "brand": "KPN",
                  "config": {"feed_urls": [url]}},
        )  # fmt: skip
        assert r.status_code == 201, r.text
        cid = r.json()["id"]
        assert wait_until(lambda: len(mention_ids(fast, cid)) == 1, 10)
    with fast.ctx.db.read() as conn:
        row = conn.execute(
            "SELECT created_at, received_at FROM mentions WHERE channel_id = ?", (cid,)
        ).fetchone()
    assert row["created_at"] == row["received_at"]
    assert abs(row["created_at"] - time.time()) < 60


# -- the signature check -------------------------------------------------------------------


def _signed_at(stamp: str, secret: str, body: bytes) -> dict[str, str]:
    return {
        "X-Webcare-Timestamp": stamp,
        "X-Webcare-Signature": "sha256=" + sign(secret, stamp, body),
        "Content-Type": "application/json",
    }


def test_only_whole_seconds_pass_the_replay_window(server: TestServer) -> None:
    admin = server.user("anna", Role.ADMIN)
    cid, secret = webhook_channel(admin)
    anon = server.anonymous()
    body = json.dumps({"mentions": [mention(1)]}).encode()
    now = int(time.time())
    for stamp in ("nan", "NaN", "inf", "-inf", f"{now}.5", f"{now:e}", f"+{now}", f"{now}\u00b2",
                  "0x10", "1_0", ""):  # fmt: skip
        r = anon.post(f"/v1/ingest/{cid}", data=body, headers=_signed_at(stamp, secret, body))
        assert r.status_code == 401, (stamp, r.text)
    assert mention_ids(server, cid) == []
    r = anon.post(f"/v1/ingest/{cid}", data=body, headers=_signed_at(str(now), secret, body))
    assert r.status_code == 202, r.text


def test_unknown_channels_are_answered_like_wrong_signatures(server: TestServer) -> None:
    admin = server.user("anna", Role.ADMIN)
    cid, secret = webhook_channel(admin)
    r = admin.post("/v1/channels", json={"connector": "sandbox", "name": "Sandbox"})
    assert r.status_code == 201, r.text
    sandbox = r.json()["id"]
    anon = server.anonymous()
    payload = {"mentions": [mention(1)]}

    def answer(channel_id: int, key: str, **kw: Any) -> tuple[int, str]:
        r = push(anon, channel_id, key, payload, **kw)
        return r.status_code, r.text

    wrong = answer(cid, "not the secret")
    assert wrong[0] == 401
    # an id nobody has, another kind of channel, a guessed secret: all alike
    for channel_id in (cid + 1000, sandbox, 2**40):
        assert answer(channel_id, "not the secret") == wrong
        assert answer(channel_id, secret) == wrong
    # the checks before the signature do not depend on the channel either
    stale = answer(cid, "x", at=time.time() - 3600)
    assert stale[0] == 401 and "replay window" in stale[1]
    assert answer(cid + 1000, "x", at=time.time() - 3600) == stale
    # a switched-off channel says so only to whoever can sign for it
    admin.patch(f"/v1/channels/{cid}", json={"enabled": False})
    assert answer(cid, "not the secret") == wrong
    assert answer(cid, secret)[0] == 409


def test_deeply_nested_signed_bodies_are_a_400(server: TestServer) -> None:
    admin = server.user("anna", Role.ADMIN)
    cid, secret = webhook_channel(admin)
    anon = server.anonymous()
    for depth in (40, 900, 100_000):
        body = b'{"mentions": [' + b"[" * depth + b"]" * depth + b"]}"
        r = _raw(anon, cid, secret, body)
        assert r.status_code == 400, (depth, r.text)
        assert "levels deep" in r.json()["message"]
    # a string full of brackets is no nesting
    text = "[" * 5000 + "{" * 5000
    r = push(anon, cid, secret, {"mentions": [{**mention(1), "text": text}]})
    assert r.status_code == 202, r.text
    assert r.json()["accepted"] == 1


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("PUT", "/v1/settings/priority-rules"),
        ("PUT", "/v1/settings/business-hours"),
        ("POST", "/v1/mutations"),
        ("POST", "/v1/templates"),
        ("POST", "/v1/channels"),
        ("PATCH", "/v1/channels/1"),
        ("POST", "/v1/auth/login"),
    ],
)
def test_every_json_body_is_bounded_in_depth(
    quiet: tuple[TestServer, Api], method: str, path: str
) -> None:
    _server, admin = quiet
    body = b'{"keywords": ' + b"[" * 900 + b"]" * 900 + b"}"
    r = admin.request(method, path, data=body, headers={"content-type": "application/json"})
    assert r.status_code == 400, r.text
    assert r.json() == {
        "error": "malformed_json",
        "message": "The request body nests arrays and objects more than 32 levels deep.",
    }


def test_a_platform_clock_a_century_ahead_never_reaches_the_feed(tmp_path: Path) -> None:
    """A live mention and the platform's post time of our reply, both from a clock in 2100:
    the mention keeps its arrival time, the reply the time we delivered it."""
    future = 4_102_444_800.0  # 2100-01-01
    with (
        FakeMastodon(clock=lambda: future) as fake,
        running_server(tmp_path, channel_tick_s=0.1, delivery_base_s=0.05) as srv,
    ):
        admin, agent = srv.user("anna", Role.ADMIN), srv.user("eva")
        fake.add_mention("<p>@brand mijn internet doet het niet</p>")
        r = admin.post(
            "/v1/channels",
            json={"connector": "mastodon", "name": "KPN on Mastodon", "brand": "KPN",
                  "config": {"base_url": fake.base_url},
                  "secrets": {"access_token": fake.token}},
        )  # fmt: skip
        assert r.status_code == 201, r.text
        cid = r.json()["id"]
        assert wait_until(lambda: len(mention_ids(srv, cid)) == 1, 10)
        (mid,) = mention_ids(srv, cid)
        data = agent.get(f"/v1/mentions/{mid}").json()["mention"]
        assert data["created_at"] == data["received_at"]
        assert data["created_at"].startswith(time.strftime("%Y-", time.gmtime()))
        op = claim_and_reply(srv, agent, mid, "We kijken ernaar! ^Eva")
        assert wait_until(lambda: reply_row(srv, op)["delivery_state"] == "sent", 10)
        assert fake.posted  # the platform has it, stamped 2100
        assert abs(reply_row(srv, op)["posted_at"] - time.time()) < 60
