"""Claims: compare-and-set with a lease, inside one serialized write transaction each.

The rules themselves are pure (``webcare.domain.claims``); this module loads the current state,
asks the rule, writes the new state, the change row and the audit row, all in one transaction.
"""

from __future__ import annotations

import sqlite3
import uuid
from dataclasses import dataclass
from typing import Any

from webcare.domain import claims as rules
from webcare.domain.errors import ClaimConflict, ConflictError, NotFoundError, ValidationError
from webcare.domain.models import ClaimState, Role
from webcare.domain.wire import MentionRecord, NoteRecord
from webcare.server import changes, serialize
from webcare.server.services import audit, snooze
from webcare.server.services.accounts import AuthUser
from webcare.storage.db import Database


@dataclass(frozen=True)
class ClaimOutcome:
    result: rules.ClaimResult
    mention: MentionRecord


def load_state(conn: sqlite3.Connection, mention_id: int) -> sqlite3.Row:
    row = conn.execute("SELECT * FROM mentions WHERE id = ?", (mention_id,)).fetchone()
    if row is None:
        raise NotFoundError(f"There is no mention with id {mention_id}.")
    return row  # type: ignore[no-any-return]


def store_state(
    conn: sqlite3.Connection,
    mention_id: int,
    state: ClaimState,
    now: float,
    *,
    replied_at: float | None = None,
    closed: bool | None = None,
) -> None:
    """Write a new claim state (+ change row). ``closed`` True stamps, False clears closed_at."""
    extra = ""
    args: list[Any] = [
        state.status.value,
        state.holder_id,
        state.epoch,
        state.lease_expires_at,
        now,
        # claimed_at: kept while the same tenure (epoch) goes on, stamped when it changes
        state.holder_id,
        state.epoch,
        now,
    ]
    if replied_at is not None:
        extra += ", replied_at = COALESCE(replied_at, ?)"
        args.append(replied_at)
    if closed is True:
        extra += ", closed_at = ?"
        args.append(now)
    elif closed is False:
        extra += ", closed_at = NULL"
    args.append(mention_id)
    sql = (
        "UPDATE mentions SET status = ?, claim_agent_id = ?, claim_epoch = ?,"  # noqa: S608 - only fixed names are interpolated
        " lease_expires_at = ?, updated_at = ?, claimed_at = CASE WHEN ? IS NULL THEN NULL"
        f" WHEN claim_epoch != ? THEN ? ELSE claimed_at END{extra} WHERE id = ?"
    )
    conn.execute(sql, args)
    changes.record(conn, "mention", mention_id, now)


def _conflict(conn: sqlite3.Connection, state: ClaimState, now: float) -> ClaimConflict:
    holder = None
    if state.holder_id is not None:
        holder = conn.execute(
            "SELECT display_name FROM users WHERE id = ?", (state.holder_id,)
        ).fetchone()
    name = holder["display_name"] if holder else None
    remaining = state.lease_remaining(now)
    minutes = round(remaining / 60)
    ends = f"in about {minutes} min" if minutes >= 1 else "in under a minute"
    return ClaimConflict(
        f"{name or 'Someone'} is working on this mention (claim ends {ends}).",
        holder_id=state.holder_id,
        holder_name=name,
        lease_remaining_s=round(remaining, 3),
    )


def _final(state: ClaimState) -> ConflictError:
    return ConflictError(
        f"This mention is {state.status.value}; reopen it before working on it.",
        title="Mention is closed",
    )


def claim(
    db: Database, user: AuthUser, mention_id: int, now: float, lease_s: float
) -> ClaimOutcome:
    """Claim or renew. Raises :class:`ClaimConflict` when somebody else holds a live lease."""
    with db.write() as conn:
        state = serialize.claim_state(load_state(conn, mention_id))
        decision = rules.decide_claim(state, user.id, now, lease_s)
        if decision.result is rules.ClaimResult.HELD:
            raise _conflict(conn, state, now)
        if decision.result is rules.ClaimResult.FINAL:
            raise _final(state)
        store_state(conn, mention_id, decision.state, now)
        if decision.result is rules.ClaimResult.GRANTED:
            audit.record(
                conn, now, user.id, "claim.grant", "mention", mention_id,
                epoch=decision.state.epoch, previous_holder=state.holder_id,
            )  # fmt: skip
            # someone works on it now: it does not sleep any more (and wakes for nobody)
            snooze.end_if_snoozed(conn, user.id, mention_id, now, reason="claim")
        return ClaimOutcome(
            decision.result, serialize.mentions(conn, [load_state(conn, mention_id)], now)[0]
        )


