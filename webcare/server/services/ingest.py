"""Store what connectors fetched: channels, contacts, mentions, threads and history replies.

Idempotent by construction: mentions are unique per (channel, platform id), imported replies
have a deterministic id, and a row that did not change writes no change row. Importing the same
file twice therefore changes nothing, not even the change log.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from webcare.channels import registry
from webcare.channels.base import Batch, ChannelInfo, IncomingMention, IncomingReply
from webcare.domain import language, textlength
from webcare.domain.errors import TemplateError
from webcare.domain.models import Role, TemplateContext
from webcare.domain.priority import PriorityRules
from webcare.domain.signatures import Signature
from webcare.domain.templates import ask_fields, render
from webcare.domain.timeutil import check_platform_time
from webcare.server import changes
from webcare.server.services import audit, media, settings, snooze
from webcare.server.services.accounts import insert_user
from webcare.storage.db import Database, chunks, marks


@dataclass
class IngestStats:
    mentions_new: int = 0
    mentions_known: int = 0
    replies_new: int = 0
    replies_known: int = 0
    replies_unmatched: int = 0
    contacts_new: int = 0
    agents_new: int = 0
    channels_new: int = 0
    problems: list[str] = field(default_factory=list)

    def add(self, other: IngestStats) -> None:
        for name in (
            "mentions_new", "mentions_known", "replies_new", "replies_known",
            "replies_unmatched", "contacts_new", "agents_new", "channels_new",
        ):  # fmt: skip
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.problems.extend(other.problems)


@dataclass
class _Lookups:
    """What one batch needs to look up, loaded in bulk up front and kept current while it runs.

    Per-row ``SELECT``s made an import of 100k mentions spend most of its time in SQLite round
    trips; these maps answer the same questions from memory. Rows of earlier batches that are
    not in a map are still found with a query (``_resolve_target``).
    """

    known_mentions: set[str] = field(default_factory=set)  # source ids stored for the channel
    contacts: dict[str, dict[str, Any]] = field(default_factory=dict)  # platform user id -> row
    known_replies: set[str] = field(default_factory=set)  # reply ids already stored
    mention_by_source: dict[str, int] = field(default_factory=dict)  # this batch's mentions
    reply_target: dict[str, int] = field(default_factory=dict)  # reply source id -> mention
    agents: dict[str, int] = field(default_factory=dict)  # username -> user id

    @classmethod
    def load(cls, conn: sqlite3.Connection, channel_id: int, batch: Batch) -> _Lookups:
        found = cls()
        sources = list(dict.fromkeys(m.source_id for m in batch.mentions))
        for part in chunks(sources):
            sql = f"SELECT source_id FROM mentions WHERE channel_id = ? AND source_id IN ({marks(part)})"  # noqa: E501, S608
            found.known_mentions.update(r[0] for r in conn.execute(sql, [channel_id, *part]))
        authors = list(dict.fromkeys(m.author.platform_user_id for m in batch.mentions))
        for part in chunks(authors):
            sql = f"SELECT id, platform_user_id, handle, name, followers FROM contacts WHERE platform = ? AND platform_user_id IN ({marks(part)})"  # noqa: E501, S608
            for r in conn.execute(sql, [batch.channel.kind, *part]):
                found.contacts[r["platform_user_id"]] = dict(r)
        kind = batch.channel.kind
        reply_ids = list(dict.fromkeys(f"{kind}:{r.source_id}" for r in batch.replies))
        for part in chunks(reply_ids):
            sql = f"SELECT id FROM replies WHERE id IN ({marks(part)})"  # noqa: S608
            found.known_replies.update(r[0] for r in conn.execute(sql, part))
        return found


def ensure_channel(
    conn: sqlite3.Connection, info: ChannelInfo, now: float, stats: IngestStats
) -> int:
    row = conn.execute("SELECT id FROM channels WHERE name = ?", (info.name,)).fetchone()
    if row is not None:
        return int(row["id"])
    cur = conn.execute(
        "INSERT INTO channels(kind, name, brand, handle, char_limit, created_at, updated_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        (info.kind, info.name, info.brand, info.handle, info.char_limit, now, now),
    )
    channel_id = int(cur.lastrowid or 0)
    changes.record(conn, "channel", channel_id, now)
    audit.record(conn, now, None, "channel.create", "channel", channel_id, name=info.name)
    stats.channels_new += 1
    return channel_id


def _username(brand: str, sig: Signature | None) -> str:
    raw = f"{brand}-{sig.name}" if sig else brand
    name = re.sub(r"[^a-z0-9._-]+", "-", raw.lower()).strip("-._")
    return (name or "brand")[:64]


def _agent(
    conn: sqlite3.Connection,
    brand: str,
    sig: Signature | None,
    now: float,
    stats: IngestStats,
    lookups: _Lookups,
) -> int:
    username = _username(brand, sig)
    if username in lookups.agents:
        return lookups.agents[username]
    row = conn.execute("SELECT id FROM users WHERE username = ?", (username,)).fetchone()
    if row is not None:
        lookups.agents[username] = int(row["id"])
        return lookups.agents[username]
    stats.agents_new += 1
    lookups.agents[username] = insert_user(
        conn,
        username=username,
        display_name=sig.name if sig else brand,
        signature=sig.mark if sig else "",
        role=Role.AGENT,
        password_hash=None,
        now=now,
        actor_id=None,
        brand=brand,
    )
    return lookups.agents[username]


def _resolve_target(
    conn: sqlite3.Connection, channel_id: int, source_id: str, lookups: _Lookups
) -> int | None:
    """The mention a platform post belongs to: itself if it is a mention, or the mention that
    the brand reply with this id answered."""
    if source_id in lookups.mention_by_source:
        return lookups.mention_by_source[source_id]
    row = conn.execute(
        "SELECT id FROM mentions WHERE channel_id = ? AND source_id = ?", (channel_id, source_id)
    ).fetchone()
    if row is not None:
        return int(row["id"])
    if source_id in lookups.reply_target:
        return lookups.reply_target[source_id]
    row = conn.execute(
        "SELECT r.mention_id FROM replies r JOIN mentions m ON m.id = r.mention_id"
        " WHERE r.source_id = ? AND m.channel_id = ?",
        (source_id, channel_id),
    ).fetchone()
    return int(row["mention_id"]) if row is not None else None


def _link(conn: sqlite3.Connection, mention_id: int, parent_id: int, now: float) -> None:
    """Attach a mention to its parent; its whole thread moves under the parent's thread."""
    parent = conn.execute("SELECT thread_id FROM mentions WHERE id = ?", (parent_id,)).fetchone()
    own = conn.execute("SELECT thread_id FROM mentions WHERE id = ?", (mention_id,)).fetchone()
    new_thread = parent["thread_id"] or parent_id
    conn.execute(
        "UPDATE mentions SET parent_mention_id = ?, updated_at = ? WHERE id = ?",
        (parent_id, now, mention_id),
    )
    moved = [
        r["id"]
        for r in conn.execute(
            "SELECT id FROM mentions WHERE thread_id = ? AND thread_id != ?",
            (own["thread_id"], new_thread),
        )
    ]
    if moved:
        conn.execute(
            "UPDATE mentions SET thread_id = ?, updated_at = ? WHERE thread_id = ?",
            (new_thread, now, own["thread_id"]),
        )
    for mid in {mention_id, *moved}:
        changes.record(conn, "mention", mid, now)


