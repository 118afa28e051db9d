"""Issue 6, benchmark 6: how fast one agent's claim or reply reaches the rest of the team.

20 real clients long-poll the change feed (``SyncEngine.pull(wait=...)`` in a loop on its own
thread, each with its own ``LocalStore`` file). One agent claims a mention, replies to the next
one, claims the next...; for each event we measure the time from just before the request until
every client has applied the change. Baseline: the round trip of a plain ``GET /v1/health`` on
the same server.

Figure: p95 of (event → seen by a client) over all events and clients. Target < 1 s.
"""

from __future__ import annotations

import tempfile
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from tests.benchmarks.common import median, percentile, record, scaled
from tests.support.server import TestServer, running_server
from webcare.client_store.store import LocalStore
from webcare.net.agent_api import ApiClient
from webcare.server import changes
from webcare.server.services import accounts
from webcare.sync.engine import SyncEngine

HTTP_TIMEOUT = 30
WAIT_S = 5.0  # the long-poll of the benchmark clients (the app uses 25 s)


@dataclass(frozen=True)
class PropagationRun:
    delays: list[float]  # one per (event, client)
    events: int
    clients: int
    get_round_trips: list[float]


class Watcher:
    """One team member's client: a pull loop on its own thread, noting when events arrive."""

    def __init__(self, url: str, token: str, path: Path, watched: set[int]) -> None:
        self.url, self.token, self.path = url, token, path
        self.watched = watched
        self.seen: dict[int, float] = {}  # mention id -> when this client applied its event
        self.expect: dict[int, str] = {}  # mention id -> what to wait for ("claimed", "reply")
        self.lock = threading.Lock()
        self.ready = threading.Event()
        self.stop = threading.Event()
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, name=f"bench-watcher-{path.stem}")

    def _run(self) -> None:
        api = ApiClient(self.url, token=self.token)
        store = LocalStore(self.path)
        try:
            engine = SyncEngine(api, lambda fn: fn(store))
            engine.bootstrap()
            self.ready.set()
            while not self.stop.is_set():
                result = engine.pull(wait=WAIT_S)
                now = time.perf_counter()
                hits = result.summary.mention_ids & self.watched
                for mention_id in hits:
                    if mention_id not in self.seen and self._arrived(store, mention_id):
                        with self.lock:
                            self.seen[mention_id] = now
        except BaseException as exc:  # reported by the benchmark
            self.error = exc
            self.ready.set()
        finally:
            store.close()
            api.close()

    def _arrived(self, store: LocalStore, mention_id: int) -> bool:
        with self.lock:
            want = self.expect.get(mention_id)
        if want == "reply":
            row = store.conn.execute(
                "SELECT count(*) FROM replies WHERE mention_id = ?", (mention_id,)
            ).fetchone()
            return bool(row[0])
        row = store.conn.execute(
            "SELECT claim_agent_id FROM mentions WHERE id = ?", (mention_id,)
        ).fetchone()
        return row is not None and row[0] is not None


def _token(server: TestServer, username: str) -> str:
    user_id = server.add_user(username)
    return accounts.issue_token(server.ctx.db, user_id, server.ctx.now(), 3600, "bench")


def run_propagation(
    events: int, clients: int, directory: Path, *, timeout_s: float = 10.0
) -> PropagationRun:
    """``events`` claims/replies by one agent, each awaited in all ``clients`` before the next."""
    with running_server(directory, channels=False) as server:
        ids = server.add_mentions(events)
        watched = set(ids)
        actor = requests.Session()
        actor.headers["Authorization"] = f"Bearer {_token(server, 'actor')}"
        watchers = [
            Watcher(server.url, _token(server, f"w{i}"), directory / f"client{i}.db", watched)
            for i in range(clients)
        ]
        delays: list[float] = []
        try:
            for w in watchers:
                w.thread.start()
            for w in watchers:
                assert w.ready.wait(60), "client did not bootstrap"
                assert w.error is None, w.error
            client_id = f"bench-{uuid.uuid4().hex}"
            epochs: dict[int, int] = {}
            seq = 0
            for k in range(events):
                # even events: claim a mention; odd events: reply to the one just claimed
                target = ids[k - k % 2]
                kind = "claimed" if k % 2 == 0 else "reply"
                for w in watchers:
                    with w.lock:
                        w.expect[target] = kind
                        w.seen.pop(target, None)
                start = time.perf_counter()
                if kind == "claimed":
                    r = actor.post(f"{server.url}/v1/mentions/{target}/claim", timeout=HTTP_TIMEOUT)
                    assert r.status_code == 200, r.text
                    epochs[target] = r.json()["mention"]["claim_epoch"]
                else:
                    seq += 1
                    r = actor.post(
                        f"{server.url}/v1/mutations",
                        json={
                            "client_id": client_id,
                            "mutations": [
                                {
                                    "client_seq": seq,
                                    "op_id": f"op-{uuid.uuid4().hex}",
                                    "type": "reply",
                                    "mention_id": target,
                                    "claim_epoch": epochs[target],
                                    "body": "Thanks, we're on it.",
                                }
                            ],
                        },
                        timeout=HTTP_TIMEOUT,
                    )
                    assert r.status_code == 200, r.text
                    assert r.json()["results"][0]["outcome"] == "accepted", r.text
                deadline = time.monotonic() + timeout_s
                while not all(target in w.seen for w in watchers):
                    assert time.monotonic() < deadline, f"event {k} not seen by every client"
                    assert all(w.error is None for w in watchers), [w.error for w in watchers]
                    time.sleep(0.001)
                for w in watchers:
                    with w.lock:
                        delays.append(w.seen[target] - start)
            round_trips: list[float] = []
            for _ in range(max(20, events)):
                start = time.perf_counter()
                assert actor.get(f"{server.url}/v1/health", timeout=HTTP_TIMEOUT).ok
                round_trips.append(time.perf_counter() - start)
        finally:
            for w in watchers:
                w.stop.set()
            # one more change wakes every long-poll, so the loops see the stop flag at once
            with server.ctx.db.write() as conn:
                changes.record(conn, "mention", ids[0], server.ctx.now())
            for w in watchers:
                w.thread.join(WAIT_S + 10)
            actor.close()
        errors = [w.error for w in watchers if w.error is not None]
        assert not errors, errors
        assert len(delays) == events * clients
        return PropagationRun(delays, events, clients, round_trips)


@pytest.mark.timeout(600)
def test_claim_and_reply_propagation() -> None:
    with tempfile.TemporaryDirectory(prefix="webcare-bench-") as d:
        run = run_propagation(scaled(50, minimum=20), 20, Path(d))
    p95 = percentile(run.delays, 95)
    get_ms = median(run.get_round_trips) * 1000
    record(
        "Propagation (20 clients)",
        f"p95 {p95 * 1000:.0f} ms ({p95 * 1000 / get_ms:.0f}× a plain GET round trip)",
        "p95 < 1 s",
        p95 < 1.0,
        events=run.events,
        clients=run.clients,
        p50_ms=round(percentile(run.delays, 50) * 1000, 1),
        max_ms=round(max(run.delays) * 1000, 1),
        get_round_trip_ms=round(get_ms, 2),
    )
