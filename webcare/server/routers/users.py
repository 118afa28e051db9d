"""Accounts: your own, and (admins) everyone's."""

from __future__ import annotations

from fastapi import APIRouter

from webcare.domain.wire import PresenceRecord, UserRecord
from webcare.server import serialize
from webcare.server.deps import AdminUser, Ctx, CurrentUser
from webcare.server.schemas import (
    ErrorOut,
    MePatchIn,
    PathId,
    PresenceOut,
    UserCreateIn,
    UserOut,
    UserPatchIn,
)
from webcare.server.services import accounts

router = APIRouter(prefix="/v1", tags=["users"])


@router.get("/me", response_model=UserOut)
def me(user: CurrentUser, ctx: Ctx) -> UserRecord:
    with ctx.db.read() as conn:
        return accounts.get_user(conn, user.id, ctx.now())


@router.patch("/me", response_model=UserOut, responses={422: {"model": ErrorOut}})
def update_me(body: MePatchIn, user: CurrentUser, ctx: Ctx) -> UserRecord:
    """Your own display name, signature and availability ("available" / "away"). Any role may
    change these for itself; role, password and other accounts are the admin's (``/users``)."""
    return accounts.update_profile(
        ctx.db,
        user,
        now=ctx.now(),
        display_name=body.display_name,
        signature=body.signature,
        availability=body.availability,
    )


@router.get("/presence", response_model=list[PresenceOut])
def presence(user: CurrentUser, ctx: Ctx) -> list[PresenceRecord]:
    """Everyone who can take mentions (enabled, can sign in) and whether they are here:
    ``online``, ``away`` (connected, but said so) or ``offline``; for choosing whom to hand a
    mention to. Any role."""
    return accounts.presence(ctx.db, ctx.presence.last_seen(), ctx.now())


@router.get("/users", response_model=list[UserOut], responses={403: {"model": ErrorOut}})
def list_users(user: AdminUser, ctx: Ctx) -> list[UserRecord]:
    with ctx.db.read() as conn:
        return serialize.all_of(conn, "user", ctx.now())


@router.post(
    "/users",
    response_model=UserOut,
    status_code=201,
    responses={403: {"model": ErrorOut}, 422: {"model": ErrorOut}},
)
def create_user(body: UserCreateIn, user: AdminUser, ctx: Ctx) -> UserRecord:
    now = ctx.now()
    user_id = accounts.create_user(
        ctx.db,
        username=body.username,
        display_name=body.display_name,
        signature=body.signature,
        role=body.role,
        password=body.password,
        now=now,
        actor_id=user.id,
    )
    with ctx.db.read() as conn:
        return accounts.get_user(conn, user_id, now)


@router.patch(
    "/users/{user_id}",
    response_model=UserOut,
    responses={403: {"model": ErrorOut}, 404: {"model": ErrorOut}, 422: {"model": ErrorOut}},
)
def update_user(user_id: PathId, body: UserPatchIn, user: AdminUser, ctx: Ctx) -> UserRecord:
    """Change role, name, signature, password or disable. Disabling signs the account out and
    releases its claims at once."""
    return accounts.update_user(
        ctx.db,
        user_id,
        actor=user,
        now=ctx.now(),
        display_name=body.display_name,
        signature=body.signature,
        role=body.role,
        disabled=body.disabled,
        password=body.password,
    )