def _link_pending(
    conn: sqlite3.Connection, channel_id: int, now: float, lookups: _Lookups, arrived: list[str]
) -> None:
    """Link the mentions of the channel that wait for a post that ``arrived`` (platform ids of
    this batch's mentions and replies): only those can have found their parent now."""
    pending: list[sqlite3.Row] = []
    for part in chunks(arrived):
        pending.extend(
            conn.execute(
                "SELECT id, parent_source_id, created_at FROM mentions WHERE channel_id = ?"  # noqa: S608
                f" AND parent_source_id IN ({marks(part)}) AND parent_mention_id IS NULL",
                [channel_id, *part],
            )
        )
    pending.sort(key=lambda r: (r["created_at"], r["id"]))
    for row in pending:
        parent_id = _resolve_target(conn, channel_id, row["parent_source_id"], lookups)
        if parent_id is not None and parent_id != row["id"]:
            _link(conn, row["id"], parent_id, now)


AUTO_ACK_USERNAME = "auto-reply"


def _auto_ack(
    conn: sqlite3.Connection, info: ChannelInfo, mention_id: int, m: IncomingMention, now: float
) -> None:
    """Acknowledge a mention that arrived outside business hours, if the team wants that.

    The reply is marked automatic: it goes out like any reply, but it is not a first response
    (the SLA clock keeps running until a person answers).
    """
    ack = settings.auto_ack(conn)
    if not ack.enabled or settings.business_hours(conn).is_open(now):
        return
    row = conn.execute(
        "SELECT body FROM templates WHERE id = ? AND archived = 0", (ack.template_id,)
    ).fetchone()
    if row is None:
        return
    asks = ask_fields(row["body"])
    if asks:  # nobody is there to fill them in (settings refuse such a template; an edit may not)
        audit.record(conn, now, None, "auto_ack.skipped", "mention", mention_id,
                     reason="the template asks the agent for "
                     + ", ".join(a.label for a in asks))  # fmt: skip
        return
    context = TemplateContext(
        customer_name=m.author.name or m.author.handle,
        customer_handle=m.author.handle,
        agent_name=info.brand,
        brand=info.brand,
    )
    try:
        body = render(row["body"], context).strip()
    except TemplateError:
        return
    answered = m.meta.get("acct") or m.author.handle
    length = textlength.measure(info.kind, body, reply_to=answered, limit=info.char_limit)
    if not body or length.over:
        audit.record(conn, now, None, "auto_ack.skipped", "mention", mention_id,
                     reason="empty or too long for the channel")  # fmt: skip
        return
    agent = conn.execute("SELECT id FROM users WHERE username = ?", (AUTO_ACK_USERNAME,)).fetchone()
    agent_id = (
        int(agent["id"])
        if agent is not None
        else insert_user(
            conn, username=AUTO_ACK_USERNAME, display_name="Automatic reply", signature="",
            role=Role.AGENT, password_hash=None, now=now, actor_id=None,
        )
    )  # fmt: skip
    reply_id = f"auto-{mention_id}"
    conn.execute(
        "INSERT OR IGNORE INTO replies(id, mention_id, agent_id, body, accepted_at,"
        " delivery_state, automatic) VALUES (?, ?, ?, ?, ?, 'queued', 1)",
        (reply_id, mention_id, agent_id, body, now),
    )
    changes.record(conn, "reply", reply_id, now)
    audit.record(conn, now, None, "auto_ack.sent", "mention", mention_id, reply_id=reply_id)


