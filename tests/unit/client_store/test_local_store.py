"""The client's local store: applier, outbox, views, search."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any, cast

import pytest

from webcare.client_store.records import QueueFilter, Sort, View
from webcare.client_store.search import fts_query
from webcare.client_store.store import LocalStore
from webcare.domain.search_syntax import ParsedSearch, parse_search
from webcare.domain.timeutil import parse_iso
from webcare.domain.wire import BootstrapRecord, ChangesPage

NOW = 1_800_000_000.0
NOW_DAY = parse_iso("2026-01-01T10:00:00Z")


def mention(mid: int, **kw: Any) -> dict[str, Any]:
    base = {
        "id": mid, "channel_id": 1, "source_id": str(mid), "contact_id": 1,
        "text": f"Mention {mid}", "url": None, "language": None, "parent_mention_id": None,
        "thread_id": mid, "created_at": "2026-01-01T10:00:00.000Z",
        "received_at": f"2026-01-01T10:{mid:02d}:00.000Z", "status": "open", "priority": 1,
        "tags": [], "claim_agent_id": None, "claim_epoch": 0, "lease_remaining_s": None,
        "replied_at": None, "closed_at": None, "updated_at": "2026-01-01T10:00:00.000Z",
    }  # fmt: skip
    base.update(kw)
    return base


#: A bootstrap head with only what these tests need (the store reads what is there).
HEAD = cast(
    "BootstrapRecord",
    {
    "db_id": "db1",
    "cursor": 10,
    "me": {"id": 7},
    "users": [
        {"id": 7, "username": "eva", "display_name": "Eva", "signature": "^Eva",
         "role": "agent", "disabled": False, "brand": None, "can_login": True},
        {"id": 8, "username": "tom", "display_name": "Tom", "signature": "^Tom",
         "role": "agent", "disabled": False, "brand": None, "can_login": True},
    ],
    "channels": [{"id": 1, "kind": "twitter", "name": "@Brand on Twitter", "brand": "Brand",
                  "handle": "@Brand", "enabled": True, "char_limit": 280,
                  "last_fetch_at": None, "last_error": None}],
    "templates": [],
    "counts": {},
},
)  # fmt: skip
CONTACT = {"id": 1, "platform": "twitter", "platform_user_id": "1", "handle": "@jan",
           "name": "Jan", "followers": 12}  # fmt: skip


@pytest.fixture
def store(tmp_path: Path) -> Iterator[LocalStore]:
    s = LocalStore(tmp_path / "client.db", clock=lambda: NOW)
    s.start_bootstrap(HEAD)
    s.apply_bootstrap_page("contact", [CONTACT], None)
    s.apply_bootstrap_page(
        "mention",
        [
            mention(1),
            mention(2, status="claimed", claim_agent_id=7, claim_epoch=1, lease_remaining_s=600),
            mention(3, status="claimed", claim_agent_id=8, claim_epoch=4, lease_remaining_s=600),
            mention(4, status="answered", replied_at="2026-01-01T11:00:00.000Z"),
            mention(5, status="claimed", claim_agent_id=8, claim_epoch=2, lease_remaining_s=None),
            mention(6, status="closed", text="Opzeggen graag, de storing duurt te lang"),
        ],
        None,
    )
    s.finish_bootstrap()
    yield s
    s.close()


def ids(store: LocalStore, f: QueueFilter) -> list[int]:
    return [r.id for r in store.rows(f, 0, 100, NOW)]


def test_views_follow_claims_and_leases(store: LocalStore) -> None:
    assert store.cursor == 10
    assert ids(store, QueueFilter(View.UNCLAIMED)) == [5, 1]  # 5's lease ran out
    assert ids(store, QueueFilter(View.MINE)) == [2]
    assert ids(store, QueueFilter(View.ANSWERED)) == [4]
    assert ids(store, QueueFilter(View.ALL)) == [6, 5, 4, 3, 2, 1]
    assert store.view_counts(NOW) == {
        View.UNCLAIMED: 2,
        View.MINE: 1,
        View.ALL: 6,
        View.ANSWERED: 1,
        View.SNOOZED: 0,
    }
    row = store.rows(QueueFilter(View.ALL), 3, 1, NOW)[0]
    assert (row.id, row.holder, row.live_claim(NOW)) == (3, "Tom", True)
    assert row.live_claim(NOW + 601) is False


def test_search_filters_and_positions(store: LocalStore) -> None:
    assert ids(store, QueueFilter(View.ALL, text="storing")) == [6]
    assert ids(store, QueueFilter(View.ALL, text="stor")) == [6]  # prefix match
    assert ids(store, QueueFilter(View.ALL, text="@jan")) == [6, 5, 4, 3, 2, 1]
    assert ids(store, QueueFilter(View.ALL, text='"; DROP TABLE mentions; --')) == []
    assert ids(store, QueueFilter(View.ALL, statuses=("claimed",))) == [5, 3, 2]
    assert ids(store, QueueFilter(View.ALL, sort=Sort.OLDEST))[:2] == [1, 2]
    f = QueueFilter(View.ALL)
    assert [store.position(f, m, NOW) for m in (6, 4, 1)] == [0, 2, 5]
    assert store.position(QueueFilter(View.MINE), 6, NOW) is None
    assert fts_query("  ") is None
    assert fts_query('a"b') == '{text replies author} : "a"* AND {text replies author} : "b"*'


def test_changes_page_is_applied_with_cursor_and_unread(store: LocalStore) -> None:
    page = {
        "db_id": "db1",
        "cursor": 15,
        "changes": [
            {"seq": 11, "entity": "mention", "id": "9", "op": "upsert",
             "data": mention(9, text="Nieuw!")},
            {"seq": 12, "entity": "mention", "id": "1", "op": "upsert",
             "data": mention(1, status="closed")},
            {"seq": 13, "entity": "reply", "id": "op-1", "op": "upsert",
             "data": {"id": "op-1", "mention_id": 4, "agent_id": 7, "body": "Graag gedaan ^Eva",
                      "template_id": None, "accepted_at": "2026-01-01T12:00:00.000Z",
                      "posted_at": None, "delivery_state": "queued", "delivery_error": None,
                      "platform_post_id": None}},
            {"seq": 14, "entity": "mention", "id": "6", "op": "delete", "data": None},
            {"seq": 15, "entity": "gadget", "id": "1", "op": "upsert", "data": {}},
        ],
        "has_more": False,
        "head": 15,
    }  # fmt: skip
    summary = store.apply_changes(cast("ChangesPage", page))
    assert store.cursor == 15
    assert summary.new_mentions == [9]
    assert summary.mention_ids == {9, 1, 4, 6}
    assert ids(store, QueueFilter(View.ALL)) == [9, 5, 4, 3, 2, 1]
    assert store.rows(QueueFilter(View.ALL), 0, 1, NOW)[0].unread is True
    assert ids(store, QueueFilter(View.ALL, text="graag")) == [4]  # replies are searchable
    assert store.mark_read(9) is True
    assert store.rows(QueueFilter(View.ALL), 0, 1, NOW)[0].unread is False


def test_unread_in_a_search_goes_through_the_search_index(store: LocalStore) -> None:
    page = {
        "db_id": "db1", "cursor": 12, "has_more": False, "head": 12,
        "changes": [
            {"seq": 11, "entity": "mention", "id": "9", "op": "upsert",
             "data": mention(9, text="Weer een storing in Utrecht")},
            {"seq": 12, "entity": "mention", "id": "10", "op": "upsert",
             "data": mention(10, text="Mijn factuur klopt niet")},
        ],
    }  # fmt: skip
    assert store.apply_changes(cast("ChangesPage", page)).new_mentions == [9, 10]
    assert sorted(store.unread_in(QueueFilter(View.UNCLAIMED), [9, 10])) == [9, 10]
    assert store.unread_in(QueueFilter(View.UNCLAIMED, text="stor"), [9, 10]) == [9]
    assert store.unread_in(QueueFilter(View.MINE, text="stor"), [9, 10]) == []
    store.mark_read(9)
    assert store.unread_in(QueueFilter(View.ALL, text="utrecht"), [9, 10]) == []
    # the rows' own query refuses words instead of building a query on dropped tables
    with pytest.raises(ValueError, match="search index"):
        store._where(QueueFilter(View.ALL, text="storing"), 7, NOW)


def test_a_failed_page_does_not_move_the_cursor(store: LocalStore) -> None:
    change = {"seq": 11, "entity": "mention", "id": "9", "op": "upsert", "data": {"id": 9}}
    bad = {"db_id": "db1", "cursor": 99, "changes": [change]}
    with pytest.raises(KeyError):
        store.apply_changes(cast("ChangesPage", bad))
    assert store.cursor == 10
    assert ids(store, QueueFilter(View.ALL)) == [6, 5, 4, 3, 2, 1]


def test_outbox_numbering_results_and_renumbering(store: LocalStore) -> None:
    a = store.enqueue("reply", 2, {"body": "Hoi ^Eva", "claim_epoch": 1})
    b = store.enqueue("note", 2, {"body": "belt terug"})
    c = store.enqueue("set_status", 2, {"status": "closed"})
    assert [e.client_seq for e in (a, b, c)] == [1, 2, 3]
    assert a.wire() == {"body": "Hoi ^Eva", "claim_epoch": 1, "client_seq": 1,
                        "op_id": a.op_id, "type": "reply", "mention_id": 2}  # fmt: skip
    assert store.outbox_counts() == {"queued": 3, "rejected": 0}
    store.apply_results([
        {"op_id": a.op_id, "outcome": "accepted"},
        {"op_id": b.op_id, "outcome": "rejected", "message": "Mention closed"},
    ])  # fmt: skip
    assert [e.op_id for e in store.unsent()] == [c.op_id]
    assert store.outbox_counts() == {"queued": 1, "rejected": 1}
    old_client = store.client_id
    new_client = store.new_client_id()
    assert new_client != old_client
    (renumbered,) = store.unsent()
    assert (renumbered.client_id, renumbered.client_seq, renumbered.op_id) == (
        new_client,
        1,
        c.op_id,
    )
    d = store.enqueue("note", 2, {"body": "next"})
    assert (d.client_id, d.client_seq) == (new_client, 2)
    store.dismiss(b.op_id)
    assert store.outbox_counts() == {"queued": 2, "rejected": 0}


def test_conversation_merges_history_and_outbox(store: LocalStore) -> None:
    entry = store.enqueue("reply", 2, {"body": "Stuur ons een DM ^Eva", "claim_epoch": 1})
    items = store.conversation(2)
    kinds = [(i.kind, i.mention_id) for i in items]
    assert ("outbox", 2) in kinds
    assert sum(1 for k, _ in kinds if k == "mention") == 6  # the author's whole history
    assert next(i for i in items if i.kind == "outbox").state == "queued"
    assert [i.current for i in items if i.kind == "mention" and i.mention_id == 2] == [True]
    # once the server's copy arrives, the outbox entry is no longer shown twice
    store.apply_changes(cast("ChangesPage", {"db_id": "db1", "cursor": 11, "changes": [
        {"seq": 11, "entity": "reply", "id": entry.op_id, "op": "upsert",
         "data": {"id": entry.op_id, "mention_id": 2, "agent_id": 7,
                  "body": "Stuur ons een DM ^Eva", "template_id": None,
                  "accepted_at": "2026-01-01T12:00:00.000Z", "posted_at": None,
                  "delivery_state": "queued", "delivery_error": None,
                  "platform_post_id": None}}]}))  # fmt: skip
    shown = [i.kind for i in store.conversation(2)]
    assert "outbox" not in shown and "reply" in shown


def test_bootstrap_restart_keeps_the_outbox(store: LocalStore) -> None:
    store.enqueue("note", 1, {"body": "keep me"})
    store.start_bootstrap(HEAD)  # a resync empties the mirror ...
    assert ids(store, QueueFilter(View.ALL)) == []
    assert store.outbox_counts()["queued"] == 1  # ... never the outbox
    assert store.cursor is None


def test_search_tokens_become_filters(store: LocalStore) -> None:
    q = parse_search("tag:Storing since:2026-01-01T10:03 until:2026-01-01T10:06 prio:high wifi")
    assert q == ParsedSearch(
        text="wifi", tag="storing", since=NOW_DAY + 3 * 60, until=NOW_DAY + 6 * 60, min_priority=2
    )
    bad = parse_search("since:gisteren prio:heel-hoog hallo")
    assert bad.text == "hallo" and bad.since is None and len(bad.problems) == 2
    f = QueueFilter(View.ALL, since=NOW_DAY + 3 * 60, until=NOW_DAY + 6 * 60)
    assert ids(store, f) == [5, 4, 3]


ANN = {"id": 2, "platform": "mastodon", "platform_user_id": "2", "handle": "@ann@social.example",
       "name": "Ann", "followers": None}  # fmt: skip


def ann(mid: int, **kw: Any) -> dict[str, Any]:
    """One of Ann's mentions, written at 10:<mid> (history goes by when the author wrote)."""
    return mention(mid, contact_id=2, created_at=f"2026-01-01T10:{mid:02d}:30.000Z", **kw)


