"""Saved views in the local store: the feed's records kept (and dropped), listed in the order
Ctrl+5 … open them, turned into the queue's filter, and counted with each list's own query."""

from __future__ import annotations

from typing import Any, cast

from tests.unit.client_store.test_local_store import NOW, ids, store  # noqa: F401 - the fixture
from webcare.client_store.records import QueueFilter, SavedView, Sort, View
from webcare.client_store.store import LocalStore
from webcare.domain.saved_views import BASE_VIEWS, SORTS
from webcare.domain.wire import ChangesPage


def view(vid: int, **kw: Any) -> dict[str, Any]:
    base = {
        "id": vid, "owner_id": 7, "name": f"V{vid}", "base": "all", "search": "",
        "status": "", "channel_id": None, "min_priority": None, "sort": "newest",
        "published": False, "updated_by": 7, "updated_at": "2026-01-01T10:00:00.000Z",
    }  # fmt: skip
    base.update(kw)
    return base


def page(cursor: int, *changes: tuple[str, int, dict[str, Any] | None]) -> ChangesPage:
    return cast(
        "ChangesPage",
        {
            "db_id": "db1", "cursor": cursor, "has_more": False, "head": cursor,
            "changes": [
                {"seq": cursor, "entity": e, "id": str(i), "op": "upsert" if d else "delete",
                 "data": d}
                for e, i, d in changes
            ],
        },
    )  # fmt: skip


def test_views_from_the_feed_are_listed_team_first_and_counted_like_their_lists(
    store: LocalStore,  # noqa: F811
) -> None:
    summary = store.apply_changes(
        page(
            11,
            ("view", 1, view(1, name="storing", search="storing")),
            ("view", 2, view(2, name="Mine", base="mine")),
            ("view", 3, view(3, name="Alle open", published=True, owner_id=8, status="open")),
            ("view", 4, view(4, name="claimed oldest", status="claimed", sort="oldest")),
        )
    )
    assert "view" in summary.entities
    views = store.saved_views()
    assert [(v.name, v.published) for v in views] == [
        ("Alle open", True), ("claimed oldest", False), ("Mine", False), ("storing", False),
    ]  # fmt: skip
    assert views[0].owner == "Tom"
    counts = store.saved_view_counts(NOW)
    for v in views:
        f = v.queue_filter()
        assert counts[v.id] == len(ids(store, f)), v
    assert counts == {3: 1, 4: 3, 2: 1, 1: 1}
    assert ids(store, views[1].queue_filter()) == [2, 3, 5]  # oldest first
    assert views[3].queue_filter() == QueueFilter(View.ALL, text="storing")

    # a search's tokens and the priority box together: the stricter wins, like the window's
    strict = SavedView(
        id=9, owner_id=7, name="x", base="unclaimed", search="prio:urgent tag:storing opzeg",
        status="", channel_id=1, min_priority=2, sort="priority", published=False,
    )  # fmt: skip
    assert strict.queue_filter() == QueueFilter(
        View.UNCLAIMED, text="opzeg", channel_id=1, tag="storing", min_priority=3,
        sort=Sort.PRIORITY,
    )  # fmt: skip

    # deleted (or no longer shown to this account): gone from the list and the counts
    store.apply_changes(page(12, ("view", 3, None), ("view", 1, None)))
    assert [v.id for v in store.saved_views()] == [4, 2]
    assert set(store.saved_view_counts(NOW)) == {4, 2}


def test_a_newer_servers_base_view_or_sort_falls_back(store: LocalStore) -> None:  # noqa: F811
    store.apply_changes(page(11, ("view", 1, view(1, base="breaching", sort="breaches"))))
    (v,) = store.saved_views()
    assert (v.view, v.sort_order) == (View.ALL, Sort.NEWEST)


def test_the_domain_knows_every_base_view_and_sort_of_the_client() -> None:
    """The server checks a saved view against the domain's lists: they are the client's."""
    assert tuple(v.value for v in View) == BASE_VIEWS
    assert tuple(s.value for s in Sort) == SORTS
