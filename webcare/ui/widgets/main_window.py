"""The agent's inbox window: views, queue, conversation, composer. Widgets only; the
:class:`~webcare.ui.controllers.inbox.InboxController` acts on their signals."""

from __future__ import annotations

from itertools import pairwise

from PySide6.QtCore import QEvent, QObject, QPoint, QSize, Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QResizeEvent, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from webcare.client_store.records import AuthorContext, MentionDetail, SavedView, View
from webcare.ui.resources import icon
from webcare.ui.text import channel_label, day_label, one_line, plain_tooltip, relative_time
from webcare.ui.widgets.composer import Composer
from webcare.ui.widgets.conversation import ConversationView, plain_label
from webcare.ui.widgets.fit import (
    CompactButton,
    CompactRow,
    FilterLayout,
    FitComboBox,
    HintLineEdit,
)
from webcare.ui.widgets.queue_view import QueueView

VIEW_ORDER = (View.UNCLAIMED, View.MINE, View.ALL, View.ANSWERED, View.SNOOZED)
#: each view's key (Ctrl+5 … are the saved views', SAVED_VIEW_KEYS)
VIEW_KEYS = {View.UNCLAIMED: "Ctrl+1", View.MINE: "Ctrl+2", View.ALL: "Ctrl+3",
             View.ANSWERED: "Ctrl+4", View.SNOOZED: "Z"}  # fmt: skip
# the first five saved views in the list (the team's first, then one's own)
SAVED_VIEW_KEYS = ("Ctrl+5", "Ctrl+6", "Ctrl+7", "Ctrl+8", "Ctrl+9")
# the key of "Save view…" (Ctrl+Shift+S is the Team window's Settings)
SAVE_VIEW_KEY = "Ctrl+S"
# the id of the saved view a row of the views list shows (None: a built-in view, a heading)
SAVED_ID_ROLE = Qt.ItemDataRole.UserRole + 1

# action -> its icon in resources/icons (checked by tests/unit/test_resources.py)
ACTION_ICONS = {
    "claim": "claim",
    "release": "release",
    "handover": "handover",
    "reply": "reply",
    "template": "template",
    "note": "note",
    "send": "send",
    "resolve": "resolve",
    "reopen": "reopen",
    "spam": "spam",
    "snooze": "snooze",
    "unsnooze": "wake",
    "open_link": "open_link",
    "next": "next",
    "previous": "previous",
    "search": "search",
    "refresh": "sync",
    "shortcuts": "keyboard",
    "preferences": "settings",
    "signout": "sign_out",
    "team_workload": "team",
    "team_settings": "settings",
}