def _ann_history(store: LocalStore) -> None:
    """Ann's history: four earlier conversations (one of two mentions) and three open ones."""
    store.start_bootstrap(HEAD)
    store.apply_bootstrap_page("contact", [CONTACT, ANN], None)
    store.apply_bootstrap_page(
        "mention",
        [
            ann(20, status="closed", tags=["billing"]),
            ann(21, status="spam"),
            ann(22, status="closed"),
            ann(23, status="closed", thread_id=22, parent_mention_id=22),
            ann(24, status="answered", tags=["billing", "outage"]),
            ann(25, status="open"),
            ann(27, status="open", tags=["outage"]),
            ann(28, status="claimed", claim_agent_id=8, lease_remaining_s=60),
            mention(29, contact_id=None, status="open"),
            mention(30, status="open"),  # Jan's
        ],
        None,
    )
    store.finish_bootstrap()


def test_author_context_counts_conversations_outcomes_and_open_mentions(
    store: LocalStore,
) -> None:
    _ann_history(store)
    detail = store.detail(27)
    assert detail is not None
    author = detail.author
    assert author.platform == "mastodon"
    # threads 20, 21, 22 (+23) and 24 began before this one; 25 and 28 are still open
    assert (author.earlier, author.resolved, author.answered, author.spam) == (4, 2, 1, 1)
    assert author.last_earlier_at == parse_iso("2026-01-01T10:24:30Z")
    assert author.open_count == 2
    assert [m.id for m in author.open_mentions] == [28, 25]  # newest first
    assert author.open_mentions[1].text == "Mention 25"
    assert author.tags == ("billing", "outage")  # of the other mentions, most used first
    # the first mention has nothing earlier; three others of hers are open
    first = store.detail(20)
    assert first is not None
    assert (first.author.earlier, first.author.open_count) == (0, 3)
    # a mention of another thread in a finished conversation: the thread counts once
    follow_up = store.detail(23)
    assert follow_up is not None
    assert (follow_up.author.earlier, follow_up.author.resolved) == (2, 1)  # 20; 21 is spam
    assert follow_up.author.spam == 1
    # no contact: nothing to tell
    nobody = store.detail(29)
    assert nobody is not None and nobody.author.earlier == 0 and nobody.author.open_count == 0
    # the conversation shows where each of the author's mentions stands
    states = {i.mention_id: i.state for i in store.conversation(27) if i.kind == "mention"}
    assert states == {20: "closed", 21: "spam", 22: "closed", 23: "closed", 24: "answered",
                      25: "open", 27: "open", 28: "claimed"}  # fmt: skip


