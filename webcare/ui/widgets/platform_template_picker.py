"""Pick one of the platform's approved templates (WhatsApp, after the customer's 24 hours) and
fill in its variables; the dialog sends it.

Outside the window WhatsApp delivers nothing but an approved template, word for word, with only
its variables filled in, so the agent cannot edit the text: they choose a template, check or
type the values (those Webcare knows — the customer's name, the agent's, the brand — are filled
in already) and send. Everything is plain text (labels never render rich text).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from webcare.ui.text import plain_tooltip
from webcare.ui.widgets.conversation import plain_label

_PLACEHOLDER = re.compile(r"\{\{\s*([^{}]*?)\s*\}\}")
# Template variable names (as businesses name them) that mean one of Webcare's values.
ALIASES: dict[str, str] = {
    "name": "customer_name",
    "naam": "customer_name",
    "customer": "customer_name",
    "klant": "customer_name",
    "klantnaam": "customer_name",
    "full_name": "customer_name",
    "first_name": "customer_first_name",
    "voornaam": "customer_first_name",
    "agent": "agent_name",
    "medewerker": "agent_name",
    "employee": "agent_name",
    "company": "brand",
    "bedrijf": "brand",
    "business": "brand",
}


@dataclass(frozen=True)
class ChosenTemplate:
    """What the agent picked: the template, its values, and the text the customer reads."""

    name: str
    language: str
    values: tuple[tuple[str, str], ...]  # (parameter name, text), in the template's order
    text: str

    def payload(self) -> dict[str, Any]:
        """The reply's ``platform_template`` for the outbox."""
        return {
            "name": self.name,
            "language": self.language,
            "parameters": [{"name": n, "text": t} for n, t in self.values],
        }


def fill(body: str, values: Mapping[str, str]) -> str:
    """The template's text with the values given (a placeholder without one stays)."""
    return _PLACEHOLDER.sub(lambda m: values.get(m.group(1).strip()) or m.group(0), body)


def known_value(name: str, variables: Mapping[str, str]) -> str:
    """The value Webcare knows for a template variable named ``name``, or ``""``."""
    key = name.lower()
    if key in variables:
        return variables[key]
    alias = ALIASES.get(key)
    if alias == "customer_first_name":
        full = variables.get("customer_name", "").strip()
        return full.split()[0] if full else ""
    return variables.get(alias, "") if alias else ""


