"""Sign in and out."""

from __future__ import annotations

import math

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response

from webcare.domain.timeutil import iso
from webcare.server.deps import Ctx, CurrentUser
from webcare.server.schemas import ErrorOut, LoginIn, LoginOut
from webcare.server.services import accounts

router = APIRouter(prefix="/v1/auth", tags=["auth"])


@router.post(
    "/login",
    response_model=LoginOut,
    responses={401: {"model": ErrorOut}, 429: {"model": ErrorOut}},
)
async def login(body: LoginIn, request: Request, ctx: Ctx) -> JSONResponse | LoginOut:
    """Exchange a username and password for a bearer token."""
    assert ctx.user_throttle is not None
    assert ctx.ip_throttle is not None
    user_key = f"user:{body.username.strip().lower()}"
    ip_key = f"ip:{request.client.host if request.client else '?'}"
    wait = max(ctx.user_throttle.retry_after(user_key), ctx.ip_throttle.retry_after(ip_key))
    if wait > 0:
        return JSONResponse(
            {
                "error": "too_many_attempts",
                "message": f"Too many failed sign-ins. Try again in {math.ceil(wait)} seconds.",
            },
            status_code=429,
            headers={"Retry-After": str(math.ceil(wait))},
        )
    now = ctx.now()
    user_id = await run_in_threadpool(
        accounts.authenticate, ctx.db, body.username, body.password, now
    )
    if user_id is None:
        ctx.user_throttle.failed(user_key)
        ctx.ip_throttle.failed(ip_key)
        return JSONResponse(
            {"error": "bad_credentials", "message": "Wrong username or password."},
            status_code=401,
        )
    ctx.user_throttle.succeeded(user_key)
    label = body.client_name or request.headers.get("user-agent", "")
    token = await run_in_threadpool(
        accounts.issue_token, ctx.db, user_id, now, ctx.config.token_ttl_s, label
    )
    user = await run_in_threadpool(_load_user, ctx, user_id, now)
    return LoginOut.model_validate(
        {"token": token, "expires_at": iso(now + ctx.config.token_ttl_s), "user": user}
    )


def _load_user(ctx: Ctx, user_id: int, now: float) -> dict[str, object]:
    with ctx.db.read() as conn:
        return accounts.get_user(conn, user_id, now)


@router.post("/logout", status_code=204, responses={401: {"model": ErrorOut}})
def logout(user: CurrentUser, ctx: Ctx) -> Response:
    """End this token's session (other sessions of the account stay)."""
    accounts.revoke_token(ctx.db, user, ctx.now())
    return Response(status_code=204)