def test_author_context_reads_only_the_authors_rows(store: LocalStore) -> None:
    """Every query of the author context walks the author's rows by ``mentions_contact``:
    its cost follows the author's history, not the store's 1M mentions — for one contact and
    for a merged contact's group (two contacts here)."""
    _ann_history(store)
    sqls = [
        (LocalStore._CONVERSATIONS_SQL.format(ids=ids), (*group,))
        for ids, group in (("?", (2,)), ("?,?", (2, 3)))
    ] + [
        (sql.format(ids=ids), (*group, 27, 5))
        for sql in (LocalStore._OPEN_SQL, LocalStore._TAGS_SQL)
        for ids, group in (("?", (2,)), ("?,?", (2, 3)))
    ]
    for sql, args in sqls:
        plan = [r[3] for r in store.conn.execute("EXPLAIN QUERY PLAN " + sql, args)]
        text = " | ".join(plan)
        assert any("USING INDEX mentions_contact (contact_id=?)" in p for p in plan), text
        assert not any(p.startswith("SCAN m") and "VIRTUAL" not in p for p in plan), text


def _changes(cursor: int, *mentions: dict[str, Any]) -> ChangesPage:
    return cast(
        "ChangesPage",
        {
            "db_id": "db1", "cursor": cursor, "has_more": False, "head": cursor,
            "changes": [
                {"seq": cursor, "entity": "mention", "id": str(m["id"]), "op": "upsert", "data": m}
                for m in mentions
            ],
        },
    )  # fmt: skip


