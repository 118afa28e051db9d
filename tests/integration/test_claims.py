"""Claims through the real server: exclusivity, leases, renew, release, reassign, races."""

from __future__ import annotations

import threading
import time
from collections import Counter
from pathlib import Path

from tests.support.server import TestServer, running_server, wait_until
from webcare.domain.models import Role


def test_second_agent_is_told_who_holds_the_claim(server: TestServer) -> None:
    (mid,) = server.add_mentions(1)
    eva, tom = server.user("eva"), server.user("tom")

    first = eva.post(f"/v1/mentions/{mid}/claim")
    assert first.status_code == 200
    body = first.json()
    assert body["result"] == "granted"
    assert body["mention"]["status"] == "claimed"
    assert body["mention"]["claim_agent_id"] == server.users["eva"]
    assert body["mention"]["claim_epoch"] == 1
    assert 890 < body["mention"]["lease_remaining_s"] <= 900

    second = tom.post(f"/v1/mentions/{mid}/claim")
    assert second.status_code == 409
    err = second.json()
    assert err["error"] == "claimed"
    assert err["holder"] == {"id": server.users["eva"], "display_name": "Eva"}
    assert 890 < err["lease_remaining_s"] <= 900
    assert "Eva" in err["message"]


def test_reclaim_by_holder_renews_without_new_epoch(server: TestServer) -> None:
    (mid,) = server.add_mentions(1)
    eva = server.user("eva")
    assert eva.post(f"/v1/mentions/{mid}/claim").json()["mention"]["claim_epoch"] == 1
    again = eva.post(f"/v1/mentions/{mid}/claim").json()
    assert again["result"] == "renewed"
    assert again["mention"]["claim_epoch"] == 1
    renew = eva.post(f"/v1/mentions/{mid}/renew")
    assert renew.status_code == 200
    assert renew.json()["mention"]["claim_epoch"] == 1


def test_renew_by_non_holder_is_refused(server: TestServer) -> None:
    (mid,) = server.add_mentions(1)
    eva, tom = server.user("eva"), server.user("tom")
    assert tom.post(f"/v1/mentions/{mid}/renew").status_code == 409  # nobody holds it
    eva.post(f"/v1/mentions/{mid}/claim")
    r = tom.post(f"/v1/mentions/{mid}/renew")
    assert r.status_code == 409
    assert r.json()["error"] == "claimed"


def test_release_lets_another_agent_claim_with_a_new_epoch(server: TestServer) -> None:
    (mid,) = server.add_mentions(1)
    eva, tom = server.user("eva"), server.user("tom")
    eva.post(f"/v1/mentions/{mid}/claim")
    assert tom.post(f"/v1/mentions/{mid}/release").status_code == 409  # not his to release
    r = eva.post(f"/v1/mentions/{mid}/release")
    assert r.status_code == 200
    assert r.json()["mention"]["status"] == "open"
    assert r.json()["mention"]["claim_agent_id"] is None
    r = tom.post(f"/v1/mentions/{mid}/claim")
    assert r.status_code == 200
    assert r.json()["mention"]["claim_epoch"] == 2


def test_lead_reassigns_and_releases_with_audit(server: TestServer) -> None:
    (mid,) = server.add_mentions(1)
    eva, tom = server.user("eva"), server.user("tom")
    lead = server.user("lars", Role.LEAD)
    eva.post(f"/v1/mentions/{mid}/claim")

    assert tom.post(f"/v1/mentions/{mid}/assign", json={"agent_id": 1}).status_code == 403
    r = lead.post(f"/v1/mentions/{mid}/assign", json={"agent_id": server.users["tom"]})
    assert r.status_code == 200, r.text
    assert r.json()["mention"]["claim_agent_id"] == server.users["tom"]
    assert r.json()["mention"]["claim_epoch"] == 2
    assert eva.post(f"/v1/mentions/{mid}/claim").status_code == 409

    r = lead.post(f"/v1/mentions/{mid}/release")
    assert r.status_code == 200
    assert r.json()["mention"]["claim_agent_id"] is None

    log = lead.get("/v1/audit", params={"entity": "mention", "entity_id": str(mid)}).json()
    actions = [(e["action"], e["actor_username"]) for e in reversed(log)]
    assert actions == [
        ("claim.grant", "eva"),
        ("claim.assign", "lars"),
        ("claim.release", "lars"),
    ]
    assert log[0]["detail"]["forced"] is True


