"""The client-side workloads of issue 6 (benchmarks 3, 4 and 7), as plain functions with a size.

The benchmarks (``test_bench_queue.py``, ``test_bench_search.py``, ``test_bench_cold_start.py``)
call them at full size and time them; ``tests/gui/test_bench_smoke_client.py`` calls them with
a few thousand mentions and checks only that the answers are right.

* :func:`fill_store` fills a real client :class:`LocalStore` through its real sync applier
  (``start_bootstrap`` / ``apply_bootstrap_page`` / ``finish_bootstrap``) from
  :func:`tests.benchmarks.synth.wire_pages`. :func:`fill_in_subprocess` does the same in a
  child process, so the benchmark process does not keep the generated history in its memory.
* :func:`queue_open` opens the real :class:`QueueModel` in a real ``QTableView`` on a store,
  waits for the first rows to be painted, scrolls to the end and applies filters.
  ``python -m tests.benchmarks.client queue STORE`` runs it in a fresh process (for an honest
  RSS figure) and prints the result as JSON.
* :func:`search_queries` / :func:`run_search` are the search workload.
* :func:`open_mentions` opens mentions as the mention pane does (detail with the author
  context, and the author's conversation).
* :func:`prepare_cold_start` / :func:`cold_start` start the real ``webcare`` command in a
  child process signed in with a kept token and time it until the inbox shows its first rows.
"""

from __future__ import annotations

import json
import os
import random
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, cast

from tests.benchmarks.common import rss_mb, timed
from tests.benchmarks.synth import VOCABULARY, wire_pages
from webcare.client_store.records import QueueFilter, Sort, View
from webcare.client_store.store import LocalStore
from webcare.domain.wire import BootstrapRecord, Json, UserRecord

ROOT = Path(__file__).resolve().parents[2]
ME_ID = 1
#: tags given to some mentions (the synthetic history has none; the filters need some)
TAGS = ("billing", "outage", "delivery", "refund", "vip")
#: priorities low / normal / high / urgent, weighted like a real queue
PRIORITY_WEIGHTS = (20, 60, 15, 5)


# --- filling a store through the real applier -----------------------------------------------


def bench_head(
    *, me_id: int = ME_ID, db_id: str = "bench-db", cursor: int = 0, users: list[Json] | None = None
) -> BootstrapRecord:
    """A ``/v1/bootstrap`` head: the signed-in agent, no channels yet (they come as a page)."""
    me = {
        "id": me_id,
        "username": "eva",
        "display_name": "Eva",
        "signature": "^Eva",
        "role": "agent",
        "disabled": False,
        "brand": None,
        "can_login": True,
    }
    return {
        "db_id": db_id,
        "cursor": cursor,
        "server_time": "2026-01-02T00:00:00.000Z",
        "lease_s": 900.0,
        "me": cast("UserRecord", {"id": me_id}),
        "users": cast("list[UserRecord]", users if users is not None else [me]),
        "channels": [],
        "templates": [],
        "views": [],
        "counts": {},
    }


def enrich(mention: Json) -> Json:
    """Give a synthetic mention a priority and maybe a tag, deterministically by id."""
    rng = random.Random(mention["id"])
    mention["priority"] = rng.choices(range(4), PRIORITY_WEIGHTS)[0]
    mention["tags"] = [rng.choice(TAGS)] if rng.random() < 0.3 else []
    return mention


def store_pages(n_mentions: int) -> Iterator[tuple[str, list[Json]]]:
    """The bootstrap pages the store is filled with (mentions enriched, see :func:`enrich`)."""
    for entity, items in wire_pages(n_mentions):
        yield entity, [enrich(m) for m in items] if entity == "mention" else items


@dataclass
class FillStats:
    mentions: int
    replies: int
    contacts: int
    seconds: float  # applying the pages (generating the history not included)
    generate_s: float

    @property
    def rate(self) -> float:
        """Mentions (with their replies and contacts) applied per second."""
        return self.mentions / self.seconds if self.seconds else float("inf")


