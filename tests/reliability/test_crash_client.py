"""The client killed with ``kill -9`` while it sends: no reply is lost, none is sent twice.

A real client process (``crash_client_main agent``: LocalStore + SyncEngine + ApiClient) talks
to a real server and dies at each named crash point of ``webcare.faults`` — before the local
commit of a write, after it, before the batch is sent, after the server committed but before
the answer is recorded, halfway through recording it, after it — and at random moments
(SIGKILL from the test). After every death the next life of the process opens the same store
file, recovers and writes more. In the end every write the client ever committed is on the
server exactly once (or visibly rejected, with its text), and a write that was not committed
locally is nowhere.

A second test kills a process that writes to a client store (outbox, change pages with their
cursor, push results) at random moments: the file passes ``PRAGMA integrity_check`` every time,
the outbox numbering has no gaps, and a change page is there together with its cursor or not
at all.
"""

from __future__ import annotations

import json
import os
import random
import re
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.reliability.common import rounds
from tests.reliability.crash_client_main import PAGE, TOKEN_ENV
from tests.support.server import TestServer, running_server
from webcare import faults
from webcare.client_store.schema import KEY_SQL
from webcare.net.agent_api import ApiClient
from webcare.server.services import accounts

ROOT = Path(__file__).resolve().parents[2]
MAIN = [sys.executable, "-m", "tests.reliability.crash_client_main"]
_TOKEN = re.compile(r"^(?:Reply|Note) (\S+):")


def spawn(args: list[str], env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [*MAIN, *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})},
    )


@contextmanager
def reaped(proc: subprocess.Popen[str]) -> Iterator[subprocess.Popen[str]]:
    """Whatever happens in the test, the process is killed and waited for."""
    try:
        yield proc
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait(30)
        for stream in (proc.stdout, proc.stderr):
            if stream is not None:
                stream.close()


def finish(proc: subprocess.Popen[str], timeout: float = 60) -> tuple[int, str, str]:
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
        raise AssertionError(f"the client process hung:\n{out}\n{err}") from None
    return proc.returncode, out, err


def kill_at_random(
    proc: subprocess.Popen[str], rng: random.Random, low: float, high: float
) -> bool:
    """SIGKILL ``proc`` a random time after it said ``ready``; whether it was still working."""
    assert proc.stdout is not None
    first = proc.stdout.readline()
    assert first.strip() == "ready", first + (proc.stderr.read() if proc.stderr else "")
    time.sleep(rng.uniform(low, high))
    working = proc.poll() is None
    proc.kill()
    return working


# --- reading the client store (the process is dead: nobody else has it open) -----------------


@dataclass(frozen=True)
class Row:
    op_id: str
    client_id: str
    client_seq: int
    state: str
    result: dict[str, Any] | None


def check_store(path: Path) -> dict[str, Row]:
    """Integrity, no gaps in the outbox numbering; the outbox by body token."""
    with closing(sqlite3.connect(path)) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        rows = conn.execute(
            "SELECT op_id, client_id, client_seq, state, result, payload FROM outbox"
        ).fetchall()
    by_token: dict[str, Row] = {}
    seqs: dict[str, list[int]] = {}
    for op_id, client_id, seq, state, result, payload in rows:
        match = _TOKEN.match(json.loads(payload)["body"])
        assert match, payload
        assert match.group(1) not in by_token, f"two outbox entries for {match.group(1)}"
        by_token[match.group(1)] = Row(
            op_id, client_id, seq, state, json.loads(result) if result else None
        )
        seqs.setdefault(client_id, []).append(seq)
    for client_id, numbers in seqs.items():
        assert sorted(numbers) == list(range(1, len(numbers) + 1)), (client_id, sorted(numbers))
    return by_token


def server_results(server: TestServer) -> dict[str, dict[str, Any]]:
    """What the server recorded per op id (its outbox replay table)."""
    with server.ctx.db.read() as conn:
        return {
            r[0]: json.loads(r[1])
            for r in conn.execute("SELECT op_id, result FROM mutation_results")
        }


