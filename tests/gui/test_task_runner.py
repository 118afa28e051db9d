"""A background task's callbacks belong to a QObject: never called once it is destroyed."""

from __future__ import annotations

import gc
import threading
import weakref
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import shiboken6
from PySide6.QtCore import QObject
from pytestqt.qtbot import QtBot

from webcare.client_store.store import LocalStore
from webcare.ui.tasks import TaskRunner


class Receiver(QObject):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.results: list[object] = []
        self.errors: list[BaseException] = []

    def got(self, result: object) -> None:
        self.results.append(result)

    def failed(self, error: BaseException) -> None:
        self.errors.append(error)


class Payload:
    """Something a callback holds on to (to see that a dropped callback lets go of it)."""


@pytest.fixture
def runner(tmp_path: Path) -> Iterator[TaskRunner]:
    r = TaskRunner()
    r.open_store(tmp_path / "store.db")
    yield r
    r.shutdown()


def test_the_callbacks_of_a_destroyed_receiver_are_not_called(
    runner: TaskRunner, qtbot: QtBot
) -> None:
    gate = threading.Event()  # the tasks end only after their receivers are gone
    parent = QObject()
    gone = Receiver(parent)  # owned by its parent (Qt deletes it), like a widget in a window
    stays = Receiver()
    called: list[str] = []
    held: list[weakref.ref[Payload]] = []
    failures: list[str] = []
    runner.taskFailed.connect(failures.append)

    def answer() -> int:
        gate.wait(10)
        return 42

    def refuse() -> int:
        gate.wait(10)
        raise RuntimeError("refused")

    def closure() -> Callable[[object], None]:
        payload = Payload()
        held.append(weakref.ref(payload))
        return lambda result: called.append(f"closure {result} {payload}")

    # a bound method ties itself to its object; a closure is tied with receiver=
    runner.net(answer, gone.got, gone.failed)
    runner.net(refuse, gone.got, gone.failed)
    runner.db(lambda _store: 1, closure(), receiver=gone)
    runner.net(answer, closure(), lambda e: called.append(f"error {e}"), receiver=gone)
    runner.net(answer, stays.got, stays.failed)
    runner.net(refuse, stays.got, stays.failed)
    shiboken6.delete(parent)  # destroys ``gone`` with it, while every task still runs
    assert not shiboken6.isValid(gone)
    gc.collect()
    # its callbacks were dropped at once, and what they held with them
    assert [ref() for ref in held] == [None, None]
    gate.set()

    qtbot.waitUntil(lambda: len(stays.results) == 1 and len(stays.errors) == 1, timeout=5000)
    finished = threading.Event()
    runner.db(lambda _store: None, lambda _r: finished.set())  # after the DB task above
    qtbot.waitUntil(finished.is_set, timeout=5000)
    qtbot.wait(50)  # the network tasks of ``gone`` have been answered too
    assert stays.results == [42] and str(stays.errors[0]) == "refused"
    assert called == [] and gone.results == [] and gone.errors == []  # nothing ran for it
    assert failures == []  # its error callback is gone: the failure is logged, not announced


def test_a_receiver_deleted_later_still_gets_what_finished_before(
    runner: TaskRunner, qtbot: QtBot
) -> None:
    receiver = Receiver()
    runner.db(lambda store: isinstance(store, LocalStore), receiver.got)
    qtbot.waitUntil(lambda: receiver.results == [True], timeout=5000)
    # its address is no longer watched for that task: a new object there is not affected
    shiboken6.delete(receiver)
    other = Receiver()
    runner.db(lambda _store: "again", other.got)
    qtbot.waitUntil(lambda: other.results == ["again"], timeout=5000)


def test_a_plain_callback_without_a_receiver_runs_as_before(
    runner: TaskRunner, qtbot: QtBot
) -> None:
    seen: list[object] = []
    runner.net(lambda: "done", seen.append)
    qtbot.waitUntil(lambda: seen == ["done"], timeout=5000)
