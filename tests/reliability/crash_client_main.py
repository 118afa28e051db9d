"""A client process for the crash tests, killed on purpose (``kill -9`` or a crash point).

Run as ``python -m tests.reliability.crash_client_main MODE ...`` from the project root.

``agent``: the real client minus the window. A :class:`LocalStore` on ``--store``, a
:class:`SyncEngine` and an :class:`ApiClient` signed in with the token in
``WEBCARE_TEST_TOKEN``. It first recovers (pull, then push what an earlier life left queued),
then writes replies and notes and pushes them, and pushes and pulls once more at the end. Before
each write it prints ``intent <token> <kind>`` and after the local commit ``committed <token>
<op_id>``, flushed, so the test knows what was in flight when the process died. ``kind`` is
``reply`` (to a mention this agent holds: must be accepted), ``note`` (accepted) or ``foreign``
(a reply to a mention someone else holds: must be visibly rejected).

``writer``: no server. Writes to ``--store`` as fast as it can, the way sync does: outbox
writes, change pages together with their cursor, results of pushes. Page ``n`` carries mentions
``(n - 1) * PAGE + 1 … n * PAGE`` and cursor ``n``, so the test can see that a page and its
cursor were committed together or not at all.

Neither mode imports the server or the test support (that keeps start-up short).
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from webcare.client_store.store import LocalStore
from webcare.domain.errors import WebcareError
from webcare.domain.timeutil import iso
from webcare.net.agent_api import ApiClient
from webcare.sync.engine import SyncEngine

T = TypeVar("T")

TOKEN_ENV = "WEBCARE_TEST_TOKEN"
#: Mentions per synthetic change page in ``writer`` mode.
PAGE = 12
#: Upper bounds of every loop here: a process the test forgets still ends by itself.
MAX_SECONDS = 60.0


def say(*words: object) -> None:
    print(*words, flush=True)


def body_of(token: str, kind: str) -> str:
    if kind == "note":
        return f"Note {token}: called the customer back."
    return f"Reply {token}: sorry to hear that, we are on it. ^Eva"


def run_agent(args: argparse.Namespace) -> int:
    token = os.environ.get(TOKEN_ENV)
    assert token, f"{TOKEN_ENV} is not set"
    rng = random.Random(args.seed)
    api = ApiClient(args.url, token=token, read_timeout=30.0)
    store = LocalStore(Path(args.store))

    def run_db(fn: Callable[[LocalStore], T]) -> T:
        return fn(store)

    engine = SyncEngine(api, run_db, page_size=7, push_batch=50)
    deadline = time.monotonic() + min(args.seconds, MAX_SECONDS)
    say("ready")
    # recover what an earlier life of this store left behind
    engine.catch_up()
    replayed = sum(1 for r in engine.push_all() if r.get("replayed"))
    say("recovered", replayed)
    own: list[int] = args.own
    for k in range(args.count):
        if time.monotonic() > deadline:
            break
        roll = rng.random()
        kind = "foreign" if roll < 0.15 else "note" if roll < 0.35 else "reply"
        mention_id = args.foreign if kind == "foreign" else rng.choice(own)
        detail = store.detail(mention_id)
        assert detail is not None, f"mention {mention_id} is not in the local store"
        name = f"{args.tag}.{k}"
        payload: dict[str, Any] = {"body": body_of(name, kind)}
        if kind != "note":
            payload["claim_epoch"] = detail.claim_epoch
        say("intent", name, kind)
        entry = store.enqueue("note" if kind == "note" else "reply", mention_id, payload)
        say("committed", name, entry.op_id)
        if k % 2 == 1 or rng.random() < 0.5:
            try:
                engine.push_all()
                if rng.random() < 0.3:
                    engine.catch_up()
            except WebcareError as exc:  # the loops would retry later; so does the next life
                say("error", type(exc).__name__)
    engine.push_all()
    engine.catch_up()
    say("done")
    store.close()
    api.close()
    return 0


def _mention(mention_id: int, now: float, rng: random.Random) -> dict[str, Any]:
    text = " ".join(
        rng.choice(("internet", "storing", "modem", "wifi", "factuur")) for _ in range(40)
    )
    return {
        "id": mention_id,
        "channel_id": 1,
        "source_id": str(mention_id),
        "contact_id": mention_id % 7 + 1,
        "text": f"#{mention_id} {text}",
        "created_at": iso(now - 60),
        "received_at": iso(now),
        "status": "open",
        "priority": mention_id % 4,
        "tags": ["storing"] if mention_id % 3 == 0 else [],
        "claim_epoch": 0,
        "updated_at": iso(now),
    }


def _reply(mention_id: int, now: float) -> dict[str, Any]:
    return {
        "id": f"r-{mention_id}",
        "mention_id": mention_id,
        "agent_id": 1,
        "body": f"Reply to #{mention_id} " + "x" * 200,
        "accepted_at": iso(now),
        "delivery_state": "queued",
    }


def run_writer(args: argparse.Namespace) -> int:
    rng = random.Random(args.seed)
    store = LocalStore(Path(args.store))
    deadline = time.monotonic() + min(args.seconds, MAX_SECONDS)
    say("ready")
    for _ in range(100_000):
        if time.monotonic() > deadline:
            break
        roll = rng.random()
        if roll < 0.4:
            store.enqueue("note", 1 + rng.randrange(50), {"body": "n" * rng.randrange(1, 2000)})
        elif roll < 0.8:
            page_no = (store.cursor or 0) + 1
            now = time.time()
            first = (page_no - 1) * PAGE + 1
            changes: list[Any] = []  # partial change records: the store reads what is there
            for mention_id in range(first, first + PAGE):
                changes.append(
                    {
                        "entity": "mention",
                        "id": mention_id,
                        "op": "upsert",
                        "data": _mention(mention_id, now, rng),
                    }
                )
                changes.append(
                    {
                        "entity": "reply",
                        "id": f"r-{mention_id}",
                        "op": "upsert",
                        "data": _reply(mention_id, now),
                    }
                )
            store.apply_changes(
                {
                    "changes": changes,
                    "cursor": page_no,
                    "has_more": False,
                    "db_id": "d",
                    "head": page_no,
                }
            )
        else:
            queued = store.unsent(rng.randrange(1, 20))
            store.apply_results(
                [{"op_id": e.op_id, "outcome": "accepted", "message": "ok"} for e in queued]
            )
    say("done")
    store.close()
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="crash_client_main")
    sub = parser.add_subparsers(dest="mode", required=True)
    agent = sub.add_parser("agent")
    agent.add_argument("--url", required=True)
    agent.add_argument("--store", required=True)
    agent.add_argument("--own", type=int, nargs="+", required=True)
    agent.add_argument("--foreign", type=int, required=True)
    agent.add_argument("--tag", required=True)
    agent.add_argument("--count", type=int, default=6)
    agent.add_argument("--seed", type=int, default=0)
    agent.add_argument("--seconds", type=float, default=30.0)
    writer = sub.add_parser("writer")
    writer.add_argument("--store", required=True)
    writer.add_argument("--seed", type=int, default=0)
    writer.add_argument("--seconds", type=float, default=30.0)
    args = parser.parse_args(argv)
    return run_agent(args) if args.mode == "agent" else run_writer(args)


if __name__ == "__main__":
    sys.exit(main())
