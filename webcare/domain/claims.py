"""The claim rules, as pure functions over :class:`ClaimState`.

A claim gives exactly one agent the right to answer a mention. The server applies these rules
inside one serialized write transaction, so a decision is always taken on the latest state.

Rules (see ARCHITECTURE.md, "Claims and fencing"):

* A claim is granted when nobody holds the mention, when the holder's lease has expired, or when
  the asker already holds it (then it is a renewal).
* ``epoch`` is the fencing token. It grows by one exactly when the holder changes to a different
  agent (including from nobody). A renewal, or the same agent re-claiming after their own lease
  expired while nobody else took it, keeps the epoch: their queued reply is still valid.
* A reply is accepted only from the recorded holder with the current epoch, on a mention that is
  not closed or spam. An expired lease alone does not reject a reply; someone else claiming does.
* Releasing, closing or marking spam forgets the holder (the epoch stays, so it only grows).
* A hand-over by the holder (or a lead) moves the claim to a colleague like a lead's
  assignment: a new epoch and a fresh lease.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from enum import StrEnum

from webcare.domain.models import ClaimState, MentionStatus, RejectReason

DEFAULT_LEASE_S = 15 * 60
MIN_LEASE_S = 1
MAX_LEASE_S = 4 * 60 * 60


class ClaimResult(StrEnum):
    GRANTED = "granted"
    RENEWED = "renewed"
    HELD = "held"  # somebody else holds a live lease
    FINAL = "final"  # closed or spam
    NOT_HOLDER = "not_holder"  # renew/release by someone who does not hold it


@dataclass(frozen=True, slots=True)
class ClaimDecision:
    result: ClaimResult
    state: ClaimState  # the state after the decision (unchanged when refused)

    @property
    def ok(self) -> bool:
        return self.result in (ClaimResult.GRANTED, ClaimResult.RENEWED)


def _status_without_claim(state: ClaimState) -> MentionStatus:
    if state.status.is_final:
        return state.status
    return MentionStatus.ANSWERED if state.replied else MentionStatus.OPEN


def effective_status(state: ClaimState, now: float) -> MentionStatus:
    """The status a person should see: a claim whose lease ran out is no claim."""
    if state.status is MentionStatus.CLAIMED and state.lease_remaining(now) <= 0:
        return _status_without_claim(state)
    return state.status


def decide_claim(state: ClaimState, agent_id: int, now: float, lease_s: float) -> ClaimDecision:
    """Claim (or renew) ``state`` for ``agent_id``."""
    if state.status.is_final:
        return ClaimDecision(ClaimResult.FINAL, state)
    if state.held_by_other(agent_id, now):
        return ClaimDecision(ClaimResult.HELD, state)
    expires = now + lease_s
    if state.holder_id == agent_id:
        live = state.lease_remaining(now) > 0
        status = state.status if live else MentionStatus.CLAIMED
        new = dataclasses.replace(state, status=status, lease_expires_at=expires)
        return ClaimDecision(ClaimResult.RENEWED if live else ClaimResult.GRANTED, new)
    new = dataclasses.replace(
        state,
        status=MentionStatus.CLAIMED,
        holder_id=agent_id,
        epoch=state.epoch + 1,
        lease_expires_at=expires,
    )
    return ClaimDecision(ClaimResult.GRANTED, new)


def decide_renew(state: ClaimState, agent_id: int, now: float, lease_s: float) -> ClaimDecision:
    """Extend a claim the agent already holds; never takes it from someone else."""
    if state.holder_id != agent_id:
        result = ClaimResult.HELD if state.held_by_other(agent_id, now) else ClaimResult.NOT_HOLDER
        return ClaimDecision(result, state)
    return decide_claim(state, agent_id, now, lease_s)


def decide_release(state: ClaimState, agent_id: int, now: float, *, force: bool) -> ClaimDecision:
    """Give up a claim. ``force`` (a lead) may release anybody's claim."""
    if state.holder_id is None:
        return ClaimDecision(ClaimResult.NOT_HOLDER, state)
    if state.holder_id != agent_id and not force:
        result = ClaimResult.HELD if state.held_by_other(agent_id, now) else ClaimResult.NOT_HOLDER
        return ClaimDecision(result, state)
    new = dataclasses.replace(
        state, status=_status_without_claim(state), holder_id=None, lease_expires_at=None
    )
    return ClaimDecision(ClaimResult.GRANTED, new)


