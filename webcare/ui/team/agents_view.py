"""The admin's agent manager: add, disable, reset password, role, name and signature.

Accounts the twcs import made for the signatures of old brand replies cannot sign in; they
are hidden unless "Show imported accounts" is ticked (they are never offered for claims).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from webcare.net.team_api import TeamApi
from webcare.ui.tasks import TaskRunner
from webcare.ui.team.common import TableBlock, error_text
from webcare.ui.widgets.conversation import plain_label

ROLES = ("agent", "lead", "admin")


class PasswordDialog(QDialog):
    """Ask a new password twice (never shown, never stored by the client)."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.first = QLineEdit(self)
        self.second = QLineEdit(self)
        for edit, name in ((self.first, self.tr("New password")), (self.second, self.tr("Repeat"))):
            edit.setEchoMode(QLineEdit.EchoMode.Password)
            edit.setAccessibleName(name)
        self.problem = plain_label("", selectable=False)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self._check)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow(self.tr("New password"), self.first)
        form.addRow(self.tr("Repeat"), self.second)
        form.addRow(self.problem)
        form.addRow(buttons)

    def _check(self) -> None:
        if len(self.first.text()) < 8:
            self.problem.setText(self.tr("At least 8 characters."))
        elif self.first.text() != self.second.text():
            self.problem.setText(self.tr("The two passwords differ."))
        else:
            self.accept()


