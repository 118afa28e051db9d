"""Channels: connectors and their settings (admins), the signed webhook, delivery retries."""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from typing import Annotated, Any

from fastapi import APIRouter, Header, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from pydantic import Field

from webcare.channels import registry, webhook
from webcare.domain.errors import AuthError, ConflictError, NotFoundError
from webcare.domain.wire import ChannelRecord, ReplyRecord
from webcare.server import serialize
from webcare.server.deps import AdminUser, Ctx, CurrentUser
from webcare.server.schemas import ErrorOut, PathId, TextIn
from webcare.server.services import channels as service
from webcare.server.services import delivery, ingest

router = APIRouter(prefix="/v1", tags=["channels"])
_ERRORS: dict[int | str, dict[str, Any]] = {
    403: {"model": ErrorOut},
    404: {"model": ErrorOut},
    422: {"model": ErrorOut},
}
_NAME = Field(min_length=1, max_length=120)


class ChannelCreateIn(TextIn):
    connector: str = Field(min_length=1, max_length=40)
    name: str = _NAME
    brand: str = Field(default="", max_length=120)
    handle: str = Field(default="", max_length=200)
    config: dict[str, Any] = Field(default_factory=dict)
    secrets: dict[str, str | None] = Field(default_factory=dict)
    interval_s: float | None = Field(default=None, ge=1, le=86_400)
    enabled: bool = True


class ChannelPatchIn(TextIn):
    enabled: bool | None = None
    name: str | None = Field(default=None, min_length=1, max_length=120)
    brand: str | None = Field(default=None, max_length=120)
    handle: str | None = Field(default=None, max_length=200)
    connector: str | None = Field(default=None, min_length=1, max_length=40)
    config: dict[str, Any] | None = None
    secrets: dict[str, str | None] | None = None
    interval_s: float | None = Field(default=None, ge=1, le=86_400)


def _channel(ctx: Ctx, channel_id: int) -> ChannelRecord:
    with ctx.db.read() as conn:
        data = serialize.load_one(conn, "channel", channel_id, ctx.now())
    if data is None:
        raise NotFoundError(f"There is no channel with id {channel_id}.")
    return data


@router.get("/connectors", responses=_ERRORS)
def list_connectors(user: AdminUser) -> list[dict[str, Any]]:
    """Every kind of connector, with the settings an admin fills in for it."""
    return [service.spec_json(kind) for kind in registry.kinds()]


@router.post("/channels", status_code=201, responses={**_ERRORS, 409: {"model": ErrorOut}})
def create_channel(body: ChannelCreateIn, user: AdminUser, ctx: Ctx) -> dict[str, Any]:
    """Add a channel. A webhook channel gets a signing secret, returned here once only."""
    channel_id, generated = service.create(
        ctx.db, user.id, connector=body.connector, name=body.name.strip(), brand=body.brand,
        handle=body.handle, config=body.config, secrets=body.secrets,
        interval_s=body.interval_s, enabled=body.enabled, now=ctx.now(),
    )  # fmt: skip
    if ctx.runner is not None:
        ctx.runner.wake()
    return {**_channel(ctx, channel_id), "generated_secrets": generated}


@router.get("/channels/{channel_id}/config", responses=_ERRORS)
def channel_config(channel_id: PathId, user: AdminUser, ctx: Ctx) -> dict[str, Any]:
    """The channel's settings; secrets only as the names of those that are set."""
    with ctx.db.read() as conn:
        return service.config_of(conn, channel_id)


@router.patch(
    "/channels/{channel_id}",
    response_model=dict[str, Any],
    responses={**_ERRORS, 409: {"model": ErrorOut}},
)
def patch_channel(
    channel_id: PathId, body: ChannelPatchIn, user: AdminUser, ctx: Ctx
) -> ChannelRecord:
    """Switch a channel on or off, rename it, change its connector, settings or secrets."""
    fields = body.model_dump(exclude_unset=True)
    service.update(ctx.db, user.id, channel_id, now=ctx.now(), **fields)
    if ctx.runner is not None:
        ctx.runner.wake()
    return _channel(ctx, channel_id)


@router.post("/channels/{channel_id}/fetch", status_code=202, responses=_ERRORS)
def fetch_now(channel_id: PathId, user: AdminUser, ctx: Ctx) -> dict[str, Any]:
    """Fetch this channel at once instead of at its next turn."""
    service.fetch_now(ctx.db, user.id, channel_id, ctx.now())
    if ctx.runner is not None:
        ctx.runner.wake()
    return {"queued": True}


