"""The client outbox endpoint: ordered, idempotent, fenced writes.

Each client numbers its writes (``client_seq``, 1, 2, 3 ...) and names each with an ``op_id``.

* ``seq <= last`` and the same ``op_id``: a replay; the stored result is returned, nothing runs.
* ``seq <= last`` with another ``op_id``: the client lost its state (restored an old copy);
  ``409 seq_conflict`` tells it to register a new client id instead of silently dropping text.
* ``seq > last + 1``: ``409 gap``; nothing after the gap runs.
* an ``op_id`` seen before under another client id: the stored result is returned (the unique
  reply id makes a second reply impossible even when a client lost its whole state).
* otherwise the write is applied, its result stored and ``last`` advanced, in one transaction.
  Permanent rejections (claim lost, mention closed) are results too: stored, counted, returned.
* a transient database failure (busy, disk full) stops the batch: :class:`BatchInterrupted`
  carries the results of the writes committed before it, so the ``503`` says which were applied.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from webcare.channels import registry
from webcare.channels.base import ConnectorSpec
from webcare.domain import claims as rules
from webcare.domain import snooze as snooze_rules
from webcare.domain import textlength
from webcare.domain.errors import (
    ConflictError,
    PermissionDenied,
    TransientError,
    ValidationError,
    WebcareError,
)
from webcare.domain.models import (
    MentionStatus,
    MutationOutcome,
    MutationType,
    RejectReason,
    Role,
)
from webcare.domain.templates import unfilled_asks
from webcare.server import changes, serialize
from webcare.server.services import audit, snooze, undo
from webcare.server.services import media as media_service
from webcare.server.services.accounts import AuthUser
from webcare.server.services.claims import store_state
from webcare.storage.db import TRANSIENT_CAUSE, Database, transient_reason

MAX_BODY = 10_000
MAX_TAGS = 20
MAX_TAG_LEN = 40


@dataclass(frozen=True)
class Mutation:
    client_seq: int
    op_id: str
    type: MutationType
    mention_id: int
    claim_epoch: int | None = None
    body: str | None = None
    template_id: int | None = None
    status: MentionStatus | None = None
    tags: tuple[str, ...] | None = None
    priority: int | None = None
    #: Uploaded images (``POST /v1/media``) a reply carries, in order.
    media_ids: tuple[int, ...] = ()
    private: bool = False
    #: A reply that is an approved platform template (WhatsApp): name, language, parameters.
    platform_template: dict[str, Any] | None = None
    #: A snooze: the wake time (epoch seconds), or until the customer writes again.
    until: float | None = None
    until_customer: bool = False
    #: An undo: the op id of this account's write it takes back (``services/undo.py``).
    undoes: str | None = None


class OutboxConflict(ConflictError):
    """The batch cannot continue: a gap in the numbering, or a numbering reused for new writes."""

    def __init__(
        self, message: str, *, code: str, last_seq: int, results: list[dict[str, Any]]
    ) -> None:
        super().__init__(message, title="Outbox out of step")
        self.code = code
        self.last_seq = last_seq
        self.results = results


class BatchInterrupted(TransientError):
    """A transient database failure stopped a batch part-way (``503``).

    Every write before the failing one was committed on its own; ``results`` are theirs (in
    order, as a ``200`` would have carried them), and nothing of the failing write or the
    writes after it was applied.
    """

    def __init__(self, *, reason: str, results: list[dict[str, Any]], total: int) -> None:
        cause = TRANSIENT_CAUSE.get(reason, "The server could not save")
        if results:
            message = (
                f"{cause}: {len(results)} of {total} writes were applied; the rest were not."
                " Try again shortly."
            )
        else:
            message = f"{cause}; nothing was changed. Try again shortly."
        super().__init__(message, retry_after_s=1.0 if reason == "busy" else 2.0)
        self.reason = reason
        self.results = results
        self.total = total


def _result(
    m: Mutation,
    outcome: MutationOutcome,
    *,
    reason: RejectReason | None = None,
    message: str = "",
    entity: str | None = None,
    entity_id: str | None = None,
) -> dict[str, Any]:
    return {
        "client_seq": m.client_seq,
        "op_id": m.op_id,
        "type": m.type.value,
        "outcome": outcome.value,
        "reason": reason.value if reason else None,
        "message": message,
        "entity": entity,
        "entity_id": entity_id,
        "mention_id": m.mention_id,
    }


_REJECT_TEXT = {
    RejectReason.CLAIM_LOST: "Someone else claimed this mention before your reply arrived.",
    RejectReason.NOT_CLAIMED: "Claim the mention before replying.",
    RejectReason.MENTION_CLOSED: "The mention was closed before your reply arrived.",
    RejectReason.NOT_FOUND: "The mention no longer exists.",
    RejectReason.INVALID: "The reply is empty.",
    RejectReason.TOO_LONG: "The reply is longer than the channel allows.",
    RejectReason.FORBIDDEN: "Your role does not allow this.",
    RejectReason.OUTSIDE_WINDOW: "The platform no longer accepts a reply to this message.",
    RejectReason.CHANGED: "The mention changed since; nothing was undone.",
}


_NUL = "{what} contains a NUL character (\\u0000); remove it and try again."
_OP_TAKEN = "This write id is already in use; the client must give each write a new id."


def _reject(m: Mutation, reason: RejectReason, message: str | None = None) -> dict[str, Any]:
    result = _result(
        m, MutationOutcome.REJECTED, reason=reason, message=message or _REJECT_TEXT[reason]
    )
    if m.body is not None:
        # Recorded with the rejection and handed back: what an agent typed is never lost.
        result["body"] = m.body
    return result


def _answered_handle(conn: sqlite3.Connection, mention: sqlite3.Row) -> str:
    """Whom a reply to ``mention`` answers, as its connector will name them (Mastodon's acct)."""
    try:
        meta = json.loads(mention["meta"] or "{}")
    except ValueError:
        meta = {}
    acct = meta.get("acct") if isinstance(meta, dict) else None
    if isinstance(acct, str) and acct.strip():
        return acct
    contact = conn.execute(
        "SELECT handle FROM contacts WHERE id = ?", (mention["contact_id"],)
    ).fetchone()
    return str(contact["handle"] or "") if contact is not None else ""


def _apply_reply(
    conn: sqlite3.Connection, user: AuthUser, client_id: str, m: Mutation, row: sqlite3.Row,
    now: float, lease_s: float,
) -> dict[str, Any]:  # fmt: skip
    body = (m.body or "").strip()
    if not body:
        return _reject(m, RejectReason.INVALID)
    if "\x00" in body:
        return _reject(m, RejectReason.INVALID, _NUL.format(what="The reply"))
    blanks = unfilled_asks(body)
    if blanks:
        return _reject(
            m,
            RejectReason.INVALID,
            f"The reply still contains {', '.join(dict.fromkeys(blanks))}: a value the agent"
            " fills in before sending. Fill it in (or remove it) and send again.",
        )
    channel = conn.execute(
        "SELECT kind, char_limit, connector, config FROM channels WHERE id = ?",
        (row["channel_id"],),
    ).fetchone()
    if not registry.can_reply(channel["connector"], json.loads(channel["config"] or "{}")):
        return _reject(
            m,
            RejectReason.INVALID,
            "This channel is listen-only: replies cannot be posted there. Mark the mention"
            " handled, or answer the author on another channel.",
        )
    if m.media_ids:
        problem = _attach_problem(conn, user, channel["connector"], row, m)
        if problem is not None:
            return _reject(m, RejectReason.INVALID, problem)
    reply_to = _answered_handle(conn, row)
    length = textlength.measure(
        channel["kind"], body, reply_to=reply_to, limit=channel["char_limit"]
    )
    problem = length.problem()
    if problem is None and m.media_ids:
        problem = _caption_problem(channel["kind"], channel["connector"], body, reply_to)
    if problem is not None:
        return _reject(m, RejectReason.TOO_LONG, problem)
    state = serialize.claim_state(row)
    reason = rules.check_reply(state, user.id, m.claim_epoch if m.claim_epoch is not None else -1)
    if reason is not None:
        return _reject(m, reason)
    template_problem = _template_problem(channel["connector"], m)
    if template_problem is not None:
        return _reject(m, RejectReason.INVALID, template_problem)
    refusal = _window_refusal(conn, channel["connector"], row, m, now)
    if refusal is not None:
        return _reject(m, RejectReason.OUTSIDE_WINDOW, refusal)
    private = m.private and channel["connector"] is not None
    if private:
        problem = _private_problem(conn, channel["connector"], row, now)
        if problem is not None:
            return _reject(m, RejectReason.INVALID, problem)
    conn.execute(
        "INSERT INTO replies(id, mention_id, agent_id, client_id, client_seq, claim_epoch,"
        " template_id, body, accepted_at, delivery_state, private, platform_template)"
        " VALUES (?,?,?,?,?,?,?,?,?,'queued',?,?)",
        (m.op_id, m.mention_id, user.id, client_id, m.client_seq, m.claim_epoch,
         m.template_id, body, now, int(private),
         json.dumps(m.platform_template) if m.platform_template is not None else None),
    )  # fmt: skip
    if m.media_ids:
        media_service.attach(conn, m.op_id, m.media_ids)
    changes.record(conn, "reply", m.op_id, now)
    store_state(conn, m.mention_id, rules.after_reply(state, now, lease_s), now, replied_at=now)
    audit.record(
        conn, now, user.id, "reply.accept", "mention", m.mention_id,
        reply_id=m.op_id, epoch=m.claim_epoch,
    )  # fmt: skip
    return _result(
        m, MutationOutcome.ACCEPTED, message="Reply accepted.", entity="reply", entity_id=m.op_id
    )


def _spec(connector: str | None) -> ConnectorSpec | None:
    if connector is None:
        return None
    try:
        return registry.spec(connector)
    except ValidationError:
        return None


def _attach_problem(
    conn: sqlite3.Connection, user: AuthUser, connector: str | None, row: sqlite3.Row,
    m: Mutation,
) -> str | None:  # fmt: skip
    """Why this reply cannot carry its images, in words; None when it can. The connector
    decides per mention how many (``registry.attach_rule``: a Facebook comment one, a
    Messenger message several, an Instagram reply none; else the channel's ``can_attach`` and
    ``attach_max_count``); the channel's spec the types (``attach_types``) and sizes
    (``attach_max_bytes``); a template carries none."""
    spec = _spec(connector)
    rule = registry.attach_rule(connector, _meta(row), private=bool(m.private))
    if rule.limit <= 0:
        return (
            f"{rule.reason or 'This channel cannot carry images from Webcare.'} Remove the"
            " attachment and send the text alone."
        )
    if m.platform_template is not None:
        return (
            "A template message cannot carry images: send the template alone; images can go"
            " with a reply once the customer writes again."
        )
    count = len(m.media_ids)
    if count > rule.limit:
        if rule.what:  # the connector's rule for this kind of reply
            allowed = "one image" if rule.limit == 1 else f"at most {rule.limit} images"
            extra = count - rule.limit
            return (
                f"{rule.what} can carry {allowed}. Remove {'one' if extra == 1 else extra} and"
                " send it again."
            )
        label = spec.label if spec is not None else "This channel"
        allowed = "one image" if rule.limit == 1 else f"at most {rule.limit} images"
        return (
            f"{label} takes {allowed} per reply; this one has {count}. Keep {rule.limit} and"
            " send the others in replies of their own."
        )
    return media_service.check_attachments(
        conn, user.id, m.media_ids, spec.attach_max_bytes if spec is not None else None,
        types=spec.attach_types if spec is not None else None,
        platform=spec.label if spec is not None else "this platform",
    )  # fmt: skip


def _caption_problem(kind: str, connector: str | None, body: str, reply_to: str) -> str | None:
    """Why a reply with images is too long for them: the platform's caption is shorter than
    its text message (Telegram and WhatsApp: 1024), counted as the platform counts."""
    spec = _spec(connector)
    if spec is None or spec.caption_limit is None:
        return None
    length = textlength.measure(kind, body, reply_to=reply_to, limit=spec.caption_limit)
    if not length.over:
        return None
    return (
        f"With images the reply is their caption, and {spec.label} takes a caption of at most"
        f" {spec.caption_limit} characters; this one is {length.count}. Shorten it, or send the"
        " images with a short text and the rest in a reply of its own."
    )


def ago(seconds: float) -> str:
    """A span in words for a refusal: "40 min", "26 h", "3 days"."""
    if seconds < 3600:
        return f"{max(1, round(seconds / 60))} min"
    if seconds < 72 * 3600:
        return f"{round(seconds / 3600)} h"
    return f"{round(seconds / 86400)} days"


def _window_refusal(
    conn: sqlite3.Connection, connector: str | None, row: sqlite3.Row, m: Mutation, now: float
) -> str | None:
    """Why the platform's messaging window no longer allows this reply, or ``None`` (an
    approved template goes where the platform takes them: WhatsApp after its 24 hours)."""
    until = row["window_until"]
    if until is None or now < until or connector is None:
        return None
    spec = registry.spec(connector)
    if m.platform_template is not None and spec.window_templates:
        return None
    window = spec.reply_window_s or 0.0
    rule = spec.window_rule or f"{spec.label} only accepts a reply inside its window."
    return f"The customer last wrote {ago(now - (until - window))} ago; {rule}"


def _template_problem(connector: str | None, m: Mutation) -> str | None:
    """Why a reply cannot be the platform template it names, or ``None`` (no template, or
    one this channel takes; the platform itself says whether it is approved)."""
    if m.platform_template is None:
        return None
    if connector is None or not registry.spec(connector).window_templates:
        return "This channel has no approved message templates: write the reply instead."
    for p in m.platform_template.get("parameters") or []:
        if "\x00" in str(p.get("text", "")):
            return _NUL.format(what="A template variable")
    return None


def _meta(row: sqlite3.Row) -> dict[str, Any]:
    try:
        meta = json.loads(row["meta"] or "{}")
    except ValueError:
        return {}
    return meta if isinstance(meta, dict) else {}


def _private_problem(
    conn: sqlite3.Connection, connector: str, row: sqlite3.Row, now: float
) -> str | None:
    """Why a private reply to this mention is impossible, or ``None``."""
    spec = registry.spec(connector)
    if spec.private_reply_window_s is None or _meta(row).get("private_reply") != "yes":
        return "A private reply is not possible here: answer publicly."
    age = now - float(row["created_at"])
    if age > spec.private_reply_window_s:
        return (
            f"{spec.label} only allows a private reply within"
            f" {ago(spec.private_reply_window_s)} of the comment; this one is {ago(age)} old."
            " Answer publicly."
        )
    sent = conn.execute(
        "SELECT 1 FROM replies WHERE mention_id = ? AND private = 1 AND delivery_state != 'failed'",
        (row["id"],),
    ).fetchone()
    if sent is not None:
        return (
            f"{spec.label} allows one private reply per comment, and this one has it. Answer"
            f" publicly, or {spec.private_followup} once the customer writes back."
        )
    return None


def _apply_note(
    conn: sqlite3.Connection, user: AuthUser, client_id: str, m: Mutation, now: float
) -> dict[str, Any]:
    body = (m.body or "").strip()
    if not body:
        return _reject(m, RejectReason.INVALID, "The note is empty.")
    if "\x00" in body:
        return _reject(m, RejectReason.INVALID, _NUL.format(what="The note"))
    conn.execute(
        "INSERT INTO notes(id, mention_id, agent_id, client_id, client_seq, body, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        (m.op_id, m.mention_id, user.id, client_id, m.client_seq, body, now),
    )
    changes.record(conn, "note", m.op_id, now)
    audit.record(conn, now, user.id, "note.add", "mention", m.mention_id, note_id=m.op_id)
    return _result(
        m, MutationOutcome.ACCEPTED, message="Note saved.", entity="note", entity_id=m.op_id
    )


def _apply_status(
    conn: sqlite3.Connection, user: AuthUser, m: Mutation, row: sqlite3.Row, now: float
) -> dict[str, Any]:
    assert m.status is not None
    state = serialize.claim_state(row)
    new, reason = rules.decide_status(
        state, user.id, m.status, now, force=user.role.at_least(Role.LEAD)
    )
    if reason is not None or new is None:
        return _reject(
            m, reason or RejectReason.INVALID, "Someone else is working on this mention."
        )
    store_state(conn, m.mention_id, new, now, closed=new.status is MentionStatus.CLOSED)
    audit.record(
        conn, now, user.id, "mention.status", "mention", m.mention_id,
        status=new.status.value, previous=state.status.value,
    )  # fmt: skip
    if new.status.is_final:
        snooze.end(conn, user.id, row, now, reason="status")
    _queue_platform_action(conn, user, row, state.status, new.status, now)
    return _result(m, MutationOutcome.ACCEPTED, message=f"Marked {new.status.value}.")


def _apply_snooze(
    conn: sqlite3.Connection, user: AuthUser, m: Mutation, row: sqlite3.Row, now: float
) -> dict[str, Any]:
    """Snooze (until a time, or the customer's next message) or unsnooze; snoozing releases
    the claim (see ``services/snooze.py`` for the rule)."""
    state = serialize.claim_state(row)
    if state.status.is_final:
        return _reject(
            m,
            RejectReason.MENTION_CLOSED,
            f"This mention is {state.status.value}; reopen it before snoozing it.",
        )
    if m.type is MutationType.UNSNOOZE:
        if not snooze.end(conn, user.id, row, now, reason="unsnooze"):
            return _result(m, MutationOutcome.ACCEPTED, message="It was not snoozed any more.")
        return _result(m, MutationOutcome.ACCEPTED, message="Unsnoozed: back in the queue.")
    if state.held_by_other(user.id, now) and not user.role.at_least(Role.LEAD):
        return _reject(
            m,
            RejectReason.CLAIM_LOST,
            "Someone else is working on this mention; only they or a lead can snooze it.",
        )
    if not m.until_customer:
        assert m.until is not None  # the request model requires one of the two
        problem = snooze_rules.problem(m.until, now)
        if problem is not None:
            return _reject(m, RejectReason.INVALID, problem)
    if state.holder_id is not None:
        released = rules.decide_release(state, user.id, now, force=True).state
        store_state(conn, m.mention_id, released, now)
        audit.record(
            conn, now, user.id, "claim.release", "mention", m.mention_id,
            holder=state.holder_id, forced=state.holder_id != user.id, snoozed=True,
        )  # fmt: skip
    snooze.snooze(conn, user.id, row, m.until, m.until_customer, now)
    return _result(m, MutationOutcome.ACCEPTED, message="Snoozed.")


def _queue_platform_action(
    conn: sqlite3.Connection, user: AuthUser, row: sqlite3.Row, before: MentionStatus,
    after: MentionStatus, now: float,
) -> None:  # fmt: skip
    """Marking a comment spam hides it on the platform (same transaction: never one without
    the other); taking the mark off shows it again if it was hidden."""
    if (before is MentionStatus.SPAM) == (after is MentionStatus.SPAM):
        return
    channel = conn.execute(
        "SELECT connector FROM channels WHERE id = ?", (row["channel_id"],)
    ).fetchone()
    if channel is None or channel["connector"] is None:
        return
    try:
        moderation = registry.spec(channel["connector"]).moderation
    except WebcareError:
        return
    if "hide" not in moderation or _meta(row).get("moderate") != "hide":
        return
    if after is MentionStatus.SPAM:
        action = "hide"
    else:
        hidden = conn.execute(
            "SELECT action FROM platform_actions WHERE mention_id = ? AND state != 'failed'"
            " ORDER BY id DESC LIMIT 1",
            (row["id"],),
        ).fetchone()
        if hidden is None or hidden["action"] != "hide":
            return
        action = "unhide"
    conn.execute(
        "INSERT INTO platform_actions(mention_id, action, actor_id, created_at)"
        " VALUES (?, ?, ?, ?)",
        (row["id"], action, user.id, now),
    )
    conn.execute(
        "UPDATE mentions SET platform_action = ? WHERE id = ?",
        (json.dumps({"action": action, "state": "queued", "error": None}), row["id"]),
    )
    changes.record(conn, "mention", row["id"], now)
    audit.record(conn, now, user.id, f"mention.platform_{action}", "mention", row["id"],
                 state="queued")  # fmt: skip


def _apply_meta(
    conn: sqlite3.Connection, user: AuthUser, m: Mutation, now: float
) -> dict[str, Any]:
    if m.type is MutationType.SET_TAGS:
        assert m.tags is not None
        tags = list(dict.fromkeys(t.strip().lower() for t in m.tags if t.strip()))
        if any("\x00" in t for t in tags):
            return _reject(m, RejectReason.INVALID, _NUL.format(what="A tag"))
        if len(tags) > MAX_TAGS or any(len(t) > MAX_TAG_LEN for t in tags):
            return _reject(
                m, RejectReason.INVALID, f"At most {MAX_TAGS} tags of {MAX_TAG_LEN} characters."
            )
        conn.execute(
            "UPDATE mentions SET tags = ?, updated_at = ? WHERE id = ?",
            (json.dumps(tags), now, m.mention_id),
        )
        audit.record(conn, now, user.id, "mention.tags", "mention", m.mention_id, tags=tags)
    else:
        assert m.priority is not None
        conn.execute(
            "UPDATE mentions SET priority = ?, updated_at = ? WHERE id = ?",
            (m.priority, now, m.mention_id),
        )
        audit.record(
            conn, now, user.id, "mention.priority", "mention", m.mention_id, priority=m.priority
        )
    changes.record(conn, "mention", m.mention_id, now)
    return _result(m, MutationOutcome.ACCEPTED, message="Saved.")


def _apply(
    conn: sqlite3.Connection, user: AuthUser, client_id: str, m: Mutation, now: float,
    lease_s: float,
) -> dict[str, Any]:  # fmt: skip
    row = conn.execute("SELECT * FROM mentions WHERE id = ?", (m.mention_id,)).fetchone()
    if row is None:
        return _reject(m, RejectReason.NOT_FOUND)
    taken = conn.execute(
        "SELECT 1 FROM replies WHERE id = ? UNION ALL SELECT 1 FROM notes WHERE id = ?",
        (m.op_id, m.op_id),
    ).fetchone()
    if taken is not None:
        return _reject(m, RejectReason.INVALID, _OP_TAKEN)
    if m.type is MutationType.REPLY:
        return _apply_reply(conn, user, client_id, m, row, now, lease_s)
    if m.type is MutationType.NOTE:
        return _apply_note(conn, user, client_id, m, now)
    if m.undoes is not None:
        return _apply_undo(conn, user, m, row, now, lease_s)
    if m.type is MutationType.SET_STATUS:
        result = _apply_status(conn, user, m, row, now)
    elif m.type in (MutationType.SNOOZE, MutationType.UNSNOOZE):
        result = _apply_snooze(conn, user, m, row, now)
    else:
        result = _apply_meta(conn, user, m, now)
    if result["outcome"] == MutationOutcome.ACCEPTED.value:
        undo.remember(conn, user.id, m.op_id, row, now)
    return result


def _apply_undo(
    conn: sqlite3.Connection, user: AuthUser, m: Mutation, row: sqlite3.Row, now: float,
    lease_s: float,
) -> dict[str, Any]:  # fmt: skip
    """Take back the write ``m.undoes`` (see ``services/undo.py`` for the rule)."""
    assert m.undoes is not None
    reason, found = undo.problem(conn, user.id, m.undoes, row, now)
    if reason is not None:
        assert isinstance(found, str)
        return _reject(m, reason, found)
    assert isinstance(found, dict)
    before = MentionStatus(row["status"])
    after = undo.restore(conn, user.id, m.undoes, row, found, now, lease_s)
    _queue_platform_action(conn, user, row, before, after, now)
    return _result(m, MutationOutcome.ACCEPTED, message="Undone.")


def _client(conn: sqlite3.Connection, user: AuthUser, client_id: str, now: float) -> int:
    row = conn.execute(
        "SELECT user_id, last_mutation_seq FROM clients WHERE client_id = ?", (client_id,)
    ).fetchone()
    if row is None:
        conn.execute(
            "INSERT INTO clients(client_id, user_id, created_at, last_seen_at) VALUES (?,?,?,?)",
            (client_id, user.id, now, now),
        )
        return 0
    if row["user_id"] != user.id:
        raise PermissionDenied("This client id belongs to another account.")
    return int(row["last_mutation_seq"])


def apply_batch(
    db: Database,
    user: AuthUser,
    client_id: str,
    batch: Sequence[Mutation],
    now: float,
    lease_s: float,
) -> list[dict[str, Any]]:
    """Apply an outbox batch in order, one transaction per write. See the module docstring."""
    results: list[dict[str, Any]] = []
    for m in batch:
        try:
            results.append(_apply_one(db, user, client_id, m, now, lease_s, results))
        except sqlite3.OperationalError as exc:
            reason = transient_reason(exc)
            if reason is None:
                raise
            # The writes before this one are committed: the 503 must say so, with their results.
            raise BatchInterrupted(reason=reason, results=results, total=len(batch)) from exc
    return results


def _apply_one(
    db: Database, user: AuthUser, client_id: str, m: Mutation, now: float, lease_s: float,
    results: list[dict[str, Any]],
) -> dict[str, Any]:  # fmt: skip
    """One write of a batch in its own transaction; its result (``results``: those before it)."""
    with db.write() as conn:
        last = _client(conn, user, client_id, now)
        if m.client_seq <= last:
            stored = conn.execute(
                "SELECT op_id, result FROM mutation_results WHERE client_id = ? AND client_seq = ?",
                (client_id, m.client_seq),
            ).fetchone()
            if stored is None or stored["op_id"] != m.op_id:
                raise OutboxConflict(
                    f"Write {m.client_seq} was already used for another change; this client"
                    " must register again under a new client id.",
                    code="seq_conflict",
                    last_seq=last,
                    results=results,
                )
            return {**json.loads(stored["result"]), "replayed": True}
        if m.client_seq > last + 1:
            raise OutboxConflict(
                f"Write {m.client_seq} arrived before write {last + 1}.",
                code="gap",
                last_seq=last,
                results=results,
            )
        prior = conn.execute(
            "SELECT r.result, c.user_id FROM mutation_results r"
            " JOIN clients c ON c.client_id = r.client_id WHERE r.op_id = ? LIMIT 1",
            (m.op_id,),
        ).fetchone()
        if prior is not None and prior["user_id"] == user.id:
            result = {**json.loads(prior["result"]), "client_seq": m.client_seq}
        elif prior is not None:
            result = _reject(m, RejectReason.INVALID, _OP_TAKEN)
            prior = None
        else:
            result = _apply(conn, user, client_id, m, now, lease_s)
        conn.execute(
            "INSERT INTO mutation_results(client_id, client_seq, op_id, type, result,"
            " created_at) VALUES (?, ?, ?, ?, ?, ?)",
            (client_id, m.client_seq, m.op_id, m.type.value, json.dumps(result), now),
        )
        conn.execute(
            "UPDATE clients SET last_mutation_seq = ?, last_seen_at = ? WHERE client_id = ?",
            (m.client_seq, now, client_id),
        )
    return {**result, "replayed": True} if prior is not None else result


def client_state(db: Database, user: AuthUser, client_id: str) -> int:
    """The last write number the server applied for this client (0 for a new client)."""
    with db.read() as conn:
        row = conn.execute(
            "SELECT user_id, last_mutation_seq FROM clients WHERE client_id = ?", (client_id,)
        ).fetchone()
    if row is None:
        return 0
    if row["user_id"] != user.id:
        raise PermissionDenied("This client id belongs to another account.")
    return int(row["last_mutation_seq"])
