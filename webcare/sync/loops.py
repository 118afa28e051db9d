"""The two long-running sync loops. They block; the caller decides which thread runs them.

* the pull loop long-polls the change feed and reports what changed;
* the push loop sends the outbox whenever it is woken (a new local write) or its backoff ends,
  so queued replies go out after an outage without any user action.

Both back off exponentially with full jitter on transient failures and stop on ``stop``.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Callable
from dataclasses import dataclass

from webcare.client_store.records import ChangeSummary
from webcare.domain.errors import AuthError, WebcareError
from webcare.sync.engine import ProgressFn, PushInterrupted, PushResult, SyncEngine


@dataclass
class Backoff:
    """Exponential backoff with full jitter: wait uniform(0, min(cap, base * 2**n))."""

    base_s: float = 0.5
    cap_s: float = 30.0
    attempt: int = 0
    rng: random.Random | None = None

    def next_delay(self, at_least: float = 0.0) -> float:
        ceiling = min(self.cap_s, self.base_s * (2**self.attempt))
        self.attempt = min(self.attempt + 1, 16)
        rng = self.rng or random
        return max(at_least, rng.uniform(ceiling / 2, ceiling))

    def reset(self) -> None:
        self.attempt = 0


@dataclass(frozen=True)
class SyncStatus:
    online: bool
    message: str = ""
    retry_in_s: float = 0.0
    auth_failed: bool = False


StatusFn = Callable[[SyncStatus], None]


def _failure(exc: WebcareError, delay: float) -> SyncStatus:
    if isinstance(exc, AuthError):
        return SyncStatus(False, exc.message, auth_failed=True)
    return SyncStatus(False, exc.message, retry_in_s=delay)


def pull_loop(
    engine: SyncEngine,
    stop: threading.Event,
    on_changes: Callable[[ChangeSummary, bool], None],
    on_status: StatusFn,
    *,
    wait_s: float = 25.0,
    progress: ProgressFn | None = None,
    backoff: Backoff | None = None,
) -> None:
    """Long-poll until ``stop`` is set. ``on_changes(summary, resynced)`` after each page."""
    backoff = backoff or Backoff()
    online: bool | None = None
    while not stop.is_set():
        try:
            result = engine.pull(0.0 if online is None else wait_s, progress)
        except Exception as exc:
            if stop.is_set():
                return  # shutting down: the store or the network went away under us
            if not isinstance(exc, WebcareError):
                raise
            if isinstance(exc, AuthError):
                on_status(_failure(exc, 0))
                return
            delay = backoff.next_delay(getattr(exc, "retry_after_s", 0.0))
            online = False
            on_status(_failure(exc, delay))
            stop.wait(delay)
            continue
        if stop.is_set():
            return
        if online is not True:
            online = True
            on_status(SyncStatus(True))
        backoff.reset()
        if result.summary or result.resynced:
            on_changes(result.summary, result.resynced)


def push_loop(
    engine: SyncEngine,
    stop: threading.Event,
    wake: threading.Event,
    on_pushed: Callable[[PushResult], None],
    on_status: StatusFn,
    *,
    idle_s: float = 30.0,
    backoff: Backoff | None = None,
) -> None:
    """Send the outbox when woken, and again after each backoff, until ``stop`` is set."""
    backoff = backoff or Backoff()
    delay = 0.0
    failing = False
    while not stop.is_set():
        wake.wait(delay if delay > 0 else idle_s)
        wake.clear()
        if stop.is_set():
            return
        try:
            conflicts = 0
            while True:
                result = engine.push()
                if result.sent:
                    on_pushed(result)
                conflicts += result.again
                if not result.progressed or conflicts > 3:
                    break
        except Exception as exc:
            if stop.is_set():
                return
            if not isinstance(exc, WebcareError):
                raise
            if isinstance(exc, AuthError):
                on_status(_failure(exc, 0))
                return
            if isinstance(exc, PushInterrupted) and exc.pushed.settled:
                on_pushed(exc.pushed)  # the writes the server applied before it failed
            delay = backoff.next_delay(getattr(exc, "retry_after_s", 0.0))
            failing = True
            on_status(_failure(exc, delay))
            continue
        if failing:
            failing = False
            on_status(SyncStatus(True))
        backoff.reset()
        delay = 0.0
