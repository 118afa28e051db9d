"""Reports for team leads and admins, and the audit trail."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query

from webcare.domain.errors import ValidationError
from webcare.reports.response_times import GroupBy
from webcare.server.deps import Ctx, LeadUser
from webcare.server.schemas import ErrorOut
from webcare.server.services import audit
from webcare.server.services import reports as report_service

router = APIRouter(prefix="/v1", tags=["reports"])


def _ts(value: datetime | None) -> float | None:
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.timestamp()


@router.get(
    "/reports/response-times",
    responses={403: {"model": ErrorOut}, 422: {"model": ErrorOut}},
)
def response_times(
    user: LeadUser,
    ctx: Ctx,
    by: Annotated[GroupBy, Query()] = GroupBy.AGENT,
    since: Annotated[datetime | None, Query(description="ISO 8601; naive = UTC")] = None,
    until: Annotated[datetime | None, Query(description="ISO 8601, exclusive")] = None,
    sla_s: Annotated[float | None, Query(gt=0, le=365 * 86400)] = None,
    channel_id: Annotated[int | None, Query(ge=1, le=2**62)] = None,
    include_mentions: Annotated[bool, Query()] = False,
) -> dict[str, Any]:
    """First response and resolution times: median, p90 and count, overall and per group;
    SLA breaches against ``sla_s`` (default: the server's target)."""
    start, end = _ts(since), _ts(until)
    if start is not None and end is not None and end <= start:
        raise ValidationError("'until' must be after 'since'.")
    report = report_service.response_times(
        ctx.db,
        by=by,
        sla_s=sla_s if sla_s is not None else ctx.config.sla_first_response_s,
        now=ctx.now(),
        since=start,
        until=end,
        channel_id=channel_id,
    )
    return report.as_dict(include_mentions=include_mentions)


@router.get("/audit", responses={403: {"model": ErrorOut}})
def audit_log(
    user: LeadUser,
    ctx: Ctx,
    entity: Annotated[str | None, Query(max_length=40)] = None,
    entity_id: Annotated[str | None, Query(max_length=100)] = None,
    actor_id: Annotated[int | None, Query(ge=1, le=2**62)] = None,
    action: Annotated[str | None, Query(max_length=60)] = None,
    before_id: Annotated[int | None, Query(ge=1, le=2**62)] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> list[dict[str, Any]]:
    """Who did what, newest first. Page with ``before_id`` = the last id you got."""
    with ctx.db.read() as conn:
        return audit.query(
            conn,
            entity=entity,
            entity_id=entity_id,
            actor_id=actor_id,
            action=action,
            before_id=before_id,
            limit=limit,
        )