def test_snoozed_mentions_leave_every_view_but_snoozed(store: LocalStore) -> None:
    wake = "2027-01-05T08:00:00.000Z"
    store.apply_changes(
        _changes(
            11,
            mention(1, snoozed_until=wake, snoozed_by=7),
            mention(
                4,
                status="answered",
                replied_at="2026-01-01T11:00:00.000Z",
                snooze_until_customer=True,
                snoozed_by=8,
            ),
        )
    )
    assert ids(store, QueueFilter(View.UNCLAIMED)) == [5]
    assert ids(store, QueueFilter(View.ANSWERED)) == []
    assert ids(store, QueueFilter(View.ALL)) == [6, 5, 3, 2]
    assert ids(store, QueueFilter(View.SNOOZED)) == [4, 1]
    assert ids(store, QueueFilter(View.ALL, text="mention")) == [5, 3, 2]  # a search too
    assert store.view_counts(NOW) == {
        View.UNCLAIMED: 1, View.MINE: 1, View.ALL: 4, View.ANSWERED: 0, View.SNOOZED: 2,
    }  # fmt: skip
    rows = {r.id: r for r in store.rows(QueueFilter(View.SNOOZED), 0, 10, NOW)}
    assert rows[1].snoozed_until == parse_iso(wake) and not rows[1].snooze_until_customer
    assert rows[4].snoozed_until is None and rows[4].snooze_until_customer
    detail = store.detail(4)
    assert detail is not None
    assert (detail.snoozed, detail.snoozer, detail.snooze_queued) == (True, "Tom", False)
    assert store.position(QueueFilter(View.UNCLAIMED), 1, NOW) is None
    assert store.position(QueueFilter(View.SNOOZED), 1, NOW) == 1


