"""Channels (admins): connectors and their settings, switch on/off, fetch now, health."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from webcare.domain.timeutil import parse_iso
from webcare.net.team_api import TeamApi
from webcare.ui.tasks import TaskRunner
from webcare.ui.team.common import TableBlock, error_text
from webcare.ui.text import minutes, one_line, relative_time
from webcare.ui.widgets.conversation import plain_label


class ChannelDialog(QDialog):
    """Add a channel, or change one: the form is built from the connector's settings."""

    def __init__(
        self,
        connectors: list[dict[str, Any]],
        channel: dict[str, Any] | None = None,
        config: dict[str, Any] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.connectors = {c["kind"]: c for c in connectors}
        self.channel = channel
        self.config = config or {}
        self.setWindowTitle(self.tr("Channel settings") if channel else self.tr("Add a channel"))
        self.connector = QComboBox(self)
        self.connector.setAccessibleName(self.tr("Connector"))
        for c in connectors:
            self.connector.addItem(c["label"], c["kind"])
        self.name = QLineEdit(self)
        self.name.setPlaceholderText(self.tr('e.g. "@KPN on Mastodon"'))
        self.brand = QLineEdit(self)
        self.handle = QLineEdit(self)
        self.interval = QDoubleSpinBox(self)
        self.interval.setRange(15, 86_400)
        self.interval.setSuffix(" s")
        self.interval.setDecimals(0)
        top = QFormLayout()
        top.addRow(self.tr("Connector"), self.connector)
        top.addRow(self.tr("Name"), self.name)
        top.addRow(self.tr("Brand"), self.brand)
        top.addRow(self.tr("Handle"), self.handle)
        top.addRow(self.tr("Fetch every"), self.interval)
        self.form = QFormLayout()
        self.inputs: dict[str, QWidget] = {}
        self.help = plain_label("", selectable=False)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.help)
        layout.addLayout(self.form)
        layout.addWidget(buttons)
        if channel is not None:
            self.name.setText(channel["name"])
            self.brand.setText(channel.get("brand") or "")
            self.handle.setText(channel.get("handle") or "")
            kind = self.config.get("connector") or channel.get("connector")
            if kind:
                self.connector.setCurrentIndex(self.connector.findData(kind))
        self.connector.currentIndexChanged.connect(self._build_form)
        self._build_form()
        if channel is not None and self.config.get("interval_s"):
            self.interval.setValue(float(self.config["interval_s"]))

    def kind(self) -> str:
        return str(self.connector.currentData())

    def _build_form(self) -> None:
        while self.form.rowCount():
            self.form.removeRow(0)
        self.inputs = {}
        spec = self.connectors.get(self.kind(), {"fields": [], "default_interval_s": 60})
        same = self.kind() == self.config.get("connector")
        values = self.config.get("config", {}) if same else {}
        secrets_set = set(self.config.get("secrets_set", [])) if same else set()
        self.interval.setValue(float(spec.get("default_interval_s") or 60))
        lookup = {
            "exact": self.tr("retries are exactly-once (lookup by our reference)"),
            "idempotency-key": self.tr("retries are exactly-once (idempotency key)"),
            "search": self.tr("a retry first looks for an earlier post"),
            "none": self.tr("listen-only or at-least-once"),
        }
        how = lookup.get(spec.get("lookup", ""), "")
        if spec.get("can_reply") and spec.get("resend_unknown") is False:
            how = self.tr(
                "never sent twice: a reply cut off mid-way waits for an agent to check the chat"
            )
        self.help.setText(
            self.tr("Replies: {r} · {l}").format(
                r=self.tr("yes") if spec.get("can_reply") else self.tr("no (listen-only)"),
                l=how,
            )
        )
        for f in spec["fields"]:
            value = values.get(f["name"], f.get("default"))
            widget: QWidget
            if f["secret"]:
                edit = QLineEdit(self)
                edit.setEchoMode(QLineEdit.EchoMode.Password)
                edit.setPlaceholderText(
                    self.tr("set — leave empty to keep")
                    if f["name"] in secrets_set
                    else self.tr("not set (or env:VARIABLE)")
                )
                widget = edit
            elif f["kind"] == "bool":
                box = QCheckBox(self)
                box.setChecked(bool(value))
                widget = box
            elif f["kind"] == "int":
                spin = QSpinBox(self)
                spin.setRange(0, 1_000_000_000)
                spin.setValue(int(value or 0))
                widget = spin
            elif f["kind"] == "list":
                text = QPlainTextEdit(self)
                text.setPlaceholderText(self.tr("one per line"))
                text.setPlainText("\n".join(value or []))
                text.setFixedHeight(70)
                widget = text
            else:
                line = QLineEdit(self)
                line.setText("" if value is None else str(value))
                widget = line
            widget.setToolTip(f.get("help") or "")
            widget.setAccessibleName(f["label"])
            label = f["label"] + (" *" if f["required"] else "")
            self.form.addRow(label, widget)
            self.inputs[f["name"]] = widget

    def values(self) -> dict[str, Any]:
        """The request body: only secrets that were typed are sent (empty = keep)."""
        spec = self.connectors[self.kind()]
        config: dict[str, Any] = {}
        secrets: dict[str, str] = {}
        for f in spec["fields"]:
            widget = self.inputs[f["name"]]
            if isinstance(widget, QCheckBox):
                config[f["name"]] = widget.isChecked()
            elif isinstance(widget, QSpinBox):
                config[f["name"]] = widget.value()
            elif isinstance(widget, QPlainTextEdit):
                lines = widget.toPlainText().splitlines()
                config[f["name"]] = [x.strip() for x in lines if x.strip()]
            elif isinstance(widget, QLineEdit):
                text = widget.text().strip()
                if f["secret"]:
                    if text:
                        secrets[f["name"]] = text
                else:
                    config[f["name"]] = text
        return {
            "connector": self.kind(),
            "name": self.name.text().strip(),
            "brand": self.brand.text().strip(),
            "handle": self.handle.text().strip(),
            "interval_s": self.interval.value(),
            "config": config,
            "secrets": secrets,
        }


