"""A fake Bluesky PDS for the connector tests: real HTTP on 127.0.0.1, documented XRPC shapes.

What the connector uses of the AT Protocol (docs.bsky.app): ``createSession`` and
``refreshSession`` (access tokens that can be made to expire: 400 ``ExpiredToken``),
``listNotifications`` (newest first, an opaque ``cursor`` going back in time),
``getProfiles`` (at most 25 actors), ``getPosts``, ``createRecord`` (record keys are unique; a
taken key answers 500 like the reference PDS, or 400 with the error named by ``duplicate_error``:
``RecordAlreadyExists`` as the createRecord lexicon now names it, ``InvalidRequest`` as other
PDSes say it, both with "Record already exists: <collection>/<rkey>"; a post's text is held to
the lexicon's 300 graphemes and 3000 UTF-8 bytes) and ``getRecord`` (400 ``RecordNotFound``;
``stale_reads`` makes the next reads miss a record, like a replica behind the primary). Errors
are XRPC's ``{"error", "message"}``. Blobs: ``uploadBlob`` (raw body, its ``Content-Type``;
the blob ref of the lexicon) and ``com.atproto.sync.getBlob`` (the bytes, served as the type the
uploader claimed; 400 ``BlobNotFound``); a post may embed images (``app.bsky.embed.images``,
each at most 1,000,000 bytes). Every answer carries ``RateLimit-Limit/Remaining/Reset``
(reset in epoch seconds).

The server machinery (threads, injected failures, lost acks) is :class:`FakePlatform`.
"""

from __future__ import annotations

import hashlib
import itertools
import re
import time
from collections.abc import Callable
from typing import Any

import regex

from tests.support.fakes.mastodon import FakePlatform, Request, Response, iso

POST = "app.bsky.feed.post"
_S32 = "234567abcdefghijklmnopqrstuvwxyz"
_TID = re.compile(r"^[234567abcdefghij][234567abcdefghijklmnopqrstuvwxyz]{12}$")


def _xrpc_error(status: int, error: str, message: str) -> Response:
    return Response(status, {"error": error, "message": message})


