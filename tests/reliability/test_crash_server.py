"""The team server killed with ``kill -9`` again and again while clients push and pull.

A real ``webcare server`` process on a fixed port and one database file is SIGKILLed at random
moments while several clients (threads, each with its own LocalStore, SyncEngine and
ApiClient) write replies and notes offline-first and push and pull; it is restarted each time.
After every kill the server's database passes ``PRAGMA integrity_check`` and its outbox replay
table has no gaps. At the end every reply and note any client committed is on the server
exactly once, nothing else is, and every client's mirror equals what ``/v1/bootstrap`` serves.
"""

from __future__ import annotations

import hashlib
import random
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from collections import Counter
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import pytest
import requests

from tests.reliability.common import rounds
from webcare.channels.base import Author, Batch, ChannelInfo, IncomingMention
from webcare.client_store.mirror import MIRROR_TABLES
from webcare.client_store.store import LocalStore
from webcare.domain.errors import WebcareError
from webcare.domain.models import Role
from webcare.net.agent_api import ApiClient
from webcare.server.services import accounts, ingest
from webcare.storage.server_schema import open_server_db
from webcare.sync.engine import SyncEngine

ROOT = Path(__file__).resolve().parents[2]
#: Columns stamped with the local clock when a page is applied: not the server's data.
LOCAL_TIME_COLUMNS = frozenset({"lease_expires_local", "claimed_since_local"})


def free_port() -> int:
    with closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class ServerProcess:
    """``webcare server`` on one port and one database file, killed and restarted at will."""

    def __init__(self, db: Path, port: int, log: IO[str]) -> None:
        self.db = db
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        self.log = log
        self.proc: subprocess.Popen[bytes] | None = None
        self.starts = 0

    def start(self, timeout: float = 30.0) -> None:
        assert self.proc is None
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "webcare", "server", "--db", str(self.db), "--port",
             str(self.port), "--log-level", "warning", "--lease-seconds", "3600"],
            cwd=ROOT, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=self.log,
        )  # fmt: skip
        self.starts += 1
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.proc.poll() is None, f"the server exited with {self.proc.returncode}"
            try:
                if requests.get(self.url + "/v1/health", timeout=1).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.05)
        raise AssertionError("the server did not come up in time")

    def kill(self) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(30)
        self.proc = None

    def stop(self) -> None:
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(15)
        self.proc = None


def check_server_db(db: Path) -> int:
    """Integrity, and every client's replay table numbered 1..last without gaps: writes."""
    with closing(sqlite3.connect(db)) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        clients = conn.execute("SELECT client_id, last_mutation_seq FROM clients").fetchall()
        total = 0
        for client_id, last in clients:
            seqs = [
                r[0]
                for r in conn.execute(
                    "SELECT client_seq FROM mutation_results WHERE client_id = ?"
                    " ORDER BY client_seq",
                    (client_id,),
                )
            ]
            assert seqs == list(range(1, last + 1)), (client_id, last, seqs[-5:])
            total += last
    return total


@dataclass
class Agent:
    name: str
    token: str
    mentions: list[int]
    store: LocalStore
    engine: SyncEngine
    epochs: dict[int, int] = field(default_factory=dict)
    enqueued: dict[str, str] = field(default_factory=dict)  # body -> op_id
    figures: Counter[str] = field(default_factory=Counter)
    failure: str | None = None

    def work(self, stop: threading.Event, seed: int, max_ops: int) -> None:
        rng = random.Random(seed)
        try:
            for k in range(max_ops):
                if stop.is_set():
                    return
                if rng.random() < 0.5:
                    mention_id = rng.choice(self.mentions)
                    if rng.random() < 0.3:
                        body = f"Note {self.name}.{k}: customer called back."
                        entry = self.store.enqueue("note", mention_id, {"body": body})
                    else:
                        body = f"Reply {self.name}.{k}: we are looking into it."
                        payload = {"body": body, "claim_epoch": self.epochs[mention_id]}
                        entry = self.store.enqueue("reply", mention_id, payload)
                    self.enqueued[body] = entry.op_id
                try:
                    if rng.random() < 0.6:
                        result = self.engine.push()
                        self.figures["pushes"] += 1
                        self.figures["replayed"] += sum(
                            1 for r in result.results if r.get("replayed")
                        )
                    else:
                        self.engine.pull(wait=rng.choice((0.0, 0.0, 0.5)))
                        self.figures["pulls"] += 1
                except WebcareError as exc:
                    self.figures[f"error {type(exc).__name__}"] += 1
                    stop.wait(rng.uniform(0.02, 0.2))
        except BaseException as exc:  # reported by the test, not lost in the thread
            self.failure = repr(exc)

    def drain(self, attempts: int = 100) -> None:
        """Push until nothing is queued and pull until the feed is empty (the server is up)."""
        for _ in range(attempts):
            try:
                results = self.engine.push_all()
                self.figures["replayed"] += sum(1 for r in results if r.get("replayed"))
                if not self.store.unsent(1):
                    self.engine.catch_up()
                    return
            except WebcareError as exc:
                self.figures[f"error {type(exc).__name__}"] += 1
            time.sleep(0.1)
        raise AssertionError(f"{self.name} could not drain its outbox")


