"""Bootstrap and the change feed (long-poll)."""

from __future__ import annotations

import asyncio
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse

from webcare.server import changes
from webcare.server.deps import Ctx, CurrentUser
from webcare.server.schemas import BootstrapOut, BootstrapPageOut, ChangesOut, ErrorOut
from webcare.server.services import sync

router = APIRouter(prefix="/v1", tags=["sync"])


@router.get("/bootstrap", response_model=BootstrapOut)
def bootstrap(user: CurrentUser, ctx: Ctx) -> dict[str, Any]:
    """The cursor to sync from, the small entities, and counts of the big ones.

    The big entities (mentions, contacts, replies, notes) follow page by page from
    ``/v1/bootstrap/{entity}``; pulling ``/v1/changes`` from this cursor afterwards brings the
    client to a consistent state (the feed carries current states, so order does not matter).
    """
    return sync.bootstrap(ctx.db, user.id, ctx.now(), lease_s=ctx.config.lease_s)


@router.get("/bootstrap/{entity}", response_model=BootstrapPageOut)
def bootstrap_page(
    entity: Literal["mentions", "contacts", "replies", "notes"],
    user: CurrentUser,
    ctx: Ctx,
    after: Annotated[int, Query(ge=0, le=2**62)] = 0,
    limit: Annotated[int, Query(ge=1, le=10_000)] = 1000,
) -> dict[str, Any]:
    """One keyset page of a big entity, in storage order. Continue with ``after=next_after``."""
    limit = min(limit, ctx.config.bootstrap_page_max)
    return sync.bootstrap_page(ctx.db, entity, after, limit, ctx.now())


@router.get(
    "/changes",
    response_model=ChangesOut,
    responses={410: {"model": ErrorOut}},
)
async def get_changes(
    user: CurrentUser,
    ctx: Ctx,
    since: Annotated[int, Query(ge=0, le=2**62)],
    limit: Annotated[int, Query(ge=1, le=10_000)] = 500,
    wait: Annotated[float, Query(ge=0, le=300)] = 0,
) -> Any:
    """Changes after cursor ``since``, oldest first; waits up to ``wait`` s for the first one.

    ``410`` means the cursor cannot be served (compacted away, or from another database):
    bootstrap again.
    """
    limit = min(limit, ctx.config.changes_page_max)
    loop = asyncio.get_running_loop()
    deadline = loop.time() + min(wait, ctx.config.long_poll_max_s)

    def read() -> dict[str, Any]:
        return sync.changes_page(ctx.db, since, limit, ctx.now(), user.id)

    while True:
        event = ctx.notifier.current()
        try:
            result = await run_in_threadpool(read)
        except changes.CursorInvalid as exc:
            return JSONResponse(
                {
                    "error": exc.reason,
                    "message": "This cursor can no longer be served; bootstrap again.",
                    "floor": exc.floor,
                    "head": exc.head,
                },
                status_code=410,
            )
        remaining = deadline - loop.time()
        if result["changes"] or remaining <= 0 or ctx.closing:
            return result
        await ctx.notifier.wait(event, remaining)
