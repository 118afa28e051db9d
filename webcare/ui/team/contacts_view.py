"""Contacts: merge the same person's contacts (Mastodon and e-mail, two X handles) and split
them again; suggested merges with their reason; a search to merge any two by hand. Every merge,
split and dismissal is the server's (checked, audited); the inbox shows the joined history at
its next sync."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLineEdit, QPushButton, QVBoxLayout, QWidget

from webcare.net.team_api import TeamApi
from webcare.ui.tasks import TaskRunner
from webcare.ui.team.common import TableBlock, error_text, number
from webcare.ui.text import one_line
from webcare.ui.widgets.conversation import plain_label


def contact_label(contact: dict[str, Any]) -> str:
    """'@anna (mastodon)': the handle as the platform writes it, and the platform."""
    return f"{one_line(str(contact.get('handle') or '?'), 60)} ({contact.get('platform', '')})"


def into_and_source(first: dict[str, Any], second: dict[str, Any]) -> tuple[int, int] | None:
    """Which of two listed contacts to merge into which, as (source, into), by their groups:
    a contact that is merged stands for the contact it is merged into. The group that has
    members already is merged into, else the contact with more mentions, else the older one.
    None when the two are one person already."""

    def head(c: dict[str, Any]) -> int:
        return int(c["merged_into"] if c.get("merged_into") is not None else c["id"])

    def weight(c: dict[str, Any]) -> tuple[int, int, int]:
        grouped = c.get("merged_into") is not None or bool(c.get("members"))
        return (int(grouped), int(c.get("mentions") or 0), -head(c))

    a, b = head(first), head(second)
    if a == b:
        return None
    return (b, a) if weight(first) >= weight(second) else (a, b)


class ContactsView(QWidget):
    loaded = Signal()
    changed = Signal()  # a merge, split or dismissal went through

    def __init__(self, runner: TaskRunner, api: TeamApi, parent: QWidget | None = None):
        super().__init__(parent)
        self.runner = runner
        self.api = api
        self.suggested: list[dict[str, Any]] = []
        self.found: list[dict[str, Any]] = []
        self.suggestions = TableBlock(self.tr("Suggested merges"), "merge-suggestions", self)
        self.suggestions.set_empty_text(
            self.tr("No merges to suggest."),
            self.tr(
                "When two contacts write from the same e-mail address, or use the same handle on"
                " two channels, they are suggested here. Merge them to see their history as one;"
                " a merge can be split again."
            ),
        )
        self.merge_button = QPushButton(self.tr("Merge"), self)
        self.merge_button.setToolTip(self.tr("Merge the selected pair: one person, one history"))
        self.dismiss_button = QPushButton(self.tr("Not the same person"), self)
        self.dismiss_button.setToolTip(self.tr("Do not suggest this pair again"))
        self.refresh_button = QPushButton(self.tr("Refresh"), self)
        self.search = QLineEdit(self)
        self.search.setPlaceholderText(self.tr("Search contacts by handle, name or address"))
        self.search.setAccessibleName(self.tr("Search contacts"))
        self.search_button = QPushButton(self.tr("Search"), self)
        self.results = TableBlock(self.tr("Contacts"), "contacts", self)
        self.results.view.setSelectionMode(self.results.view.SelectionMode.ExtendedSelection)
        self.results.set_empty_text(
            self.tr("Find any two contacts to merge, or a merged one to split."),
            self.tr("Search for a handle, a name or an e-mail address; select two to merge."),
        )
        self.results.model.set_rows(self._found_header(), [])
        self.merge_selected_button = QPushButton(self.tr("Merge the two selected"), self)
        self.split_button = QPushButton(self.tr("Split"), self)
        self.split_button.setToolTip(self.tr("Undo this contact's merge: separate histories"))
        self.status = plain_label("", selectable=True)
        top = QHBoxLayout()
        for w in (self.merge_button, self.dismiss_button):
            top.addWidget(w)
        top.addStretch(1)
        top.addWidget(self.refresh_button)
        find = QHBoxLayout()
        find.addWidget(self.search, 1)
        find.addWidget(self.search_button)
        below = QHBoxLayout()
        below.addWidget(self.merge_selected_button)
        below.addWidget(self.split_button)
        below.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.suggestions, 3)
        layout.addLayout(top)
        layout.addLayout(find)
        layout.addWidget(self.results, 2)
        layout.addLayout(below)
        layout.addWidget(self.status)
        self.merge_button.clicked.connect(self.merge_suggested)
        self.dismiss_button.clicked.connect(self.dismiss_suggested)
        self.refresh_button.clicked.connect(self.refresh)
        self.search.returnPressed.connect(self.search_contacts)
        self.search_button.clicked.connect(self.search_contacts)
        self.merge_selected_button.clicked.connect(self.merge_selected)
        self.split_button.clicked.connect(self.split_selected)
        self.suggestions.view.selectionModel().selectionChanged.connect(self._update_buttons)
        self.results.view.selectionModel().selectionChanged.connect(self._update_buttons)
        self._update_buttons()

    # --- loading ----------------------------------------------------------------------------

    def refresh(self) -> None:
        self.runner.net(self.api.merge_suggestions, self._show_suggestions, self._failed)
        if self.search.text().strip():
            self.search_contacts()

    def search_contacts(self) -> None:
        query = self.search.text().strip()
        if not query:
            self.status.setText(self.tr("Type a handle, a name or an address to search for."))
            return
        self.runner.net(lambda: self.api.contacts(query), self._show_found, self._failed)

    def _failed(self, error: BaseException) -> None:
        self.status.setText(error_text(error))

    def reason_text(self, suggestion: dict[str, Any]) -> str:
        if suggestion["reason"] == "email":
            return self.tr("same e-mail address {value}").format(value=suggestion["value"])
        return self.tr("same handle “{value}”").format(value=suggestion["value"])

    def _describe(self, contact: dict[str, Any]) -> str:
        """'@anna (mastodon) · 3 mentions · 1 merged into it'."""
        bits = [contact_label(contact)]
        n = int(contact.get("mentions") or 0)
        bits.append(self.tr("1 mention") if n == 1 else self.tr("{n} mentions").format(n=number(n)))
        merged = len(contact.get("members") or ())
        if merged:
            bits.append(self.tr("{n} merged into it").format(n=merged))
        return " · ".join(bits)

    def _show_suggestions(self, suggestions: list[dict[str, Any]]) -> None:
        self.suggested = suggestions
        self.suggestions.model.set_rows(
            [self.tr("why"), self.tr("contact"), self.tr("to merge into it")],
            [
                [self.reason_text(s), self._describe(s["contact"]), self._describe(s["other"])]
                for s in suggestions
            ],
        )
        self._update_buttons()
        self.loaded.emit()

    def _show_found(self, contacts: list[dict[str, Any]]) -> None:
        self.found = contacts
        by_id = {int(c["id"]): c for c in contacts}
        rows = []
        for c in contacts:
            head = c.get("merged_into")
            if head is not None:
                shown = by_id.get(int(head))
                group = self.tr("merged into {contact}").format(
                    contact=contact_label(shown) if shown else f"#{head}"
                )
            elif c.get("members"):
                group = self.tr("{n} merged into it").format(n=len(c["members"]))
            else:
                group = ""
            rows.append(
                [
                    contact_label(c),
                    one_line(str(c.get("name") or ""), 60),
                    ", ".join(c.get("channels") or ()),
                    int(c.get("mentions") or 0),
                    group,
                ]
            )
        self.results.set_empty_text(
            self.tr("No contact found."),
            self.tr("Search for a handle, a name or an e-mail address; select two to merge."),
        )
        self.results.model.set_rows(self._found_header(), rows)
        self._update_buttons()
        self.loaded.emit()

    def _found_header(self) -> list[str]:
        return [self.tr("contact"), self.tr("name"), self.tr("channels"), self.tr("mentions"),
                self.tr("merged")]  # fmt: skip

    # --- selection and actions --------------------------------------------------------------

    def _selected_suggestion(self) -> dict[str, Any] | None:
        index = self.suggestions.view.currentIndex()
        rows = {i.row() for i in self.suggestions.view.selectionModel().selectedRows()}
        if not index.isValid() or index.row() not in rows or index.row() >= len(self.suggested):
            return None
        return self.suggested[index.row()]

    def _selected_found(self) -> list[dict[str, Any]]:
        rows = sorted(i.row() for i in self.results.view.selectionModel().selectedRows())
        return [self.found[r] for r in rows if r < len(self.found)]

    def _update_buttons(self, *_args: object) -> None:
        chosen = self._selected_suggestion() is not None
        self.merge_button.setEnabled(chosen)
        self.dismiss_button.setEnabled(chosen)
        found = self._selected_found()
        self.merge_selected_button.setEnabled(len(found) == 2)
        self.merge_selected_button.setToolTip(
            "" if len(found) == 2 else self.tr("Select two contacts first.")
        )
        self.split_button.setEnabled(len(found) == 1 and found[0].get("merged_into") is not None)
        self.split_button.setToolTip(
            self.tr("Undo this contact's merge: separate histories")
            if self.split_button.isEnabled()
            else self.tr("Select one merged contact first.")
        )

    def merge_suggested(self) -> None:
        s = self._selected_suggestion()
        if s is None:
            self.status.setText(self.tr("Select a suggested merge first."))
            return
        source, into = int(s["other"]["id"]), int(s["contact"]["id"])
        self.runner.net(lambda: self.api.merge_contacts(source, into), self._merged, self._failed)

    def dismiss_suggested(self) -> None:
        s = self._selected_suggestion()
        if s is None:
            self.status.setText(self.tr("Select a suggested merge first."))
            return
        a, b = int(s["contact"]["id"]), int(s["other"]["id"])
        self.runner.net(lambda: self.api.dismiss_merge(a, b), self._dismissed, self._failed)

    def merge_selected(self) -> None:
        found = self._selected_found()
        if len(found) != 2:
            self.status.setText(self.tr("Select two contacts first."))
            return
        pair = into_and_source(found[0], found[1])
        if pair is None:
            self.status.setText(self.tr("These two are merged already."))
            return
        source, into = pair
        self.runner.net(lambda: self.api.merge_contacts(source, into), self._merged, self._failed)

    def split_selected(self) -> None:
        found = self._selected_found()
        if len(found) != 1 or found[0].get("merged_into") is None:
            self.status.setText(self.tr("Select one merged contact first."))
            return
        contact_id = int(found[0]["id"])
        self.runner.net(lambda: self.api.split_contact(contact_id), self._split, self._failed)

    def _merged(self, result: dict[str, Any]) -> None:
        if result.get("result") == "unchanged":
            self.status.setText(self.tr("These two were merged already."))
        else:
            self.status.setText(
                self.tr(
                    "Merged {contact} into {into}: one history in every inbox (recorded in the"
                    " audit log)."
                ).format(
                    contact=contact_label(result["contact"]), into=contact_label(result["into"])
                )
            )
        self._after_change()

    def _split(self, result: dict[str, Any]) -> None:
        if result.get("result") == "unchanged":
            self.status.setText(self.tr("This contact was not merged."))
        else:
            text = self.tr("Split {contact}: its history is its own again (in the audit log).")
            self.status.setText(text.format(contact=contact_label(result["contact"])))
        self._after_change()

    def _dismissed(self, _result: dict[str, Any]) -> None:
        self.status.setText(self.tr("This pair will not be suggested again."))
        self._after_change()

    def _after_change(self) -> None:
        self.changed.emit()
        message = self.status.text()
        self.refresh()
        self.status.setText(message)