def fill_store(path: Path, n_mentions: int, head: BootstrapRecord | None = None) -> FillStats:
    """Fill a new client store at ``path`` through the real bootstrap applier."""
    counts = {"mention": 0, "reply": 0, "contact": 0}
    total = time.perf_counter()
    seconds = 0.0
    store = LocalStore(path)
    try:
        seconds += timed(lambda: store.start_bootstrap(head or bench_head()))[0]
        for entity, items in store_pages(n_mentions):  # generated lazily, page by page
            start = time.perf_counter()
            store.apply_bootstrap_page(entity, items, None)
            seconds += time.perf_counter() - start
            counts[entity] = counts.get(entity, 0) + len(items)
        seconds += timed(store.finish_bootstrap)[0]
    finally:
        store.close()
    generate_s = time.perf_counter() - total - seconds
    return FillStats(counts["mention"], counts["reply"], counts["contact"], seconds, generate_s)


def _child(*args: str, env: dict[str, str] | None = None) -> Json:
    out = subprocess.run(
        [sys.executable, "-m", "tests.benchmarks.client", *args],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    result: Json = json.loads(out.strip().splitlines()[-1])
    return result


def fill_in_subprocess(
    path: Path, n_mentions: int, head: BootstrapRecord | None = None
) -> FillStats:
    data = _child("fill", str(path), str(n_mentions), json.dumps(head or bench_head()))
    return FillStats(**data)


# --- the queue --------------------------------------------------------------------------------


def wait_for(predicate: Callable[[], bool], timeout: float = 60.0) -> None:
    """Run the Qt event loop until ``predicate()`` holds."""
    from PySide6.QtCore import QCoreApplication, QEventLoop

    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise TimeoutError("the condition did not come true in time")
        QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 5)
        time.sleep(0.0005)


#: the filters applied after opening: (name, filter)
QUEUE_FILTERS: tuple[tuple[str, QueueFilter], ...] = (
    ("status answered", QueueFilter(view=View.ALL, statuses=("answered",))),
    ("channel", QueueFilter(view=View.ALL, channel_id=3)),
    ("priority high+", QueueFilter(view=View.ALL, min_priority=2)),
    ("search 'refund'", QueueFilter(view=View.ALL, text="refund")),
    ("unclaimed, channel, urgent", QueueFilter(view=View.UNCLAIMED, channel_id=1, min_priority=3)),
)


@dataclass
class QueueResult:
    rss_before_mb: float  # Qt and the code loaded, nothing opened
    open_store_s: float
    first_rows_s: float  # model and view created -> first page in the model
    painted_s: float  # ... -> first rows painted
    count: int  # rows in the opened view (Unclaimed)
    first_ids: list[int]
    all_count: int
    all_first_s: float  # switching to All (the biggest view) -> painted
    scroll_end_s: float  # All: scroll to the bottom -> the visible rows painted
    last_ids: list[int]
    pages_after_scroll: list[int]
    filters: dict[str, tuple[float, int, list[int]]] = field(default_factory=dict)
    max_rows_loaded: int = 0
    rss_mb: float = 0.0
    baseline_count_s: float = 0.0
    baseline_page_s: float = 0.0


def _visible_rows(view: Any) -> range:
    first = max(0, view.rowAt(0))
    last = view.rowAt(view.viewport().height() - 1)
    if last < 0:
        last = view.model().rowCount() - 1
    return range(first, last + 1)


def _all_visible_loaded(view: Any, model: Any) -> bool:
    return all(model.row_at(r) is not None for r in _visible_rows(view))


