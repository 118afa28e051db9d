"""The queue: which list is on screen (view, search, filters) and which row is selected.

**One place decides what the pane shows after a list refresh**: ``_on_refreshed``, from the
pending intent ``_next`` (a :class:`~webcare.ui.controllers.inbox.intent.Next`). An action that
decides where the selection goes next records its intent when it starts (a view or filter the
agent chose: ``FIRST``; a claim: ``Next.follow(id)``, :meth:`InboxQueue.follow_claim`; "go to"
a mention from the author card or the Team window: ``Next.show(id)``), and the first list that
settles it consumes it (back to ``KEEP``); so the order in which the claim's answer, the change
feed and a list load arrive does not matter. Which list to load while following a claim is
``_refresh_list``'s one question (the local store's answer: is the mention under Mine yet?).
Moving on after resolve, spam and release needs no intent: it happens at once, in the list on
screen (:meth:`InboxQueue.move_on_from`). The rule is docs/agents.md's "Moving on": a claim
stays on the mention and follows it to Mine; resolve, spam and release select the next row (the
previous after the last, else nothing); a change from someone else that takes the mention out
of the list empties the pane.
"""

from __future__ import annotations

import dataclasses
import time

from PySide6.QtCore import QItemSelectionModel, QModelIndex, QObject, Qt, QTimer, Slot

from webcare.client_store.records import ChangeSummary, QueueFilter, Sort, View, build_filter
from webcare.client_store.store import LocalStore
from webcare.ui.controllers.inbox.intent import FIRST, KEEP, Next
from webcare.ui.controllers.inbox.pane import InboxPane, selected_id
from webcare.ui.controllers.inbox.status import InboxStatus
from webcare.ui.models.queue_model import Col, QueueModel, Role
from webcare.ui.tasks import TaskRunner
from webcare.ui.text import channel_label
from webcare.ui.widgets.highlight import HighlightDelegate, search_words
from webcare.ui.widgets.main_window import MainWindow

# views a mention leaves when we claim it: the window follows it to Mine
_LEFT_BY_A_CLAIM = (View.UNCLAIMED, View.ANSWERED)


