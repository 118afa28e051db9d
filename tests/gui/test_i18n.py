"""The interface in Dutch and in English: main window, team window, Qt's own buttons."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDialogButtonBox,
    QLabel,
    QMainWindow,
    QMenu,
    QVBoxLayout,
    QWidget,
)
from pytestqt.qtbot import QtBot

from tests.support.sample import SAMPLE, SAMPLE_EXIT
from tests.support.server import PASSWORD, TestServer
from tests.support.untranslated import catalogue, english_on_screen
from webcare.app import Session, WebcareApp
from webcare.cli import build_parser, main
from webcare.credentials import CredentialStore
from webcare.domain.models import Role
from webcare.net.agent_api import ApiClient
from webcare.ui import i18n
from webcare.ui.team.agents_view import AgentsView
from webcare.ui.team.channels_view import ChannelsView
from webcare.ui.team.team_window import tabs_for
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
    assert views == ["Niet opgepakt", "Van mij", "Alle", "Beantwoord", "Gesluimerd"]
    actions = window.actions_by_name
    assert actions["claim"].text() == "&Oppakken"
    assert actions["release"].text() == "&Vrijgeven"
    assert actions["reply"].text() == "&Beantwoorden"
    assert actions["spam"].text() == "Markeren als s&pam"
    assert actions["snooze"].text() == "Sl&uimeren…"
    assert actions["unsnooze"].text() == "&Wekken: terug in de wachtrij"
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
    assert tabs == ["Rapportages", "Werkverdeling", "Auditlog", "Contacten"]
    workload = team_window.views["workload"]
    assert isinstance(workload, WorkloadView)
    assert workload.release_button.text() == "Vrijgeven"
    assert workload.refresh_button.text() == "Vernieuwen"
    qtbot.waitUntil(lambda: workload.table.model.columnCount() > 0, timeout=10_000)
    assert workload.table.model.header()[:2] == ["medewerker", "vermelding"]


def test_dutch_team_table_headers_read_naturally(
    open_in: OpenIn, team: TestServer, qtbot: QtBot
) -> None:
    """Column headers as a Dutch lead would write them: "claim verloopt over", not "claim
    resteert"; the same words as the inbox ("claim verloopt over 12 min")."""
    team.add_user("anna", Role.ADMIN, name="Anna")
    (mention,) = team.add_mentions(1)
    team.login("eva").post(f"/v1/mentions/{mention}/claim")
    session = open_in("anna", "nl", None)
    team_window = session.controller.open_team("workload")
    qtbot.addWidget(team_window)
    headers: dict[str, list[str]] = {}
    for tab in ("workload", "channels", "templates", "reports"):
        view = team_window.open_tab(tab)
        _settle(qtbot, session)
        table = {"templates": "list", "reports": "times"}.get(tab, "table")
        headers[tab] = getattr(view, table).model.header()
    assert headers["workload"][4:] == ["al opgepakt", "claim verloopt over"]
    assert headers["channels"][3:6] == ["ingeschakeld", "laatst opgehaald",
                                        "volgende keer ophalen"]  # fmt: skip
    assert headers["templates"][3] == "keer gebruikt"
    assert headers["reports"][-2:] == ["te laat", "wacht al te lang"]


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


# --- every window in Dutch: no English from the app's own catalogue ---------------------------


def _settle(qtbot: QtBot, session: Session) -> None:
    """Wait until every answer the window asked for has arrived and been shown."""
    qtbot.waitUntil(lambda: not session.runner._callbacks, timeout=15_000)
    qtbot.wait(50)


