"""Health and channels."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from webcare import __version__
from webcare.domain.wire import ChannelRecord
from webcare.server import changes, serialize
from webcare.server.deps import Ctx, CurrentUser
from webcare.server.schemas import ErrorOut, HealthOut

router = APIRouter(prefix="/v1", tags=["misc"])


@router.get("/health", response_model=HealthOut)
def health(ctx: Ctx) -> dict[str, Any]:
    """Liveness and database identity (no sign-in needed)."""
    with ctx.db.read() as conn:
        return {"status": "ok", "version": __version__, "db_id": changes.db_id(conn)}


@router.get("/channels", response_model=list[dict[str, Any]], responses={401: {"model": ErrorOut}})
def list_channels(user: CurrentUser, ctx: Ctx) -> list[ChannelRecord]:
    with ctx.db.read() as conn:
        return serialize.all_of(conn, "channel", ctx.now())