def test_assign_needs_an_enabled_account(server: TestServer) -> None:
    (mid,) = server.add_mentions(1)
    lead = server.user("lars", Role.LEAD)
    r = lead.post(f"/v1/mentions/{mid}/assign", json={"agent_id": 999})
    assert r.status_code == 422


def test_claim_unknown_mention_is_404(server: TestServer) -> None:
    eva = server.user("eva")
    r = eva.post("/v1/mentions/424242/claim")
    assert r.status_code == 404
    assert r.json()["error"] == "not_found"


def test_lease_expiry_frees_the_mention_and_fences_the_old_holder(tmp_path: Path) -> None:
    with running_server(tmp_path, lease_s=0.6, sweep_interval_s=0.1) as server:
        (mid,) = server.add_mentions(1)
        eva, tom = server.user("eva"), server.user("tom")
        assert eva.post(f"/v1/mentions/{mid}/claim").status_code == 200
        assert tom.post(f"/v1/mentions/{mid}/claim").status_code == 409

        # The sweeper turns the expired claim back into an open mention, visible to everyone.
        assert wait_until(
            lambda: tom.get(f"/v1/mentions/{mid}").json()["mention"]["status"] == "open", 5
        )
        detail = tom.get(f"/v1/mentions/{mid}").json()["mention"]
        assert detail["lease_remaining_s"] is None

        r = tom.post(f"/v1/mentions/{mid}/claim")
        assert r.status_code == 200
        assert r.json()["mention"]["claim_epoch"] == 2
        # Eva's reply written under epoch 1 is now fenced off.
        r = eva.post(
            "/v1/mutations",
            json={"client_id": "eva-client-1", "mutations": [
                {"client_seq": 1, "op_id": "op-late-reply", "type": "reply",
                 "mention_id": mid, "claim_epoch": 1, "body": "Late reply ^Eva"}]},
        )  # fmt: skip
        result = r.json()["results"][0]
        assert result["outcome"] == "rejected"
        assert result["reason"] == "claim_lost"


def test_expired_holder_keeps_epoch_when_nobody_else_claimed(tmp_path: Path) -> None:
    with running_server(tmp_path, lease_s=0.3, sweep_interval_s=0.05) as server:
        (mid,) = server.add_mentions(1)
        eva = server.user("eva")
        eva.post(f"/v1/mentions/{mid}/claim")
        time.sleep(0.5)
        # An offline agent's queued reply still goes out when nobody took the mention over.
        r = eva.post(
            "/v1/mutations",
            json={"client_id": "eva-client-1", "mutations": [
                {"client_seq": 1, "op_id": "op-offline-1", "type": "reply",
                 "mention_id": mid, "claim_epoch": 1, "body": "Back online ^Eva"}]},
        )  # fmt: skip
        assert r.json()["results"][0]["outcome"] == "accepted"
        again = eva.post(f"/v1/mentions/{mid}/claim").json()
        assert again["mention"]["claim_epoch"] == 1


def test_claim_race_has_exactly_one_winner_per_mention(server: TestServer) -> None:
    mentions = server.add_mentions(12)
    agents = [server.user(f"agent{i}") for i in range(12)]
    start = threading.Barrier(len(agents))
    wins: list[tuple[int, int]] = []
    statuses: Counter[int] = Counter()
    lock = threading.Lock()

    def worker(index: int) -> None:
        api = agents[index]
        start.wait()
        # every agent goes through the mentions in a different order
        order = mentions[index:] + mentions[:index]
        for mid in order:
            r = api.post(f"/v1/mentions/{mid}/claim")
            with lock:
                statuses[r.status_code] += 1
                if r.status_code == 200:
                    wins.append((mid, index))

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(len(agents))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)

    assert set(statuses) <= {200, 409}, statuses
    winners = Counter(mid for mid, _ in wins)
    assert winners == Counter(dict.fromkeys(mentions, 1)), "a mention was granted twice"
    assert statuses[409] == len(mentions) * (len(agents) - 1)
    # the database agrees: one grant per mention, epoch 1, held by the winner
    with server.ctx.db.read() as conn:
        rows = {
            r["id"]: (r["claim_agent_id"], r["claim_epoch"])
            for r in conn.execute("SELECT id, claim_agent_id, claim_epoch FROM mentions")
        }
        grants = conn.execute("SELECT count(*) FROM audit WHERE action = 'claim.grant'").fetchone()[
            0
        ]
    assert grants == len(mentions)
    for mid, index in wins:
        assert rows[mid] == (server.users[f"agent{index}"], 1)
