"""Preferences (Ctrl+,): account, theme, language, notifications, font size, shortcuts.

Everything is stored in QSettings as soon as it changes; theme and font size apply at once.
The sign-in token is never part of it: it stays in the system keyring.
"""

from __future__ import annotations

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
    QVBoxLayout,
    QWidget,
)

from webcare.ui import i18n, prefs, theme
from webcare.ui.widgets.cheatsheet import ShortcutTable
from webcare.ui.widgets.conversation import plain_label


class PreferencesDialog(QDialog):
    signOutRequested = Signal()  # noqa: N815

    def __init__(
        self,
        settings: QSettings,
        manager: theme.ThemeManager,
        *,
        server_url: str,
        account: str,
        actions: list[QAction],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("preferences")
        self.setWindowTitle(self.tr("Preferences"))
        self.resize(560, 640)
        self.settings = settings
        self.manager = manager

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
        account_box = QGroupBox(self.tr("Account"), self)
        af = QFormLayout(account_box)
        af.addRow(self.tr("Server"), self.server)
        af.addRow(self.tr("Account"), self.account)
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

        # shortcuts
        self.shortcuts = ShortcutTable(actions, self)
        keys = QGroupBox(self.tr("Keyboard shortcuts"), self)
        kl = QVBoxLayout(keys)
        kl.addWidget(self.shortcuts)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        top = QHBoxLayout()
        top.addWidget(account_box, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(look)
        layout.addWidget(notify)
        layout.addWidget(keys, 1)
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