def test_every_window_in_dutch_shows_no_english_from_the_catalogue(
    qapp: QApplication, qtbot: QtBot, team: TestServer, tmp_path: Path, no_keyring: object
) -> None:
    known = catalogue()
    team.add_user("anna", Role.ADMIN, name="Anna", signature="^Anna")
    team.add_mentions(2)
    with team.ctx.db.write() as conn:
        conn.execute(
            "INSERT INTO templates(title, body, language, shortcut, tags, created_at, updated_at)"
            " VALUES ('DM', 'Hoi {{customer_handle}}, stuur ons je order {{ask:ordernummer}}!',"
            " 'nl', 'dm', '[]', 0, 0)"
        )
        conn.execute(
            "INSERT INTO changes(entity, entity_id, op, at) VALUES ('template', 1, 'upsert', 0)"
        )
    settings = QSettings(str(tmp_path / "nl.ini"), QSettings.Format.IniFormat)
    settings.setValue("server_url", team.url)
    settings.setValue("username", "anna")
    app = WebcareApp(
        qapp,
        settings=settings,
        credentials=CredentialStore(plaintext_path=tmp_path / "tokens.json"),
        store_path=lambda _url, user: tmp_path / f"{user}-store.db",
        sync_wait_s=0.5,
        language="nl",
    )
    english: dict[str, list[str]] = {}
    try:
        # the sign-in dialog, with the keyring warning and the file opt-in
        app.show_login()
        dialog = app.login_dialog
        assert dialog is not None
        qtbot.addWidget(dialog)
        qtbot.waitUntil(dialog.isVisible, timeout=5000)
        assert "sleutelbos" in dialog.keyring_note.text()  # Dutch, not the keyring layer's
        english["sign-in"] = english_on_screen(dialog, known)
        assert dialog.plaintext_opt_in is not None
        dialog.plaintext_opt_in.setChecked(True)
        dialog.password.setText(PASSWORD)
        dialog.buttons.accepted.emit()
        qtbot.waitUntil(lambda: app.session is not None, timeout=15_000)
        session = app.session
        assert session is not None
        window, controller = session.window, session.controller
        qtbot.waitUntil(lambda: controller.detail is not None, timeout=15_000)
        # the banner and the status bar say what became of the sign-in, in Dutch too
        assert "sleutelbos" in window.banner.text()
        qtbot.waitUntil(lambda: "tokens.json" in window.statusBar().currentMessage(), timeout=5000)
        assert "sleutelbos" in window.statusBar().currentMessage()
        _settle(qtbot, session)
        english["inbox"] = english_on_screen(window, known)
        window.detail.composer.note_toggle.setChecked(True)  # the note mode's own texts
        window.detail.composer.editor.setPlainText("Klant belt terug")
        english["inbox, note mode"] = english_on_screen(window, known)
        window.detail.composer.clear()
        # a template's value to fill in, and Send refused while it is empty
        window.detail.composer.insert_text("Je order {{ask:ordernummer}} is onderweg.")
        window.detail.composer.request_send()
        assert window.detail.composer.notice.text() == "Vul „ordernummer” in voor je verstuurt."
        english["inbox, a value to fill in"] = english_on_screen(window, known)
        window.detail.composer.clear()

        preferences = app.show_preferences()
        assert preferences is not None
        _settle(qtbot, session)
        for i in range(preferences.tabs.count()):
            preferences.tabs.setCurrentIndex(i)
            english[f"preferences tab {i}"] = english_on_screen(preferences, known)
        preferences.close()

        controller.show_shortcuts()
        sheet = controller.cheatsheet
        assert sheet is not None
        qtbot.waitUntil(sheet.isVisible, timeout=5000)
        english["cheat sheet"] = english_on_screen(sheet, known)
        sheet.list.search.setText("xyzzy")  # its empty state
        english["cheat sheet, nothing found"] = english_on_screen(sheet, known)
        sheet.reject()

        controller.pick_template()
        qtbot.waitUntil(lambda: controller.picker is not None, timeout=5000)
        picker = controller.picker
        assert picker is not None
        english["template picker"] = english_on_screen(picker, known)
        assert "Jij vult in: ordernummer" in picker.preview.text()
        picker.search.setText("xyzzy")
        english["template picker, nothing found"] = english_on_screen(picker, known)
        picker.reject()

        controller.actions.hand_over()  # an admin may hand over any open mention
        qtbot.waitUntil(lambda: controller.handover_picker is not None, timeout=5000)
        handover = controller.handover_picker
        assert handover is not None
        english["hand-over picker"] = english_on_screen(handover, known)
        handover.search.setText("xyzzy")
        english["hand-over picker, nobody found"] = english_on_screen(handover, known)
        handover.reject()
        qtbot.waitUntil(lambda: controller.handover_picker is None, timeout=5000)
        # the snooze menu (S), its date dialog, and a snoozed mention in the Snoozed view
        controller.actions.snooze()
        menu = controller.actions.snooze_menu
        assert menu is not None
        qtbot.waitUntil(menu.isVisible, timeout=5000)
        english["snooze menu"] = english_on_screen(menu, known)
        menu.pick_date()
        assert menu.dialog is not None
        english["snooze: pick a date"] = english_on_screen(menu.dialog, known)
        menu.dialog.accept()
        qtbot.waitUntil(lambda: controller.filter.view.value != "snoozed", timeout=5000)
        window.views.setCurrentRow(4)
        qtbot.waitUntil(lambda: controller.detail is not None, timeout=10_000)
        _settle(qtbot, session)
        english["inbox, snoozed"] = english_on_screen(window, known)
        # "Save view…" (a lead's: with the publish box), the team view listed, its menu and
        # the question before deleting it
        saved = controller.saved_views
        saved.save()
        qtbot.waitUntil(lambda: saved.dialog is not None and saved.dialog.isVisible(), timeout=5000)
        assert saved.dialog is not None
        english["save view"] = english_on_screen(saved.dialog, known)
        saved.dialog.name.setText("Gesluimerd team")
        saved.dialog.publish.setChecked(True)
        saved.dialog.buttons.accepted.emit()
        qtbot.waitUntil(lambda: saved.current is not None, timeout=10_000)
        _settle(qtbot, session)
        english["inbox, a team view"] = english_on_screen(window, known)
        assert saved.current is not None
        saved.show_menu(saved.current, window.views.mapToGlobal(window.views.rect().center()))
        assert saved.menu is not None
        english["saved view menu"] = english_on_screen(saved.menu, known)
        saved.menu.close()
        saved.delete()
        assert saved.confirm_box is not None
        english["delete a saved view"] = english_on_screen(saved.confirm_box, known)
        saved.confirm_box.reject()

        team_window = controller.open_team("reports")
        qtbot.addWidget(team_window)
        for name in tabs_for("admin"):
            team_window.open_tab(name)
            _settle(qtbot, session)
            english[f"team: {name}"] = english_on_screen(team_window, known)
        # the dialogs the admin tabs open
        agents = team_window.views["agents"]
        assert isinstance(agents, AgentsView)
        agents.username.setText("bram")
        agents.add_agent()
        assert agents.password_dialog is not None
        english["team: new password"] = english_on_screen(agents.password_dialog, known)
        agents.password_dialog.reject()
        channels = team_window.views["channels"]
        assert isinstance(channels, ChannelsView)
        _settle(qtbot, session)
        english["team: add channel"] = english_on_screen(channels.open_add(), known)
        assert channels.dialog is not None
        channels.dialog.reject()
    finally:
        app.shutdown()
    found = {screen: texts for screen, texts in english.items() if texts}
    assert found == {}, "\n".join(f"{s}:\n  " + "\n  ".join(t) for s, t in found.items())