def queue_open(
    store_path: Path, *, filters: tuple[tuple[str, QueueFilter], ...] = QUEUE_FILTERS
) -> QueueResult:
    """Open the real queue on a filled store and use it like an agent; time each step."""
    from PySide6.QtWidgets import QApplication, QTableView

    from webcare.ui.models.queue_model import PAGE, QueueModel
    from webcare.ui.tasks import TaskRunner

    qapp = QApplication.instance() or QApplication([])
    assert qapp is not None
    rss_before = rss_mb()
    runner = TaskRunner()
    view = QTableView()
    try:
        open_store_s, _store = timed(lambda: runner.open_store(store_path))
        start = time.perf_counter()
        model = QueueModel(runner, ME_ID)
        view.setModel(model)
        view.verticalHeader().setDefaultSectionSize(28)
        view.resize(1200, 800)
        view.show()
        model.set_filter(QueueFilter(view=View.UNCLAIMED))
        wait_for(lambda: model.rowCount() > 0 and model.row_at(0) is not None)
        first_rows_s = time.perf_counter() - start
        view.viewport().repaint()
        painted_s = time.perf_counter() - start
        count = model.rowCount()
        first_ids = [row.id for r in _visible_rows(view) if (row := model.row_at(r))]

        def switch(f: QueueFilter) -> float:
            done: list[object] = []
            model.refreshed.connect(done.append)
            start = time.perf_counter()
            model.set_filter(f)
            wait_for(lambda: bool(done) and _all_visible_loaded(view, model))
            view.viewport().repaint()
            model.refreshed.disconnect(done.append)
            return time.perf_counter() - start

        all_first_s = switch(QueueFilter(view=View.ALL))
        all_count = model.rowCount()
        start = time.perf_counter()
        view.scrollToBottom()
        QApplication.processEvents()
        wait_for(lambda: _all_visible_loaded(view, model))
        view.viewport().repaint()
        scroll_end_s = time.perf_counter() - start
        last_ids = [row.id for r in _visible_rows(view) if (row := model.row_at(r))]
        pages_after_scroll = model.loaded_pages()
        max_rows = len(pages_after_scroll) * PAGE
        measured: dict[str, tuple[float, int, list[int]]] = {}
        for name, f in filters:
            view.scrollToTop()
            seconds = switch(f)
            ids = [row.id for r in _visible_rows(view) if (row := model.row_at(r))]
            measured[name] = (seconds, model.rowCount(), ids)
            max_rows = max(max_rows, len(model.loaded_pages()) * PAGE)
        rss = rss_mb()
    finally:
        view.close()
        view.deleteLater()
        runner.shutdown()
    conn = sqlite3.connect(store_path)
    try:
        baseline_count_s = min(
            timed(lambda: conn.execute("SELECT COUNT(*) FROM mentions").fetchone())[0]
            for _ in range(3)
        )
        baseline_page_s = min(
            timed(
                lambda: conn.execute(
                    "SELECT id, received_at, status, text FROM mentions"
                    " ORDER BY received_at DESC LIMIT 200"
                ).fetchall()
            )[0]
            for _ in range(3)
        )
    finally:
        conn.close()
    return QueueResult(
        rss_before_mb=rss_before,
        open_store_s=open_store_s,
        first_rows_s=first_rows_s,
        painted_s=painted_s,
        count=count,
        first_ids=first_ids,
        all_count=all_count,
        all_first_s=all_first_s,
        scroll_end_s=scroll_end_s,
        last_ids=last_ids,
        pages_after_scroll=pages_after_scroll,
        filters=measured,
        max_rows_loaded=max_rows,
        rss_mb=rss,
        baseline_count_s=baseline_count_s,
        baseline_page_s=baseline_page_s,
    )


def ids_in_order(store_path: Path, sql: str, *args: Any) -> list[int]:
    """Mention ids straight from SQLite, to check what the queue showed."""
    conn = sqlite3.connect(store_path)
    try:
        return [r[0] for r in conn.execute(sql, args)]
    finally:
        conn.close()


def oldest_ids(store_path: Path, n: int) -> list[int]:
    """The last ``n`` rows of the All view (newest first), as the end of the queue shows them."""
    ids = ids_in_order(
        store_path, "SELECT id FROM mentions ORDER BY received_at ASC, id ASC LIMIT ?", n
    )
    return ids[::-1]


