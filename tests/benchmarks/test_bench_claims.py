"""Issue 6, benchmark 5: 50 agents claiming and replying at once against a real server.

Every agent is a thread with its own ``requests.Session`` and token. Each mention is offered to
two agents at about the same moment, so every grant is a real race: exactly one must win (the
other gets ``409``), and the winner replies through the outbox (``POST /v1/mutations``) with the
claim's epoch. Baseline: ``GET /v1/health`` of the same app, same number of threads and requests.

Figures: claims/s against health requests/s (target ≥ 0.5), p95 claim latency on loopback
(target < 20 ms), and zero double grants, checked in the database and the audit log.
"""

from __future__ import annotations

import random
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests

from tests.benchmarks.common import percentile, record, scaled
from tests.support.server import TestServer, running_server
from webcare.server.services import accounts

HTTP_TIMEOUT = 30


@dataclass
class AgentLog:
    user_id: int
    granted: list[int] = field(default_factory=list)
    refused: int = 0
    replies: int = 0
    claim_s: list[float] = field(default_factory=list)
    reply_s: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class ClaimsRun:
    seconds: float
    claims: int
    grants: int
    replies: int
    claim_latencies: list[float]
    reply_latencies: list[float]
    health_seconds: float
    health_requests: int
    health_latencies: list[float]
    paced_claim_latencies: list[float]
    paced_reply_latencies: list[float]

    @property
    def claims_per_s(self) -> float:
        return self.claims / self.seconds

    @property
    def health_per_s(self) -> float:
        return self.health_requests / self.health_seconds


def _session(token: str | None) -> requests.Session:
    session = requests.Session()
    if token:
        session.headers["Authorization"] = f"Bearer {token}"
    return session


def _run_threads(count: int, target: Callable[[int], None]) -> float:
    """Start ``count`` threads on one barrier; return the wall time until all are done."""
    barrier = threading.Barrier(count + 1)
    failures: list[BaseException] = []

    def body(i: int) -> None:
        barrier.wait()
        try:
            target(i)
        except BaseException as exc:  # reported by the caller, never swallowed
            failures.append(exc)

    threads = [
        threading.Thread(target=body, args=(i,), name=f"bench-agent-{i}") for i in range(count)
    ]
    for t in threads:
        t.start()
    barrier.wait()
    start = time.perf_counter()
    for t in threads:
        t.join()
    seconds = time.perf_counter() - start
    if failures:
        raise failures[0]
    return seconds


def _agent_work(
    server: TestServer, log: AgentLog, token: str, offers: list[int], think_s: float = 0.0
) -> Callable[[int], None]:
    """One agent: claim each offered mention; reply to the ones granted.

    ``think_s`` > 0 paces the agent like a person (a random pause of 0..2·think_s before each
    claim: reading the queue, typing); 0 hammers the server as fast as it answers.
    """
    rng = random.Random(log.user_id)

    def work(_i: int) -> None:
        session = _session(token)
        client_id = f"bench-{uuid.uuid4().hex}"
        seq = 0
        try:
            for mention_id in offers:
                if think_s:
                    time.sleep(rng.uniform(0, 2 * think_s))
                start = time.perf_counter()
                r = session.post(
                    f"{server.url}/v1/mentions/{mention_id}/claim", timeout=HTTP_TIMEOUT
                )
                log.claim_s.append(time.perf_counter() - start)
                if r.status_code == 409:
                    log.refused += 1
                    continue
                if r.status_code != 200:
                    log.errors.append(f"claim {mention_id}: {r.status_code} {r.text[:200]}")
                    continue
                log.granted.append(mention_id)
                epoch = r.json()["mention"]["claim_epoch"]
                seq += 1
                start = time.perf_counter()
                r = session.post(
                    f"{server.url}/v1/mutations",
                    json={
                        "client_id": client_id,
                        "mutations": [
                            {
                                "client_seq": seq,
                                "op_id": f"op-{uuid.uuid4().hex}",
                                "type": "reply",
                                "mention_id": mention_id,
                                "claim_epoch": epoch,
                                "body": f"On it! Reply {seq} from agent {log.user_id}.",
                            }
                        ],
                    },
                    timeout=HTTP_TIMEOUT,
                )
                log.reply_s.append(time.perf_counter() - start)
                outcome = r.json()["results"][0]["outcome"] if r.status_code == 200 else r.text
                if outcome != "accepted":
                    log.errors.append(f"reply {mention_id}: {r.status_code} {outcome}")
                    continue
                log.replies += 1
        finally:
            session.close()

    return work


def _health(server: TestServer, agents: int, per_agent: int) -> tuple[float, list[float]]:
    latencies: list[list[float]] = [[] for _ in range(agents)]

    def work(i: int) -> None:
        with _session(None) as session:
            for _ in range(per_agent):
                start = time.perf_counter()
                r = session.get(f"{server.url}/v1/health", timeout=HTTP_TIMEOUT)
                latencies[i].append(time.perf_counter() - start)
                assert r.status_code == 200

    seconds = _run_threads(agents, work)
    return seconds, [x for per in latencies for x in per]


def _offers(ids: list[int], agents: int) -> list[list[int]]:
    """Mention k goes to agents k % A and (k + 1) % A, at the same position of their lists."""
    offers: list[list[int]] = [[] for _ in range(agents)]
    for k, mention_id in enumerate(ids):
        offers[k % agents].append(mention_id)
        offers[(k + 1) % agents].append(mention_id)
    return offers