class DetailPane(QWidget):
    """The selected mention: its author, who is on it, the history and the composer."""

    mentionRequested = Signal(int)  # noqa: N815 - go to another open mention of the author

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("detailPane")
        self.author = plain_label("", selectable=True)
        self.author.setObjectName("authorName")
        self.profile = plain_label("", selectable=True)
        self.profile.setObjectName("authorProfile")
        # what the team knows of the author (AuthorContext): history, tags, open mentions
        self.history = plain_label("", selectable=False)
        self.history.setObjectName("authorHistory")
        self.tags = plain_label("", selectable=True)
        self.tags.setObjectName("authorTags")
        self.others = plain_label("", selectable=False)
        self.others.setObjectName("authorOpen")
        self.goto_button = QPushButton(self.tr("Go to it"), self)
        self.goto_button.setObjectName("gotoOpen")
        self.goto_button.setIcon(icon("next"))
        self.goto_button.clicked.connect(self._go_to_other)
        self._other_id: int | None = None
        self.presence = plain_label("", selectable=False)
        self.presence.setObjectName("presence")
        self.presence.setAccessibleName(self.tr("Who is working on this mention"))
        # what became of the action on the platform (a comment marked spam being hidden)
        self.platform_action = plain_label("", selectable=True)
        self.platform_action.setObjectName("platformAction")
        self.platform_action.setAccessibleName(self.tr("What happened on the platform"))
        self.platform_action.setVisible(False)
        self.claim_button = CompactButton(self.tr("Claim"), self)
        self.release_button = CompactButton(self.tr("Release"), self)
        self.handover_button = CompactButton(self.tr("Hand over…"), self)
        self.handover_button.setObjectName("handoverButton")
        self.resolve_button = CompactButton(self.tr("Resolve"), self)
        self.spam_button = CompactButton(self.tr("Spam"), self)
        self.reopen_button = CompactButton(self.tr("Reopen"), self)
        self.reopen_button.setObjectName("reopenButton")
        self.snooze_button = CompactButton(self.tr("Snooze"), self)
        self.snooze_button.setObjectName("snoozeButton")
        self.unsnooze_button = CompactButton(self.tr("Unsnooze"), self)
        self.unsnooze_button.setObjectName("unsnoozeButton")
        # a narrow pane shows the buttons' icons; their names stay in the tooltips
        self.buttons = CompactRow(self)
        self.buttons.setObjectName("mentionButtons")
        for button, name, keys in (
            (self.claim_button, "claim", "C"),
            (self.release_button, "release", "U"),
            (self.handover_button, "handover", "H"),
            (self.resolve_button, "resolve", "E"),
            (self.spam_button, "spam", "!"),
            (self.reopen_button, "reopen", "Shift+E"),
            (self.snooze_button, "snooze", "S"),
            (self.unsnooze_button, "wake", "Shift+S"),
        ):
            button.setIcon(icon(name))
            button.setToolTip(f"{button.text()} ({keys})")
            self.buttons.add(button)
        self.buttons.add_stretch()
        self.buttons.give_way_in(
            [self.spam_button, self.snooze_button, self.handover_button, self.release_button,
             self.resolve_button, self.claim_button, self.reopen_button, self.unsnooze_button]
        )  # fmt: skip
        self.reopen_button.setVisible(False)  # only a closed or spam mention can be reopened
        self.unsnooze_button.setVisible(False)  # only a snoozed one woken
        self.conversation = ConversationView(self)
        self.conversation.mentionRequested.connect(self.mentionRequested.emit)
        self.composer = Composer(self)
        self.empty = plain_label(self.tr("Select a mention (J/K to move, C to claim)."))
        self.empty.setObjectName("emptyState")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)

        others = QHBoxLayout()
        others.setSpacing(8)
        others.addWidget(self.others, 1)
        others.addWidget(self.goto_button)
        header = QVBoxLayout()
        header.setSpacing(2)
        header.addWidget(self.author)
        header.addWidget(self.profile)
        header.addWidget(self.history)
        header.addWidget(self.tags)
        header.addLayout(others)
        header.addSpacing(4)
        header.addWidget(self.presence)
        header.addWidget(self.platform_action)
        header.addWidget(self.buttons)
        self.body = QWidget(self)
        body = QVBoxLayout(self.body)
        body.setContentsMargins(0, 0, 0, 0)
        body.addLayout(header)
        line = QFrame(self)
        line.setFrameShape(QFrame.Shape.HLine)
        body.addWidget(line)
        body.addWidget(self.conversation, 1)
        body.addWidget(self.composer)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addWidget(self.empty, 1)
        layout.addWidget(self.body, 1)
        self.show_empty(True)
        self._show_others(None)

    def show_platform_action(self, text: str, state: str) -> None:
        """What became of the platform action (``state``: queued, done, failed); no text hides
        the line."""
        self.platform_action.setText(text)
        self.platform_action.setVisible(bool(text))
        self.platform_action.setProperty("state", state)
        self.platform_action.style().unpolish(self.platform_action)
        self.platform_action.style().polish(self.platform_action)

    def show_empty(self, empty: bool) -> None:
        self.empty.setVisible(empty)
        self.body.setVisible(not empty)

    # --- the author ---------------------------------------------------------------------------

    def show_author(self, detail: MentionDetail) -> None:
        """Name, handle, followers and channel; the author's earlier conversations and how they
        ended; tags; their other open mentions. Every text here is the customer's or derived
        from it: plain labels only."""
        self.author.setText(detail.name or detail.handle)
        followers = (
            self.tr("{n} followers").format(n=f"{detail.followers:,}")
            if detail.followers is not None
            else ""
        )
        context = detail.author
        bits = [detail.handle if detail.name else "", followers, channel_label(detail.channel)]
        if context.also:  # a merged contact: the same person's other handles
            bits.append(self.tr("also {handles}").format(handles=", ".join(context.also)))
        self.profile.setText(" · ".join(b for b in bits if b))
        self.history.setText(self._history_text(context) if detail.contact_id is not None else "")
        self.history.setVisible(bool(self.history.text()))
        self.tags.setText(self._tags_text(detail.tags, context.tags))
        self.tags.setVisible(bool(self.tags.text()))
        self._show_others(context)

    def _history_text(self, context: AuthorContext) -> str:
        """'3 earlier conversations: 2 resolved, 1 spam; last 12 Nov'."""
        if not context.earlier:
            return self.tr("No earlier conversations with this author.")
        outcomes = ", ".join(
            text.format(n=n)
            for n, text in (
                (context.resolved, self.tr("{n} resolved")),
                (context.answered, self.tr("{n} answered")),
                (context.spam, self.tr("{n} spam")),
            )
            if n
        )
        if context.earlier == 1:
            text = self.tr("1 earlier conversation: {outcomes}").format(outcomes=outcomes)
        else:
            text = self.tr("{n} earlier conversations: {outcomes}").format(
                n=context.earlier, outcomes=outcomes
            )
        if context.last_earlier_at is not None:
            text = self.tr("{history}; last {day}").format(
                history=text, day=day_label(context.last_earlier_at)
            )
        return text

    def _tags_text(self, own: tuple[str, ...], earlier: tuple[str, ...]) -> str:
        before = [t for t in earlier if t not in own]
        if own and before:
            return self.tr("Tags: {tags} · earlier: {earlier}").format(
                tags=", ".join(own), earlier=", ".join(before)
            )
        if own:
            return self.tr("Tags: {tags}").format(tags=", ".join(own))
        if before:
            return self.tr("Earlier tags: {earlier}").format(earlier=", ".join(before))
        return ""

    def _show_others(self, context: AuthorContext | None) -> None:
        newest = context.open_mentions[0] if context and context.open_mentions else None
        count = context.open_count if context else 0
        self._other_id = newest.id if newest is not None else None
        if count == 1:
            self.others.setText(self.tr("1 other open mention from this author"))
        else:
            self.others.setText(
                self.tr("{n} other open mentions from this author").format(n=count) if count else ""
            )
        self.others.setVisible(bool(count))
        self.goto_button.setVisible(newest is not None)
        if newest is not None:
            self.goto_button.setText(
                self.tr("Go to it") if count == 1 else self.tr("Go to the newest")
            )
            self.goto_button.setToolTip(
                plain_tooltip(
                    self.tr("Go to their newest open mention ({when}): {text}").format(
                        when=relative_time(newest.created_at), text=one_line(newest.text, 160)
                    )
                )
            )

    def _go_to_other(self) -> None:
        if self._other_id is not None:
            self.mentionRequested.emit(self._other_id)