class AgentsView(QWidget):
    loaded = Signal()

    def __init__(self, runner: TaskRunner, api: TeamApi, me_id: int, parent: QWidget | None = None):
        super().__init__(parent)
        self.runner = runner
        self.api = api
        self.me_id = me_id
        self.users: list[dict[str, Any]] = []  # the rows shown, in the table's order
        self.all_users: list[dict[str, Any]] = []
        self.table = TableBlock(self.tr("Accounts"), "accounts", self)
        self.show_imported = QCheckBox(self.tr("Show imported accounts"), self)
        self.show_imported.setAccessibleName(self.tr("Show imported accounts"))
        self.show_imported.setToolTip(
            self.tr(
                "Accounts the import of old conversations made for the signatures in brand"
                " replies. They cannot sign in and are never offered for claims; reports keep"
                " their answers."
            )
        )
        self.show_imported.hide()  # until there are any
        self.username = QLineEdit(self)
        self.display_name = QLineEdit(self)
        self.signature = QLineEdit(self)
        self.role = QComboBox(self)
        self.role_names = {
            "agent": self.tr("agent"),
            "lead": self.tr("lead"),
            "admin": self.tr("admin"),
        }
        for r in ROLES:
            self.role.addItem(self.role_names[r], r)
        for w, name in (
            (self.username, self.tr("Username")),
            (self.display_name, self.tr("Display name")),
            (self.signature, self.tr("Signature")),
            (self.role, self.tr("Role")),
        ):
            w.setAccessibleName(name)
        # an example, not a value: "^Eva" alone read as a signature already filled in
        self.signature.setPlaceholderText(self.tr("e.g. ^Eva"))
        self.signature.setToolTip(self.tr("Added to the end of every reply this agent sends"))
        self.add_button = QPushButton(self.tr("Add agent"), self)
        self.save_button = QPushButton(self.tr("Save changes"), self)
        self.disable_button = QPushButton(self.tr("Disable"), self)
        self.password_button = QPushButton(self.tr("Reset password…"), self)
        self.status = plain_label("", selectable=True)
        form = QFormLayout()
        form.addRow(self.tr("Username"), self.username)
        form.addRow(self.tr("Display name"), self.display_name)
        form.addRow(self.tr("Signature"), self.signature)
        form.addRow(self.tr("Role"), self.role)
        buttons = QHBoxLayout()
        for b in (self.add_button, self.save_button, self.disable_button, self.password_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.show_imported)
        layout.addSpacing(6)
        layout.addLayout(form)
        layout.addLayout(buttons)
        layout.addWidget(self.status)
        self.table.view.selectionModel().currentRowChanged.connect(self._row_changed)
        self.show_imported.toggled.connect(lambda _on: self._show(self.all_users))
        self.add_button.clicked.connect(self.add_agent)
        self.save_button.clicked.connect(self.save_selected)
        self.disable_button.clicked.connect(self.toggle_disabled)
        self.password_button.clicked.connect(self.reset_password)
        self._update_buttons()

    def refresh(self) -> None:
        self.runner.net(self.api.users, self._show, self._failed)

    def _failed(self, error: BaseException) -> None:
        self.status.setText(error_text(error))

    def _show(self, users: list[dict[str, Any]]) -> None:
        selected = self.selected()
        self.all_users = users
        imported = [u for u in users if not u["can_login"]]
        shown = self.show_imported.isChecked()
        # people first; imported brand signatures (cannot sign in) after them, if asked for
        self.users = sorted(
            (u for u in users if u["can_login"] or shown),
            key=lambda u: (not u["can_login"], u["username"]),
        )
        self.show_imported.setVisible(bool(imported))
        self.show_imported.setText(
            self.tr("Show imported accounts ({n}) — they cannot sign in").format(n=len(imported))
        )
        self.table.model.set_rows(
            [
                self.tr("username"),
                self.tr("name"),
                self.tr("signature"),
                self.tr("role"),
                self.tr("state"),
            ],
            [
                [
                    u["username"],
                    u["display_name"],
                    u["signature"],
                    self.role_names.get(u["role"], u["role"]),
                    self.tr("disabled")
                    if u["disabled"]
                    else (
                        self.tr("active") if u["can_login"] else self.tr("imported, cannot sign in")
                    ),
                ]
                for u in self.users
            ],
        )
        if selected is not None:
            self.select_username(selected["username"])
            if self.selected() is None:  # hidden now: do not leave it in the form
                for edit in (self.username, self.display_name, self.signature):
                    edit.clear()
        self._update_buttons()
        self.loaded.emit()

    def selected(self) -> dict[str, Any] | None:
        index = self.table.view.currentIndex()
        if index.isValid() and index.row() < len(self.users):
            return self.users[index.row()]
        return None

    def select_username(self, username: str) -> None:
        for row, u in enumerate(self.users):
            if u["username"] == username:
                self.table.view.selectRow(row)

    def _row_changed(self) -> None:
        user = self.selected()
        if user is not None:
            self.username.setText(user["username"])
            self.display_name.setText(user["display_name"])
            self.signature.setText(user["signature"])
            self.role.setCurrentIndex(max(0, self.role.findData(user["role"])))
        self._update_buttons()

    def _update_buttons(self) -> None:
        user = self.selected()
        mine = user is not None and user["id"] == self.me_id
        self.username.setReadOnly(user is not None)
        self.save_button.setEnabled(user is not None)
        self.disable_button.setEnabled(user is not None and not mine)
        self.password_button.setEnabled(user is not None)
        if user is not None:
            self.disable_button.setText(
                self.tr("Enable") if user["disabled"] else self.tr("Disable")
            )

    def add_agent(self) -> None:
        self.table.view.clearSelection()
        self.table.view.setCurrentIndex(self.table.model.index(-1, -1))
        if not self.username.text().strip() or self.username.isReadOnly():
            self.username.setReadOnly(False)
            self.username.clear()
            self.display_name.clear()
            self.signature.clear()
            self.status.setText(self.tr("Fill in the new agent, then press Add agent again."))
            self.username.setFocus()
            return
        dialog = PasswordDialog(self.tr("Password for {u}").format(u=self.username.text()), self)
        self.password_dialog = dialog
        dialog.accepted.connect(lambda: self._create(dialog.first.text()))
        dialog.open()

    def _create(self, password: str) -> None:
        fields = {
            "username": self.username.text().strip(),
            "display_name": self.display_name.text().strip() or self.username.text().strip(),
            "signature": self.signature.text().strip(),
            "role": self.role.currentData(),
            "password": password,
        }
        self.runner.net(lambda: self.api.create_user(fields), self._changed, self._failed)

    def save_selected(self) -> None:
        user = self.selected()
        if user is None:
            return
        fields = {
            "display_name": self.display_name.text().strip(),
            "signature": self.signature.text().strip(),
            "role": self.role.currentData(),
        }
        self.runner.net(
            lambda: self.api.update_user(user["id"], fields), self._changed, self._failed
        )

    def toggle_disabled(self) -> None:
        user = self.selected()
        if user is None:
            return
        fields = {"disabled": not user["disabled"]}
        self.runner.net(
            lambda: self.api.update_user(user["id"], fields), self._changed, self._failed
        )

    def reset_password(self) -> None:
        user = self.selected()
        if user is None:
            return
        dialog = PasswordDialog(self.tr("New password for {u}").format(u=user["username"]), self)
        self.password_dialog = dialog

        def apply() -> None:
            fields = {"password": dialog.first.text()}
            self.runner.net(
                lambda: self.api.update_user(user["id"], fields), self._changed, self._failed
            )

        dialog.accepted.connect(apply)
        dialog.open()

    def _changed(self, user: dict[str, Any]) -> None:
        self.status.setText(self.tr("Saved {u}.").format(u=user["username"]))
        username = user["username"]

        def reload(users: list[dict[str, Any]]) -> None:
            self._show(users)
            self.select_username(username)

        self.runner.net(self.api.users, reload, self._failed)
