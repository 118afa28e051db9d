"""The inbox's status: the status bar, the connection, what the outbox holds, notifications.

Everything the window *says* about the session rather than about one mention: the notices in
the status bar (``notice``), online or offline (the sync label and the offline banner; the
other parts read ``online``), the queued and refused writes, where each reply sent from this
window is now, a background task that failed, new mentions and mentions handed to me (banner,
tray, sound; a click on one about a mention opens it).
"""

from __future__ import annotations

from collections.abc import Collection

from PySide6.QtCore import QObject, QSettings, QTimer, Signal, Slot
from PySide6.QtWidgets import QApplication, QSystemTrayIcon

from webcare.client_store.records import ChangeSummary, HandedOver, QueueFilter, View
from webcare.client_store.store import LocalStore
from webcare.sync.engine import PushResult
from webcare.sync.loops import SyncStatus
from webcare.ui.prefs import Notifications
from webcare.ui.tasks import TaskRunner, describe_error
from webcare.ui.text import one_line, plain_tooltip
from webcare.ui.widgets.main_window import MainWindow

# writes with nothing the agent typed: a refusal is said once and put away
_NOTHING_TYPED = frozenset({"snooze", "unsnooze", "set_status", "set_tags", "set_priority"})


class InboxStatus(QObject):
    """The status bar, the connection state, the outbox counts and the notifications."""

    # online or offline changed (``online``): what can be done on a mention changes with it
    connectionChanged = Signal()  # noqa: N815 - Qt's naming
    # a notification about one mention was clicked (the banner, the tray message): open it
    openMentionRequested = Signal(int)  # noqa: N815

    def __init__(self, window: MainWindow, runner: TaskRunner, parent: QObject) -> None:
        super().__init__(parent)
        self.window = window
        self.runner = runner
        self.online: bool | None = None  # None: not known yet
        self.queued = 0  # writes in the outbox not sent yet
        self._last_notice = ""
        self._replies: dict[str, tuple[str, str, int]] = {}  # op id -> who, channel, stage
        self.notifications: list[str] = []  # what was announced (also shown in the banner)
        self.settings: QSettings | None = None  # notification preferences (set by the app)
        self.tray: QSystemTrayIcon | None = None
        #: the mention the last banner / tray message was about (a click opens it)
        self._banner_mention: int | None = None
        self._tray_mention: int | None = None
        if QSystemTrayIcon.isSystemTrayAvailable():
            self.tray = QSystemTrayIcon(window.windowIcon(), self)
            self.tray.messageClicked.connect(self._tray_clicked)
            self.tray.show()
        window.bannerClicked.connect(self._banner_clicked)
        self._banner_timer = QTimer(self)
        self._banner_timer.setSingleShot(True)
        self._banner_timer.setInterval(8000)
        self._banner_timer.timeout.connect(self._hide_banner)

    # --- the status bar -----------------------------------------------------------------------

    def notice(self, text: str) -> None:
        self._last_notice = text
        self.window.statusBar().showMessage(text, 8000)

    @property
    def last_notice(self) -> str:
        return self._last_notice

    def write_failed(self, error: BaseException) -> None:
        """A write to the local store (a reply, a note, a status) failed."""
        self.notice(
            self.tr("Could not save it on this computer: {reason}").format(
                reason=describe_error(error)
            )
        )

    def view_name(self, view: View) -> str:
        names = {View.UNCLAIMED: self.tr("Unclaimed"), View.MINE: self.tr("Mine"),
                 View.ALL: self.tr("All"), View.ANSWERED: self.tr("Answered"),
                 View.SNOOZED: self.tr("Snoozed")}  # fmt: skip
        return names[view]

    @Slot(str)
    def on_task_failed(self, reason: str) -> None:
        """A background task nobody waited for failed (it is in the log with its traceback)."""
        self.notice(
            self.tr("Something went wrong in the background: {reason} (details in the log)").format(
                reason=reason
            )
        )

    # --- the connection -----------------------------------------------------------------------

    @Slot(object)
    def on_status(self, status: SyncStatus) -> None:
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
        self.connectionChanged.emit()

    @Slot(int, int)
    def on_progress(self, done: int, total: int) -> None:
        self.window.sync_label.setText(self.tr("Loading history… {d}/{t}").format(d=done, t=total))

    # --- the outbox ---------------------------------------------------------------------------

    def refresh_outbox_count(self) -> None:
        self.runner.db(lambda s: s.outbox_counts(), self._show_outbox_counts, receiver=self)

    def _show_outbox_counts(self, counts: dict[str, int]) -> None:
        parts = []
        if counts["queued"]:
            parts.append(self.tr("{n} queued").format(n=counts["queued"]))
        if counts["rejected"]:
            parts.append(self.tr("{n} not sent").format(n=counts["rejected"]))
        self.window.queued_label.setText(" · ".join(parts))
        self.queued = counts["queued"]

    def track_reply(self, op_id: str, who: str, channel: str) -> None:
        """A reply sent from this window: the status bar says where it is, until it is posted
        or refused."""
        self._replies[op_id] = (who, channel, 0)

    @Slot(object)
    def on_pushed(self, result: PushResult, said: Collection[str] = ()) -> None:
        """The server's answers to pushed writes; ``said``: op ids another part reported."""
        self.refresh_outbox_count()
        for outcome in result.results:
            op_id = str(outcome.get("op_id", ""))
            if op_id in self._replies and outcome.get("outcome") == "accepted":
                self._reply_reached_server(op_id)
            elif op_id in self._replies:
                self._replies.pop(op_id)
        for rejected in result.rejected:
            if str(rejected.get("op_id", "")) in said:
                continue
            kind = rejected.get("type")
            if kind in _NOTHING_TYPED:
                # nothing typed to keep: said once, and the write is put away (not "not sent")
                words = (
                    self.tr("Not snoozed: {m}")
                    if kind in ("snooze", "unsnooze")
                    else self.tr("Not changed: {m}")
                )
                self.notice(words.format(m=rejected.get("message", "")))
                self._put_away(str(rejected.get("op_id", "")))
                continue
            self.notice(
                self.tr("Not sent: {m} Your text is kept with the mention.").format(
                    m=rejected.get("message", "")
                )
            )

    def _put_away(self, op_id: str) -> None:
        """A refused write with nothing typed in it (a snooze): dismissed once it was said."""

        def dismiss(store: LocalStore) -> None:
            store.dismiss(op_id)

        self.runner.db(dismiss, lambda _r: self.refresh_outbox_count(), receiver=self)

    def on_changes(self, summary: ChangeSummary, resynced: bool, shown: QueueFilter) -> None:
        """A change page arrived: the outbox counts, the replies it settled, and new mentions
        in the list ``shown`` (announced)."""
        self.refresh_outbox_count()
        if self._replies and (resynced or "reply" in summary.entities):
            ops = list(self._replies)
            self.runner.db(lambda s: s.reply_states(ops), self._report_replies, receiver=self)
        if summary.handed_to_me and not resynced:
            handed = list(summary.handed_to_me)
            self.runner.db(lambda s: s.handed_to_me(handed), self.announce_handed, receiver=self)
        if summary.woken and not resynced:
            n = len(summary.woken)
            self.notice(
                self.tr("A mention you snoozed is back in the queue (in bold).")
                if n == 1
                else self.tr("{n} mentions you snoozed are back in the queue (in bold).").format(
                    n=n
                )
            )
        news = [i for i in summary.new_mentions if i not in summary.handed_to_me]
        if news and not resynced:
            ids, view = news, shown.view
            self.runner.db(
                lambda s: s.unread_in(shown, ids),
                lambda new: self.announce(new, view),
                receiver=self,
            )

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

    # --- notifications ------------------------------------------------------------------------

    def announce(self, ids: list[int], view: View) -> None:
        """New mentions ``ids`` arrived in ``view``: the banner, the tray and a sound, as the
        preferences say (and the window's taskbar entry asks for attention)."""
        if not ids:
            return
        view_name = self.view_name(view)
        text = (
            self.tr("1 new mention in {view}").format(view=view_name)
            if len(ids) == 1
            else self.tr("{n} new mentions in {view}").format(n=len(ids), view=view_name)
        )
        self._notify(text, None)

    def announce_handed(self, handed: list[HandedOver]) -> None:
        """Colleagues handed me these mentions: "Eva handed you a mention: @jan “…”", in the
        status bar, the banner and the tray (as the preferences say); a click opens it."""
        if not handed:
            return
        first = handed[0]
        text = self.tr("{name} handed you a mention: {who} “{text}”").format(
            name=first.by, who=first.handle, text=one_line(first.text, 80)
        )
        if len(handed) > 1:
            text = self.tr("{first} (and {n} more)").format(first=text, n=len(handed) - 1)
        self.notice(text)
        self._notify(text, first.mention_id)

    def _notify(self, text: str, mention_id: int | None) -> None:
        """Announce ``text`` (about ``mention_id``, opened by a click) as the preferences say."""
        self.notifications.append(text)
        wanted = Notifications.load(self.settings)
        if wanted.banner:
            self._banner_mention = mention_id
            self.window.show_banner(text, clickable=mention_id is not None)
            self._banner_timer.start()
        window_active = self.window.isActiveWindow()
        if self.tray is not None and not window_active and wanted.tray:
            self._tray_mention = mention_id
            self.tray.showMessage("Webcare", text, QSystemTrayIcon.MessageIcon.Information, 5000)
        if wanted.sound:
            QApplication.beep()
        QApplication.alert(self.window)

    @Slot()
    def _banner_clicked(self) -> None:
        if self._banner_mention is not None:
            mention_id, self._banner_mention = self._banner_mention, None
            self._hide_banner()
            self.openMentionRequested.emit(mention_id)

    @Slot()
    def _tray_clicked(self) -> None:
        if self._tray_mention is not None:
            mention_id, self._tray_mention = self._tray_mention, None
            self.window.showNormal()
            self.window.raise_()
            self.window.activateWindow()
            self.openMentionRequested.emit(mention_id)

    def _hide_banner(self) -> None:
        self._banner_mention = None
        self.window.show_banner("")

    def shutdown(self) -> None:
        self._banner_timer.stop()
        if self.tray is not None:
            self.tray.hide()
