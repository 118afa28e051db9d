"""A mention's details and its claim: claim, renew, release, assign, hand over."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from webcare.domain.claims import ClaimResult
from webcare.server.deps import Ctx, CurrentUser, LeadUser
from webcare.server.schemas import AssignIn, ClaimOut, ErrorOut, HandoverIn, HandoverOut, PathId
from webcare.server.services import claims, mentions

router = APIRouter(prefix="/v1/mentions", tags=["mentions"])
contacts_router = APIRouter(prefix="/v1/contacts", tags=["mentions"])

_CLAIM_ERRORS: dict[int | str, dict[str, Any]] = {
    404: {"model": ErrorOut},
    409: {"model": ErrorOut, "description": "Held by someone else (holder, lease_remaining_s)"},
}


@router.get("/{mention_id}", responses={404: {"model": ErrorOut}})
def get_mention(mention_id: PathId, user: CurrentUser, ctx: Ctx) -> dict[str, Any]:
    """A mention with its author, replies and internal notes."""
    return mentions.detail(ctx.db, mention_id, ctx.now())


@router.post("/{mention_id}/claim", response_model=ClaimOut, responses=_CLAIM_ERRORS)
def claim(mention_id: PathId, user: CurrentUser, ctx: Ctx) -> dict[str, Any]:
    """Claim a mention (or renew your own claim). Exactly one agent holds a claim."""
    out = claims.claim(ctx.db, user, mention_id, ctx.now(), ctx.config.lease_s)
    return {"result": out.result.value, "mention": out.mention}


@router.post("/{mention_id}/renew", response_model=ClaimOut, responses=_CLAIM_ERRORS)
def renew(mention_id: PathId, user: CurrentUser, ctx: Ctx) -> dict[str, Any]:
    """Extend your claim's lease while you keep working."""
    out = claims.renew(ctx.db, user, mention_id, ctx.now(), ctx.config.lease_s)
    return {"result": out.result.value, "mention": out.mention}


@router.post("/{mention_id}/release", response_model=ClaimOut, responses=_CLAIM_ERRORS)
def release(mention_id: PathId, user: CurrentUser, ctx: Ctx) -> dict[str, Any]:
    """Give up your claim. Leads and admins may release anyone's claim."""
    out = claims.release(ctx.db, user, mention_id, ctx.now())
    result = "granted" if out.result is ClaimResult.GRANTED else "not_holder"
    return {"result": result, "mention": out.mention}


@router.post(
    "/{mention_id}/assign",
    response_model=ClaimOut,
    responses={**_CLAIM_ERRORS, 403: {"model": ErrorOut}, 422: {"model": ErrorOut}},
)
def assign(mention_id: PathId, body: AssignIn, user: LeadUser, ctx: Ctx) -> dict[str, Any]:
    """Lead or admin: hand the mention to another agent (their claim starts now)."""
    out = claims.assign(ctx.db, user, mention_id, body.agent_id, ctx.now(), ctx.config.lease_s)
    return {"result": out.result.value, "mention": out.mention}


@router.post(
    "/{mention_id}/handover",
    response_model=HandoverOut,
    responses={**_CLAIM_ERRORS, 422: {"model": ErrorOut}},
)
def handover(mention_id: PathId, body: HandoverIn, user: CurrentUser, ctx: Ctx) -> dict[str, Any]:
    """Hand a mention you hold over to a colleague, with a note ("Lars knows this customer").
    Their claim starts now under a new epoch, so your queued reply is fenced off; the note is
    an internal note on the mention and the hand-over is in the audit log. Leads and admins may
    hand over any open mention. The colleague must be an enabled account that can sign in."""
    out = claims.handover(
        ctx.db, user, mention_id, body.to_user_id, body.note, ctx.now(), ctx.config.lease_s,
        op_id=body.op_id,
    )  # fmt: skip
    return {
        "result": "handed_over",
        "replayed": out.replayed,
        "mention": out.mention,
        "note": out.note,
    }


@contacts_router.get("/{contact_id}", responses={404: {"model": ErrorOut}})
def contact_history(contact_id: PathId, user: CurrentUser, ctx: Ctx) -> dict[str, Any]:
    """An author and their whole history with the team: every mention, across threads and
    channels, oldest first, with the replies each got."""
    return mentions.contact_history(ctx.db, contact_id, ctx.now())
