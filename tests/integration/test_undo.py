"""Undo through the outbox endpoint: a write taken back while the mention is as it left it.

The rule is ``webcare/server/services/undo.py``'s: the same account, the same mention, nothing
changed since (a claim in between moves the epoch), within the server's allowance; the state
before comes back whole (status, the claim with its epoch, snooze, tags, priority)."""

from __future__ import annotations

from typing import Any

from tests.support.outbox import claimed, count, reply, send
from tests.support.server import Api, TestServer


def write(seq: int, mid: int, type_: str, op: str | None = None, **fields: Any) -> dict[str, Any]:
    return {"client_seq": seq, "op_id": op or f"op-{seq:08d}", "type": type_, "mention_id": mid,
            **fields}  # fmt: skip


def mention(api: Api, mid: int) -> dict[str, Any]:
    return dict(api.get(f"/v1/mentions/{mid}").json()["mention"])


def outcome(r: Any, i: int = 0) -> tuple[str, str | None, str]:
    assert r.status_code == 200, r.text
    res = r.json()["results"][i]
    return res["outcome"], res["reason"], res["message"]


def test_undoing_a_resolve_gives_the_claim_back_with_its_epoch(server: TestServer) -> None:
    (mid,) = server.add_mentions(1)
    eva = server.user("eva")
    epoch = claimed(server, eva, mid)
    assert outcome(send(eva, write(1, mid, "set_status", status="closed")))[0] == "accepted"
    assert mention(eva, mid)["status"] == "closed"
    r = send(eva, write(2, mid, "set_status", status="open", undoes="op-00000001"))
    assert outcome(r) == ("accepted", None, "Undone.")
    m = mention(eva, mid)
    assert (m["status"], m["claim_agent_id"], m["claim_epoch"]) == (
        "claimed",
        server.users["eva"],
        epoch,
    )
    assert m["closed_at"] is None
    # the claim is the same tenure: a reply written under it before the resolve still lands
    assert outcome(send(eva, reply(3, mid, epoch)))[0] == "accepted"
    # an undo point serves once
    r = send(eva, write(4, mid, "set_status", status="open", undoes="op-00000001"))
    assert outcome(r)[:2] == ("rejected", "not_found")
    assert count(server, "SELECT count(*) FROM audit WHERE action = 'mention.undo'") == 1


def test_a_claim_in_between_refuses_the_undo_and_changes_nothing(server: TestServer) -> None:
    (mid,) = server.add_mentions(1)
    eva, lars = server.user("eva"), server.user("lars")
    assert outcome(send(eva, write(1, mid, "set_status", status="spam")))[0] == "accepted"
    assert (
        outcome(
            send(
                lars,
                write(1, mid, "set_status", "op-lars-0001", status="open"),
                client="client-lars",
            )
        )[0]
        == "accepted"
    )
    claimed(server, lars, mid)
    r = send(eva, write(2, mid, "set_status", status="open", undoes="op-00000001"))
    assert outcome(r) == ("rejected", "changed", "The mention changed since; nothing was undone.")
    m = mention(eva, mid)
    assert (m["status"], m["claim_agent_id"]) == ("claimed", server.users["lars"])


def test_only_the_writer_can_undo_and_only_on_its_mention(server: TestServer) -> None:
    m1, m2 = server.add_mentions(2)
    eva, lars = server.user("eva"), server.user("lars")
    send(eva, write(1, m1, "set_status", status="closed"))
    r = send(
        lars,
        write(1, m1, "set_status", "op-lars-0001", status="open", undoes="op-00000001"),
        client="client-lars",
    )
    assert outcome(r)[:2] == ("rejected", "not_found")
    r = send(eva, write(2, m2, "set_status", status="open", undoes="op-00000001"))
    assert outcome(r)[:2] == ("rejected", "not_found")
    assert mention(eva, m1)["status"] == "closed"


def test_undo_of_a_snooze_wakes_nothing_and_restores_the_claim(server: TestServer) -> None:
    (mid,) = server.add_mentions(1)
    eva = server.user("eva")
    epoch = claimed(server, eva, mid)
    until = server.ctx.now() + 3600
    assert outcome(send(eva, write(1, mid, "snooze", until=until)))[0] == "accepted"
    assert mention(eva, mid)["claim_agent_id"] is None
    assert outcome(send(eva, write(2, mid, "unsnooze", undoes="op-00000001")))[0] == "accepted"
    m = mention(eva, mid)
    assert m["snoozed_until"] is None and m["woken_at"] is None
    assert (m["claim_agent_id"], m["claim_epoch"]) == (server.users["eva"], epoch)


def test_undo_of_tags_and_priority_puts_the_old_ones_back(server: TestServer) -> None:
    (mid,) = server.add_mentions(1)
    eva = server.user("eva")
    send(eva, write(1, mid, "set_tags", tags=["billing"]))
    send(eva, write(2, mid, "set_tags", tags=["billing", "urgent"]))
    send(eva, write(3, mid, "set_priority", priority=3))
    assert (
        outcome(send(eva, write(4, mid, "set_priority", priority=3, undoes="op-00000003")))[0]
        == "accepted"
    )
    assert mention(eva, mid)["priority"] == 1
    # the later tag write is the state now: the earlier one can no longer be taken back
    r = send(eva, write(5, mid, "set_tags", tags=[], undoes="op-00000001"))
    assert outcome(r)[:2] == ("rejected", "changed")
    assert (
        outcome(send(eva, write(6, mid, "set_tags", tags=[], undoes="op-00000002")))[0]
        == "accepted"
    )
    assert mention(eva, mid)["tags"] == ["billing"]


def test_an_undo_replayed_is_one_undo(server: TestServer) -> None:
    (mid,) = server.add_mentions(1)
    eva = server.user("eva")
    send(eva, write(1, mid, "set_status", status="closed"))
    undo = write(2, mid, "set_status", status="open", undoes="op-00000001")
    first = outcome(send(eva, undo))
    again = send(eva, undo).json()["results"][0]
    assert again["replayed"] is True and again["outcome"] == first[0] == "accepted"
    assert count(server, "SELECT count(*) FROM audit WHERE action = 'mention.undo'") == 1


def test_bad_undo_input_is_a_4xx(server: TestServer) -> None:
    (mid,) = server.add_mentions(1)
    eva = server.user("eva")
    r = send(eva, write(1, mid, "note", body="x", undoes="op-00000001"))
    assert r.status_code == 422
    r = send(eva, write(1, mid, "set_status", status="open", undoes="not an op id"))
    assert r.status_code == 422
