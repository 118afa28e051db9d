"""The outbox endpoint: replay, gaps, fencing, permanent rejections, transient failures."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from tests.support.outbox import claimed, count, reply, send
from tests.support.server import Api, TestServer, running_server
from webcare.domain.models import Role


def test_reply_is_accepted_and_marks_the_mention_answered(server: TestServer) -> None:
    (mid,) = server.add_mentions(1)
    eva = server.user("eva")
    epoch = claimed(server, eva, mid)
    r = send(eva, reply(1, mid, epoch))
    assert r.status_code == 200
    result = r.json()["results"][0]
    assert result["outcome"] == "accepted"
    assert result["entity"] == "reply"
    assert result["entity_id"] == "op-00000001"
    detail = eva.get(f"/v1/mentions/{mid}").json()
    assert detail["mention"]["status"] == "answered"
    assert detail["mention"]["replied_at"] is not None
    assert [x["body"] for x in detail["replies"]] == ["Sorry to hear! ^Eva"]
    assert detail["replies"][0]["delivery_state"] == "queued"


def test_replay_returns_the_stored_result_and_never_a_second_reply(server: TestServer) -> None:
    (mid,) = server.add_mentions(1)
    eva = server.user("eva")
    epoch = claimed(server, eva, mid)
    first = send(eva, reply(1, mid, epoch)).json()["results"][0]
    # the response was lost; the client sends the same batch again, twice
    for _ in range(2):
        again = send(eva, reply(1, mid, epoch)).json()["results"][0]
        assert again["replayed"] is True
        assert {k: v for k, v in again.items() if k != "replayed"} == {
            k: v for k, v in first.items() if k != "replayed"
        }
    assert count(server, "SELECT count(*) FROM replies") == 1


def test_same_op_under_a_new_client_id_is_not_a_second_reply(server: TestServer) -> None:
    (mid,) = server.add_mentions(1)
    eva = server.user("eva")
    epoch = claimed(server, eva, mid)
    send(eva, reply(1, mid, epoch, op="op-unique-1"), client="client-old1")
    # the client lost its state, registered again, and resends what it still had
    r = send(eva, reply(1, mid, epoch, op="op-unique-1"), client="client-new1")
    assert r.status_code == 200
    assert r.json()["results"][0]["outcome"] == "accepted"
    assert r.json()["results"][0]["replayed"] is True
    assert count(server, "SELECT count(*) FROM replies") == 1


def test_gap_is_refused_and_nothing_after_it_runs(server: TestServer) -> None:
    m1, m2 = server.add_mentions(2)
    eva = server.user("eva")
    e1, e2 = claimed(server, eva, m1), claimed(server, eva, m2)
    r = send(eva, reply(2, m1, e1), reply(3, m2, e2))
    assert r.status_code == 409
    assert r.json()["error"] == "gap"
    assert r.json()["last_seq"] == 0
    assert count(server, "SELECT count(*) FROM replies") == 0
    # after sending seq 1, the rest goes through
    r = send(eva, reply(1, m1, e1, op="op-first"), reply(2, m1, e1), reply(3, m2, e2))
    assert r.status_code == 200
    assert [x["outcome"] for x in r.json()["results"]] == ["accepted"] * 3
    assert eva.get("/v1/clients/client-0001").json()["last_seq"] == 3


def test_reused_sequence_number_with_new_op_is_a_conflict(server: TestServer) -> None:
    (mid,) = server.add_mentions(1)
    eva = server.user("eva")
    epoch = claimed(server, eva, mid)
    send(eva, reply(1, mid, epoch, op="op-original"))
    r = send(eva, reply(1, mid, epoch, body="Something else", op="op-different"))
    assert r.status_code == 409
    assert r.json()["error"] == "seq_conflict"
    assert count(server, "SELECT count(*) FROM replies") == 1


def test_stale_epoch_is_rejected_recorded_and_counted(server: TestServer) -> None:
    (mid,) = server.add_mentions(1)
    eva, tom = server.user("eva"), server.user("tom")
    lead = server.user("lars", Role.LEAD)
    epoch = claimed(server, eva, mid)
    lead.post(f"/v1/mentions/{mid}/assign", json={"agent_id": server.users["tom"]})
    r = send(eva, reply(1, mid, epoch, body="Hoi! Stuur ons een DM ^Eva"))
    result = r.json()["results"][0]
    assert result["outcome"] == "rejected"
    assert result["reason"] == "claim_lost"
    assert result["body"] == "Hoi! Stuur ons een DM ^Eva"  # the text comes back, not lost
    # the rejection advanced the counter: the next write is seq 2
    assert eva.get("/v1/clients/client-0001").json()["last_seq"] == 1
    replay = send(eva, reply(1, mid, epoch, body="Hoi! Stuur ons een DM ^Eva")).json()
    assert replay["results"][0]["reason"] == "claim_lost"
    # tom (the new holder, epoch 2) replies fine; exactly one reply on the mention
    r = send(tom, reply(1, mid, epoch + 1, op="op-tom-0001"), client="client-tom1")
    assert r.json()["results"][0]["outcome"] == "accepted"
    assert count(server, f"SELECT count(*) FROM replies WHERE mention_id = {mid}") == 1


def test_reply_without_claim_and_on_closed_mention(server: TestServer) -> None:
    m1, m2 = server.add_mentions(2)
    eva = server.user("eva")
    r = send(eva, reply(1, m1, 0))
    assert r.json()["results"][0]["reason"] == "not_claimed"
    epoch = claimed(server, eva, m2)
    close = {"client_seq": 2, "op_id": "op-close-2", "type": "set_status", "mention_id": m2,
             "status": "closed"}  # fmt: skip
    r = send(eva, close, reply(3, m2, epoch))
    results = r.json()["results"]
    assert results[0]["outcome"] == "accepted"
    assert results[1]["reason"] == "mention_closed"
    assert eva.post(f"/v1/mentions/{m2}/claim").status_code == 409
    detail = eva.get(f"/v1/mentions/{m2}").json()["mention"]
    assert detail["status"] == "closed"
    assert detail["closed_at"] is not None


def test_reply_longer_than_the_channel_allows_is_rejected(server: TestServer) -> None:
    (mid,) = server.add_mentions(1, char_limit=280)
    eva = server.user("eva")
    epoch = claimed(server, eva, mid)
    r = send(eva, reply(1, mid, epoch, body="x" * 281))
    result = r.json()["results"][0]
    assert result["reason"] == "too_long"
    assert "281" in result["message"]


def test_a_reply_with_an_unfilled_ask_variable_is_refused_and_handed_back(
    server: TestServer,
) -> None:
    (mid,) = server.add_mentions(1)
    eva = server.user("eva")
    epoch = claimed(server, eva, mid)
    body = "Je order {{ask:ordernummer}} is onderweg. ^Eva"
    r = send(eva, reply(1, mid, epoch, body=body))
    assert r.status_code == 200
    result = r.json()["results"][0]
    assert (result["outcome"], result["reason"]) == ("rejected", "invalid")
    assert "{{ask:ordernummer}}" in result["message"]
    assert "Fill it in" in result["message"]
    assert result["body"] == body  # handed back: nothing the agent typed is lost
    assert count(server, "SELECT COUNT(*) FROM replies") == 0
    # any spelling the template editor takes counts; braces alone do not
    r = send(eva, reply(2, mid, epoch, body="Order {{ ASK : nr }}?"))
    assert r.json()["results"][0]["outcome"] == "rejected"
    r = send(eva, reply(3, mid, epoch, body="Order {nr} staat klaar {{glimlach}}"))
    assert r.json()["results"][0]["outcome"] == "accepted"


def test_notes_tags_priority_and_spam(server: TestServer) -> None:
    (mid,) = server.add_mentions(1)
    eva = server.user("eva")
    r = send(
        eva,
        {"client_seq": 1, "op_id": "op-note-01", "type": "note", "mention_id": mid,
         "body": "Klant belt ook via 0800"},
        {"client_seq": 2, "op_id": "op-tags-01", "type": "set_tags", "mention_id": mid,
         "tags": ["Storing", "internet", "storing"]},
        {"client_seq": 3, "op_id": "op-prio-01", "type": "set_priority", "mention_id": mid,
         "priority": 3},
        {"client_seq": 4, "op_id": "op-spam-01", "type": "set_status", "mention_id": mid,
         "status": "spam"},
    )  # fmt: skip
    assert [x["outcome"] for x in r.json()["results"]] == ["accepted"] * 4
    detail = eva.get(f"/v1/mentions/{mid}").json()
    assert detail["notes"][0]["body"] == "Klant belt ook via 0800"
    assert detail["mention"]["tags"] == ["storing", "internet"]
    assert detail["mention"]["priority"] == 3
    assert detail["mention"]["status"] == "spam"


def test_status_change_refused_while_someone_else_holds_it(server: TestServer) -> None:
    (mid,) = server.add_mentions(1)
    eva, tom = server.user("eva"), server.user("tom")
    claimed(server, eva, mid)
    close = {"client_seq": 1, "op_id": "op-close-1", "type": "set_status", "mention_id": mid,
             "status": "closed"}  # fmt: skip
    result = send(tom, close, client="client-tom1").json()["results"][0]
    assert result["outcome"] == "rejected"
    assert result["reason"] == "claim_lost"


def test_every_role_that_may_resolve_may_reopen(server: TestServer) -> None:
    """Reopen is ``set_status`` back to ``open``: the same rule as resolve (anyone, unless
    someone else holds a live claim; a lead may overrule), audited, and claimable again."""
    m1, m2, m3 = server.add_mentions(3)
    agent, lead = server.user("eva"), server.user("lars", Role.LEAD)
    admin, tom = server.user("anna", Role.ADMIN), server.user("tom")
    seqs: dict[str, int] = {}

    def status(api: Api, client: str, mid: int, to: str) -> dict[str, Any]:
        seqs[client] = seqs.get(client, 0) + 1
        change = {"client_seq": seqs[client], "op_id": f"op-{client}-{seqs[client]}",
                  "type": "set_status", "mention_id": mid, "status": to}  # fmt: skip
        r = send(api, change, client=client)
        assert r.status_code == 200, r.text
        result: dict[str, Any] = r.json()["results"][0]
        return result

    for api, client, mid, final in [(agent, "client-eva1", m1, "closed"),
                                    (lead, "client-lars", m2, "spam"),
                                    (admin, "client-anna", m3, "closed")]:  # fmt: skip
        assert status(api, client, mid, final)["outcome"] == "accepted"
        assert status(api, client, mid, "open")["outcome"] == "accepted"
        mention = api.get(f"/v1/mentions/{mid}").json()["mention"]
        assert (mention["status"], mention["closed_at"]) == ("open", None)
        claimed(server, api, mid)  # open again: it can be claimed
    with server.ctx.db.read() as conn:
        reopened = [
            (int(r[0]), r[1], r[2])
            for r in conn.execute(
                "SELECT entity_id, json_extract(detail, '$.previous'), actor_id FROM audit"
                " WHERE action = 'mention.status' AND json_extract(detail, '$.status') = 'open'"
                " ORDER BY id"
            )
        ]
    ids = server.users
    assert reopened == [(m1, "closed", ids["eva"]), (m2, "spam", ids["lars"]),
                        (m3, "closed", ids["anna"])]  # fmt: skip
    # m1 is eva's claim now: tom's status change is refused, as a resolve would be; the lead
    # may overrule
    assert status(tom, "client-tom1", m1, "open")["reason"] == "claim_lost"
    assert status(lead, "client-lars", m1, "open")["outcome"] == "accepted"


def test_client_id_of_another_account_is_forbidden(server: TestServer) -> None:
    (mid,) = server.add_mentions(1)
    eva, tom = server.user("eva"), server.user("tom")
    send(eva, reply(1, mid, 0), client="client-shared")
    r = send(tom, reply(1, mid, 0), client="client-shared")
    assert r.status_code == 403
    assert tom.get("/v1/clients/client-shared").status_code == 403


def test_unknown_mention_is_a_permanent_rejection(server: TestServer) -> None:
    eva = server.user("eva")
    result = send(eva, reply(1, 99999, 1)).json()["results"][0]
    assert result["reason"] == "not_found"


def test_locked_database_gives_503_and_advances_nothing(tmp_path: Path) -> None:
    with running_server(tmp_path, busy_timeout_ms=200) as server:
        (mid,) = server.add_mentions(1)
        eva = server.user("eva")
        epoch = claimed(server, eva, mid)
        blocker = sqlite3.connect(server.db_path, isolation_level=None)
        blocker.execute("BEGIN IMMEDIATE")  # another process holds the write lock
        try:
            r = send(eva, reply(1, mid, epoch))
            assert r.status_code == 503
            assert r.headers["Retry-After"] == "1"
            assert r.json()["error"] == "unavailable"
        finally:
            blocker.execute("ROLLBACK")
            blocker.close()
        assert eva.get("/v1/clients/client-0001").json()["last_seq"] == 0
        assert count(server, "SELECT count(*) FROM replies") == 0
        r = send(eva, reply(1, mid, epoch))
        assert r.json()["results"][0]["outcome"] == "accepted"
        assert "replayed" not in r.json()["results"][0] or not r.json()["results"][0]["replayed"]


def test_op_id_of_another_account_is_rejected_not_replayed(server: TestServer) -> None:
    m1, m2 = server.add_mentions(2)
    eva, tom = server.user("eva"), server.user("tom")
    e1 = claimed(server, eva, m1)
    e2 = claimed(server, tom, m2)
    assert send(eva, reply(1, m1, e1, op="op-collide"), client="client-eva1").status_code == 200
    r = send(tom, reply(1, m2, e2, op="op-collide"), client="client-tom1")
    assert r.status_code == 200
    result = r.json()["results"][0]
    assert result["outcome"] == "rejected"
    assert result["reason"] == "invalid"
    assert result["mention_id"] == m2  # tom's own write, not eva's stored result
    assert count(server, "SELECT count(*) FROM replies") == 1
