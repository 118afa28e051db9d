"""Saved views: everyone reads theirs and the team's, and writes their own; leads publish."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response

from webcare.domain.saved_views import SavedViewFields
from webcare.domain.wire import SavedViewRecord
from webcare.server.deps import Ctx, CurrentUser
from webcare.server.schemas import ErrorOut, PathId, SavedViewIn, SavedViewOut, SavedViewPatchIn
from webcare.server.services import saved_views

router = APIRouter(prefix="/v1/views", tags=["views"])

_WRITE_ERRORS: dict[int | str, dict[str, Any]] = {
    403: {"model": ErrorOut, "description": "Publishing, or a team view, needs a lead"},
    404: {"model": ErrorOut},
    422: {"model": ErrorOut},
}


@router.get("", response_model=list[SavedViewOut])
def list_views(user: CurrentUser, ctx: Ctx) -> list[SavedViewRecord]:
    """Your own saved views and the team's published ones, in id order."""
    return saved_views.list_for(ctx.db, user, ctx.now())


@router.post("", response_model=SavedViewOut, status_code=201, responses=_WRITE_ERRORS)
def create_view(body: SavedViewIn, user: CurrentUser, ctx: Ctx) -> SavedViewRecord:
    """Save a view (``published``: for the whole team, leads and admins only)."""
    fields = SavedViewFields.create(
        name=body.name, base=body.base, search=body.search, status=body.status,
        channel_id=body.channel_id, min_priority=body.min_priority, sort=body.sort,
    )  # fmt: skip
    return saved_views.create(ctx.db, user, fields, body.published, ctx.now())


@router.patch("/{view_id}", response_model=SavedViewOut, responses=_WRITE_ERRORS)
def update_view(
    view_id: PathId, body: SavedViewPatchIn, user: CurrentUser, ctx: Ctx
) -> SavedViewRecord:
    """Rename or change a view, publish or unpublish it; a field left out stays."""
    patch = {key: getattr(body, key) for key in body.model_fields_set}
    return saved_views.update(ctx.db, user, view_id, patch, ctx.now())


@router.delete("/{view_id}", status_code=204, responses=_WRITE_ERRORS)
def delete_view(view_id: PathId, user: CurrentUser, ctx: Ctx) -> Response:
    saved_views.delete(ctx.db, user, view_id, ctx.now())
    return Response(status_code=204)
