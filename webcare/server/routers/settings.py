"""Team settings (leads read, admins write)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, Field

from webcare.server.deps import AdminUser, Ctx, CurrentUser, LeadUser
from webcare.server.schemas import ErrorOut, PriorityRulesIn, TextIn
from webcare.server.services import settings

router = APIRouter(prefix="/v1", tags=["settings"])
_ERRORS: dict[int | str, dict[str, Any]] = {403: {"model": ErrorOut}, 422: {"model": ErrorOut}}


class BusinessHoursIn(TextIn):
    timezone: str = Field(min_length=1, max_length=64)
    weekly: dict[str, list[list[str]]] = Field(default_factory=dict)
    holidays: list[str] = Field(default_factory=list, max_length=366)


class SlaTargetsIn(TextIn):
    low: float = Field(gt=0, le=1e7)
    normal: float = Field(gt=0, le=1e7)
    high: float = Field(gt=0, le=1e7)
    urgent: float = Field(gt=0, le=1e7)


class AutoAckIn(TextIn):
    enabled: bool
    template_id: int | None = Field(default=None, ge=1, le=2**62)


@router.get("/settings", responses=_ERRORS)
def get_settings(user: LeadUser, ctx: Ctx) -> dict[str, Any]:
    """Business hours, SLA targets per priority (seconds), out-of-hours acknowledgement."""
    return settings.all_settings(ctx.db)


class BusinessHoursOut(BaseModel):
    timezone: str
    weekly: dict[str, list[list[str]]]
    holidays: list[str]


@router.get("/business-hours", response_model=BusinessHoursOut)
def get_business_hours(user: CurrentUser, ctx: Ctx) -> dict[str, Any]:
    """The team's opening hours and time zone, for every signed-in role (a snooze's "tomorrow
    9:00" and "next business day" are the team's, computed by the client)."""
    return settings.team_hours(ctx.db)


@router.put("/settings/business-hours", responses=_ERRORS)
def put_business_hours(body: BusinessHoursIn, user: AdminUser, ctx: Ctx) -> dict[str, Any]:
    """Opening hours per weekday (local times, e.g. [["08:00", "22:00"]]), holidays."""
    settings.set_business_hours(ctx.db, user, body.model_dump(), ctx.now())
    return settings.all_settings(ctx.db)


@router.put("/settings/sla-targets", responses=_ERRORS)
def put_sla_targets(body: SlaTargetsIn, user: AdminUser, ctx: Ctx) -> dict[str, Any]:
    """First-response targets in seconds per priority (e.g. urgent within 900)."""
    settings.set_sla_targets(ctx.db, user, body.model_dump(), ctx.now())
    return settings.all_settings(ctx.db)


@router.put("/settings/auto-ack", responses=_ERRORS)
def put_auto_ack(body: AutoAckIn, user: AdminUser, ctx: Ctx) -> dict[str, Any]:
    """Send a template automatically to mentions that arrive outside business hours."""
    settings.set_auto_ack(ctx.db, user, body.enabled, body.template_id, ctx.now())
    return settings.all_settings(ctx.db)


@router.put("/settings/priority-rules", responses=_ERRORS)
def put_priority_rules(body: PriorityRulesIn, user: AdminUser, ctx: Ctx) -> dict[str, Any]:
    """Influencer threshold, keyword rules (``opzeg*``) and negative words for new mentions."""
    settings.set_priority_rules(ctx.db, user, body.model_dump(), ctx.now())
    return settings.all_settings(ctx.db)