class FakeBluesky(FakePlatform):
    """One PDS with the brand's account and whoever mentions it."""

    name = "bluesky"

    def __init__(
        self,
        handle: str = "brand.bsky.social",
        password: str = "abcd-efgh-ijkl-mnop",
        *,
        clock: Callable[[], float] = time.time,
    ) -> None:
        super().__init__(clock)
        self.handle = handle
        self.password = password
        self.did = "did:plc:brand0000000000000000000"
        self._counter = itertools.count(1)
        self.access_tokens: dict[str, bool] = {}  # token -> still valid
        self.refresh_tokens: dict[str, bool] = {}
        self.create_session_calls = 0
        self.refresh_calls = 0
        #: Notifications, oldest first (any JSON value, to test malformed ones).
        self.notifications: list[Any] = []
        #: Profiles by did.
        self.profiles: dict[str, dict[str, Any]] = {}
        #: Posts anyone made, by uri (for getPosts).
        self.posts: dict[str, dict[str, Any]] = {}
        #: The brand's records by rkey: {"uri", "cid", "value"}.
        self.records: dict[str, dict[str, Any]] = {}
        #: Error name for a taken record key; None = 500 InternalServerError (the real PDS).
        self.duplicate_error: str | None = None
        #: How many of the next getRecord calls do not see records yet (a lagging replica).
        self.stale_reads = 0
        #: Blobs by cid: (bytes, the mime type their uploader claimed).
        self.blobs: dict[str, tuple[bytes, str]] = {}
        self.rate_limit = 3000
        self.rate_remaining = 2999
        self.rate_reset_in = 300
        self._indexed = 0

    # --- test controls -----------------------------------------------------------------------
    def _cid(self, seed: str) -> str:
        return "bafyrei" + hashlib.sha256(seed.encode()).hexdigest()[:52]

    def expire_access_tokens(self) -> None:
        with self.lock:
            for token in self.access_tokens:
                self.access_tokens[token] = False

    def expire_refresh_tokens(self) -> None:
        with self.lock:
            for token in self.refresh_tokens:
                self.refresh_tokens[token] = False

    def add_mention(
        self,
        text: str,
        *,
        handle: str = "jan.bsky.social",
        display_name: str | None = "Jan",
        followers: int = 42,
        reason: str = "mention",
        reply_to: dict[str, Any] | None = None,
        langs: list[str] | None = None,
        created_at: float | None = None,
        indexed_at: float | None = None,
        images: list[tuple[bytes, str, str]] | None = None,
    ) -> dict[str, Any]:
        """A post by ``handle`` and the brand's notification of it (``reason``).

        ``reply_to`` is an earlier notification (or post view) this post answers; ``indexed_at``
        defaults to one second after the previous notification. ``images``: (bytes, claimed
        mime type, alt text) embedded as ``app.bsky.embed.images``.
        """
        with self.lock:
            n = next(self._counter)
            did = "did:plc:" + hashlib.sha256(handle.encode()).hexdigest()[:24]
            profile = {"did": did, "handle": handle, "displayName": display_name}
            self.profiles[did] = {**profile, "followersCount": followers}
            rkey = "3l" + "".join(_S32[(n >> (5 * i)) & 31] for i in reversed(range(11)))
            uri = f"at://{did}/{POST}/{rkey}"
            cid = self._cid(uri)
            if indexed_at is None:
                self._indexed += 1
                indexed_at = self.clock() - 10_000 + self._indexed
            record: dict[str, Any] = {
                "$type": POST,
                "text": text,
                "createdAt": iso(created_at if created_at is not None else indexed_at - 1),
                "langs": langs if langs is not None else ["nl"],
            }
            if images:
                record["embed"] = {
                    "$type": "app.bsky.embed.images",
                    "images": [{"alt": alt, "image": self.add_blob(data, mime)}
                               for data, mime, alt in images],
                }  # fmt: skip
            if reply_to is not None:
                parent = {"uri": reply_to["uri"], "cid": reply_to["cid"]}
                parent_reply = reply_to.get("record", {}).get("reply")
                root = parent_reply["root"] if parent_reply else parent
                record["reply"] = {"root": root, "parent": parent}
            self.posts[uri] = {"uri": uri, "cid": cid, "author": profile, "record": record}
            notification = {
                "uri": uri,
                "cid": cid,
                "author": profile,
                "reason": reason,
                "record": record,
                "isRead": False,
                "indexedAt": iso(indexed_at),
                "labels": [],
            }
            self.notifications.append(notification)
            return notification

    def add_blob(self, data: bytes, mime: str) -> dict[str, Any]:
        """Keep a blob; its ref as the lexicon writes it."""
        with self.lock:
            cid = "bafkrei" + hashlib.sha256(data).hexdigest()[:52]
            self.blobs[cid] = (data, mime)
            return {"$type": "blob", "ref": {"$link": cid}, "mimeType": mime, "size": len(data)}

    def add_notification(self, entry: Any) -> Any:
        with self.lock:
            self.notifications.append(entry)
            return entry

    @property
    def posted(self) -> list[dict[str, Any]]:
        """The brand's post records, in the order they were made."""
        with self.lock:
            return [r["value"] for r in self.records.values()]

    def rate_limit_next(self, reset_in: int, *, path: str | None = None) -> None:
        self.fail_next(
            1,
            429,
            body={"error": "RateLimitExceeded", "message": "Rate Limit Exceeded"},
            headers={
                "RateLimit-Remaining": "0",
                "RateLimit-Reset": str(int(self.clock()) + reset_in),
            },
            path=path,
        )

    # --- serving -----------------------------------------------------------------------------
    def rate_headers(self) -> dict[str, str]:
        return {
            "RateLimit-Limit": str(self.rate_limit),
            "RateLimit-Remaining": str(self.rate_remaining),
            "RateLimit-Reset": str(int(self.clock()) + self.rate_reset_in),
            "RateLimit-Policy": f"{self.rate_limit};w=300",
        }

    def error_body(self, status: int) -> Any:
        if status >= 500:
            return {"error": "InternalServerError", "message": "Internal Server Error"}
        return {"error": "InvalidRequest", "message": f"Error {status}"}

    def _auth(self, request: Request) -> Response | None:
        header = request.headers.get("authorization", "")
        if not header.startswith("Bearer "):
            return _xrpc_error(401, "AuthenticationRequired", "Authentication Required")
        valid = self.access_tokens.get(header[7:])
        if valid is None:
            return _xrpc_error(401, "InvalidToken", "Token could not be verified")
        if not valid:
            return _xrpc_error(400, "ExpiredToken", "Token has expired")
        return None

    def _session(self) -> dict[str, Any]:
        n = next(self._counter)
        access, refresh = f"access-{n}", f"refresh-{n}"
        self.access_tokens[access] = True
        self.refresh_tokens[refresh] = True
        return {
            "accessJwt": access,
            "refreshJwt": refresh,
            "handle": self.handle,
            "did": self.did,
            "active": True,
        }

    def route(self, request: Request) -> Response | None:
        nsid = request.path.removeprefix("/xrpc/")
        with self.lock:
            if nsid == "com.atproto.server.createSession" and request.method == "POST":
                return self._create_session(request)
            if nsid == "com.atproto.server.refreshSession" and request.method == "POST":
                return self._refresh_session(request)
            if nsid == "com.atproto.repo.getRecord" and request.method == "GET":
                return self._get_record(request)  # public: no auth needed
            if nsid == "com.atproto.sync.getBlob" and request.method == "GET":
                blob = self.blobs.get(request.param("cid") or "")
                if blob is None or not (request.param("did") or "").startswith("did:"):
                    return _xrpc_error(400, "BlobNotFound", "Blob not found")
                return Response(200, blob[0], {"Content-Type": blob[1]})
            denied = self._auth(request)
            if denied is not None:
                return denied
            if nsid == "app.bsky.notification.listNotifications" and request.method == "GET":
                return self._list_notifications(request)
            if nsid == "app.bsky.actor.getProfiles" and request.method == "GET":
                return self._get_profiles(request)
            if nsid == "app.bsky.feed.getPosts" and request.method == "GET":
                uris = request.query.get("uris", [])
                return Response(200, {"posts": [self.posts[u] for u in uris if u in self.posts]})
            if nsid == "com.atproto.repo.createRecord" and request.method == "POST":
                return self._create_record(request)
            if nsid == "com.atproto.repo.uploadBlob" and request.method == "POST":
                mime = request.headers.get("content-type", "application/octet-stream")
                return Response(200, {"blob": self.add_blob(request.body, mime)})
        return _xrpc_error(501, "MethodNotImplemented", "Method Not Implemented")

    def _create_session(self, request: Request) -> Response:
        self.create_session_calls += 1
        body = request.json()
        if not isinstance(body, dict):
            return _xrpc_error(400, "InvalidRequest", "Input must be an object")
        if body.get("identifier") not in {self.handle, self.did} or body.get("password") != (
            self.password
        ):
            return _xrpc_error(401, "AuthenticationRequired", "Invalid identifier or password")
        return Response(200, self._session())

    def _refresh_session(self, request: Request) -> Response:
        self.refresh_calls += 1
        token = request.headers.get("authorization", "").removeprefix("Bearer ")
        valid = self.refresh_tokens.get(token)
        if valid is None:
            return _xrpc_error(400, "InvalidToken", "Token could not be verified")
        if not valid:
            return _xrpc_error(400, "ExpiredToken", "Token has been revoked")
        self.refresh_tokens[token] = False  # refresh tokens are single use
        return Response(200, self._session())

    def _list_notifications(self, request: Request) -> Response:
        try:
            limit = int(request.param("limit") or 50)
            cursor = request.param("cursor")
            upper = int(cursor) if cursor else len(self.notifications)
        except ValueError:
            return _xrpc_error(400, "InvalidRequest", "Invalid cursor or limit")
        if not 1 <= limit <= 100:
            return _xrpc_error(400, "InvalidRequest", "limit must be between 1 and 100")
        lower = max(0, upper - limit)
        page = list(reversed(self.notifications[lower:upper]))  # newest first
        body: dict[str, Any] = {"notifications": page, "seenAt": iso(self.clock())}
        if lower > 0:
            body["cursor"] = str(lower)
        return Response(200, body)

    def _get_profiles(self, request: Request) -> Response:
        actors = request.query.get("actors", [])
        if not actors:
            return _xrpc_error(400, "InvalidRequest", "Params must have the property actors")
        if len(actors) > 25:
            return _xrpc_error(
                400, "InvalidRequest", "Error: params/actors must not have more than 25 elements"
            )
        found = [p for p in self.profiles.values() if p["did"] in actors or p["handle"] in actors]
        return Response(200, {"profiles": found})

    def _get_record(self, request: Request) -> Response:
        repo, collection, rkey = (request.param(k) for k in ("repo", "collection", "rkey"))
        uri = f"at://{repo}/{collection}/{rkey}"
        record = self.records.get(rkey or "") if repo in {self.did, self.handle} else None
        if self.stale_reads > 0:
            self.stale_reads -= 1
            record = None
        if record is None or collection != POST:
            return _xrpc_error(400, "RecordNotFound", f"Could not locate record: {uri}")
        return Response(200, record)

    def _create_record(self, request: Request) -> Response | None:
        body = request.json()
        if not isinstance(body, dict):
            return _xrpc_error(400, "InvalidRequest", "Input must be an object")
        if body.get("repo") not in {self.did, self.handle}:
            return _xrpc_error(401, "AuthenticationRequired", "Authentication Required")
        if body.get("collection") != POST:
            return _xrpc_error(400, "InvalidRequest", "Only posts in this fake")
        rkey = body.get("rkey")
        if not isinstance(rkey, str) or not _TID.match(rkey):
            return _xrpc_error(400, "InvalidRequest", f"Invalid record key: {rkey}")
        record = body.get("record")
        problem = self._check_post(record)
        if problem:
            return _xrpc_error(400, "InvalidRecord", f"Invalid {POST} record: {problem}")
        assert isinstance(record, dict)
        if rkey in self.records:
            if self.duplicate_error is None:
                return _xrpc_error(500, "InternalServerError", "Internal Server Error")
            return _xrpc_error(400, self.duplicate_error, f"Record already exists: {POST}/{rkey}")
        uri = f"at://{self.did}/{POST}/{rkey}"
        cid = self._cid(uri + str(record.get("text")))
        self.records[rkey] = {"uri": uri, "cid": cid, "value": record}
        if self.take_lost_ack():
            return None
        return Response(
            200,
            {
                "uri": uri,
                "cid": cid,
                "commit": {"cid": self._cid("commit" + uri), "rev": rkey},
                "validationStatus": "valid",
            },
        )

    def _check_post(self, record: Any) -> str | None:
        if not isinstance(record, dict) or record.get("$type") != POST:
            return "Record/$type must be app.bsky.feed.post"
        text = record.get("text")
        if not isinstance(text, str):
            return "Record must have the property text"
        if len(regex.findall(r"\X", text)) > 300:
            return "Record/text must not be longer than 300 graphemes"
        if len(text.encode()) > 3000:
            return "Record/text must not be longer than 3000 characters"
        if not isinstance(record.get("createdAt"), str):
            return "Record must have the property createdAt"
        embed = record.get("embed")
        if embed is not None:
            images = embed.get("images") if isinstance(embed, dict) else None
            if embed.get("$type") != "app.bsky.embed.images" or not isinstance(images, list):
                return "Record/embed must be app.bsky.embed.images in this fake"
            if len(images) > 4:
                return "Record/embed/images must not have more than 4 elements"
            for image in images:
                link = image.get("image", {}).get("ref", {}).get("$link")
                if not isinstance(image.get("alt"), str) or link not in self.blobs:
                    return "Record/embed/images must have alt and an uploaded image blob"
                if len(self.blobs[link][0]) > 1_000_000:
                    return "Record/embed/images/image must not be larger than 1000000 bytes"
        reply = record.get("reply")
        if reply is not None:
            for part in ("root", "parent"):
                ref = reply.get(part) if isinstance(reply, dict) else None
                if not isinstance(ref, dict) or not all(
                    isinstance(ref.get(k), str) and ref.get(k) for k in ("uri", "cid")
                ):
                    return f"Record/reply/{part} must be a strongRef (uri and cid)"
        return None
