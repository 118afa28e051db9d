"""The pure claim rules, including a model-based check of their invariants."""

from __future__ import annotations

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from webcare.domain import claims as rules
from webcare.domain.models import ClaimState, MentionStatus, RejectReason

OPEN = ClaimState(MentionStatus.OPEN, None, 0, None)
LEASE = 900.0


def test_claim_open_mention() -> None:
    d = rules.decide_claim(OPEN, 7, now=100, lease_s=LEASE)
    assert d.result is rules.ClaimResult.GRANTED
    assert d.state == ClaimState(MentionStatus.CLAIMED, 7, 1, 100 + LEASE)


def test_claim_held_by_other_is_refused_until_the_lease_ends() -> None:
    held = rules.decide_claim(OPEN, 7, now=100, lease_s=LEASE).state
    assert (
        rules.decide_claim(held, 8, now=100 + LEASE - 1, lease_s=LEASE).result
        is rules.ClaimResult.HELD
    )
    later = rules.decide_claim(held, 8, now=100 + LEASE, lease_s=LEASE)
    assert later.result is rules.ClaimResult.GRANTED
    assert later.state.holder_id == 8 and later.state.epoch == 2


def test_holder_renews_and_keeps_epoch() -> None:
    held = rules.decide_claim(OPEN, 7, now=100, lease_s=LEASE).state
    d = rules.decide_claim(held, 7, now=500, lease_s=LEASE)
    assert d.result is rules.ClaimResult.RENEWED
    assert d.state.epoch == 1 and d.state.lease_expires_at == 500 + LEASE


def test_final_mentions_cannot_be_claimed() -> None:
    for status in (MentionStatus.CLOSED, MentionStatus.SPAM):
        state = ClaimState(status, None, 3, None)
        assert rules.decide_claim(state, 1, 0, LEASE).result is rules.ClaimResult.FINAL
        assert rules.decide_assign(state, 1, 0, LEASE).result is rules.ClaimResult.FINAL
        assert rules.check_reply(state, 1, 3) is RejectReason.MENTION_CLOSED


def test_reply_fencing() -> None:
    held = rules.decide_claim(OPEN, 7, now=0, lease_s=LEASE).state
    assert rules.check_reply(held, 7, 1) is None
    assert rules.check_reply(held, 7, 0) is RejectReason.CLAIM_LOST
    assert rules.check_reply(held, 8, 1) is RejectReason.CLAIM_LOST
    assert rules.check_reply(OPEN, 7, 0) is RejectReason.NOT_CLAIMED
    # the lease ran out but nobody else claimed: the holder's reply still counts
    expired = rules.expire(held, now=LEASE + 1)
    assert expired is not None and expired.status is MentionStatus.OPEN
    assert rules.check_reply(expired, 7, 1) is None
    answered = rules.after_reply(held, now=10, lease_s=LEASE)
    assert answered.status is MentionStatus.ANSWERED and answered.replied


def test_release_and_effective_status() -> None:
    held = rules.decide_claim(OPEN, 7, now=0, lease_s=LEASE).state
    assert rules.decide_release(held, 8, 1, force=False).result is rules.ClaimResult.HELD
    released = rules.decide_release(held, 8, 1, force=True)
    assert released.ok and released.state.holder_id is None
    assert released.state.status is MentionStatus.OPEN
    assert rules.effective_status(held, LEASE + 1) is MentionStatus.OPEN
    replied = rules.after_reply(held, 5, LEASE)
    back = rules.decide_release(replied, 7, 6, force=False).state
    assert back.status is MentionStatus.ANSWERED


def test_status_changes() -> None:
    held = rules.decide_claim(OPEN, 7, now=0, lease_s=LEASE).state
    new, reason = rules.decide_status(held, 8, MentionStatus.CLOSED, 1, force=False)
    assert new is None and reason is RejectReason.CLAIM_LOST
    new, reason = rules.decide_status(held, 7, MentionStatus.CLOSED, 1, force=False)
    assert reason is None and new is not None
    assert new.status is MentionStatus.CLOSED and new.holder_id is None and new.epoch == 1
    reopened, _ = rules.decide_status(new, 8, MentionStatus.OPEN, 2, force=False)
    assert reopened is not None and reopened.status is MentionStatus.OPEN
    _, bad = rules.decide_status(OPEN, 8, MentionStatus.CLAIMED, 2, force=False)
    assert bad is RejectReason.INVALID


AGENTS = st.integers(min_value=1, max_value=4)


class ClaimMachine(RuleBasedStateMachine):
    """Random claims, renewals, releases, expiries and replies keep the invariants."""

    def __init__(self) -> None:
        super().__init__()
        self.state = OPEN
        self.now = 0.0
        self.max_epoch = 0
        self.grants: list[tuple[int, int]] = []  # (epoch, holder)

    @rule(agent=AGENTS)
    def claim(self, agent: int) -> None:
        before = self.state
        d = rules.decide_claim(before, agent, self.now, 10)
        if d.result is rules.ClaimResult.HELD:
            assert before.held_by_other(agent, self.now)
        if d.ok:
            self.state = d.state
            assert self.state.holder_id == agent
            changed_holder = before.holder_id != agent
            assert (self.state.epoch == before.epoch + 1) == changed_holder
            assert self.state.epoch == before.epoch or changed_holder
            if changed_holder:
                self.grants.append((self.state.epoch, agent))

    @rule(agent=AGENTS, force=st.booleans())
    def release(self, agent: int, force: bool) -> None:
        d = rules.decide_release(self.state, agent, self.now, force=force)
        if d.ok:
            assert d.state.epoch == self.state.epoch
            self.state = d.state

    @rule(seconds=st.floats(min_value=0, max_value=15))
    def time_passes(self, seconds: float) -> None:
        self.now += seconds
        expired = rules.expire(self.state, self.now)
        if expired is not None:
            self.state = expired

    @precondition(lambda self: not self.state.status.is_final)
    @rule(agent=AGENTS)
    def reply(self, agent: int) -> None:
        reason = rules.check_reply(self.state, agent, self.state.epoch)
        if reason is None:
            # only the current holder of the current epoch may reply
            assert self.grants and self.grants[-1] == (self.state.epoch, agent)
            self.state = rules.after_reply(self.state, self.now, 10)

    @rule(agent=AGENTS, status=st.sampled_from([MentionStatus.CLOSED, MentionStatus.OPEN]))
    def set_status(self, agent: int, status: MentionStatus) -> None:
        new, _ = rules.decide_status(self.state, agent, status, self.now, force=False)
        if new is not None:
            self.state = new

    @invariant()
    def epochs_only_grow(self) -> None:
        assert self.state.epoch >= self.max_epoch
        self.max_epoch = self.state.epoch

    @invariant()
    def every_epoch_has_one_holder(self) -> None:
        epochs = [e for e, _ in self.grants]
        assert epochs == sorted(set(epochs))


ClaimMachine.TestCase.settings = settings(max_examples=200, stateful_step_count=40, deadline=None)
TestClaimMachine = ClaimMachine.TestCase
