"""Offline-first writes through a faulty network: nothing lost, nothing doubled, all converge.

Clients run the real pull and push loops (:mod:`webcare.sync.loops`) against a
:class:`~tests.support.fault_proxy.FaultProxy` that drops connections, loses responses after the
server did the work, sends requests twice and delays them, on a seeded schedule.
"""

from __future__ import annotations

import random
import time
from collections import Counter
from pathlib import Path

import pytest

from tests.reliability.common import rounds, stress
from tests.support.fault_proxy import Fault, FaultProxy, FaultSchedule, SyncedClient, server_digests
from tests.support.server import TestServer, running_server, wait_until
from webcare.domain.errors import ClaimConflict, TransientError
from webcare.net.errors import OfflineError
from webcare.server import changes
from webcare.server.services import accounts


def token_for(server: TestServer, username: str) -> tuple[int, str]:
    user_id = server.add_user(username)
    return user_id, accounts.issue_token(server.ctx.db, user_id, server.ctx.now(), 3600.0, "rel")


def server_rows(server: TestServer) -> dict[str, tuple[str, int, str]]:
    """Every reply and note on the server: id -> (kind, mention, body)."""
    with server.ctx.db.read() as conn:
        rows = conn.execute(
            "SELECT id, 'reply' AS kind, mention_id, body FROM replies"
            " UNION ALL SELECT id, 'note', mention_id, body FROM notes"
        ).fetchall()
    return {r["id"]: (r["kind"], r["mention_id"], r["body"]) for r in rows}


def test_proxy_faults_do_what_they_say(tmp_path: Path) -> None:
    with running_server(tmp_path, channels=False) as server:
        (mid,) = server.add_mentions(1)
        user_id, token = token_for(server, "eva")
        with FaultProxy(server.thread.port, paths=("/v1/mutations",)) as proxy:
            client = SyncedClient(proxy.url, token, "eva", user_id, tmp_path / "eva.db")
            try:
                client.engine.catch_up()
                epoch = client.api.claim(mid)["mention"]["claim_epoch"]
                client.enqueue("reply", mid, {"body": "one", "claim_epoch": epoch})
                proxy.force(Fault.DROP)
                with pytest.raises(OfflineError):
                    client.engine.push()
                assert server_rows(server) == {}  # the server never saw it
                proxy.force(Fault.LOSE)
                with pytest.raises(OfflineError):
                    client.engine.push()
                assert len(server_rows(server)) == 1  # done, but the client cannot know
                assert client.queued() == 1
                proxy.force(Fault.DUP)
                (result,) = client.engine.push().results
                assert result["outcome"] == "accepted"  # both copies answer the same
                assert len(server_rows(server)) == 1
                assert proxy.upstream_requests["POST /v1/mutations"] == 3  # lose + dup twice
                client.enqueue("note", mid, {"body": "two"})
                proxy.force(Fault.DUP)
                (result,) = client.engine.push().results
                assert result["outcome"] == "accepted"
                assert sorted(b for _k, _m, b in server_rows(server).values()) == ["one", "two"]
                assert client.queued() == 0
                proxy.set_down(True)
                with pytest.raises(OfflineError):
                    client.api.health()
                proxy.set_down(False)
                assert client.api.health()
            finally:
                client.close()
            assert proxy.stats["drop"] == proxy.stats["lose"] == 1 and proxy.stats["dup"] == 2


def claim_through(client: SyncedClient, mid: int, deadline_s: float = 20.0) -> int | None:
    """Claim over a faulty network: retry until answered (a lost answer makes it a renewal)."""
    end = time.monotonic() + deadline_s
    while True:
        try:
            return int(client.api.claim(mid)["mention"]["claim_epoch"])
        except ClaimConflict:
            return None
        except TransientError:
            if time.monotonic() > end:
                raise
            time.sleep(0.02)


