"""Snooze through the outbox of a real server: the rule, its refusals, the sweeper that wakes a
mention at its time, the customer's follow-up that wakes it at once, and exactly-once replays."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest

from tests.support.server import Api, FakeClock, TestServer, running_server, wait_until
from webcare.channels.base import Author, Batch, ChannelInfo, IncomingMention
from webcare.domain.models import Role
from webcare.domain.snooze import MAX_SNOOZE_S
from webcare.domain.timeutil import parse_iso
from webcare.server.services import ingest

CLIENT = "client-snooze-1"


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def server(tmp_path: Path, clock: FakeClock) -> Iterator[TestServer]:
    with running_server(tmp_path, clock=clock, sweep_interval_s=0.05, channels=False) as srv:
        yield srv


class Outbox:
    """One client's numbered writes."""

    def __init__(self, api: Api, client: str | None = None) -> None:
        self.api, self.seq = api, 0
        self.client = client or f"client-{uuid.uuid4().hex}"

    def send(self, type_: str, mid: int, op: str | None = None, **fields: Any) -> Any:
        self.seq += 1
        write = {"client_seq": self.seq, "op_id": op or f"op-{self.client}-{self.seq:04d}",
                 "type": type_, "mention_id": mid, **fields}  # fmt: skip
        return self.api.post("/v1/mutations", json={"client_id": self.client, "mutations": [write]})

    def result(self, type_: str, mid: int, **fields: Any) -> dict[str, Any]:
        r = self.send(type_, mid, **fields)
        assert r.status_code == 200, r.text
        out: dict[str, Any] = r.json()["results"][0]
        return out


def mention(api: Api, mid: int) -> dict[str, Any]:
    r = api.get(f"/v1/mentions/{mid}")
    assert r.status_code == 200, r.text
    out: dict[str, Any] = r.json()["mention"]
    return out


def audit(server: TestServer, mid: int) -> list[tuple[str, dict[str, Any]]]:
    with server.ctx.db.read() as conn:
        rows = conn.execute(
            "SELECT action, detail FROM audit WHERE entity = 'mention' AND entity_id = ?"
            " ORDER BY id",
            (str(mid),),
        ).fetchall()
    return [(r[0], json.loads(r[1])) for r in rows]


def follow_up(
    server: TestServer, source: str, *, author: str = "jan", parent: str | None = None,
    meta: Mapping[str, str] | None = None,
) -> int:  # fmt: skip
    """A customer's new message arriving the way a connector delivers it (ingest)."""
    now = server.ctx.now()
    channel = ChannelInfo(
        kind="test", name="@Webcare test", brand="Webcare", handle="@Webcare", char_limit=280
    )
    new = IncomingMention(
        source_id=source,
        author=Author(platform_user_id=author, handle=f"@{author}"),
        text="Any news?",
        created_at=now - 5,
        parent_source_id=parent,
        meta=dict(meta or {}),
    )
    batch = Batch(channel=channel, mentions=[new])
    ingest.ingest(server.ctx.db, batch, now, history=False)
    with server.ctx.db.read() as conn:
        return int(
            conn.execute("SELECT id FROM mentions WHERE source_id = ?", (source,)).fetchone()[0]
        )


def source_of(server: TestServer, mid: int) -> str:
    with server.ctx.db.read() as conn:
        return str(
            conn.execute("SELECT source_id FROM mentions WHERE id = ?", (mid,)).fetchone()[0]
        )


def test_a_snooze_releases_the_claim_and_takes_the_mention_out_until_its_time(
    server: TestServer, clock: FakeClock
) -> None:
    (mid,) = server.add_mentions(1)
    eva = server.user("eva")
    epoch = eva.post(f"/v1/mentions/{mid}/claim").json()["mention"]["claim_epoch"]
    until = clock() + 3600
    head = eva.get("/v1/changes?since=0").json()["head"]

    result = Outbox(eva).result("snooze", mid, until=until)

    assert (result["outcome"], result["message"]) == ("accepted", "Snoozed.")
    m = mention(eva, mid)
    assert parse_iso(m["snoozed_until"]) == pytest.approx(until, abs=0.001)
    assert m["snoozed_by"] == server.users["eva"]
    assert m["snooze_until_customer"] is False and m["woken_at"] is None
    # the claim is released (the epoch stays, as with a release): nobody's lease runs out on it
    assert (m["status"], m["claim_agent_id"], m["claim_epoch"]) == ("open", None, epoch)
    feed = eva.get(f"/v1/changes?since={head}").json()["changes"]
    assert [c["data"]["snoozed_until"] for c in feed if c["entity"] == "mention"][-1] is not None
    actions = [a for a, _d in audit(server, mid)]
    assert actions[-2:] == ["claim.release", "mention.snooze"]
    assert audit(server, mid)[-1][1] == {"until": until}

    # the sweeper wakes it at its time, by the server's clock, and not a moment before
    clock.advance(3599)
    time.sleep(0.3)
    assert mention(eva, mid)["snoozed_until"] is not None
    clock.advance(2)
    assert wait_until(lambda: mention(eva, mid)["snoozed_until"] is None, timeout=5)
    m = mention(eva, mid)
    assert m["snoozed_by"] == server.users["eva"]  # kept: it comes back bold for eva
    assert parse_iso(m["woken_at"]) == pytest.approx(clock(), abs=1)
    assert m["status"] == "open"
    assert audit(server, mid)[-1] == (
        "snooze.wake",
        {"reason": "time", "snoozed_by": server.users["eva"]},
    )


