"""The queue: a table model over the local store, loaded in windows of rows.

``rowCount`` is the size of the whole filtered queue, but only the pages that are looked at are
loaded (on the DB thread). ``data()`` never does I/O: a row that is not loaded yet shows a
placeholder and asks for its page; when the page arrives, ``dataChanged`` repaints it.

A text search is counted up to a cap (``SEARCH_CAP`` rows at first): counting every match of a
common word in a year of mentions would cost more than showing them. When the view is
scrolled to the end of a capped search, Qt asks ``canFetchMore``/``fetchMore`` and the cap grows.
"""

from __future__ import annotations

import dataclasses
import time
from collections import OrderedDict
from enum import IntEnum
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QFont

from webcare.client_store.records import QueueFilter, QueueRow
from webcare.client_store.search import SEARCH_CAP, fts_query
from webcare.client_store.store import LocalStore
from webcare.ui import theme
from webcare.ui.tasks import TaskRunner
from webcare.ui.text import (
    channel_label,
    minutes,
    one_line,
    plain_tooltip,
    relative_time,
    snippet,
    wake_time,
)

PAGE = 200
MAX_PAGES = 50  # at most 10,000 rows in memory, whatever the queue's size

AnyIndex = QModelIndex | QPersistentModelIndex


class Col(IntEnum):
    PRIORITY = 0
    AUTHOR = 1
    TEXT = 2
    CHANNEL = 3
    RECEIVED = 4
    STATE = 5


class Role(IntEnum):
    MENTION_ID = Qt.ItemDataRole.UserRole + 1
    ROW = Qt.ItemDataRole.UserRole + 2
    UNREAD = Qt.ItemDataRole.UserRole + 3


_PRIORITY = {0: "", 1: "", 2: "▲", 3: "⚠"}