# --- crash during send ---------------------------------------------------------------------


@dataclass
class PointFigures:
    hits: int = 0
    committed: int = 0  # writes committed locally in the life that crashed
    absent: int = 0  # a write in flight before its local commit: must be nowhere
    queued: int = 0  # writes left queued locally by the crash
    in_doubt: int = 0  # ... of which the server had already committed (ack lost)
    replayed: int = 0  # results the next life got back as replays


@dataclass
class Figures:
    points: dict[str, PointFigures] = field(
        default_factory=lambda: {p: PointFigures() for p in (*faults.POINTS, "sigkill")}
    )
    outcomes: Counter[str] = field(default_factory=Counter)
    never_committed: int = 0


@dataclass
class Life:
    intents: list[tuple[str, str]]  # (token, kind) in order
    committed: dict[str, str]  # token -> op_id
    recovered: int | None
    done: bool


def parse_life(out: str) -> Life:
    life = Life([], {}, None, False)
    for line in out.splitlines():
        words = line.split()
        if not words:
            continue
        if words[0] == "intent":
            life.intents.append((words[1], words[2]))
        elif words[0] == "committed":
            life.committed[words[1]] = words[2]
        elif words[0] == "recovered":
            life.recovered = int(words[1])
        elif words[0] == "done":
            life.done = True
    return life


@pytest.mark.timeout(rounds(120, 600))
def test_client_killed_at_every_crash_point_loses_and_duplicates_nothing(tmp_path: Path) -> None:
    seeds = rounds(2, 20)
    random_kills = rounds(1, 3)  # per seed, besides one crash per named point
    figures = Figures()
    started = time.monotonic()
    with running_server(tmp_path, lease_s=6 * 3600) as server:
        eva_id = server.add_user("eva")
        tom_id = server.add_user("tom")
        own = server.add_mentions(3, text="Mijn internet ligt eruit")
        (foreign,) = server.add_mentions(1, text="Factuur klopt niet")
        now = server.ctx.now()
        token = accounts.issue_token(server.ctx.db, eva_id, now, 86400.0, "crash test")
        tom_token = accounts.issue_token(server.ctx.db, tom_id, now, 86400.0, "crash test")
        with ApiClient(server.url, token=token) as eva, ApiClient(server.url, token=tom_token) as t:
            for mention_id in own:
                eva.claim(mention_id)
            t.claim(foreign)
        env = {TOKEN_ENV: token}
        base = ["agent", "--url", server.url, "--own", *map(str, own), "--foreign", str(foreign)]
        for seed in range(seeds):
            _one_seed(server, tmp_path / f"eva-{seed}.db", seed, random_kills, base, env, figures)
    elapsed = time.monotonic() - started

    hits = {name: f.hits for name, f in figures.points.items()}
    print(f"\ncrash-client: {seeds} seeds in {elapsed:.1f} s; per point: {hits}")
    for name, f in figures.points.items():
        print(f"  {name}: {f}")
    print(f"  outcomes {dict(figures.outcomes)}, never committed {figures.never_committed}")
    for name in faults.POINTS:
        assert figures.points[name].hits == seeds, (name, figures.points[name])
    assert figures.points["sigkill"].hits == seeds * random_kills
    # the crash points land where they claim to
    assert figures.points["outbox.before_commit"].absent == seeds
    assert figures.points["push.after_send"].in_doubt >= seeds
    assert figures.points["push.ack_before_commit"].in_doubt >= seeds
    assert figures.points["push.after_ack"].in_doubt == 0  # everything sent is recorded
    assert figures.outcomes["rejected"] > 0 and figures.outcomes["accepted"] > 0


