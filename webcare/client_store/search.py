"""The queue's text search: what a person types (words and ``tag:`` ``since:`` ``until:``
``prio:`` tokens), and the search as walks of the search index in key order (see ``schema``,
m005) that stop after a page, with their counts remembered until the store changes.
"""

from __future__ import annotations

import dataclasses
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from webcare.client_store.core import StoreCore
from webcare.client_store.filters import filter_where
from webcare.client_store.records import QueueFilter, Sort, View
from webcare.client_store.schema import ID_BITS, KEY_SQL, search_key
from webcare.domain.search_syntax import PRIORITIES as _PRIORITIES

_WORD = re.compile(r"\w+", re.UNICODE)


def fts_query(text: str) -> str | None:
    """Turn what a person typed into a safe FTS5 query: every word must match (as a prefix) in
    the mention, a reply to it or its author's handle or name."""
    words = _WORD.findall(text)
    if not words:
        return None
    return " AND ".join(f'{{text replies author}} : "{w}"*' for w in words[:20])


def _phrase(token: str) -> str:
    return '"' + token.replace('"', '""') + '"'


def _facet(token: str) -> str:
    return "facets : " + _phrase(token)


#: a search counts this many rows at first; the queue asks for more as it is scrolled
SEARCH_CAP = 1000
_ID_MASK = 2**ID_BITS - 1  # the mention id in a search key


@dataclass(frozen=True)
class _Search:
    """A text search's parts (see ``TextSearch._search``); ``walk`` is one pass over its
    matches: all of them, or one priority level, with an optional extra condition."""

    match: str
    clauses: list[str]
    args: list[Any]

    def walk(
        self, level: int | None = None, extra: str = "", extra_args: tuple[Any, ...] = ()
    ) -> tuple[str, list[Any]]:
        """``SELECT m.id, f.rowid FROM … WHERE …`` (no ORDER/LIMIT)."""
        match, clauses, args = self.match, ["search MATCH ?", *self.clauses], [*self.args]
        if level is not None:
            match += f" AND {_facet(f'p{level}')}"
            clauses.append("m.priority = ?")
            args.append(level)
        if extra:
            clauses.append(extra)
            args.extend(extra_args)
        sql = (
            "SELECT m.id, f.rowid AS k FROM search f CROSS JOIN mentions m"
            f" ON m.id = (f.rowid & {_ID_MASK}) WHERE {' AND '.join(clauses)}"
        )
        return sql, [match, *args]


