"""Reports for team leads and admins, and the audit trail."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query

from webcare.domain.errors import ValidationError
from webcare.reports.response_times import Basis, GroupBy
from webcare.server.deps import Ctx, LeadUser
from webcare.server.schemas import ErrorOut
from webcare.server.services import audit
from webcare.server.services import reports as report_service

router = APIRouter(prefix="/v1", tags=["reports"])

Since = Annotated[datetime | None, Query(description="ISO 8601; naive = UTC")]
Until = Annotated[datetime | None, Query(description="ISO 8601, exclusive; naive = UTC")]
_ERRORS: dict[int | str, dict[str, Any]] = {403: {"model": ErrorOut}, 422: {"model": ErrorOut}}


def _ts(value: datetime | None) -> float | None:
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.timestamp()


def _range(since: datetime | None, until: datetime | None) -> tuple[float | None, float | None]:
    start, end = _ts(since), _ts(until)
    if start is not None and end is not None and end <= start:
        raise ValidationError("'until' must be after 'since'.")
    return start, end


@router.get("/reports/response-times", responses=_ERRORS)
def response_times(
    user: LeadUser,
    ctx: Ctx,
    by: Annotated[GroupBy, Query()] = GroupBy.AGENT,
    since: Since = None,
    until: Until = None,
    basis: Annotated[Basis, Query(description="calendar or business time")] = Basis.CALENDAR,
    sla_s: Annotated[
        float | None, Query(gt=0, le=365 * 86400, description="one target for all priorities")
    ] = None,
    channel_id: Annotated[int | None, Query(ge=1, le=2**62)] = None,
    include_mentions: Annotated[bool, Query()] = False,
) -> dict[str, Any]:
    """First response and resolution times: median, p90 and count, overall and per group;
    SLA breaches against the targets per priority (or ``sla_s`` for all)."""
    start, end = _range(since, until)
    report = report_service.response_times(
        ctx.db,
        by=by,
        now=ctx.now(),
        since=start,
        until=end,
        channel_id=channel_id,
        business=basis is Basis.BUSINESS,
        sla_s=sla_s,
    )
    return report.as_dict(include_mentions=include_mentions)


@router.get("/reports/volume", responses=_ERRORS)
def volume(user: LeadUser, ctx: Ctx, since: Since = None, until: Until = None) -> dict[str, Any]:
    """Mentions received per weekday and hour, in the team's time zone (a heatmap)."""
    start, end = _range(since, until)
    return report_service.volume(ctx.db, since=start, until=end)


@router.get("/reports/backlog", responses=_ERRORS)
def backlog(
    user: LeadUser,
    ctx: Ctx,
    since: Since = None,
    until: Until = None,
    step: Annotated[Literal["hour", "day"], Query()] = "day",
) -> dict[str, Any]:
    """Mentions waiting for a first reply (and not closed) at the end of each hour or day."""
    now = ctx.now()
    start, end = _range(since, until)
    end = end if end is not None else now
    start = start if start is not None else end - 14 * 86400
    limit = 400 * 86400 if step == "day" else 31 * 86400
    if end - start > limit:
        raise ValidationError(
            "That range is too long for this step: at most 400 days by day, 31 days by hour."
        )
    return report_service.backlog(ctx.db, since=start, until=end, step=step)


@router.get("/reports/workload", responses=_ERRORS)
def workload(user: LeadUser, ctx: Ctx) -> list[dict[str, Any]]:
    """Live: who holds which claims, and for how long."""
    return report_service.workload(ctx.db, ctx.now())


@router.get("/reports/template-usage", responses=_ERRORS)
def template_usage(
    user: LeadUser, ctx: Ctx, since: Since = None, until: Until = None
) -> list[dict[str, Any]]:
    """How often each canned answer was used, in total and per agent."""
    start, end = _range(since, until)
    return report_service.template_usage(ctx.db, since=start, until=end)


@router.get("/audit", responses={403: {"model": ErrorOut}})
def audit_log(
    user: LeadUser,
    ctx: Ctx,
    entity: Annotated[str | None, Query(max_length=40)] = None,
    entity_id: Annotated[str | None, Query(max_length=100)] = None,
    actor_id: Annotated[int | None, Query(ge=1, le=2**62)] = None,
    action: Annotated[str | None, Query(max_length=60)] = None,
    before_id: Annotated[int | None, Query(ge=1, le=2**62)] = None,
    since: Since = None,
    until: Until = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> list[dict[str, Any]]:
    """Who did what, newest first. Page with ``before_id`` = the last id you got."""
    start, end = _range(since, until)
    with ctx.db.read() as conn:
        return audit.query(
            conn,
            entity=entity,
            entity_id=entity_id,
            actor_id=actor_id,
            action=action,
            before_id=before_id,
            since=start,
            until=end,
            limit=limit,
        )
