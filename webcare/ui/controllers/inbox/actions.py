"""What the agent does to the selected mention: claim, release, hand over, resolve, spam, reopen,
snooze.

**Claims are online** (only the server can say who holds a mention): claim, release and hand
over ask it and say so when offline; a claim renews itself while the agent types. **Resolve,
spam, reopen, snooze and unsnooze are writes** to the outbox, committed locally and sent later.
Where the selection goes afterwards is the queue's rule: a claim stays on the mention (and
follows it to Mine); resolve, spam, release, hand-over and snooze move on to the next row at
once.

**Snooze** (S): a menu of the team's presets (``SnoozeMenu``: an hour, tomorrow 9:00, the next
business day, a date, until the customer writes), computed from the team's business hours as
the server last sent them (kept in the store, so it works offline). The queued write takes the
mention out of the list at once (the store's queries apply queued snoozes over the mirror).
"""

from __future__ import annotations

import functools
import time
import uuid
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Qt, Slot
from PySide6.QtWidgets import QDialog, QMessageBox

from webcare.client_store.records import MentionDetail, OutboxEntry
from webcare.client_store.store import LocalStore
from webcare.domain.business_hours import BusinessHours
from webcare.domain.errors import ClaimConflict, WebcareError
from webcare.domain.wire import PresenceRecord
from webcare.net.agent_api import ApiClient
from webcare.ui.controllers.inbox.pane import InboxPane
from webcare.ui.controllers.inbox.queue import InboxQueue
from webcare.ui.controllers.inbox.status import InboxStatus
from webcare.ui.controllers.inbox.undo import InboxUndo, snooze_inverse, status_inverse
from webcare.ui.sync_service import SyncService
from webcare.ui.tasks import TaskRunner
from webcare.ui.text import minutes, one_line, wake_time
from webcare.ui.widgets.handover_picker import HandoverPicker
from webcare.ui.widgets.main_window import MainWindow
from webcare.ui.widgets.snooze_menu import SnoozeChoice, SnoozeMenu

RENEW_EVERY_S = 120.0


