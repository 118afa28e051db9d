"""The sign-in dialog through the real app: what it promises without a keyring, and what it
remembers across sign-outs (the last server and account, never a password)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from tests.support.gui import make_app
from tests.support.server import PASSWORD, TestServer
from webcare.app import WebcareApp
from webcare.net.agent_api import ApiClient
from webcare.ui.widgets.login_dialog import LoginDialog


def _dialog(app: WebcareApp, qtbot: QtBot) -> LoginDialog:
    qtbot.waitUntil(lambda: app.login_dialog is not None and app.login_dialog.isVisible(),
                    timeout=10_000)  # fmt: skip
    dialog = app.login_dialog
    assert dialog is not None
    qtbot.addWidget(dialog)
    return dialog


def test_without_a_keyring_keep_me_signed_in_is_off_and_the_file_is_the_opt_in(
    qapp: QApplication, qtbot: QtBot, tmp_path: Path, no_keyring: object
) -> None:
    app = make_app(qapp, tmp_path, "nokey")
    try:
        app.show_login()
        dialog = _dialog(app, qtbot)
        assert dialog.keyring_note.isVisible()
        assert "sign in again next time" in dialog.keyring_note.text()
        # not ticked right above the note that says it cannot be kept
        assert not dialog.remember.isChecked()
        assert not dialog.remember.isEnabled()
        assert dialog.remember.toolTip() == dialog.keyring_note.text()  # says why
        opt_in = dialog.plaintext_opt_in
        assert opt_in is not None and opt_in.isVisible() and not opt_in.isChecked()
        assert dialog.plaintext_note is not None and dialog.plaintext_note.isVisible()
        assert "Less secure" in dialog.plaintext_note.text()
        opt_in.setChecked(True)  # the explicit opt-in makes keeping possible again
        assert dialog.remember.isChecked() and dialog.remember.isEnabled()
        dialog.set_busy(True)
        assert not dialog.remember.isEnabled() and not opt_in.isEnabled()
        dialog.set_busy(False)
        assert dialog.remember.isEnabled()
        opt_in.setChecked(False)
        dialog.set_busy(True)
        dialog.set_busy(False)  # an error after a failed attempt must not re-enable it
        assert not dialog.remember.isChecked() and not dialog.remember.isEnabled()
    finally:
        app.shutdown()


def test_with_a_keyring_keep_me_signed_in_is_offered_ticked(
    qapp: QApplication, qtbot: QtBot, tmp_path: Path, memory_keyring: object
) -> None:
    app = make_app(qapp, tmp_path, "key")
    try:
        app.show_login()
        dialog = _dialog(app, qtbot)
        assert dialog.remember.isChecked() and dialog.remember.isEnabled()
        assert not dialog.keyring_note.isVisible()
        assert dialog.plaintext_opt_in is None
    finally:
        app.shutdown()


def test_every_sign_out_prefills_the_last_server_and_account_never_the_password(
    qapp: QApplication, qtbot: QtBot, team: TestServer, tmp_path: Path, memory_keyring: object
) -> None:
    app = make_app(qapp, tmp_path, "cycle")
    try:
        # signed in without the dialog (as the demo and a kept token do)
        api = ApiClient(team.url)
        result = api.login("eva", PASSWORD, "sign-in test")
        session = app.open_session(team.url, "eva", api, result["user"])
        qtbot.addWidget(session.window)
        qtbot.waitUntil(lambda: session.controller.bootstrapped, timeout=15_000)
        session.window.actions_by_name["signout"].trigger()
        first = _dialog(app, qtbot)
        assert (first.server.text(), first.username.text()) == (team.url, "eva")
        assert first.password.text() == ""
        assert first.focusWidget() is first.password  # only the password is left to type

        # sign in as someone else through the dialog, sign out again
        first.username.setText("Tom")
        first.password.setText(PASSWORD)
        first.buttons.accepted.emit()
        qtbot.waitUntil(lambda: app.session is not None, timeout=15_000)
        assert app.session is not None
        qtbot.addWidget(app.session.window)
        qtbot.waitUntil(lambda: app.session is not None and app.session.controller.bootstrapped,
                        timeout=15_000)  # fmt: skip
        app.sign_out()
        second = _dialog(app, qtbot)
        assert second is not first
        assert (second.server.text(), second.username.text()) == (team.url, "tom")
        assert second.password.text() == ""

        # and once more, from the preferences' Sign out
        second.password.setText(PASSWORD)
        second.buttons.accepted.emit()
        qtbot.waitUntil(lambda: app.session is not None, timeout=15_000)
        assert app.session is not None
        qtbot.addWidget(app.session.window)
        preferences = app.show_preferences()
        assert preferences is not None
        preferences.sign_out.click()
        third = _dialog(app, qtbot)
        assert (third.server.text(), third.username.text(), third.password.text()) == (
            team.url,
            "tom",
            "",
        )
        stored = {k: str(app.settings.value(k)) for k in app.settings.allKeys()}
        assert PASSWORD not in " ".join(stored.values())
    finally:
        app.shutdown()

    # the next start (nothing kept after the sign-out) asks again, prefilled the same way
    again = WebcareApp(
        qapp, settings=app.settings, credentials=app.credentials, store_path=app.store_path
    )
    try:
        again.start()
        dialog = _dialog(again, qtbot)
        assert (dialog.server.text(), dialog.username.text(), dialog.password.text()) == (
            team.url,
            "tom",
            "",
        )
    finally:
        again.shutdown()
