"""Runs the sync loops on their own threads and reports to the UI through queued signals."""

from __future__ import annotations

import threading

from PySide6.QtCore import QObject, Signal

from webcare.client_store.records import ChangeSummary
from webcare.sync.engine import SyncEngine
from webcare.sync.loops import SyncStatus, pull_loop, push_loop
from webcare.ui.tasks import TaskRunner


class SyncService(QObject):
    changed = Signal(object, bool)  # ChangeSummary, resynced
    statusChanged = Signal(object)  # noqa: N815 - SyncStatus
    pushed = Signal(object)  # PushResult
    progress = Signal(int, int)

    def __init__(
        self,
        runner: TaskRunner,
        engine: SyncEngine,
        parent: QObject | None = None,
        *,
        wait_s: float = 25.0,
        idle_push_s: float = 30.0,
    ) -> None:
        super().__init__(parent)
        self._runner = runner
        self._engine = engine
        self._wait_s = wait_s
        self._idle_push_s = idle_push_s
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._threads: list[threading.Thread] = []
        self.online: bool | None = None

    def start(self) -> None:
        self._wake.set()  # send whatever an earlier session left queued
        self._threads = [
            self._runner.spawn("webcare-sync-pull", self._pull),
            self._runner.spawn("webcare-sync-push", self._push),
        ]

    def _pull(self) -> None:
        pull_loop(
            self._engine,
            self._stop,
            self._changes,
            self._status,
            wait_s=self._wait_s,
            progress=self.progress.emit,
        )

    def _push(self) -> None:
        push_loop(
            self._engine,
            self._stop,
            self._wake,
            self.pushed.emit,
            self._status,
            idle_s=self._idle_push_s,
        )

    def _changes(self, summary: ChangeSummary, resynced: bool) -> None:
        self.changed.emit(summary, resynced)

    def _status(self, status: SyncStatus) -> None:
        if status.online and self.online is not True:
            self._wake.set()  # back online: deliver the outbox now, not at the next backoff
        self.online = status.online
        self.statusChanged.emit(status)

    def wake_push(self) -> None:
        self._wake.set()

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        self._wake.set()
        for thread in self._threads:
            thread.join(timeout)
