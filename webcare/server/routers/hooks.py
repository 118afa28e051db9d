"""The push receiver's routes: ``GET|POST /v1/hooks/{channel_id}`` (Meta webhooks, Telegram's
webhook). No token: the platform authenticates each delivery (see ``services/push.py``)."""

from __future__ import annotations

from urllib.parse import parse_qsl

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, PlainTextResponse

from webcare.server.deps import Ctx
from webcare.server.schemas import ErrorOut

router = APIRouter(prefix="/v1", tags=["hooks"])

#: What every unauthenticated delivery hears, whether its channel exists or not.
NOT_AUTHENTICATED = (
    "The delivery is not signed by the platform for this channel (check the app secret)."
)


def _channel_id(raw: str) -> int | None:
    """A channel id from the path; anything else is an unknown channel (answered alike)."""
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 12 else None


@router.get(
    "/hooks/{channel_id}",
    # the platform reads the challenge as plain text; the other errors stay JSON
    responses={
        200: {"content": {"text/plain": {"schema": {"type": "string"}}}},
        403: {
            "content": {"text/plain": {"schema": {"type": "string"}}},
            "description": "The verify token is not the channel's (alike for every channel)",
        },
    },
)
async def verify_subscription(channel_id: str, request: Request, ctx: Ctx) -> PlainTextResponse:
    """The platform's subscription handshake (Meta: ``hub.mode=subscribe``,
    ``hub.verify_token``, ``hub.challenge``): the challenge is echoed as plain text when the
    verify token is the channel's; otherwise ``403``, alike for every channel."""
    # the raw query string: names with dots stay as they are ("hub.mode")
    params = dict(parse_qsl(request.url.query, keep_blank_values=True))
    answer = await run_in_threadpool(ctx.push.verify, _channel_id(channel_id), params)
    if answer is None:
        return PlainTextResponse("The verify token does not match.", status_code=403)
    return PlainTextResponse(answer, status_code=200)


@router.post("/hooks/{channel_id}", responses={401: {"model": ErrorOut}})
async def receive_push(channel_id: str, request: Request, ctx: Ctx) -> JSONResponse:
    """One delivery from the platform. Authenticated (Meta: ``X-Hub-Signature-256``), it is
    stored as it came and answered ``200`` at once; parsing happens afterwards, so bad content
    is never a 5xx (it is kept, marked failed with its reason, for the admin). Unauthenticated:
    ``401`` and nothing stored, alike for every channel."""
    body = await request.body()
    headers = {k.lower(): v for k, v in request.headers.items()}
    stored = await run_in_threadpool(ctx.push.receive, _channel_id(channel_id), headers, body)
    if not stored:
        return JSONResponse(
            {"error": "unauthorized", "message": NOT_AUTHENTICATED}, status_code=401
        )
    return JSONResponse({"received": True}, status_code=200)