@pytest.mark.parametrize("seed", range(rounds(1, 4)))
def test_offline_first_writes_through_faults_are_exactly_once_and_converge(
    tmp_path: Path, seed: int
) -> None:
    n_clients = rounds(3, 5)
    writes_each = rounds(12, 60)
    schedule = FaultSchedule(seed=seed, drop=0.08, lose=0.08, dup=0.08, delay=0.1, max_delay_s=0.15)
    figures: Counter[str] = Counter()
    with running_server(tmp_path, lease_s=600.0, channels=False) as server:
        mentions = server.add_mentions(n_clients * 3)
        users = [token_for(server, f"agent{i}") for i in range(n_clients)]
        with FaultProxy(server.thread.port, schedule) as proxy:
            clients = [
                SyncedClient(proxy.url, token, f"agent{i}", uid, tmp_path / f"c{i}.db",
                             read_timeout=5.0)
                for i, (uid, token) in enumerate(users)
            ]  # fmt: skip
            rng = random.Random(seed)
            intended: dict[str, tuple[str, int, str, bool]] = {}  # op -> kind, mention, body, ok
            try:
                for i, c in enumerate(clients):
                    c.start_loops(seed * 100 + i)
                # each client holds three mentions (claims are online, retried through faults)
                epochs: dict[tuple[int, int], int] = {}
                for i, c in enumerate(clients):
                    for mid in mentions[i * 3 : i * 3 + 3]:
                        epoch = claim_through(c, mid)
                        assert epoch is not None
                        epochs[(i, mid)] = epoch
                for step in range(writes_each):
                    for i, c in enumerate(clients):
                        own = mentions[i * 3 : i * 3 + 3]
                        mid = rng.choice(own)
                        kind = rng.choice(("reply", "reply", "note", "foreign"))
                        body = f"{c.username} #{step} {kind}"
                        if kind == "note":
                            op = c.enqueue("note", mid, {"body": body})
                            intended[op] = ("note", mid, body, True)
                        elif kind == "reply":
                            payload = {"body": body, "claim_epoch": epochs[(i, mid)]}
                            op = c.enqueue("reply", mid, payload)
                            intended[op] = ("reply", mid, body, True)
                        else:  # a reply on someone else's mention: must be refused, kept visible
                            other = rng.choice([m for m in mentions if m not in own])
                            op = c.enqueue("reply", other, {"body": body, "claim_epoch": 1})
                            intended[op] = ("reply", other, body, False)
                    time.sleep(rng.uniform(0, 0.03))
                figures["writes"] = len(intended)
                figures["faults_during_writes"] = sum(
                    v for k, v in proxy.stats.items() if k not in ("pass", "refused")
                )
                proxy.calm()  # the faults stop; nobody touches anything: the loops must drain
                drained = wait_until(lambda: all(c.queued() == 0 for c in clients), 60, 0.1)
                assert drained, [c.queued() for c in clients]
                with server.ctx.db.read() as conn:
                    head = changes.max_seq(conn)
                assert wait_until(
                    lambda: all((c.cursor() or 0) >= head for c in clients), 30, 0.1
                ), "a client's pull loop did not catch up"
                for c in clients:
                    c.stop_loops()
                    assert c.loop_errors == []
            finally:
                for c in clients:
                    c.close()
            # faults of every kind happened
            for fault in ("drop", "lose", "dup", "delay"):
                assert proxy.stats[fault] > 0, proxy.stats
            figures.update({f"proxy_{k}": v for k, v in proxy.stats.items()})

        # --- the invariants -------------------------------------------------------------------
        on_server = server_rows(server)
        outboxes: dict[str, dict[str, object]] = {}
        reopened = [
            SyncedClient(server.url, token, f"agent{i}", uid, tmp_path / f"c{i}.db")
            for i, (uid, token) in enumerate(users)
        ]
        try:
            for c in reopened:
                for e in c.outbox():
                    outboxes[str(e["op_id"])] = e
            digests = [c.digests() for c in reopened]
        finally:
            for c in reopened:
                c.close()
        assert set(outboxes) == set(intended), "an outbox entry is missing or unexpected"
        lost = duplicated = 0
        for op, (kind, mid, body, ok) in intended.items():
            entry = outboxes[op]
            if ok:
                if entry["state"] != "accepted" or on_server.get(op) != (kind, mid, body):
                    lost += 1
            else:
                result = entry["result"]
                assert entry["state"] == "rejected" and op not in on_server
                assert isinstance(result, dict) and result["body"] == body  # text kept
                figures["rejected_visible"] += 1
        bodies = Counter(body for _k, _m, body in on_server.values())
        duplicated = sum(n - 1 for n in bodies.values())
        extra = set(on_server) - set(intended)
        figures.update(lost=lost, duplicated=duplicated, unexpected_on_server=len(extra))
        figures["accepted"] = sum(1 for e in outboxes.values() if e["state"] == "accepted")
        reference = server_digests(server.url, users[0][1], tmp_path / "reference.db")
        figures["converged_clients"] = sum(d == reference for d in digests)
        figures["mirror_rows"] = sum(n for n, _h in reference.values())
        print(
            f"\nFIGURES fault_proxy seed={seed} stress={stress()} {dict(sorted(figures.items()))}"
        )
        assert lost == 0 and duplicated == 0 and not extra
        assert figures["accepted"] == sum(1 for v in intended.values() if v[3])
        for d in digests:
            assert d == reference