def test_the_walker_finds_english_from_the_catalogue(qtbot: QtBot) -> None:
    known = catalogue()
    root = QMainWindow()
    qtbot.addWidget(root)
    box = QWidget(root)
    root.setCentralWidget(box)
    layout = QVBoxLayout(box)
    layout.addWidget(QLabel("Claim"))  # English: "Oppakken" in Dutch
    layout.addWidget(QLabel("Oppakken"))
    layout.addWidget(QLabel("12 characters"))  # formatted from "{n} characters"
    layout.addWidget(QLabel("Webcare"))  # the same in both languages
    combo = QComboBox()
    combo.addItems(["Any status", "Elke prioriteit"])
    layout.addWidget(combo)
    root.statusBar().showMessage("Note saved on @105848.")  # formatted, in the status bar
    root.show()
    found = english_on_screen(root, known)
    assert sorted(f.split(": ", 1)[1] for f in found) == [
        "'12 characters' (source '{n} characters')",
        "'Any status' (source 'Any status')",
        "'Claim' (source 'Claim')",
        "'Note saved on @105848.' (source 'Note saved on {who}.')",
    ]


def test_the_platforms_image_rules_are_shown_in_dutch(qapp: QApplication) -> None:
    """The server words a connector's rule in English; the client shows the ones it knows in
    the user's language (webcare/ui/platform_text.py)."""
    from webcare.channels import instagram
    from webcare.ui.platform_text import image_refusal

    assert i18n.install_translator(qapp, "nl") == "nl"
    try:
        assert image_refusal(instagram.DM_NO_IMAGES).startswith("Instagram neemt een afbeelding")
        assert image_refusal(instagram.COMMENT_NO_IMAGES) == (
            "Antwoorden op Instagram-reacties zijn alleen tekst."
        )
    finally:
        assert i18n.install_translator(qapp, "en") == "en"
    assert image_refusal(instagram.COMMENT_NO_IMAGES) == instagram.COMMENT_NO_IMAGES
