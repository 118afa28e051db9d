"""The queue's queries: its views and filters, counted, paged and searched (a text search
walks the index, :class:`~webcare.client_store.search.TextSearch`), a row's position, the
unread marks, and the small lookups behind the window's pickers.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any, ClassVar

from webcare.client_store.filters import QUEUED_SNOOZE_WRITES, SNOOZED_IDS, filter_where
from webcare.client_store.records import (
    HandedOver,
    Json,
    QueueFilter,
    QueueRow,
    SavedView,
    Sort,
    Template,
    View,
)
from webcare.client_store.search import SEARCH_CAP, TextSearch, fts_query
from webcare.storage.db import chunks, marks


def snooze_of(r: Any) -> tuple[float | None, bool]:
    """(wake time, until the customer writes) of a mention row with the last queued snooze
    write of it (``queued``: its type, ``payload``), which decides over the server's record."""
    if r["queued"] == "unsnooze":
        return None, False
    if r["queued"] == "snooze":
        payload = json.loads(r["payload"])
        if payload.get("until_customer"):
            return None, True
        until = payload.get("until")
        return (float(until) if isinstance(until, int | float) else None), False
    return r["snoozed_until"], bool(r["snooze_until_customer"])


class QueueQueries(TextSearch):
    """What the queue shows, and the lookups of the window."""

    def _where(self, f: QueueFilter, me: int | None, now: float) -> tuple[str, list[Any]]:
        """The view and filters of ``f`` as a WHERE clause on ``mentions m``. Not its words: a
        text search walks the search index (``_search``), so a caller with words must too."""
        if fts_query(f.text) is not None:
            raise ValueError("a text search goes through the search index (_search)")
        return filter_where(f, me, now)

    _ORDER: ClassVar[dict[Sort, str]] = {
        Sort.NEWEST: "m.received_at DESC, m.id DESC",
        Sort.OLDEST: "m.received_at ASC, m.id ASC",
        Sort.PRIORITY: "m.priority DESC, m.received_at ASC, m.id ASC",
    }
    _REVERSED: ClassVar[dict[Sort, str]] = {
        Sort.NEWEST: "m.received_at ASC, m.id ASC",
        Sort.OLDEST: "m.received_at DESC, m.id DESC",
        Sort.PRIORITY: "m.priority ASC, m.received_at DESC, m.id DESC",
    }

    def count(self, f: QueueFilter, now: float | None = None, *, cap: int = SEARCH_CAP) -> int:
        """The number of rows under ``f``; for a text search at most ``cap`` (a search walks its
        matches newest first and stops there: "1,000+" costs the same for 100 or 100k)."""
        t = now if now is not None else self.clock()
        if fts_query(f.text) is not None:
            return self._search_count(f, t, cap)
        if f.view is View.SNOOZED:
            where, args = self._where(f, self._me_id(), t)
            return int(
                self.conn.execute(f"SELECT count(*) FROM mentions m{where}", args).fetchone()[0]
            )
        # the view without its snoozed mentions: all of it, less the few asleep in it (so the
        # count stays an index count, not a read of every row to ask whether it sleeps)
        where, args = filter_where(f, self._me_id(), t, snoozed=False)
        total = int(
            self.conn.execute(f"SELECT count(*) FROM mentions m{where}", args).fetchone()[0]
        )
        asleep = f"{where}{' AND' if where else ' WHERE'} m.id IN ({SNOOZED_IDS})"
        sql = f"SELECT count(*) FROM mentions m{asleep}"
        return total - int(self.conn.execute(sql, args).fetchone()[0])

    def view_counts(self, now: float | None = None) -> dict[View, int]:
        t = now if now is not None else self.clock()
        return {view: self.count(QueueFilter(view=view), t) for view in View}

    def saved_views(self) -> list[SavedView]:
        """The saved views this account sees, as the list shows them: the team's first, then
        its own, each by name (Ctrl+5 … Ctrl+9 open the first five in this order)."""
        rows = self.conn.execute(
            "SELECT v.*, u.display_name AS owner FROM saved_views v"
            " LEFT JOIN users u ON u.id = v.owner_id"
            " ORDER BY v.published DESC, v.name COLLATE NOCASE, v.id"
        ).fetchall()
        return [
            SavedView(
                id=r["id"],
                owner_id=r["owner_id"],
                name=r["name"],
                base=r["base"],
                search=r["search"],
                status=r["status"],
                channel_id=r["channel_id"],
                min_priority=r["min_priority"],
                sort=r["sort"],
                published=bool(r["published"]),
                owner=r["owner"] or "",
            )
            for r in rows
        ]

    def saved_view_counts(self, now: float | None = None) -> dict[int, int]:
        """Each saved view's count, with the query its list runs (``count``: an index count,
        or a search's walk capped at ``SEARCH_CAP``), never by loading its rows."""
        t = now if now is not None else self.clock()
        return {view.id: self.count(view.queue_filter(), t) for view in self.saved_views()}

    def rows(
        self,
        f: QueueFilter,
        offset: int,
        limit: int,
        now: float | None = None,
        *,
        total: int | None = None,
    ) -> list[QueueRow]:
        """Rows ``offset .. offset + limit`` of the view. With ``total`` (the view's count), a
        page in the second half is read from the other end: OFFSET walks every row it skips,
        so the end of a 1M-row queue costs as little as its start."""
        t = now if now is not None else self.clock()
        if fts_query(f.text) is not None:
            return self._rows_by_id(self._search_ids(f, t, offset, limit))
        where, args = self._where(f, self._me_id(), t)
        order = self._ORDER[f.sort]
        if total is not None and offset > total // 2:
            end = min(offset + limit, total)
            if end <= offset:
                return []
            order, offset, limit = self._REVERSED[f.sort], total - end, end - offset
        # Pick the page by key first, then join: sorting keys is cheap, sorting whole rows
        # (with their text) for a 100k-row view is not.
        ids = [
            r[0]
            for r in self.conn.execute(
                f"SELECT m.id FROM mentions m{where} ORDER BY {order} LIMIT ? OFFSET ?",
                [*args, limit, offset],
            )
        ]
        if order is not self._ORDER[f.sort]:
            ids.reverse()
        return self._rows_by_id(ids)

    def _rows_by_id(self, ids: list[int]) -> list[QueueRow]:
        """The queue rows of these mentions, in this order."""
        if not ids:
            return []
        sql = (
            " SELECT m.id, m.received_at, m.status, m.priority, m.tags, m.text, m.claim_agent_id,"
            " m.lease_expires_local, m.replied_at, c.handle, c.name,"
            " COALESCE(NULLIF(ch.handle, ''), ch.name) AS channel,"
            " u.display_name AS holder, un.mention_id IS NOT NULL AS unread,"
            " m.snoozed_until, m.snooze_until_customer, q.type AS queued, q.payload"
            " FROM mentions m"
            " LEFT JOIN contacts c ON c.id = m.contact_id"
            " LEFT JOIN channels ch ON ch.id = m.channel_id"
            " LEFT JOIN users u ON u.id = m.claim_agent_id"
            " LEFT JOIN unread un ON un.mention_id = m.id"
            f" LEFT JOIN ({QUEUED_SNOOZE_WRITES}) q ON q.mention_id = m.id"
            f" WHERE m.id IN ({marks(ids)})"
        )
        found: dict[int, QueueRow] = {}
        for r in self.conn.execute(sql, ids):
            until, customer = snooze_of(r)
            found[r["id"]] = QueueRow(
                id=r["id"],
                received_at=r["received_at"],
                status=r["status"],
                priority=r["priority"],
                tags=tuple(json.loads(r["tags"])),
                text=r["text"],
                author=r["name"] or r["handle"] or "?",
                channel=r["channel"] or "",
                holder_id=r["claim_agent_id"],
                holder=r["holder"],
                lease_expires_local=r["lease_expires_local"],
                unread=bool(r["unread"]),
                replied=r["replied_at"] is not None,
                snoozed_until=until,
                snooze_until_customer=customer,
            )
        return [found[i] for i in ids if i in found]

    def position(
        self, f: QueueFilter, mention_id: int, now: float | None = None, *, cap: int = SEARCH_CAP
    ) -> int | None:
        """The row number of ``mention_id`` under ``f`` (to keep a selection), or None; for a
        text search None as well if it is ``cap`` rows or more down."""
        t = now if now is not None else self.clock()
        if fts_query(f.text) is not None:
            return self._search_position(f, t, mention_id, cap)
        where, args = self._where(f, self._me_id(), t)
        row = self.conn.execute(
            "SELECT received_at, priority FROM mentions WHERE id = ?", (mention_id,)
        ).fetchone()
        if row is None:
            return None
        inside = self.conn.execute(
            f"SELECT 1 FROM mentions m{where}{' AND' if where else ' WHERE'} m.id = ?",
            [*args, mention_id],
        ).fetchone()
        if inside is None:
            return None
        rec, prio = row["received_at"], row["priority"]
        before = {
            Sort.NEWEST: ("(m.received_at > ? OR (m.received_at = ? AND m.id > ?))",
                          [rec, rec, mention_id]),
            Sort.OLDEST: ("(m.received_at < ? OR (m.received_at = ? AND m.id < ?))",
                          [rec, rec, mention_id]),
            Sort.PRIORITY: ("(m.priority > ? OR (m.priority = ? AND (m.received_at < ?"
                            " OR (m.received_at = ? AND m.id < ?))))",
                            [prio, prio, rec, rec, mention_id]),
        }[f.sort]  # fmt: skip
        sql = f"SELECT count(*) FROM mentions m{where}{' AND' if where else ' WHERE'} {before[0]}"
        return int(self.conn.execute(sql, [*args, *before[1]]).fetchone()[0])

    def mark_read(self, mention_id: int) -> bool:
        with self.transaction() as conn:
            return bool(
                conn.execute("DELETE FROM unread WHERE mention_id = ?", (mention_id,)).rowcount
            )

    def unread_in(self, f: QueueFilter, ids: Sequence[int]) -> list[int]:
        """Which of ``ids`` are unread and inside the filter (for notifications); a text search
        is checked through the search index, like the queue itself."""
        if not ids:
            return []
        now = self.clock()
        found: list[int] = []
        for part in chunks(list(ids)):
            unread = f"m.id IN ({marks(part)}) AND m.id IN (SELECT mention_id FROM unread)"
            if fts_query(f.text) is not None:
                sql, args = self._search(f, now).walk(None, unread, tuple(part))
            else:
                where, args = self._where(f, self._me_id(), now)
                sql = f"SELECT m.id FROM mentions m{where}{' AND' if where else ' WHERE'} {unread}"
                args = [*args, *part]
            found.extend(r[0] for r in self.conn.execute(sql, args))
        return found

    def handed_to_me(self, ids: Sequence[int]) -> list[HandedOver]:
        """The hand-overs to me among ``ids`` (still mine, still unread), to announce: who
        handed each over, its author and text."""
        me = self._me_id()
        found: list[HandedOver] = []
        for part in chunks(list(ids)):
            found.extend(
                HandedOver(r[0], r[1] or "?", r[2] or "?", r[3])
                for r in self.conn.execute(
                    "SELECT m.id, u.display_name, c.handle, m.text FROM mentions m"
                    " LEFT JOIN users u ON u.id = m.handed_over_by"
                    " LEFT JOIN contacts c ON c.id = m.contact_id"
                    f" WHERE m.id IN ({marks(part)}) AND m.claim_agent_id = ?"
                    " AND m.id IN (SELECT mention_id FROM unread) ORDER BY m.id",
                    [*part, me if me is not None else -1],
                )
            )
        return found

    # --- lookups ----------------------------------------------------------------------------

    def team_hours(self) -> Json | None:
        """The team's business hours as the server last sent them (``GET /v1/business-hours``),
        kept for a snooze's presets offline; None before the first time."""
        value = self.get_state("business_hours")
        if value is None:
            return None
        try:
            hours = json.loads(value)
        except ValueError:
            return None
        return hours if isinstance(hours, dict) else None

    def keep_team_hours(self, hours: Json) -> None:
        self.set_state("business_hours", json.dumps(hours))

    def templates(self) -> list[Template]:
        rows = self.conn.execute(
            "SELECT * FROM templates WHERE archived = 0 ORDER BY title COLLATE NOCASE"
        ).fetchall()
        return [
            Template(
                r["id"],
                r["title"],
                r["body"],
                r["language"],
                r["shortcut"],
                tuple(json.loads(r["tags"])),
            )
            for r in rows
        ]

    def reply_states(self, reply_ids: Sequence[str]) -> dict[str, tuple[str, str]]:
        """Delivery state and error of these replies (their ids are the outbox op ids), for
        the ones the server has sent back already."""
        found: dict[str, tuple[str, str]] = {}
        for part in chunks(list(reply_ids)):
            for r in self.conn.execute(
                "SELECT id, delivery_state, delivery_error FROM replies"
                f" WHERE id IN ({marks(part)})",
                part,
            ):
                found[r[0]] = (r[1], r[2] or "")
        return found

    def people(self) -> list[tuple[int, str]]:
        """Accounts that can sign in (id, display name), for pickers like the audit filter."""
        return [
            (r[0], r[1])
            for r in self.conn.execute(
                "SELECT id, display_name FROM users WHERE can_login = 1"
                " ORDER BY display_name COLLATE NOCASE"
            )
        ]

    def channels(self) -> list[tuple[int, str]]:
        return [
            (r[0], r[1]) for r in self.conn.execute("SELECT id, name FROM channels ORDER BY name")
        ]
