"""Composition root of the desktop client: builds and wires everything, holds no globals.

Start-up: sign in (a token from the keyring, or the login dialog), open the local store for
that server and account, start the sync loops, show the inbox. Offline with a local store, the
inbox opens anyway and the outbox waits for the server.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
import logging
import re
import secrets
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import platformdirs
from PySide6.QtCore import QCoreApplication, QObject, QPoint, QSettings, Qt, QTimer
from PySide6.QtGui import QColor, QPainter, QPixmap
from PySide6.QtWidgets import QApplication, QWidget

from webcare import __version__
from webcare.client_store.records import Me, View
from webcare.client_store.store import LocalStore, default_store_path
from webcare.credentials import CredentialStore
from webcare.domain.errors import AuthError, WebcareError
from webcare.domain.templates import render
from webcare.net.agent_api import ApiClient
from webcare.net.errors import OfflineError
from webcare.sync.engine import SyncEngine
from webcare.ui import i18n, keyring_text, resources, theme
from webcare.ui.controllers.inbox import InboxController
from webcare.ui.models.queue_model import Role as QueueRole
from webcare.ui.sync_service import SyncService
from webcare.ui.tasks import TaskRunner
from webcare.ui.widgets.login_dialog import LoginDialog
from webcare.ui.widgets.main_window import MainWindow
from webcare.ui.widgets.preferences import PreferencesDialog

log = logging.getLogger("webcare.app")


@dataclass
class Session:
    """Everything that lives while one account is signed in to one server."""

    server_url: str
    username: str
    api: ApiClient
    runner: TaskRunner
    engine: SyncEngine
    sync: SyncService
    window: MainWindow
    controller: InboxController

    def close(self) -> None:
        """Stop in dependency order: loops, then reactions, then threads, then the windows.

        Every window of the session goes (the inbox, the Team window, every dialog, picker and
        sheet opened from them) and is deleted with what it showed: the next person at the
        desk finds the sign-in dialog and nothing else.
        """
        self.sync.stop()
        self.controller.shutdown()
        self.runner.shutdown()
        self.api.close()
        self.window.closing.disconnect()
        roots: list[QWidget] = [self.window]
        if self.controller.team_window is not None:
            roots.append(self.controller.team_window)
            self.controller.team_window = None
        for widget in session_windows(roots):
            widget.close()
        for root in roots:
            root.deleteLater()  # their children (dialogs, views, tables) go with them


def session_windows(roots: list[QWidget]) -> list[QWidget]:
    """The top-level windows that belong to ``roots``: the roots and every window they own."""
    owned = []
    for widget in QApplication.topLevelWidgets():
        owner: QObject | None = widget
        while owner is not None and not any(owner is root for root in roots):
            owner = owner.parent()
        if owner is not None:
            owned.append(widget)
    # dialogs first, then the windows they belong to
    return sorted(owned, key=lambda w: any(w is root for root in roots))


class WebcareApp:
    """The running desktop application."""

    def __init__(
        self,
        qapp: QApplication,
        *,
        settings: QSettings | None = None,
        credentials: CredentialStore | None = None,
        store_path: Callable[[str, str], Path] = default_store_path,
        sync_wait_s: float = 25.0,
        language: str | None = None,
    ) -> None:
        self.qapp = qapp
        self.settings = settings or QSettings("Webcare", "Webcare")
        # --language beats the setting "ui/language"; "system" follows the system locale
        self.language = i18n.install_translator(
            qapp, language or i18n.language_setting(self.settings)
        )
        # "ui/theme" (system, light, dark) and "ui/font_scale", applied live by the manager
        self.theme = theme.apply(qapp, self.settings)
        if qapp.windowIcon().isNull():
            qapp.setWindowIcon(resources.app_icon())
        self.preferences: PreferencesDialog | None = None
        plaintext = Path(platformdirs.user_config_dir("webcare", appauthor=False)) / "tokens.json"
        self.credentials = credentials or CredentialStore(
            plaintext_path=plaintext,
            allow_plaintext=self._setting_bool("plaintext_token_opt_in"),
        )
        self.store_path = store_path
        self.sync_wait_s = sync_wait_s
        self.session: Session | None = None
        self.login_dialog: LoginDialog | None = None
        self._startup = TaskRunner()  # network and keyring work before a session exists
        self.on_session: Callable[[Session], None] | None = None
        self.warn_about_keyring = True  # the demo signs in by itself and stores nothing

    def device_id(self, server_url: str) -> str:
        """This installation's id for ``server_url``, sent with every sign-in.

        A device that signed in to an account before is not throttled by other people's
        failed sign-ins. One random secret is kept in the settings; each server gets an id
        derived from it, so one server's operator cannot present it to another server.
        """
        secret = str(self.settings.value("device_secret", "") or "")
        if not re.fullmatch(r"[0-9a-f]{64}", secret):
            secret = secrets.token_hex(32)
            self.settings.setValue("device_secret", secret)
        digest = hmac.new(bytes.fromhex(secret), server_url.encode("utf-8"), hashlib.sha256)
        return base64.urlsafe_b64encode(digest.digest()[:24]).decode("ascii")

    def _setting_bool(self, key: str) -> bool:
        return str(self.settings.value(key, "false")).lower() in ("1", "true", "yes")

    # --- start ------------------------------------------------------------------------------

    def start(self) -> None:
        """Resume the last session from the keyring, or ask to sign in."""
        server = str(self.settings.value("server_url", "") or "")
        user = str(self.settings.value("username", "") or "")
        if not server or not user:
            self.show_login()
            return

        def find_token() -> str | None:
            return self.credentials.load(server, user)

        def got_token(token: str | None) -> None:
            if not token:
                self.show_login()
                return
            api = ApiClient(server, token=token)

            def verified(me: dict[str, Any]) -> None:
                self.open_session(server, user, api, me)

            def failed(error: BaseException) -> None:
                if isinstance(error, OfflineError) and self.store_path(server, user).exists():
                    self.open_session(server, user, api, None)  # work offline
                    return
                api.close()
                if isinstance(error, AuthError):
                    self._startup.net(lambda: self.credentials.delete(server, user))
                self.show_login(error.message if isinstance(error, WebcareError) else str(error))

            self._startup.net(api.me, verified, failed)

        self._startup.net(find_token, got_token, lambda _e: self.show_login())

    def show_login(self, message: str = "") -> None:
        """The sign-in dialog, prefilled with the last server and username (never a password)."""
        status = self.credentials.status()
        note = "" if status.available else keyring_text.status_text(status)
        dialog = LoginDialog(
            server_url=str(self.settings.value("server_url", "") or ""),
            username=str(self.settings.value("username", "") or ""),
            keyring_note=note,
        )
        if not status.available:
            dialog.offer_plaintext(self._setting_bool("plaintext_token_opt_in"))
        if message:
            dialog.show_error(message)
        dialog.loginRequested.connect(self._login)
        dialog.rejected.connect(self._login_cancelled)
        self.login_dialog = dialog
        dialog.show()

    def _login_cancelled(self) -> None:
        if self.session is None:
            self.qapp.quit()

    def _login(self, url: str, username: str, password: str, remember: bool) -> None:
        dialog = self.login_dialog
        assert dialog is not None
        try:
            api = ApiClient(url)
        except WebcareError as exc:
            dialog.show_error(exc.message)
            return
        if dialog.plaintext_opt_in is not None:
            opted = dialog.plaintext_opt_in.isChecked()
            self.settings.setValue("plaintext_token_opt_in", opted)
            self.credentials.allow_plaintext = opted

        def signed_in(result: dict[str, Any]) -> None:
            self.settings.setValue("server_url", api.base_url)
            self.settings.setValue("username", username.strip().lower())
            if remember:
                token = result["token"]
                self._startup.net(
                    lambda: self.credentials.save(api.base_url, username.strip().lower(), token),
                    lambda outcome: self._saved(keyring_text.saved_text(outcome)),
                )
            dialog.password.clear()  # a hidden dialog must not keep it for the whole session
            dialog.accept()
            self.open_session(api.base_url, username.strip().lower(), api, result["user"])

        def failed(error: BaseException) -> None:
            api.close()
            dialog.show_error(error.message if isinstance(error, WebcareError) else str(error))

        device = self.device_id(api.base_url)
        self._startup.net(
            lambda: api.login(username.strip(), password, f"Webcare {__version__} desktop", device),
            signed_in,
            failed,
        )

    def _saved(self, message: str) -> None:
        if self.session is not None:
            self.session.controller.notice(message)

    # --- the session ------------------------------------------------------------------------

    def open_session(
        self, server_url: str, username: str, api: ApiClient, me_json: dict[str, Any] | None
    ) -> Session:
        # the next sign-in dialog offers this server and account, however this one began
        # (the dialog, a kept token, the demo)
        self.settings.setValue("server_url", server_url)
        self.settings.setValue("username", username)
        runner = TaskRunner()
        runner.open_store(self.store_path(server_url, username))
        me = _me_from(me_json) or _me_from_store(runner)
        if me is None:
            runner.shutdown()
            raise WebcareError(
                QCoreApplication.translate(
                    "WebcareApp", "This account has no local data yet; connect to the server once."
                )
            )
        engine = SyncEngine(api, runner.run_db)
        window = MainWindow()
        sync = SyncService(runner, engine, window, wait_s=self.sync_wait_s)
        window.setWindowTitle(f"Webcare — {me.display_name} @ {server_url}")
        controller = InboxController(window, runner, api, sync, me)
        session = Session(server_url, username, api, runner, engine, sync, window, controller)
        self.session = session
        window.actions_by_name["signout"].triggered.connect(self.sign_out)
        window.actions_by_name["preferences"].triggered.connect(self.show_preferences)
        controller.settings = self.settings  # notification preferences
        window.closing.connect(self.end_session)
        if self.warn_about_keyring:
            status = self.credentials.status()
            if not status.available:
                window.show_banner(keyring_text.status_text(status))
        sync.start()
        controller.start()
        window.show()
        if self.on_session is not None:
            self.on_session(session)
        return session

    def show_preferences(self) -> PreferencesDialog | None:
        """The preferences dialog (Ctrl+,) of the open session, created once per session."""
        session = self.session
        if session is None:
            return None
        if self.preferences is None:
            dialog = PreferencesDialog(
                self.settings,
                self.theme,
                server_url=session.server_url,
                account=f"{session.controller.me.display_name} ({session.username})",
                actions=list(session.window.actions_by_name.values()),
                signature=session.controller.me.signature,
                parent=session.window,
            )
            dialog.signOutRequested.connect(self._sign_out_from_preferences)
            dialog.profileSaveRequested.connect(self._save_profile)
            self.preferences = dialog
            session.runner.net(
                session.api.me,
                dialog.profile_loaded,
                lambda error: dialog.profile_load_failed(_error_text(error)),
            )
        self.preferences.show()
        self.preferences.raise_()
        self.preferences.activateWindow()
        return self.preferences

    def _save_profile(self, signature: str, availability: str) -> None:
        """Preferences ▸ Save profile: to the server, then sign and show with the new one."""
        session, dialog = self.session, self.preferences
        if session is None or dialog is None:
            return

        def saved(user: dict[str, Any]) -> None:
            me = _me_from(user)
            if me is not None and self.session is session:
                session.controller.set_me(me)
            dialog.profile_saved(user)

        session.runner.net(
            lambda: session.api.update_me({"signature": signature, "availability": availability}),
            saved,
            lambda error: dialog.profile_save_failed(_error_text(error)),
        )

    def _sign_out_from_preferences(self) -> None:
        if self.preferences is not None:
            self.preferences.close()
        self.sign_out()

    def end_session(self) -> None:
        self.preferences = None  # a child of the session's window: closed with it
        session, self.session = self.session, None
        if session is not None:
            session.close()

    def sign_out(self) -> None:
        session = self.session
        if session is None:
            return
        api, server, user = session.api, session.server_url, session.username

        def forget() -> None:
            # offline: the token still dies with its expiry, and is forgotten here
            with contextlib.suppress(WebcareError):
                api.logout()
            self.credentials.delete(server, user)

        self._startup.net(forget)
        self.end_session()
        self.show_login()

    def shutdown(self) -> None:
        self.end_session()
        self._startup.shutdown()


def _error_text(error: BaseException) -> str:
    return error.message if isinstance(error, WebcareError) else str(error)


def _me_from(data: dict[str, Any] | None) -> Me | None:
    if not data:
        return None
    return Me(data["id"], data["username"], data["display_name"], data["signature"], data["role"])


def _me_from_store(runner: TaskRunner) -> Me | None:
    return runner.db_at_startup(lambda s: s.me())


def create_qapp(argv: list[str] | None = None) -> QApplication:
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        return existing
    app = QApplication(argv or sys.argv[:1])
    app.setApplicationName("Webcare")
    app.setOrganizationName("Webcare")
    app.setApplicationVersion(__version__)
    app.setDesktopFileName("org.webcare.Webcare")  # Wayland matches windows to the .desktop
    app.setWindowIcon(resources.app_icon())
    theme.apply(app)
    return app


def run_gui(*, language: str | None = None) -> int:
    """``webcare`` with no subcommand: the desktop client (``language``: nl, en or system)."""
    qapp = create_qapp()
    app = WebcareApp(qapp, language=language)
    app.start()
    try:
        return qapp.exec()
    finally:
        app.shutdown()


# --- demo -----------------------------------------------------------------------------------


def run_demo(
    *,
    screenshot: Path | None = None,
    port: int = 0,
    language: str | None = None,
    theme_name: str | None = None,
    team_screenshots: Path | None = None,
    size: tuple[int, int] = (1360, 820),
    show: str | None = None,
    template: str | None = None,
    scene: str = "inbox",
) -> int:
    """``webcare demo``: an embedded team server with the real sample, signed in as eva.

    ``theme_name`` (light, dark, system) overrides the theme, as the preferences would.
    ``size``: the window's size in the ``screenshot``; ``template``: the shortcut of a demo
    template the ``screenshot`` shows in the composer (its ``{{ask:…}}`` fields: the first
    filled in, Send tried once); ``scene`` what it shows (``inbox``: a reply being written,
    ``snooze-menu``: the snooze menu open, ``snoozed``: the Snoozed view).
    ``team_screenshots``: sign in as the admin instead and render every Team tab into that
    folder (``webcare.team_screenshots``).
    ``show``: ``"handover"`` renders the ``screenshot`` with the hand-over picker open (lars
    signed in, anna signed in and away, so the picker shows each presence).
    """
    from webcare.server.config import ServerConfig
    from webcare.server.demo import DEMO_PASSWORD, DEMO_TEMPLATES, seed, seed_people
    from webcare.server.run import ServerThread
    from webcare.storage.server_schema import open_server_db

    with tempfile.TemporaryDirectory(prefix="webcare-demo-") as tmp:
        db_path = Path(tmp) / "team.db"
        database = open_server_db(db_path)
        try:
            seed(database, time.time())
            if team_screenshots is not None:  # people on two channels: suggested merges
                seed_people(database, time.time())
        finally:
            database.close()
        server = ServerThread(ServerConfig(db_path=db_path), port=port).start()
        qapp = create_qapp()
        settings = QSettings(str(Path(tmp) / "settings.ini"), QSettings.Format.IniFormat)
        app = WebcareApp(
            qapp,
            settings=settings,
            credentials=CredentialStore(),
            store_path=lambda _url, user: Path(tmp) / f"{user}.db",
            language=language,
        )
        app.warn_about_keyring = False
        if theme_name is not None:
            settings.setValue(theme.THEME_SETTING, theme_name)
            app.theme.apply(mode=theme_name)
        print(f"Webcare demo: team server at {server.url} (accounts eva, lars, anna;"
              f" password '{DEMO_PASSWORD}')", flush=True)  # fmt: skip
        exit_code = 0
        try:
            account = "eva"
            if team_screenshots is not None:
                from webcare import team_screenshots as shots

                shots.morning_work(server.url, DEMO_PASSWORD)
                account = "anna"
            if show == "handover":
                _colleagues_present(server.url, DEMO_PASSWORD)
            api = ApiClient(server.url)
            result = api.login(
                account, DEMO_PASSWORD, f"Webcare {__version__} demo", app.device_id(api.base_url)
            )
            session = app.open_session(server.url, account, api, result["user"])
            if screenshot is not None:
                body = next((t[4] for t in DEMO_TEMPLATES if t[2] == template), None)
                if template is not None and body is None:
                    print(f"webcare demo: no demo template has the shortcut {template!r}",
                          file=sys.stderr)  # fmt: skip
                    return 2
                shooter = DemoScreenshot(
                    session, screenshot, qapp, size=size, template=body, show=show, scene=scene
                )
                QTimer.singleShot(0, shooter.step)
            if team_screenshots is not None:
                team_shooter = shots.TeamScreenshots(
                    session, team_screenshots, shots.suffix(language, theme_name), qapp
                )
                QTimer.singleShot(0, team_shooter.start)
            exit_code = qapp.exec()
            if screenshot is not None and not screenshot.exists():
                print(f"webcare demo: could not render {screenshot}", file=sys.stderr)
                exit_code = 1
        finally:
            app.shutdown()
            server.stop()
        return exit_code


def _colleagues_present(url: str, password: str) -> None:
    """For the hand-over picture: lars's client talks to the server (online), anna's too but
    she says she is away."""
    for username, fields in (("lars", None), ("anna", {"availability": "away"})):
        colleague = ApiClient(url)
        colleague.login(username, password, "demo colleague")
        if fields:
            colleague.update_me(fields)
        else:
            colleague.me()
        colleague.close()


class DemoScreenshot:
    """Waits until the inbox shows real data, stages a reply, renders the window, quits.

    ``show="handover"``: then opens the hand-over picker (Lars chosen, a note typed) and
    renders it over the window.
    """

    def __init__(
        self,
        session: Session,
        path: Path,
        qapp: QApplication,
        timeout_s: float = 60,
        *,
        size: tuple[int, int] = (1360, 820),
        show: str | None = None,
        template: str | None = None,
        scene: str = "inbox",
    ):
        self.session = session
        self.template = template
        self.path = path
        self.qapp = qapp
        self.size = size
        self.show = show
        self.scene = scene
        self.deadline = time.monotonic() + timeout_s
        self.stage = "wait-data"
        self.snoozed: list[int] = []

    def step(self) -> None:
        c = self.session.controller
        if time.monotonic() > self.deadline:
            print("webcare demo: timed out waiting for the inbox", file=sys.stderr)
            self.qapp.exit(1)
            return
        if self.stage == "wait-data":
            if c.bootstrapped and c.model.rowCount() > 0 and c.detail is not None:
                if self.scene == "snoozed":
                    self._snooze_three()
                    self.stage = "wait-snoozed"
                elif self.scene == "snooze-menu":
                    self.session.window.resize(*self.size)
                    self.stage = "open-menu"
                else:
                    c.claim()
                    self.stage = "wait-claim"
        elif self.stage == "open-menu":
            c.actions.snooze()
            self.stage = "render-menu"
        elif self.stage == "render-menu":
            menu = c.actions.snooze_menu
            if menu is not None and menu.isVisible():
                button = c.window.detail.snooze_button
                self._save(
                    self._with_popup(menu, button.mapTo(c.window, button.rect().bottomLeft()))
                )
                return
        elif self.stage == "wait-snoozed":
            if c.queued == 0 and c.model.rowCount() > 0 and self.snoozed:
                c.set_view(View.SNOOZED)
                self.stage = "wait-snoozed-view"
        elif self.stage == "wait-snoozed-view":
            if c.model.rowCount() >= len(self.snoozed) and c.detail is not None:
                c.window.table.setFocus()
                c.window.statusBar().clearMessage()
                self.stage = "render"
        elif self.stage == "wait-claim":
            if c.detail is not None and c.detail.holder_id == c.me.id and self.template:
                composer = c.window.detail.composer
                composer.insert_text(render(self.template, c.compose.template_context()))
                if composer.ask_fields.edits:
                    first = composer.ask_fields.edits[0]
                    first.insert("NL-48213")  # as typed: the preview has the value
                    composer.request_send()  # refused: the next field is marked and focused
                self.stage = "render"
            elif c.detail is not None and c.detail.holder_id == c.me.id:
                c.window.detail.composer.insert_text(
                    "Hi @" + c.detail.handle.lstrip("@") + ", sorry to hear that! Could you DM"
                    " us the details so we can look into it for you?"
                )
                self.stage = "render"
        elif self.stage == "render":
            window = self.session.window
            window.resize(*self.size)
            self.stage = "render-now"  # laid out at the new size first: render on the next step
        elif self.stage == "render-now" and self.show == "handover":
            c.actions.hand_over()
            self.stage = "wait-picker"
        elif self.stage == "wait-picker":
            picker = c.handover_picker
            if picker is not None and picker.isVisible():
                picker.note_edit.setText("Lars knows this customer")
                picker.note_edit.setFocus()
                self.stage = "render-picker"
        elif self.stage == "render-picker":
            picker = c.handover_picker
            assert picker is not None
            shot = self.session.window.grab()
            painter = QPainter(shot)
            painter.fillRect(shot.rect(), QColor(0, 0, 0, 70))  # the window behind, dimmed
            dialog = picker.grab()
            bar = painter.fontMetrics().height() + 12  # the dialog's title, as a window has it
            x = (shot.width() - dialog.width()) // 2
            y = (shot.height() - dialog.height() - bar) // 3
            painter.fillRect(x - 1, y - 1, dialog.width() + 2, dialog.height() + bar + 2,
                             QColor("#6b7280"))  # fmt: skip
            painter.fillRect(
                x, y, dialog.width(), bar, picker.palette().window().color().darker(108)
            )
            painter.setPen(picker.palette().windowText().color())
            painter.drawText(x + 10, y, dialog.width() - 20, bar,
                             int(Qt.AlignmentFlag.AlignVCenter), picker.windowTitle())  # fmt: skip
            painter.drawPixmap(x, y + bar, dialog)
            painter.end()
            self.path.parent.mkdir(parents=True, exist_ok=True)
            shot.save(str(self.path))
            print(f"Saved {self.path}", flush=True)
            picker.reject()
            self.qapp.quit()
            return
        elif self.stage == "render-now":
            self._save(self.session.window.grab())
            return
        QTimer.singleShot(100, self.step)

    def _save(self, picture: QPixmap) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        picture.save(str(self.path))
        print(f"Saved {self.path}", flush=True)
        self.qapp.quit()

    def _with_popup(self, popup: QWidget, at: QPoint) -> QPixmap:
        """The window with a popup (a menu: a top-level window of its own, which the offscreen
        screen may have pushed elsewhere) drawn at ``at``, kept inside the window."""
        window = self.session.window
        picture = window.grab()
        shot = popup.grab()
        x = max(0, min(at.x(), window.width() - shot.width()))
        y = max(0, min(at.y(), window.height() - shot.height()))
        painter = QPainter(picture)
        painter.drawPixmap(QPoint(x, y), shot)
        painter.end()
        return picture

    def _snooze_three(self) -> None:
        """Snooze the first three mentions of the queue the way S does (the outbox): for an
        hour, until tomorrow 9:00 (the team's), and until the customer writes again."""
        from webcare.domain import snooze

        c = self.session.controller
        ids = [c.model.index(r, 0).data(QueueRole.MENTION_ID) for r in range(3)]
        now = time.time()
        payloads: list[dict[str, Any]] = [
            {"until": snooze.in_one_hour(now)},
            {"until": snooze.tomorrow_at(now, c.actions.hours)},
            {"until_customer": True},
        ]
        todo = [(int(i), p) for i, p in zip(ids, payloads, strict=False) if i is not None]

        def enqueue(store: LocalStore) -> list[int]:
            for mention_id, payload in todo:
                store.enqueue("snooze", mention_id, payload)
            return [m for m, _p in todo]

        def done(snoozed: list[int]) -> None:
            self.snoozed = snoozed
            c.refresh_all()

        c.runner.db(enqueue, done)