def renew(
    db: Database, user: AuthUser, mention_id: int, now: float, lease_s: float
) -> ClaimOutcome:
    with db.write() as conn:
        state = serialize.claim_state(load_state(conn, mention_id))
        decision = rules.decide_renew(state, user.id, now, lease_s)
        if decision.result is rules.ClaimResult.HELD:
            raise _conflict(conn, state, now)
        if decision.result is rules.ClaimResult.NOT_HOLDER:
            raise ConflictError(
                "You do not hold this mention any more; claim it again.", title="Claim ended"
            )
        if decision.result is rules.ClaimResult.FINAL:
            raise _final(state)
        store_state(conn, mention_id, decision.state, now)
        if decision.result is rules.ClaimResult.GRANTED:
            # the lease had run out and nobody took over: granted again, audited like /claim
            audit.record(
                conn, now, user.id, "claim.grant", "mention", mention_id,
                epoch=decision.state.epoch, previous_holder=state.holder_id, renewed=True,
            )  # fmt: skip
        return ClaimOutcome(
            decision.result, serialize.mentions(conn, [load_state(conn, mention_id)], now)[0]
        )


def release(db: Database, user: AuthUser, mention_id: int, now: float) -> ClaimOutcome:
    """Give a claim up. Leads and admins may release anybody's claim (audited)."""
    force = user.role.at_least(Role.LEAD)
    with db.write() as conn:
        state = serialize.claim_state(load_state(conn, mention_id))
        decision = rules.decide_release(state, user.id, now, force=force)
        if decision.result is rules.ClaimResult.HELD:
            raise _conflict(conn, state, now)
        if decision.ok:
            store_state(conn, mention_id, decision.state, now)
            audit.record(
                conn, now, user.id, "claim.release", "mention", mention_id,
                holder=state.holder_id, forced=state.holder_id != user.id,
            )  # fmt: skip
        return ClaimOutcome(
            decision.result, serialize.mentions(conn, [load_state(conn, mention_id)], now)[0]
        )


def assign(
    db: Database, user: AuthUser, mention_id: int, agent_id: int, now: float, lease_s: float
) -> ClaimOutcome:
    """A lead reassigns a mention to ``agent_id`` (new epoch: the old holder's reply is fenced)."""
    with db.write() as conn:
        agent = conn.execute(
            "SELECT id, disabled, password_hash FROM users WHERE id = ?", (agent_id,)
        ).fetchone()
        if agent is None or agent["disabled"] or agent["password_hash"] is None:
            raise ValidationError("Assign to an enabled account that can sign in.")
        state = serialize.claim_state(load_state(conn, mention_id))
        decision = rules.decide_assign(state, agent_id, now, lease_s)
        if decision.result is rules.ClaimResult.FINAL:
            raise _final(state)
        store_state(conn, mention_id, decision.state, now)
        audit.record(
            conn, now, user.id, "claim.assign", "mention", mention_id,
            to=agent_id, previous_holder=state.holder_id, epoch=decision.state.epoch,
        )  # fmt: skip
        snooze.end_if_snoozed(conn, user.id, mention_id, now, reason="assign")
        return ClaimOutcome(
            decision.result, serialize.mentions(conn, [load_state(conn, mention_id)], now)[0]
        )


#: the longest note a hand-over carries ("Lars knows this customer"): a line or two, plain text
MAX_HANDOVER_NOTE = 500


@dataclass(frozen=True)
class HandoverOutcome:
    mention: MentionRecord
    note: NoteRecord
    #: the same request id came again (an answer that was lost): nothing was done twice
    replayed: bool


def _handover_target(conn: sqlite3.Connection, user: AuthUser, to_user_id: int) -> sqlite3.Row:
    """The colleague a mention is handed to: an enabled account that can sign in, not you."""
    if to_user_id == user.id:
        raise ValidationError(
            "You cannot hand a mention over to yourself; choose a colleague.",
            title="Hand over to someone else",
        )
    to = conn.execute(
        "SELECT id, display_name, disabled, password_hash FROM users WHERE id = ?", (to_user_id,)
    ).fetchone()
    if to is None:
        raise ValidationError(f"There is no account with id {to_user_id} to hand it to.")
    if to["disabled"]:
        raise ValidationError(
            f"{to['display_name']}'s account is disabled; hand it to someone who can sign in."
        )
    if to["password_hash"] is None:
        raise ValidationError(
            f"{to['display_name']} cannot sign in (an agent known only from imported history);"
            " hand it to someone who can."
        )
    return to  # type: ignore[no-any-return]


