"""Run work off the UI thread and deliver results back on it.

* one DB worker thread owns the :class:`LocalStore` (its SQLite connection lives there);
* a small network pool runs HTTP calls;
* long-running loops (sync) get their own named threads;
* results and errors come back to the main thread through a queued Qt signal and are handed to
  the callback there. Callbacks never run on a worker thread. An error nobody asked for (no
  ``on_err``) is logged with its traceback and announced by ``taskFailed``, which the window
  shows: a failed background task is never silent.
* a task's callbacks belong to a *receiver*, a QObject (``receiver=``, else the object of a
  bound-method callback): when the receiver is destroyed before the task ends, its callbacks
  are dropped, never called on a deleted object (as Qt does for a signal connected to a
  receiver). A callback that is neither a method of a QObject nor given one runs whenever the
  task ends (for callers that outlive the runner, such as the app's start-up).
"""

from __future__ import annotations

import itertools
import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

import shiboken6
from PySide6.QtCore import QObject, Qt, Signal, Slot

from webcare.client_store.store import LocalStore

T = TypeVar("T")
log = logging.getLogger("webcare.ui.tasks")

OkFn = Callable[[Any], None]
ErrFn = Callable[[BaseException], None]


def receiver_of(*callbacks: Callable[..., object] | None) -> QObject | None:
    """The QObject whose method the first such callback is (None: no callback is one)."""
    for callback in callbacks:
        owner = getattr(callback, "__self__", None)
        if isinstance(owner, QObject):
            return owner
    return None


def describe_error(error: BaseException) -> str:
    """One line for a person: the error's own message, or its kind when it has none."""
    message = " ".join(str(error).split())
    return message or type(error).__name__


def _dropped(error: BaseException) -> None:
    """Stands in for the error callback of a receiver that was destroyed: nobody is waiting
    for the answer any more, so the failure is logged, not announced."""
    log.info("background task failed after its receiver was gone: %s", describe_error(error))


