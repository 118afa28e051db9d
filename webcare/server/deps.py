"""FastAPI dependencies: the server context, the signed-in user, role checks."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from webcare.domain.errors import AuthError, PermissionDenied
from webcare.domain.models import Role
from webcare.server.context import ServerContext
from webcare.server.services import accounts
from webcare.server.services.accounts import AuthUser

_bearer = HTTPBearer(auto_error=False, description="The token from POST /v1/auth/login")


async def get_ctx(request: Request) -> ServerContext:
    # async: no I/O here, and a sync dependency costs a hop to the thread pool per request
    ctx: ServerContext = request.app.state.ctx
    return ctx


Ctx = Annotated[ServerContext, Depends(get_ctx)]


async def current_user(
    ctx: Ctx,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> AuthUser:
    if credentials is None:
        raise AuthError("Sign in first: this request carried no token.")
    # On the event loop, not the thread pool: one indexed read on this thread's own connection
    # (WAL readers never wait for the writer) costs less than the hop to a worker thread.
    user = accounts.resolve_token(ctx.db, credentials.credentials, ctx.now())
    if user is None:
        raise AuthError("Your session has ended (expired, signed out or disabled). Sign in again.")
    ctx.presence.seen(user.id, ctx.now())
    return user


CurrentUser = Annotated[AuthUser, Depends(current_user)]


def require(role: Role) -> Callable[[AuthUser], Coroutine[Any, Any, AuthUser]]:
    """A dependency that lets only ``role`` and stronger roles through."""

    async def check(user: CurrentUser) -> AuthUser:
        if not user.role.at_least(role):
            raise PermissionDenied(f"This needs the {role.value} role; you are {user.role.value}.")
        return user

    return check


LeadUser = Annotated[AuthUser, Depends(require(Role.LEAD))]
AdminUser = Annotated[AuthUser, Depends(require(Role.ADMIN))]
