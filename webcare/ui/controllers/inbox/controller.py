"""The agent's inbox: one thin controller that builds its parts and wires them to the window.

Each part is a QObject child of the controller with one job (ARCHITECTURE.md, "The desktop
client"), and uses only the parts below it (an import-linter contract keeps them so):

* :class:`~.compose.InboxCompose` — replies, notes, templates, attachments, the outbox bubbles;
* :class:`~.actions.InboxActions` — claim, release, hand over, resolve, spam, reopen, snooze;
* :class:`~.undo.InboxUndo` — the last status action taken back (``Ctrl+Z``);
* :class:`~.saved_views.InboxSavedViews` — the saved views in the views list: open, save, rename,
  delete, publish, copy;
* :class:`~.queue.InboxQueue` — the list on screen, its selection, the pending intent;
* :class:`~.pane.InboxPane` — the selected mention's detail, presence and enabled actions;
* :class:`~.status.InboxStatus` and :class:`~.drafts.Drafts` — the status bar, connection,
  outbox counts and notifications; the composer's work per mention.

Threading: every store call goes through ``runner.db`` and every HTTP call through
``runner.net``, with the part that asked as the receiver; results come back on the main thread.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, QSettings, Qt, QTimer, Slot
from PySide6.QtWidgets import QMessageBox

from webcare.client_store.records import ChangeSummary, Me, MentionDetail, QueueFilter, View
from webcare.net.agent_api import ApiClient
from webcare.sync.engine import PushResult
from webcare.ui.controllers.inbox.actions import InboxActions
from webcare.ui.controllers.inbox.compose import InboxCompose
from webcare.ui.controllers.inbox.drafts import Drafts
from webcare.ui.controllers.inbox.pane import InboxPane
from webcare.ui.controllers.inbox.queue import InboxQueue
from webcare.ui.controllers.inbox.saved_views import InboxSavedViews
from webcare.ui.controllers.inbox.status import InboxStatus
from webcare.ui.controllers.inbox.undo import InboxUndo
from webcare.ui.models.queue_model import QueueModel
from webcare.ui.sync_service import SyncService
from webcare.ui.tasks import TaskRunner
from webcare.ui.team.audit_view import AuditView
from webcare.ui.team.team_window import TeamWindow, tabs_for
from webcare.ui.widgets.cheatsheet import CheatSheet
from webcare.ui.widgets.handover_picker import HandoverPicker
from webcare.ui.widgets.highlight import HighlightDelegate
from webcare.ui.widgets.main_window import MainWindow
from webcare.ui.widgets.platform_template_picker import PlatformTemplatePicker
from webcare.ui.widgets.template_picker import TemplatePicker


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
        self.bootstrapped = False  # the first change page (or bootstrap) has arrived
        self.cheatsheet: CheatSheet | None = None
        self.team_window: TeamWindow | None = None

        self.status = InboxStatus(window, runner, self)
        self.drafts = Drafts(window.detail.composer)
        self.pane = InboxPane(window, runner, api, self.status, self.drafts, me, self)
        self.queue = InboxQueue(window, runner, self.pane, self.status, me.id, self)
        self.undo = InboxUndo(window, runner, sync, self.queue, self.pane, self.status, self)
        self.actions = InboxActions(
            window, runner, api, sync, self.queue, self.pane, self.status, self.undo,
            lease_s=lease_s, parent=self,
        )  # fmt: skip
        self.compose = InboxCompose(
            window, runner, api, sync, self.pane, self.actions, self.status, self.drafts, self
        )
        self.saved_views = InboxSavedViews(
            window, runner, api, self.queue, self.status, me.role, self
        )
        self._show_me()
        # a notification about one mention (handed to me) was clicked: show it
        self.status.openMentionRequested.connect(self.queue.reveal_mention)
        self.status.connectionChanged.connect(self._on_connection)

        queue, pane, actions, compose = self.queue, self.pane, self.actions, self.compose
        for name, slot in (
            ("claim", actions.claim), ("release", actions.release), ("reply", compose.reply),
            ("handover", actions.hand_over),
            ("template", compose.pick_template), ("note", compose.toggle_note),
            ("send", compose.send), ("resolve", actions.resolve), ("spam", actions.spam),
            ("reopen", actions.reopen), ("attach", compose.attach_image),
            ("snooze", actions.snooze), ("unsnooze", actions.unsnooze),
            ("next", queue.next_mention), ("previous", queue.previous_mention),
            ("refresh", self.refresh_all), ("shortcuts", self.show_shortcuts),
            ("open_link", pane.open_link), ("undo", self.undo.undo),
        ):  # fmt: skip
            window.actions_by_name[name].triggered.connect(slot)

        self._sync_connections = [
            (sync.changed, self._on_changes),
            (sync.statusChanged, self.status.on_status),
            (sync.pushed, self._on_pushed),
            (sync.progress, self.status.on_progress),
            (runner.taskFailed, self.status.on_task_failed),
        ]
        for signal, handler in self._sync_connections:
            signal.connect(handler)

        window.add_team_menu(tabs_for(me.role))
        for tab in tabs_for(me.role):
            window.actions_by_name[f"team_{tab}"].triggered.connect(
                lambda _=False, t=tab: self.open_team(t)
            )

        self._tick = QTimer(self)
        self._tick.setInterval(15_000)
        self._tick.timeout.connect(self._on_tick)
        self._tick.start()
        pane.update_actions()

    # --- what the window and the tests read -----------------------------------------------------

    @property
    def me(self) -> Me:
        return self.pane.me

    @property
    def model(self) -> QueueModel:
        return self.queue.model

    @property
    def filter(self) -> QueueFilter:
        return self.queue.filter

    @property
    def highlight(self) -> HighlightDelegate:
        return self.queue.highlight

    @property
    def current_id(self) -> int | None:
        return self.pane.current_id

    @property
    def detail(self) -> MentionDetail | None:
        return self.pane.detail

    @property
    def online(self) -> bool | None:
        return self.status.online

    @property
    def queued(self) -> int:
        return self.status.queued

    @property
    def notifications(self) -> list[str]:
        return self.status.notifications

    @property
    def settings(self) -> QSettings | None:
        """The notification preferences (set by the app)."""
        return self.status.settings

    @settings.setter
    def settings(self, settings: QSettings | None) -> None:
        self.status.settings = settings

    @property
    def last_notice(self) -> str:
        return self.status.last_notice

    @property
    def confirm_box(self) -> QMessageBox | None:
        return self.actions.confirm_box

    @property
    def handover_picker(self) -> HandoverPicker | None:
        return self.actions.handover_picker

    @property
    def picker(self) -> TemplatePicker | None:
        return self.compose.picker

    @property
    def platform_picker(self) -> PlatformTemplatePicker | None:
        return self.compose.platform_picker

    def notice(self, text: str) -> None:
        self.status.notice(text)

    def set_view(self, view: View) -> None:
        self.queue.set_view(view)

    def claim(self) -> None:
        self.actions.claim()

    def release(self) -> None:
        self.actions.release()

    def pick_template(self) -> None:
        self.compose.pick_template()

    def attach_file(self, path: Path) -> None:
        self.compose.attach_file(path)

    def reveal_mention(self, mention_id: int) -> None:
        self.queue.reveal_mention(mention_id)

    # --- loading and sync events ----------------------------------------------------------------

    def start(self) -> None:
        self.refresh_all()
        self.actions.load_hours()  # the team's hours, for the snooze presets

    @Slot()
    def _on_connection(self) -> None:
        if self.status.online:
            self.actions.load_hours()  # an admin may have changed them meanwhile

    @Slot()
    def refresh_all(self) -> None:
        self.saved_views.load()  # and then every counter
        self.queue.refresh()
        self.queue.refresh_counts()
        self.queue.refresh_channels()
        self.status.refresh_outbox_count()
        self.pane.reload()
        self.sync.wake_push()

    @Slot(object, bool)
    def _on_changes(self, summary: ChangeSummary, resynced: bool) -> None:
        """A change page (or a resync): each part takes what concerns it, in this order."""
        self.bootstrapped = True
        self.queue.on_changes(summary, resynced)  # the list, its counts, the channels
        self.saved_views.on_changes(summary, resynced)  # the saved views listed
        self.pane.on_changes(summary, resynced)  # the pane's mention
        self.status.on_changes(summary, resynced, self.queue.filter)  # outbox, replies, news

    @Slot(object)
    def _on_pushed(self, result: PushResult) -> None:
        self.status.on_pushed(result, said=self.undo.on_pushed(result))
        self.pane.reload()
        if any(r.get("type") in ("snooze", "unsnooze") for r in result.results):
            # a settled snooze no longer decides over the server's record: list it as it is
            self.queue.refresh()
            self.queue.refresh_counts()

    @Slot()
    def _on_tick(self) -> None:
        self.pane.refresh_state()
        self.queue.model.repaint_states()
        if self.window.detail.composer.editor.toPlainText():
            self.actions.renew_if_working()

    def shutdown(self) -> None:
        """Stop reacting: timers off, sync signals disconnected (called as the session ends)."""
        self._tick.stop()
        self.queue.stop()
        for signal, handler in self._sync_connections:
            signal.disconnect(handler)
        self._sync_connections = []
        self.status.shutdown()

    # --- the account ----------------------------------------------------------------------------

    def _show_me(self) -> None:
        me = self.me
        self.window.user_label.setText(
            f"{me.display_name} ({self.role_name(me.role)})  {me.signature}"
        )

    def set_me(self, me: Me) -> None:
        """The account's profile changed (Preferences): sign and show with the new one."""
        self.pane.set_me(me)
        self._show_me()

    def role_name(self, role: str) -> str:
        names = {"agent": self.tr("agent"), "lead": self.tr("lead"), "admin": self.tr("admin")}
        return names.get(role, role)

    # --- other windows --------------------------------------------------------------------------

    @Slot()
    def open_team(self, tab: str) -> TeamWindow:
        """Open (once) the team window on ``tab``; its lifetime is the inbox window's."""
        if self.team_window is None:
            self.team_window = TeamWindow(self.runner, self.api, self.me.role, self.me.id)
            self.window.closing.connect(self.team_window.close)
            self.team_window.openMentionRequested.connect(self.queue.reveal_mention)
            audit = self.team_window.views.get("audit")
            if isinstance(audit, AuditView):
                self.runner.db(lambda s: s.people(), audit.set_people)
        self.team_window.open_tab(tab)
        return self.team_window

    @Slot()
    def show_shortcuts(self) -> None:
        sheet = CheatSheet(list(self.window.actions_by_name.values()), self.window)
        self.cheatsheet = sheet
        sheet.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        sheet.open()