def _thread_of(conn: sqlite3.Connection, mention_id: int, threads: dict[int, int]) -> int:
    if mention_id in threads:
        return threads[mention_id]
    row = conn.execute("SELECT thread_id FROM mentions WHERE id = ?", (mention_id,)).fetchone()
    return int(row["thread_id"] or mention_id) if row is not None else mention_id


_MENTION_COLUMNS = (
    "id, channel_id, source_id, contact_id, text, url, language, parent_source_id,"
    " parent_mention_id, thread_id, created_at, received_at, updated_at, meta, priority, tags,"
    " status, replied_at"
)
_REPLY_COLUMNS = (
    "id, mention_id, agent_id, body, accepted_at, posted_at, source_id, delivery_state,"
    " platform_post_id"
)


def _store_batch(
    conn: sqlite3.Connection,
    channel_id: int,
    batch: Batch,
    now: float,
    stats: IngestStats,
    lookups: _Lookups,
    *,
    history: bool,
    rules: PriorityRules | None,
) -> tuple[list[tuple[int, IncomingMention]], list[str]]:
    """Write a batch's new mentions and replies with a few statements, not a few per row.

    Ids are given out here (the write lock is held: nobody else inserts), so every row can be
    written complete at once: a mention already answered by a reply of the same batch, and
    already in the thread of a parent that is stored. Returns the new mentions with their ids,
    and the platform ids of the new replies.
    """
    info, platform = batch.channel, batch.channel.kind
    fresh: list[IncomingMention] = []
    for m in sorted(batch.mentions, key=lambda m: (m.created_at, m.source_id)):
        if m.source_id in lookups.known_mentions:
            stats.mentions_known += 1
            continue
        lookups.known_mentions.add(m.source_id)  # (a second copy in the batch is known too)
        fresh.append(m)
    first_id = int(conn.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM mentions").fetchone()[0])
    ids = {m.source_id: first_id + n for n, m in enumerate(fresh)}
    lookups.mention_by_source.update(ids)

    # replies first (in memory): which mention each answers, and when it was first answered
    answered: dict[int, float] = {}
    reply_rows: list[tuple[Any, ...]] = []
    for r in sorted(batch.replies, key=lambda r: (r.created_at, r.source_id)):
        reply_id = f"{platform}:{r.source_id}"
        if reply_id in lookups.known_replies:
            stats.replies_known += 1
            continue
        mention_id = _resolve_target(conn, channel_id, r.in_reply_to_source_id, lookups)
        if mention_id is None:
            stats.replies_unmatched += 1
            stats.problems.append(
                f"reply {r.source_id}: answers {r.in_reply_to_source_id}, which is not in the data"
            )
            continue
        agent_id = _agent(conn, info.brand, r.signature, now, stats, lookups)
        reply_rows.append((reply_id, mention_id, agent_id, r.text, r.created_at, r.created_at,
                           r.source_id, "imported", r.source_id))  # fmt: skip
        lookups.known_replies.add(reply_id)
        lookups.reply_target[r.source_id] = mention_id
        answered[mention_id] = min(answered.get(mention_id, r.created_at), r.created_at)
        stats.replies_new += 1

    # contacts: new ones get their ids here too
    next_contact = int(conn.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM contacts").fetchone()[0])
    contact_rows: list[tuple[Any, ...]] = []

    pending: dict[str, int] = {}  # platform user id -> index in contact_rows (not written yet)
    updated: dict[
        int, tuple[Any, ...]
    ] = {}  # stored contacts whose handle, name or followers changed

    def contact_of(m: IncomingMention) -> dict[str, Any]:
        nonlocal next_contact
        a = m.author
        row = lookups.contacts.get(a.platform_user_id)
        if row is None:
            row = {"id": next_contact, "handle": a.handle, "name": a.name,
                   "followers": a.followers}  # fmt: skip
            pending[a.platform_user_id] = len(contact_rows)
            contact_rows.append((next_contact, platform, a.platform_user_id, a.handle, a.name,
                                 a.followers, now, now))  # fmt: skip
            lookups.contacts[a.platform_user_id] = row
            next_contact += 1
            return row
        name = a.name if a.name is not None else row["name"]
        followers = a.followers if a.followers is not None else row["followers"]
        if (a.handle, name, followers) != (row["handle"], row["name"], row["followers"]):
            row.update(handle=a.handle, name=name, followers=followers)
            if a.platform_user_id in pending:  # new in this batch: write it as it is now
                contact_rows[pending[a.platform_user_id]] = (
                    row["id"],
                    platform,
                    a.platform_user_id,
                    a.handle,
                    name,
                    followers,
                    now,
                    now,
                )
            else:  # written once per batch, as it is last seen
                updated[row["id"]] = (a.handle, name, followers, now, row["id"])
        return row

    threads: dict[int, int] = {}
    rows: list[tuple[Any, ...]] = []
    for m in fresh:
        mention_id = ids[m.source_id]
        contact = contact_of(m)
        priority, tags = 1, "[]"
        if rules is not None:  # live mentions are triaged on arrival; history keeps defaults
            level, found = rules.evaluate(m.text, contact["followers"])
            priority, tags = level, json.dumps(found)
        parent_id: int | None = None
        if m.parent_source_id is not None:
            target = _resolve_target(conn, channel_id, m.parent_source_id, lookups)
            # linked now if the parent is stored or came earlier in this batch; otherwise it
            # waits for its parent (_link_pending)
            if (
                target is not None
                and target != mention_id
                and (target < first_id or target in threads)
            ):
                parent_id = target
        threads[mention_id] = (
            _thread_of(conn, parent_id, threads) if parent_id is not None else mention_id
        )
        first_answer = answered.get(mention_id)
        rows.append((
            mention_id, channel_id, m.source_id, contact["id"], m.text, m.url,
            m.language or language.detect(m.text), m.parent_source_id, parent_id,
            threads[mention_id], m.created_at, m.created_at if history else now, now,
            json.dumps(dict(m.meta), sort_keys=True) if m.meta else "{}", priority, tags,
            "open" if first_answer is None else "answered", first_answer,
        ))  # fmt: skip
    if contact_rows:
        conn.executemany(
            "INSERT INTO contacts(id, platform, platform_user_id, handle, name, followers,"
            " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            contact_rows,
        )
        changes.record_many(conn, "contact", [r[0] for r in contact_rows], now)
        stats.contacts_new += len(contact_rows)
    if updated:
        conn.executemany(
            "UPDATE contacts SET handle = ?, name = ?, followers = ?, updated_at = ? WHERE id = ?",
            list(updated.values()),
        )
        changes.record_many(conn, "contact", list(updated), now)
    if rows:
        marks = ", ".join("?" * len(rows[0]))
        sql = f"INSERT INTO mentions({_MENTION_COLUMNS}) VALUES ({marks})"  # noqa: S608
        conn.executemany(sql, rows)
        changes.record_many(conn, "mention", [r[0] for r in rows], now)
        stats.mentions_new += len(rows)
    if reply_rows:
        marks = ", ".join("?" * len(reply_rows[0]))
        sql = f"INSERT INTO replies({_REPLY_COLUMNS}) VALUES ({marks})"  # noqa: S608
        conn.executemany(sql, reply_rows)
        changes.record_many(conn, "reply", [r[0] for r in reply_rows], now)
    # mentions of earlier batches answered by this one
    for mention_id in sorted(i for i in answered if i < first_id):
        row = conn.execute(
            "SELECT status, replied_at FROM mentions WHERE id = ?", (mention_id,)
        ).fetchone()
        first = answered[mention_id]
        replied_at = first if row["replied_at"] is None else min(row["replied_at"], first)
        status = "answered" if row["status"] == "open" else row["status"]
        if (status, replied_at) != (row["status"], row["replied_at"]):
            conn.execute(
                "UPDATE mentions SET status = ?, replied_at = ?, updated_at = ? WHERE id = ?",
                (status, replied_at, now, mention_id),
            )
            changes.record(conn, "mention", mention_id, now)
    return [(ids[m.source_id], m) for m in fresh], [r[6] for r in reply_rows]


def _plausible_times(batch: Batch, now: float, *, history: bool, problems: list[str]) -> Batch:
    """The batch with every post time checked (``check_platform_time``), whatever brought it.

    Imported history with a time nobody can believe is skipped with its reason (the file can be
    fixed and imported again); a live post is kept, with the time it arrived as its post time,
    so no customer goes unanswered because of a platform's clock. The reason is in ``problems``.
    """
    bad = False

    def checked(kind: str, source_id: str, ts: float) -> float | None:
        nonlocal bad
        try:
            return check_platform_time(ts, now)
        except ValueError as exc:
            bad = True
            if history:
                problems.append(f"{kind} {source_id}: created_at {exc}; skipped")
                return None
            problems.append(f"{kind} {source_id}: created_at {exc}; the time it arrived is used")
            return now

    mentions: list[IncomingMention] = []
    for m in batch.mentions:
        when = checked("mention", m.source_id, m.created_at)
        if when is not None:
            mentions.append(m if when == m.created_at else replace(m, created_at=when))
    replies: list[IncomingReply] = []
    for r in batch.replies:
        when = checked("reply", r.source_id, r.created_at)
        if when is not None:
            replies.append(r if when == r.created_at else replace(r, created_at=when))
    return replace(batch, mentions=mentions, replies=replies) if bad else batch


def _extend_windows(
    conn: sqlite3.Connection, channel_id: int, fresh: list[tuple[int, IncomingMention]], now: float
) -> None:
    """The messaging window (Messenger, WhatsApp: 24 h) runs from the customer's last message:
    a new windowed mention (``meta["window"]``) moves ``window_until`` of all the customer's
    windowed mentions in the channel to its time + the window (an older one arriving late, by
    catch-up, moves nothing back)."""
    windowed = [mid for mid, m in fresh if m.meta.get("window")]
    if not windowed:
        return
    row = conn.execute("SELECT connector FROM channels WHERE id = ?", (channel_id,)).fetchone()
    window_s = registry.spec(row[0]).reply_window_s if row and row[0] in registry.MODULES else None
    if not window_s:
        return
    contacts = {
        r[0]
        for part in chunks(windowed)
        for r in conn.execute(
            f"SELECT contact_id FROM mentions WHERE id IN ({marks(part)})",  # noqa: S608
            part,
        )
    }
    for contact_id in sorted(c for c in contacts if c is not None):
        last = conn.execute(
            "SELECT MAX(created_at) FROM mentions INDEXED BY mentions_contact WHERE contact_id = ?"
            " AND channel_id = ? AND json_extract(meta, '$.window') IS NOT NULL",
            (contact_id, channel_id),
        ).fetchone()[0]
        until = float(last) + window_s
        ids = [
            r[0]
            for r in conn.execute(
                "SELECT id FROM mentions INDEXED BY mentions_contact WHERE contact_id = ?"
                " AND channel_id = ? AND json_extract(meta, '$.window') IS NOT NULL"
                " AND (window_until IS NOT ? OR window_from IS NOT ?)",
                (contact_id, channel_id, until, float(last)),
            )
        ]
        if ids:
            for part in chunks(ids):
                conn.execute(
                    f"UPDATE mentions SET window_until = ?, window_from = ?, updated_at = ? WHERE id IN ({marks(part)})",  # noqa: E501, S608
                    [until, float(last), now, *part],
                )
            changes.record_many(conn, "mention", ids, now)


def ingest(
    db: Database,
    batch: Batch,
    now: float,
    *,
    history: bool,
    actor_id: int | None = None,
    channel_id: int | None = None,
    then: Callable[[sqlite3.Connection, IngestStats], None] | None = None,
) -> IngestStats:
    """Store one batch in one transaction.

    ``history`` marks imported history: its mentions count as received at their platform time
    (the server did not exist then), so response times come out as the platform's. Live
    mentions get their priority and tags from the team's priority rules, and a language.

    ``channel_id`` names the channel a scheduled fetch belongs to (else the batch's channel is
    found or created by name); ``then`` runs in the same transaction, after the rows are in, so
    a fetch's cursor moves if and only if its mentions were committed.

    Every post time is checked here, the one way in for all sources (``_plausible_times``).
    """
    stats = IngestStats(problems=list(batch.skipped))
    batch = _plausible_times(batch, now, history=history, problems=stats.problems)
    with db.write() as conn:
        if channel_id is None:
            channel_id = ensure_channel(conn, batch.channel, now, stats)
        rules = None if history else settings.priority_rules(conn)
        lookups = _Lookups.load(conn, channel_id, batch)
        fresh, answers = _store_batch(
            conn, channel_id, batch, now, stats, lookups, history=history, rules=rules
        )
        for mention_id, m in fresh:
            if m.media:  # fetched later by the channel runner: never holds the mention back
                media.add_refs(conn, mention_id, m.media, now)
        if fresh:
            _extend_windows(conn, channel_id, fresh, now)
        ack = settings.auto_ack(conn) if fresh and not history else None
        if ack is not None and ack.enabled and not settings.business_hours(conn).is_open(now):
            for mention_id, m in fresh:
                _auto_ack(conn, batch.channel, mention_id, m, now)
        if stats.mentions_new or stats.replies_new:
            _link_pending(
                conn, channel_id, now, lookups, [m.source_id for _i, m in fresh] + answers
            )
            audit.record(
                conn, now, actor_id, "ingest", "channel", channel_id,
                mentions=stats.mentions_new, replies=stats.replies_new,
            )  # fmt: skip
        if fresh and not history:  # the customer wrote again: their snoozed thread wakes up
            snooze.wake_on_followups(conn, channel_id, [i for i, _m in fresh], now)
        if then is not None:
            then(conn, stats)
    return stats