class TextSearch(StoreCore):
    """The walks of a text search over the index, for the queue's counts, pages and positions."""

    def __init__(self, path: Path, *, clock: Callable[[], float] = time.time) -> None:
        super().__init__(path, clock=clock)
        self._typed: dict[str, list[str]] = {}  # typed words -> index terms
        self._walk_totals: dict[tuple[Any, ...], int] = {}

    def _terms(self, text: str) -> list[str]:
        """The index terms of what was typed (the index's own tokenizer: case, accents)."""
        words = " ".join(_WORD.findall(text)[:20])
        if not words:
            return []
        cached = self._typed.get(words)
        if cached is None:
            # autocommit statements on a temp table: they take no lock on the store itself
            conn = self.conn
            conn.execute("INSERT INTO temp.search_scratch(text) VALUES (?)", (words,))
            cached = [r[0] for r in conn.execute("SELECT term FROM temp.search_scratch_terms")]
            conn.execute("DELETE FROM temp.search_scratch")
            if len(self._typed) > 256:
                self._typed.clear()
            self._typed[words] = cached
        return cached

    def _word_query(self, text: str) -> str | None:
        """The FTS5 query for the typed words: each must begin a term of the mention, a reply
        or the author. A word becomes the OR of the (at most 64) terms it begins, which FTS5
        walks lazily; only a word that begins more (one or two letters) is left to FTS5's prefix
        query."""
        terms = self._terms(text)
        if not terms:
            return None
        parts = []
        for term in terms:
            found = [
                r[0]
                for r in self.conn.execute(
                    "SELECT term FROM search_terms WHERE term >= ? AND term < ? LIMIT 65",
                    (term, term + "\U0010ffff"),
                )
            ]
            if not found:  # no term begins so: the exact term finds nothing, at once
                parts.append(f"{{text replies author}} : {_phrase(term)}")
            elif len(found) > 64:
                parts.append(f"{{text replies author}} : {_phrase(term)}*")
            else:
                parts.append("{text replies author} : (" + " OR ".join(map(_phrase, found)) + ")")
        return " AND ".join(parts)

    def _segments(self, f: QueueFilter) -> list[tuple[int | None, bool]]:
        """The walks a search is made of, in order: (priority level or None, newest first?)."""
        if f.sort is Sort.NEWEST:
            return [(None, True)]
        if f.sort is Sort.OLDEST:
            return [(None, False)]
        lowest = max(f.min_priority or 0, 0)
        return [(level, False) for level in range(max(_PRIORITIES.values()), lowest - 1, -1)]

    def _search(self, f: QueueFilter, now: float) -> _Search:
        """What every walk of a search shares, worked out once per call: the words' query (its
        term lookups), the facets of the filters, and the filters checked on each row."""
        me = self._me_id()
        query = self._word_query(f.text)
        assert query is not None
        groups: list[list[str]] = []
        if f.view is View.UNCLAIMED:
            groups.append(["sopen", "sclaimed"])
        elif f.view is View.MINE:
            groups.append([f"h{me if me is not None else 0}"])
        elif f.view is View.ANSWERED:
            groups.append(["sanswered"])
        if f.statuses:
            groups.append([f"s{status}" for status in f.statuses])
        if f.channel_id is not None:
            groups.append([f"c{f.channel_id}"])
        if f.min_priority is not None and f.min_priority > 0:
            groups.append([f"p{p}" for p in range(f.min_priority, 10)])
        if f.tag:
            groups.append([f"t{f.tag.lower()}"])
        match = " AND ".join(
            [query, *("(" + " OR ".join(_facet(t) for t in group) + ")" for group in groups)]
        )
        # the facets only shorten the walk: every filter is checked on the row as well
        where, args = filter_where(dataclasses.replace(f, text=""), me, now)
        clauses = [where.removeprefix(" WHERE ")] if where else []
        if f.since is not None:
            clauses.append("f.rowid >= ?")
            args.append(search_key(f.since, 0))
        if f.until is not None:
            clauses.append("f.rowid < ?")
            args.append(search_key(f.until, 0) + _ID_MASK + 1)
        return _Search(match, clauses, args)

    def _walk_total(self, sql: str, args: list[Any], cap: int) -> int:
        """How many rows a walk yields, at most ``cap``. An exact answer is remembered until
        the store changes: the first page of a search that has fewer rows than a page has
        already walked all of them, so its count costs nothing."""
        key = self._walk_key(sql, args)
        known = self._walk_totals.get(key)
        if known is not None:
            return min(known, cap)
        n = int(
            self.conn.execute(f"SELECT count(*) FROM ({sql} LIMIT ?)", [*args, cap]).fetchone()[0]
        )
        if n < cap:
            self._remember_total(key, n)
        return n

    def _walk_key(self, sql: str, args: list[Any]) -> tuple[Any, ...]:
        version = self.conn.execute("PRAGMA data_version").fetchone()[0]
        return (version, self._writes, sql, *args)

    def _remember_total(self, key: tuple[Any, ...], n: int) -> None:
        if len(self._walk_totals) > 64:
            self._walk_totals.clear()
        self._walk_totals[key] = n

    def _search_count(self, f: QueueFilter, now: float, cap: int) -> int:
        search = self._search(f, now)
        total = 0
        for level, _newest in self._segments(f):
            if total >= cap:
                break
            sql, args = search.walk(level)
            total += self._walk_total(sql, args, cap - total)
        return total

    def _search_ids(self, f: QueueFilter, now: float, offset: int, limit: int) -> list[int]:
        search = self._search(f, now)
        ids: list[int] = []
        for level, newest in self._segments(f):
            if len(ids) >= limit:
                break
            sql, args = search.walk(level)
            if offset:
                skipped = self._walk_total(sql, args, offset + 1)
                if skipped <= offset:
                    offset -= skipped
                    continue
            order = "DESC" if newest else "ASC"
            wanted = limit - len(ids)
            found = [
                r[0]
                for r in self.conn.execute(
                    f"{sql} ORDER BY f.rowid {order} LIMIT ? OFFSET ?", [*args, wanted, offset]
                )
            ]
            if len(found) < wanted:  # walked to the end: the count is known
                self._remember_total(self._walk_key(sql, args), offset + len(found))
            ids.extend(found)
            offset = 0
        return ids

    def _search_position(self, f: QueueFilter, now: float, mention_id: int, cap: int) -> int | None:
        row = self.conn.execute(
            f"SELECT {KEY_SQL}, m.priority FROM mentions m WHERE m.id = ?", (mention_id,)
        ).fetchone()
        if row is None:
            return None
        key, priority = row[0], row[1]
        search = self._search(f, now)
        sql, args = search.walk(None, "f.rowid = ?", (key,))
        if self.conn.execute(sql, args).fetchone() is None:
            return None
        position = 0
        for level, newest in self._segments(f):
            if level is not None and level < priority:
                break
            same = level is None or level == priority
            extra = (f"f.rowid {'>' if newest else '<'} ?", (key,)) if same else ("", ())
            sql, args = search.walk(level, *extra)
            position += self._walk_total(sql, args, cap - position)
            if position >= cap:
                return None
        return position
