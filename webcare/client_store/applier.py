"""The sync applier, the only writer of the mirror tables: bootstrap pages and change pages
from the team server, each applied in one transaction with the cursor it leads to, and the
search index kept current with them (one document per mention, see ``schema`` m005).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import Any

from webcare.client_store.core import StoreCore
from webcare.client_store.mirror import MEDIA_COLUMNS, MIRROR_TABLES, TABLES, UPSERTS
from webcare.client_store.records import ChangeSummary
from webcare.client_store.schema import INDEX_SQL, KEY_SQL, TOKENIZE_SQL, rebuild_search
from webcare.domain.timeutil import parse_iso
from webcare.domain.wire import AnyRecord, BootstrapRecord, ChangesPage
from webcare.storage.db import chunks, marks


class SyncApplier(StoreCore):
    """Writes what the server sends into the mirror tables and their search documents."""

    def _upsert(
        self, conn: sqlite3.Connection, entity: str, items: Sequence[AnyRecord], now: float
    ) -> None:
        _table, _cols, fn = TABLES[entity]
        conn.executemany(UPSERTS[entity], [fn(item, now) for item in items])
        if entity in ("mention", "reply"):
            self._store_media(conn, entity, items)

    @staticmethod
    def _store_media(conn: sqlite3.Connection, owner: str, items: Sequence[AnyRecord]) -> None:
        """The ``media`` of mentions or replies, as the records carry them now (a record
        without the key, from an older server, leaves what is stored)."""
        carrying = [item for item in items if isinstance(item.get("media"), list)]
        conn.executemany(
            "DELETE FROM media WHERE owner = ? AND owner_id = ?",
            [(owner, str(item["id"])) for item in carrying],
        )
        conn.executemany(
            "INSERT INTO media(owner, owner_id, position, id, kind, mime, size, filename,"
            " caption, state, error) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (owner, str(item["id"]), position, *(m.get(c) for c in MEDIA_COLUMNS))
                for item in carrying
                for position, m in enumerate(item["media"])
                if isinstance(m, dict) and isinstance(m.get("id"), int)
            ],
        )

    def start_bootstrap(self, head: BootstrapRecord) -> None:
        """Store the small entities of ``/v1/bootstrap`` and remember its cursor."""
        now = self.clock()
        with self.transaction() as conn:
            for table in MIRROR_TABLES:
                conn.execute(f"DELETE FROM {table}")
            conn.execute("DELETE FROM unread")
            conn.execute("DELETE FROM search")  # rebuilt in one pass by finish_bootstrap
            # the server's records come anew: an accepted snooze no longer decides over them
            conn.execute("UPDATE outbox SET mirrored = 1 WHERE state = 'accepted'")
            self._upsert(conn, "user", head["users"], now)
            self._upsert(conn, "channel", head["channels"], now)
            self._upsert(conn, "template", head["templates"], now)
            # an older server sends no saved views: none
            self._upsert(conn, "view", head.get("views", []), now)
            for key, value in (
                ("db_id", head["db_id"]),
                ("bootstrap_cursor", head["cursor"]),
                ("user_id", head["me"]["id"]),
            ):
                conn.execute(
                    "INSERT INTO sync_state(key, value) VALUES (?, ?)"
                    " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                    (key, str(value)),
                )
            conn.execute("DELETE FROM sync_state WHERE key = 'cursor' OR key LIKE 'boot_after_%'")

    def apply_bootstrap_page(
        self, entity: str, items: Sequence[AnyRecord], next_after: int | None
    ) -> None:
        """Store one bootstrap page and where to continue (so a restart resumes here)."""
        with self.transaction() as conn:
            self._upsert(conn, entity, items, self.clock())
            conn.execute(
                "INSERT INTO sync_state(key, value) VALUES (?, ?)"
                " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (f"boot_after_{entity}", "done" if next_after is None else str(next_after)),
            )

    def finish_bootstrap(self) -> None:
        with self.transaction() as conn:
            cursor = self.get_state("bootstrap_cursor")
            assert cursor is not None
            # pages are not indexed one by one (a mention's document changes with every reply
            # page): one pass over the finished mirror is the cheapest
            rebuild_search(conn)
            conn.execute(
                "INSERT INTO sync_state(key, value) VALUES ('cursor', ?)"
                " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (cursor,),
            )
            conn.execute("DELETE FROM sync_state WHERE key LIKE 'boot_after_%'")

    def apply_changes(self, page: ChangesPage) -> ChangeSummary:
        """Apply one ``/v1/changes`` page and advance the cursor, in one transaction."""
        now = self.clock()
        summary = ChangeSummary()
        upserts: dict[str, list[AnyRecord]] = {}
        deletes: list[tuple[str, Any]] = []
        with self.transaction() as conn:
            for change in page["changes"]:
                entity = change["entity"]
                if entity not in TABLES:
                    continue  # a newer server's entity: ignore, do not fail the page
                summary.entities.add(entity)
                if change["op"] == "delete" or change["data"] is None:
                    deletes.append((entity, change["id"]))
                    continue
                upserts.setdefault(entity, []).append(change["data"])
            touched = self._touched_documents(conn, upserts, deletes)
            self._unindex(conn, touched)
            for entity, entity_id in deletes:
                conn.execute(f"DELETE FROM {TABLES[entity][0]} WHERE id = ?", (entity_id,))
                if entity in ("mention", "reply"):
                    conn.execute(
                        "DELETE FROM media WHERE owner = ? AND owner_id = ?",
                        (entity, str(entity_id)),
                    )
                if entity == "mention":
                    summary.mention_ids.add(int(entity_id))
                    conn.execute("DELETE FROM unread WHERE mention_id = ?", (entity_id,))
            mentions = upserts.get("mention", [])
            if mentions:
                ids = [m["id"] for m in mentions]
                known = {
                    r[0]
                    for r in conn.execute(
                        f"SELECT id FROM mentions WHERE id IN ({','.join('?' * len(ids))})",
                        ids,
                    )
                }
                summary.mention_ids.update(ids)
                summary.new_mentions.extend(i for i in ids if i not in known)
                summary.handed_to_me.extend(self._handed_to_me(conn, mentions))
                summary.woken.extend(self._woken_for_me(conn, mentions))
                conn.executemany(
                    "INSERT OR IGNORE INTO unread(mention_id) VALUES (?)",
                    [(i,) for i in (*summary.new_mentions, *summary.handed_to_me, *summary.woken)],
                )
            for entity, items in upserts.items():
                self._upsert(conn, entity, items, now)
                if entity in ("reply", "note"):
                    summary.mention_ids.update(int(i["mention_id"]) for i in items)
            self._index(conn, touched)
            self._mirrored(
                conn,
                {int(m["id"]) for m in upserts.get("mention", [])}
                | {int(e) for kind, e in deletes if kind == "mention"},
            )
            conn.execute(
                "INSERT INTO sync_state(key, value) VALUES ('cursor', ?)"
                " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (str(page["cursor"]),),
            )
        return summary

    def _handed_to_me(self, conn: sqlite3.Connection, mentions: list[AnyRecord]) -> list[int]:
        """The mentions of this page a colleague has just handed to me (read before the page
        is stored): held by me, handed over by someone else, at a time not stored yet. Each
        hand-over counts once, however often the feed sends the mention again."""
        me = self._me_id()
        if me is None:
            return []
        mine = [
            m for m in mentions
            if m.get("handed_over_by") not in (None, me) and m.get("claim_agent_id") == me
            and m.get("handed_over_at")
        ]  # fmt: skip
        if not mine:
            return []
        ids = [int(m["id"]) for m in mine]
        stored = dict(
            conn.execute(
                f"SELECT id, handed_over_at FROM mentions WHERE id IN ({marks(ids)})", ids
            ).fetchall()
        )
        return [int(m["id"]) for m in mine if stored.get(m["id"]) != parse_iso(m["handed_over_at"])]

    @staticmethod
    def _mirrored(conn: sqlite3.Connection, mention_ids: set[int]) -> None:
        """The feed has brought these mentions after the server accepted a snooze of them: the
        server's record decides again (``filters``, the pending snooze writes)."""
        for part in chunks(sorted(mention_ids)):
            conn.execute(
                "UPDATE outbox SET mirrored = 1 WHERE state = 'accepted' AND mirrored = 0"
                f" AND type IN ('snooze', 'unsnooze') AND mention_id IN ({marks(part)})",
                part,
            )

    def _woken_for_me(self, conn: sqlite3.Connection, mentions: Sequence[AnyRecord]) -> list[int]:
        """The mentions of this page that the server woke from a snooze of mine since we last
        saw them (read before the page is applied): they come back unread, in bold."""
        me = self._me_id()
        woken = {
            int(m["id"]): parse_iso(m["woken_at"])
            for m in mentions
            if m.get("woken_at") and m.get("snoozed_by") == me and me is not None
        }
        if not woken:
            return []
        seen = {
            r[0]: r[1]
            for part in chunks(list(woken))
            for r in conn.execute(
                f"SELECT id, snooze_woken_at FROM mentions WHERE id IN ({marks(part)})", part
            )
        }
        return [i for i, at in woken.items() if i in seen and seen[i] != at]

    # --- the search index's upkeep ----------------------------------------------------------

    @staticmethod
    def _touched_documents(
        conn: sqlite3.Connection,
        upserts: dict[str, list[AnyRecord]],
        deletes: list[tuple[str, Any]],
    ) -> list[int]:
        """The mentions whose search documents a change page alters (read before it is applied):
        the mentions themselves, those whose replies change, those whose author is renamed."""
        touched = {int(e) for kind, e in deletes if kind == "mention"}
        touched.update(int(m["id"]) for m in upserts.get("mention", []))
        touched.update(int(r["mention_id"]) for r in upserts.get("reply", []))
        gone = [str(e) for kind, e in deletes if kind == "reply"]
        for part in chunks(gone):
            sql = f"SELECT mention_id FROM replies WHERE id IN ({marks(part)})"
            touched.update(r[0] for r in conn.execute(sql, part))
        contacts = {int(c["id"]): (c["handle"], c.get("name")) for c in upserts.get("contact", [])}
        renamed = [
            r["id"]
            for part in chunks(list(contacts))
            for r in conn.execute(
                f"SELECT id, handle, name FROM contacts WHERE id IN ({marks(part)})",
                part,
            )
            if (r["handle"], r["name"]) != contacts[r["id"]]
        ]
        for part in chunks(renamed):
            sql = f"SELECT id FROM mentions WHERE contact_id IN ({marks(part)})"
            touched.update(r[0] for r in conn.execute(sql, part))
        return sorted(touched)

    @staticmethod
    def _unindex(conn: sqlite3.Connection, mention_ids: list[int]) -> None:
        """Remove the documents of these mentions (as they are stored now)."""
        for part in chunks(mention_ids):
            keys = conn.execute(
                f"SELECT {KEY_SQL} FROM mentions m WHERE m.id IN ({marks(part)})",
                part,
            ).fetchall()
            conn.executemany("DELETE FROM search WHERE rowid = ?", keys)

    @staticmethod
    def _index(conn: sqlite3.Connection, mention_ids: list[int]) -> None:
        """Write the documents of these mentions (those that exist) from the mirror tables, and
        remember their terms for word-prefix lookups."""
        for part in chunks(mention_ids):
            conn.execute(f"{INDEX_SQL} WHERE m.id IN ({marks(part)})", part)
            conn.execute(f"{TOKENIZE_SQL} WHERE m.id IN ({marks(part)})", part)
        if mention_ids:
            conn.execute(
                "INSERT OR IGNORE INTO search_terms(term)"
                " SELECT term FROM temp.search_scratch_terms"
            )
            conn.execute("DELETE FROM temp.search_scratch")
