"""Undo: the last status action — resolve, spam, reopen, snooze, unsnooze, tags, priority; on
one mention or a bulk run — can be taken back for a few seconds (``Ctrl+Z``, or the status
bar's Undo button).

The actions offer what they wrote (:meth:`InboxUndo.offer`): per mention, the op id of the
outbox write and its *inverse* (the write that puts the mention back as this computer knew it).
Undo queues the inverses, each naming the write it takes back (``undoes``), in one local
transaction, like any other write: offline they wait in the outbox. The server applies each only
while its mention is still as the write left it (``webcare/server/services/undo.py``), so a
colleague's change in between is never overwritten: that mention is reported as "changed
since", the others are undone. A new action replaces the offer; after :data:`UNDO_WINDOW_S` the
button goes and ``Ctrl+Z`` says there is nothing to undo. In a text field ``Ctrl+Z`` is the
field's own undo (Qt gives the focused editor the key first).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QObject, QTimer, Slot

from webcare.client_store.store import LocalStore
from webcare.sync.engine import PushResult
from webcare.ui.controllers.inbox.pane import InboxPane
from webcare.ui.controllers.inbox.queue import InboxQueue
from webcare.ui.controllers.inbox.status import InboxStatus
from webcare.ui.sync_service import SyncService
from webcare.ui.tasks import TaskRunner
from webcare.ui.widgets.main_window import MainWindow

#: How long an action can be taken back from this window (seconds).
UNDO_WINDOW_S = 10.0


@dataclass(frozen=True, slots=True)
class Inverse:
    """The write that takes back the outbox write ``op_id`` on ``mention_id``."""

    mention_id: int
    op_id: str
    type: str
    payload: dict[str, Any]


@dataclass(slots=True)
class Offer:
    """What the last action can undo: ``what`` names it ("Resolved @eva", "Resolved 40
    mentions") for the status bar."""

    what: str
    inverses: list[Inverse]
    #: the inverse writes queued by an undo, by their op id, until the server answered them
    pending: dict[str, int] = field(default_factory=dict)
    answered: int = 0
    refused: list[dict[str, Any]] = field(default_factory=list)


def status_inverse(mention_id: int, op_id: str, before: str) -> Inverse:
    """The inverse of a status write on a mention that had status ``before``."""
    back = before if before in ("closed", "spam") else "open"
    return Inverse(mention_id, op_id, "set_status", {"status": back})


def snooze_inverse(
    mention_id: int, op_id: str, *, until: float | None = None, until_customer: bool = False
) -> Inverse:
    """The inverse of a snooze (nothing given) or of an unsnooze (the snooze it ended)."""
    if until is None and not until_customer:
        return Inverse(mention_id, op_id, "unsnooze", {})
    payload: dict[str, Any] = {"until_customer": True} if until_customer else {"until": until}
    return Inverse(mention_id, op_id, "snooze", payload)


class InboxUndo(QObject):
    """The last action's offer, ``Ctrl+Z``, and the answers to the undo writes."""

    def __init__(
        self,
        window: MainWindow,
        runner: TaskRunner,
        sync: SyncService,
        queue: InboxQueue,
        pane: InboxPane,
        status: InboxStatus,
        parent: QObject,
    ) -> None:
        super().__init__(parent)
        self.window = window
        self.runner = runner
        self.sync = sync
        self.queue = queue
        self.pane = pane
        self.status = status
        self.offered: Offer | None = None
        self._running: list[Offer] = []  # undone, waiting for the server's answers
        self.expiry = QTimer(self)
        self.expiry.setSingleShot(True)
        self.expiry.setInterval(int(UNDO_WINDOW_S * 1000))
        self.expiry.timeout.connect(self.withdraw)
        window.undo_button.clicked.connect(self.undo)

    def offer(self, what: str, inverses: Sequence[Inverse]) -> None:
        """The action ``what`` was written: offer to take it back for a few seconds."""
        if not inverses:
            return
        self.offered = Offer(what, list(inverses))
        self.window.undo_button.setText(self.tr("Undo: {what}").format(what=what))
        self.window.undo_button.setVisible(True)
        self.expiry.start()

    @Slot()
    def withdraw(self) -> None:
        self.offered = None
        self.expiry.stop()
        self.window.undo_button.setVisible(False)

    @Slot()
    def undo(self) -> None:
        offer = self.offered
        if offer is None:
            self.status.notice(self.tr("Nothing to undo."))
            return
        self.withdraw()

        def commit(store: LocalStore) -> list[str]:
            return store.enqueue_many(
                [(i.type, i.mention_id, {**i.payload, "undoes": i.op_id}) for i in offer.inverses]
            )

        def done(op_ids: list[str]) -> None:
            offer.pending = dict(zip(op_ids, (i.mention_id for i in offer.inverses), strict=True))
            self._running.append(offer)
            self.sync.wake_push()
            self.status.refresh_outbox_count()
            self.status.notice(self.tr("Undoing: {what}…").format(what=offer.what))
            self.queue.refresh()
            self.queue.refresh_counts()
            self.pane.reload()

        def failed(error: BaseException) -> None:
            self.status.write_failed(error)

        self.runner.db(commit, done, failed, receiver=self)

    def on_pushed(self, result: PushResult) -> set[str]:
        """The server answered writes: say how the undos went (once all of a run answered).
        The op ids of the undo writes among them (the status part says nothing of those)."""
        mine: set[str] = set()
        by_op = {str(r.get("op_id")): r for r in result.results}
        for offer in list(self._running):
            answered = [by_op[op] for op in offer.pending if op in by_op]
            if not answered:
                continue
            mine.update(str(r["op_id"]) for r in answered)
            for r in answered:
                del offer.pending[str(r["op_id"])]
            offer.refused += [r for r in answered if r.get("outcome") != "accepted"]
            offer.answered += len(answered)
            self._put_away([str(r["op_id"]) for r in answered if r.get("outcome") != "accepted"])
            if offer.pending:
                self.status.notice(
                    self.tr("Undoing: {done} of {n}…").format(
                        done=offer.answered, n=offer.answered + len(offer.pending)
                    )
                )
                continue
            self._running.remove(offer)
            self._report(offer)
        return mine

    def _report(self, offer: Offer) -> None:
        refused = offer.refused
        if not refused:
            self.status.notice(self.tr("Undone: {what}.").format(what=offer.what))
        elif offer.answered == 1:
            self.status.notice(
                self.tr("Not undone: {m}").format(m=str(refused[0].get("message", "")))
            )
        else:
            self.status.notice(
                self.tr("Undone for {ok} of {n}; {bad} changed since and stay as they are.").format(
                    ok=offer.answered - len(refused), n=offer.answered, bad=len(refused)
                )
            )

    def _put_away(self, op_ids: list[str]) -> None:
        """Refused undo writes carry nothing typed: dismissed once said."""
        if not op_ids:
            return

        def dismiss(store: LocalStore) -> None:
            for op_id in op_ids:
                store.dismiss(op_id)

        self.runner.db(dismiss, lambda _r: self.status.refresh_outbox_count(), receiver=self)

    def shutdown(self) -> None:
        self.expiry.stop()