def test_wake_times_in_the_past_or_over_a_year_ahead_are_refused_with_the_reason(
    server: TestServer, clock: FakeClock
) -> None:
    (mid,) = server.add_mentions(1)
    eva = Outbox(server.user("eva"))
    past = eva.result("snooze", mid, until=clock() - 1)
    assert (past["outcome"], past["reason"]) == ("rejected", "invalid")
    assert "already passed" in past["message"]
    now = eva.result("snooze", mid, until=clock())
    assert now["outcome"] == "rejected"
    far = eva.result("snooze", mid, until=clock() + MAX_SNOOZE_S + 60)
    assert (far["outcome"], far["reason"]) == ("rejected", "invalid")
    assert "at most a year" in far["message"]
    assert mention(eva.api, mid)["snoozed_until"] is None
    assert "mention.snooze" not in [a for a, _d in audit(server, mid)]
    # a year exactly is fine
    assert eva.result("snooze", mid, until=clock() + MAX_SNOOZE_S)["outcome"] == "accepted"


@pytest.mark.parametrize(
    "fields",
    [
        {},  # neither a time nor the customer
        {"until": 1_760_003_600.0, "until_customer": True},  # both
        {"until": "tomorrow"},
        {"until": -5},
        {"until": 1e30},
        {"until_customer": "yes please"},
    ],
    ids=["neither", "both", "text", "negative", "huge", "not-a-bool"],
)
def test_a_malformed_snooze_is_a_422_and_changes_nothing(
    server: TestServer, fields: dict[str, Any]
) -> None:
    (mid,) = server.add_mentions(1)
    eva = server.user("eva")
    r = Outbox(eva).send("snooze", mid, **fields)
    assert r.status_code == 422, r.text
    assert r.json()["error"] == "invalid_request"
    assert mention(eva, mid)["snoozed_until"] is None


def test_infinity_and_a_time_on_another_write_are_422(server: TestServer) -> None:
    (mid,) = server.add_mentions(1)
    eva = server.user("eva")
    body = (
        '{"client_id": "client-inf-0001", "mutations": [{"client_seq": 1, "op_id": "op-inf-0001",'
        f' "type": "snooze", "mention_id": {mid}, "until": Infinity}}]}}'
    )
    r = eva.post("/v1/mutations", data=body, headers={"Content-Type": "application/json"})
    assert r.status_code == 422, r.text
    r = Outbox(eva).send("note", mid, body="hi", until=1_760_003_600.0)
    assert r.status_code == 422
    assert "only a snooze" in r.text


def test_a_customer_follow_up_in_the_thread_wakes_it_at_once(
    server: TestServer, clock: FakeClock
) -> None:
    first, other = server.add_mentions(2)
    eva = Outbox(server.user("eva"))
    assert eva.result("snooze", first, until_customer=True)["outcome"] == "accepted"
    assert eva.result("snooze", other, until=clock() + 86_400)["outcome"] == "accepted"
    m = mention(eva.api, first)
    assert (m["snoozed_until"], m["snooze_until_customer"]) == (None, True)

    # someone else answering in the thread wakes nothing; a new post of jan's elsewhere neither
    follow_up(server, "piet-1", author="piet", parent=source_of(server, first))
    follow_up(server, "jan-elsewhere", author="jan")
    assert mention(eva.api, first)["snooze_until_customer"] is True
    assert mention(eva.api, other)["snoozed_until"] is not None

    # jan writes again in the thread: it wakes in the same transaction as the new mention
    new = follow_up(server, "jan-2", parent=source_of(server, first))
    m = mention(eva.api, first)
    assert (m["snooze_until_customer"], m["snoozed_by"]) == (False, server.users["eva"])
    assert m["woken_at"] is not None
    assert audit(server, first)[-1] == (
        "snooze.wake",
        {"reason": "customer", "snoozed_by": server.users["eva"], "by_mention": new},
    )
    # a timed snooze wakes for the customer too, and only the one in that thread
    assert mention(eva.api, other)["snoozed_until"] is not None
    follow_up(server, "jan-3", parent=source_of(server, other))
    assert mention(eva.api, other)["snoozed_until"] is None


