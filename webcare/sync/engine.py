"""SyncEngine: bootstrap, pull the change feed by cursor, push the outbox.

It owns no thread. Every local-store call goes through ``run_db`` (in the app: a hop to the one
DB worker thread; in tests: a direct call), every server call through the :class:`ApiClient`.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial
from typing import Any, Protocol, TypeVar

from webcare.client_store.records import ChangeSummary
from webcare.client_store.store import LocalStore
from webcare.domain.errors import TransientError, ValidationError
from webcare.domain.wire import BootstrapPage
from webcare.faults import crash_point
from webcare.net.agent_api import ApiClient
from webcare.net.errors import CursorGone, OutboxInterrupted, OutboxOutOfStep

T = TypeVar("T")

# Bootstrap order: authors before their mentions, mentions before their replies and notes.
BOOTSTRAP_ENTITIES = (("contacts", "contact"), ("mentions", "mention"),
                      ("replies", "reply"), ("notes", "note"))  # fmt: skip
ALL_ENTITIES = frozenset({"mention", "contact", "reply", "note", "template", "user", "channel"})
_UNREADABLE_PAGE = "The server sent a change page this client cannot read."
#: What the applier raises for an entity it cannot store; sqlite3's for values it cannot bind
#: (a dict, an integer over 64 bits) or a NULL in a required column.
_UNREADABLE = (
    KeyError,
    TypeError,
    ValueError,
    OverflowError,
    AttributeError,
    sqlite3.IntegrityError,
    sqlite3.InterfaceError,
    sqlite3.ProgrammingError,
)


class RunDb(Protocol):
    def __call__(self, fn: Callable[[LocalStore], T], /) -> T: ...


ProgressFn = Callable[[int, int], None]


@dataclass(frozen=True)
class PullResult:
    summary: ChangeSummary
    has_more: bool
    resynced: bool = False


@dataclass(frozen=True)
class PushResult:
    sent: int
    settled: int
    results: list[dict[str, Any]]
    again: bool = False  # the outbox was re-numbered or re-queued: push once more now

    @property
    def progressed(self) -> bool:
        return self.again or (self.sent > 0 and self.settled > 0)

    @property
    def rejected(self) -> list[dict[str, Any]]:
        return [r for r in self.results if r.get("outcome") == "rejected"]


class PushInterrupted(TransientError):
    """The server applied only the first writes of a batch, then failed transiently (a ``503``
    with results: busy or full database). Their results are recorded in the outbox before this
    is raised; ``pushed`` says what was settled, the rest stays queued for the next push."""

    def __init__(self, cause: OutboxInterrupted, pushed: PushResult) -> None:
        super().__init__(cause.message, retry_after_s=cause.retry_after_s)
        self.pushed = pushed


class SyncEngine:
    def __init__(
        self,
        api: ApiClient,
        run_db: RunDb,
        *,
        page_size: int = 2000,
        changes_limit: int = 500,
        push_batch: int = 50,
    ) -> None:
        self.api = api
        self.run_db = run_db
        self.page_size = page_size
        self.changes_limit = changes_limit
        self.push_batch = push_batch

    # --- pull -------------------------------------------------------------------------------

    def needs_bootstrap(self) -> bool:
        return self.run_db(lambda s: s.cursor is None)

    def bootstrap(self, progress: ProgressFn | None = None) -> None:
        """Fetch the full state. Resumes an interrupted bootstrap of the same database."""
        head = self.api.bootstrap()
        resume = self.run_db(
            lambda s: (
                s.cursor is None
                and s.get_state("bootstrap_cursor") is not None
                and s.get_state("db_id") == head["db_id"]
                and s.get_state("user_id") == str(head["me"]["id"])
            )
        )
        if not resume:
            self.run_db(lambda s: s.start_bootstrap(head))
        total = sum(int(head["counts"].get(name, 0)) for name, _entity in BOOTSTRAP_ENTITIES)
        done = 0
        for name, entity in BOOTSTRAP_ENTITIES:
            key = f"boot_after_{entity}"
            after_text = self.run_db(lambda s, k=key: s.get_state(k))  # type: ignore[misc]
            if after_text == "done":
                done += int(head["counts"].get(name, 0))
                continue
            # one page ahead: the server prepares page n + 1 while page n is being stored
            with ThreadPoolExecutor(1, thread_name_prefix="webcare-bootstrap") as ahead:
                fetch = partial(self.api.bootstrap_page, name, limit=self.page_size)
                coming: Future[BootstrapPage] | None = ahead.submit(
                    fetch, after=int(after_text) if after_text else 0
                )
                while coming is not None:
                    page = coming.result()
                    items, nxt = page["items"], page["next_after"]
                    coming = ahead.submit(fetch, after=nxt) if nxt is not None else None
                    self.run_db(
                        lambda s, e=entity, i=items, n=nxt: s.apply_bootstrap_page(e, i, n)  # type: ignore[misc]
                    )
                    done += len(items)
                    if progress is not None:
                        progress(min(done, total), total)
        self.run_db(lambda s: s.finish_bootstrap())

    def pull(self, wait: float = 0.0, progress: ProgressFn | None = None) -> PullResult:
        """Apply the next page of changes (waiting up to ``wait`` s for one)."""
        if self.needs_bootstrap():
            self.bootstrap(progress)
            return PullResult(ChangeSummary(entities=set(ALL_ENTITIES)), False, resynced=True)
        cursor = self.run_db(lambda s: s.cursor)
        assert cursor is not None
        try:
            page = self.api.changes(cursor, limit=self.changes_limit, wait=wait)
            _check_page(page)
        except CursorGone:
            return self._resync(progress)
        if page["db_id"] != self.run_db(lambda s: s.get_state("db_id")):
            return self._resync(progress)  # the server's database was replaced
        try:
            summary = self.run_db(lambda s: s.apply_changes(page))
        except _UNREADABLE as exc:
            # An entity the applier cannot store (missing keys, wrong types): the transaction
            # rolled back, so the cursor did not move. A WebcareError keeps the pull loop alive.
            raise ValidationError(_UNREADABLE_PAGE) from exc
        return PullResult(summary, page["has_more"])

    def _resync(self, progress: ProgressFn | None) -> PullResult:
        # The outbox is kept: nothing typed is lost by a resync.
        self.run_db(lambda s: s.set_state("cursor", None))
        self.bootstrap(progress)
        return PullResult(ChangeSummary(entities=set(ALL_ENTITIES)), False, resynced=True)

    def catch_up(self, progress: ProgressFn | None = None) -> ChangeSummary:
        """Pull until the feed has nothing more right now."""
        total = ChangeSummary()
        while True:
            result = self.pull(0.0, progress)
            total.merge(result.summary)
            if not result.has_more:
                return total

    # --- push -------------------------------------------------------------------------------

    def push(self) -> PushResult:
        """Send queued writes in order, one batch. Raises on transient failures (retry later);
        :class:`PushInterrupted` after recording the writes a ``503`` says were applied."""
        entries = self.run_db(lambda s: s.unsent(self.push_batch))
        if not entries:
            return PushResult(0, 0, [])
        client_id = entries[0].client_id
        crash_point("push.before_send")
        try:
            response = self.api.post_mutations(client_id, [e.wire() for e in entries])
        except OutboxOutOfStep as exc:
            results, code, last_seq = list(exc.results), exc.code, exc.last_seq
            settled = self.run_db(lambda s: s.apply_results(results))
            if code == "seq_conflict":
                self.run_db(lambda s: s.new_client_id())
            else:  # gap: the server lost writes it had acknowledged (restored backup)
                self.run_db(lambda s: s.requeue_after(last_seq))
            return PushResult(len(entries), settled, results, again=True)
        except OutboxInterrupted as exc:
            # Recorded exactly as if they had come in a 200, before the caller backs off.
            done = list(exc.results)
            settled = self.run_db(lambda s: s.apply_results(done))
            applied = {r.get("op_id") for r in done}
            rest = [e for e in entries if e.op_id not in applied]
            error = str(exc)[:500]
            self.run_db(lambda s: s.note_attempt(rest, error))
            raise PushInterrupted(exc, PushResult(len(entries), settled, done)) from exc
        except Exception as exc:
            error = str(exc)[:500]
            self.run_db(lambda s: s.note_attempt(entries, error))
            raise
        crash_point("push.after_send")
        results = list(response["results"])
        settled = self.run_db(lambda s: s.apply_results(results))
        crash_point("push.after_ack")
        return PushResult(len(entries), settled, results)

    def push_all(self, max_conflicts: int = 3) -> list[dict[str, Any]]:
        """Push until the outbox is empty; returns every result."""
        results: list[dict[str, Any]] = []
        conflicts = 0
        while True:
            outcome = self.push()
            results.extend(outcome.results)
            conflicts += outcome.again
            if not outcome.progressed or conflicts > max_conflicts:
                return results


def _check_page(page: Any) -> None:
    """A malformed page must not move the cursor (nor crash the client)."""
    ok = (
        isinstance(page, dict)
        and isinstance(page.get("changes"), list)
        and _is_int(page.get("cursor"))
        and page["cursor"] >= 0
        and isinstance(page.get("has_more"), bool)
        and isinstance(page.get("db_id"), str)
        and all(
            isinstance(c, dict)
            and isinstance(c.get("entity"), str)
            and (isinstance(c.get("id"), str) or _is_int(c.get("id")))
            and c.get("op") in ("upsert", "delete")
            and (c.get("data") is None or isinstance(c.get("data"), dict))
            for c in page["changes"]
        )
    )
    if not ok:
        raise ValidationError(_UNREADABLE_PAGE)


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)
