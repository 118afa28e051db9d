"""Contact merge for leads: search contacts, suggested merges, merge, split, dismiss.

(An author's history, ``GET /v1/contacts/{contact_id}``, is any role's: see ``mentions``.)
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from webcare.server.deps import Ctx, LeadUser
from webcare.server.schemas import ContactDismissIn, ContactMergeIn, ErrorOut, PathId
from webcare.server.services import contacts

router = APIRouter(prefix="/v1/contacts", tags=["contacts"])

_ERRORS: dict[int | str, dict[str, Any]] = {
    403: {"model": ErrorOut},
    404: {"model": ErrorOut},
    409: {"model": ErrorOut, "description": "A chain or cycle of merges, or merged elsewhere"},
    422: {"model": ErrorOut},
}


@router.get("", responses={403: {"model": ErrorOut}, 422: {"model": ErrorOut}})
def search_contacts(
    user: LeadUser,
    ctx: Ctx,
    q: Annotated[str, Query(min_length=1, max_length=200)],
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> list[dict[str, Any]]:
    """Lead or admin: contacts whose handle, name or platform id contains ``q``, each with
    its mention count, channels and the contacts merged into it (``members``)."""
    return contacts.search(ctx.db, q, limit)


@router.get("/suggestions", responses={403: {"model": ErrorOut}})
def merge_suggestions(user: LeadUser, ctx: Ctx) -> list[dict[str, Any]]:
    """Lead or admin: pairs of contacts that may be one person, with the reason (``email``:
    the same e-mail address; ``handle``: the same handle text) and the matching ``value``;
    ``contact`` is the one to merge ``other`` into."""
    return contacts.suggestions(ctx.db)


@router.post("/suggestions/dismiss", responses=_ERRORS)
def dismiss_suggestion(body: ContactDismissIn, user: LeadUser, ctx: Ctx) -> dict[str, Any]:
    """Lead or admin: these two are not one person; do not suggest them again (audited)."""
    new = contacts.dismiss(ctx.db, user.id, body.contact_id, body.other_id, ctx.now())
    return {"result": "dismissed" if new else "unchanged"}


@router.post("/{contact_id}/merge", responses=_ERRORS)
def merge_contact(
    contact_id: PathId, body: ContactMergeIn, user: LeadUser, ctx: Ctx
) -> dict[str, Any]:
    """Lead or admin: merge this contact into ``into``, the same person (audited). Every
    client shows their histories as one at its next sync; each mention keeps its channel.
    ``unchanged`` when it was merged into ``into`` already (a retry); ``409`` for a merge
    that would make a chain or a cycle."""
    return contacts.merge(ctx.db, user.id, contact_id, body.into, ctx.now())


@router.post("/{contact_id}/split", responses=_ERRORS)
def split_contact(contact_id: PathId, user: LeadUser, ctx: Ctx) -> dict[str, Any]:
    """Lead or admin: undo this contact's merge (audited); ``unchanged`` when it is not
    merged (a retry)."""
    return contacts.split(ctx.db, user.id, contact_id, ctx.now())