def test_a_message_in_the_same_direct_conversation_wakes_it(server: TestServer) -> None:
    dm = follow_up(server, "dm-1", author="ria", meta={"kind": "message", "window": "messaging"})
    post = follow_up(server, "post-1", author="ria")
    eva = Outbox(server.user("eva"))
    for mid in (dm, post):
        assert eva.result("snooze", mid, until_customer=True)["outcome"] == "accepted"
    follow_up(server, "dm-2", author="ria", meta={"kind": "message", "window": "messaging"})
    assert mention(eva.api, dm)["snooze_until_customer"] is False  # the conversation
    assert mention(eva.api, post)["snooze_until_customer"] is True  # a public post: its thread


def test_who_may_snooze_and_what_ends_a_snooze(server: TestServer, clock: FakeClock) -> None:
    held, closed, claimed_later = server.add_mentions(3)
    eva, tom = server.user("eva"), server.user("tom")
    lead = server.user("lena", Role.LEAD)
    assert eva.post(f"/v1/mentions/{held}/claim").status_code == 200
    # someone else's claim: an agent may not put it to sleep, a lead may
    refused = Outbox(tom).result("snooze", held, until=clock() + 600)
    assert (refused["outcome"], refused["reason"]) == ("rejected", "claim_lost")
    assert mention(tom, held)["claim_agent_id"] == server.users["eva"]
    assert Outbox(lead).result("snooze", held, until=clock() + 600)["outcome"] == "accepted"
    m = mention(lead, held)
    assert (m["claim_agent_id"], m["snoozed_by"]) == (None, server.users["lena"])
    assert audit(server, held)[-2] == (
        "claim.release",
        {"holder": server.users["eva"], "forced": True, "snoozed": True},
    )
    # closed: reopen first
    assert Outbox(eva).result("set_status", closed, status="closed")["outcome"] == "accepted"
    no = Outbox(tom).result("snooze", closed, until_customer=True)
    assert (no["outcome"], no["reason"]) == ("rejected", "mention_closed")
    assert "reopen it" in no["message"]
    # claiming a sleeping mention ends the snooze: woken for nobody
    tom_out = Outbox(tom)
    assert tom_out.result("snooze", claimed_later, until_customer=True)["outcome"] == "accepted"
    assert eva.post(f"/v1/mentions/{claimed_later}/claim").status_code == 200
    m = mention(eva, claimed_later)
    assert (m["snooze_until_customer"], m["snoozed_by"], m["woken_at"]) == (False, None, None)
    assert audit(server, claimed_later)[-1] == (
        "mention.unsnooze",
        {"reason": "claim", "snoozed_by": server.users["tom"]},
    )
    # resolving ends it too; unsnoozing a mention that no longer sleeps is fine
    lead_out = Outbox(lead)
    assert lead_out.result("unsnooze", held)["message"] == "Unsnoozed: back in the queue."
    assert lead_out.result("unsnooze", held)["message"] == "It was not snoozed any more."
    assert mention(lead, held)["snoozed_until"] is None


def test_a_replayed_snooze_is_applied_once(server: TestServer, clock: FakeClock) -> None:
    (mid,) = server.add_mentions(1)
    eva = server.user("eva")
    write = {"client_seq": 1, "op_id": "op-snooze-once", "type": "snooze", "mention_id": mid,
             "until": clock() + 7200}  # fmt: skip
    first = eva.post("/v1/mutations", json={"client_id": CLIENT, "mutations": [write]}).json()
    # the answer was lost: the same write again, and under a new client id after a lost state
    again = eva.post("/v1/mutations", json={"client_id": CLIENT, "mutations": [write]}).json()
    other = eva.post(
        "/v1/mutations", json={"client_id": "client-snooze-2", "mutations": [write]}
    ).json()
    assert first["results"][0]["outcome"] == "accepted"
    for replay in (again, other):
        assert replay["results"][0]["replayed"] is True
        assert replay["results"][0]["outcome"] == "accepted"
    assert [a for a, _d in audit(server, mid)].count("mention.snooze") == 1
    with server.ctx.db.read() as conn:
        count = conn.execute(
            "SELECT count(*) FROM changes WHERE entity = 'mention' AND entity_id = ? AND at > ?",
            (str(mid), clock() - 1),
        ).fetchone()[0]
    assert count == 2  # the ingest and the snooze: the replays wrote nothing


def test_every_role_reads_the_team_hours(server: TestServer) -> None:
    admin = server.user("anna", Role.ADMIN)
    hours = {"timezone": "Europe/Amsterdam", "weekly": {"mon": [["08:00", "17:00"]]},
             "holidays": ["2026-12-25"]}  # fmt: skip
    assert admin.put("/v1/settings/business-hours", json=hours).status_code == 200
    r = server.user("eva").get("/v1/business-hours")
    assert r.status_code == 200
    body = r.json()
    assert body["timezone"] == "Europe/Amsterdam"
    assert body["weekly"]["mon"] == [["08:00", "17:00"]] and body["weekly"]["tue"] == []
    assert body["holidays"] == ["2026-12-25"]
    assert server.anonymous().get("/v1/business-hours").status_code == 401