class TaskRunner(QObject):
    """Owns the worker threads of the client."""

    _done = Signal(int, object, object)  # task id, result, error (emitted on a worker thread)
    taskFailed = Signal(str)  # noqa: N815 - why a task without an error callback failed

    def __init__(self, parent: QObject | None = None, *, net_workers: int = 4) -> None:
        super().__init__(parent)
        self._db = ThreadPoolExecutor(1, thread_name_prefix="webcare-db")
        self._net = ThreadPoolExecutor(net_workers, thread_name_prefix="webcare-net")
        self._ids = itertools.count(1)
        self._callbacks: dict[int, tuple[OkFn | None, ErrFn | None]] = {}
        # a receiver's address -> its tasks still running (its ``destroyed`` drops their callbacks)
        self._receivers: dict[int, set[int]] = {}
        self._task_receiver: dict[int, int] = {}  # task id -> its receiver's address
        self._lock = threading.RLock()  # re-entrant: a collected receiver may be destroyed under it
        self._threads: list[threading.Thread] = []
        self._store: LocalStore | None = None
        self._closed = False
        self._done.connect(self._deliver)

    # --- the store --------------------------------------------------------------------------

    def open_store(self, path: Path) -> LocalStore:
        """Open the local store on the DB thread (blocks briefly; call before the window)."""
        self._store = self._db.submit(LocalStore, path).result()
        return self._store

    @property
    def has_store(self) -> bool:
        return self._store is not None

    @property
    def store_path(self) -> Path | None:
        """Where the open local store lives (its media cache is beside it)."""
        return self._store.path if self._store is not None else None

    def run_db(self, fn: Callable[[LocalStore], T], /) -> T:
        """Run ``fn(store)`` on the DB thread and wait. For worker threads (the sync loops)."""
        if threading.current_thread() is threading.main_thread():
            raise RuntimeError("run_db would block the UI thread; use db() instead")
        return self._db.submit(self._with_store, fn).result()

    def db_at_startup(self, fn: Callable[[LocalStore], T], /) -> T:
        """Run ``fn(store)`` on the DB thread and wait. Only while starting, before any window
        is shown (like :meth:`open_store`); afterwards use :meth:`db`."""
        return self._db.submit(self._with_store, fn).result()

    def _with_store(self, fn: Callable[[LocalStore], T]) -> T:
        if self._store is None:
            raise RuntimeError("no local store is open")
        return fn(self._store)

    # --- fire-and-deliver -------------------------------------------------------------------

    def _submit(
        self,
        pool: ThreadPoolExecutor,
        fn: Callable[[], Any],
        on_ok: OkFn | None,
        on_err: ErrFn | None,
        receiver: QObject | None,
    ) -> Future[Any]:
        if self._closed:  # the session ended: late requests are dropped, not errors
            done: Future[Any] = Future()
            done.cancel()
            return done
        task_id = next(self._ids)
        if receiver is None:
            receiver = receiver_of(on_ok, on_err)
        with self._lock:
            self._callbacks[task_id] = (on_ok, on_err)
            if receiver is not None and (on_ok is not None or on_err is not None):
                self._tie(task_id, receiver)

        def work() -> Any:
            try:
                result = fn()
            except BaseException as exc:  # delivered to on_err on the main thread
                self._done.emit(task_id, None, exc)
                raise
            self._done.emit(task_id, result, None)
            return result

        return pool.submit(work)

    def db(
        self,
        fn: Callable[[LocalStore], Any],
        on_ok: OkFn | None = None,
        on_err: ErrFn | None = None,
        *,
        receiver: QObject | None = None,
    ) -> Future[Any]:
        """Run ``fn(store)`` on the DB thread; ``on_ok(result)`` later on the main thread, if
        ``receiver`` (default: the QObject of a bound-method callback) still exists then."""
        return self._submit(self._db, lambda: self._with_store(fn), on_ok, on_err, receiver)

    def net(
        self,
        fn: Callable[[], Any],
        on_ok: OkFn | None = None,
        on_err: ErrFn | None = None,
        *,
        receiver: QObject | None = None,
    ) -> Future[Any]:
        """Run ``fn()`` (an HTTP call) on the network pool; callbacks on the main thread, as
        for :meth:`db`."""
        return self._submit(self._net, fn, on_ok, on_err, receiver)

    def _tie(self, task_id: int, receiver: QObject) -> None:
        """Drop the task's callbacks if ``receiver`` is destroyed first (under the lock)."""
        address = shiboken6.getCppPointer(receiver)[0]
        tasks = self._receivers.get(address)
        if tasks is None:  # the first task of this receiver: watch it (once) until it is gone
            tasks = self._receivers[address] = set()
            receiver.destroyed.connect(self._receiver_destroyed, Qt.ConnectionType.DirectConnection)
        tasks.add(task_id)
        self._task_receiver[task_id] = address

    @Slot(QObject)
    def _receiver_destroyed(self, receiver: QObject) -> None:
        """A receiver is being destroyed: its running tasks' callbacks are dropped at once (with
        what they hold); the tasks still finish, a failure then only logged."""
        address = shiboken6.getCppPointer(receiver)[0]
        with self._lock:
            for task_id in self._receivers.pop(address, set()):
                self._task_receiver.pop(task_id, None)
                on_ok, on_err = self._callbacks.get(task_id, (None, None))
                if on_ok is not None or on_err is not None:
                    self._callbacks[task_id] = (None, None if on_err is None else _dropped)

    @Slot(int, object, object)
    def _deliver(self, task_id: int, result: object, error: object) -> None:
        with self._lock:
            on_ok, on_err = self._callbacks.pop(task_id, (None, None))
            address = self._task_receiver.pop(task_id, None)
            if address is not None:
                self._receivers.get(address, set()).discard(task_id)
        if self._closed:
            return
        if isinstance(error, BaseException):
            if on_err is not None:
                on_err(error)
            else:
                log.warning("background task failed: %s", error, exc_info=error)
                self.taskFailed.emit(describe_error(error))
        elif on_ok is not None:
            on_ok(result)

    # --- loops and shutdown -----------------------------------------------------------------

    def spawn(self, name: str, fn: Callable[[], None]) -> threading.Thread:
        """Start a long-running loop on its own thread (it must watch a stop event)."""

        def guarded() -> None:
            try:
                fn()
            except Exception:
                log.exception("%s stopped by an error", name)

        thread = threading.Thread(target=guarded, name=name, daemon=True)
        self._threads.append(thread)
        thread.start()
        return thread

    def shutdown(self, timeout: float = 10.0) -> None:
        """Wait for loops (their stop events must be set), finish tasks, close the store."""
        self._closed = True
        for thread in self._threads:
            thread.join(timeout)
        self._net.shutdown(wait=True, cancel_futures=True)
        if self._store is not None:
            store, self._store = self._store, None
            self._db.submit(store.close).result()
        self._db.shutdown(wait=True)
