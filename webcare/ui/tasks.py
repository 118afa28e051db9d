"""Run work off the UI thread and deliver results back on it.

* one DB worker thread owns the :class:`LocalStore` (its SQLite connection lives there);
* a small network pool runs HTTP calls;
* long-running loops (sync) get their own named threads;
* results and errors come back to the main thread through a queued Qt signal and are handed to
  the callback there. Callbacks never run on a worker thread. An error nobody asked for (no
  ``on_err``) is logged with its traceback and announced by ``taskFailed``, which the window
  shows: a failed background task is never silent.
"""

from __future__ import annotations

import itertools
import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

from PySide6.QtCore import QObject, Signal, Slot

from webcare.client_store.store import LocalStore

T = TypeVar("T")
log = logging.getLogger("webcare.ui.tasks")

OkFn = Callable[[Any], None]
ErrFn = Callable[[BaseException], None]


def describe_error(error: BaseException) -> str:
    """One line for a person: the error's own message, or its kind when it has none."""
    message = " ".join(str(error).split())
    return message or type(error).__name__


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
        self._lock = threading.Lock()
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
    ) -> Future[Any]:
        if self._closed:  # the session ended: late requests are dropped, not errors
            done: Future[Any] = Future()
            done.cancel()
            return done
        task_id = next(self._ids)
        with self._lock:
            self._callbacks[task_id] = (on_ok, on_err)

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
    ) -> Future[Any]:
        """Run ``fn(store)`` on the DB thread; ``on_ok(result)`` later on the main thread."""
        return self._submit(self._db, lambda: self._with_store(fn), on_ok, on_err)

    def net(
        self, fn: Callable[[], Any], on_ok: OkFn | None = None, on_err: ErrFn | None = None
    ) -> Future[Any]:
        """Run ``fn()`` (an HTTP call) on the network pool; callbacks on the main thread."""
        return self._submit(self._net, fn, on_ok, on_err)

    @Slot(int, object, object)
    def _deliver(self, task_id: int, result: object, error: object) -> None:
        with self._lock:
            on_ok, on_err = self._callbacks.pop(task_id, (None, None))
        if self._closed:
            return
        if error is not None:
            if on_err is not None:
                on_err(error)  # type: ignore[arg-type]
            else:
                assert isinstance(error, BaseException)
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
