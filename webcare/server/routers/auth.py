"""Sign in and out."""

from __future__ import annotations

import math

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response

from webcare.domain.timeutil import iso
from webcare.domain.wire import UserRecord
from webcare.server.deps import Ctx, CurrentUser
from webcare.server.schemas import ErrorOut, LoginIn, LoginOut
from webcare.server.services import accounts
from webcare.server.services.login_throttle import Attempt

router = APIRouter(prefix="/v1/auth", tags=["auth"])


@router.post(
    "/login",
    response_model=LoginOut,
    responses={401: {"model": ErrorOut}, 429: {"model": ErrorOut}},
)
async def login(body: LoginIn, request: Request, ctx: Ctx) -> JSONResponse | LoginOut:
    """Exchange a username and password for a bearer token.

    Throttled (``429`` with ``Retry-After``) per user name and address, per address, and per
    user name; a ``device_id`` that signed in to the account before is held only to its own
    failures.
    """
    now = ctx.now()
    address = request.client.host if request.client else "?"
    attempt = await run_in_threadpool(
        ctx.throttle.begin, body.username, address, body.device_id, now
    )
    if not isinstance(attempt, Attempt):
        wait = math.ceil(attempt)
        return JSONResponse(
            {
                "error": "too_many_attempts",
                "message": f"Too many failed sign-ins. Try again in {wait} seconds.",
            },
            status_code=429,
            headers={"Retry-After": str(wait)},
        )
    user_id = await run_in_threadpool(
        accounts.authenticate, ctx.db, body.username, body.password, now
    )
    if user_id is None:  # the attempt's rows stay: they are the failure
        return JSONResponse(
            {"error": "bad_credentials", "message": "Wrong username or password."},
            status_code=401,
        )
    await run_in_threadpool(ctx.throttle.succeeded, attempt, user_id, now)
    label = body.client_name or request.headers.get("user-agent", "")
    token = await run_in_threadpool(
        accounts.issue_token, ctx.db, user_id, now, ctx.config.token_ttl_s, label
    )
    user = await run_in_threadpool(_load_user, ctx, user_id, now)
    return LoginOut.model_validate(
        {"token": token, "expires_at": iso(now + ctx.config.token_ttl_s), "user": user}
    )


def _load_user(ctx: Ctx, user_id: int, now: float) -> UserRecord:
    with ctx.db.read() as conn:
        return accounts.get_user(conn, user_id, now)


@router.post("/logout", status_code=204, responses={401: {"model": ErrorOut}})
def logout(user: CurrentUser, ctx: Ctx) -> Response:
    """End this token's session (other sessions of the account stay)."""
    accounts.revoke_token(ctx.db, user, ctx.now())
    ctx.presence.forget(user.id)  # offline at once (another client of theirs says otherwise soon)
    return Response(status_code=204)
