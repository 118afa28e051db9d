"""Shared fixtures of the tests that drive real client sessions (tests/gui, tests/security).

A pytest plugin (``pytest_plugins`` in tests/conftest.py): ``team``, a real team server with the
agents eva and tom and the lead lars, and ``open_client``, which opens a real client session
(window, store, sync) on it for one of them. ``make_app`` builds the application object the way
the sessions do.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import (
    QApplication,
)
from pytestqt.qtbot import QtBot

from tests.support.server import PASSWORD, Api, TestServer, running_server
from webcare.app import Session, WebcareApp
from webcare.channels.webhook import signed_headers
from webcare.client_store.records import View
from webcare.credentials import CredentialStore
from webcare.domain.models import Role
from webcare.net.agent_api import ApiClient
from webcare.ui import i18n
from webcare.ui.models.queue_model import Role as ModelRole

OpenClient = Callable[[str], Session]


@pytest.fixture
def team(tmp_path: Path) -> Iterator[TestServer]:
    with running_server(tmp_path / "server") as server:
        server.add_user("eva", name="Eva", signature="^Eva")
        server.add_user("tom", name="Tom", signature="^Tom")
        server.add_user("lars", Role.LEAD, name="Lars", signature="^Lars")
        yield server


def make_app(qapp: QApplication, tmp_path: Path, name: str) -> WebcareApp:
    settings = QSettings(str(tmp_path / f"{name}-settings.ini"), QSettings.Format.IniFormat)
    settings.setValue(i18n.SETTING, "en")  # the assertions are in English, not the system's
    return WebcareApp(
        qapp,
        settings=settings,
        credentials=CredentialStore(),
        store_path=lambda _url, user: tmp_path / f"{user}-store.db",
        sync_wait_s=0.5,
    )


@pytest.fixture
def open_client(
    qapp: QApplication, qtbot: QtBot, team: TestServer, tmp_path: Path, memory_keyring: object
) -> Iterator[OpenClient]:
    apps: list[WebcareApp] = []

    def open_(username: str) -> Session:
        app = make_app(qapp, tmp_path, username)
        apps.append(app)
        api = ApiClient(team.url)
        result = api.login(username, PASSWORD, "gui test")
        session = app.open_session(team.url, username, api, result["user"])
        qtbot.addWidget(session.window)
        qtbot.waitUntil(lambda: session.controller.bootstrapped, timeout=15_000)
        return session

    yield open_
    for app in apps:
        app.shutdown()


def replies(team: TestServer, mention_id: int) -> list[str]:
    with team.ctx.db.read() as conn:
        rows = conn.execute(
            "SELECT body FROM replies WHERE mention_id = ? ORDER BY accepted_at", (mention_id,)
        )
        return [r[0] for r in rows]


def select(qtbot: QtBot, session: Session, mention_id: int) -> None:
    c = session.controller
    c.set_view(View.ALL)
    session.window.views.setCurrentRow(2)
    qtbot.waitUntil(lambda: c.model.rowCount() > 0, timeout=5000)
    for row in range(c.model.rowCount()):
        if c.model.index(row, 0).data(ModelRole.MENTION_ID) == mention_id:
            session.window.table.setFocus()
            c.queue.select_row(row)
            break
    qtbot.waitUntil(lambda: c.detail is not None and c.detail.id == mention_id, timeout=5000)


def key(qtbot: QtBot, session: Session, sequence: str) -> None:
    """Press a shortcut the way a person does: into the active window's focused widget."""
    if not session.window.isActiveWindow():
        session.window.activateWindow()
        qtbot.waitUntil(session.window.isActiveWindow, timeout=3000)
    target = QApplication.focusWidget() or session.window.table
    if "+" in sequence and len(sequence) > 1:
        mods = Qt.KeyboardModifier.NoModifier
        *prefix, last = sequence.split("+")
        for p in prefix:
            mods |= {"Ctrl": Qt.KeyboardModifier.ControlModifier,
                     "Shift": Qt.KeyboardModifier.ShiftModifier}[p]  # fmt: skip
        qt_key = {"Return": Qt.Key.Key_Return}.get(last) or getattr(Qt.Key, f"Key_{last}")
        qtbot.keyClick(target, qt_key, mods)
    else:
        qtbot.keyClicks(target, sequence)


def answer(qtbot: QtBot, session: Session, letter: str) -> None:
    """Answer the confirmation that is open with a key, as a person does (its buttons'
    underlined letters work without Alt)."""
    c = session.controller
    qtbot.waitUntil(lambda: c.confirm_box is not None and c.confirm_box.isVisible(), timeout=3000)
    box = c.confirm_box
    assert box is not None
    qtbot.keyClick(box.focusWidget() or box, getattr(Qt.Key, f"Key_{letter.upper()}"))
    qtbot.waitUntil(lambda: c.confirm_box is None, timeout=3000)


def team_view(qtbot: QtBot, session: Session, tab: str) -> object:
    window = session.controller.open_team(tab)
    qtbot.addWidget(window)
    return window.views[tab]


def open_mention(qtbot: QtBot, session: Session, mention_id: int) -> None:
    """Select a mention under All (again, if a refresh of the queue moved the rows meanwhile)."""
    c = session.controller
    c.set_view(View.ALL)

    def shown() -> bool:
        target = c.pane.target()  # what the actions act on: the pane and the selected row agree
        if target is not None and target.id == mention_id:
            return True
        for row in range(c.model.rowCount()):
            if c.model.index(row, 0).data(ModelRole.MENTION_ID) == mention_id:
                session.window.table.setFocus()
                c.queue.select_row(row)
                break
        return False

    qtbot.waitUntil(shown, timeout=10_000)


def webhook(team: TestServer, reply_url: str | None) -> tuple[Api, int, str]:
    team.add_user("anna", Role.ADMIN, name="Anna")
    admin = team.login("anna")
    config = {"reply_url": reply_url} if reply_url else {}
    r = admin.post("/v1/channels", json={"connector": "webhook", "name": "Forum", "config": config})
    assert r.status_code == 201, r.text
    return admin, r.json()["id"], r.json()["generated_secrets"]["signing_secret"]


def push(team: TestServer, cid: int, secret: str, text: str) -> int:
    payload: dict[str, Any] = {
        "mentions": [
            {
                "id": "p1",
                "text": text,
                "created_at": time.time() - 30,
                "author": {"id": "7", "handle": "jan@example.org", "name": "Jan"},
                "url": "https://forum.example.org/t/1",
            }
        ]
    }
    body = json.dumps(payload).encode()
    r = team.anonymous().post(
        f"/v1/ingest/{cid}", data=body, headers=signed_headers(secret, body, time.time())
    )
    assert r.status_code == 202 and r.json()["accepted"] == 1, r.text
    with team.ctx.db.read() as conn:
        return int(conn.execute("SELECT id FROM mentions WHERE source_id = 'p1'").fetchone()[0])