class InboxActions(QObject):
    """Claim, release, resolve, spam and reopen the mention in the pane (while selected)."""

    def __init__(
        self,
        window: MainWindow,
        runner: TaskRunner,
        api: ApiClient,
        sync: SyncService,
        queue: InboxQueue,
        pane: InboxPane,
        status: InboxStatus,
        undo: InboxUndo,
        *,
        lease_s: float,
        parent: QObject,
    ) -> None:
        super().__init__(parent)
        self.undo = undo
        self.window = window
        self.runner = runner
        self.api = api
        self.sync = sync
        self.queue = queue
        self.pane = pane
        self.status = status
        self.lease_s = lease_s
        self.confirm_box: QMessageBox | None = None  # "Resolve a mention nobody claimed?"
        self.handover_picker: HandoverPicker | None = None
        self.snooze_menu: SnoozeMenu | None = None  # open while the agent chooses
        #: the team's business hours (for the snooze presets): the store's copy, then the
        #: server's; open around the clock in UTC until either is known (the server's default)
        self.hours = BusinessHours.always_open()
        self._last_renew = 0.0
        buttons = window.detail
        buttons.claim_button.clicked.connect(self.claim)
        buttons.release_button.clicked.connect(self.release)
        buttons.handover_button.clicked.connect(self.hand_over)
        buttons.resolve_button.clicked.connect(self.resolve)
        buttons.spam_button.clicked.connect(self.spam)
        buttons.reopen_button.clicked.connect(self.reopen)
        buttons.snooze_button.clicked.connect(self.snooze)
        buttons.unsnooze_button.clicked.connect(self.unsnooze)
        window.detail.composer.editor.textChanged.connect(self._on_typing)
        runner.db(lambda s: s.team_hours(), self._use_hours, receiver=self)

    # --- claims (online only: the server decides) ---------------------------------------------

    @Slot()
    def claim(self) -> None:
        self.claim_then(None)

    def claim_then(self, then: Callable[[], None] | None) -> None:
        """Claim the selected mention, then run ``then`` (on success only). The window stays on
        the mention: when the claim takes it out of this list, it follows it to Mine."""
        d = self.pane.target()
        if d is None:
            return
        if self.status.online is False:
            self.status.notice(
                self.tr(
                    "You are offline: claiming needs the team server. Try again when it is back."
                )
            )
            return
        mention_id, who = d.id, d.handle
        # the intent first: the change feed may bring the claim before the server's answer does
        self.queue.follow_claim(mention_id)

        def ok(response: dict[str, Any]) -> None:
            mention = response["mention"]
            self.pane.grant(mention_id, int(mention["claim_epoch"]), self.lease_s)
            self.status.notice(
                self.tr("Claimed {who}. Your reply is yours to write.").format(who=who)
            )
            self._after_server_change(mention_id)
            if self.pane.current_id == mention_id:  # yours now, before the change feed says so
                self.pane.update_presence()
                self.pane.update_actions()
            if then is not None:
                then()

        def failed(error: BaseException) -> None:
            self.queue.stop_following(mention_id)
            self._claim_failed(error)

        self.runner.net(lambda: self.api.claim(mention_id), ok, failed, receiver=self)

    def _claim_failed(self, error: BaseException) -> None:
        if isinstance(error, ClaimConflict):
            self.status.notice(
                self.tr("{name} is already replying to this mention (claim ends in {t}).").format(
                    name=error.holder_name or self.tr("Someone"), t=minutes(error.lease_remaining_s)
                )
            )
        elif isinstance(error, WebcareError):
            self.status.notice(error.message)
        else:
            self.status.notice(str(error))
        if self.pane.current_id is not None:
            self._after_server_change(self.pane.current_id)

    @Slot()
    def release(self) -> None:
        """Give the selected mention back and move on at once, like resolve (the next key acts
        on the next row, whenever the server's answer or the change feed arrives)."""
        d = self.pane.target()
        if d is None:
            return
        if self.status.online is False:
            self.status.notice(
                self.tr(
                    "You are offline: releasing needs the team server. Try again when it is back."
                )
            )
            return
        mention_id, who = d.id, d.handle
        self.queue.move_on_from(mention_id)

        def ok(_response: object) -> None:
            self.pane.drop_claim(mention_id)
            self.status.notice(self.tr("Released {who}: it is back in the queue.").format(who=who))
            self._after_server_change(mention_id)

        def failed(error: BaseException) -> None:
            self.queue.stays(mention_id)  # still yours: not to be skipped
            reason = error.message if isinstance(error, WebcareError) else str(error)
            self.status.notice(
                self.tr("Could not release {who}: {reason}").format(who=who, reason=reason)
            )
            self._after_server_change(mention_id)

        self.runner.net(lambda: self.api.release(mention_id), ok, failed, receiver=self)

    # --- hand over to a colleague (online: the claim moves on the server) ----------------------

    @Slot()
    def hand_over(self) -> None:
        """Choose a colleague (with who is online) and a note, then pass the claim on; the
        window moves on at once, as after a release."""
        d = self.pane.target()
        if d is None:
            return
        state, _left = self.pane.holder_state(d)
        if state == "final":
            self.status.notice(
                self.tr("{who} is closed: reopen it (Shift+E) before handing it over.").format(
                    who=d.handle
                )
            )
            return
        if state != "mine" and not self.pane.may_hand_over_others():
            self.status.notice(
                self.tr("You can only hand over a mention you hold: claim it first (C).")
            )
            return
        if self.status.online is False:
            self.status.notice(
                self.tr(
                    "You are offline: handing over needs the team server. Try again when it is"
                    " back."
                )
            )
            return
        mention_id, who = d.id, d.handle

        def failed(error: BaseException) -> None:
            reason = error.message if isinstance(error, WebcareError) else str(error)
            self.status.notice(
                self.tr("Could not ask who is online: {reason}").format(reason=reason)
            )

        self.runner.net(
            self.api.presence,
            lambda people: self._pick_colleague(mention_id, who, people),
            failed,
            receiver=self,
        )

    def _pick_colleague(self, mention_id: int, who: str, people: list[PresenceRecord]) -> None:
        target = self.pane.target()
        if target is None or target.id != mention_id:
            return  # the agent moved on while the list came
        me = self.pane.me.id
        picker = HandoverPicker([p for p in people if p["user_id"] != me], who=who,
                                parent=self.window)  # fmt: skip
        self.handover_picker = picker

        def finished(code: int) -> None:
            self.handover_picker = None
            picker.deleteLater()
            chosen = picker.chosen
            if code != QDialog.DialogCode.Accepted or chosen is None:
                self.status.notice(self.tr("Nothing handed over."))
                return
            self._send_hand_over(mention_id, who, chosen, picker.note)

        picker.finished.connect(finished)
        picker.open()

    def _send_hand_over(self, mention_id: int, who: str, to: PresenceRecord, note: str) -> None:
        name = to["display_name"]
        op_id = f"handover-{uuid.uuid4().hex}"  # a retry of this request is the same hand-over
        self.queue.move_on_from(mention_id)  # at once, as after a release

        def ok(_response: object) -> None:
            self.pane.drop_claim(mention_id)
            self.status.notice(self.tr("Handed {who} over to {name}.").format(who=who, name=name))
            self._after_server_change(mention_id)

        def failed(error: BaseException) -> None:
            self.queue.stays(mention_id)  # still yours: not to be skipped
            reason = error.message if isinstance(error, WebcareError) else str(error)
            self.status.notice(
                self.tr("Could not hand {who} over to {name}: {reason}").format(
                    who=who, name=name, reason=reason
                )
            )
            self._after_server_change(mention_id)

        self.runner.net(
            lambda: self.api.handover(mention_id, to["user_id"], note, op_id),
            ok,
            failed,
            receiver=self,
        )

    def _after_server_change(self, _mention_id: int) -> None:
        # The change feed brings the new state within moments; ask the pusher too.
        self.sync.wake_push()

    def renew_if_working(self) -> None:
        """Renew our claim of the pane's mention while the agent works on it (at most every
        two minutes, or when a third of the lease is left)."""
        state, left = self.pane.holder_state()
        d = self.pane.detail
        if d is None or state != "mine" or self.status.online is False:
            return
        if time.time() - self._last_renew < RENEW_EVERY_S and left > self.lease_s / 3:
            return
        self._last_renew = time.time()
        mention_id = d.id
        self.runner.net(
            lambda: self.api.renew(mention_id), lambda _r: None, lambda _e: None, receiver=self
        )

    @Slot()
    def _on_typing(self) -> None:
        if self.window.detail.composer.editor.toPlainText():
            self.renew_if_working()

    # --- status: resolve, spam, reopen (written to the outbox) --------------------------------

    @Slot()
    def resolve(self) -> None:
        self._set_status("closed")

    @Slot()
    def spam(self) -> None:
        self._set_status("spam")

    @Slot()
    def reopen(self) -> None:
        """A closed or spam mention back to open (every role may, as on the server)."""
        d = self.pane.target()
        if d is None or self.pane.holder_state(d)[0] != "final":
            return
        self._commit_status(d, "open")

    def _set_status(self, status: str) -> None:
        d = self.pane.target()
        if d is None:
            return
        state, _left = self.pane.holder_state(d)
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
                self.status.notice(
                    self.tr("Nothing changed: {who} stays open.").format(who=d.handle)
                )
                return
            target = self.pane.target()
            if target is None or target.id != mention_id:
                self.status.notice(
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
            self.queue.move_on_from(mention_id)  # at once: the next key acts on the next one
        words = {
            "closed": self.tr("Resolved {who}."),
            "spam": self.tr("Marked {who} as spam."),
            "open": self.tr("Reopened {who}: it is open again."),
        }

        before = d.status

        def done(entry: OutboxEntry) -> None:
            self.sync.wake_push()
            self.status.refresh_outbox_count()
            said = words[status].format(who=who)
            self.status.notice(said)
            self.undo.offer(said, [status_inverse(mention_id, entry.op_id, before)])

        def commit(store: LocalStore) -> OutboxEntry:
            entry = store.enqueue("set_status", mention_id, {"status": status})
            self.sync.wake_push()
            return entry

        def failed(error: BaseException) -> None:
            self.queue.stays(mention_id)  # nothing changes: it stays, not to be skipped
            self.status.write_failed(error)

        self.runner.db(commit, done, failed, receiver=self)

    # --- snooze: until a time or the customer's next message (written to the outbox) --------

    def load_hours(self) -> None:
        """Ask the server for the team's business hours (at sign-in and when back online) and
        keep them in the store for offline snoozes."""

        def keep(data: dict[str, Any]) -> None:
            if self._read_hours(data) is not None:
                self._use_hours(data)
                self.runner.db(lambda s: s.keep_team_hours(data), receiver=self)

        self.runner.net(self.api.business_hours, keep, lambda _e: None, receiver=self)

    @staticmethod
    def _read_hours(data: dict[str, Any] | None) -> BusinessHours | None:
        if data is None:
            return None
        try:
            return BusinessHours.from_dict(data)
        except WebcareError:
            return None  # not what a server of ours sends: keep what we had

    def _use_hours(self, data: dict[str, Any] | None) -> None:
        hours = self._read_hours(data)
        if hours is not None:
            self.hours = hours

    @Slot()
    def snooze(self) -> None:
        """The snooze menu under the Snooze button (S): choose with the arrows and Enter, the
        underlined letter, or the mouse; Esc closes it."""
        d = self.pane.target()
        if d is None or self.pane.holder_state(d)[0] not in ("free", "mine"):
            return
        if self.snooze_menu is not None:  # one menu at a time (kept while its date dialog is open)
            self.snooze_menu.close()
            self.snooze_menu.deleteLater()
        menu = SnoozeMenu(self.hours, self.window)
        self.snooze_menu = menu
        mention_id = d.id

        def chosen(choice: SnoozeChoice) -> None:
            target = self.pane.target()
            if target is None or target.id != mention_id:
                self.status.notice(
                    self.tr("{who} is no longer selected; nothing was snoozed.").format(
                        who=d.handle
                    )
                )
                return
            self._commit_snooze(target, choice)

        menu.chosen.connect(chosen)
        button = self.window.detail.snooze_button
        where = button.mapToGlobal(button.rect().bottomLeft()) if button.isVisible() else None
        menu.popup(
            where if where is not None else self.window.mapToGlobal(self.window.rect().center())
        )
        menu.setActiveAction(menu.actions()[0])

    @Slot()
    def unsnooze(self) -> None:
        """Wake the selected snoozed mention now (Shift+S): back in its queue."""
        d = self.pane.target()
        if d is None or not d.snoozed:
            return
        self._commit_snooze(d, None)

    def _commit_snooze(self, d: MentionDetail, choice: SnoozeChoice | None) -> None:
        """Queue a snooze (``choice``) or an unsnooze (None); the list leaves the mention (or
        takes it back) at once, the server decides when it is sent."""
        mention_id, who = d.id, d.handle
        in_snoozed = self.queue.filter.view.value == "snoozed"
        if choice is not None or in_snoozed:
            self.queue.move_on_from(mention_id)  # it leaves this list: the next row
        payload: dict[str, Any]
        if choice is None:
            type_, payload = "unsnooze", {}
            said = self.tr("{who} is back in the queue.").format(who=who)
        elif choice.until_customer:
            type_, payload = "snooze", {"until_customer": True}
            said = self.tr("Snoozed {who} until the customer writes again.").format(who=who)
        else:
            assert choice.until is not None
            type_, payload = "snooze", {"until": choice.until}
            said = self.tr("Snoozed {who} until {when}.").format(
                who=who, when=wake_time(choice.until)
            )

        inverse = (
            functools.partial(snooze_inverse, mention_id)
            if choice is not None
            else functools.partial(
                snooze_inverse, mention_id, until=d.snoozed_until,
                until_customer=d.snooze_until_customer,
            )
        )  # fmt: skip

        def commit(store: LocalStore) -> OutboxEntry:
            return store.enqueue(type_, mention_id, payload)

        def done(entry: OutboxEntry) -> None:
            self.sync.wake_push()
            self.status.refresh_outbox_count()
            self.status.notice(said)
            self.undo.offer(said, [inverse(entry.op_id)])
            self.pane.drop_claim(mention_id)  # a snooze releases it (the server does the same)
            self.queue.refresh()
            self.queue.refresh_counts()
            self.pane.reload()

        def failed(error: BaseException) -> None:
            self.queue.stays(mention_id)
            self.status.write_failed(error)

        self.runner.db(commit, done, failed, receiver=self)