def _replayed(
    conn: sqlite3.Connection,
    user: AuthUser,
    mention_id: int,
    op_id: str,
    to_user_id: int,
    now: float,
) -> HandoverOutcome | None:
    """The outcome of a hand-over already made with this request id, or ``None``."""
    row = conn.execute("SELECT * FROM notes WHERE id = ?", (op_id,)).fetchone()
    if row is None:
        used = conn.execute("SELECT 1 FROM replies WHERE id = ?", (op_id,)).fetchone()
        if used is None:
            return None
    elif (row["agent_id"], row["mention_id"], row["handover_to"]) == (
        user.id, mention_id, to_user_id
    ):  # fmt: skip
        mention = serialize.mentions(conn, [load_state(conn, mention_id)], now)[0]
        return HandoverOutcome(mention, serialize.note(row, now), replayed=True)
    raise ConflictError(
        "This request id was already used for another write; send the hand-over with a new one.",
        title="Request id used",
    )


def handover(
    db: Database,
    user: AuthUser,
    mention_id: int,
    to_user_id: int,
    note: str,
    now: float,
    lease_s: float,
    *,
    op_id: str | None = None,
) -> HandoverOutcome:
    """Pass the claim on to a colleague with a note: a new epoch (the old holder's queued reply
    is fenced off), a fresh lease for them, the note in the conversation, the audit row.

    Only the holder may, or a lead or admin (who may also hand over a mention nobody holds).
    ``op_id`` (optional, the client's) makes a retry after a lost answer harmless: the same id
    again answers what was done, ``replayed``.
    """
    body = note.strip()
    if len(body) > MAX_HANDOVER_NOTE:
        raise ValidationError(
            f"The note is {len(body)} characters; a hand-over's note may have at most"
            f" {MAX_HANDOVER_NOTE}."
        )
    with db.write() as conn:
        if op_id is not None:
            replay = _replayed(conn, user, mention_id, op_id, to_user_id, now)
            if replay is not None:
                return replay
        state = serialize.claim_state(load_state(conn, mention_id))
        to = _handover_target(conn, user, to_user_id)
        force = user.role.at_least(Role.LEAD)
        decision = rules.decide_handover(state, user.id, to_user_id, now, lease_s, force=force)
        if decision.result is rules.ClaimResult.FINAL:
            raise _final(state)
        if decision.result is rules.ClaimResult.HELD:
            raise _conflict(conn, state, now)
        if decision.result is rules.ClaimResult.NOT_HOLDER:
            raise ConflictError(
                "Only the agent who holds a mention can hand it over; claim it first.",
                title="Not your claim",
            )
        if state.holder_id == to_user_id and state.lease_remaining(now) > 0:
            raise ConflictError(
                f"{to['display_name']} already holds this mention.", title="Already theirs"
            )
        store_state(conn, mention_id, decision.state, now)
        conn.execute(
            "UPDATE mentions SET handed_over_by = ?, handed_over_at = ?, handover_epoch = ?"
            " WHERE id = ?",
            (user.id, now, decision.state.epoch, mention_id),
        )
        note_id = op_id or f"handover-{uuid.uuid4().hex}"
        conn.execute(
            "INSERT INTO notes(id, mention_id, agent_id, body, created_at, handover_to)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (note_id, mention_id, user.id, body, now, to_user_id),
        )
        changes.record(conn, "note", note_id, now)
        audit.record(
            conn, now, user.id, "claim.handover", "mention", mention_id,
            to=to_user_id, previous_holder=state.holder_id, epoch=decision.state.epoch,
            note=body, note_id=note_id, forced=state.holder_id != user.id,
        )  # fmt: skip
        row = conn.execute("SELECT * FROM notes WHERE id = ?", (note_id,)).fetchone()
        mention = serialize.mentions(conn, [load_state(conn, mention_id)], now)[0]
        return HandoverOutcome(mention, serialize.note(row, now), replayed=False)


def sweep_expired(db: Database, now: float) -> int:
    """Turn claims whose lease ran out back into open (or answered) mentions, for every client."""
    with db.read() as conn:
        due = conn.execute(
            "SELECT 1 FROM mentions WHERE status = 'claimed' AND lease_expires_at <= ? LIMIT 1",
            (now,),
        ).fetchone()
    if due is None:
        return 0
    count = 0
    with db.write() as conn:
        rows = conn.execute(
            "SELECT * FROM mentions WHERE status = 'claimed' AND lease_expires_at <= ?", (now,)
        ).fetchall()
        for row in rows:
            new = rules.expire(serialize.claim_state(row), now)
            if new is not None:
                store_state(conn, row["id"], new, now)
                audit.record(
                    conn, now, None, "claim.expire", "mention", row["id"],
                    holder=row["claim_agent_id"], epoch=row["claim_epoch"],
                )  # fmt: skip
                count += 1
    return count
