"""Model-based: random histories of clients, claims, offline writes and server restarts.

Hypothesis drives several real clients (store + engine + API client) and a real server that it
stops, restarts on the same port with the same database file, and whose clock it moves (leases
run out). After every history the system is made quiet (push and pull until nothing moves) and
then every client's mirror must equal the server's state as a fresh bootstrap serves it, every
write must be on the server exactly once or refused with its text kept, and nothing else may be.
"""

from __future__ import annotations

import contextlib
import itertools
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from tests.reliability.common import rounds, stress
from tests.support.fault_proxy import SyncedClient, server_digests
from tests.support.server import FakeClock, TestServer
from webcare.domain.errors import ConflictError, TransientError
from webcare.server import changes
from webcare.server.config import ServerConfig
from webcare.server.run import ServerThread
from webcare.server.services import accounts

N_CLIENTS = 3
FIGURES: Counter[str] = Counter()


class Cluster(RuleBasedStateMachine):
    """A server and three agents' clients; writes are offline-first, claims online."""

    def __init__(self, root: Path) -> None:
        super().__init__()
        root.mkdir(parents=True)
        self.root = root
        self.clock = FakeClock()
        self.config = ServerConfig(
            db_path=root / "server.db", lease_s=60.0, sweep_interval_s=0.05, channels=False,
            clock=self.clock,
        )  # fmt: skip
        self.team = TestServer(ServerThread(self.config).start(), self.config.db_path)
        self.port = self.team.thread.port
        self.up = True
        self.mentions: list[int] = self.team.add_mentions(2)
        self.tokens: list[tuple[int, str]] = []
        self.clients: list[SyncedClient] = []
        for i in range(N_CLIENTS):
            uid = self.team.add_user(f"agent{i}")
            token = accounts.issue_token(self.team.ctx.db, uid, self.clock(), 1e8, "model")
            self.tokens.append((uid, token))
            self.clients.append(
                SyncedClient(self.team.url, token, f"agent{i}", uid, root / f"c{i}.db",
                             read_timeout=5.0)
            )  # fmt: skip
        self.epochs: dict[tuple[int, int], int] = {}
        self.intended: dict[str, tuple[str, int, str]] = {}  # op -> kind, mention, body
        self.writes = 0
        FIGURES["histories"] += 1

    @initialize()
    def everyone_starts_working(self) -> None:
        for c in range(N_CLIENTS):
            self.claim_then_reply(c, c)
            self.write(c, c, True)

    # --- the server -----------------------------------------------------------------------------

    @precondition(lambda self: self.up)
    @rule()
    def stop_server(self) -> None:
        self.team.thread.stop()
        self.up = False
        FIGURES["server_stops"] += 1

    @precondition(lambda self: not self.up)
    @rule()
    def start_server(self) -> None:
        self.team.thread = ServerThread(self.config, port=self.port).start()
        self.up = True

    @precondition(lambda self: self.up)
    @rule()
    def restart_server(self) -> None:
        self.stop_server()
        self.start_server()

    @precondition(lambda self: self.up)
    @rule(n=st.integers(1, 3))
    def mentions_arrive(self, n: int) -> None:
        self.mentions.extend(self.team.add_mentions(n))

    @rule()
    def leases_run_out(self) -> None:
        self.clock.advance(self.config.lease_s + 1)
        FIGURES["lease_expiries"] += 1

    # --- the clients ----------------------------------------------------------------------------

    def _mention(self, m: int) -> int:
        return self.mentions[m % len(self.mentions)]

    @rule(c=st.integers(0, N_CLIENTS - 1), m=st.integers(0, 50))
    def claim(self, c: int, m: int) -> None:
        mid = self._mention(m)
        try:
            self.epochs[(c, mid)] = int(self.clients[c].api.claim(mid)["mention"]["claim_epoch"])
            FIGURES["claims_granted"] += 1
        except ConflictError:
            FIGURES["claims_refused"] += 1
        except TransientError:
            FIGURES["claims_offline"] += 1

    @rule(c=st.integers(0, N_CLIENTS - 1), m=st.integers(0, 50))
    def release(self, c: int, m: int) -> None:
        with contextlib.suppress(ConflictError, TransientError):
            self.clients[c].api.release(self._mention(m))

    @rule(c=st.integers(0, N_CLIENTS - 1), m=st.integers(0, 50), note=st.booleans())
    def write(self, c: int, m: int, note: bool) -> None:
        """Offline-first: committed locally whatever the server's state, sent later."""
        mid = self._mention(m)
        self.writes += 1
        body = f"agent{c} write {self.writes}"
        if note:
            op = self.clients[c].enqueue("note", mid, {"body": body})
        else:
            epoch = self.epochs.get((c, mid), 0)
            op = self.clients[c].enqueue("reply", mid, {"body": body, "claim_epoch": epoch})
        self.intended[op] = ("note" if note else "reply", mid, body)
        FIGURES["writes"] += 1

    @rule(c=st.integers(0, N_CLIENTS - 1), m=st.integers(0, 50))
    def claim_then_reply(self, c: int, m: int) -> None:
        """What the window does when an agent answers an unclaimed mention."""
        self.claim(c, m)
        self.write(c, m, False)

    @rule(c=st.integers(0, N_CLIENTS - 1))
    def push(self, c: int) -> None:
        try:
            self.clients[c].engine.push_all()
        except TransientError:
            FIGURES["pushes_offline"] += 1

    @rule(c=st.integers(0, N_CLIENTS - 1))
    def pull(self, c: int) -> None:
        try:
            self.clients[c].engine.catch_up()
        except TransientError:
            FIGURES["pulls_offline"] += 1

    @invariant()
    def server_holds_only_what_was_written(self) -> None:
        if not self.up:
            return
        for op, row in self._server_rows().items():
            assert self.intended.get(op) == row, f"{op} on the server is not what was written"

    # --- quiescence and the final comparison --------------------------------------------------

    def _server_rows(self) -> dict[str, tuple[str, int, str]]:
        with self.team.ctx.db.read() as conn:
            rows = conn.execute(
                "SELECT id, 'reply' AS kind, mention_id, body FROM replies"
                " UNION ALL SELECT id, 'note', mention_id, body FROM notes"
            ).fetchall()
        return {r["id"]: (r["kind"], r["mention_id"], r["body"]) for r in rows}

    def _head(self) -> int:
        with self.team.ctx.db.read() as conn:
            return changes.max_seq(conn)

    def quiesce(self) -> None:
        if not self.up:
            self.start_server()
        time.sleep(0.15)  # the sweeper turns leases that ran out into change rows
        deadline = time.monotonic() + 60
        while True:
            assert time.monotonic() < deadline, "the system did not become quiet"
            head = self._head()
            for c in self.clients:
                c.engine.push_all()
                c.engine.catch_up()
            if self._head() == head and all(
                c.queued() == 0 and c.cursor() == head for c in self.clients
            ):
                return

    def check(self) -> None:
        self.quiesce()
        on_server = self._server_rows()
        entries: dict[str, dict[str, Any]] = {}
        for c in self.clients:
            entries.update({str(e["op_id"]): e for e in c.outbox()})
        assert set(entries) == set(self.intended)
        for op, (kind, mid, body) in self.intended.items():
            entry = entries[op]
            if entry["state"] == "accepted":
                assert on_server.get(op) == (kind, mid, body)
                FIGURES["accepted"] += 1
            else:
                assert entry["state"] == "rejected", entry
                assert op not in on_server
                assert entry["result"]["body"] == body  # the text stays with the client
                FIGURES[f"rejected_{entry['result']['reason']}"] += 1
        assert set(on_server) <= set(self.intended)
        reference = server_digests(self.team.url, self.tokens[0][1], self.root / "ref.db")
        for c in self.clients:
            assert c.digests() == reference, f"{c.username}'s mirror differs from the server"
        FIGURES["converged_clients"] += len(self.clients)

    def teardown(self) -> None:
        try:
            self.check()
        finally:
            for c in self.clients:
                c.close()
            self.team.close()


@pytest.mark.timeout(600)
def test_random_histories_converge_exactly_once(tmp_path: Path) -> None:
    FIGURES.clear()
    counter = itertools.count()

    class Bound(Cluster):
        def __init__(self) -> None:
            super().__init__(tmp_path / f"history{next(counter)}")

    run_state_machine_as_test(
        Bound,
        settings=settings(
            max_examples=rounds(6, 40),
            stateful_step_count=rounds(20, 50),
            deadline=None,
            database=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        ),
    )
    print(f"\nFIGURES model stress={stress()} {dict(sorted(FIGURES.items()))}")
    assert FIGURES["converged_clients"] == FIGURES["histories"] * N_CLIENTS
