"""Saved views: listed under the built-in views with their counters, opened by a click or
Ctrl+5 … Ctrl+9, saved (Ctrl+S), renamed, deleted, published and copied.

The list comes from the local store (the server's record, synced like templates, so it works
offline); each write goes to the team server at once and comes back through the change feed,
which lists it here and on every other computer of the account. Offline a write waits: the
dialog says so and keeps what was typed (ARCHITECTURE.md, "Saved views", says why not the
outbox). Opening a view puts its search, filters and sort in the window's boxes, so the agent
sees what it shows, and the queue lists it (:meth:`InboxQueue.show_filter`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QPoint, Slot
from PySide6.QtWidgets import QMenu, QMessageBox

from webcare.client_store.records import ChangeSummary, SavedView
from webcare.domain.errors import WebcareError
from webcare.domain.models import Role
from webcare.domain.wire import SavedViewRecord
from webcare.net.agent_api import ApiClient
from webcare.net.errors import OfflineError
from webcare.ui.controllers.inbox.queue import InboxQueue
from webcare.ui.controllers.inbox.status import InboxStatus
from webcare.ui.tasks import TaskRunner
from webcare.ui.widgets.main_window import MainWindow
from webcare.ui.widgets.save_view_dialog import SaveViewDialog


class InboxSavedViews(QObject):
    """The saved views of the views list, and what can be done to them."""

    def __init__(
        self,
        window: MainWindow,
        runner: TaskRunner,
        api: ApiClient,
        queue: InboxQueue,
        status: InboxStatus,
        role: str,
        parent: QObject,
    ) -> None:
        super().__init__(parent)
        self.window = window
        self.runner = runner
        self.api = api
        self.queue = queue
        self.status = status
        self.lead = role in (Role.LEAD.value, Role.ADMIN.value)  # may publish, change the team's
        self._select_when_listed: int | None = None  # saved here: opened once the feed lists it
        self._deleted: set[int] = set()  # deleted here: its leaving the list is no news
        self._listed_before: list[SavedView] = []
        self.dialog: SaveViewDialog | None = None
        self.confirm_box: QMessageBox | None = None
        self.menu: QMenu | None = None
        window.savedViewSelected.connect(self.open)
        window.viewSelected.connect(self._left)
        # the agent changes the search or a box: what is on screen is no longer the saved view
        window.searchChanged.connect(self._boxes_changed)
        for combo in (window.status_filter, window.channel_filter, window.priority_filter,
                      window.sort_box):  # fmt: skip
            combo.currentIndexChanged.connect(self._boxes_changed)
        window.savedViewMenuRequested.connect(self.show_menu)
        for name, slot in (
            ("save_view", self.save), ("rename_view", self.rename),
            ("delete_view", self.delete), ("publish_view", self.publish),
            ("unpublish_view", self.unpublish), ("copy_view", self.copy),
        ):  # fmt: skip
            window.actions_by_name[name].triggered.connect(slot)
        self.update_actions()

    # --- the list -------------------------------------------------------------------------------

    @property
    def current(self) -> int | None:
        """The saved view on screen: the one the views list marks."""
        return self.window.current_saved_id()

    def load(self) -> None:
        self.runner.db(lambda s: s.saved_views(), self._listed, receiver=self)

    def _listed(self, views: list[SavedView]) -> None:
        before = self.current
        self.window.set_saved_views(views)
        ids = {v.id for v in views}
        wanted = self._select_when_listed
        if wanted is not None and wanted in ids:
            self._select_when_listed = None
            self.open(wanted)
        elif before is not None and before not in ids:
            # deleted, or no longer the team's: the list on screen stays, under its base view
            gone = next((v for v in self._listed_before if v.id == before), None)
            if gone is not None:
                self.window.mark_view(gone.view)
            if before not in self._deleted:
                self.status.notice(
                    self.tr("The saved view you had open is gone; the queue keeps its filters.")
                )
        self._deleted &= ids
        self._listed_before = views
        self.queue.refresh_counts()
        self.update_actions()

    def on_changes(self, summary: ChangeSummary, resynced: bool) -> None:
        if resynced or "view" in summary.entities or "user" in summary.entities:
            self.load()

    def view(self, view_id: int | None) -> SavedView | None:
        return next((v for v in self.window.saved_views if v.id == view_id), None)

    # --- opening one ----------------------------------------------------------------------------

    @Slot(int)
    def open(self, view_id: int) -> None:
        """Show the saved view: its search, filters and sort in the window's boxes, its list in
        the queue. A negative id is Ctrl+5 … with no view in that place."""
        if view_id < 0:
            self.status.notice(
                self.tr("There is no saved view {n} yet: save one with {key}.").format(
                    n=-view_id, key=self.window.actions_by_name["save_view"].shortcut().toString()
                )
            )
            return
        view = self.view(view_id)
        if view is None:
            return
        w = self.window
        boxes = (w.search, w.status_filter, w.channel_filter, w.priority_filter, w.sort_box)
        for widget in boxes:
            widget.blockSignals(True)
        try:
            w.search.setText(view.search)
            for box, value in (
                (w.status_filter, view.status), (w.channel_filter, view.channel_id),
                (w.priority_filter, view.min_priority), (w.sort_box, view.sort_order.value),
            ):  # fmt: skip
                box.setCurrentIndex(max(0, box.findData(value)))
        finally:
            for widget in boxes:
                widget.blockSignals(False)
        w.mark_saved(view.id)
        self.queue.show_filter(view.queue_filter())
        self.update_actions()

    @Slot(object)
    def _left(self, _view: object) -> None:
        """A built-in view was chosen: no saved view is on screen."""
        self.update_actions()

    def _boxes_changed(self, *_args: object) -> None:
        """The agent changed the search or a filter of the saved view on screen: the list marks
        its base view instead (the queue shows what the boxes say, as always)."""
        view = self.view(self.current)
        if view is None:
            return
        w = self.window
        now = (
            " ".join(w.search.text().split()), w.status_filter.currentData() or "",
            w.channel_filter.currentData(), w.priority_filter.currentData(),
            w.sort_box.currentData(),
        )  # fmt: skip
        saved = (view.search, view.status, view.channel_id, view.min_priority, view.sort)
        if now != saved:
            w.mark_view(view.view)
            self.update_actions()

    def update_actions(self) -> None:
        view = self.view(self.current)
        acts = self.window.actions_by_name
        mine = view is not None and (not view.published or self.lead)
        acts["rename_view"].setEnabled(mine)
        acts["delete_view"].setEnabled(mine)
        acts["publish_view"].setVisible(self.lead)
        acts["unpublish_view"].setVisible(self.lead)
        acts["publish_view"].setEnabled(self.lead and view is not None and not view.published)
        acts["unpublish_view"].setEnabled(self.lead and view is not None and view.published)
        acts["copy_view"].setEnabled(view is not None and view.published)

    @Slot(int, QPoint)
    def show_menu(self, view_id: int, where: QPoint) -> None:
        """The context menu of a saved view in the list: what may be done to it."""
        if self.current != view_id:
            self.open(view_id)
        self.update_actions()
        acts = self.window.actions_by_name
        menu = QMenu(self.window)
        menu.setObjectName("savedViewMenu")
        for name in ("rename_view", "delete_view", "publish_view", "unpublish_view", "copy_view"):
            if acts[name].isVisible() and acts[name].isEnabled():
                menu.addAction(acts[name])
        self.menu = menu
        menu.aboutToHide.connect(menu.deleteLater)
        if menu.actions():
            menu.popup(where)

    # --- writes ---------------------------------------------------------------------------------

    def _describe(self) -> str:
        """What the queue shows now, in words (what "Save view…" saves)."""
        w = self.window
        parts = [self.status.view_name(self.queue.filter.view)]
        if w.search.text().strip():
            parts.append(f"“{w.search.text().strip()}”")
        for box in (w.status_filter, w.channel_filter, w.priority_filter):
            if box.currentIndex() > 0:
                parts.append(box.currentText())
        parts.append(w.sort_box.currentText())
        return self.tr("Saves what the queue shows now: {what}.").format(what=" · ".join(parts))

    def _current_fields(self) -> dict[str, Any]:
        w = self.window
        return {
            "base": self.queue.filter.view.value,
            "search": " ".join(w.search.text().split()),
            "status": w.status_filter.currentData() or "",
            "channel_id": w.channel_filter.currentData(),
            "min_priority": w.priority_filter.currentData(),
            "sort": w.sort_box.currentData(),
        }

    def _open_dialog(
        self,
        title: str,
        what: str,
        name: str,
        can_publish: bool,
        send: Callable[[str, bool], Callable[[], SavedViewRecord | None]],
        done_text: str,
    ) -> SaveViewDialog:
        dialog = SaveViewDialog(
            title=title, what=what, name=name, can_publish=can_publish, parent=self.window
        )
        self.dialog = dialog

        def submitted(chosen: str, published: bool) -> None:
            def ok(record: SavedViewRecord | None) -> None:
                if record is not None:
                    self._select_when_listed = int(record["id"])
                dialog.accept()
                self.status.notice(done_text.format(name=chosen))

            def failed(error: BaseException) -> None:
                dialog.show_error(self._why(error))

            self.runner.net(send(chosen, published), ok, failed, receiver=dialog)

        dialog.submitted.connect(submitted)
        dialog.finished.connect(lambda _code: self._dialog_closed(dialog))
        dialog.open()
        return dialog

    def _dialog_closed(self, dialog: SaveViewDialog) -> None:
        if self.dialog is dialog:
            self.dialog = None
        dialog.deleteLater()

    def _why(self, error: BaseException) -> str:
        if isinstance(error, OfflineError):
            return self.tr(
                "You are offline. Saved views are kept on the team server, so this waits until"
                " it is back; nothing was changed. Your search and filters stay as they are."
            )
        return error.message if isinstance(error, WebcareError) else str(error)

    @Slot()
    def save(self) -> None:
        """Ctrl+S: save what the queue shows now (base view, search, filters, sort) under a
        name; a lead may publish it to the team."""
        fields = self._current_fields()
        self._open_dialog(
            self.tr("Save view"),
            self._describe(),
            "",
            self.lead,
            lambda name, published: (
                lambda: self.api.create_view({**fields, "name": name, "published": published})
            ),
            self.tr("Saved the view “{name}”."),
        )

    @Slot()
    def rename(self) -> None:
        view = self.view(self.current)
        if view is None:
            return
        view_id = view.id
        self._open_dialog(
            self.tr("Rename view"),
            self.tr("A new name for “{name}”.").format(name=view.name),
            view.name,
            False,
            lambda name, _p: lambda: self.api.update_view(view_id, {"name": name}),
            self.tr("Renamed the view to “{name}”."),
        )

    @Slot()
    def copy(self) -> None:
        """A team view as one's own, to change as one likes."""
        view = self.view(self.current)
        if view is None:
            return
        fields = {
            "base": view.base, "search": view.search, "status": view.status,
            "channel_id": view.channel_id, "min_priority": view.min_priority, "sort": view.sort,
        }  # fmt: skip
        self._open_dialog(
            self.tr("Copy to my views"),
            self.tr("Your own copy of the team's view “{name}”.").format(name=view.name),
            self.tr("{name} (mine)").format(name=view.name),
            False,
            lambda name, _p: lambda: self.api.create_view({**fields, "name": name}),
            self.tr("Copied to your views as “{name}”."),
        )

    def _write(self, call: Callable[[], Any], done: str) -> None:
        def failed(error: BaseException) -> None:
            self.status.notice(self._why(error))

        self.runner.net(call, lambda _r: self.status.notice(done), failed, receiver=self)

    @Slot()
    def publish(self) -> None:
        view = self.view(self.current)
        if view is None or view.published:
            return
        view_id = view.id
        self._write(
            lambda: self.api.update_view(view_id, {"published": True}),
            self.tr("Published “{name}” to the team.").format(name=view.name),
        )

    @Slot()
    def unpublish(self) -> None:
        view = self.view(self.current)
        if view is None or not view.published:
            return
        view_id = view.id
        self._write(
            lambda: self.api.update_view(view_id, {"published": False}),
            self.tr("“{name}” is no longer the team's: only {who} sees it now.").format(
                name=view.name, who=view.owner or "?"
            ),
        )

    @Slot()
    def delete(self) -> None:
        """Delete the saved view on screen, once confirmed (a team view: for everyone)."""
        view = self.view(self.current)
        if view is None:
            return
        box = QMessageBox(self.window)
        box.setObjectName("deleteViewBox")
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle(self.tr("Delete saved view?"))
        box.setText(self.tr("Delete the view “{name}”?").format(name=view.name))
        box.setInformativeText(
            self.tr("It disappears for the whole team.")
            if view.published
            else self.tr("The mentions stay as they are; only the view goes.")
        )
        go = box.addButton(self.tr("&Delete"), QMessageBox.ButtonRole.DestructiveRole)
        keep = box.addButton(self.tr("&Keep it"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(keep)
        box.setEscapeButton(keep)
        view_id, name = view.id, view.name

        def finished(_code: int) -> None:
            self.confirm_box = None
            box.deleteLater()
            if box.clickedButton() is go:
                self._deleted.add(view_id)
                self._write(
                    lambda: self.api.delete_view(view_id),
                    self.tr("Deleted the view “{name}”.").format(name=name),
                )

        box.finished.connect(finished)
        self.confirm_box = box
        box.open()
        keep.setFocus()
