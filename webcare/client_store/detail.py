"""One mention as the window opens it: its detail with what the team knows of its author
(earlier conversations and how they ended, other open mentions, tags), and the author's whole
conversation with the team with the files of each message.
"""

from __future__ import annotations

import dataclasses
import json
import sqlite3

from webcare.client_store.core import StoreCore
from webcare.client_store.filters import QUEUED_SNOOZE_WRITES
from webcare.client_store.mirror import MEDIA_COLUMNS
from webcare.client_store.queries import snooze_of
from webcare.client_store.records import (
    AUTHOR_TAGS,
    OPEN_SHOWN,
    AuthorContext,
    ConversationItem,
    MediaItem,
    MentionDetail,
    OtherMention,
    PlatformActionState,
)
from webcare.storage.db import chunks, marks


class MentionDetails(StoreCore):
    """A mention's detail, author context and conversation."""

    def detail(self, mention_id: int) -> MentionDetail | None:
        r = self.conn.execute(
            "SELECT m.*, c.handle, c.name, c.followers, c.platform, ch.name AS channel, ch.brand,"
            " ch.char_limit, ch.can_reply, ch.can_attach, ch.attach_max_bytes,"
            " ch.kind AS channel_kind, ch.reply_window_s, ch.window_templates,"
            " u.display_name AS holder, hb.display_name AS handed_over_name,"
            " q.type AS queued, q.payload, q.unsent"
            " FROM mentions m LEFT JOIN contacts c ON c.id = m.contact_id"
            " LEFT JOIN channels ch ON ch.id = m.channel_id"
            " LEFT JOIN users u ON u.id = m.claim_agent_id"
            " LEFT JOIN users hb ON hb.id = m.handed_over_by"
            f" LEFT JOIN ({QUEUED_SNOOZE_WRITES}) q ON q.mention_id = m.id WHERE m.id = ?",
            (mention_id,),
        ).fetchone()
        if r is None:
            return None
        until, customer = snooze_of(r)
        snoozed_by = r["snoozed_by"] if r["queued"] is None else self._me_id()
        snoozer = None
        if (until is not None or customer) and snoozed_by is not None:
            row = self.conn.execute(
                "SELECT display_name FROM users WHERE id = ?", (snoozed_by,)
            ).fetchone()
            snoozer = row[0] if row is not None else None
        return MentionDetail(
            id=r["id"],
            text=r["text"],
            status=r["status"],
            priority=r["priority"],
            tags=tuple(json.loads(r["tags"])),
            received_at=r["received_at"],
            created_at=r["created_at"],
            url=r["url"],
            language=r["language"],
            channel_id=r["channel_id"],
            channel=r["channel"] or "",
            brand=r["brand"] or "",
            char_limit=r["char_limit"],
            contact_id=r["contact_id"],
            handle=r["handle"] or "?",
            name=r["name"],
            followers=r["followers"],
            holder_id=r["claim_agent_id"],
            holder=r["holder"],
            claim_epoch=r["claim_epoch"],
            lease_expires_local=r["lease_expires_local"],
            claimed_since_local=r["claimed_since_local"],
            can_reply=r["can_reply"] is None or bool(r["can_reply"]),
            channel_kind=r["channel_kind"] or "",
            can_attach=bool(r["can_attach"]),
            attach_max_bytes=r["attach_max_bytes"],
            author=self.author_context(r) if r["contact_id"] is not None else AuthorContext(),
            window_until_local=r["window_until_local"],
            window_from_local=r["window_from_local"],
            private_reply=bool(r["private_reply"]),
            reply_window_s=r["reply_window_s"],
            window_templates=bool(r["window_templates"]),
            platform_action=PlatformActionState.from_json(r["platform_action"]),
            attach_limit=r["attach_limit"],
            attach_refusal=r["attach_refusal"],
            private_attach_limit=r["private_attach_limit"],
            private_attach_refusal=r["private_attach_refusal"],
            handed_over_by=r["handed_over_name"] if r["handed_over_by"] is not None else None,
            handed_over_by_id=r["handed_over_by"],
            handed_over_at=r["handed_over_at"],
            snoozed_until=until,
            snooze_until_customer=customer,
            snoozed_by=snoozed_by if until is not None or customer else None,
            snoozer=snoozer,
            snooze_queued=bool(r["unsent"]),
        )

    #: the author's conversations (threads): when begun, last written, what became of them.
    #: Each query walks the author's mentions by ``mentions_contact`` (contact_id, created_at),
    #: per contact of the person (a merged contact's group): as many rows as the person has
    #: mentions, whatever the size of the store. ``{ids}``: the group's contact ids.
    _CONVERSATIONS_SQL = (
        "SELECT COALESCE(thread_id, id) AS conv, MIN(created_at) AS started,"
        " MAX(created_at) AS last, COUNT(*) AS n,"
        " SUM(status IN ('open', 'claimed')) AS open_n, SUM(status = 'answered') AS answered_n,"
        " SUM(status = 'spam') AS spam_n"
        " FROM mentions WHERE contact_id IN ({ids}) GROUP BY conv"
    )
    _OPEN_SQL = (
        "SELECT id, created_at, status, text FROM mentions INDEXED BY mentions_contact"
        " WHERE contact_id IN ({ids}) AND id != ? AND status IN ('open', 'claimed')"
        " ORDER BY created_at DESC LIMIT ?"
    )
    _TAGS_SQL = (
        "SELECT j.value AS tag, COUNT(*) AS n FROM mentions m, json_each(m.tags) j"
        " WHERE m.contact_id IN ({ids}) AND m.id != ? AND m.tags != '[]'"
        " GROUP BY j.value ORDER BY n DESC, j.value LIMIT ?"
    )

    def contact_group(self, contact_id: int) -> list[int]:
        """Every contact of the same person as ``contact_id`` (itself first, then the rest in
        id order): the contact it was merged into and every contact merged into that one.
        A group is one level deep (the server refuses chains), so the person is
        ``COALESCE(merged_into, id)``."""
        row = self.conn.execute(
            "SELECT COALESCE(merged_into, id) FROM contacts WHERE id = ?", (contact_id,)
        ).fetchone()
        head = int(row[0]) if row is not None else contact_id
        others = {
            int(r[0])
            for r in self.conn.execute("SELECT id FROM contacts WHERE merged_into = ?", (head,))
        }
        return [contact_id, *sorted((others | {head}) - {contact_id})]

    def author_context(self, mention: sqlite3.Row) -> AuthorContext:
        """The author of ``mention`` (a row of :meth:`detail`): their earlier conversations
        and how they ended, their other open mentions, the tags of their other mentions."""
        mention_id = mention["id"]
        group = self.contact_group(mention["contact_id"])
        ids = marks(group)
        conv = mention["thread_id"] or mention_id
        rows = self.conn.execute(self._CONVERSATIONS_SQL.format(ids=ids), group).fetchall()
        # earlier = begun before this mention's conversation began
        started = min([r["started"] for r in rows if r["conv"] == conv] or [mention["created_at"]])
        outcome = {"resolved": 0, "spam": 0, "answered": 0}
        last: float | None = None
        open_count = -int(mention["status"] in ("open", "claimed"))  # not this one itself
        for r in rows:
            open_count += r["open_n"]
            if r["conv"] == conv or r["open_n"] or r["started"] >= started:
                continue
            kind = (
                "answered" if r["answered_n"] else "spam" if r["spam_n"] == r["n"] else "resolved"
            )
            outcome[kind] += 1
            last = r["last"] if last is None else max(last, r["last"])
        opens = tuple(
            OtherMention(r["id"], r["created_at"], r["status"], r["text"])
            for r in self.conn.execute(
                self._OPEN_SQL.format(ids=ids), (*group, mention_id, OPEN_SHOWN)
            )
        )
        tags = tuple(
            r["tag"]
            for r in self.conn.execute(
                self._TAGS_SQL.format(ids=ids), (*group, mention_id, AUTHOR_TAGS)
            )
            if isinstance(r["tag"], str)
        )
        also = tuple(
            f"{r['handle']} ({r['platform']})"
            for r in self.conn.execute(
                f"SELECT handle, platform FROM contacts WHERE id IN ({marks(group[1:])})"
                " ORDER BY id",
                group[1:],
            )
        ) if len(group) > 1 else ()  # fmt: skip
        return AuthorContext(
            platform=mention["platform"] or "",
            also=also,
            earlier=sum(outcome.values()),
            resolved=outcome["resolved"],
            spam=outcome["spam"],
            answered=outcome["answered"],
            last_earlier_at=last,
            open_count=open_count,
            open_mentions=opens,
            tags=tags,
        )

    def conversation(self, mention_id: int) -> list[ConversationItem]:
        """The author's whole history with the team, across threads: oldest first. A merged
        contact's history is the person's (every contact of the group), each mention under
        its own handle and, then, with its channel."""
        row = self.conn.execute(
            "SELECT contact_id FROM mentions WHERE id = ?", (mention_id,)
        ).fetchone()
        if row is None:
            return []
        group = [] if row["contact_id"] is None else self.contact_group(row["contact_id"])
        if not group:
            ids = [mention_id]
        else:
            ids = [
                r[0]
                for r in self.conn.execute(
                    f"SELECT id FROM mentions WHERE contact_id IN ({marks(group)})", group
                )
            ]
        in_ids = marks(ids)
        merged = len(group) > 1
        items: list[ConversationItem] = []
        for r in self.conn.execute(
            "SELECT m.id, m.created_at, m.text, m.status, c.handle, c.name,"
            " ch.name AS channel FROM mentions m"
            " LEFT JOIN contacts c ON c.id = m.contact_id"
            f" LEFT JOIN channels ch ON ch.id = m.channel_id WHERE m.id IN ({in_ids})",
            ids,
        ):
            items.append(
                ConversationItem(
                    "mention",
                    str(r["id"]),
                    r["id"],
                    r["created_at"],
                    r["name"] or r["handle"] or "?",
                    r["text"],
                    state=r["status"],
                    current=r["id"] == mention_id,
                    channel=(r["channel"] or "") if merged else "",
                )
            )
        shown_ops: set[str] = set()
        for r in self.conn.execute(
            "SELECT r.*, u.display_name FROM replies r LEFT JOIN users u ON u.id = r.agent_id"
            f" WHERE r.mention_id IN ({in_ids})",
            ids,
        ):
            shown_ops.add(r["id"])
            items.append(
                ConversationItem(
                    "reply",
                    r["id"],
                    r["mention_id"],
                    r["accepted_at"],
                    r["display_name"] or "?",
                    r["body"],
                    state=r["delivery_state"],
                    detail=r["delivery_error"] or "",
                    current=r["mention_id"] == mention_id,
                    receipt=r["platform_status"] or "",
                    private=bool(r["private"]),
                )
            )
        for r in self.conn.execute(
            "SELECT n.*, u.display_name, t.display_name AS handover_name FROM notes n"
            " LEFT JOIN users u ON u.id = n.agent_id LEFT JOIN users t ON t.id = n.handover_to"
            f" WHERE n.mention_id IN ({in_ids})",
            ids,
        ):
            shown_ops.add(r["id"])
            items.append(
                ConversationItem(
                    "note",
                    r["id"],
                    r["mention_id"],
                    r["created_at"],
                    r["display_name"] or "?",
                    r["body"],
                    current=r["mention_id"] == mention_id,
                    handover_to=(r["handover_name"] or "?") if r["handover_to"] is not None else "",
                )
            )
        me = self.me()
        for r in self.conn.execute(
            "SELECT * FROM outbox WHERE type IN ('reply', 'note') AND state != 'dismissed'"
            f" AND mention_id IN ({in_ids})",
            ids,
        ):
            if r["op_id"] in shown_ops:
                continue  # the server's copy is here already
            payload = json.loads(r["payload"])
            result = json.loads(r["result"]) if r["result"] else {}
            attached = json.loads(r["media"]) if r["media"] else []
            items.append(
                ConversationItem(
                    "outbox", r["op_id"], r["mention_id"], r["created_at"],
                    me.display_name if me else "me", payload.get("body", ""),
                    state=r["state"], detail=result.get("message", "") if result else "",
                    current=r["mention_id"] == mention_id,
                    media=tuple(MediaItem.from_wire(m) for m in attached),
                )
            )  # fmt: skip
        items = self._with_media(items)
        items.sort(key=lambda i: (i.at, i.kind != "mention"))
        return items

    def media_of(self, owner: str, owner_id: str) -> tuple[MediaItem, ...]:
        rows = self.conn.execute(
            f"SELECT {', '.join(MEDIA_COLUMNS)} FROM media WHERE owner = ? AND owner_id = ?"
            " ORDER BY position",
            (owner, owner_id),
        ).fetchall()
        return tuple(MediaItem(*row) for row in rows)

    def _with_media(self, items: list[ConversationItem]) -> list[ConversationItem]:
        """The items with the files their mention or reply carries (one query per 500)."""
        owners = [(i.kind, i.id) for i in items if i.kind in ("mention", "reply")]
        found: dict[tuple[str, str], list[MediaItem]] = {}
        for kind in ("mention", "reply"):
            ids = [owner_id for k, owner_id in owners if k == kind]
            for part in chunks(ids):
                for row in self.conn.execute(
                    f"SELECT owner_id, {', '.join(MEDIA_COLUMNS)} FROM media"
                    f" WHERE owner = ? AND owner_id IN ({marks(part)}) ORDER BY owner_id, position",
                    [kind, *part],
                ):
                    found.setdefault((kind, row[0]), []).append(MediaItem(*tuple(row)[1:]))
        return [
            dataclasses.replace(i, media=tuple(found[(i.kind, i.id)]))
            if (i.kind, i.id) in found
            else i
            for i in items
        ]
