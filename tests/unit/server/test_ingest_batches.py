"""The set-based ingest: rows written whole per batch, whatever order the posts come in.

Ids, answered states, contacts and threads are worked out in memory before one ``executemany``
per table; these cases are the ones where that could go wrong: an author seen twice in a batch
with new figures, a follow-up that arrives before (or in a later batch than) the post it follows,
a reply to a mention of an earlier batch, a reply to a brand reply, a batch with a post twice.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from webcare.channels.base import Author, Batch, ChannelInfo, IncomingMention, IncomingReply
from webcare.server.services.ingest import ingest
from webcare.storage.db import Database
from webcare.storage.server_schema import open_server_db

INFO = ChannelInfo(kind="twitter", name="@Brand", brand="Brand", handle="@Brand", char_limit=280)
T0 = 1_700_000_000.0


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = open_server_db(tmp_path / "server.db")
    yield database
    database.close()


def post(source: str, t: float, *, author: str = "ann", followers: int | None = 10,
         parent: str | None = None, text: str = "help") -> IncomingMention:  # fmt: skip
    return IncomingMention(
        source_id=source,
        author=Author(author, f"@{author}", None, followers),
        text=text,
        created_at=T0 + t,
        parent_source_id=parent,
    )


def answer(source: str, to: str, t: float) -> IncomingReply:
    return IncomingReply(source, to, "Sorry! ^MM", T0 + t, None)


def rows(db: Database, sql: str) -> list[tuple[Any, ...]]:
    with db.read() as conn:
        return [tuple(r) for r in conn.execute(sql)]


def by_source(db: Database) -> dict[str, sqlite3.Row]:
    with db.read() as conn:
        return {
            r["source_id"]: r
            for r in conn.execute(
                "SELECT m.*, p.source_id AS parent FROM mentions m"
                " LEFT JOIN mentions p ON p.id = m.parent_mention_id"
            )
        }


def test_an_author_seen_twice_in_a_batch_keeps_the_newest_figures(db: Database) -> None:
    ingest(
        db, Batch(INFO, [post("1", 0, followers=10), post("2", 5, followers=12)]), T0, history=True
    )
    assert rows(db, "SELECT handle, followers FROM contacts") == [("@ann", 12)]
    assert rows(db, "SELECT count(*) FROM changes WHERE entity = 'contact'") == [(1,)]
    ingest(db, Batch(INFO, [post("3", 9, followers=40)]), T0, history=True)  # a later batch
    assert rows(db, "SELECT followers FROM contacts") == [(40,)]
    assert rows(db, "SELECT count(*) FROM changes WHERE entity = 'contact'") == [(2,)]


def test_threads_whatever_order_the_posts_arrive_in(db: Database) -> None:
    # "c" follows "b" follows "a"; "c" comes first, in a batch of its own
    ingest(db, Batch(INFO, [post("c", 20, parent="b")]), T0, history=True)
    assert by_source(db)["c"]["parent_mention_id"] is None  # waits for its parent
    # then "b" (follows "a") and "a" together: linked in time order, "c" moves along
    ingest(db, Batch(INFO, [post("b", 10, parent="a"), post("a", 0)]), T0, history=True)
    m = by_source(db)
    assert (m["b"]["parent"], m["c"]["parent"]) == ("a", "b")
    assert {m[s]["thread_id"] for s in "abc"} == {m["a"]["id"]}
    # a child earlier in a batch than its parent (clock skew between platforms)
    ingest(db, Batch(INFO, [post("y", 30, parent="x"), post("x", 40)]), T0, history=True)
    m = by_source(db)
    assert m["y"]["parent"] == "x" and m["y"]["thread_id"] == m["x"]["id"]


def test_answers_within_the_batch_and_across_batches(db: Database) -> None:
    ingest(db, Batch(INFO, [post("1", 0), post("2", 1)], [answer("r1", "1", 60)]), T0, history=True)
    m = by_source(db)
    assert (m["1"]["status"], m["1"]["replied_at"]) == ("answered", T0 + 60)
    assert m["2"]["status"] == "open"
    # later batches: an answer to "2", an earlier answer to "1", a reply to the brand's reply
    later = [answer("r2", "2", 90), answer("r0", "1", 30), answer("r3", "r1", 120)]
    ingest(db, Batch(INFO, [post("3", 100, parent="r1")], later), T0, history=True)
    m = by_source(db)
    assert (m["2"]["status"], m["2"]["replied_at"]) == ("answered", T0 + 90)
    assert m["1"]["replied_at"] == T0 + 30  # the first answer counts
    assert rows(db, "SELECT mention_id FROM replies WHERE id = 'twitter:r3'") == [(m["1"]["id"],)]
    assert m["3"]["parent"] == "1"  # a follow-up to the brand's reply joins that thread
    # the change log names every row once per batch that touched it
    changed = rows(
        db, "SELECT entity, entity_id, count(*) FROM changes GROUP BY 1, 2 ORDER BY 1, 2"
    )
    assert ("mention", str(m["1"]["id"]), 2) in changed  # stored answered, then an earlier answer
    assert ("mention", str(m["2"]["id"]), 2) in changed


def test_a_post_twice_in_a_batch_is_stored_once(db: Database) -> None:
    stats = ingest(db, Batch(INFO, [post("1", 0), post("1", 0)]), T0, history=True)
    assert (stats.mentions_new, stats.mentions_known) == (1, 1)
    assert rows(db, "SELECT count(*) FROM mentions") == [(1,)]
    assert rows(db, "SELECT count(*) FROM changes WHERE entity = 'mention'") == [(1,)]
