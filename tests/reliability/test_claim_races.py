"""Claims under contention: exclusivity with short leases, offline holders, fencing.

Every figure is checked twice: from the server's answers (what each agent was told) and from
the server's own records (the audit log, the replies table, the mentions' final state).
"""

from __future__ import annotations

import random
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.reliability.common import rounds, stress
from tests.support.client import HeadlessClient
from tests.support.fault_proxy import FaultProxy, FaultSchedule, SyncedClient
from tests.support.server import Api, TestServer, running_server, wait_until
from webcare.domain.errors import ClaimConflict, ConflictError, TransientError
from webcare.domain.timeutil import iso
from webcare.server.services import accounts


def token_for(server: TestServer, username: str) -> tuple[int, str]:
    """An account and a token without a password round trip (argon2 is slow by design)."""
    user_id = server.add_user(username)
    now = server.ctx.now()
    return user_id, accounts.issue_token(server.ctx.db, user_id, now, 3600.0, "reliability")


@dataclass
class RaceLog:
    figures: Counter[str] = field(default_factory=Counter)
    #: every claim state an agent was told it holds: mention, agent, epoch, decision time (wire)
    told: list[tuple[int, int, int, str]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def count(self, key: str, n: int = 1) -> None:
        with self.lock:
            self.figures[key] += n

    def held(self, agent: int, mention: dict[str, Any]) -> None:
        with self.lock:
            if mention["claim_agent_id"] != agent or mention["lease_remaining_s"] is None:
                self.problems.append(f"a granted claim that is not held: {mention}")
                return
            self.told.append((mention["id"], agent, mention["claim_epoch"], mention["updated_at"]))

    def problem(self, text: str) -> None:
        with self.lock:
            self.problems.append(text)


class Agent:
    """One agent hammering the mentions: claim, then reply / release / renew / walk away."""

    def __init__(self, api: Api, user_id: int, seed: int, lease_s: float) -> None:
        self.api = api
        self.user_id = user_id
        self.rng = random.Random(seed)
        self.lease_s = lease_s
        self.seq = 0
        self.client_id = f"race-{seed}"
        self.replied: set[tuple[int, int]] = set()

    def reply(self, log: RaceLog, mid: int, epoch: int, kind: str) -> None:
        if (mid, epoch) in self.replied:
            return
        self.replied.add((mid, epoch))
        self.seq += 1
        r = self.api.post(
            "/v1/mutations",
            json={"client_id": self.client_id, "mutations": [{
                "client_seq": self.seq, "op_id": f"op-{self.client_id}-{self.seq}",
                "type": "reply", "mention_id": mid, "claim_epoch": epoch,
                "body": f"reply {self.client_id}/{self.seq}"}]},
        )  # fmt: skip
        if r.status_code != 200:
            log.problem(f"mutation answered {r.status_code}: {r.text}")
            return
        result = r.json()["results"][0]
        log.count(f"{kind}_{result['outcome']}")
        if result["outcome"] == "rejected" and result["reason"] != "claim_lost":
            log.problem(f"reply rejected for {result['reason']}, expected claim_lost: {result}")

    def run(self, log: RaceLog, mentions: list[int], claims: int, start: threading.Barrier) -> None:
        start.wait(30)
        for _ in range(claims):
            mid = self.rng.choice(mentions)
            log.count("claim_attempts")
            r = self.api.post(f"/v1/mentions/{mid}/claim")
            if r.status_code == 409:
                body = r.json()
                log.count("conflicts")
                if body.get("error") != "claimed" or body["holder"]["id"] == self.user_id:
                    log.problem(f"a 409 that does not name another holder: {body}")
                elif not (body["lease_remaining_s"] >= 0):  # rounded to ms: may read 0.0
                    log.problem(f"refused for a lease that already ran out: {body}")
                continue
            if r.status_code != 200:
                log.problem(f"claim answered {r.status_code}: {r.text}")
                continue
            out = r.json()
            mention = out["mention"]
            epoch = int(mention["claim_epoch"])
            log.count("grants" if out["result"] == "granted" else "renewals")
            log.held(self.user_id, mention)
            action = self.rng.random()
            if action < 0.3:
                self.reply(log, mid, epoch, "reply")
            elif action < 0.45:
                rel = self.api.post(f"/v1/mentions/{mid}/release")
                log.count("releases" if rel.status_code == 200 else "release_refused")
            elif action < 0.65:
                time.sleep(self.rng.uniform(0, self.lease_s))
                ren = self.api.post(f"/v1/mentions/{mid}/renew")
                if ren.status_code == 200:
                    out = ren.json()
                    if out["result"] == "granted":  # ran out, nobody took it: same epoch again
                        log.count("renew_regrants")
                    log.count("renew_ok")
                    log.held(self.user_id, out["mention"])
                else:
                    log.count("renew_lost")  # the lease ran out and someone else took it
            elif action < 0.75:
                # walk away past the lease, then send the reply late: fenced iff someone took it
                time.sleep(self.lease_s * self.rng.uniform(1.0, 1.6))
                self.reply(log, mid, epoch, "late_reply")
            time.sleep(self.rng.uniform(0, 0.01))


TRACE_SQL = (
    "CREATE TABLE IF NOT EXISTS claim_trace (seq INTEGER PRIMARY KEY, mention_id INTEGER,"
    " holder INTEGER, epoch INTEGER, lease_expires_at REAL, status TEXT, at REAL)",
    # Test instrumentation in the test's database: every claim-state write, in commit order.
    "CREATE TRIGGER IF NOT EXISTS claim_trace_upd AFTER UPDATE OF claim_agent_id, claim_epoch,"
    " lease_expires_at, status ON mentions BEGIN INSERT INTO claim_trace(mention_id, holder,"
    " epoch, lease_expires_at, status, at) VALUES (NEW.id, NEW.claim_agent_id, NEW.claim_epoch,"
    " NEW.lease_expires_at, NEW.status, NEW.updated_at); END",
)


def install_trace(server: TestServer) -> None:
    with server.ctx.db.write() as conn:
        for sql in TRACE_SQL:
            conn.execute(sql)


def check_round(server: TestServer, mentions: list[int], log: RaceLog) -> None:
    """Replay every committed claim state in commit order and hold it to the answers given.

    * a holder changes only when the previous holder released or its lease had run out at the
      moment of the takeover (so at no instant two agents hold a live claim);
    * the epoch grows by exactly one per change of holder, never otherwise;
    * every grant or renewal an agent was told about is a committed state with that holder,
      epoch and lease; every accepted reply carries its holder's epoch, one per epoch.
    """
    marks = ",".join("?" * len(mentions))
    with server.ctx.db.read() as conn:
        trace = conn.execute(
            f"SELECT * FROM claim_trace WHERE mention_id IN ({marks}) ORDER BY seq",
            mentions,
        ).fetchall()
        audit = Counter(
            r[0]
            for r in conn.execute(
                f"SELECT action FROM audit WHERE entity = 'mention' AND entity_id IN ({marks})",
                [str(m) for m in mentions],
            )
        )
        replies = conn.execute(
            f"SELECT mention_id, agent_id, claim_epoch, id FROM replies"
            f" WHERE mention_id IN ({marks})",
            mentions,
        ).fetchall()
        final = {
            r["id"]: r["claim_epoch"]
            for r in conn.execute(
                f"SELECT id, claim_epoch FROM mentions WHERE id IN ({marks})",
                mentions,
            )
        }
    holder: dict[int, int | None] = dict.fromkeys(mentions)
    lease_end: dict[int, float] = dict.fromkeys(mentions, 0.0)
    epoch: dict[int, int] = dict.fromkeys(mentions, 0)
    last_at: dict[int, float] = dict.fromkeys(mentions, 0.0)
    epoch_holder: dict[tuple[int, int], int] = {}
    committed: set[tuple[int, int, int, str]] = set()  # mention, holder, epoch, decided at
    double = inversions = 0
    worst_inversion = 0.0
    for row in trace:
        mid, new_holder, at = row["mention_id"], row["holder"], row["at"]
        if at < last_at[mid]:
            inversions += 1
            worst_inversion = max(worst_inversion, last_at[mid] - at)
        last_at[mid] = max(last_at[mid], at)
        if new_holder is not None and new_holder != holder[mid]:
            if holder[mid] is not None and lease_end[mid] > at:
                double += 1
                log.problem(
                    f"mention {mid}: {new_holder} took over at {at} while {holder[mid]}"
                    f" held a lease until {lease_end[mid]}"
                )
            if row["epoch"] != epoch[mid] + 1:
                log.problem(
                    f"mention {mid}: new holder with epoch {row['epoch']} after {epoch[mid]}"
                )
            log.count("holder_changes")
        elif row["epoch"] != epoch[mid]:
            log.problem(f"mention {mid}: epoch {row['epoch']} without a new holder")
        holder[mid], epoch[mid] = new_holder, row["epoch"]
        lease_end[mid] = row["lease_expires_at"] or 0.0
        if new_holder is not None:
            epoch_holder[(mid, row["epoch"])] = new_holder
            if row["lease_expires_at"] is not None:
                committed.add((mid, new_holder, row["epoch"], iso(at) or ""))
    log.count("double_grants", double)
    log.count("clock_inversions", inversions)
    with log.lock:
        log.figures["worst_inversion_us"] = max(
            log.figures["worst_inversion_us"], int(worst_inversion * 1e6)
        )
    assert final == epoch, "the mentions' epochs differ from the replayed trace"
    for told in log.told:
        assert told in committed, f"an agent was told of a claim that was never committed: {told}"
    log.count("audit_grants", audit["claim.grant"])
    log.count("expiries", audit["claim.expire"])
    per_epoch = Counter((r["mention_id"], r["claim_epoch"]) for r in replies)
    for r in replies:
        owner = epoch_holder.get((r["mention_id"], r["claim_epoch"]))
        assert owner == r["agent_id"], f"reply {r['id']} by a non-holder of its epoch"
    assert all(n == 1 for n in per_epoch.values()), f"two replies in one epoch: {per_epoch}"
    log.count("replies_on_server", len(replies))


@pytest.mark.timeout(600)
def test_claim_exclusivity_under_contention_with_short_leases(tmp_path: Path) -> None:
    agents_n, claims_n, mentions_n = 20, 50, 10
    lease = 0.2
    with running_server(tmp_path, lease_s=lease, sweep_interval_s=0.04, channels=False) as server:
        install_trace(server)
        agents: list[Agent] = []
        for i in range(agents_n):
            user_id, token = token_for(server, f"agent{i}")
            api = Api(server.url, token)
            server._apis.append(api)
            agents.append(Agent(api, user_id, 7000 + i, lease))
        total = RaceLog()
        done = 0
        budget = time.monotonic() + (360.0 if stress() else 90.0)  # rounds bounded in time too
        for round_no in range(rounds(3, 30)):
            if time.monotonic() > budget:
                break
            done += 1
            log = RaceLog()
            mentions = server.add_mentions(mentions_n)
            for a in agents:
                a.rng = random.Random(round_no * 1000 + a.user_id)
                a.client_id = f"race-{round_no}-{a.user_id}"
                a.seq = 0
            barrier = threading.Barrier(agents_n)
            threads = [
                threading.Thread(
                    target=a.run, args=(log, mentions, claims_n, barrier), name=f"agent-{i}"
                )
                for i, a in enumerate(agents)
            ]
            for t in threads:
                t.start()
            for t in threads:
                t.join(120)
            assert not any(t.is_alive() for t in threads), "an agent did not finish in time"
            # let every lease run out and the sweeper write its expiries
            time.sleep(lease + 0.2)
            check_round(server, mentions, log)
            assert log.problems == [], "\n".join(log.problems[:5])
            # a renewal after the holder's own lease ran out re-grants (same epoch) unaudited
            # /claim grants and /renew re-grants after a lapsed lease are both audited
            regrants = log.figures.get("renew_regrants", 0)
            assert log.figures["grants"] + regrants == log.figures["audit_grants"]
            assert log.figures["double_grants"] == 0
            total.figures.update(log.figures)
        f = total.figures
        print(f"\nFIGURES claim_races stress={stress()} rounds={done} {dict(sorted(f.items()))}")
        assert f["claim_attempts"] == done * agents_n * claims_n
        assert f["claim_attempts"] == f["grants"] + f["renewals"] + f["conflicts"]
        assert f["conflicts"] > 0 and f["expiries"] > 0, "the race did not happen"
        assert f["late_reply_rejected"] + f["renew_lost"] > 0, "no expiry race was lost"
        accepted = f["reply_accepted"] + f["late_reply_accepted"]
        assert f["replies_on_server"] == accepted


# --- an offline holder, a connected holder on a lossy network --------------------------------


@pytest.fixture
def lossy_server(tmp_path: Path) -> Iterator[TestServer]:
    with running_server(tmp_path, lease_s=1.0, sweep_interval_s=0.1, channels=False) as s:
        yield s


def test_claim_of_a_stopped_client_is_claimable_after_the_lease(lossy_server: TestServer) -> None:
    server = lossy_server
    mentions = server.add_mentions(rounds(3, 10))
    eva_id, eva_token = token_for(server, "eva")
    tom_id, tom_token = token_for(server, "tom")
    waited: list[float] = []
    tmp = server.db_path.parent
    tom = SyncedClient(server.url, tom_token, "tom", tom_id, tmp / "tom.db")
    try:
        for mid in mentions:
            eva = SyncedClient(server.url, eva_token, "eva", eva_id, tmp / f"eva-{mid}.db")
            try:
                first = eva.api.claim(mid)["mention"]
                eva.api.renew(mid)
            finally:
                eva.close()  # killed: it never renews again
            granted_at = time.monotonic()
            with pytest.raises(ClaimConflict) as held:
                tom.api.claim(mid)
            assert held.value.holder_id == eva_id and held.value.lease_remaining_s > 0.5

            def tom_claims(mid: int = mid) -> bool:
                try:
                    tom.api.claim(mid)
                except ClaimConflict:
                    return False
                return True

            assert wait_until(tom_claims, timeout=5.0, interval=0.05)
            waited.append(time.monotonic() - granted_at)
            detail = tom.api.mention(mid)["mention"]
            assert detail["claim_agent_id"] == tom_id
            assert detail["claim_epoch"] == first["claim_epoch"] + 1
        print(f"\nFIGURES offline_holder takeovers={len(waited)} waited_s={max(waited):.2f}")
        assert all(0.8 <= w <= 3.0 for w in waited), waited
    finally:
        tom.close()


def test_renewing_holder_keeps_its_claim_through_a_lossy_proxy(lossy_server: TestServer) -> None:
    server = lossy_server
    (mid,) = server.add_mentions(1)
    eva_id, eva_token = token_for(server, "eva")
    _tom_id, tom_token = token_for(server, "tom")
    lease = server.ctx.config.lease_s
    seconds = 30.0 if stress() else 4.0
    schedule = FaultSchedule(seed=11, drop=0.05, lose=0.05)  # 10 % of requests fail
    with FaultProxy(server.thread.port, schedule, paths=("/v1/mentions",)) as proxy:
        eva = SyncedClient(proxy.url, eva_token, "eva", eva_id, server.db_path.parent / "e.db")
        tom = Api(server.url, tom_token)
        figures: Counter[str] = Counter()
        stop = threading.Event()
        failures: list[str] = []
        try:
            epoch = eva.api.claim(mid)["mention"]["claim_epoch"]

            def holder() -> None:
                # renew every lease/4; a failed renewal is retried at once, within the lease
                while not stop.is_set():
                    stop.wait(lease / 4)
                    deadline = time.monotonic() + lease / 2
                    while not stop.is_set():
                        try:
                            out = eva.api.renew(mid)
                        except TransientError:
                            figures["renew_retried"] += 1
                            if time.monotonic() > deadline:
                                failures.append("could not renew within half a lease")
                                return
                            continue
                        except ConflictError as exc:
                            failures.append(f"the holder lost its claim: {exc}")
                            return
                        figures["renewals"] += 1
                        if out["mention"]["claim_epoch"] != epoch:
                            failures.append(f"epoch changed: {out}")
                        break

            t = threading.Thread(target=holder, name="renewing-holder")
            t.start()
            end = time.monotonic() + seconds
            while time.monotonic() < end and not failures:
                r = tom.post(f"/v1/mentions/{mid}/claim")
                figures[f"rival_{r.status_code}"] += 1
                time.sleep(0.01)
            stop.set()
            t.join(10)
            assert not t.is_alive()
        finally:
            stop.set()
            tom.close()
            eva.close()
        figures.update({f"proxy_{k}": v for k, v in proxy.stats.items()})
    print(f"\nFIGURES renew_through_proxy stress={stress()} {dict(sorted(figures.items()))}")
    assert failures == []
    assert figures["rival_200"] == 0 and figures["rival_409"] > 0
    assert figures["renew_retried"] > 0 or seconds < 10  # faults happened (always in stress)
    with server.ctx.db.read() as conn:
        grants = conn.execute(
            "SELECT count(*) FROM audit WHERE action = 'claim.grant' AND entity_id = ?", (str(mid),)
        ).fetchone()[0]
    assert grants == 1  # nobody else was ever granted, not even for an instant


# --- fencing ---------------------------------------------------------------------------------


def test_offline_reply_after_someone_else_reclaimed_is_fenced(tmp_path: Path) -> None:
    with running_server(tmp_path, lease_s=0.4, sweep_interval_s=0.05, channels=False) as server:
        server.add_user("eva")
        server.add_user("tom")
        n = rounds(3, 12)
        mentions = server.add_mentions(n + 1)
        eva = HeadlessClient(server.url, "eva", tmp_path / "eva.db")
        tom = HeadlessClient(server.url, "tom", tmp_path / "tom.db")
        try:
            eva.engine.catch_up()
            tom.engine.catch_up()
            texts: dict[int, str] = {}
            for mid in mentions[:n]:
                epoch = eva.api.claim(mid)["mention"]["claim_epoch"]
                # offline from here: the reply is committed locally, not sent
                texts[mid] = f"Sorry for the wait, #{mid}"
                eva.store.enqueue("reply", mid, {"body": texts[mid], "claim_epoch": epoch})
            # one more that nobody takes over: Eva's late reply must still go out
            (spare,) = mentions[n:]
            spare_epoch = eva.api.claim(spare)["mention"]["claim_epoch"]
            eva.store.enqueue("reply", spare, {"body": "Still here", "claim_epoch": spare_epoch})
            time.sleep(0.6)  # her leases run out while she is offline
            for mid in mentions[:n]:
                new_epoch = tom.api.claim(mid)["mention"]["claim_epoch"]
                tom.store.enqueue(
                    "reply", mid, {"body": f"Tom here, #{mid}", "claim_epoch": new_epoch}
                )
            assert all(r["outcome"] == "accepted" for r in tom.engine.push_all())

            results = eva.engine.push_all()  # back online
            by_mention = {r["mention_id"]: r for r in results}
            for mid in mentions[:n]:
                assert by_mention[mid]["outcome"] == "rejected"
                assert by_mention[mid]["reason"] == "claim_lost"
            assert by_mention[spare]["outcome"] == "accepted"
            rejected = eva.store.rejected()
            assert {(e.mention_id, e.result["body"] if e.result else None) for e in rejected} == {
                (mid, texts[mid]) for mid in mentions[:n]
            }
            assert eva.store.outbox_counts() == {"queued": 0, "rejected": n}
            with server.ctx.db.read() as conn:
                rows = conn.execute(
                    "SELECT mention_id, agent_id, body FROM replies ORDER BY mention_id"
                ).fetchall()
            on_server = defaultdict(list)
            for r in rows:
                on_server[r["mention_id"]].append((r["agent_id"], r["body"]))
            for mid in mentions[:n]:
                assert on_server[mid] == [(tom.user_id, f"Tom here, #{mid}")]
            assert on_server[spare] == [(eva.user_id, "Still here")]
            # pushing again changes nothing
            assert eva.engine.push_all() == []
            print(
                f"\nFIGURES fencing fenced={len(rejected)} kept_in_outbox={len(rejected)}"
                f" replies_per_mention=1 late_reply_without_takeover=accepted"
            )
        finally:
            eva.close()
            tom.close()