def _one_seed(
    server: TestServer,
    store: Path,
    seed: int,
    random_kills: int,
    base: list[str],
    env: dict[str, str],
    figures: Figures,
) -> None:
    rng = random.Random(seed)
    plan = list(faults.POINTS)
    rng.shuffle(plan)
    for _ in range(random_kills):
        plan.insert(rng.randrange(len(plan) + 1), "sigkill")
    kinds: dict[str, str] = {}
    ever_committed: dict[str, str] = {}  # token -> op_id, over all lives
    previous: str | None = None
    for i, step in enumerate(plan):
        args = [
            *base,
            "--store",
            str(store),
            "--tag",
            f"s{seed}.{i}",
            "--seed",
            str(seed * 100 + i),
        ]
        point = figures.points[step]
        if step == "sigkill":
            with reaped(spawn([*args, "--count", "400", "--seconds", "30"], env)) as proc:
                assert kill_at_random(proc, rng, 0.2, 1.5), "the client ended before the kill"
                code, out, err = finish(proc)
            assert code == -9, (code, err)
        else:
            crash = {**env, faults.ENV_VAR: f"{step}:{rng.randint(1, 3)}"}
            with reaped(spawn([*args, "--count", "6"], crash)) as proc:
                code, out, err = finish(proc)
            assert code == faults.EXIT_STATUS, f"{step} was not reached ({code}):\n{out}\n{err}"
        point.hits += 1
        life = parse_life(out)
        if previous is not None and life.recovered is not None:
            figures.points[previous].replayed += life.recovered
        previous = step
        kinds.update(life.intents)
        outbox = check_store(store)
        on_server = server_results(server)

        # what this life committed is in the store; what it did not commit is not
        for token, _kind in life.intents[:-1]:  # each was followed by its local commit
            assert token in outbox, f"{step}: {token} was committed, then lost"
        for token, op_id in life.committed.items():
            assert outbox[token].op_id == op_id
        point.committed += sum(1 for token, _k in life.intents if token in outbox)
        if step.startswith("outbox."):  # the crash fell inside the last write
            last = life.intents[-1][0]
            if step == "outbox.before_commit":
                assert last not in outbox, f"{last} is half-present after a crash before commit"
                point.absent += 1
            else:
                assert outbox[last].state == "queued", f"{step}: {last} lost"
        for token, op_id in ever_committed.items():
            assert token in outbox and outbox[token].op_id == op_id, f"{token} vanished"
        ever_committed.update({token: row.op_id for token, row in outbox.items()})

        queued = [row for row in outbox.values() if row.state == "queued"]
        point.queued += len(queued)
        point.in_doubt += sum(1 for row in queued if row.op_id in on_server)
        for row in outbox.values():
            if row.state != "queued":  # settled locally: the server has it, same verdict
                assert row.op_id in on_server
                assert row.result is not None
                assert row.result["outcome"] == on_server[row.op_id]["outcome"]

    # the last life: no crash; it recovers, sends what is left and catches up
    args = [*base, "--store", str(store), "--tag", f"s{seed}.end", "--count", "0"]
    with reaped(spawn(args, env)) as proc:
        code, out, err = finish(proc)
    assert code == 0, err
    life = parse_life(out)
    assert life.done
    if previous is not None and life.recovered is not None:
        figures.points[previous].replayed += life.recovered
    _check_final(server, store, seed, kinds, ever_committed, figures)


