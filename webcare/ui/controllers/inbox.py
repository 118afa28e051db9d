"""The agent's inbox: acts on the window's intents with the store, the server and the outbox.

Threading: every store call goes through ``runner.db`` and every HTTP call through
``runner.net``; results come back here on the main thread.

**The pane shows the queue's selected row, or nothing.** ``current_id`` (the mention in the
pane) is set only from the table's current row (``_on_row_changed``) and cleared when that row
leaves the list (``_on_refreshed``); every action asks ``_target()``, which answers only when
the pane's mention is the selected row. What happens to the selection after an action is one
rule (docs/agents.md, "Moving on"): a claim stays on the mention and follows it to Mine;
resolve, spam and release select the next row at once (the previous after the last, else
nothing); a change from someone else that takes the mention out of the list empties the pane.

**One place decides what the pane shows after a list refresh**: ``_on_refreshed``, from the
pending intent ``_next`` (a :class:`Next`). An action that decides where the selection goes
next records its intent when it starts (a view or filter the agent chose: ``FIRST``; a
claim: ``Next.follow(id)``; "go to" a mention from the author card or the Team window:
``Next.show(id)``), and the first list that settles it consumes it (back to
``KEEP``); so the order in which the claim's answer, the change feed and a list load arrive
does not matter. Which list to load while following a claim is ``_refresh_list``'s one
question (the local store's answer: is the mention under Mine yet?). Moving on after resolve,
spam and release needs no intent: it happens at once, in the list on screen.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal

from PySide6.QtCore import (
    QItemSelectionModel,
    QModelIndex,
    QObject,
    QSettings,
    Qt,
    QTimer,
    QUrl,
    Slot,
)
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox, QSystemTrayIcon

from webcare.client_store.media_cache import MediaCache, cache_dir_for
from webcare.client_store.records import (
    ChangeSummary,
    ConversationItem,
    Me,
    MediaItem,
    MentionDetail,
    OutboxEntry,
    QueueFilter,
    Sort,
    Template,
    View,
)
from webcare.client_store.search import parse_search
from webcare.client_store.store import LocalStore
from webcare.domain import textlength
from webcare.domain.errors import ClaimConflict, ValidationError, WebcareError
from webcare.domain.media import size_words
from webcare.domain.models import TemplateContext
from webcare.domain.templates import render
from webcare.net.agent_api import ApiClient
from webcare.net.errors import OfflineError
from webcare.sync.engine import PushResult
from webcare.sync.loops import SyncStatus
from webcare.ui.models.queue_model import Col, QueueModel, Role
from webcare.ui.prefs import Notifications
from webcare.ui.sync_service import SyncService
from webcare.ui.tasks import TaskRunner, describe_error
from webcare.ui.team.audit_view import AuditView
from webcare.ui.team.team_window import TeamWindow, tabs_for
from webcare.ui.text import channel_label, hours, minutes, one_line, plain_tooltip
from webcare.ui.widgets.cheatsheet import CheatSheet
from webcare.ui.widgets.highlight import HighlightDelegate, search_words
from webcare.ui.widgets.main_window import MainWindow
from webcare.ui.widgets.media import MediaSource
from webcare.ui.widgets.platform_template_picker import PlatformTemplatePicker
from webcare.ui.widgets.template_picker import TemplatePicker

RENEW_EVERY_S = 120.0
# views a mention leaves when we claim it: the window follows it to Mine
_LEFT_BY_A_CLAIM = (View.UNCLAIMED, View.ANSWERED)


@dataclasses.dataclass(frozen=True)
class Next:
    """Where the selection goes when the next list arrives: the intent of the last action that
    decides it, recorded when the action starts and consumed once (docs/agents.md, "Moving on").

    * ``keep`` (no intent): the selected mention stays selected; if the list no longer has it,
      a change from elsewhere took it away: the pane empties and the status bar says so.
    * ``first``: the agent chose a list (a view, a search, a filter): the selected mention if
      the list has it, else its first row (an empty list: the first mention that arrives).
    * ``follow`` (``mention_id``): claimed here. While this list has it, it stays selected; once
      the claim has taken it out (the local store has it under Mine), the window shows Mine
      with it selected.
    * ``show`` (``mention_id``): the agent asked for that mention ("Go to it" on the author
      card, a double-click in the Team window): the list is All with nothing filtered away,
      and it is selected there (if this computer does not have it, the pane empties and the
      status bar says so). Every list loaded meanwhile is asked for it, not for the pane's.
    """

    kind: Literal["keep", "first", "follow", "show"]
    mention_id: int | None = None

    @staticmethod
    def follow(mention_id: int) -> Next:
        return Next("follow", mention_id)

    @staticmethod
    def show(mention_id: int) -> Next:
        return Next("show", mention_id)

    def follows(self, mention_id: int | None) -> bool:
        return self.kind == "follow" and mention_id is not None and self.mention_id == mention_id

    def shows(self) -> int | None:
        """The mention asked for (``show``), which every list loaded meanwhile is to keep."""
        return self.mention_id if self.kind == "show" else None


KEEP = Next("keep")
FIRST = Next("first")


class InboxController(QObject):
    """Glue between the window, the local store, the server and the sync service."""

    def __init__(
        self,
        window: MainWindow,
        runner: TaskRunner,
        api: ApiClient,
        sync: SyncService,
        me: Me,
        *,
        lease_s: float = 900.0,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent or window)
        self.window = window
        self.runner = runner
        self.api = api
        self.sync = sync
        self.me = me
        self.lease_s = lease_s
        self.model = QueueModel(runner, me.id, self)
        self.filter = QueueFilter(view=View.UNCLAIMED)
        self.current_id: int | None = None  # the mention the pane shows (the selected row)
        self._next = FIRST  # what the pane shows when the next list arrives (see Next)
        #: mention id -> unsent text, note?, the images attached to it (their media records)
        self._drafts: dict[int, tuple[str, bool, list[dict[str, Any]]]] = {}
        self._replies: dict[str, tuple[str, str, int]] = {}  # op id -> who, channel, stage
        self.confirm_box: QMessageBox | None = None
        self.queued = 0
        self.picker: TemplatePicker | None = None
        self.platform_picker: PlatformTemplatePicker | None = None
        self.cheatsheet: CheatSheet | None = None
        self.detail: MentionDetail | None = None
        self.online: bool | None = None
        self.bootstrapped = False
        self._claims: dict[int, int] = {}  # mention id -> epoch granted to us
        self._claim_ends: dict[int, float] = {}  # mention id -> local time its lease ends
        # resolved, spam or released here, and maybe still on screen until the change feed
        # has it: moving on skips them. mention id -> the feed has brought a change of it
        self._leaving: dict[int, bool] = {}
        self._template_id: int | None = None
        self._detail_generation = 0
        self._selecting = False
        self._last_notice = ""
        self.notifications: list[str] = []  # what was announced (also shown in the banner)
        self.settings: QSettings | None = None  # notification preferences (set by the app)
        self.tray: QSystemTrayIcon | None = None
        if QSystemTrayIcon.isSystemTrayAvailable():
            self.tray = QSystemTrayIcon(window.windowIcon(), self)
            self.tray.show()

        window.table.setModel(self.model)
        window.configure_table()
        self.highlight = HighlightDelegate(window.table)  # the search's words, marked
        window.table.setItemDelegateForColumn(Col.TEXT, self.highlight)
        self._show_me()
        self.model.refreshed.connect(self._on_refreshed)
        window.table.selectionModel().currentRowChanged.connect(self._on_row_changed)
        window.viewSelected.connect(self.set_view)
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(180)
        self._search_timer.timeout.connect(self._apply_filters)
        window.searchChanged.connect(lambda _text: self._search_timer.start())
        for combo in (window.status_filter, window.channel_filter, window.priority_filter,
                      window.sort_box):  # fmt: skip
            combo.currentIndexChanged.connect(self._apply_filters)

        pane = window.detail
        pane.claim_button.clicked.connect(self.claim)
        pane.release_button.clicked.connect(self.release)
        pane.resolve_button.clicked.connect(self.resolve)
        pane.spam_button.clicked.connect(self.spam)
        pane.reopen_button.clicked.connect(self.reopen)
        pane.composer.sendRequested.connect(self._on_send_requested)
        pane.composer.templateRequested.connect(self.pick_template)
        pane.composer.editor.textChanged.connect(self._on_typing)
        pane.conversation.dismissRequested.connect(self.dismiss_rejected)
        pane.conversation.reuseRequested.connect(self._reuse_text)
        pane.conversation.retryRequested.connect(self.retry_delivery)
        pane.mentionRequested.connect(self.reveal_mention)  # "Go to it" on the author card
        store_path = runner.store_path
        self.media: MediaSource | None = None
        if store_path is not None:  # files come from our server into a cache beside the store
            self.media = MediaSource(runner, api, MediaCache(cache_dir_for(store_path)), self)
            pane.conversation.media_source = self.media
        pane.conversation.reattachRequested.connect(self._reattach)
        pane.composer.attachRequested.connect(self.attach_image)
        window.actions_by_name["attach"].triggered.connect(self.attach_image)

        actions = window.actions_by_name
        for name, slot in (
            ("claim", self.claim), ("release", self.release), ("reply", self.reply),
            ("template", self.pick_template), ("note", self.toggle_note),
            ("send", self.send), ("resolve", self.resolve), ("spam", self.spam),
            ("reopen", self.reopen),
            ("next", self.next_mention), ("previous", self.previous_mention),
            ("refresh", self.refresh_all), ("shortcuts", self.show_shortcuts),
            ("open_link", self.open_link),
        ):  # fmt: skip
            actions[name].triggered.connect(slot)

        self._sync_connections = [
            (sync.changed, self._on_changes),
            (sync.statusChanged, self._on_status),
            (sync.pushed, self._on_pushed),
            (sync.progress, self._on_progress),
        ]
        self._sync_connections.append((runner.taskFailed, self._on_task_failed))
        for signal, handler in self._sync_connections:
            signal.connect(handler)
        self._banner_timer = QTimer(self)
        self._banner_timer.setSingleShot(True)
        self._banner_timer.setInterval(8000)
        self._banner_timer.timeout.connect(lambda: self.window.show_banner(""))

        self.team_window: TeamWindow | None = None
        window.add_team_menu(tabs_for(me.role))
        for tab in tabs_for(me.role):
            window.actions_by_name[f"team_{tab}"].triggered.connect(
                lambda _=False, t=tab: self.open_team(t)
            )

        self._tick = QTimer(self)
        self._tick.setInterval(15_000)
        self._tick.timeout.connect(self._on_tick)
        self._tick.start()
        self._last_renew = 0.0
        self._update_actions()

    # --- loading ------------------------------------------------------------------------------

    def start(self) -> None:
        self.refresh_all()

    def _keep_id(self) -> int | None:
        """The mention a list being loaded is asked for: the one the agent asked to be shown
        (``Next.show``) while that is pending, else the pane's."""
        wanted = self._next.shows()
        return wanted if wanted is not None else self.current_id

    @Slot()
    def refresh_all(self) -> None:
        self.model.set_filter(self.filter, keep_id=self._keep_id())
        self._refresh_counts()
        self._refresh_channels()
        self._refresh_outbox_count()
        if self.current_id is not None:
            self._load_detail(self.current_id)
        self.sync.wake_push()

    def _refresh_counts(self) -> None:
        self.runner.db(lambda s: s.view_counts(), self.window.set_counts)

    def _refresh_outbox_count(self) -> None:
        self.runner.db(lambda s: s.outbox_counts(), self._show_outbox_counts)

    def _show_outbox_counts(self, counts: dict[str, int]) -> None:
        parts = []
        if counts["queued"]:
            parts.append(self.tr("{n} queued").format(n=counts["queued"]))
        if counts["rejected"]:
            parts.append(self.tr("{n} not sent").format(n=counts["rejected"]))
        self.window.queued_label.setText(" · ".join(parts))
        self.queued = counts["queued"]

    def _refresh_channels(self) -> None:
        self.runner.db(lambda s: s.channels(), self._fill_channels)

    def _fill_channels(self, channels: list[tuple[int, str]]) -> None:
        combo = self.window.channel_filter
        current = combo.currentData()
        combo.blockSignals(True)
        combo.clear()
        combo.addItem(self.tr("All channels"), None)
        for channel_id, name in channels:
            combo.addItem(channel_label(name), channel_id)
        index = combo.findData(current)
        combo.setCurrentIndex(max(0, index))
        combo.blockSignals(False)

    # --- filters and selection --------------------------------------------------------------

    @Slot(object)
    def set_view(self, view: View) -> None:
        """The agent chose a view (click, Ctrl+1…4): its first row unless the pane's mention is
        in it. This replaces a claim still being followed to Mine, so nothing that arrives late
        for that claim takes the window back there."""
        self._show_view(view, FIRST)

    def _show_view(self, view: View, then: Next) -> None:
        self.filter = dataclasses.replace(self.filter, view=view)
        self._sync_views_list(view)
        self._next = then
        self.model.set_filter(self.filter, keep_id=self._keep_id())

    def _sync_views_list(self, view: View) -> None:
        """The sidebar marks the view in effect, however it was chosen (key, click, follow)."""
        views = self.window.views
        for row in range(views.count()):
            if views.item(row).data(Qt.ItemDataRole.UserRole) == view.value:
                if views.currentRow() != row:
                    views.blockSignals(True)
                    views.setCurrentRow(row)
                    views.blockSignals(False)
                return

    def _apply_filters(self) -> None:
        w = self.window
        status = w.status_filter.currentData()
        search = parse_search(w.search.text())
        if search.problems:
            self.notice("; ".join(search.problems))
        chosen_priority = w.priority_filter.currentData()
        priorities = [p for p in (chosen_priority, search.min_priority) if p is not None]
        self.filter = QueueFilter(
            view=self.filter.view,
            text=search.text,
            statuses=(status,) if status else (),
            channel_id=w.channel_filter.currentData(),
            tag=search.tag,
            min_priority=max(priorities) if priorities else None,
            since=search.since,
            until=search.until,
            sort=Sort(w.sort_box.currentData()),
        )
        self._next = FIRST  # the agent chose another list (this also stops following a claim)
        self.model.set_filter(self.filter, keep_id=self.current_id)

    @Slot(object)
    def _on_refreshed(self, position: int | None) -> None:
        """A new list is on screen: the one place that decides what the pane shows now, from
        the pending intent (``_next``; see :class:`Next`), which it consumes once settled."""
        self.highlight.set_words(search_words(self.model.filter.text))
        if self.model.kept_id != self._keep_id():
            # the pane moved on (or another mention was asked for) while this list was on its
            # way: find that mention instead
            self._update_actions()
            self._refresh_list()
            return
        self._show_search_result()
        self._settle_leaving()
        intent = self._next
        here = self.model.filter.view
        if intent.kind == "show":  # the agent asked for this mention: it, or nothing
            self._next = KEEP
            if position is not None:
                self._select_row(position, quiet=intent.mention_id == self.current_id)
            else:
                self._clear_pane()
                self.notice(self.tr("That mention is not on this computer yet."))
        elif position is not None:  # the pane's mention is in this list: it stays selected
            self._select_row(position, quiet=True)
            if intent.kind == "first" or (intent.kind == "follow" and here not in _LEFT_BY_A_CLAIM):
                self._next = KEEP  # settled (a claim is where it keeps the mention)
        elif intent.follows(self.current_id) and here in _LEFT_BY_A_CLAIM:
            # our claim took it out of this list: the store says whether it is under Mine now
            self._refresh_list()
        elif intent.kind == "first":  # the agent changed the list: its first row, if any
            if self.model.rowCount():
                self._next = KEEP
                self._select_row(0)
            else:
                self._clear_pane()
                self._next = FIRST  # the first mention that arrives is shown
        else:  # a change from elsewhere took the mention out of this list: nothing instead
            gone = self.detail if self.current_id is not None else None
            self._clear_pane()
            if gone is not None:
                self.notice(
                    self.tr("{who} is no longer in {view}; choose a mention (J/K).").format(
                        who=gone.handle, view=self._view_name(self.filter.view)
                    )
                )
        self._update_actions()

    def _refresh_list(self) -> None:
        """Reload the list, keeping the pane's mention. While a claim made here is followed
        (``Next.follow``) out of Unclaimed or Answered, the local store is asked first where
        the mention is: still here (reload this list), under Mine (show Mine, still following:
        the old list, with the mention selected, stays until Mine's is there, so no key finds
        nothing or something else selected), or neither (someone else has it: stop following;
        the reload then empties the pane and says so)."""
        intent, here, mention_id = self._next, self.filter, self.current_id
        if not intent.follows(mention_id) or here.view not in _LEFT_BY_A_CLAIM:
            self.model.refresh(keep_id=self._keep_id())
            return
        assert mention_id is not None
        mine = dataclasses.replace(here, view=View.MINE)

        def where(store: LocalStore) -> str:
            now = time.time()
            if store.position(here, mention_id, now) is not None:
                return "here"
            return "mine" if store.position(mine, mention_id, now) is not None else "gone"

        def done(place: str) -> None:
            if (self._next, self.filter, self.current_id) != (intent, here, mention_id):
                self._refresh_list()  # the agent acted meanwhile: decide again for what is now
            elif place == "mine":
                self.notice(self.tr("Claimed {who}: it is under Mine now.").format(who=self._who()))
                self._show_view(View.MINE, intent)
            else:
                if place == "gone":
                    self._next = KEEP
                self.model.refresh(keep_id=mention_id)

        self.runner.db(where, done)

    def _show_search_result(self) -> None:
        """'3 mentions match “storing”', 'No mentions match “xyz”' over the queue."""
        words = self.window.search.text().strip()
        if not self.filter.text.strip():
            self.window.show_search_result("", True)
            return
        n = self.model.rowCount()
        if n == 0:
            text = self.tr("No mentions match “{q}”.").format(q=words)
        elif self.model.is_capped():
            text = self.tr("More than {n} mentions match “{q}” (scroll for more).").format(
                n=f"{n:,}", q=words
            )
        elif n == 1:
            text = self.tr("1 mention matches “{q}”.").format(q=words)
        else:
            text = self.tr("{n} mentions match “{q}”.").format(n=f"{n:,}", q=words)
        self.window.show_search_result(text, n > 0)

    def _select_row(self, row: int, *, quiet: bool = False) -> None:
        """Make ``row`` the current, selected row; the pane follows (``quiet``: the same mention
        as before, found again after a refresh — no reload)."""
        if not 0 <= row < self.model.rowCount():
            return
        index = self.model.index(row, 0)
        self._selecting = quiet
        try:
            self.window.table.selectionModel().setCurrentIndex(
                index,
                QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows,
            )
        finally:
            self._selecting = False
        self.window.table.scrollTo(index)

    def _selected_id(self) -> int | None:
        """The mention of the queue's current row, if that row is selected and loaded."""
        table = self.window.table
        index = table.currentIndex()
        if not index.isValid() or not table.selectionModel().isRowSelected(index.row()):
            return None
        mention_id = index.data(Role.MENTION_ID)
        return int(mention_id) if mention_id is not None else None

    def _target(self) -> MentionDetail | None:
        """The mention an action acts on: the one the pane shows, and only while it is the
        queue's selected row (else None: the action does nothing)."""
        d = self.detail
        if d is None or d.id != self.current_id or self._selected_id() != d.id:
            return None
        return d

    @Slot(QModelIndex, QModelIndex)
    def _on_row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if not current.isValid():
            return
        mention_id = current.data(Role.MENTION_ID)
        if mention_id is None:  # row not loaded yet: try when its page arrives
            self.model.pageLoaded.connect(self._retry_current)
            return
        selection = self.window.table.selectionModel()
        if not selection.isRowSelected(current.row()):
            # made current without a selection (Qt does that when the table gets the focus):
            # the highlighted row and the pane are always the same mention
            selection.select(
                current,
                QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows,
            )
        if mention_id == self.current_id and self._selecting:
            return
        if self._next.kind in ("follow", "show") and self._next.mention_id != int(mention_id):
            # the agent went to another mention: stop following the claim, or going to the
            # mention asked for (the list it was asked in stays; it keeps this one)
            self._next = KEEP
        self.show_mention(int(mention_id))

    def _retry_current(self, _page: int) -> None:
        self.model.pageLoaded.disconnect(self._retry_current)
        index = self.window.table.currentIndex()
        if index.isValid():
            self._on_row_changed(index, QModelIndex())

    @Slot()
    def next_mention(self) -> None:
        row = self.window.table.currentIndex().row()
        self._select_row(row + 1 if row >= 0 else 0)
        self.window.table.setFocus()

    @Slot()
    def previous_mention(self) -> None:
        row = self.window.table.currentIndex().row()
        self._select_row(max(0, row - 1))
        self.window.table.setFocus()

    def _move_on_from(self, mention_id: int) -> None:
        """After resolve, spam or release: the next row of the list, the previous one if it
        was the last, or an empty pane — skipping rows that are on screen only until the change
        feed takes them away (resolved or released here a moment ago). Nothing moves if the
        agent has moved on already."""
        self._leaving[mention_id] = False
        if self.current_id != mention_id:
            return
        index = self.window.table.currentIndex()
        row = index.row() if index.isValid() and self._selected_id() == mention_id else -1
        if row < 0:
            self._clear_pane()
            return

        def staying(r: int) -> bool:
            other = self.model.index(r, 0).data(Role.MENTION_ID)  # None: not loaded, not known
            return other is None or int(other) not in self._leaving

        after = (r for r in range(row + 1, self.model.rowCount()) if staying(r))
        before = (r for r in range(row - 1, -1, -1) if staying(r))
        target = next(after, None)
        if target is None:
            target = next(before, None)
        if target is None:
            self._clear_pane()
        else:
            self._select_row(target)

    def _settle_leaving(self) -> None:
        """A list is on screen that was loaded after the feed brought the change of these
        mentions: it shows them as they are now, so moving on need not skip them any more."""
        for mention_id in [m for m, settled in self._leaving.items() if settled]:
            del self._leaving[mention_id]

    def _clear_pane(self) -> None:
        """Nothing selected, nothing shown, no action enabled."""
        self._save_draft()
        self.current_id = None
        self.detail = None
        self._detail_generation += 1  # a detail still loading is not shown any more
        self._next = KEEP
        table = self.window.table
        self._selecting = True
        try:
            table.selectionModel().clearSelection()
            table.setCurrentIndex(QModelIndex())  # and Qt does not pick a row on focus
        finally:
            self._selecting = False
        pane = self.window.detail
        pane.composer.clear()
        pane.conversation.clear()
        pane.show_empty(True)
        self._update_actions()

    def _save_draft(self) -> None:
        composer = self.window.detail.composer
        if self.current_id is None:
            return
        text = composer.editor.toPlainText()
        if text.strip() or composer.attachments:
            self._drafts[self.current_id] = (
                text,
                composer.note_toggle.isChecked(),
                list(composer.attachments),
            )
        else:
            self._drafts.pop(self.current_id, None)

    # --- the selected mention ---------------------------------------------------------------

    def show_mention(self, mention_id: int) -> None:
        changed = mention_id != self.current_id
        if changed:
            self._save_draft()
        self.current_id = mention_id
        if changed:
            composer = self.window.detail.composer
            composer.clear()
            text, note, attached = self._drafts.pop(mention_id, ("", False, []))
            composer.note_toggle.setChecked(note)
            composer.editor.setPlainText(text)
            for record in attached:
                composer.add_attachment(record)
            self._template_id = None
            self.detail = None  # until its own detail is loaded, no action acts on the old one
            self._update_actions()
        self._load_detail(mention_id)
        self.runner.db(lambda s: s.mark_read(mention_id))
        self.model.mark_read(mention_id)

    def _load_detail(self, mention_id: int) -> None:
        self._detail_generation += 1
        generation = self._detail_generation

        def load(store: LocalStore) -> tuple[MentionDetail | None, list[ConversationItem]]:
            return store.detail(mention_id), store.conversation(mention_id)

        def done(result: tuple[MentionDetail | None, list[ConversationItem]]) -> None:
            if generation == self._detail_generation:
                self._show_detail(*result)

        self.runner.db(load, done)

    def _show_detail(self, detail: MentionDetail | None, items: list[ConversationItem]) -> None:
        pane = self.window.detail
        if detail is None:  # it is gone from the store: the list drops it at its next refresh
            self._clear_pane()
            return
        self.detail = detail
        pane.show_empty(False)
        self._show_author(detail)
        pane.conversation.set_items(items)
        pane.composer.set_context(
            signature=self.me.signature,
            limit=detail.char_limit,
            kind=detail.channel_kind,
            reply_to=detail.handle,
            can_attach=detail.can_attach,
            private=detail.private_reply,
        )
        self._update_presence()
        self._update_actions()

    def _show_author(self, detail: MentionDetail) -> None:
        """The author card (name, followers, earlier conversations, tags, other open
        mentions); its "go to" buttons and the conversation's select that mention
        (``reveal_mention``, connected once)."""
        self.window.detail.show_author(detail)

    def _holder_state(self, d: MentionDetail | None = None) -> tuple[str, float]:
        """('mine' | 'other' | 'free' | 'final', seconds left on the lease) of ``d`` (default:
        the mention in the pane)."""
        d = d if d is not None else self.detail
        if d is None:
            return "free", 0.0
        if d.status in ("closed", "spam"):
            return "final", 0.0
        granted = self._claims.get(d.id)
        if granted is not None and granted > d.claim_epoch:
            # the server granted us this claim and the local copy is older than it (the change
            # feed has not brought it yet): it is ours, as the status bar has just said
            left = self._claim_ends.get(d.id, 0.0) - time.time()
            if left > 0:
                return "mine", left
        left = max(0.0, (d.lease_expires_local or 0.0) - time.time())
        if d.holder_id is None or left <= 0:
            return "free", 0.0
        return ("mine" if d.holder_id == self.me.id else "other"), left

    def _update_presence(self) -> None:
        d = self.detail
        pane = self.window.detail
        if d is None:
            return
        state, left = self._holder_state()
        shown_state = state
        if state == "mine" and self.online is False:
            # offline the lease cannot be renewed: no reassuring green
            text = self.tr(
                "Offline: your claim ends in {t} and cannot be renewed until the server is"
                " back. It may lapse; then someone else can take this mention."
            ).format(t=minutes(left))
            shown_state = "lapsing"
            block = ""
        elif state == "mine":
            text = self.tr("You are working on this — your claim ends in {t}.").format(
                t=minutes(left)
            )
            block = ""
        elif state == "other":
            if d.claimed_since_local is not None:
                text = self.tr("{name} is replying… for {since} (claim ends in {t})").format(
                    name=d.holder or "?", since=minutes(time.time() - d.claimed_since_local),
                    t=minutes(left),
                )  # fmt: skip
            else:
                text = self.tr("{name} is replying… (claim ends in {t})").format(
                    name=d.holder or "?", t=minutes(left)
                )
            block = self.tr("{name} holds this mention; you cannot reply until it is free.").format(
                name=d.holder or "?"
            )
        elif state == "final":
            text = self.tr("This mention is {status}.").format(status=self.status_word(d.status))
            block = self.tr("Reopen it (Shift+E) before replying.")
        else:
            label = {"answered": self.tr("Answered"), "open": self.tr("Unclaimed")}
            text = label.get(d.status, self.tr("Unclaimed")) + " — " + self.tr("press C to claim")
            if self.online is False:
                text = (
                    label.get(d.status, self.tr("Unclaimed"))
                    + " — "
                    + self.tr("claiming needs the team server (offline)")
                )
            block = ""
        window, closed = self._window_text(d)
        if closed and state in ("free", "mine"):
            block = closed
        if not d.can_reply and state != "other":
            block = self.tr(
                "{channel} is listen-only: replies cannot be posted there. Open it on the"
                " platform (O) to respond, then resolve it (E)."
            ).format(channel=channel_label(d.channel) if d.channel else self.tr("This channel"))
        window_left = d.window_left(time.time())
        pane.composer.set_window(window, urgent=window_left is not None and window_left < 3600)
        pane.presence.setText(text)
        pane.presence.setProperty("state", shown_state)
        pane.presence.style().unpolish(pane.presence)
        pane.presence.style().polish(pane.presence)
        pane.composer.set_blocked(block)
        # outside the window the platform still takes its approved templates (WhatsApp)
        offer = bool(closed) and d.window_templates and d.can_reply and state in ("free", "mine")
        pane.composer.offer_platform_templates(self._platform(d) if offer else "")

    def _platform(self, d: MentionDetail) -> str:
        return textlength.PLATFORMS.get(d.channel_kind) or (
            channel_label(d.channel) if d.channel else self.tr("This channel")
        )

    def _window_text(self, d: MentionDetail) -> tuple[str, str]:
        """(the countdown while the messaging window is open, the refusal once it closed)."""
        now = time.time()
        left = d.window_left(now)
        if left is None:
            return "", ""
        channel = channel_label(d.channel) if d.channel else self.tr("This channel")
        window = hours(d.reply_window_s) if d.reply_window_s else ""
        if left > 0:
            if window:
                return self.tr(
                    "{t} left to reply: {channel} takes replies up to {window} after the"
                    " customer's last message."
                ).format(t=hours(left), channel=channel, window=window), ""
            return self.tr("{t} left to reply.").format(t=hours(left)), ""
        if d.window_templates and window and d.window_from_local is not None:
            return "", self.tr(
                "The customer last wrote {ago} ago; after {window} {platform} only delivers an"
                " approved template message. Choose one with Template… (Ctrl+T), or add a note"
                " (Ctrl+N) or resolve it (E)."
            ).format(
                ago=hours(now - d.window_from_local), window=window, platform=self._platform(d)
            )
        if window and d.window_from_local is not None:
            ago = now - d.window_from_local
            return "", self.tr(
                "The customer last wrote {ago} ago; {channel} only takes a reply within {window}"
                " of their last message. You can answer when they write again; meanwhile add a"
                " note (Ctrl+N) or resolve it (E)."
            ).format(ago=hours(ago), channel=channel, window=window)
        return "", self.tr(
            "The reply window of {channel} has closed. You can answer when the customer writes"
            " again; meanwhile add a note (Ctrl+N) or resolve it (E)."
        ).format(channel=channel)

    def _window_closed(self, d: MentionDetail | None) -> bool:
        left = d.window_left(time.time()) if d is not None else None
        return left is not None and left <= 0

    def _update_actions(self) -> None:
        d = self._target()
        state, _left = self._holder_state(d)
        has = d is not None
        offline = self.online is False
        pane = self.window.detail
        a = self.window.actions_by_name
        claimable = has and state == "free"
        pane.claim_button.setEnabled(claimable and not offline)
        pane.claim_button.setToolTip(
            self.tr("Claiming needs the team server; you are offline.")
            if offline
            else self.tr("Claim (C)")
        )
        a["claim"].setEnabled(claimable)  # offline, C still answers: it says why not
        pane.release_button.setEnabled(has and state == "mine" and not offline)
        pane.release_button.setToolTip(
            self.tr("Releasing needs the team server; you are offline.")
            if offline
            else self.tr("Release (U)")
        )
        a["release"].setEnabled(has and state == "mine")  # offline, U says why not
        for button, name in ((pane.resolve_button, "resolve"), (pane.spam_button, "spam")):
            button.setEnabled(has and state in ("free", "mine"))
            a[name].setEnabled(has and state in ("free", "mine"))
        pane.reopen_button.setVisible(has and state == "final")
        pane.reopen_button.setEnabled(has and state == "final")
        a["reopen"].setEnabled(has and state == "final")
        can_reply = d is not None and d.can_reply and not self._window_closed(d)
        a["reply"].setEnabled(has and can_reply and state in ("free", "mine"))
        a["open_link"].setEnabled(has and self._link() is not None)
        a["template"].setEnabled(has)
        a["note"].setEnabled(has)
        a["send"].setEnabled(has)
        a["attach"].setEnabled(has)  # where a reply cannot carry an image, it says why

    def _link(self) -> str | None:
        """The mention's address on its platform, if it is a web address."""
        url = self.detail.url if self.detail is not None else None
        return url if url and url.lower().startswith(("https://", "http://")) else None

    @Slot()
    def open_link(self) -> None:
        url = self._link()
        if url is not None:
            QDesktopServices.openUrl(QUrl(url, QUrl.ParsingMode.StrictMode))

    @Slot(str)
    def retry_delivery(self, reply_id: str) -> None:
        self.notice(self.tr("Asking the server to deliver it again…"))
        self.runner.net(
            lambda: self.api.retry_delivery(reply_id),
            lambda _reply: self._after_retry(),
            lambda error: self.notice(
                error.message if isinstance(error, WebcareError) else str(error)
            ),
        )

    def _after_retry(self) -> None:
        self.notice(self.tr("The reply is queued for delivery again."))
        self.sync.wake_push()

    # --- claims (online only: the server decides) ---------------------------------------------

    @Slot()
    def claim(self) -> None:
        self.claim_then(None)

    def claim_then(self, then: Callable[[], None] | None) -> None:
        """Claim the selected mention, then run ``then`` (on success only). The window stays on
        the mention: when the claim takes it out of this list, it follows it to Mine."""
        d = self._target()
        if d is None:
            return
        if self.online is False:
            self.notice(
                self.tr(
                    "You are offline: claiming needs the team server. Try again when it is back."
                )
            )
            return
        mention_id, who = d.id, d.handle
        # the intent first: the change feed may bring the claim before the server's answer does
        self._next = Next.follow(mention_id)

        def ok(response: dict[str, Any]) -> None:
            mention = response["mention"]
            self._claims[mention_id] = int(mention["claim_epoch"])
            self._claim_ends[mention_id] = time.time() + self.lease_s
            self.notice(self.tr("Claimed {who}. Your reply is yours to write.").format(who=who))
            self._after_server_change(mention_id)
            if self.current_id == mention_id:  # it is yours now, before the change feed says so
                self._update_presence()
                self._update_actions()
            if then is not None:
                then()

        def failed(error: BaseException) -> None:
            if self._next.follows(mention_id):
                self._next = KEEP  # nothing to follow: the mention stays where the list has it
            self._claim_failed(error)

        self.runner.net(lambda: self.api.claim(mention_id), ok, failed)

    def _claim_failed(self, error: BaseException) -> None:
        if isinstance(error, ClaimConflict):
            self.notice(
                self.tr("{name} is already replying to this mention (claim ends in {t}).").format(
                    name=error.holder_name or self.tr("Someone"), t=minutes(error.lease_remaining_s)
                )
            )
        elif isinstance(error, WebcareError):
            self.notice(error.message)
        else:
            self.notice(str(error))
        if self.current_id is not None:
            self._after_server_change(self.current_id)

    @Slot()
    def release(self) -> None:
        """Give the selected mention back and move on at once, like resolve (the next key acts
        on the next row, whenever the server's answer or the change feed arrives)."""
        d = self._target()
        if d is None:
            return
        if self.online is False:
            self.notice(
                self.tr(
                    "You are offline: releasing needs the team server. Try again when it is back."
                )
            )
            return
        mention_id, who = d.id, d.handle
        self._move_on_from(mention_id)

        def ok(_response: object) -> None:
            self._claims.pop(mention_id, None)
            self._claim_ends.pop(mention_id, None)
            self.notice(self.tr("Released {who}: it is back in the queue.").format(who=who))
            self._after_server_change(mention_id)

        def failed(error: BaseException) -> None:
            self._leaving.pop(mention_id, None)  # still yours: not to be skipped
            reason = error.message if isinstance(error, WebcareError) else str(error)
            self.notice(self.tr("Could not release {who}: {reason}").format(who=who, reason=reason))
            self._after_server_change(mention_id)

        self.runner.net(lambda: self.api.release(mention_id), ok, failed)

    def _after_server_change(self, _mention_id: int) -> None:
        # The change feed brings the new state within moments; ask the pusher too.
        self.sync.wake_push()

    def _renew_if_working(self) -> None:
        state, left = self._holder_state()
        d = self.detail
        if d is None or state != "mine" or self.online is False:
            return
        if time.time() - self._last_renew < RENEW_EVERY_S and left > self.lease_s / 3:
            return
        self._last_renew = time.time()
        mention_id = d.id
        self.runner.net(lambda: self.api.renew(mention_id), lambda _r: None, lambda _e: None)

    def _on_typing(self) -> None:
        if self.window.detail.composer.editor.toPlainText():
            self._renew_if_working()

    # --- writing ----------------------------------------------------------------------------

    @Slot()
    def reply(self) -> None:
        d = self._target()
        if d is None:
            return
        state, _left = self._holder_state(d)
        composer = self.window.detail.composer
        if state == "free":
            self.claim_then(composer.editor.setFocus)
        elif state == "mine":
            composer.editor.setFocus()
        else:
            self._update_presence()

    @Slot()
    def toggle_note(self) -> None:
        if self._target() is None:
            return
        toggle = self.window.detail.composer.note_toggle
        toggle.setChecked(not toggle.isChecked())
        self.window.detail.composer.editor.setFocus()

    @Slot()
    def pick_template(self) -> None:
        d = self._target()
        if d is None:
            return
        state, _left = self._holder_state(d)
        if d.window_templates and self._window_closed(d) and state in ("free", "mine"):
            self._open_platform_picker(d)  # canned answers are free text: not possible now
            return
        self.runner.db(lambda s: s.templates(), self._open_picker)

    def _open_platform_picker(self, d: MentionDetail) -> None:
        """The platform's approved templates (from the team server, which reads them with the
        channel's token); the dialog sends the one chosen."""
        if self.online is False:
            self.notice(self.tr("You are offline: the approved templates come from the team"
                                " server."))  # fmt: skip
            return
        mention_id, channel_id = d.id, d.channel_id
        platform = self._platform(d)

        def ok(listing: dict[str, Any]) -> None:
            if self.detail is None or self.detail.id != mention_id or self.platform_picker:
                return
            picker = PlatformTemplatePicker(
                listing, platform=platform, language=self.detail.language or "nl",
                variables=self._context().as_dict(), parent=self.window,
            )  # fmt: skip
            self.platform_picker = picker
            picker.finished.connect(lambda _code: self._platform_picked(picker, mention_id))
            picker.open()

        def failed(error: BaseException) -> None:
            words = error.message if isinstance(error, WebcareError) else str(error)
            self.notice(self.tr("The approved templates could not be loaded: {error}").format(
                error=words))  # fmt: skip

        self.runner.net(lambda: self.api.platform_templates(channel_id), ok, failed)

    def _platform_picked(self, picker: PlatformTemplatePicker, mention_id: int) -> None:
        self.window.activateWindow()
        chosen = picker.chosen if picker.result() else None
        picker.deleteLater()
        self.platform_picker = None
        d = self._target()
        if chosen is None or d is None or d.id != mention_id:
            return
        state, _left = self._holder_state(d)
        if state not in ("free", "mine"):
            self._update_presence()
            return
        payload = {"body": chosen.text, "platform_template": chosen.payload()}
        epoch = d.claim_epoch if d.holder_id == self.me.id else self._claims.get(d.id)
        if epoch is not None:
            self._enqueue("reply", d, {**payload, "claim_epoch": epoch})
            return
        self.claim_then(lambda: self._enqueue(
            "reply", d, {**payload, "claim_epoch": self._claims[d.id]}))  # fmt: skip

    def _context(self) -> TemplateContext:
        d = self.detail
        assert d is not None
        return TemplateContext(
            customer_name=d.name or d.handle,
            customer_handle=d.handle,
            agent_name=self.me.display_name,
            agent_signature=self.me.signature,
            brand=d.brand,
        )

    def _render(self, template: Template) -> str:
        try:
            return render(template.body, self._context())
        except WebcareError as exc:
            return exc.message

    def _open_picker(self, templates: list[Template]) -> None:
        if self.detail is None:
            return
        picker = TemplatePicker(
            templates, language=self.detail.language or "nl", render=self._render,
            parent=self.window,
        )  # fmt: skip
        self.picker = picker
        picker.finished.connect(lambda _code: self._picked(picker))
        picker.open()

    def _picked(self, picker: TemplatePicker) -> None:
        self.window.activateWindow()  # back to the inbox, keyboard focus in the composer
        if picker.result() and picker.chosen is not None:
            self._template_id = picker.chosen.id
            self.window.detail.composer.insert_text(self._render(picker.chosen))
        picker.deleteLater()
        self.picker = None

    @Slot()
    def send(self) -> None:
        self.window.detail.composer.request_send()

    @Slot(str, bool)
    def _on_send_requested(self, text: str, is_note: bool) -> None:
        d = self._target()
        if d is None or not text:
            return
        if is_note:
            self._enqueue("note", d, {"body": text})
            return
        state, _left = self._holder_state(d)
        if state == "other":
            self._update_presence()
            self.notice(self.tr("{name} holds this mention; your text stays here.").format(
                name=d.holder or "?"))  # fmt: skip
            return
        if state == "final":
            self.notice(
                self.tr("This mention is {s}; reopen it first (Shift+E).").format(
                    s=self.status_word(d.status)
                )
            )
            return
        epoch = d.claim_epoch if d.holder_id == self.me.id else self._claims.get(d.id)
        payload: dict[str, Any] = {"body": text, "template_id": self._template_id}
        # uploaded images go by id; their records stay with the queued reply to show it
        attached = list(self.window.detail.composer.attachments)
        if attached:
            payload["media_ids"] = [int(a["id"]) for a in attached]
        if self.window.detail.composer.is_private:
            payload["private"] = True
        if epoch is not None:
            self._enqueue("reply", d, {**payload, "claim_epoch": epoch}, attached)
            return
        # not claimed yet: claim first (needs the server), then queue the reply

        def after_claim() -> None:
            self._enqueue("reply", d, {**payload, "claim_epoch": self._claims[d.id]}, attached)

        self.claim_then(after_claim)

    def _enqueue(
        self, kind: str, d: MentionDetail, payload: dict[str, Any],
        media: list[dict[str, Any]] | None = None,
    ) -> None:  # fmt: skip
        mention_id, who = d.id, d.handle

        def done(entry: OutboxEntry) -> None:
            self._drafts.pop(mention_id, None)
            if self.current_id == mention_id:  # (the agent may be on another mention by now)
                self.window.detail.composer.clear()
                self._template_id = None
            self.sync.wake_push()
            if kind == "note":
                self.notice(self.tr("Note saved on {who}.").format(who=who))
            else:
                self._replies[entry.op_id] = (who, d.channel, 0)
                self.notice(
                    self.tr("Reply to {who} queued; it is sent as soon as the server has it.")
                    .format(who=who)
                )  # fmt: skip
            self._refresh_outbox_count()
            if self.current_id == mention_id:
                self._load_detail(mention_id)

        def commit(store: LocalStore) -> OutboxEntry:
            entry = store.enqueue(kind, mention_id, payload, media or ())
            self.sync.wake_push()  # thread-safe: the sender starts at once, not after a repaint
            return entry

        self.runner.db(commit, done, self._write_failed)

    def _write_failed(self, error: BaseException) -> None:
        self.notice(
            self.tr("Could not save it on this computer: {reason}").format(
                reason=describe_error(error)
            )
        )

    # --- attachments ------------------------------------------------------------------------

    @Slot()
    def attach_image(self) -> None:
        """Ctrl+Shift+A: pick an image and upload it for the reply being written, or say why
        this reply cannot carry one."""
        if self.detail is None:
            return
        refusal = self._attach_refusal()
        if refusal:
            self.notice(refusal)
            return
        path, _filter = QFileDialog.getOpenFileName(
            self.window, self.tr("Attach an image"), "",
            self.tr("Images (*.png *.jpg *.jpeg *.gif *.webp)"),
        )  # fmt: skip
        if path:
            self.attach_file(Path(path))

    def _attach_refusal(self) -> str:
        """Why the reply being written cannot carry an image ("" when it can)."""
        d = self.detail
        composer = self.window.detail.composer
        if d is None:
            return ""
        if not d.can_reply:
            return self.tr("This channel only listens: there is no reply to attach an image to.")
        if not d.can_attach:
            return self.tr(
                "Replies on {channel} cannot carry images. Send the text, or answer with the "
                "image on the platform itself."
            ).format(channel=self._channel_words())
        if composer.is_note:
            return self.tr("An internal note cannot carry images; switch off Internal note.")
        return ""

    def _channel_words(self) -> str:
        d = self.detail
        return channel_label(d.channel) if d is not None and d.channel else self.tr("this channel")

    def attach_file(self, path: Path) -> None:
        """Upload ``path`` to the team server (which checks it is an image within its limit);
        the composer then shows it with a button to remove it. The copy is also kept in the
        media cache, so the reply's bubble shows it even while it waits offline."""
        refusal = self._attach_refusal()
        if refusal:
            self.notice(refusal)
            return
        mention_id = self.detail.id if self.detail is not None else None
        limit = self.detail.attach_max_bytes if self.detail is not None else None
        channel = self._channel_words()
        self.notice(self.tr("Uploading {name}…").format(name=path.name))
        source = self.media

        def upload() -> dict[str, Any]:
            data = path.read_bytes()
            if limit is not None and len(data) > limit:  # the platform's own limit (Bluesky)
                raise ValidationError(
                    self.tr("it is {size}; {channel} takes images up to {limit}.").format(
                        size=size_words(len(data)), channel=channel, limit=size_words(limit))
                )  # fmt: skip
            # the bytes decide on the server: the name says nothing it would believe
            record = self.api.upload_media(data, "application/octet-stream", filename=path.name)
            if source is not None:
                source.cache.put(MediaItem.from_wire(record), data)
            return record

        def done(record: dict[str, Any]) -> None:
            if self.current_id != mention_id:  # another mention was opened meanwhile: the image
                if mention_id is not None:  # stays with the draft of the reply it was for
                    text, note, attached = self._drafts.get(mention_id, ("", False, []))
                    if all(a["id"] != record["id"] for a in attached):
                        self._drafts[mention_id] = (text, note, [*attached, record])
                return
            if self.window.detail.composer.add_attachment(record):
                self.notice(self.tr("{name} is attached to the reply.").format(name=path.name))
            else:
                self.notice(self.tr("{name} is attached already, or the reply carries as many "
                                    "images as it can.").format(name=path.name))  # fmt: skip

        def failed(error: BaseException) -> None:
            if isinstance(error, OfflineError):
                words = self.tr(
                    "the team server cannot be reached. An image is uploaded when you attach "
                    "it, so attach it again once you are online; the text can be queued now."
                )
            elif isinstance(error, WebcareError):
                words = error.message
            elif isinstance(error, OSError):
                words = error.strerror or str(error)
            else:
                words = str(error)
            self.notice(self.tr("{name} was not attached: {reason}").format(
                name=path.name, reason=words))  # fmt: skip

        self.runner.net(upload, done, failed)

    @Slot(object)
    def _reattach(self, media: tuple[MediaItem, ...]) -> None:
        """A rejected reply's images back in the composer with its text (where they can go)."""
        composer = self.window.detail.composer
        if self._attach_refusal():
            return
        for item in media:
            composer.add_attachment({
                "id": item.id, "kind": item.kind, "mime": item.mime, "size": item.size,
                "filename": item.filename, "caption": item.caption, "state": item.state,
            })  # fmt: skip

    def _set_status(self, status: str) -> None:
        d = self._target()
        if d is None:
            return
        state, _left = self._holder_state(d)
        if status in ("closed", "spam") and state != "mine":
            self._confirm_status(d, status)  # nobody (or not you) holds it: ask first
            return
        self._commit_status(d, status)

    def _confirm_status(self, d: MentionDetail, status: str) -> None:
        """Resolving or marking spam a mention you do not hold: say so, and let the safe
        answer be the default (Enter and Esc keep it open)."""
        box = QMessageBox(self.window)
        box.setIcon(QMessageBox.Icon.Question)
        box.setTextFormat(Qt.TextFormat.PlainText)  # the handle and text are the customer's
        if status == "closed":
            box.setWindowTitle(self.tr("Resolve a mention nobody claimed?"))
            box.setText(self.tr("Resolve {who}? You have not claimed it.").format(who=d.handle))
            go = box.addButton(self.tr("&Resolve"), QMessageBox.ButtonRole.AcceptRole)
        else:
            box.setWindowTitle(self.tr("Mark a mention nobody claimed as spam?"))
            box.setText(
                self.tr("Mark {who} as spam? You have not claimed it.").format(who=d.handle)
            )
            go = box.addButton(self.tr("Mark as &spam"), QMessageBox.ButtonRole.AcceptRole)
        box.setInformativeText(
            self.tr("“{text}”\n\nIt leaves the queue for the whole team.").format(
                text=one_line(d.text, 160)
            )
        )
        cancel = box.addButton(self.tr("&Keep it open"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(cancel)
        box.setEscapeButton(cancel)
        mention_id = d.id

        def finished(_code: int) -> None:
            self.confirm_box = None
            box.deleteLater()
            if box.clickedButton() is not go:
                self.notice(self.tr("Nothing changed: {who} stays open.").format(who=d.handle))
                return
            target = self._target()
            if target is None or target.id != mention_id:
                self.notice(
                    self.tr("{who} is no longer selected; nothing changed.").format(who=d.handle)
                )
                return
            self._commit_status(target, status)

        box.finished.connect(finished)
        self.confirm_box = box
        box.open()
        cancel.setFocus()

    def _commit_status(self, d: MentionDetail, status: str) -> None:
        mention_id, who = d.id, d.handle
        if status in ("closed", "spam"):
            self._move_on_from(mention_id)  # at once: the next key acts on the next mention
        words = {
            "closed": self.tr("Resolved {who}."),
            "spam": self.tr("Marked {who} as spam."),
            "open": self.tr("Reopened {who}: it is open again."),
        }

        def done(_entry: object) -> None:
            self.sync.wake_push()
            self._refresh_outbox_count()
            self.notice(words[status].format(who=who))

        def commit(store: LocalStore) -> object:
            entry = store.enqueue("set_status", mention_id, {"status": status})
            self.sync.wake_push()
            return entry

        def failed(error: BaseException) -> None:
            self._leaving.pop(mention_id, None)  # nothing changes: it stays, not to be skipped
            self._write_failed(error)

        self.runner.db(commit, done, failed)

    @Slot()
    def resolve(self) -> None:
        self._set_status("closed")

    @Slot()
    def spam(self) -> None:
        self._set_status("spam")

    @Slot()
    def reopen(self) -> None:
        """A closed or spam mention back to open (every role may, as on the server)."""
        d = self._target()
        if d is None or self._holder_state(d)[0] != "final":
            return
        self._commit_status(d, "open")

    def dismiss_rejected(self, op_id: str) -> None:
        def done(_r: object) -> None:
            self._refresh_outbox_count()
            if self.current_id is not None:
                self._load_detail(self.current_id)

        self.runner.db(lambda s: s.dismiss(op_id), done)

    def _reuse_text(self, text: str) -> None:
        composer = self.window.detail.composer
        composer.editor.setPlainText(text)
        composer.editor.setFocus()

    # --- sync events ------------------------------------------------------------------------

    @Slot(object, bool)
    def _on_changes(self, summary: ChangeSummary, resynced: bool) -> None:
        self.bootstrapped = True
        for mention_id in self._leaving:
            if resynced or mention_id in summary.mention_ids:
                self._leaving[mention_id] = True  # the next list shows it as it is now
        if resynced or summary.entities & {"mention", "user", "contact", "channel"}:
            self._refresh_list()
            self._refresh_counts()
        if resynced or "channel" in summary.entities:
            self._refresh_channels()
        if self.current_id is not None and (resynced or self.current_id in summary.mention_ids
                                            or summary.entities & {"contact", "user"}):  # fmt: skip
            self._load_detail(self.current_id)
        self._refresh_outbox_count()
        if self._replies and (resynced or "reply" in summary.entities):
            ops = list(self._replies)
            self.runner.db(lambda s: s.reply_states(ops), self._report_replies)
        if summary.new_mentions and not resynced:
            f = self.filter
            ids = list(summary.new_mentions)
            self.runner.db(lambda s: s.unread_in(f, ids), self._announce)

    def _report_replies(self, states: dict[str, tuple[str, str]]) -> None:
        """Say in the status bar where each reply sent from this window is now: on the team
        server, posted on the platform, or refused by it (the bubble in the conversation says
        the same)."""
        for op_id, (state, error) in states.items():
            if op_id not in self._replies:
                continue
            who, channel, stage = self._replies[op_id]
            where = channel or self.tr("the platform")
            if state == "sent":
                self._replies.pop(op_id)
                self.notice(
                    self.tr("Reply to {who} posted on {where}.").format(who=who, where=where)
                )
            elif state == "failed":
                self._replies.pop(op_id)
                self.notice(
                    self.tr("Reply to {who} could not be posted on {where}: {reason}").format(
                        who=who, where=where, reason=error or self.tr("no reason given")
                    )
                )
            elif stage < 1:
                self._reply_reached_server(op_id)

    def _reply_reached_server(self, op_id: str) -> None:
        who, channel, stage = self._replies[op_id]
        if stage >= 1:
            return
        self._replies[op_id] = (who, channel, 1)
        self.notice(
            self.tr("Reply to {who} sent to the team server; posting it on {where}…").format(
                who=who, where=channel or self.tr("the platform")
            )
        )

    def _view_name(self, view: View) -> str:
        names = {View.UNCLAIMED: self.tr("Unclaimed"), View.MINE: self.tr("Mine"),
                 View.ALL: self.tr("All"), View.ANSWERED: self.tr("Answered")}  # fmt: skip
        return names[view]

    def _who(self) -> str:
        return self.detail.handle if self.detail is not None else "?"

    def _announce(self, ids: list[int]) -> None:
        if not ids:
            return
        view_name = self._view_name(self.filter.view)
        text = (
            self.tr("1 new mention in {view}").format(view=view_name)
            if len(ids) == 1
            else self.tr("{n} new mentions in {view}").format(n=len(ids), view=view_name)
        )
        self.notifications.append(text)
        wanted = Notifications.load(self.settings)
        if wanted.banner:
            self.window.show_banner(text)
            self._banner_timer.start()
        window_active = self.window.isActiveWindow()
        if self.tray is not None and not window_active and wanted.tray:
            self.tray.showMessage("Webcare", text, QSystemTrayIcon.MessageIcon.Information, 5000)
        if wanted.sound:
            QApplication.beep()
        QApplication.alert(self.window)

    @Slot(object)
    def _on_status(self, status: SyncStatus) -> None:
        self.online = status.online
        label = self.window.sync_label
        if status.online:
            label.setText(self.tr("● Online"))
        elif status.auth_failed:
            label.setText(self.tr("Signed out: {m}").format(m=status.message))
        else:
            label.setText(
                self.tr("○ Offline — retrying in {s} s").format(s=max(1, round(status.retry_in_s)))
            )
            label.setToolTip(plain_tooltip(status.message))
        label.setProperty("online", status.online)
        label.style().unpolish(label)
        label.style().polish(label)
        self.window.show_offline(not status.online and not status.auth_failed)
        self._update_presence()
        self._update_actions()

    @Slot(object)
    def _on_pushed(self, result: PushResult) -> None:
        self._refresh_outbox_count()
        for outcome in result.results:
            op_id = str(outcome.get("op_id", ""))
            if op_id in self._replies and outcome.get("outcome") == "accepted":
                self._reply_reached_server(op_id)
            elif op_id in self._replies:
                self._replies.pop(op_id)
        for rejected in result.rejected:
            self.notice(
                self.tr("Not sent: {m} Your text is kept with the mention.").format(
                    m=rejected.get("message", "")
                )
            )
        if self.current_id is not None:
            self._load_detail(self.current_id)

    @Slot(str)
    def _on_task_failed(self, reason: str) -> None:
        """A background task nobody waited for failed (it is in the log with its traceback)."""
        self.notice(
            self.tr("Something went wrong in the background: {reason} (details in the log)").format(
                reason=reason
            )
        )

    @Slot(int, int)
    def _on_progress(self, done: int, total: int) -> None:
        self.window.sync_label.setText(self.tr("Loading history… {d}/{t}").format(d=done, t=total))

    def _on_tick(self) -> None:
        self._update_presence()
        self._update_actions()
        self.model.repaint_states()
        if self.window.detail.composer.editor.toPlainText():
            self._renew_if_working()

    # --- misc -------------------------------------------------------------------------------

    def shutdown(self) -> None:
        """Stop reacting: timers off, sync signals disconnected (called as the session ends)."""
        for timer in (self._tick, self._search_timer, self._banner_timer):
            timer.stop()
        for signal, handler in self._sync_connections:
            signal.disconnect(handler)
        self._sync_connections = []
        if self.tray is not None:
            self.tray.hide()

    def _show_me(self) -> None:
        me = self.me
        self.window.user_label.setText(
            f"{me.display_name} ({self.role_name(me.role)})  {me.signature}"
        )

    def set_me(self, me: Me) -> None:
        """The account's profile changed (Preferences): sign and show with the new one."""
        self.me = me
        self._show_me()
        if self.detail is not None:
            self.window.detail.composer.set_context(
                signature=me.signature, limit=self.detail.char_limit
            )

    def role_name(self, role: str) -> str:
        names = {"agent": self.tr("agent"), "lead": self.tr("lead"), "admin": self.tr("admin")}
        return names.get(role, role)

    def status_word(self, status: str) -> str:
        """A mention's status as it reads in a sentence ('This mention is closed.')."""
        words = {
            "open": self.tr("open", "mention status"),
            "claimed": self.tr("claimed", "mention status"),
            "answered": self.tr("answered", "mention status"),
            "closed": self.tr("closed", "mention status"),
            "spam": self.tr("spam", "mention status"),
        }
        return words.get(status, status)

    def notice(self, text: str) -> None:
        self._last_notice = text
        self.window.statusBar().showMessage(text, 8000)

    @property
    def last_notice(self) -> str:
        return self._last_notice

    @Slot()
    def open_team(self, tab: str) -> TeamWindow:
        """Open (once) the team window on ``tab``; its lifetime is the inbox window's."""
        if self.team_window is None:
            self.team_window = TeamWindow(self.runner, self.api, self.me.role, self.me.id)
            self.window.closing.connect(self.team_window.close)
            self.team_window.openMentionRequested.connect(self.reveal_mention)
            audit = self.team_window.views.get("audit")
            if isinstance(audit, AuditView):
                self.runner.db(lambda s: s.people(), audit.set_people)
        self.team_window.open_tab(tab)
        return self.team_window

    @Slot(int)
    def reveal_mention(self, mention_id: int) -> None:
        """Show ``mention_id`` ("Go to it" on the author card, a double-click in the Team
        window): under All, every filter cleared, selected there. It is an intent like any
        other (``Next.show``), settled by ``_on_refreshed``: the pane changes only through the
        selected row, and a later choice of the agent replaces it."""
        w = self.window
        self._search_timer.stop()  # a search typed a moment ago is replaced, not applied later
        boxes = (w.status_filter, w.channel_filter, w.priority_filter)
        for widget in (w.views, w.search, *boxes):
            widget.blockSignals(True)
        w.search.clear()
        for box in boxes:
            box.setCurrentIndex(0)
        for widget in (w.views, w.search, *boxes):
            widget.blockSignals(False)
        self.filter = QueueFilter(view=View.ALL, sort=self.filter.sort)
        self._show_view(View.ALL, Next.show(mention_id))
        w.raise_()
        w.activateWindow()

    def show_shortcuts(self) -> None:
        sheet = CheatSheet(list(self.window.actions_by_name.values()), self.window)
        self.cheatsheet = sheet
        sheet.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        sheet.open()
