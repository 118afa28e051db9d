"""Preferences (Ctrl+,): account and profile, theme, language, notifications, font size, and
every shortcut (the cheat sheet's list).

Everything local is stored in QSettings as soon as it changes; theme and font size apply at
once. The profile (signature, available/away) lives on the team server: the dialog asks for it
to be saved (``profileSaveRequested``) and the app sends it. The sign-in token is never part of
it: it stays in the system keyring.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication, QSettings, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from webcare.ui import i18n, prefs, theme
from webcare.ui.widgets.cheatsheet import ShortcutList
from webcare.ui.widgets.conversation import plain_label

# the longest signature the server accepts (webcare/server/services/accounts.py)
MAX_SIGNATURE = 40


class PreferencesDialog(QDialog):
    signOutRequested = Signal()  # noqa: N815
    profileSaveRequested = Signal(str, str)  # noqa: N815 - signature, availability

    def __init__(
        self,
        settings: QSettings,
        manager: theme.ThemeManager,
        *,
        server_url: str,
        account: str,
        actions: list[QAction],
        signature: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("preferences")
        self.setWindowTitle(self.tr("Preferences"))
        self.resize(580, 660)
        self.settings = settings
        self.manager = manager
        self._saved_profile: tuple[str, str] | None = None

        # account (read-only: changing server or account means signing out)
        self.server = QLineEdit(server_url, self)
        self.server.setReadOnly(True)
        self.server.setAccessibleName(self.tr("Team server address"))
        self.account = QLineEdit(account, self)
        self.account.setReadOnly(True)
        self.account.setAccessibleName(self.tr("Signed in as"))
        self.sign_out = QPushButton(self.tr("Sign out"), self)
        self.sign_out.setAccessibleDescription(
            self.tr("Forget the sign-in on this computer and show the sign-in window")
        )
        self.sign_out.clicked.connect(self.signOutRequested.emit)

        # profile (on the team server: the team sees it)
        self.signature = QLineEdit(signature, self)
        self.signature.setMaxLength(MAX_SIGNATURE)
        self.signature.setAccessibleName(self.tr("Signature"))
        self.signature.setToolTip(self.tr("Added to the end of every reply you send, e.g. ^Eva"))
        self.availability = QComboBox(self)
        self.availability.setAccessibleName(self.tr("Status"))
        self.availability.addItem(self.tr("Available"), "available")
        self.availability.addItem(self.tr("Away"), "away")
        self.availability.setToolTip(self.tr("Your team leads see it in the workload"))
        self.save_profile = QPushButton(self.tr("Save profile"), self)
        self.save_profile.setAccessibleDescription(
            self.tr("Save the signature and status on the team server")
        )
        self.profile_status = plain_label(self.tr("Loading your profile…"), selectable=True)
        self.profile_status.setObjectName("profileStatus")
        self.save_profile.clicked.connect(self._save_profile)
        self.signature.returnPressed.connect(self._save_profile)
        self.signature.textChanged.connect(self._profile_edited)
        self.availability.currentIndexChanged.connect(self._profile_edited)
        self._set_profile_enabled(False)

        account_box = QGroupBox(self.tr("Account"), self)
        af = QFormLayout(account_box)
        af.addRow(self.tr("Server"), self.server)
        af.addRow(self.tr("Account"), self.account)
        af.addRow(self.tr("Signature"), self.signature)
        af.addRow(self.tr("Status"), self.availability)
        profile_row = QHBoxLayout()
        profile_row.addWidget(self.save_profile)
        profile_row.addWidget(self.profile_status, 1)
        af.addRow(profile_row)
        af.addRow(self.sign_out)

        # appearance
        self.theme = QComboBox(self)
        self.theme.setAccessibleName(self.tr("Theme"))
        for label, value in (
            (self.tr("Follow the system"), "system"),
            (self.tr("Light"), "light"),
            (self.tr("Dark"), "dark"),
        ):
            self.theme.addItem(label, value)
        self.theme.setCurrentIndex(max(0, self.theme.findData(theme.theme_setting(settings))))
        self.font_scale = QSpinBox(self)
        self.font_scale.setAccessibleName(self.tr("Font size"))
        self.font_scale.setAccessibleDescription(self.tr("Text size in percent of the normal"))
        self.font_scale.setRange(*theme.FONT_SCALES)
        self.font_scale.setSingleStep(10)
        self.font_scale.setSuffix(" %")
        self.font_scale.setValue(theme.font_setting(settings))
        self.language = QComboBox(self)
        self.language.setAccessibleName(self.tr("Language"))
        for label, value in (
            (self.tr("Follow the system"), "system"),
            ("Nederlands", "nl"),
            ("English", "en"),
        ):
            self.language.addItem(label, value)
        self.language.setCurrentIndex(
            max(0, self.language.findData(i18n.language_setting(settings)))
        )
        self.notice = plain_label("", selectable=False)
        self.notice.setObjectName("preferencesNotice")
        self.notice.setVisible(False)
        look = QGroupBox(self.tr("Appearance"), self)
        lf = QFormLayout(look)
        lf.addRow(self.tr("Theme"), self.theme)
        lf.addRow(self.tr("Font size"), self.font_scale)
        lf.addRow(self.tr("Language"), self.language)
        lf.addRow(self.notice)

        # notifications
        current = prefs.Notifications.load(settings)
        self.notify_tray = QCheckBox(self.tr("Announce new mentions in the system tray"), self)
        self.notify_tray.setChecked(current.tray)
        self.notify_banner = QCheckBox(self.tr("Show new mentions in a banner in the window"), self)
        self.notify_banner.setChecked(current.banner)
        self.notify_sound = QCheckBox(self.tr("Play a sound for new mentions"), self)
        self.notify_sound.setChecked(current.sound)
        notify = QGroupBox(self.tr("Notifications"), self)
        nl = QVBoxLayout(notify)
        for box in (self.notify_tray, self.notify_banner, self.notify_sound):
            nl.addWidget(box)

        # shortcuts: the same list as the cheat sheet (F1)
        self.shortcuts = ShortcutList(actions, self)

        general = QWidget(self)
        gl = QVBoxLayout(general)
        gl.addWidget(account_box)
        gl.addWidget(look)
        gl.addWidget(notify)
        gl.addStretch(1)
        keys = QWidget(self)
        kl = QVBoxLayout(keys)
        kl.addWidget(self.shortcuts)
        self.tabs = QTabWidget(self)
        self.tabs.addTab(general, self.tr("General"))
        self.tabs.addTab(keys, self.tr("Keyboard shortcuts"))

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(buttons)

        self.theme.currentIndexChanged.connect(self._theme_chosen)
        self.font_scale.valueChanged.connect(self._font_chosen)
        self.language.currentIndexChanged.connect(self._language_chosen)
        for box, key in (
            (self.notify_tray, prefs.NOTIFY_TRAY),
            (self.notify_banner, prefs.NOTIFY_BANNER),
            (self.notify_sound, prefs.NOTIFY_SOUND),
        ):
            box.toggled.connect(lambda on, k=key: self.settings.setValue(k, on))

    def _theme_chosen(self) -> None:
        mode = str(self.theme.currentData())
        self.settings.setValue(theme.THEME_SETTING, mode)
        self.manager.apply(mode=mode)

    def _font_chosen(self, value: int) -> None:
        self.settings.setValue(theme.FONT_SETTING, value)
        self.manager.apply(font_scale=value)

    def _language_chosen(self) -> None:
        choice = str(self.language.currentData())
        self.settings.setValue(i18n.SETTING, choice)
        app = QApplication.instance()
        if isinstance(app, QCoreApplication):
            i18n.install_translator(app, choice)  # for every window opened from now on
        self.notice.setText(
            self.tr(
                "Windows opened from now on use the new language; restart Webcare to switch"
                " this window too."
            )
        )
        self.notice.setVisible(True)

    # --- the profile on the server ----------------------------------------------------------

    def _set_profile_enabled(self, enabled: bool) -> None:
        for widget in (self.signature, self.availability):
            widget.setEnabled(enabled)
        self.save_profile.setEnabled(enabled and self._profile_changed())

    def _current_profile(self) -> tuple[str, str]:
        return self.signature.text().strip(), str(self.availability.currentData())

    def _profile_changed(self) -> bool:
        return self._saved_profile is not None and self._current_profile() != self._saved_profile

    def _profile_edited(self) -> None:
        self.save_profile.setEnabled(self.signature.isEnabled() and self._profile_changed())

    def set_profile(self, user: dict[str, Any]) -> None:
        """The account as the server has it (``GET /v1/me``, or the answer to a save)."""
        signature = str(user.get("signature") or "")
        availability = str(user.get("availability") or "available")
        self._saved_profile = (signature, availability)
        self.signature.setText(signature)
        self.availability.setCurrentIndex(max(0, self.availability.findData(availability)))
        self._set_profile_enabled(True)

    def profile_loaded(self, user: dict[str, Any]) -> None:
        self.set_profile(user)
        self.profile_status.setText("")

    def profile_saved(self, user: dict[str, Any]) -> None:
        self.set_profile(user)
        self.profile_status.setText(self.tr("Saved on the team server."))

    def profile_load_failed(self, message: str) -> None:
        """The server could not be asked (offline): the profile can be changed once it can."""
        self._set_profile_enabled(self._saved_profile is not None)
        self.profile_status.setText(
            self.tr("Your signature and status can be changed when the team server answers: {m}")
            .format(m=message)
        )  # fmt: skip

    def profile_save_failed(self, message: str) -> None:
        """Saving was refused or did not arrive: say why and keep what was typed."""
        self._set_profile_enabled(True)
        self.profile_status.setText(self.tr("Not saved: {m}").format(m=message))

    def _save_profile(self) -> None:
        if not self._profile_changed():
            return
        signature, availability = self._current_profile()
        self._set_profile_enabled(False)
        self.profile_status.setText(self.tr("Saving…"))
        self.profileSaveRequested.emit(signature, availability)