class PlatformTemplatePicker(QDialog):
    """``listing``: the answer of ``GET /v1/channels/{id}/platform-templates``; ``variables``:
    the composer's values (``customer_name``, ``agent_name``, ``brand`` …)."""

    def __init__(
        self,
        listing: Mapping[str, Any],
        *,
        platform: str,
        language: str | None,
        variables: Mapping[str, str],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Approved {platform} templates").format(platform=platform))
        self.setModal(True)
        self.resize(600, 520)
        self._variables = dict(variables)
        templates = [t for t in listing.get("templates") or [] if isinstance(t, dict)]
        self._templates = sorted(
            templates,
            key=lambda t: (str(t.get("language", ""))[:2] != (language or "")[:2],
                           str(t.get("name", ""))),
        )  # fmt: skip
        self._fields: list[tuple[str, QLineEdit]] = []
        self.chosen: ChosenTemplate | None = None

        self.intro = plain_label(
            self.tr(
                "{platform} only delivers an approved template now. Choose one and fill in its"
                " variables; the text itself cannot be changed."
            ).format(platform=platform)
        )
        self.search = QLineEdit(self)
        self.search.setPlaceholderText(self.tr("Type to filter by name or text"))
        self.search.setAccessibleName(self.tr("Filter templates"))
        self.list = QListWidget(self)
        self.list.setAccessibleName(self.tr("Approved templates"))
        self.form_host = QWidget(self)
        self.form = QFormLayout(self.form_host)
        self.form.setContentsMargins(0, 0, 0, 0)
        self.preview = plain_label("")
        self.preview.setObjectName("templatePreview")
        self.preview.setAccessibleName(self.tr("What the customer will read"))
        self.note = plain_label("")
        self.note.setObjectName("templateNote")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.send_button = QPushButton(self.tr("Send template"), self)
        self.send_button.setDefault(True)
        self.buttons.addButton(self.send_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.accepted.connect(self._accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addWidget(self.search)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.form_host)
        layout.addWidget(self.preview)
        layout.addWidget(self.note)
        layout.addWidget(self.buttons)

        self.note.setText(self._note_text(listing))
        self.note.setVisible(bool(self.note.text()))
        self.search.textChanged.connect(self._fill_list)
        self.list.currentItemChanged.connect(lambda _c, _p: self._show_current())
        self._fill_list("")

    def _note_text(self, listing: Mapping[str, Any]) -> str:
        parts = []
        error = listing.get("error")
        if isinstance(error, str) and error:
            parts.append(self.tr("The templates could not be read: {error}").format(error=error))
        unsupported = listing.get("unsupported") or []
        if unsupported:
            names = ", ".join(str(u.get("name", "?")) for u in unsupported[:5]
                              if isinstance(u, dict))  # fmt: skip
            parts.append(
                self.tr(
                    "{n} more cannot be sent from Webcare (they need an image, a link or a code):"
                    " {names}."
                ).format(n=len(unsupported), names=names)
            )
        if not self._templates and not error:
            parts.append(
                self.tr(
                    "There are no approved templates: create one in WhatsApp Manager (Message"
                    " templates), and once Meta approves it, it is offered here."
                )
            )
        return " ".join(parts)

    def _fill_list(self, text: str) -> None:
        needle = text.strip().lower()
        self.list.clear()
        for template in self._templates:
            name = str(template.get("name", ""))
            body = str(template.get("body", ""))
            if needle and needle not in f"{name} {body}".lower():
                continue
            category = str(template.get("category", "")).capitalize()
            label = f"{name} [{template.get('language', '')}]"
            if category:
                label += f" · {category}"
            item = QListWidgetItem(label)
            item.setData(Qt.ItemDataRole.UserRole, template)
            item.setToolTip(plain_tooltip(body))
            self.list.addItem(item)
        if self.list.count():
            self.list.setCurrentRow(0)
        else:
            self._show_current()

    def current(self) -> dict[str, Any] | None:
        item = self.list.currentItem()
        data = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
        return data if isinstance(data, dict) else None

    def _show_current(self) -> None:
        while self.form.rowCount():
            self.form.removeRow(0)
        self._fields = []
        template = self.current()
        if template is None:
            self._update()
            return
        for parameter in template.get("parameters") or []:
            name = str(parameter.get("name", ""))
            edit = QLineEdit(self.form_host)
            edit.setAccessibleName(self.tr("Variable {name}").format(name=name))
            example = str(parameter.get("example") or "")
            if example:
                edit.setPlaceholderText(self.tr("e.g. {example}").format(example=example))
            edit.setText(known_value(name, self._variables))
            edit.setMaxLength(1024)
            edit.textChanged.connect(self._update)
            label = plain_label("{{" + name + "}}", selectable=False, wrap=False)
            label.setBuddy(edit)
            self.form.addRow(label, edit)
            self._fields.append((name, edit))
        self._update()

    def values(self) -> dict[str, str]:
        return {name: edit.text().strip() for name, edit in self._fields}

    def text(self) -> str:
        """What the customer will read: header, body and footer with the values filled in."""
        template = self.current()
        if template is None:
            return ""
        values = self.values()
        parts = [str(template.get("header") or ""),
                 fill(str(template.get("body") or ""), values),
                 str(template.get("footer") or "")]  # fmt: skip
        return "\n\n".join(p for p in parts if p.strip())

    def _update(self) -> None:
        template = self.current()
        missing = [name for name, value in self.values().items() if not value]
        self.send_button.setEnabled(template is not None and not missing)
        if template is None:
            self.preview.setText("")
            return
        shown = self.text()
        buttons = [str(b) for b in template.get("buttons") or []]
        if buttons:
            shown += "\n" + " · ".join(f"[{b}]" for b in buttons)
        if missing:
            shown += "\n\n" + self.tr("Fill in: {names}").format(
                names=", ".join("{{" + n + "}}" for n in missing)
            )
        self.preview.setText(shown)

    def _accept(self) -> None:
        template = self.current()
        if template is None or not self.send_button.isEnabled():
            return
        values = self.values()
        self.chosen = ChosenTemplate(
            name=str(template["name"]),
            language=str(template["language"]),
            values=tuple((name, values[name]) for name, _edit in self._fields),
            text=self.text(),
        )
        self.accept()