class MainWindow(QMainWindow):
    viewSelected = Signal(object)  # noqa: N815 - View
    savedViewSelected = Signal(int)  # noqa: N815 - a saved view's id (a click, Ctrl+5…9)
    savedViewMenuRequested = Signal(int, QPoint)  # noqa: N815 - its context menu, where
    searchChanged = Signal(str)  # noqa: N815
    closing = Signal()
    bannerClicked = Signal()  # noqa: N815 - the banner over the queue (a notification)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Webcare")
        self.resize(1360, 820)

        # sidebar: views with counters
        self.views = QListWidget(self)
        self.views.setObjectName("views")
        self.views.setAccessibleName(self.tr("Views"))
        # as wide as its longest label with its count (set_counts), in any language
        self.views.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.views.setIconSize(QSize(0, 0))
        self._view_names = {
            View.UNCLAIMED: self.tr("Unclaimed"),
            View.MINE: self.tr("Mine"),
            View.ALL: self.tr("All"),
            View.ANSWERED: self.tr("Answered"),
            View.SNOOZED: self.tr("Snoozed"),
        }
        tips = {
            View.UNCLAIMED: self.tr("Mentions waiting for a first reply that nobody is working on"),
            View.MINE: self.tr("Mentions you are working on (your claims)"),
            View.ALL: self.tr("Every mention, whatever its status"),
            View.ANSWERED: self.tr(
                "Answered and still open: a reply was sent, but nobody resolved the mention yet"
                " (E resolves it when the conversation is done)"
            ),
            View.SNOOZED: self.tr(
                "Snoozed mentions and when each comes back: out of the other views until their"
                " time, or until the customer writes again (Z)"
            ),
        }
        for view in VIEW_ORDER:
            item = QListWidgetItem(self._view_names[view])
            item.setData(Qt.ItemDataRole.UserRole, view.value)
            item.setToolTip(tips[view])
            self.views.addItem(item)
        self.views.setCurrentRow(0)
        self.views.currentRowChanged.connect(self._view_row_changed)
        # saved views below the built-in ones (set_saved_views): headings, names, counts
        self.saved_views: list[SavedView] = []
        self._saved_counts: dict[int, int] = {}
        self.views.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.views.customContextMenuRequested.connect(self._views_menu)

        # queue with search and filters
        self.search = HintLineEdit(self)
        self.search.setObjectName("search")
        full_hint = self.tr("Search (/) — words, @handle, tag:storing, since:2017-10-11, prio:high")
        # the longest that fits the box is shown; the whole syntax stays in the tooltip
        self.search.set_hints(
            full_hint,
            self.tr("Search (/) — words, @handle, tag:, prio:, since:"),
            self.tr("Search (/)"),
        )
        self.search.setToolTip(full_hint)
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleName(self.tr("Search"))
        self.search.textChanged.connect(self.searchChanged.emit)
        self.status_filter = FitComboBox(self)
        self.status_filter.setAccessibleName(self.tr("Status filter"))
        for label, value in ((self.tr("Any status"), ""), (self.tr("Open"), "open"),
                             (self.tr("Claimed"), "claimed"), (self.tr("Answered"), "answered"),
                             (self.tr("Closed"), "closed"), (self.tr("Spam"), "spam")):  # fmt: skip
            self.status_filter.addItem(label, value)
        answered = self.status_filter.findData("answered")
        self.status_filter.setItemData(answered, tips[View.ANSWERED], Qt.ItemDataRole.ToolTipRole)
        self.channel_filter = FitComboBox(self)
        self.channel_filter.setAccessibleName(self.tr("Channel filter"))
        self.channel_filter.addItem(self.tr("All channels"), None)
        self.priority_filter = FitComboBox(self)
        self.priority_filter.setAccessibleName(self.tr("Priority filter"))
        priorities: list[tuple[str, int | None]] = [
            (self.tr("Any priority"), None),
            (self.tr("High and up"), 2),
            (self.tr("Urgent"), 3),
        ]
        for label, priority in priorities:
            self.priority_filter.addItem(label, priority)
        self.sort_box = FitComboBox(self)
        self.sort_box.setAccessibleName(self.tr("Sort order"))
        for label, value in ((self.tr("Newest first"), "newest"), (self.tr("Oldest first"),
                             "oldest"), (self.tr("Priority"), "priority")):  # fmt: skip
            self.sort_box.addItem(label, value)

        self.table = QueueView(self)  # its current row is always selected
        self.table.setObjectName("queue")
        self.table.setAccessibleName(self.tr("Queue"))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setShowGrid(False)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(28)
        self.table.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.table.setTabKeyNavigation(False)  # Tab moves on to the mention, not cell by cell
        self.table.setAccessibleDescription(
            self.tr("Mentions in the chosen view. J and K move, C claims, R replies.")
        )
        self.search.setAccessibleDescription(
            self.tr("Words, @handle, tag:, prio:, since: and until: narrow the queue")
        )
        self.views.setAccessibleDescription(
            self.tr(
                "Ctrl+1 to Ctrl+4 switch views; Z shows the snoozed mentions; Ctrl+5 to Ctrl+9"
                " open the first five saved views"
            )
        )

        # one row while it fits, else the boxes wrap below the search box (never cut)
        filters = FilterLayout()
        filters.addWidget(self.search)
        for combo in (self.status_filter, self.channel_filter, self.priority_filter,
                      self.sort_box):  # fmt: skip
            filters.addWidget(combo)
        middle = QWidget(self)
        mid = QVBoxLayout(middle)
        mid.setContentsMargins(0, 8, 0, 0)
        self.banner = plain_label("", selectable=False)
        self.banner.setObjectName("banner")
        self.banner.setVisible(False)
        self.banner.installEventFilter(self)
        mid.addWidget(self.banner)
        mid.addLayout(filters)
        # what a search found: "3 mentions match …", or a clear "no results" with a way out
        self.search_info = plain_label("", selectable=False)
        self.search_info.setObjectName("searchInfo")
        self.clear_search_button = QPushButton(self.tr("Clear search"), self)
        self.clear_search_button.setObjectName("clearSearch")
        self.clear_search_button.clicked.connect(self.clear_search)
        search_row = QHBoxLayout()
        search_row.addWidget(self.search_info, 1)
        search_row.addWidget(self.clear_search_button)
        self.search_row = QWidget(self)
        self.search_row.setLayout(search_row)
        search_row.setContentsMargins(2, 0, 0, 0)
        self.search_row.setVisible(False)
        mid.addWidget(self.search_row)
        mid.addWidget(self.table, 1)

        self.detail = DetailPane(self)
        self.splitter = splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(self.views)
        splitter.addWidget(middle)
        splitter.addWidget(self.detail)
        splitter.setStretchFactor(0, 0)
        splitter.setStretchFactor(1, 3)
        splitter.setStretchFactor(2, 2)
        splitter.setChildrenCollapsible(False)
        # the panes' widths follow the window's until the person drags a handle
        self._user_sized = False
        splitter.splitterMoved.connect(self._splitter_moved)
        # offline: said at the top of the window, not only in a corner of the status bar
        self.offline_banner = plain_label(
            self.tr(
                "Offline — the team server cannot be reached. Replies, notes and status changes"
                " are queued here and sent when it is back; claims cannot be made or renewed."
            ),
            selectable=False,
        )
        self.offline_banner.setObjectName("offlineBanner")
        self.offline_banner.setAccessibleName(self.tr("Offline"))
        self.offline_banner.setVisible(False)
        central = QWidget(self)
        column = QVBoxLayout(central)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(self.offline_banner)
        column.addWidget(splitter, 1)
        self.setCentralWidget(central)

        # status bar
        self.sync_label = QLabel(self.tr("Connecting…"), self)
        self.sync_label.setObjectName("syncState")
        self.queued_label = QLabel("", self)
        self.queued_label.setObjectName("queuedCount")
        self.user_label = QLabel("", self)
        # the last status action can be taken back for a few seconds (the undo part shows it)
        self.undo_button = QPushButton(self.tr("Undo"), self)
        self.undo_button.setObjectName("undoButton")
        self.undo_button.setFlat(True)
        self.undo_button.setToolTip(self.tr("Take back the last action (Ctrl+Z)"))
        self.undo_button.setVisible(False)
        self.statusBar().addPermanentWidget(self.undo_button)
        # names and server messages are untrusted: never interpreted as markup
        for status_label in (self.sync_label, self.queued_label, self.user_label):
            status_label.setTextFormat(Qt.TextFormat.PlainText)
        # permanent: a passing status message never hides the sync state
        self.statusBar().addPermanentWidget(self.sync_label)
        self.statusBar().addPermanentWidget(self.queued_label)
        self.statusBar().addPermanentWidget(self.user_label)

        self.actions_by_name: dict[str, QAction] = {}
        self._build_actions()
        self._set_focus_order()
        self.detail.composer.focusChainChanged.connect(self._set_focus_order)

    def _set_focus_order(self) -> None:
        """Tab goes left to right, top to bottom: views, search and filters, the queue, the
        author's other open mention, the mention's buttons, its conversation, then the composer
        and Send."""
        d = self.detail
        chain: list[QWidget] = [
            self.views,
            self.search,
            self.status_filter,
            self.channel_filter,
            self.priority_filter,
            self.sort_box,
            self.table,
            d.goto_button,  # the author's other open mention (shown when there is one)
            d.claim_button,
            d.release_button,
            d.handover_button,
            d.resolve_button,
            d.spam_button,
            d.reopen_button,
            d.snooze_button,
            d.unsnooze_button,
            d.conversation,
            *d.composer.focus_chain(),
        ]
        for first, second in pairwise(chain):
            QWidget.setTabOrder(first, second)

    def _action(self, name: str, text: str, keys: list[str], menu_name: str) -> QAction:
        action = QAction(text, self)
        action.setShortcuts([QKeySequence(k) for k in keys])
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        action.setObjectName(f"action_{name}")
        action.setProperty("menu", menu_name)  # the cheat sheet groups by it (cheatsheet.py)
        if name in ACTION_ICONS:
            action.setIcon(icon(ACTION_ICONS[name]))
        self.addAction(action)
        self._menus[menu_name].addAction(action)
        self.actions_by_name[name] = action
        return action

    def _build_actions(self) -> None:
        bar = self.menuBar()
        self._menus = {
            "mention": bar.addMenu(self.tr("&Mention")),
            "view": bar.addMenu(self.tr("&View")),
            "help": bar.addMenu(self.tr("&Help")),
        }
        a = self._action
        a("claim", self.tr("&Claim"), ["C"], "mention")
        a("release", self.tr("Re&lease claim"), ["U"], "mention")
        a("handover", self.tr("&Hand over…"), ["H"], "mention")
        a("reply", self.tr("&Reply"), ["R"], "mention")
        a("template", self.tr("Insert &template…"), ["T", "Ctrl+T"], "mention")
        a("note", self.tr("Internal &note mode"), ["N", "Ctrl+N"], "mention")
        a("attach", self.tr("&Attach image…"), ["Ctrl+Shift+A"], "mention")
        a("send", self.tr("&Send"), ["Ctrl+Return", "Ctrl+Enter"], "mention")
        self._menus["mention"].addSeparator()
        a("resolve", self.tr("Resolve (clos&e)"), ["E"], "mention")
        a("spam", self.tr("Mark as s&pam"), ["!"], "mention")
        a("reopen", self.tr("Reopen a close&d or spam mention"), ["Shift+E"], "mention")
        a("undo", self.tr("Undo the last act&ion"), ["Ctrl+Z"], "mention")
        a("snooze", self.tr("Snoo&ze…"), ["S"], "mention")
        a("unsnooze", self.tr("&Unsnooze: back to the queue"), ["Shift+S"], "mention")
        a("open_link", self.tr("&Open on the platform"), ["O"], "mention")
        a("next", self.tr("&Next mention"), ["J"], "view")
        a("previous", self.tr("&Previous mention"), ["K"], "view")
        a("queue", self.tr("Back to the &queue"), ["Escape"], "view")
        a("search", self.tr("&Search"), ["/", "Ctrl+F"], "view")
        self._menus["view"].addSeparator()
        for row, view in enumerate(VIEW_ORDER):
            act = a(f"view_{view.value}", self._view_names[view], [VIEW_KEYS[view]], "view")
            act.triggered.connect(lambda _=False, r=row: self.views.setCurrentRow(r))
        self._menus["view"].addSeparator()
        a("save_view", self.tr("Sa&ve view…"), [SAVE_VIEW_KEY], "view")
        for n, keys in enumerate(SAVED_VIEW_KEYS, start=1):
            act = a(f"saved_view_{n}", self.tr("Saved view {n}").format(n=n), [keys], "view")
            act.triggered.connect(lambda _=False, i=n - 1: self._open_saved(i))
        # what can be done to the saved view on screen (also its context menu in the list)
        a("rename_view", self.tr("&Rename saved view…"), [], "view")
        a("delete_view", self.tr("&Delete saved view"), [], "view")
        a("publish_view", self.tr("Pu&blish to the team"), [], "view")
        a("unpublish_view", self.tr("Make it personal a&gain"), [], "view")
        a("copy_view", self.tr("Copy to &my views…"), [], "view")
        self._menus["view"].addSeparator()
        a("refresh", self.tr("S&ync now"), ["F5"], "view")
        a("shortcuts", self.tr("&Keyboard shortcuts"), ["F1", "?"], "help")
        prefs = a("preferences", self.tr("&Preferences…"), ["Ctrl+,"], "help")
        prefs.setMenuRole(QAction.MenuRole.PreferencesRole)
        a("signout", self.tr("Sign &out"), [], "help")
        a("quit", self.tr("&Quit"), ["Ctrl+Q"], "help")
        self.actions_by_name["quit"].triggered.connect(self.close)
        self.actions_by_name["search"].triggered.connect(self._focus_search)
        self.actions_by_name["queue"].triggered.connect(self._focus_queue)

    def add_team_menu(self, tabs: list[str]) -> None:
        """Leads and admins get a Team menu; agents never see it (the server refuses anyway)."""
        if not tabs:
            return
        names = {
            "reports": (self.tr("&Reports"), "Ctrl+Shift+R"),
            "workload": (self.tr("&Workload"), "Ctrl+Shift+W"),
            "audit": (self.tr("&Audit log"), "Ctrl+Shift+L"),
            "contacts": (self.tr("C&ontacts"), "Ctrl+Shift+K"),
            "templates": (self.tr("&Templates"), "Ctrl+Shift+T"),
            "agents": (self.tr("A&gents"), "Ctrl+Shift+A"),
            "channels": (self.tr("&Channels"), "Ctrl+Shift+H"),
            "settings": (self.tr("&Settings"), "Ctrl+Shift+S"),
        }
        menu = self.menuBar().addMenu(self.tr("&Team"))
        self._menus["team"] = menu
        self.menuBar().insertMenu(self._menus["help"].menuAction(), menu)
        for tab in tabs:
            text, keys = names[tab]
            self._action(f"team_{tab}", text, [keys], "team")

    def _focus_queue(self) -> None:
        self.table.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def _focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def set_counts(self, counts: dict[View, int], saved: dict[int, int] | None = None) -> None:
        """The built-in views' counts and (``saved``) the saved views', by id."""
        for row, view in enumerate(VIEW_ORDER):
            item = self.views.item(row)
            item.setText(f"{self._view_names[view]}  ({counts.get(view, 0)})")
        if saved is not None:
            self._saved_counts = dict(saved)
            self._show_saved_counts()
        self._fit_views()

    def _show_saved_counts(self) -> None:
        names = {v.id: v.name for v in self.saved_views}
        for item in self._saved_items():
            view_id = int(item.data(SAVED_ID_ROLE))
            count = self._saved_counts.get(view_id)
            name = names.get(view_id, "")
            item.setText(name if count is None else f"{name}  ({count:,})")

    # --- saved views --------------------------------------------------------------------------

    def _view_row_changed(self, row: int) -> None:
        item = self.views.item(row) if row >= 0 else None
        if item is None:
            return
        saved = item.data(SAVED_ID_ROLE)
        if saved is not None:
            self.savedViewSelected.emit(int(saved))
        elif row < len(VIEW_ORDER):
            self.viewSelected.emit(VIEW_ORDER[row])

    def _saved_items(self) -> list[QListWidgetItem]:
        items = (self.views.item(r) for r in range(len(VIEW_ORDER), self.views.count()))
        return [item for item in items if item.data(SAVED_ID_ROLE) is not None]

    def set_saved_views(self, views: list[SavedView]) -> None:
        """List the saved views under the built-in ones: the team's under "Team views", one's
        own under "My views" (in this order: Ctrl+5 … open the first five). The row on screen
        stays marked; its counts come with ``set_counts``."""
        current = self.current_saved_id()
        self.saved_views = list(views)
        lists = self.views
        lists.blockSignals(True)
        try:
            while lists.count() > len(VIEW_ORDER):
                lists.takeItem(len(VIEW_ORDER))
            team = [v for v in views if v.published]
            mine = [v for v in views if not v.published]
            for title, group in ((self.tr("Team views"), team), (self.tr("My views"), mine)):
                if not group:
                    continue
                heading = QListWidgetItem(title)
                heading.setFlags(Qt.ItemFlag.NoItemFlags)  # not a view: never selected
                font = heading.font()
                font.setBold(True)
                heading.setFont(font)
                lists.addItem(heading)
                for view in group:
                    item = QListWidgetItem(view.name)
                    item.setData(SAVED_ID_ROLE, view.id)
                    item.setToolTip(self.saved_view_tip(view))
                    lists.addItem(item)
            if current is not None:
                self.mark_saved(current)
        finally:
            lists.blockSignals(False)
        self._show_saved_counts()
        for n in range(1, len(SAVED_VIEW_KEYS) + 1):
            action = self.actions_by_name[f"saved_view_{n}"]
            placed = views[n - 1] if n <= len(views) else None
            action.setText(
                self.tr("Saved view {n}: {name}").format(n=n, name=placed.name)
                if placed is not None
                else self.tr("Saved view {n}").format(n=n)
            )
        self._fit_views()

    def saved_view_tip(self, view: SavedView) -> str:
        """What a saved view shows, in words: whose it is, its base view, search and sort."""
        sorts = {"newest": self.tr("Newest first"), "oldest": self.tr("Oldest first"),
                 "priority": self.tr("Priority")}  # fmt: skip
        base = self._view_names.get(view.view, view.base)
        parts = [base]
        if view.search:
            parts.append(f"“{view.search}”")
        if view.status:
            parts.append(self.tr("status: {status}").format(status=view.status))
        if view.min_priority is not None:
            parts.append(self.tr("priority {n} and up").format(n=view.min_priority))
        parts.append(sorts.get(view.sort, view.sort))
        what = " · ".join(parts)
        if view.published:
            return plain_tooltip(
                self.tr("Team view (published by {who}): {what}").format(
                    who=view.owner or "?", what=what
                )
            )
        return plain_tooltip(self.tr("Your view: {what}").format(what=what))

    def current_saved_id(self) -> int | None:
        item = self.views.currentItem()
        saved = item.data(SAVED_ID_ROLE) if item is not None else None
        return int(saved) if saved is not None else None

    def mark_saved(self, view_id: int) -> bool:
        """Mark the saved view's row as the one on screen (no signal); False: not listed."""
        for item in self._saved_items():
            if int(item.data(SAVED_ID_ROLE)) == view_id:
                self.views.blockSignals(True)
                self.views.setCurrentItem(item)
                self.views.blockSignals(False)
                return True
        return False

    def mark_view(self, view: View) -> None:
        """Mark a built-in view's row as the one on screen (no signal)."""
        self.views.blockSignals(True)
        self.views.setCurrentRow(VIEW_ORDER.index(view))
        self.views.blockSignals(False)

    def _open_saved(self, index: int) -> None:
        """Ctrl+5 … Ctrl+9: the saved view in that place of the list."""
        if index < len(self.saved_views):
            view_id = self.saved_views[index].id
            self.mark_saved(view_id)
            self.savedViewSelected.emit(view_id)
        else:
            self.savedViewSelected.emit(-1 - index)  # none there: the controller says so

    def _views_menu(self, pos: QPoint) -> None:
        item = self.views.itemAt(pos)
        saved = item.data(SAVED_ID_ROLE) if item is not None else None
        if saved is not None:
            self.savedViewMenuRequested.emit(int(saved), self.views.viewport().mapToGlobal(pos))

    def _fit_views(self) -> None:
        """The views pane: as wide as its longest label with its count (in any language, at
        any font size), no wider: widen, never elide."""
        views = self.views
        margins = views.contentsMargins()  # the style sheet's padding is "frame" above only
        bar = views.verticalScrollBar()
        needed = views.sizeHintForColumn(0) + margins.left() + margins.right() + 4
        needed += bar.sizeHint().width() if bar.isVisible() else 0
        if needed != self.views.minimumWidth():
            self.views.setMinimumWidth(needed)
            self.views.setMaximumWidth(needed + 80)
            if not self._user_sized:
                self._fit_splitter()

    def _splitter_moved(self, _pos: int, _index: int) -> None:
        self._user_sized = True

    def _fit_splitter(self) -> None:
        """Default pane widths from the window's: the views pane at its minimum, the mention
        pane two fifths of the rest (at least what its buttons and composer need), the
        queue the remainder."""
        splitter = self.splitter
        handles = sum(splitter.handle(i).width() for i in range(1, splitter.count()))
        total = splitter.width() - handles
        if total <= 0:
            return
        views = self.views.minimumWidth()
        detail = max(self.detail.minimumSizeHint().width(), round((total - views) * 0.4))
        queue = max(1, total - views - detail)
        splitter.setSizes([views, queue, detail])

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        super().resizeEvent(event)
        if not self._user_sized:
            self._fit_splitter()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        super().showEvent(event)
        self._fit_views()
        if not self._user_sized:
            self._fit_splitter()

    def configure_table(self) -> None:
        """Columns fit the queue's width (none behind a scroll bar): Received and State keep
        what they show; Channel, Author and then Mention give way and elide."""
        self.table.fit_columns_on_resize()

    def clear_search(self) -> None:
        self.search.clear()
        self.search.setFocus(Qt.FocusReason.OtherFocusReason)

    def show_search_result(self, text: str, found: bool) -> None:
        """The line over the queue while a search is typed ('' hides it)."""
        self.search_info.setText(text)
        self.search_info.setProperty("empty", not found)
        self.search_info.style().unpolish(self.search_info)
        self.search_info.style().polish(self.search_info)
        self.search_row.setVisible(bool(text))

    def show_offline(self, offline: bool) -> None:
        self.offline_banner.setVisible(offline)

    def show_banner(self, text: str, *, clickable: bool = False) -> None:
        """The banner over the queue ('' hides it); ``clickable``: a click opens what it
        announces (``bannerClicked``)."""
        self.banner.setText(text)
        self.banner.setVisible(bool(text))
        self.banner.setProperty("clickable", clickable)
        self.banner.setCursor(
            Qt.CursorShape.PointingHandCursor if clickable else Qt.CursorShape.ArrowCursor
        )
        self.banner.setToolTip(self.tr("Click to open it") if clickable else "")

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if (
            watched is self.banner
            and event.type() == QEvent.Type.MouseButtonRelease
            and self.banner.property("clickable")
        ):
            self.bannerClicked.emit()
            return True
        return super().eventFilter(watched, event)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        self.closing.emit()
        super().closeEvent(event)