def decide_assign(state: ClaimState, agent_id: int, now: float, lease_s: float) -> ClaimDecision:
    """A lead hands the mention to ``agent_id``, taking it from any current holder."""
    if state.status.is_final:
        return ClaimDecision(ClaimResult.FINAL, state)
    if state.holder_id == agent_id:
        return decide_claim(state, agent_id, now, lease_s)
    new = dataclasses.replace(
        state,
        status=MentionStatus.CLAIMED,
        holder_id=agent_id,
        epoch=state.epoch + 1,
        lease_expires_at=now + lease_s,
    )
    return ClaimDecision(ClaimResult.GRANTED, new)


def decide_handover(
    state: ClaimState, actor_id: int, to_id: int, now: float, lease_s: float, *, force: bool
) -> ClaimDecision:
    """``actor_id`` passes the mention on to ``to_id`` (a colleague, never the actor).

    Only the recorded holder may (their lease may have run out while nobody else took it: the
    same rule as their queued reply), or a lead (``force``), who may also hand over a mention
    nobody holds. The claim then moves as a lead's assignment does: a new epoch (so the old
    holder's queued reply is fenced off) and a fresh lease for the colleague.
    """
    if state.status.is_final:
        return ClaimDecision(ClaimResult.FINAL, state)
    if state.holder_id != actor_id and not force:
        result = ClaimResult.HELD if state.held_by_other(actor_id, now) else ClaimResult.NOT_HOLDER
        return ClaimDecision(result, state)
    return decide_assign(state, to_id, now, lease_s)


def expire(state: ClaimState, now: float) -> ClaimState | None:
    """The state after a lease ran out, or None when nothing changes.

    The holder and epoch are kept so that the holder's queued reply is still accepted as long
    as nobody else claimed the mention in between.
    """
    if state.status is MentionStatus.CLAIMED and state.lease_remaining(now) <= 0:
        return dataclasses.replace(state, status=_status_without_claim(state))
    return None


def check_reply(state: ClaimState, agent_id: int, epoch: int) -> RejectReason | None:
    """None when a reply by ``agent_id`` written under ``epoch`` may be accepted."""
    if state.status.is_final:
        return RejectReason.MENTION_CLOSED
    if state.holder_id is None and state.epoch == epoch:
        return RejectReason.NOT_CLAIMED
    if state.holder_id != agent_id or state.epoch != epoch:
        return RejectReason.CLAIM_LOST
    return None


def after_reply(state: ClaimState, now: float, lease_s: float) -> ClaimState:
    """State after an accepted reply: answered, and the holder's lease refreshed."""
    return dataclasses.replace(
        state, status=MentionStatus.ANSWERED, replied=True, lease_expires_at=now + lease_s
    )


def decide_status(
    state: ClaimState, agent_id: int, target: MentionStatus, now: float, *, force: bool
) -> tuple[ClaimState | None, RejectReason | None]:
    """Close, mark spam or reopen. Refused while someone else holds a live claim (unless forced)."""
    if state.held_by_other(agent_id, now) and not force:
        return None, RejectReason.CLAIM_LOST
    if target is MentionStatus.CLAIMED or target is MentionStatus.ANSWERED:
        return None, RejectReason.INVALID
    return (
        dataclasses.replace(state, status=target, holder_id=None, lease_expires_at=None),
        None,
    )
