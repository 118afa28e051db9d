"""The team server's WAL stays below its bound under normal load.

A real server (uvicorn on 127.0.0.1, real SQLite file) and three real clients that write
replies and notes offline-first, push them in small batches and pull the feed, while a fourth
reader long-polls the change feed. A sampler watches the ``-wal`` file the whole time.
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
from pathlib import Path

import pytest

from tests.support.client import HeadlessClient
from tests.support.server import running_server
from webcare.storage.db import WAL_LIMIT_BYTES


@pytest.mark.timeout(180)
def test_wal_stays_below_its_bound_under_normal_load(tmp_path: Path) -> None:
    writes_per_client = 60
    with running_server(tmp_path, lease_s=3600) as server:
        mids = server.add_mentions(12, char_limit=2000)
        wal = Path(f"{server.db_path}-wal")
        stop = threading.Event()
        largest = [0]
        samples = [0]

        def sample() -> None:
            while not stop.is_set():
                with contextlib.suppress(FileNotFoundError):
                    largest[0] = max(largest[0], os.stat(wal).st_size)
                samples[0] += 1
                time.sleep(0.001)

        watcher = server.user("watcher")

        def long_poll() -> None:
            cursor = 0
            while not stop.is_set():
                page = watcher.get(f"/v1/changes?since={cursor}&limit=200&wait=1").json()
                cursor = page["cursor"]

        clients: list[HeadlessClient] = []
        failures: list[BaseException] = []

        def work(client: HeadlessClient, mine: list[int]) -> None:
            try:
                client.engine.bootstrap()
                epochs = {m: client.api.claim(m)["mention"]["claim_epoch"] for m in mine}
                for k in range(writes_per_client):
                    mention_id = mine[k % len(mine)]
                    text = f"{client.username} {k}: we are on it {'.' * (k * 53 % 600)}!"
                    if k % 4 == 3:
                        client.store.enqueue("note", mention_id, {"body": text})
                    else:
                        payload = {"body": text, "claim_epoch": epochs[mention_id]}
                        client.store.enqueue("reply", mention_id, payload)
                    if k % 3 == 2:  # batches of three, as an agent typing ahead would send
                        client.engine.push_all()
                        client.engine.catch_up()
                client.engine.push_all()
            except BaseException as exc:  # reported below, not lost in the thread
                failures.append(exc)

        threads = [threading.Thread(target=sample), threading.Thread(target=long_poll)]
        try:
            for i, name in enumerate(("ann", "bob", "cas")):
                server.add_user(name)
                clients.append(HeadlessClient(server.url, name, tmp_path / f"{name}.db"))
                threads.append(
                    threading.Thread(target=work, args=(clients[-1], mids[4 * i : 4 * i + 4]))
                )
            for thread in threads:
                thread.start()
            for thread in threads[2:]:
                thread.join(150)
        finally:
            stop.set()
            for thread in threads:
                thread.join(10)
            for client in clients:
                client.close()
        assert failures == []
        with server.ctx.db.read() as conn:
            written = conn.execute(
                "SELECT (SELECT count(*) FROM replies) + (SELECT count(*) FROM notes)"
            ).fetchone()[0]
            pages = conn.execute("PRAGMA page_count").fetchone()[0]
    assert written == 3 * writes_per_client
    print(
        f"\n{written} writes by 3 clients + a long-poller: WAL at most {largest[0] // 1024} KiB"
        f" (bound {WAL_LIMIT_BYTES // 1024} KiB) over {samples[0]} samples; database"
        f" {pages * 4} KiB"
    )
    assert largest[0] <= WAL_LIMIT_BYTES
