"""The interface in Dutch and in English: main window, team window, Qt's own buttons."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QMenu
from pytestqt.qtbot import QtBot

from tests.support.sample import SAMPLE, SAMPLE_EXIT
from tests.support.server import PASSWORD, TestServer
from webcare.app import Session, WebcareApp
from webcare.cli import build_parser, main
from webcare.credentials import CredentialStore
from webcare.net.api import ApiClient
from webcare.ui import i18n
from webcare.ui.team.workload_view import WorkloadView
from webcare.ui.widgets.login_dialog import LoginDialog

OpenIn = Callable[[str, str | None, str | None], Session]


@pytest.fixture
def open_in(
    qapp: QApplication, qtbot: QtBot, team: TestServer, tmp_path: Path, memory_keyring: object
) -> Iterator[OpenIn]:
    """A signed-in session; ``language`` as from --language, ``stored`` as in ui/language."""
    apps: list[WebcareApp] = []

    def open_(username: str, language: str | None, stored: str | None) -> Session:
        settings = QSettings(str(tmp_path / f"{username}.ini"), QSettings.Format.IniFormat)
        if stored is not None:
            settings.setValue(i18n.SETTING, stored)
        app = WebcareApp(
            qapp,
            settings=settings,
            credentials=CredentialStore(),
            store_path=lambda _url, user: tmp_path / f"{user}-store.db",
            sync_wait_s=0.5,
            language=language,
        )
        apps.append(app)
        api = ApiClient(team.url)
        result = api.login(username, PASSWORD, "i18n test")
        session = app.open_session(team.url, username, api, result["user"])
        qtbot.addWidget(session.window)
        qtbot.waitUntil(lambda: session.controller.bootstrapped, timeout=15_000)
        return session

    yield open_
    for app in apps:
        app.shutdown()


def _menus(session: Session) -> dict[str, QMenu]:
    bar = session.window.menuBar()
    return {
        action.text(): menu for action in bar.actions() if isinstance(menu := action.menu(), QMenu)
    }


def _accelerator(text: str) -> str:
    index = text.replace("&&", "").find("&")
    return text.replace("&&", "")[index + 1].lower() if index >= 0 else ""


def _assert_unique_accelerators(session: Session) -> None:
    menus = _menus(session)
    titles = [_accelerator(t) for t in menus]
    assert len(set(titles)) == len(titles), titles
    for title, menu in menus.items():
        keys = [_accelerator(a.text()) for a in menu.actions() if not a.isSeparator()]
        keys = [k for k in keys if k]
        assert len(set(keys)) == len(keys), (title, keys)


def test_dutch_inbox_and_team_window(open_in: OpenIn, team: TestServer, qtbot: QtBot) -> None:
    team.add_mentions(2)
    session = open_in("lars", "nl", None)
    window = session.window
    assert list(_menus(session)) == ["&Vermelding", "&Beeld", "&Team", "&Help"]
    views = [window.views.item(r).text().split("  (")[0] for r in range(window.views.count())]
    assert views == ["Niet opgepakt", "Van mij", "Alle", "Beantwoord"]
    actions = window.actions_by_name
    assert actions["claim"].text() == "&Oppakken"
    assert actions["release"].text() == "&Vrijgeven"
    assert actions["reply"].text() == "&Beantwoorden"
    assert actions["spam"].text() == "Markeren als s&pam"
    assert actions["refresh"].text() == "Nu &synchroniseren"
    assert actions["team_reports"].text() == "&Rapportages"
    # shortcuts are keys, not words: unchanged
    assert [s.toString() for s in actions["claim"].shortcuts()] == ["C"]
    assert window.detail.claim_button.text() == "Oppakken"
    assert window.detail.resolve_button.text() == "Afhandelen"
    assert window.detail.composer.note_toggle.text() == "Interne notitie"
    qtbot.waitUntil(lambda: session.controller.detail is not None, timeout=10_000)
    assert "druk op C om op te pakken" in window.detail.presence.text()
    headers = [
        session.controller.model.headerData(c, Qt.Orientation.Horizontal)
        for c in range(session.controller.model.columnCount())
    ]
    assert headers[1:] == ["Auteur", "Vermelding", "Kanaal", "Ontvangen", "Status"]
    _assert_unique_accelerators(session)

    team_window = session.controller.open_team("workload")
    qtbot.addWidget(team_window)
    tabs = [team_window.tabs.tabText(i) for i in range(team_window.tabs.count())]
    assert tabs == ["Rapportages", "Werkverdeling", "Auditlog"]
    workload = team_window.views["workload"]
    assert isinstance(workload, WorkloadView)
    assert workload.release_button.text() == "Vrijgeven"
    assert workload.refresh_button.text() == "Vernieuwen"
    qtbot.waitUntil(lambda: workload.table.model.columnCount() > 0, timeout=10_000)
    assert workload.table.model.header()[:2] == ["medewerker", "vermelding"]


def test_english_inbox_and_team_window(open_in: OpenIn, qtbot: QtBot) -> None:
    session = open_in("lars", "en", "nl")  # --language en beats the stored choice
    window = session.window
    assert list(_menus(session)) == ["&Mention", "&View", "&Team", "&Help"]
    assert window.views.item(0).text().startswith("Unclaimed")
    assert window.actions_by_name["claim"].text() == "&Claim"
    assert window.detail.claim_button.text() == "Claim"
    _assert_unique_accelerators(session)
    team_window = session.controller.open_team("workload")
    qtbot.addWidget(team_window)
    assert team_window.tabs.tabText(1) == "Workload"


def test_the_setting_chooses_when_no_option_is_given(open_in: OpenIn) -> None:
    session = open_in("eva", None, "nl")
    assert session.window.detail.claim_button.text() == "Oppakken"
    assert "Team" not in " ".join(_menus(session))  # agents have no team menu, in any language


def test_qt_base_translations_follow(qapp: QApplication, qtbot: QtBot) -> None:
    assert i18n.install_translator(qapp, "nl") == "nl"
    assert i18n.installed_language(qapp) == "nl"
    dialog = LoginDialog()
    qtbot.addWidget(dialog)
    assert dialog.windowTitle() == "Aanmelden bij Webcare"
    cancel = dialog.buttons.button(QDialogButtonBox.StandardButton.Cancel)
    assert cancel.text().replace("&", "") == "Annuleren"  # from Qt's qtbase_nl
    assert i18n.install_translator(qapp, "en") == "en"
    assert i18n.installed_language(qapp) == "en"
    english = LoginDialog()
    qtbot.addWidget(english)
    assert english.windowTitle() == "Sign in to Webcare"


def test_command_line_language_option() -> None:
    parser = build_parser()
    assert parser.parse_args(["--language", "nl"]).language == "nl"
    assert parser.parse_args(["demo", "--language", "nl"]).language == "nl"
    assert parser.parse_args(["--language", "nl", "demo"]).language == "nl"
    assert parser.parse_args(["demo"]).language is None
    with pytest.raises(SystemExit):
        parser.parse_args(["--language", "fr"])


def _channel_texts(session: Session, qtbot: QtBot) -> tuple[str, list[str]]:
    """(the detail's profile line, the channel filter's items)."""
    controller, window = session.controller, session.window
    qtbot.waitUntil(lambda: controller.detail is not None, timeout=10_000)
    qtbot.waitUntil(lambda: window.channel_filter.count() > 1, timeout=10_000)
    combo = window.channel_filter
    items = [combo.itemText(i) for i in range(1, combo.count())]
    return window.detail.profile.text(), items


def test_channel_names_show_the_platform_in_the_interface_language(
    open_in: OpenIn, team: TestServer, qtbot: QtBot
) -> None:
    # the server names imported channels in English: "@AppleSupport on Twitter"
    assert main(["import", "twcs", str(SAMPLE), "--db", str(team.db_path)]) == SAMPLE_EXIT
    session = open_in("eva", "nl", None)
    profile, items = _channel_texts(session, qtbot)
    detail = session.controller.detail
    assert detail is not None and detail.channel.endswith(" on Twitter")
    handle = detail.channel.removesuffix(" on Twitter")
    assert profile.endswith(f"{handle} op Twitter"), profile
    assert "@AppleSupport op Twitter" in items
    assert not [i for i in items if "on Twitter" in i], items


def test_channel_names_stay_english_in_english(
    open_in: OpenIn, team: TestServer, qtbot: QtBot
) -> None:
    assert main(["import", "twcs", str(SAMPLE), "--db", str(team.db_path)]) == SAMPLE_EXIT
    profile, items = _channel_texts(open_in("eva", "en", None), qtbot)
    assert profile.endswith(" on Twitter"), profile
    assert "@AppleSupport on Twitter" in items