class ChannelsView(QWidget):
    loaded = Signal()

    def __init__(self, runner: TaskRunner, api: TeamApi, parent: QWidget | None = None):
        super().__init__(parent)
        self.runner = runner
        self.api = api
        self.channels: list[dict[str, Any]] = []
        self.connectors: list[dict[str, Any]] = []
        self.dialog: ChannelDialog | None = None
        self._select_after: int | None = None
        self.table = TableBlock(self.tr("Channels"), "channels", self)
        self.table.set_empty_text(
            self.tr("There are no channels yet."),
            self.tr(
                "Press Add channel… to connect Mastodon, Bluesky, X, e-mail, RSS/Atom or a"
                " webhook. Imported history shows up here as an import-only channel."
            ),
        )
        self.add = QPushButton(self.tr("Add channel…"), self)
        self.edit = QPushButton(self.tr("Settings…"), self)
        self.fetch = QPushButton(self.tr("Fetch now"), self)
        self.toggle = QPushButton(self.tr("Switch off"), self)
        self.status = plain_label("", selectable=True)
        self.status.setObjectName("channelStatus")
        row = QHBoxLayout()
        for button in (self.add, self.edit, self.fetch, self.toggle):
            row.addWidget(button)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addLayout(row)
        layout.addWidget(self.status)
        self.toggle.clicked.connect(self.toggle_selected)
        self.add.clicked.connect(self.open_add)
        self.edit.clicked.connect(self.open_edit)
        self.fetch.clicked.connect(self.fetch_selected)
        self.table.view.selectionModel().currentRowChanged.connect(self._update)
        self.table.view.doubleClicked.connect(lambda _i: self.open_edit())

    def refresh(self) -> None:
        self.runner.net(self.api.channels, self._show, self._failed)
        if not self.connectors:
            self.runner.net(self.api.connectors, self._set_connectors, self._failed)

    def _set_connectors(self, connectors: list[dict[str, Any]]) -> None:
        self.connectors = connectors
        self._update()

    def _failed(self, error: BaseException) -> None:
        self.status.setText(error_text(error))

    def _show(self, channels: list[dict[str, Any]]) -> None:
        self.channels = channels
        self.table.model.set_rows(
            [
                self.tr("channel"),
                self.tr("platform"),
                self.tr("connector"),
                self.tr("on"),
                self.tr("last fetch"),
                self.tr("next fetch"),
                self.tr("mentions fetched"),
                self.tr("last error"),
            ],
            [
                [
                    c["name"],
                    c["kind"],
                    c.get("connector") or self.tr("import only"),
                    self.tr("yes") if c["enabled"] else self.tr("no"),
                    relative_time(parse_iso(c["last_fetch_at"]))
                    if c["last_fetch_at"]
                    else self.tr("never"),
                    self._next_fetch(c),
                    c.get("fetched_total") or 0,
                    one_line(c["last_error"] or "", 120),
                ]
                for c in channels
            ],
        )
        if self._select_after is not None:
            self.table.view.selectRow(self._select_after)
            self._select_after = None
        self._update()
        self.loaded.emit()

    def _next_fetch(self, c: dict[str, Any]) -> str:
        if not c.get("connector"):
            return self.tr("import only")
        if not c.get("polls", True):
            return self.tr("pushed to us")
        if not c["enabled"]:
            return self.tr("off")
        seconds = c.get("next_fetch_in_s")
        if seconds is None:
            return ""
        return self.tr("now") if seconds < 1 else self.tr("in {t}").format(t=minutes(seconds))

    def _selected(self) -> dict[str, Any] | None:
        index = self.table.view.currentIndex()
        return self.channels[index.row()] if index.isValid() else None

    def _update(self) -> None:
        channel = self._selected()
        if channel is not None and channel.get("last_error"):
            self.status.setText(
                self.tr("{name}: {error}").format(name=channel["name"], error=channel["last_error"])
            )
        self.toggle.setEnabled(channel is not None)
        self.edit.setEnabled(channel is not None and bool(self.connectors))
        self.add.setEnabled(bool(self.connectors))
        self.fetch.setEnabled(channel is not None and bool(channel.get("connector")))
        self.toggle.setText(
            self.tr("Switch on") if channel and not channel["enabled"] else self.tr("Switch off")
        )

    def _saved(self, row: int | None, message: str) -> None:
        self.status.setText(message)
        self._select_after = row
        self.refresh()

    def toggle_selected(self) -> None:
        channel = self._selected()
        if channel is None:
            return
        row = self.table.view.currentIndex().row()
        enable = not channel["enabled"]
        self.runner.net(
            lambda: self.api.set_channel_enabled(channel["id"], enable),
            lambda _c: self._saved(row, self.tr("Saved.")),
            self._failed,
        )

    def fetch_selected(self) -> None:
        channel = self._selected()
        if channel is None:
            return
        row = self.table.view.currentIndex().row()
        self.runner.net(
            lambda: self.api.fetch_channel_now(channel["id"]),
            lambda _c: self._saved(
                row, self.tr("Fetching {name} now.").format(name=channel["name"])
            ),
            self._failed,
        )

    # --- the settings dialog -----------------------------------------------------------------
    def open_add(self) -> ChannelDialog:
        dialog = ChannelDialog(self.connectors, parent=self)
        dialog.accepted.connect(lambda: self._create(dialog.values()))
        self.dialog = dialog
        dialog.open()
        return dialog

    def open_edit(self) -> None:
        channel = self._selected()
        if channel is None:
            return
        self.runner.net(
            lambda: self.api.channel_config(channel["id"]),
            lambda config: self._edit_with(channel, config),
            self._failed,
        )

    def _edit_with(self, channel: dict[str, Any], config: dict[str, Any]) -> None:
        dialog = ChannelDialog(self.connectors, channel, config, parent=self)
        dialog.accepted.connect(lambda: self._update_channel(channel, dialog.values()))
        self.dialog = dialog
        dialog.open()

    def _create(self, values: dict[str, Any]) -> None:
        def done(created: dict[str, Any]) -> None:
            shown = created.get("generated_secrets") or {}
            message = self.tr("Added {name}.").format(name=created["name"])
            for name, value in shown.items():
                message += " " + self.tr("{name} (shown once, keep it safe): {value}").format(
                    name=name, value=value
                )
            if created.get("hook_path"):
                # where the platform pushes to (Meta's app settings ask for it with the token)
                message += " " + self.tr("Callback URL for the platform: {url}").format(
                    url=self.api.client.base_url.rstrip("/") + str(created["hook_path"])
                )
            self._saved(None, message)

        self.runner.net(lambda: self.api.create_channel(values), done, self._failed)

    def _update_channel(self, channel: dict[str, Any], values: dict[str, Any]) -> None:
        fields = dict(values)
        if not fields["secrets"]:
            fields.pop("secrets")
        if fields["connector"] == channel.get("connector"):
            fields.pop("connector")
        row = self.table.view.currentIndex().row()
        self.runner.net(
            lambda: self.api.update_channel(channel["id"], fields),
            lambda _c: self._saved(row, self.tr("Saved {name}.").format(name=values["name"])),
            self._failed,
        )