class QueueModel(QAbstractTableModel):
    """Rows of the queue for one :class:`QueueFilter`, windowed."""

    refreshed = Signal(object)  # position of the kept mention id (int) or None
    pageLoaded = Signal(int)  # noqa: N815 - Qt signal naming

    def __init__(self, runner: TaskRunner, me_id: int | None, parent: QObject | None = None):
        super().__init__(parent)
        self._runner = runner
        self.me_id = me_id
        self._filter = QueueFilter()
        self._count = 0
        self._cap = SEARCH_CAP  # how far a text search is counted (grows by fetchMore)
        self._more = False  # a capped search: there may be more rows than counted
        self._fetching = False
        self._pages: OrderedDict[int, list[QueueRow]] = OrderedDict()
        self._loading: set[int] = set()
        self._generation = 0
        self.kept_id: int | None = None  # the keep_id of the refresh shown now
        self.shown_filter: QueueFilter | None = None  # the filter of the rows shown now
        self._priority_tips = {
            0: self.tr("Low"),
            1: self.tr("Normal"),
            2: self.tr("High"),
            3: self.tr("Urgent"),
        }
        self._headers = [
            self.tr("!"), self.tr("Author"), self.tr("Mention"), self.tr("Channel"),
            self.tr("Received"), self.tr("State"),
        ]  # fmt: skip

    # --- loading ----------------------------------------------------------------------------

    @property
    def filter(self) -> QueueFilter:
        return self._filter

    def set_filter(self, f: QueueFilter, keep_id: int | None = None) -> None:
        self._filter = f
        self._cap = SEARCH_CAP
        self.refresh(keep_id)

    def refresh(self, keep_id: int | None = None) -> None:
        """Reload count and the first page; report where ``keep_id`` is now."""
        self._generation += 1
        generation = self._generation
        f = self._filter
        cap = self._cap

        def load(store: LocalStore) -> tuple[int, dict[int, list[QueueRow]], int | None]:
            now = time.time()
            position = store.position(f, keep_id, now, cap=cap) if keep_id is not None else None
            pages = {0: store.rows(f, 0, PAGE, now)}
            count = store.count(f, now, cap=cap)
            if position is not None and position >= PAGE:
                page_no = position // PAGE
                pages[page_no] = store.rows(f, page_no * PAGE, PAGE, now, total=count)
            return count, pages, position

        def done(result: tuple[int, dict[int, list[QueueRow]], int | None]) -> None:
            if generation != self._generation:
                return
            count, pages, position = result
            self.beginResetModel()
            self._count = count
            self._more = fts_query(f.text) is not None and count >= cap
            self._fetching = False
            self._pages = OrderedDict(sorted(pages.items()))
            self._loading.clear()
            self.kept_id = keep_id
            self.shown_filter = f
            self.endResetModel()
            self.refreshed.emit(position)

        self._runner.db(load, done, receiver=self)

    def is_capped(self) -> bool:
        """A search was counted up to its cap: there may be more rows than it shows yet."""
        return self._more

    def canFetchMore(self, parent: AnyIndex = QModelIndex()) -> bool:  # noqa: B008, N802
        return not parent.isValid() and self._more and not self._fetching

    def fetchMore(self, parent: AnyIndex = QModelIndex()) -> None:  # noqa: B008, N802
        """Count a capped search further (the view reached its last row)."""
        if not self.canFetchMore(parent):
            return
        self._fetching = True
        generation = self._generation
        f = self._filter
        cap = self._cap * 4

        def load(store: LocalStore) -> int:
            return store.count(f, time.time(), cap=cap)

        def done(count: int) -> None:
            if generation != self._generation:
                return
            self._fetching = False
            self._cap = cap
            self._more = count >= cap
            if count > self._count:
                self.beginInsertRows(QModelIndex(), self._count, count - 1)
                self._count = count
                self.endInsertRows()

        self._runner.db(load, done, receiver=self)

    def _request_page(self, page_no: int) -> None:
        if page_no in self._loading:
            return
        self._loading.add(page_no)
        generation = self._generation
        f = self._filter
        count = self._count

        def load(store: LocalStore) -> list[QueueRow]:
            return store.rows(f, page_no * PAGE, PAGE, total=count)

        def done(rows: list[QueueRow]) -> None:
            self._loading.discard(page_no)
            if generation != self._generation:
                return
            self._pages[page_no] = rows
            while len(self._pages) > MAX_PAGES:
                self._pages.popitem(last=False)
            first = page_no * PAGE
            last = min(self._count, first + len(rows)) - 1
            if last >= first:
                self.dataChanged.emit(
                    self.index(first, 0), self.index(last, self.columnCount() - 1)
                )
            self.pageLoaded.emit(page_no)

        self._runner.db(load, done, receiver=self)

    def row_at(self, row: int) -> QueueRow | None:
        """The loaded row, or None (and its page is requested)."""
        if not 0 <= row < self._count:
            return None
        page_no = row // PAGE
        page = self._pages.get(page_no)
        if page is None:
            self._request_page(page_no)
            return None
        self._pages.move_to_end(page_no)
        offset = row - page_no * PAGE
        return page[offset] if offset < len(page) else None

    def mark_read(self, mention_id: int) -> None:
        """Drop the unread mark of a loaded row (the store was told on the DB thread)."""
        for page_no, rows in self._pages.items():
            for offset, row in enumerate(rows):
                if row.id == mention_id and row.unread:
                    rows[offset] = dataclasses.replace(row, unread=False)
                    index = page_no * PAGE + offset
                    self.dataChanged.emit(
                        self.index(index, 0), self.index(index, self.columnCount() - 1)
                    )
                    return

    def repaint_states(self) -> None:
        """Lease countdowns and relative times move on with the clock: repaint those columns."""
        if self._count:
            self.dataChanged.emit(
                self.index(0, Col.RECEIVED),
                self.index(self._count - 1, Col.STATE),
                [
                    Qt.ItemDataRole.DisplayRole,
                    Qt.ItemDataRole.ForegroundRole,
                    Qt.ItemDataRole.ToolTipRole,
                ],
            )

    def loaded_pages(self) -> list[int]:
        return sorted(self._pages)

    # --- Qt model API -----------------------------------------------------------------------

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else self._count

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(Col)

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        horizontal = orientation == Qt.Orientation.Horizontal
        if horizontal and role == Qt.ItemDataRole.DisplayRole and 0 <= section < len(self._headers):
            return self._headers[section]
        return None

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= self._count:
            return None
        row = self.row_at(index.row())
        col = index.column()
        if row is None:
            return "…" if role == Qt.ItemDataRole.DisplayRole and col == Col.TEXT else None
        now = time.time()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(row, Col(col), now)
        if role == Role.MENTION_ID:
            return row.id
        if role == Role.ROW:
            return row
        if role == Role.UNREAD:
            return row.unread
        if role == Qt.ItemDataRole.ToolTipRole:
            if col == Col.TEXT:
                return plain_tooltip(row.text)
            if col == Col.PRIORITY:
                return self._priority_tips.get(row.priority, "")
            if col == Col.STATE and row.snoozed:
                return self._snooze_tip(row)
            if col == Col.STATE and row.live_claim(now):
                return plain_tooltip(self._lease_text(row, now))
            return None
        if role == Qt.ItemDataRole.FontRole and row.unread:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ForegroundRole and col == Col.STATE:
            if row.live_claim(now):
                mine = row.holder_id == self.me_id
                return QBrush(theme.colour("success" if mine else "warning"))
            return None
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{row.author}: {one_line(row.text, 300)}"
        return None

    def _snooze_tip(self, row: QueueRow) -> str:
        if row.snoozed_until is not None:
            return self.tr("Snoozed: it comes back {when} (or when the customer writes).").format(
                when=wake_time(row.snoozed_until)
            )
        return self.tr("Snoozed until the customer writes again.")

    def _lease_text(self, row: QueueRow, now: float) -> str:
        """Who holds a row and for how long (the queue's tooltip; the pane says the same)."""
        left = minutes((row.lease_expires_local or now) - now)
        if row.holder_id == self.me_id:
            return self.tr("You are working on this — your claim ends in {t}.").format(t=left)
        return self.tr("{name} is replying… (claim ends in {t})").format(
            name=row.holder or "?", t=left
        )

    def _display(self, row: QueueRow, col: Col, now: float) -> str:
        if col is Col.PRIORITY:
            return _PRIORITY.get(row.priority, "")
        if col is Col.AUTHOR:
            return row.author
        if col is Col.TEXT:
            return snippet(row.text)
        if col is Col.CHANNEL:
            return channel_label(row.channel)
        if col is Col.RECEIVED:
            return relative_time(row.received_at, now)
        # state
        if row.snoozed:  # the Snoozed view: when it comes back
            if row.snoozed_until is not None:
                return self.tr("Until {when}").format(when=wake_time(row.snoozed_until, now))
            return self.tr("Until they write")
        if row.live_claim(now):
            left = minutes((row.lease_expires_local or now) - now)
            if row.holder_id == self.me_id:
                return self.tr("Mine · {t} left").format(t=left)
            return self.tr("{name} · {t} left").format(name=row.holder or "?", t=left)
        return {
            "open": self.tr("Open"),
            "claimed": self.tr("Open"),
            "answered": self.tr("Answered"),
            "closed": self.tr("Closed"),
            "spam": self.tr("Spam"),
        }.get(row.effective_status(now), row.status)
