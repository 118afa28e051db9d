"""Hand-over through the real server: the claim moves to a colleague with a new epoch and a
note, the old holder's queued reply is fenced off, and every bad request is a 4xx that says why."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.support.client import HeadlessClient
from tests.support.server import Api, TestServer
from webcare.domain.models import Role
from webcare.server.services import accounts

NOTE = "Lars knows this customer"


def reply(mid: int, epoch: int, *, op: str = "op-eva-late-1", client: str = "eva-client-1",
          seq: int = 1) -> dict[str, Any]:  # fmt: skip
    return {"client_id": client, "mutations": [
        {"client_seq": seq, "op_id": op, "type": "reply", "mention_id": mid,
         "claim_epoch": epoch, "body": "Sorry to hear that! ^Eva"}]}  # fmt: skip


def claim(api: Api, mid: int) -> int:
    r = api.post(f"/v1/mentions/{mid}/claim")
    assert r.status_code == 200, r.text
    return int(r.json()["mention"]["claim_epoch"])


def handover(api: Api, mid: int, to: int, note: str = NOTE, **extra: Any) -> Any:
    return api.post(f"/v1/mentions/{mid}/handover", json={"to_user_id": to, "note": note, **extra})


def test_holder_hands_over_new_epoch_note_audit_and_fenced_reply(server: TestServer) -> None:
    (mid,) = server.add_mentions(1)
    eva, tom = server.user("eva"), server.user("tom")
    lead = server.user("lars", Role.LEAD)
    epoch = claim(eva, mid)
    cursor = eva.get("/v1/changes", params={"since": 0}).json()["head"]

    r = handover(eva, mid, server.users["tom"])
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["result"] == "handed_over" and body["replayed"] is False
    mention = body["mention"]
    assert mention["claim_agent_id"] == server.users["tom"]
    assert mention["claim_epoch"] == epoch + 1
    assert mention["status"] == "claimed"
    assert 890 < mention["lease_remaining_s"] <= 900  # a fresh lease for Tom
    assert mention["handed_over_by"] == server.users["eva"]
    assert mention["handed_over_at"] is not None
    note = body["note"]
    assert (note["body"], note["agent_id"], note["handover_to"]) == (
        NOTE, server.users["eva"], server.users["tom"]
    )  # fmt: skip

    # the conversation carries the note; Tom now answers, Eva's queued reply is fenced off
    detail = tom.get(f"/v1/mentions/{mid}").json()
    assert [(n["body"], n["handover_to"]) for n in detail["notes"]] == [(NOTE, server.users["tom"])]
    late = eva.post("/v1/mutations", json=reply(mid, epoch)).json()["results"][0]
    assert (late["outcome"], late["reason"]) == ("rejected", "claim_lost")
    assert late["body"] == "Sorry to hear that! ^Eva"  # handed back, so Eva keeps her words
    assert eva.post(f"/v1/mentions/{mid}/claim").status_code == 409  # Tom holds it now
    ok = tom.post(
        "/v1/mutations", json=reply(mid, epoch + 1, op="op-tom-1", client="tom-client-1")
    ).json()["results"][0]
    assert ok["outcome"] == "accepted"

    # the change feed brings the moved claim and the note to every client
    page = tom.get("/v1/changes", params={"since": cursor}).json()
    kinds = {(c["entity"], c["id"]) for c in page["changes"]}
    assert ("mention", str(mid)) in kinds and ("note", note["id"]) in kinds
    fed = next(c["data"] for c in page["changes"] if c["entity"] == "mention")
    assert fed["claim_agent_id"] == server.users["tom"]

    log = lead.get("/v1/audit", params={"entity": "mention", "entity_id": str(mid)}).json()
    entry = next(e for e in log if e["action"] == "claim.handover")
    assert entry["actor_username"] == "eva"
    assert entry["detail"]["to"] == server.users["tom"]
    assert entry["detail"]["previous_holder"] == server.users["eva"]
    assert entry["detail"]["epoch"] == epoch + 1
    assert entry["detail"]["note"] == NOTE
    assert entry["names"][str(server.users["tom"])] == "Tom"


def test_the_hand_over_mark_ends_with_the_colleagues_claim(server: TestServer) -> None:
    (mid,) = server.add_mentions(1)
    eva, tom = server.user("eva"), server.user("tom")
    claim(eva, mid)
    assert handover(eva, mid, server.users["tom"], note="").status_code == 200
    detail = tom.get(f"/v1/mentions/{mid}").json()
    assert detail["notes"][0]["body"] == ""  # no note: the conversation still shows the event
    assert detail["mention"]["handed_over_by"] == server.users["eva"]
    r = tom.post(f"/v1/mentions/{mid}/release")
    assert r.status_code == 200
    assert r.json()["mention"]["handed_over_by"] is None
    assert r.json()["mention"]["handed_over_at"] is None


def test_a_lead_hands_over_anyones_claim(server: TestServer) -> None:
    m1, m2 = server.add_mentions(2)
    eva, tom = server.user("eva"), server.user("tom")
    lead = server.user("lars", Role.LEAD)
    epoch = claim(eva, m1)
    r = handover(lead, m1, server.users["tom"], note="Tom knows the order")
    assert r.status_code == 200, r.text
    assert r.json()["mention"]["claim_agent_id"] == server.users["tom"]
    assert r.json()["mention"]["claim_epoch"] == epoch + 1
    assert r.json()["mention"]["handed_over_by"] == server.users["lars"]
    late = eva.post("/v1/mutations", json=reply(m1, epoch)).json()["results"][0]
    assert late["reason"] == "claim_lost"
    # a mention nobody holds: the lead may hand it over too (an assignment with a note)
    r = handover(lead, m2, server.users["eva"])
    assert r.status_code == 200, r.text
    assert r.json()["mention"]["claim_epoch"] == 1
    log = lead.get("/v1/audit", params={"entity": "mention", "entity_id": str(m1)}).json()
    entry = next(e for e in log if e["action"] == "claim.handover")
    assert entry["detail"]["forced"] is True
    assert tom.get(f"/v1/mentions/{m1}").json()["mention"]["claim_agent_id"] == server.users["tom"]


def test_an_agent_who_does_not_hold_it_is_refused(server: TestServer) -> None:
    m1, m2 = server.add_mentions(2)
    eva, tom = server.user("eva"), server.user("tom")
    server.add_user("lars", Role.LEAD)
    claim(eva, m1)
    r = handover(tom, m1, server.users["lars"])
    assert r.status_code == 409
    assert r.json()["error"] == "claimed"
    assert "Eva" in r.json()["message"]
    r = handover(tom, m2, server.users["lars"])  # nobody holds it
    assert r.status_code == 409
    assert "claim it first" in r.json()["message"]
    with server.ctx.db.read() as conn:
        notes = conn.execute("SELECT count(*) FROM notes").fetchone()[0]
        audit = conn.execute(
            "SELECT count(*) FROM audit WHERE action = 'claim.handover'"
        ).fetchone()[0]
    assert (notes, audit) == (0, 0)


@pytest.mark.parametrize("case", ["unknown", "disabled", "imported", "self"])
def test_a_colleague_who_cannot_take_it_is_a_422_with_the_reason(
    server: TestServer, case: str
) -> None:
    (mid,) = server.add_mentions(1)
    eva = server.user("eva")
    admin = server.user("anna", Role.ADMIN)
    dora = server.add_user("dora", name="Dora")
    with server.ctx.db.write() as conn:
        ghost = accounts.insert_user(
            conn, username="MM", display_name="MM", signature="^MM", role=Role.AGENT,
            password_hash=None, now=server.ctx.now(), actor_id=None,
        )  # fmt: skip
    assert admin.patch(f"/v1/users/{dora}", json={"disabled": True}).status_code == 200
    epoch = claim(eva, mid)
    to, status, words = {
        "unknown": (424242, 422, "no account with id 424242"),
        "disabled": (dora, 422, "Dora's account is disabled"),
        "imported": (ghost, 422, "MM cannot sign in"),
        "self": (server.users["eva"], 422, "to yourself"),
    }[case]
    r = handover(eva, mid, to)
    assert r.status_code == status, r.text
    assert words in r.json()["message"]
    after = eva.get(f"/v1/mentions/{mid}").json()
    assert after["mention"]["claim_agent_id"] == server.users["eva"]
    assert after["mention"]["claim_epoch"] == epoch
    assert after["notes"] == []


def test_a_lead_cannot_hand_it_to_who_holds_it_already(server: TestServer) -> None:
    (mid,) = server.add_mentions(1)
    eva = server.user("eva")
    lead = server.user("lars", Role.LEAD)
    claim(eva, mid)
    r = handover(lead, mid, server.users["eva"])
    assert r.status_code == 409
    assert "Eva already holds this mention" in r.json()["message"]


def test_a_closed_mention_cannot_be_handed_over(server: TestServer) -> None:
    (mid,) = server.add_mentions(1)
    eva, _tom = server.user("eva"), server.user("tom")
    claim(eva, mid)
    closed = eva.post("/v1/mutations", json={"client_id": "eva-client-9", "mutations": [
        {"client_seq": 1, "op_id": "op-close-0001", "type": "set_status", "mention_id": mid,
         "status": "closed"}]})  # fmt: skip
    assert closed.json()["results"][0]["outcome"] == "accepted"
    r = handover(eva, mid, server.users["tom"])
    assert r.status_code == 409
    assert "closed" in r.json()["message"] and "reopen" in r.json()["message"]


def test_bad_bodies_and_unknown_mentions(server: TestServer) -> None:
    (mid,) = server.add_mentions(1)
    eva, tom = server.user("eva"), server.user("tom")
    claim(eva, mid)
    to = server.users["tom"]
    assert handover(eva, 424242, to).status_code == 404
    assert handover(eva, mid, to, note="x" * 501).status_code == 422
    assert handover(eva, mid, to, note="a\x00b").status_code == 422
    assert handover(eva, mid, 0).status_code == 422
    assert eva.post(f"/v1/mentions/{mid}/handover", json={"note": "hi"}).status_code == 422
    assert handover(eva, mid, to, op_id="bad id!").status_code == 422
    assert tom.get(f"/v1/mentions/{mid}").json()["mention"]["claim_agent_id"] == server.users["eva"]


def test_the_same_request_id_again_answers_what_was_done(server: TestServer) -> None:
    (mid,) = server.add_mentions(1)
    eva, _tom = server.user("eva"), server.user("tom")
    epoch = claim(eva, mid)
    first = handover(eva, mid, server.users["tom"], op_id="op-handover-0001")
    assert first.status_code == 200
    again = handover(eva, mid, server.users["tom"], op_id="op-handover-0001")
    assert again.status_code == 200, again.text
    assert again.json()["replayed"] is True
    assert again.json()["mention"]["claim_epoch"] == epoch + 1  # not moved a second time
    assert again.json()["note"]["id"] == "op-handover-0001"
    with server.ctx.db.read() as conn:
        assert conn.execute("SELECT count(*) FROM notes").fetchone()[0] == 1
    other = handover(eva, mid, server.users["tom"], note="", op_id="op-handover-0001")
    assert other.status_code == 200  # the same hand-over: its note is not compared
    # the same id for another hand-over is refused, not mistaken for this one
    reused = handover(eva, mid, server.users["eva"] + 99, op_id="op-handover-0001")
    assert reused.status_code == 409


def test_presence_says_who_is_online_away_or_offline(server: TestServer) -> None:
    eva, tom = server.user("eva"), server.user("tom")
    server.add_user("lars", Role.LEAD, name="Lars")
    with server.ctx.db.write() as conn:
        accounts.insert_user(
            conn, username="MM", display_name="MM", signature="^MM", role=Role.AGENT,
            password_hash=None, now=server.ctx.now(), actor_id=None,
        )  # fmt: skip
    assert tom.patch("/v1/me", json={"availability": "away"}).status_code == 200
    r = eva.get("/v1/presence")
    assert r.status_code == 200
    by_name = {p["display_name"]: p for p in r.json()}
    assert set(by_name) == {"Eva", "Tom", "Lars"}  # imported agents cannot take mentions
    assert by_name["Eva"]["presence"] == "online"
    assert by_name["Tom"]["presence"] == "away"
    assert by_name["Lars"]["presence"] == "offline" and by_name["Lars"]["seen_s"] is None
    assert by_name["Lars"]["role"] == "lead"
    assert tom.post("/v1/auth/logout").status_code == 204
    by_name = {p["display_name"]: p for p in eva.get("/v1/presence").json()}
    assert by_name["Tom"]["presence"] == "offline"
    assert server.anonymous().get("/v1/presence").status_code == 401


def test_the_colleagues_store_marks_a_hand_over_once(server: TestServer, tmp_path: Path) -> None:
    """Tom's real client store (sync engine, applier) sees the hand-over: it is his, unread,
    announced once however often the feed brings the mention again, with the note."""
    m1, m2 = server.add_mentions(2)
    server.add_user("eva", name="Eva")
    server.add_user("tom", name="Tom")
    eva = server.login("eva")
    tom = HeadlessClient(server.url, "tom", tmp_path / "tom.db")
    try:

        def pull_all() -> list[int]:
            handed: list[int] = []
            while True:
                result = tom.engine.pull()
                handed += result.summary.handed_to_me
                if not result.has_more and not result.resynced:
                    return handed

        assert pull_all() == []
        claim(eva, m2)
        assert handover(eva, m2, server.users["tom"]).status_code == 200
        assert pull_all() == [m2]
        detail = tom.store.detail(m2)
        assert detail is not None
        assert (detail.holder_id, detail.handed_over_by) == (server.users["tom"], "Eva")
        assert [(i.kind, i.handover_to, i.text) for i in tom.store.conversation(m2)][-1] == (
            "note", "Tom", NOTE
        )  # fmt: skip
        assert tom.store.handed_to_me([m1, m2])[0].by == "Eva"
        # the feed sends the mention again (Tom renews): not a second hand-over
        assert tom.api.renew(m2)["mention"]["handed_over_by"] == server.users["eva"]
        assert pull_all() == []
    finally:
        tom.close()
