"""Sign in to a team server.

The server and username are those of the last sign-in (the app passes them from QSettings);
the password is never prefilled. Without a usable keyring "Keep me signed in" cannot work: it
is unticked and disabled, the note says why, and keeping the sign-in in a file is offered as an
explicit opt-in instead.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
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
        self.plaintext_note: QLabel | None = None
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
        """Without a keyring: the sign-in can only be kept in a file, if the user opts in.

        "Keep me signed in" follows that choice (unticked and disabled without it), so the
        dialog never promises what the keyring note below it says cannot happen.
        """
        box = QCheckBox(self.tr("Keep my sign-in in a file instead"), self)
        box.setChecked(checked)
        note = plain_label(
            self.tr("Less secure: anyone with access to your account files can use it."),
            selectable=False,
        )
        note.setObjectName("plaintextNote")
        note.setIndent(24)  # under the box's text, not its indicator
        box.setAccessibleDescription(note.text())
        layout = self.layout()
        assert isinstance(layout, QVBoxLayout)
        at = layout.indexOf(self.keyring_note) + 1
        layout.insertWidget(at, box)
        layout.insertWidget(at + 1, note)
        self.plaintext_opt_in = box
        self.plaintext_note = note
        self.remember.setToolTip(self.keyring_note.text())
        box.toggled.connect(self._follow_opt_in)
        self._follow_opt_in(checked)

    def _follow_opt_in(self, opted: bool) -> None:
        self.remember.setChecked(opted)
        self.remember.setEnabled(opted)

    def _submit(self) -> None:
        url, user = self.server.text().strip(), self.username.text().strip()
        if not url or url in ("https://", "http://") or not user or not self.password.text():
            self.show_error(self.tr("Fill in the server address, your username and password."))
            return
        self.set_busy(True)
        self.loginRequested.emit(url, user, self.password.text(), self.remember.isChecked())

    def set_busy(self, busy: bool) -> None:
        for widget in (self.server, self.username, self.password, self.buttons):
            widget.setEnabled(not busy)
        opt_in = self.plaintext_opt_in
        if opt_in is not None:
            opt_in.setEnabled(not busy)
        # without a keyring, keeping the sign-in is possible only through the file opt-in
        self.remember.setEnabled(not busy and (opt_in is None or opt_in.isChecked()))
        if busy:
            self.error.setVisible(False)

    def show_error(self, message: str) -> None:
        self.set_busy(False)
        self.error.setText(message)
        self.error.setVisible(True)
        self.password.selectAll()
        self.password.setFocus()
