"""The agent's inbox: acts on the window's intents with the store, the server and the outbox.

Threading: every store call goes through ``runner.db`` and every HTTP call through
``runner.net``; results come back here on the main thread.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

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
from PySide6.QtWidgets import QApplication, QSystemTrayIcon

from webcare.domain.errors import ClaimConflict, WebcareError
from webcare.domain.models import TemplateContext
from webcare.domain.templates import render
from webcare.net.api import ApiClient
from webcare.storage.local import (
    ChangeSummary,
    ConversationItem,
    LocalStore,
    Me,
    MentionDetail,
    QueueFilter,
    Sort,
    Template,
    View,
    parse_search,
)
from webcare.sync.engine import PushResult
from webcare.sync.loops import SyncStatus
from webcare.ui.models.queue_model import QueueModel, Role
from webcare.ui.prefs import Notifications
from webcare.ui.sync_service import SyncService
from webcare.ui.tasks import TaskRunner
from webcare.ui.team.audit_view import AuditView
from webcare.ui.team.team_window import TeamWindow, tabs_for
from webcare.ui.text import channel_label, minutes, plain_tooltip
from webcare.ui.widgets.cheatsheet import CheatSheet
from webcare.ui.widgets.main_window import VIEW_ORDER, MainWindow
from webcare.ui.widgets.template_picker import TemplatePicker

RENEW_EVERY_S = 120.0


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
        self.current_id: int | None = None
        self.queued = 0
        self.picker: TemplatePicker | None = None
        self.cheatsheet: CheatSheet | None = None
        self.detail: MentionDetail | None = None
        self.online: bool | None = None
        self.bootstrapped = False
        self._claims: dict[int, int] = {}  # mention id -> epoch granted to us
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
        pane.composer.sendRequested.connect(self._on_send_requested)
        pane.composer.templateRequested.connect(self.pick_template)
        pane.composer.editor.textChanged.connect(self._on_typing)
        pane.conversation.dismissRequested.connect(self.dismiss_rejected)
        pane.conversation.reuseRequested.connect(self._reuse_text)
        pane.conversation.retryRequested.connect(self.retry_delivery)

        actions = window.actions_by_name
        for name, slot in (
            ("claim", self.claim), ("release", self.release), ("reply", self.reply),
            ("template", self.pick_template), ("note", self.toggle_note),
            ("send", self.send), ("resolve", self.resolve), ("spam", self.spam),
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

    @Slot()
    def refresh_all(self) -> None:
        self.model.set_filter(self.filter, keep_id=self.current_id)
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
        self.filter = QueueFilter(
            view=view,
            text=self.filter.text,
            statuses=self.filter.statuses,
            channel_id=self.filter.channel_id,
            tag=self.filter.tag,
            min_priority=self.filter.min_priority,
            since=self.filter.since,
            until=self.filter.until,
            sort=self.filter.sort,
        )
        self.model.set_filter(self.filter, keep_id=self.current_id)

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
        self.model.set_filter(self.filter, keep_id=self.current_id)

    @Slot(object)
    def _on_refreshed(self, position: int | None) -> None:
        table = self.window.table
        selection = table.selectionModel()
        self._selecting = True
        try:
            if position is not None:
                index = self.model.index(position, 0)
                selection.setCurrentIndex(
                    index,
                    QItemSelectionModel.SelectionFlag.ClearAndSelect
                    | QItemSelectionModel.SelectionFlag.Rows,
                )
                table.scrollTo(index)
            elif self.model.rowCount() and self.current_id is None:
                self._select_row(0)
        finally:
            self._selecting = False

    def _select_row(self, row: int) -> None:
        if not 0 <= row < self.model.rowCount():
            return
        index = self.model.index(row, 0)
        self.window.table.selectionModel().setCurrentIndex(
            index,
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )
        self.window.table.scrollTo(index)

    @Slot(QModelIndex, QModelIndex)
    def _on_row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if not current.isValid():
            return
        mention_id = current.data(Role.MENTION_ID)
        if mention_id is None:  # row not loaded yet: try when its page arrives
            self.model.pageLoaded.connect(self._retry_current)
            return
        if mention_id == self.current_id and self._selecting:
            return
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

    # --- the selected mention ---------------------------------------------------------------

    def show_mention(self, mention_id: int) -> None:
        changed = mention_id != self.current_id
        self.current_id = mention_id
        if changed:
            self.window.detail.composer.clear()
            self._template_id = None
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
        self.detail = detail
        if detail is None:
            pane.show_empty(True)
            self._update_actions()
            return
        pane.show_empty(False)
        self._show_author(detail)
        pane.conversation.set_items(items)
        pane.composer.set_context(
            signature=self.me.signature,
            limit=detail.char_limit,
            kind=detail.channel_kind,
            reply_to=detail.handle,
        )
        self._update_presence()
        self._update_actions()

    def _show_author(self, detail: MentionDetail) -> None:
        """The author card (name, followers, earlier conversations, tags, other open
        mentions); its "go to" buttons and the conversation's select that mention."""
        pane = self.window.detail
        pane.show_author(detail)
        pane.mentionRequested.connect(self.reveal_mention, Qt.ConnectionType.UniqueConnection)

    def _holder_state(self) -> tuple[str, float]:
        """('mine' | 'other' | 'free' | 'final', seconds left on the lease)."""
        d = self.detail
        if d is None:
            return "free", 0.0
        if d.status in ("closed", "spam"):
            return "final", 0.0
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
        if state == "mine":
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
            block = self.tr("Reopen it before replying.")
        else:
            label = {"answered": self.tr("Answered"), "open": self.tr("Unclaimed")}
            text = label.get(d.status, self.tr("Unclaimed")) + " — " + self.tr("press C to claim")
            block = ""
        if not d.can_reply and state != "other":
            block = self.tr(
                "{channel} is listen-only: replies cannot be posted there. Open it on the"
                " platform (O) to respond, then resolve it (E)."
            ).format(channel=channel_label(d.channel) if d.channel else self.tr("This channel"))
        pane.presence.setText(text)
        pane.presence.setProperty("state", state)
        pane.presence.style().unpolish(pane.presence)
        pane.presence.style().polish(pane.presence)
        pane.composer.set_blocked(block)

    def _update_actions(self) -> None:
        state, _left = self._holder_state()
        has = self.detail is not None
        pane = self.window.detail
        pane.claim_button.setEnabled(has and state in ("free",))
        pane.release_button.setEnabled(has and state == "mine")
        pane.resolve_button.setEnabled(has and state in ("free", "mine"))
        pane.spam_button.setEnabled(has and state in ("free", "mine"))
        a = self.window.actions_by_name
        a["claim"].setEnabled(has and state == "free")
        a["release"].setEnabled(has and state == "mine")
        a["resolve"].setEnabled(has and state in ("free", "mine"))
        a["spam"].setEnabled(has and state in ("free", "mine"))
        can_reply = self.detail is not None and self.detail.can_reply
        a["reply"].setEnabled(has and can_reply and state in ("free", "mine"))
        a["open_link"].setEnabled(has and self._link() is not None)
        a["template"].setEnabled(has)
        a["note"].setEnabled(has)

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
        """Claim the selected mention, then run ``then`` (on success only)."""
        d = self.detail
        if d is None:
            return
        if self.online is False:
            self.notice(self.tr("You are offline: claiming needs the team server."))
            return
        mention_id = d.id

        def ok(response: dict[str, Any]) -> None:
            mention = response["mention"]
            self._claims[mention_id] = int(mention["claim_epoch"])
            self.notice(self.tr("Claimed. Your reply is yours to write."))
            self._after_server_change(mention_id)
            if then is not None:
                then()

        self.runner.net(lambda: self.api.claim(mention_id), ok, self._claim_failed)

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
        d = self.detail
        if d is None:
            return
        mention_id = d.id

        def ok(_response: object) -> None:
            self._claims.pop(mention_id, None)
            self.notice(self.tr("Released: the mention is back in the queue."))
            self._after_server_change(mention_id)

        self.runner.net(lambda: self.api.release(mention_id), ok, self._claim_failed)

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
        state, _left = self._holder_state()
        composer = self.window.detail.composer
        if state == "free":
            self.claim_then(composer.editor.setFocus)
        elif state == "mine":
            composer.editor.setFocus()
        else:
            self._update_presence()

    @Slot()
    def toggle_note(self) -> None:
        toggle = self.window.detail.composer.note_toggle
        toggle.setChecked(not toggle.isChecked())
        self.window.detail.composer.editor.setFocus()

    @Slot()
    def pick_template(self) -> None:
        d = self.detail
        if d is None:
            return
        self.runner.db(lambda s: s.templates(), self._open_picker)

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
        d = self.detail
        if d is None or not text:
            return
        if is_note:
            self._enqueue("note", d.id, {"body": text})
            return
        state, _left = self._holder_state()
        if state == "other":
            self._update_presence()
            self.notice(self.tr("{name} holds this mention; your text stays here.").format(
                name=d.holder or "?"))  # fmt: skip
            return
        if state == "final":
            self.notice(
                self.tr("This mention is {s}; reopen it first.").format(
                    s=self.status_word(d.status)
                )
            )
            return
        epoch = d.claim_epoch if d.holder_id == self.me.id else self._claims.get(d.id)
        payload = {"body": text, "template_id": self._template_id}
        if epoch is not None:
            self._enqueue("reply", d.id, {**payload, "claim_epoch": epoch})
            return
        # not claimed yet: claim first (needs the server), then queue the reply
        mention_id = d.id

        def after_claim() -> None:
            self._enqueue("reply", mention_id, {**payload, "claim_epoch": self._claims[mention_id]})

        self.claim_then(after_claim)

    def _enqueue(self, kind: str, mention_id: int, payload: dict[str, Any]) -> None:
        def done(_entry: object) -> None:
            self.window.detail.composer.clear()
            self._template_id = None
            self.sync.wake_push()
            self.notice(
                self.tr("Note saved.") if kind == "note"
                else self.tr("Reply queued; it is sent as soon as the server has it.")
            )  # fmt: skip
            self._refresh_outbox_count()
            if self.current_id == mention_id:
                self._load_detail(mention_id)

        def commit(store: LocalStore) -> object:
            entry = store.enqueue(kind, mention_id, payload)
            self.sync.wake_push()  # thread-safe: the sender starts at once, not after a repaint
            return entry

        self.runner.db(commit, done)

    def _set_status(self, status: str) -> None:
        d = self.detail
        if d is None:
            return
        mention_id = d.id
        row = self.window.table.currentIndex().row()

        def done(_entry: object) -> None:
            self.sync.wake_push()
            self._refresh_outbox_count()
            words = {"closed": self.tr("Resolved."), "spam": self.tr("Marked as spam.")}
            self.notice(words.get(status, status))
            self._select_row(min(row + 1, self.model.rowCount() - 1))

        def commit(store: LocalStore) -> object:
            entry = store.enqueue("set_status", mention_id, {"status": status})
            self.sync.wake_push()
            return entry

        self.runner.db(commit, done)

    @Slot()
    def resolve(self) -> None:
        self._set_status("closed")

    @Slot()
    def spam(self) -> None:
        self._set_status("spam")

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
        if resynced or summary.entities & {"mention", "user", "contact", "channel"}:
            self.model.refresh(keep_id=self.current_id)
            self._refresh_counts()
        if resynced or "channel" in summary.entities:
            self._refresh_channels()
        if self.current_id is not None and (resynced or self.current_id in summary.mention_ids
                                            or summary.entities & {"contact", "user"}):  # fmt: skip
            self._load_detail(self.current_id)
        self._refresh_outbox_count()
        if summary.new_mentions and not resynced:
            f = self.filter
            ids = list(summary.new_mentions)
            self.runner.db(lambda s: s.unread_in(f, ids), self._announce)

    def _announce(self, ids: list[int]) -> None:
        if not ids:
            return
        names = {View.UNCLAIMED: self.tr("Unclaimed"), View.MINE: self.tr("Mine"),
                 View.ALL: self.tr("All"), View.ANSWERED: self.tr("Answered")}  # fmt: skip
        view_name = names[self.filter.view]
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
        self._update_actions()

    @Slot(object)
    def _on_pushed(self, result: PushResult) -> None:
        self._refresh_outbox_count()
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

    def reveal_mention(self, mention_id: int) -> None:
        """From the Team window: the mention selected under All, every filter cleared."""
        w = self.window
        boxes = (w.status_filter, w.channel_filter, w.priority_filter)
        for widget in (w.views, w.search, *boxes):
            widget.blockSignals(True)
        w.views.setCurrentRow(VIEW_ORDER.index(View.ALL))
        w.search.clear()
        for box in boxes:
            box.setCurrentIndex(0)
        for widget in (w.views, w.search, *boxes):
            widget.blockSignals(False)
        self.filter = QueueFilter(view=View.ALL, sort=self.filter.sort)
        self.model.set_filter(self.filter, keep_id=mention_id)
        w.raise_()
        w.activateWindow()

    def show_shortcuts(self) -> None:
        sheet = CheatSheet(list(self.window.actions_by_name.values()), self.window)
        self.cheatsheet = sheet
        sheet.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        sheet.open()