def test_a_queued_snooze_decides_until_it_is_settled(store: LocalStore) -> None:
    entry = store.enqueue("snooze", 1, {"until": NOW + 3600})
    assert ids(store, QueueFilter(View.UNCLAIMED)) == [5]
    assert ids(store, QueueFilter(View.SNOOZED)) == [1]
    row = store.rows(QueueFilter(View.SNOOZED), 0, 1, NOW)[0]
    assert row.snoozed_until == NOW + 3600
    detail = store.detail(1)
    assert detail is not None and detail.snooze_queued and detail.snoozer == "Eva"
    # then an unsnooze, queued after it: the last one decides
    store.enqueue("unsnooze", 1, {})
    assert ids(store, QueueFilter(View.UNCLAIMED)) == [5, 1]
    assert store.count(QueueFilter(View.SNOOZED), NOW) == 0
    # the server refused the snooze and accepted the unsnooze: the mirror decides again
    unsnooze = store.unsent()[-1]
    store.apply_results([
        {"op_id": entry.op_id, "outcome": "rejected"},
        {"op_id": unsnooze.op_id, "outcome": "accepted"},
    ])  # fmt: skip
    assert ids(store, QueueFilter(View.UNCLAIMED)) == [5, 1]
    # accepted, it still decides until the feed brings the mention (no flicker meanwhile)
    snooze5 = store.enqueue("snooze", 5, {"until_customer": True})
    store.apply_results([{"op_id": snooze5.op_id, "outcome": "accepted"}])
    assert ids(store, QueueFilter(View.UNCLAIMED)) == [1]
    detail = store.detail(5)
    assert detail is not None and detail.snoozed and not detail.snooze_queued
    store.apply_changes(_changes(11, mention(5, snooze_until_customer=True, snoozed_by=7)))
    assert ids(store, QueueFilter(View.UNCLAIMED)) == [1]  # now the server's record says so
    store.apply_changes(_changes(12, mention(5)))  # and when it wakes, it is back
    assert ids(store, QueueFilter(View.UNCLAIMED)) == [5, 1]
    store.enqueue("snooze", 5, {"until_customer": True})
    assert store.rows(QueueFilter(View.SNOOZED), 0, 1, NOW)[0].snooze_until_customer


def test_a_mention_the_server_woke_comes_back_unread_for_who_snoozed_it(
    store: LocalStore,
) -> None:
    store.apply_changes(
        _changes(
            11,
            mention(1, snoozed_until="2027-01-05T08:00:00.000Z", snoozed_by=7),
            mention(4, snooze_until_customer=True, snoozed_by=8),
        )
    )
    woke = "2027-01-05T08:00:01.000Z"
    summary = store.apply_changes(
        _changes(
            12, mention(1, snoozed_by=7, woken_at=woke), mention(4, snoozed_by=8, woken_at=woke)
        )
    )
    assert summary.woken == [1]  # 4 was tom's: not bold for eva
    rows = {r.id: r for r in store.rows(QueueFilter(View.UNCLAIMED), 0, 10, NOW)}
    assert rows[1].unread and not rows[4].unread
    store.mark_read(1)
    # the same record again (a replayed page): not woken a second time
    assert store.apply_changes(_changes(13, mention(1, snoozed_by=7, woken_at=woke))).woken == []
