"""Shared fixtures of the tests that drive real client sessions (tests/gui, tests/security).

A pytest plugin (``pytest_plugins`` in tests/conftest.py): ``team``, a real team server with the
agents eva and tom and the lead lars, and ``open_client``, which opens a real client session
(window, store, sync) on it for one of them. ``make_app`` builds the application object the way
the sessions do.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from tests.support.server import PASSWORD, TestServer, running_server
from webcare.app import Session, WebcareApp
from webcare.credentials import CredentialStore
from webcare.domain.models import Role
from webcare.net.agent_api import ApiClient
from webcare.ui import i18n

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