class InboxQueue(QObject):
    """The list on screen and its selection; the pane follows the selected row."""

    def __init__(
        self,
        window: MainWindow,
        runner: TaskRunner,
        pane: InboxPane,
        status: InboxStatus,
        me_id: int,
        parent: QObject,
    ) -> None:
        super().__init__(parent)
        self.window = window
        self.runner = runner
        self.pane = pane
        self.status = status
        self.model = QueueModel(runner, me_id, self)
        self.filter = QueueFilter(view=View.UNCLAIMED)
        self._next = FIRST  # what the pane shows when the next list arrives (see Next)
        self._selecting = False
        # resolved, spam or released here, and maybe still on screen until the change feed
        # has it: moving on skips them. mention id -> the feed has brought a change of it
        self._leaving: dict[int, bool] = {}

        window.table.setModel(self.model)
        window.configure_table()
        self.highlight = HighlightDelegate(window.table)  # the search's words, marked
        window.table.setItemDelegateForColumn(Col.TEXT, self.highlight)
        self.model.refreshed.connect(self._on_refreshed)
        window.table.selectionModel().currentRowChanged.connect(self._on_row_changed)
        window.viewSelected.connect(self.set_view)
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(180)
        self._search_timer.timeout.connect(self._apply_filters)
        window.searchChanged.connect(self._on_search_typed)
        for combo in (window.status_filter, window.channel_filter, window.priority_filter,
                      window.sort_box):  # fmt: skip
            combo.currentIndexChanged.connect(self._apply_filters)
        window.detail.mentionRequested.connect(self.reveal_mention)  # "Go to it", author card
        pane.mentionGone.connect(self.clear_pane)

    # --- loading ------------------------------------------------------------------------------

    def _keep_id(self) -> int | None:
        """The mention a list being loaded is asked for: the one the agent asked to be shown
        (``Next.show``) while that is pending, else the pane's."""
        wanted = self._next.shows()
        return wanted if wanted is not None else self.pane.current_id

    def refresh(self) -> None:
        """Load the list again (the mention asked for, or the pane's, stays selected)."""
        self.model.set_filter(self.filter, keep_id=self._keep_id())

    def refresh_counts(self) -> None:
        """The built-in views' counters and the saved views', counted in the local store with
        each list's own query (no rows loaded)."""
        self.runner.db(
            lambda s: (s.view_counts(), s.saved_view_counts()),
            lambda counts: self.window.set_counts(*counts),
            receiver=self,
        )

    def refresh_channels(self) -> None:
        self.runner.db(lambda s: s.channels(), self._fill_channels, receiver=self)

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

    def on_changes(self, summary: ChangeSummary, resynced: bool) -> None:
        """A change page arrived: the mentions leaving are settled by the next list; the list,
        its counts and the channels are loaded again when the page touched them."""
        for mention_id in self._leaving:
            if resynced or mention_id in summary.mention_ids:
                self._leaving[mention_id] = True  # the next list shows it as it is now
        if resynced or summary.entities & {"mention", "user", "contact", "channel"}:
            self._refresh_list()
            self.refresh_counts()
        if resynced or "channel" in summary.entities:
            self.refresh_channels()

    # --- filters --------------------------------------------------------------------------------

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

    def show_filter(self, f: QueueFilter) -> None:
        """A saved view was chosen (its filter; the window's boxes show it already): its first
        row unless the pane's mention is in it, like a view chosen."""
        self._search_timer.stop()  # a search typed a moment ago is replaced, not applied later
        self.filter = f
        self._next = FIRST
        self.model.set_filter(f, keep_id=self._keep_id())

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

    @Slot(str)
    def _on_search_typed(self, _text: str) -> None:
        self._search_timer.start()  # applied once the typing pauses

    def _apply_filters(self) -> None:
        w = self.window
        self.filter, problems = build_filter(
            self.filter.view,
            w.search.text(),
            status=w.status_filter.currentData() or "",
            channel_id=w.channel_filter.currentData(),
            min_priority=w.priority_filter.currentData(),
            sort=Sort(w.sort_box.currentData()),
        )
        if problems:
            self.status.notice("; ".join(problems))
        self._next = FIRST  # the agent chose another list (this also stops following a claim)
        self.model.set_filter(self.filter, keep_id=self.pane.current_id)

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

    # --- the list arrives -----------------------------------------------------------------------

    @Slot(object)
    def _on_refreshed(self, position: int | None) -> None:
        """A new list is on screen: the one place that decides what the pane shows now, from
        the pending intent (``_next``; see :class:`Next`), which it consumes once settled."""
        self.highlight.set_words(search_words(self.model.filter.text))
        pane = self.pane
        if self.model.kept_id != self._keep_id():
            # the pane moved on (or another mention was asked for) while this list was on its
            # way: find that mention instead
            pane.update_actions()
            self._refresh_list()
            return
        self._show_search_result()
        self._settle_leaving()
        intent = self._next
        here = self.model.filter.view
        if intent.kind == "show":  # the agent asked for this mention: it, or nothing
            if position is None and here is View.ALL and intent.mention_id is not None:
                # All leaves out the sleeping ones: nothing is selected meanwhile (no row the
                # table picks by itself replaces the request)
                self.clear_pane()
                self._next = intent
                self._look_in_snoozed(intent)
                return
            self._next = KEEP
            if position is not None:
                self.select_row(position, quiet=intent.mention_id == pane.current_id)
            else:
                self.clear_pane()
                self.status.notice(self.tr("That mention is not on this computer yet."))
        elif position is not None:  # the pane's mention is in this list: it stays selected
            self.select_row(position, quiet=True)
            if intent.kind == "first" or (intent.kind == "follow" and here not in _LEFT_BY_A_CLAIM):
                self._next = KEEP  # settled (a claim is where it keeps the mention)
        elif intent.follows(pane.current_id) and here in _LEFT_BY_A_CLAIM:
            # our claim took it out of this list: the store says whether it is under Mine now
            self._refresh_list()
        elif intent.kind == "first":  # the agent changed the list: its first row, if any
            if self.model.rowCount():
                self._next = KEEP
                self.select_row(0)
            else:
                self.clear_pane()
                self._next = FIRST  # the first mention that arrives is shown
        else:  # a change from elsewhere took the mention out of this list: nothing instead
            gone = pane.detail if pane.current_id is not None else None
            self.clear_pane()
            if gone is not None:
                self.status.notice(
                    self.tr("{who} is no longer in {view}; choose a mention (J/K).").format(
                        who=gone.handle, view=self.status.view_name(self.filter.view)
                    )
                )
        pane.update_actions()

    def _look_in_snoozed(self, intent: Next) -> None:
        """A mention asked for ("go to it") that All does not list: asleep, it is shown under
        Snoozed instead; else it is not here (the Snoozed list says so, being asked for it)."""
        mention_id = intent.mention_id
        assert mention_id is not None
        snoozed = dataclasses.replace(self.filter, view=View.SNOOZED)

        def asleep(store: LocalStore) -> bool:
            return store.position(snoozed, mention_id, time.time()) is not None

        def done(found: bool) -> None:
            if self._next != intent:
                return  # the agent chose something else meanwhile
            if found:
                self._show_view(View.SNOOZED, intent)
            else:
                self._next = KEEP
                self.clear_pane()
                self.status.notice(self.tr("That mention is not on this computer yet."))

        self.runner.db(asleep, done, receiver=self)

    def _refresh_list(self) -> None:
        """Reload the list, keeping the pane's mention. While a claim made here is followed
        (``Next.follow``) out of Unclaimed or Answered, the local store is asked first where
        the mention is: still here (reload this list), under Mine (show Mine, still following:
        the old list, with the mention selected, stays until Mine's is there, so no key finds
        nothing or something else selected), or neither (someone else has it: stop following;
        the reload then empties the pane and says so)."""
        intent, here, mention_id = self._next, self.filter, self.pane.current_id
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
            if (self._next, self.filter, self.pane.current_id) != (intent, here, mention_id):
                self._refresh_list()  # the agent acted meanwhile: decide again for what is now
            elif place == "mine":
                detail = self.pane.detail
                self.status.notice(
                    self.tr("Claimed {who}: it is under Mine now.").format(
                        who=detail.handle if detail is not None else "?"
                    )
                )
                self._show_view(View.MINE, intent)
            else:
                if place == "gone":
                    self._next = KEEP
                self.model.refresh(keep_id=mention_id)

        self.runner.db(where, done, receiver=self)

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

    # --- the selection --------------------------------------------------------------------------

    def select_row(self, row: int, *, quiet: bool = False) -> None:
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
        if mention_id == self.pane.current_id and self._selecting:
            return
        if self._next.kind in ("follow", "show") and self._next.mention_id != int(mention_id):
            # the agent went to another mention: stop following the claim, or going to the
            # mention asked for (the list it was asked in stays; it keeps this one)
            self._next = KEEP
        self._open(int(mention_id))

    def _open(self, mention_id: int) -> None:
        """The pane shows the selected row's mention, which is read now."""
        self.pane.show(mention_id)
        self.runner.db(lambda s: s.mark_read(mention_id))
        self.model.mark_read(mention_id)

    def _retry_current(self, _page: int) -> None:
        self.model.pageLoaded.disconnect(self._retry_current)
        index = self.window.table.currentIndex()
        if index.isValid():
            self._on_row_changed(index, QModelIndex())

    @Slot()
    def next_mention(self) -> None:
        row = self.window.table.currentIndex().row()
        self.select_row(row + 1 if row >= 0 else 0)
        self.window.table.setFocus()

    @Slot()
    def previous_mention(self) -> None:
        row = self.window.table.currentIndex().row()
        self.select_row(max(0, row - 1))
        self.window.table.setFocus()

    @Slot()
    def clear_pane(self) -> None:
        """Nothing selected, nothing shown, no action enabled."""
        self._next = KEEP
        table = self.window.table
        self._selecting = True
        try:
            table.selectionModel().clearSelection()
            table.setCurrentIndex(QModelIndex())  # and Qt does not pick a row on focus
        finally:
            self._selecting = False
        self.pane.clear()

    # --- moving on, and following a claim -------------------------------------------------------

    def follow_claim(self, mention_id: int) -> None:
        """A claim of ``mention_id`` starts here: the window stays on it, and follows it to Mine
        when the claim takes it out of this list (recorded first: the change feed may bring the
        claim before the server's answer does)."""
        self._next = Next.follow(mention_id)

    def stop_following(self, mention_id: int) -> None:
        """The claim failed: nothing to follow, the mention stays where the list has it."""
        if self._next.follows(mention_id):
            self._next = KEEP

    def move_on_from(self, mention_id: int) -> None:
        """After resolve, spam or release: the next row of the list, the previous one if it
        was the last, or an empty pane — skipping rows that are on screen only until the change
        feed takes them away (resolved or released here a moment ago). Nothing moves if the
        agent has moved on already."""
        self._leaving[mention_id] = False
        if self.pane.current_id != mention_id:
            return
        index = self.window.table.currentIndex()
        selected = selected_id(self.window.table)
        row = index.row() if index.isValid() and selected == mention_id else -1
        if row < 0:
            self.clear_pane()
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
            self.clear_pane()
        else:
            self.select_row(target)

    def stays(self, mention_id: int) -> None:
        """It did not leave after all (the server or the store refused): not to be skipped."""
        self._leaving.pop(mention_id, None)

    def _settle_leaving(self) -> None:
        """A list is on screen that was loaded after the feed brought the change of these
        mentions: it shows them as they are now, so moving on need not skip them any more."""
        for mention_id in [m for m, settled in self._leaving.items() if settled]:
            del self._leaving[mention_id]

    def stop(self) -> None:
        self._search_timer.stop()
