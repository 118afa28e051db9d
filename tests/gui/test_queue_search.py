"""A search with more matches than it counts at first: the queue grows as it is scrolled."""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QTableView
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from tests.support.search import HEAD, make_contact, make_mention
from webcare.client_store.records import QueueFilter, View
from webcare.client_store.search import SEARCH_CAP
from webcare.client_store.store import LocalStore
from webcare.ui.models.queue_model import QueueModel, Role
from webcare.ui.tasks import TaskRunner

MATCHES = 2 * SEARCH_CAP + 600  # "storing" in every one of them
OTHERS = 300


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    path = tmp_path / "store.db"
    rng = random.Random(3)
    store = LocalStore(path)
    try:
        store.start_bootstrap(HEAD)
        store.apply_bootstrap_page("contact", [make_contact(1)], None)
        mentions = []
        for mid in range(1, MATCHES + OTHERS + 1):
            m = make_mention(rng, mid, 1)
            m["text"] = "storing bij mij" if mid <= MATCHES else "factuur klopt niet"
            mentions.append(m)
        store.apply_bootstrap_page("mention", mentions, None)
        store.finish_bootstrap()
    finally:
        store.close()
    return path


@pytest.fixture
def runner(store_path: Path) -> Iterator[TaskRunner]:
    r = TaskRunner()
    r.open_store(store_path)
    yield r
    r.shutdown()


def test_a_capped_search_grows_when_scrolled_to_the_end(
    runner: TaskRunner, store_path: Path, qtbot: QtBot, qtmodeltester: ModelTester
) -> None:
    model = QueueModel(runner, me_id=7)
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(model)
    view.resize(900, 500)
    view.show()
    model.set_filter(QueueFilter(View.ALL, text="stor"))
    qtbot.waitUntil(lambda: model.rowCount() == SEARCH_CAP, timeout=5000)
    assert model.is_capped() and model.canFetchMore()
    qtmodeltester.check(model)

    view.scrollToBottom()  # the view asks for more when it reaches the last row
    qtbot.waitUntil(lambda: model.rowCount() == MATCHES, timeout=5000)
    assert not model.is_capped() and not model.canFetchMore()

    # the rows at the far end are the oldest matches, in the search's order
    view.scrollToBottom()
    qtbot.waitUntil(lambda: model.row_at(MATCHES - 1) is not None, timeout=5000)
    shown = [model.index(r, 0).data(Role.MENTION_ID) for r in range(MATCHES - 5, MATCHES)]
    store = LocalStore(store_path)
    try:
        expected = [row.id for row in store.rows(model.filter, MATCHES - 5, 5)]
        assert store.count(model.filter, cap=10 * MATCHES) == MATCHES
    finally:
        store.close()
    assert shown == expected and len(set(shown)) == 5

    # a refresh (a sync step) keeps how far the search was counted; a new search starts over
    with qtbot.waitSignal(model.refreshed, timeout=5000):
        model.refresh()
    assert model.rowCount() == MATCHES
    model.set_filter(QueueFilter(View.ALL, text="factuur"))
    qtbot.waitUntil(lambda: model.rowCount() == OTHERS, timeout=5000)
    assert not model.is_capped()