@router.post(
    "/replies/{reply_id}/retry",
    response_model=dict[str, Any],
    responses={**_ERRORS, 409: {"model": ErrorOut}},
)
def retry_delivery(
    reply_id: Annotated[str, Field(min_length=1, max_length=120)], user: CurrentUser, ctx: Ctx
) -> ReplyRecord:
    """Try a failed delivery again (its author, or a lead). It is looked up before re-posting."""
    return delivery.retry(ctx.db, user, reply_id, ctx.now())


#: Signs the requests for channels that do not exist (or have no secret), so that they cost
#: what a wrong signature for a real channel costs.
_DUMMY_SECRET = secrets.token_hex(32)
#: What every unauthenticated request hears, whether its channel exists or not.
_NOT_SIGNED = (
    "The signature does not match: sign the request with the signing secret of the webhook"
    " channel in the URL."
)


def _signed(
    stamp: str | None, signature: str | None, now: float, window_s: float
) -> tuple[str, str]:
    """The signed request's headers, checked before anything about the channel is known."""
    if not stamp or not signature:
        raise AuthError("Sign the request: X-Webcare-Timestamp and X-Webcare-Signature.")
    # whole unix seconds in ASCII digits only: "nan", "1e9", "+5" or "١٢" never pass
    if not (stamp.isascii() and stamp.isdigit() and len(stamp) <= 12):
        raise AuthError("X-Webcare-Timestamp must be whole unix seconds (digits only).")
    if abs(now - int(stamp)) > window_s:
        raise AuthError(f"The timestamp is outside the {window_s:.0f} s replay window.")
    return stamp, signature.strip()


def _bad_json(message: str) -> JSONResponse:
    return JSONResponse({"error": "malformed_json", "message": message}, status_code=400)


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


@router.post(
    "/ingest/{channel_id}",
    status_code=202,
    responses={400: {"model": ErrorOut}, 401: {"model": ErrorOut}, 409: {"model": ErrorOut},
               422: {"model": ErrorOut}},
)  # fmt: skip
async def webhook_ingest(
    channel_id: PathId,
    request: Request,
    ctx: Ctx,
    x_webcare_timestamp: Annotated[str | None, Header()] = None,
    x_webcare_signature: Annotated[str | None, Header()] = None,
) -> JSONResponse:
    """Push mentions into a webhook channel.

    Sign the raw body: ``X-Webcare-Timestamp: <unix seconds>`` and ``X-Webcare-Signature:
    sha256=<hex HMAC-SHA256 of "<timestamp>.<body>" with the channel's signing secret>``. A
    timestamp outside the replay window is refused; a replayed request inside it changes
    nothing, because mentions are unique per channel and id. Until the signature is right, an
    unknown channel is answered exactly like a wrong signature (``401``).
    """
    body = await request.body()
    now = ctx.now()
    stamp, signature = _signed(
        x_webcare_timestamp, x_webcare_signature, now, ctx.config.webhook_window_s
    )

    row, secret = await run_in_threadpool(service.webhook_signing, ctx.db, channel_id)
    known = row is not None and bool(secret)
    expected = "sha256=" + webhook.sign(secret if known and secret else _DUMMY_SECRET, stamp, body)
    matches = hmac.compare_digest(expected.encode(), signature.encode())
    if not (matches and known) or row is None:  # (known says row is not None)
        raise AuthError(_NOT_SIGNED)
    if not row["enabled"]:
        raise ConflictError("This channel is switched off.")
    try:
        payload = json.loads(body, parse_constant=_no_constant)
    except RecursionError:
        return _bad_json("The body is nested too deeply.")
    except (ValueError, UnicodeDecodeError):
        return _bad_json("The body is not valid UTF-8 JSON.")
    batch = webhook.parse_payload(service.info_of(row), payload, now)
    stats = await run_in_threadpool(
        lambda: ingest.ingest(ctx.db, batch, now, history=False, channel_id=channel_id)
    )
    digest = hashlib.sha256(body).hexdigest()[:16]
    return JSONResponse(
        {"accepted": stats.mentions_new, "known": stats.mentions_known,
         "skipped": batch.skipped, "digest": digest},
        status_code=202,
    )  # fmt: skip