def _seed(db: Path, names: list[str], per_agent: int) -> tuple[dict[str, str], list[int]]:
    """Accounts with tokens (no password round trip) and mentions, before the server runs."""
    database = open_server_db(db)
    now = time.time()
    tokens: dict[str, str] = {}
    try:
        for name in names:
            with database.write() as conn:
                user_id = accounts.insert_user(
                    conn, username=name, display_name=name.capitalize(),
                    signature=f"^{name.capitalize()}", role=Role.AGENT, password_hash=None,
                    now=now, actor_id=None,
                )  # fmt: skip
            tokens[name] = accounts.issue_token(database, user_id, now, 86400.0, "crash test")
        count = per_agent * len(names)
        batch = Batch(
            channel=ChannelInfo(kind="test", name="@Webcare test", brand="Webcare",
                                handle="@Webcare", char_limit=280),
            mentions=[
                IncomingMention(
                    source_id=str(i + 1),
                    author=Author(platform_user_id=f"cust{i % 5}", handle=f"@cust{i % 5}"),
                    text=f"Help, my internet is down #{i}", created_at=now - 60,
                )
                for i in range(count)
            ],
        )  # fmt: skip
        ingest.ingest(database, batch, now, history=False)
        with database.read() as conn:
            ids = [r[0] for r in conn.execute("SELECT id FROM mentions ORDER BY id")]
    finally:
        database.close()
    return tokens, ids


def table_hashes(store: LocalStore) -> dict[str, str]:
    """One hash per mirror table over the server's data (not the local-clock columns)."""
    hashes: dict[str, str] = {}
    for table in MIRROR_TABLES:
        columns = [
            r[1]
            for r in store.conn.execute(f"PRAGMA table_info({table})")
            if r[1] not in LOCAL_TIME_COLUMNS
        ]
        rows = store.conn.execute(f"SELECT {', '.join(columns)} FROM {table} ORDER BY id")
        digest = hashlib.sha256()
        for row in rows:
            digest.update(repr(tuple(row)).encode())
        hashes[table] = digest.hexdigest()
    return hashes


@pytest.mark.timeout(rounds(120, 600))
def test_server_killed_repeatedly_loses_and_duplicates_nothing(tmp_path: Path) -> None:
    kills = rounds(3, 30)
    names = [f"agent{i}" for i in range(rounds(3, 5))]
    rng = random.Random(11)
    db = tmp_path / "team.db"
    tokens, mention_ids = _seed(db, names, per_agent=2)
    started = time.monotonic()
    writes_after_kill: list[int] = []
    with (tmp_path / "server.log").open("w") as log:
        server = ServerProcess(db, free_port(), log)
        agents: list[Agent] = []
        threads: list[threading.Thread] = []
        stop = threading.Event()
        try:
            server.start()
            for i, name in enumerate(names):
                api = ApiClient(server.url, token=tokens[name], connect_timeout=2, read_timeout=10)
                store = LocalStore(tmp_path / f"{name}.db")
                engine = SyncEngine(api, lambda fn, s=store: fn(s), page_size=7, changes_limit=20)
                mine = mention_ids[2 * i : 2 * i + 2]
                agent = Agent(name, tokens[name], mine, store, engine)
                for mention_id in mine:
                    agent.epochs[mention_id] = api.claim(mention_id)["mention"]["claim_epoch"]
                agents.append(agent)
            for i, agent in enumerate(agents):
                thread = threading.Thread(
                    target=agent.work, args=(stop, i, 100_000), name=f"crash-agent-{i}"
                )
                threads.append(thread)
                thread.start()
            for _ in range(kills):
                time.sleep(rng.uniform(0.3, 1.5))
                server.kill()
                writes_after_kill.append(check_server_db(db))
                server.start()
            time.sleep(0.5)
            stop.set()
            for thread in threads:
                thread.join(60)
            assert not any(t.is_alive() for t in threads)
            assert [a.failure for a in agents] == [None] * len(agents)
            for agent in agents:
                agent.drain()
            for agent in agents:  # everyone sees everyone's last writes
                agent.engine.catch_up()
                outbox = dict(agent.store.conn.execute("SELECT op_id, state FROM outbox"))
                assert outbox == dict.fromkeys(agent.enqueued.values(), "accepted"), agent.name

            # every client converges to what /v1/bootstrap serves
            reference = LocalStore(tmp_path / "reference.db")
            with ApiClient(server.url, token=tokens[names[0]]) as api:
                SyncEngine(api, lambda fn: fn(reference)).bootstrap()
            expected = table_hashes(reference)
            reference.close()
            for agent in agents:
                assert table_hashes(agent.store) == expected, agent.name
        finally:
            stop.set()
            for thread in threads:
                thread.join(60)
            server.stop()
            for agent in agents:
                agent.store.close()
                agent.engine.api.close()
    elapsed = time.monotonic() - started

    # the server's own records: each committed write exactly once, nothing else
    total_writes = check_server_db(db)
    with closing(sqlite3.connect(db)) as conn:
        served = Counter[str]()
        ids: dict[str, str] = {}
        for op_id, body in conn.execute(
            "SELECT id, body FROM replies UNION ALL SELECT id, body FROM notes"
        ):
            served[body] += 1
            ids[body] = op_id
    enqueued = {body: op for agent in agents for body, op in agent.enqueued.items()}
    duplicated = [body for body, n in served.items() if n > 1]
    lost = [body for body in enqueued if body not in served]
    extra = [body for body in served if body not in enqueued]
    assert (duplicated, lost, extra) == ([], [], [])
    assert all(ids[body] == op for body, op in enqueued.items())
    figures: Counter[str] = Counter()
    for agent in agents:
        figures.update(agent.figures)
    replies = sum(1 for body in enqueued if body.startswith("Reply"))
    print(
        f"\nserver kills: {kills} (+{server.starts} starts) in {elapsed:.1f} s, {len(agents)}"
        f" clients; {replies} replies + {len(enqueued) - replies} notes checked,"
        f" {total_writes} server outbox writes; {dict(figures)}; writes at each kill:"
        f" {writes_after_kill}"
    )
    assert server.starts == kills + 1
    assert len(enqueued) > kills
    assert writes_after_kill == sorted(writes_after_kill)
    assert figures["pushes"] > 0 and figures["pulls"] > 0