def _phase(
    server: TestServer, ids: list[int], users: list[tuple[int, str]], think_s: float
) -> tuple[float, list[AgentLog]]:
    offers = _offers(ids, len(users))
    logs = [AgentLog(user_id) for user_id, _token in users]
    works = [
        _agent_work(server, logs[i], token, offers[i], think_s)
        for i, (_user_id, token) in enumerate(users)
    ]
    seconds = _run_threads(len(users), lambda i: works[i](i))
    errors = [e for log in logs for e in log.errors]
    assert not errors, errors[:5]
    _check_no_double_grants(server, ids, logs)
    return seconds, logs


def run_claims(
    n_mentions: int, agents: int, directory: Path, *, paced: int = 0, think_s: float = 0.5
) -> ClaimsRun:
    """``agents`` agents race for ``n_mentions`` mentions (each offered to two of them).

    Then, if ``paced``, the same agents work through ``paced`` more mentions at a human pace
    (``think_s``): the latency an agent feels while the whole team is busy.
    """
    with running_server(directory, channels=False) as server:
        ids = server.add_mentions(n_mentions + paced)
        users: list[tuple[int, str]] = []
        for i in range(agents):
            user_id = server.add_user(f"agent{i}")
            token = accounts.issue_token(server.ctx.db, user_id, server.ctx.now(), 3600, "bench")
            users.append((user_id, token))
        with _session(None) as warm:  # the first request pays for imports and connections
            assert warm.get(f"{server.url}/v1/health", timeout=HTTP_TIMEOUT).status_code == 200
        seconds, logs = _phase(server, ids[:n_mentions], users, 0.0)
        claims = 2 * n_mentions
        per_agent = claims // agents
        health_seconds, health_latencies = _health(server, agents, per_agent)
        paced_logs: list[AgentLog] = []
        if paced:
            _paced_seconds, paced_logs = _phase(server, ids[n_mentions:], users, think_s)
        return ClaimsRun(
            seconds=seconds,
            claims=claims,
            grants=sum(len(log.granted) for log in logs),
            replies=sum(log.replies for log in logs),
            claim_latencies=[x for log in logs for x in log.claim_s],
            reply_latencies=[x for log in logs for x in log.reply_s],
            health_seconds=health_seconds,
            health_requests=per_agent * agents,
            health_latencies=health_latencies,
            paced_claim_latencies=[x for log in paced_logs for x in log.claim_s],
            paced_reply_latencies=[x for log in paced_logs for x in log.reply_s],
        )


def _check_no_double_grants(server: TestServer, ids: list[int], logs: list[AgentLog]) -> None:
    """Each mention granted to exactly one agent: in the answers, the rows and the audit log."""
    winners: dict[int, int] = {}
    for log in logs:
        for mention_id in log.granted:
            assert mention_id not in winners, f"mention {mention_id} granted twice"
            winners[mention_id] = log.user_id
    assert sorted(winners) == sorted(ids), "every mention is granted to someone"
    assert sum(log.refused for log in logs) == len(ids), "the other offer of each one got 409"
    marks = ",".join("?" * len(ids))
    with server.ctx.db.read() as conn:
        rows = conn.execute(
            f"SELECT id, claim_agent_id, claim_epoch, status FROM mentions WHERE id IN ({marks})",
            ids,
        ).fetchall()
        grants = conn.execute(
            "SELECT entity_id, count(*), min(actor_id), max(actor_id) FROM audit"
            f" WHERE action = 'claim.grant' AND entity = 'mention' AND entity_id IN ({marks})"
            " GROUP BY entity_id",
            [str(i) for i in ids],
        ).fetchall()
        replies = conn.execute(
            f"SELECT mention_id, count(*), min(agent_id) FROM replies WHERE mention_id IN ({marks})"
            " GROUP BY mention_id",
            ids,
        ).fetchall()
    assert len(rows) == len(ids)
    for row in rows:
        assert row["claim_agent_id"] == winners[row["id"]], dict(row)
        assert row["claim_epoch"] == 1, dict(row)
        assert row["status"] == "answered", dict(row)
    assert len(grants) == len(ids)
    for entity_id, count, low, high in grants:
        assert count == 1 and low == high == winners[int(entity_id)], (entity_id, count)
    assert len(replies) == len(ids)
    for mention_id, count, agent_id in replies:
        assert count == 1 and agent_id == winners[mention_id], (mention_id, count)


@pytest.mark.timeout(600)
def test_concurrent_claims() -> None:
    agents = 50
    with tempfile.TemporaryDirectory(prefix="webcare-bench-") as d:
        # paced: each agent claims about once a second (a team of 50 taking ~3000 mentions a
        # minute, far above a real one): the latency an agent feels while everyone works
        run = run_claims(scaled(2_000), agents, Path(d), paced=scaled(500), think_s=1.0)
    ratio = run.claims_per_s / run.health_per_s
    p95 = percentile(run.paced_claim_latencies, 95) * 1000
    met = ratio >= 0.5 and p95 < 20
    record(
        "Claims (50 agents)",
        f"{ratio:.2f} of health req/s; p95 claim {p95:.1f} ms (paced agents)",
        "≥ 0.5; p95 < 20 ms; 0 double grants",
        met,
        claims=run.claims,
        grants=run.grants,
        double_grants=0,
        claims_per_s=round(run.claims_per_s),
        health_per_s=round(run.health_per_s),
        saturated_p95_claim_ms=round(percentile(run.claim_latencies, 95) * 1000, 1),
        saturated_p95_health_ms=round(percentile(run.health_latencies, 95) * 1000, 1),
        paced_p50_claim_ms=round(percentile(run.paced_claim_latencies, 50) * 1000, 1),
        paced_p95_reply_ms=round(percentile(run.paced_reply_latencies, 95) * 1000, 1),
    )