def _check_final(
    server: TestServer,
    store: Path,
    seed: int,
    kinds: dict[str, str],
    ever_committed: dict[str, str],
    figures: Figures,
) -> None:
    outbox = check_store(store)
    assert {t: r.op_id for t, r in outbox.items()} == ever_committed
    on_server = server_results(server)
    prefix = f"s{seed}."
    with server.ctx.db.read() as conn:
        served = Counter[str]()
        ids: dict[str, str] = {}
        for table, word in (("replies", "Reply"), ("notes", "Note")):
            for op_id, body in conn.execute(
                f"SELECT id, body FROM {table} WHERE body LIKE ?",
                (f"{word} {prefix}%",),
            ):
                match = _TOKEN.match(body)
                assert match
                served[match.group(1)] += 1
                ids[match.group(1)] = op_id
    with closing(sqlite3.connect(store)) as conn:
        mirrored = {r[0] for r in conn.execute("SELECT id FROM replies UNION SELECT id FROM notes")}
    assert not [t for t, n in served.items() if n > 1], "a write is on the server twice"
    for token, kind in kinds.items():
        row = outbox.get(token)
        if row is None:  # never committed locally: it must be nowhere
            figures.never_committed += 1
            assert token not in served, f"{token} was never committed but is on the server"
            continue
        assert row.state in ("accepted", "rejected"), f"{token} still {row.state}"
        assert row.result is not None
        assert on_server[row.op_id]["outcome"] == row.state
        figures.outcomes[row.state] += 1
        if kind == "foreign":  # someone else holds the mention: visibly rejected, with the text
            assert row.state == "rejected", (token, row.result)
            assert token not in served
            assert token in str(row.result.get("body")), row.result
            assert row.result.get("message")
        else:
            assert row.state == "accepted", (token, row.result)
            assert served[token] == 1 and ids[token] == row.op_id
            assert row.op_id in mirrored, f"{token} is not in the client's own copy"
    extra = set(served) - {t for t, r in outbox.items() if r.state == "accepted"}
    assert not extra, f"on the server but not an accepted write of the client: {extra}"


# --- local DB integrity under kills during writes -------------------------------------------


@pytest.mark.timeout(rounds(120, 600))
def test_store_survives_kills_during_writes(tmp_path: Path) -> None:
    kills = rounds(10, 150)
    rng = random.Random(7)
    store = tmp_path / "store.db"
    landed = 0
    pages = outbox_rows = 0
    started = time.monotonic()
    for n in range(kills):
        args = ["writer", "--store", str(store), "--seed", str(n), "--seconds", "30"]
        with reaped(spawn(args)) as proc:
            landed += kill_at_random(proc, rng, 0.02, 0.6)
            code, _out, err = finish(proc)
        assert code == -9, err
        with closing(sqlite3.connect(store)) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)], n
            conn.execute("INSERT INTO search(search) VALUES ('integrity-check')")
            # one search document per mention, under the mention's key
            assert conn.execute(
                f"SELECT count(*) FROM mentions m LEFT JOIN search s ON s.rowid = {KEY_SQL}"
                " WHERE s.rowid IS NULL"
            ).fetchone() == (0,), n
            assert (
                conn.execute("SELECT count(*) FROM search").fetchone()
                == conn.execute("SELECT count(*) FROM mentions").fetchone()
            ), n
            (client_id,) = conn.execute(
                "SELECT value FROM sync_state WHERE key = 'client_id'"
            ).fetchone()
            seqs = [
                r[0]
                for r in conn.execute(
                    "SELECT client_seq FROM outbox WHERE client_id = ? ORDER BY client_seq",
                    (client_id,),
                )
            ]
            assert seqs == list(range(1, len(seqs) + 1)), f"a gap in the outbox after kill {n}"
            cursor_row = conn.execute(
                "SELECT value FROM sync_state WHERE key = 'cursor'"
            ).fetchone()
            cursor = int(cursor_row[0]) if cursor_row else 0
            mentions, top = conn.execute(
                "SELECT count(*), COALESCE(max(id), 0) FROM mentions"
            ).fetchone()
            (replies,) = conn.execute("SELECT count(*) FROM replies").fetchone()
            # a change page is stored together with its cursor, or not at all
            assert mentions == top == replies == cursor * PAGE, (n, cursor, mentions, replies)
            pages, outbox_rows = cursor, len(seqs)
    elapsed = time.monotonic() - started
    print(
        f"\nstore kills: {kills} ({landed} mid-write) in {elapsed:.1f} s;"
        f" {pages} change pages, {outbox_rows} outbox writes survived"
    )
    assert landed == kills
    assert pages > 0 and outbox_rows > 0


def test_crash_points_are_no_ops_unless_named() -> None:
    assert faults.ENV_VAR not in os.environ  # the test process itself never crashes
    for name in faults.POINTS:
        faults.crash_point(name)  # returns: nothing named
    assert faults._parse(None) is None
    assert faults._parse("push.after_send") == ("push.after_send", 1)
    assert faults._parse("push.after_send:3") == ("push.after_send", 3)
