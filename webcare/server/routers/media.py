"""Media files: download a mention's file or an attached image; upload an image for a reply.

Files are served as what their bytes are (the type was sniffed when they were kept), never as
what a platform claimed, with ``X-Content-Type-Options: nosniff`` and a sandboxing
``Content-Security-Policy``: a browser or viewer never runs them as a page. Everything but an
image is ``Content-Disposition: attachment``. A file's content never changes under its id, so
it carries its SHA-256 as ``ETag`` and may be cached privately for a year.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse, JSONResponse, Response

from webcare.domain import media as rules
from webcare.domain.errors import NotFoundError
from webcare.server.deps import Ctx, CurrentUser
from webcare.server.schemas import ErrorOut, MediaOut, PathId
from webcare.server.services import media

router = APIRouter(prefix="/v1/media", tags=["media"])

#: What the answer of a file says to browsers and viewers, whatever the file.
SAFE_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'; sandbox",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Referrer-Policy": "no-referrer",
}


_IMAGE_BODY = {
    mime: {"schema": {"type": "string", "format": "binary"}}
    for mime in ("image/jpeg", "image/png", "image/gif", "image/webp")
}


def _disposition(kind: str, mime: str, filename: str | None, media_id: int) -> str:
    inline = kind in ("image", "sticker") and mime.startswith("image/")
    name = filename or f"media-{media_id}"
    ascii_name = "".join(c if c.isascii() and c.isprintable() and c not in '"\\' else "_"
                         for c in name)  # fmt: skip
    return (
        f'{"inline" if inline else "attachment"}; filename="{ascii_name}";'
        f" filename*=UTF-8''{quote(name, safe='')}"
    )


@router.get(
    "/{media_id}",
    response_class=Response,
    responses={
        200: {"content": {"application/octet-stream": {}}, "description": "The file"},
        304: {"description": "Not modified (If-None-Match)"},
        404: {"model": ErrorOut, "description": "No such file, or not (yet) kept"},
    },
)
def get_media(media_id: PathId, request: Request, user: CurrentUser, ctx: Ctx) -> Response:
    """A kept file, for any signed-in role: a mention's, or an image attached to a reply."""
    with ctx.db.read() as conn:
        row = media.load_visible(conn, media_id, user.id)
    if row["state"] != "stored" or not row["sha256"]:
        why = row["error"] or "it has not been downloaded from the platform yet"
        raise NotFoundError(f"File {media_id} is not available: {why}")
    etag = f'"{row["sha256"]}"'
    headers = {
        **SAFE_HEADERS,
        "ETag": etag,
        "Cache-Control": "private, max-age=31536000, immutable",
        "Content-Disposition": _disposition(row["kind"], row["mime"], row["filename"], media_id),
    }
    wanted = request.headers.get("if-none-match", "")
    if etag in {t.strip() for t in wanted.split(",")} or wanted.strip() == "*":
        return Response(status_code=304, headers=headers)
    path = ctx.media.path(row["sha256"])
    if not path.is_file():
        raise NotFoundError(f"File {media_id} is missing on the server; ask your admin.")
    return FileResponse(path, media_type=row["mime"], headers=headers)


@router.post(
    "",
    status_code=201,
    response_model=MediaOut,
    responses={
        200: {"model": MediaOut, "description": "The same image was uploaded before: its id"},
        413: {"model": ErrorOut, "description": "Over the server's media_max_bytes"},
        422: {"model": ErrorOut, "description": "Not a JPEG, PNG, GIF or WebP image"},
    },
    openapi_extra={"requestBody": {"required": True, "content": _IMAGE_BODY}},
)
async def upload_media(
    request: Request,
    user: CurrentUser,
    ctx: Ctx,
    filename: Annotated[str | None, Query(max_length=200)] = None,
    caption: Annotated[str | None, Query(max_length=1500)] = None,
) -> Any:
    """Upload an image (the raw bytes as the body, its type as ``Content-Type``) to attach to
    a reply with ``media_ids``. Only its uploader can attach it. Idempotent by content."""
    limit = ctx.config.media_max_bytes
    chunks: list[bytes] = []
    seen = 0
    async for chunk in request.stream():
        seen += len(chunk)
        if seen > limit:  # (the body limit stops it before; this is the second fence)
            return JSONResponse(
                {"error": "body_too_large", "message": rules.too_large(None, limit).message},
                status_code=413,
            )
        chunks.append(chunk)
    data = b"".join(chunks)
    claimed = request.headers.get("content-type")
    try:
        item, new = await run_in_threadpool(
            media.upload, ctx.db, ctx.media, user.id, data, claimed=claimed, filename=filename,
            caption=caption, limit=limit, now=ctx.now(),
        )  # fmt: skip
    except media.UploadRefused as exc:
        status = 413 if exc.reason == "too_large" else 422
        code = "body_too_large" if status == 413 else "invalid"
        return JSONResponse({"error": code, "message": exc.message}, status_code=status)
    return JSONResponse(item, status_code=201 if new else 200)
