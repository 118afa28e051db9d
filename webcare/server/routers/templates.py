"""Canned answers. Reading: everyone. Writing: admins, with ``If-Match: "<version>"``."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Header, Query
from fastapi.responses import JSONResponse

from webcare.domain.errors import PreconditionRequired, ValidationError
from webcare.domain.templates import TemplateFields
from webcare.domain.wire import TemplateRecord
from webcare.server.deps import AdminUser, Ctx, CurrentUser
from webcare.server.schemas import ErrorOut, PathId, TemplateIn, TemplateOut
from webcare.server.services import templates

router = APIRouter(prefix="/v1/templates", tags=["templates"])

_WRITE_ERRORS: dict[int | str, dict[str, Any]] = {
    403: {"model": ErrorOut},
    404: {"model": ErrorOut},
    412: {"model": ErrorOut, "description": "Stale version: the current template is returned"},
    422: {"model": ErrorOut},
    428: {"model": ErrorOut, "description": "If-Match is required"},
}


def _version(if_match: str | None) -> int:
    if if_match is None:
        raise PreconditionRequired(
            'Send the version you edited in an If-Match header, e.g. If-Match: "3".'
        )
    text = if_match.strip().removeprefix("W/").strip('"')
    if not text.isdigit() or len(text) > 18:
        raise ValidationError(f"If-Match must be a template version, not {if_match!r}.")
    return int(text)


def _with_etag(data: TemplateRecord, status_code: int = 200) -> JSONResponse:
    return JSONResponse(data, status_code=status_code, headers={"ETag": f'"{data["version"]}"'})


def _fields(body: TemplateIn) -> TemplateFields:
    return TemplateFields.create(
        title=body.title,
        body=body.body,
        language=body.language,
        shortcut=body.shortcut,
        tags=body.tags,
    )


@router.get("", response_model=list[TemplateOut])
def list_templates(
    user: CurrentUser, ctx: Ctx, include_archived: Annotated[bool, Query()] = False
) -> list[TemplateRecord]:
    return templates.list_all(ctx.db, ctx.now(), include_archived=include_archived)


@router.get("/{template_id}", response_model=TemplateOut, responses={404: {"model": ErrorOut}})
def get_template(template_id: PathId, user: CurrentUser, ctx: Ctx) -> JSONResponse:
    return _with_etag(templates.get(ctx.db, template_id, ctx.now()))


@router.post("", response_model=TemplateOut, status_code=201, responses=_WRITE_ERRORS)
def create_template(body: TemplateIn, user: AdminUser, ctx: Ctx) -> JSONResponse:
    return _with_etag(templates.create(ctx.db, user, _fields(body), ctx.now()), 201)


@router.put("/{template_id}", response_model=TemplateOut, responses=_WRITE_ERRORS)
def update_template(
    template_id: PathId,
    body: TemplateIn,
    user: AdminUser,
    ctx: Ctx,
    if_match: Annotated[str | None, Header()] = None,
) -> JSONResponse:
    version = _version(if_match)
    return _with_etag(
        templates.update(ctx.db, user, template_id, _fields(body), version, ctx.now())
    )


@router.post("/{template_id}/archive", response_model=TemplateOut, responses=_WRITE_ERRORS)
def archive_template(
    template_id: PathId,
    user: AdminUser,
    ctx: Ctx,
    if_match: Annotated[str | None, Header()] = None,
) -> JSONResponse:
    version = _version(if_match)
    return _with_etag(templates.set_archived(ctx.db, user, template_id, True, version, ctx.now()))


@router.post("/{template_id}/restore", response_model=TemplateOut, responses=_WRITE_ERRORS)
def restore_template(
    template_id: PathId,
    user: AdminUser,
    ctx: Ctx,
    if_match: Annotated[str | None, Header()] = None,
) -> JSONResponse:
    version = _version(if_match)
    return _with_etag(templates.set_archived(ctx.db, user, template_id, False, version, ctx.now()))