def filter_timings(store_path: Path) -> dict[str, dict[str, float]]:
    """Store-level timings (ms) of each queue filter: count, first page, last page (reproduces
    the before/after figures of the query changes: ``python -m tests.benchmarks.client
    queries STORE``)."""
    store = LocalStore(store_path)
    out: dict[str, dict[str, float]] = {}

    def ms(fn: Callable[[], object]) -> float:
        start = time.perf_counter()
        fn()
        return round((time.perf_counter() - start) * 1000, 1)

    try:
        for name, f in (("unclaimed", QueueFilter()), *QUEUE_FILTERS):
            count = store.count(f)
            last = max(0, (count - 1) // 200 * 200)
            out[name] = {
                "count": count,
                "count_ms": ms(partial(store.count, f)),
                "first_page_ms": ms(partial(store.rows, f, 0, 200)),
                "last_page_ms": ms(partial(store.rows, f, last, 200, total=count)),
            }
    finally:
        store.close()
    return out


@dataclass(frozen=True)
class Opened:
    """One mention opened as the pane opens it: its detail (with the author context) and the
    author's conversation."""

    mention_id: int
    detail_s: float
    conversation_s: float
    bare_s: float  # baseline: the mention's row by its primary key
    open_count: int
    earlier: int


def busiest_author_mentions(store_path: Path, n: int) -> list[int]:
    """Mentions of the author with the most mentions (the worst case of the author context)."""
    conn = sqlite3.connect(store_path)
    try:
        row = conn.execute(
            "SELECT contact_id FROM mentions WHERE contact_id IS NOT NULL"
            " GROUP BY contact_id ORDER BY count(*) DESC LIMIT 1"
        ).fetchone()
        return [r[0] for r in conn.execute(
            "SELECT id FROM mentions WHERE contact_id = ? LIMIT ?", (row[0], n)
        )]  # fmt: skip
    finally:
        conn.close()


def open_mentions(store_path: Path, n: int, seed: int = 5) -> list[Opened]:
    """Open ``n`` random mentions and those of the busiest author, as selecting them does."""
    store = LocalStore(store_path)

    def bare_row(mention_id: int) -> object:
        return store.conn.execute("SELECT * FROM mentions WHERE id = ?", (mention_id,)).fetchone()

    try:
        top = int(store.conn.execute("SELECT max(id) FROM mentions").fetchone()[0])
        rng = random.Random(seed)
        ids = [rng.randint(1, top) for _ in range(n)] + busiest_author_mentions(store_path, 20)
        store.detail(ids[0])  # warm the page cache once, like an open window
        opened = []
        for mention_id in ids:
            detail_s, detail = timed(partial(store.detail, mention_id))
            conversation_s, _items = timed(partial(store.conversation, mention_id))
            bare_s, _row = timed(partial(bare_row, mention_id))
            assert detail is not None
            opened.append(
                Opened(
                    mention_id,
                    detail_s,
                    conversation_s,
                    bare_s,
                    detail.author.open_count,
                    detail.author.earlier,
                )
            )
        return opened
    finally:
        store.close()


def queue_open_in_subprocess(store_path: Path) -> QueueResult:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    data = _child("queue", str(store_path), env=env)
    data["filters"] = {k: tuple(v) for k, v in data["filters"].items()}
    return QueueResult(**data)


# --- search -----------------------------------------------------------------------------------


def search_queries(n: int, n_contacts: int, seed: int = 11) -> list[tuple[str, QueueFilter]]:
    """``n`` searches as an agent types them: words, ``@handle``, ``tag:``, ``prio:``,
    ``since:``, most combined with a status or channel filter. Returns (typed text, filter)."""
    from webcare.domain.search_syntax import parse_search

    rng = random.Random(seed)
    words = sorted({w for w in VOCABULARY if len(w) >= 4 and w.isalpha()})
    out: list[tuple[str, QueueFilter]] = []
    for i in range(n):
        kind = i % 6
        if kind == 0:
            typed = rng.choice(words)
        elif kind == 1:
            typed = " ".join(rng.sample(words, 2))
        elif kind == 2:
            typed = f"@cust{rng.randrange(n_contacts)}"
        elif kind == 3:
            typed = f"tag:{rng.choice(TAGS)} {rng.choice(words)}"
        elif kind == 4:
            typed = f"prio:{rng.choice(('high', 'urgent'))} {rng.choice(words)}"
        else:
            month = rng.randrange(1, 13)
            typed = f"since:2025-{month:02d}-01 {rng.choice(words)}"
        parsed = parse_search(typed)
        status = rng.choice(((), ("open",), ("answered",)))
        channel = rng.choice((None, None, rng.randrange(1, 10)))
        f = QueueFilter(
            view=View.ALL,
            text=parsed.text,
            statuses=status,
            channel_id=channel,
            tag=parsed.tag,
            min_priority=parsed.min_priority,
            since=parsed.since,
            until=parsed.until,
            sort=Sort.NEWEST,
        )
        out.append((typed, f))
    return out


@dataclass
class SearchAnswer:
    seconds: float
    count: int
    ids: list[int]  # the first page


def run_search(store: LocalStore, f: QueueFilter, page: int = 200) -> SearchAnswer:
    """What the queue does for a search: the first page and the count."""
    start = time.perf_counter()
    rows = store.rows(f, 0, page)
    count = store.count(f)
    return SearchAnswer(time.perf_counter() - start, count, [r.id for r in rows])


def bare_match(conn: sqlite3.Connection, text: str, page: int = 200) -> float:
    """The baseline: a bare FTS5 MATCH of the same words (first page of rowids and the count)."""
    from webcare.client_store.search import fts_query

    query = fts_query(text)
    if query is None:
        return 0.0
    start = time.perf_counter()
    conn.execute(
        "SELECT rowid FROM search WHERE search MATCH ? ORDER BY rowid DESC LIMIT ?",
        (query, page),
    ).fetchall()
    conn.execute("SELECT count(*) FROM search WHERE search MATCH ?", (query,))
    return time.perf_counter() - start


# --- cold start -----------------------------------------------------------------------------


@contextmanager
def _env(**values: str) -> Iterator[None]:
    old = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


@dataclass
class ColdStartHome:
    """A user's home for the child process: settings, the kept token, the filled store."""

    env: dict[str, str]
    store_path: Path


def prepare_cold_start(home: Path, server_url: str, username: str, token: str) -> ColdStartHome:
    """Settings naming the server and account, the token in the opt-in file (this machine has
    no keyring), and where the store for that server and account lives."""
    from webcare.client_store.store import default_store_path
    from webcare.credentials import credential_key

    config, data = home / "config", home / "data"
    env = {
        **os.environ,
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(config),
        "XDG_DATA_HOME": str(data),
        "XDG_RUNTIME_DIR": str(home / "run"),
        "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
        "QT_QPA_PLATFORM": "offscreen",
    }
    (home / "run").mkdir(parents=True, exist_ok=True, mode=0o700)
    (config / "Webcare").mkdir(parents=True, exist_ok=True)
    (config / "Webcare" / "Webcare.conf").write_text(
        f"[General]\nserver_url={server_url}\nusername={username}\nplaintext_token_opt_in=true\n",
        encoding="utf-8",
    )
    tokens = config / "webcare" / "tokens.json"
    tokens.parent.mkdir(parents=True, exist_ok=True)
    tokens.write_text(json.dumps({credential_key(server_url, username): token}), encoding="utf-8")
    tokens.chmod(0o600)
    with _env(XDG_DATA_HOME=str(data), HOME=str(home)):
        store_path = default_store_path(server_url, username)
    return ColdStartHome(env, store_path)


@dataclass
class ColdStart:
    seconds: float  # process start -> inbox painted with its first rows
    rows: int
    title: str
    marks: dict[str, float]  # seconds from process start to each step in the child


def _time_child(argv: list[str], env: dict[str, str], timeout: float = 60.0) -> tuple[float, Json]:
    start_wall = time.time()
    start = time.perf_counter()
    proc = subprocess.Popen(
        argv, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        assert proc.stdout is not None
        for line in proc.stdout:
            if line.startswith("READY "):
                seconds = time.perf_counter() - start
                data: Json = json.loads(line[len("READY ") :])
                data["marks"] = {k: v - start_wall for k, v in data.get("marks", {}).items()}
                return seconds, data
        raise RuntimeError(
            f"the child never got ready: {proc.stderr.read() if proc.stderr else ''}"
        )
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait(timeout)
        for stream in (proc.stdout, proc.stderr):
            if stream is not None:
                stream.close()


def cold_start(home: ColdStartHome) -> ColdStart:
    """Start ``webcare`` (the real entry point) and time it until the inbox shows rows."""
    seconds, data = _time_child([sys.executable, "-m", "tests.benchmarks.cold_start_app"], home.env)
    return ColdStart(seconds, int(data["rows"]), str(data["title"]), data["marks"])


def bare_window(env: dict[str, str]) -> float:
    """The baseline: ``import PySide6.QtWidgets`` and show an empty ``QMainWindow``."""
    code = (
        "import json, time\n"
        "from PySide6.QtWidgets import QApplication, QMainWindow\n"
        "app = QApplication([])\n"
        "w = QMainWindow()\n"
        "w.show()\n"
        "app.processEvents()\n"
        "w.repaint()\n"
        "print('READY ' + json.dumps({'rows': 0}), flush=True)\n"
    )
    return _time_child([sys.executable, "-c", code], env)[0]


# --- child processes ------------------------------------------------------------------------


def main(argv: list[str]) -> None:
    command = argv[0]
    if command == "fill":
        stats = fill_store(Path(argv[1]), int(argv[2]), json.loads(argv[3]))
        print(json.dumps(asdict(stats)))
    elif command == "queue":
        print(json.dumps(asdict(queue_open(Path(argv[1])))))
    elif command == "queries":
        print(json.dumps(filter_timings(Path(argv[1])), indent=1))
    else:
        raise SystemExit(f"unknown command {command}")


if __name__ == "__main__":
    main(sys.argv[1:])
