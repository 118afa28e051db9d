"""Sign in to a team server."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from webcare.ui.widgets.conversation import plain_label


class LoginDialog(QDialog):
    """Collects the server, account and password; the controller does the signing in."""

    loginRequested = Signal(str, str, str, bool)  # noqa: N815 - url, user, password, remember

    def __init__(
        self,
        *,
        server_url: str = "",
        username: str = "",
        keyring_note: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Sign in to Webcare"))
        self.setMinimumWidth(420)
        self.server = QLineEdit(server_url or "https://", self)
        self.server.setAccessibleName(self.tr("Team server address"))
        self.username = QLineEdit(username, self)
        self.username.setAccessibleName(self.tr("Username"))
        self.password = QLineEdit(self)
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setAccessibleName(self.tr("Password"))
        self.remember = QCheckBox(self.tr("Keep me signed in on this computer"), self)
        self.remember.setChecked(True)
        self.keyring_note = plain_label(keyring_note, selectable=False)
        self.keyring_note.setObjectName("keyringNote")
        self.keyring_note.setVisible(bool(keyring_note))
        self.plaintext_opt_in: QCheckBox | None = None
        self.error = plain_label("", selectable=True)
        self.error.setObjectName("loginError")
        self.error.setVisible(False)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText(self.tr("Sign in"))
        self.buttons.accepted.connect(self._submit)
        self.buttons.rejected.connect(self.reject)

        form = QFormLayout()
        form.addRow(self.tr("Server"), self.server)
        form.addRow(self.tr("Username"), self.username)
        form.addRow(self.tr("Password"), self.password)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.remember)
        layout.addWidget(self.keyring_note)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        (self.password if username else self.username if server_url else self.server).setFocus()

    def offer_plaintext(self, checked: bool) -> None:
        """Without a keyring: let the user choose to keep the sign-in in a file (opt-in)."""
        box = QCheckBox(
            self.tr("Keep my sign-in in a file instead (less secure: anyone with access to your"
                    " account files can use it)"),
            self,
        )  # fmt: skip
        box.setChecked(checked)
        layout = self.layout()
        assert isinstance(layout, QVBoxLayout)
        layout.insertWidget(layout.indexOf(self.keyring_note) + 1, box)
        self.plaintext_opt_in = box

    def _submit(self) -> None:
        url, user = self.server.text().strip(), self.username.text().strip()
        if not url or url in ("https://", "http://") or not user or not self.password.text():
            self.show_error(self.tr("Fill in the server address, your username and password."))
            return
        self.set_busy(True)
        self.loginRequested.emit(url, user, self.password.text(), self.remember.isChecked())

    def set_busy(self, busy: bool) -> None:
        for widget in (self.server, self.username, self.password, self.remember, self.buttons):
            widget.setEnabled(not busy)
        if busy:
            self.error.setVisible(False)

    def show_error(self, message: str) -> None:
        self.set_busy(False)
        self.error.setText(message)
        self.error.setVisible(True)
        self.password.selectAll()
        self.password.setFocus()
