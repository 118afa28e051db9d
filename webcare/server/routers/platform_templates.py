"""``GET /v1/channels/{channel_id}/platform-templates``: the platform's approved message
templates of a channel (WhatsApp), which the composer offers once the customer's 24 hours
are over (see ``services/platform_templates.py``). Any signed-in role: agents send them."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from webcare.server.deps import Ctx, CurrentUser
from webcare.server.schemas import ErrorOut, PathId

router = APIRouter(prefix="/v1", tags=["channels"])


@router.get("/channels/{channel_id}/platform-templates", responses={404: {"model": ErrorOut}})
def platform_templates(
    channel_id: PathId, user: CurrentUser, ctx: Ctx, refresh: bool = False
) -> dict[str, Any]:
    """The channel's approved templates that can be sent from Webcare (``templates``: name,
    language, category, header, body with its ``{{placeholders}}``, footer, buttons, and the
    ``parameters`` to fill in, each with its example), those that cannot (``unsupported``,
    with the reason), when they were read, and the platform's error if the last read failed.
    ``available`` is false for a channel without templates. ``refresh`` reads them again
    (at most every 30 s); otherwise they are kept 10 minutes."""
    return ctx.platform_templates.get(channel_id, refresh=refresh)
