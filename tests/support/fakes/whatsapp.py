"""A fake WhatsApp Cloud API (one business number of one WhatsApp Business account) and its
webhooks, on 127.0.0.1: the Graph fake (``tests/support/fakes/graph.py``: token handling, the
error envelope, usage headers, the signed webhook sender with retries) plus what
/work/notes/platforms.md collects about the Cloud API:

* **Webhooks** (object ``whatsapp_business_account``, field ``messages``): a customer's message
  comes as ``entry[].changes[].value`` with ``metadata.phone_number_id``, ``contacts`` (profile
  name, ``wa_id``, BSUID ``user_id``) and ``messages`` (``timestamp`` a *string* of seconds);
  types text, image, sticker, audio (voice), video, document, reaction, location, contacts,
  button, interactive and unsupported. Statuses come with no message: ``sent`` (with our
  ``biz_opaque_callback_data`` and ``pricing``) right after a send, ``delivered`` / ``read`` /
  ``failed`` (``errors[]``) when a test says, in any order, twice if asked. Several messages
  and statuses go out as one delivery inside :meth:`FakeWhatsApp.batched`.
* **Sending** ``POST /{phone-number-id}/messages``: ``messaging_product: whatsapp``, ``to``
  (``+`` and the country code) or ``recipient`` (a BSUID); text ≤ 4096 (else 100); a free-form
  message more than 24 h after the customer's last message fails with **131047**, by default
  *asynchronously* (200, then a ``failed`` status, as practitioners report) or at once
  (:attr:`FakeWhatsApp.outside_window` ``"sync"``); templates must exist in that language and be
  approved (else **132001**, HTTP 404), with as many parameters as the body has (else **132000**)
  of the right kind (named / positional, else **132012**). A lost answer
  (``lose_next_ack``) sends the message, then closes the connection.
* **Sending an image**: ``POST /{phone-number-id}/media`` takes ``multipart/form-data``
  (:func:`~tests.support.fakes.multipart.form_parts`) with ``messaging_product: whatsapp``,
  ``type`` and ``file`` and answers ``{"id": …}``; a type that is not on the "Supported media
  types" list is **100** ("Param file must be a file with one of the following types …"), an
  image over 5 MB or whose bytes are not what ``type`` says is **131053** (Media upload error).
  Uploads are kept (:attr:`FakeWhatsApp.uploads`) and their ids are media ids the ``messages``
  endpoint takes: ``type: image`` with ``image.id`` (a media id the number uploaded, else 100)
  and an optional ``caption`` of at most 1024 characters (else 100); window, statuses and lost
  answers as for text.
* **Templates** ``GET /{waba-id}/message_templates`` (``status`` filter, paged).
* **Media** ``GET /{media-id}`` → ``url`` (valid 5 minutes, then 404) → the file, only with the
  token; a file can claim another type than its bytes, or be larger than it says; the address
  can be on another host, the download a redirect elsewhere or sent without Content-Length.
* **Errors**: a dead token is 190 with HTTP 401, rate limits 130429 (HTTP 429) and 131056 with
  ``error_data.details``.
"""

from __future__ import annotations

import base64
import itertools
import re
import secrets
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from tests.support.fakes.graph import FakeGraph, error
from tests.support.fakes.mastodon import Request, Response, Streamed
from tests.support.fakes.multipart import Part, form_parts, is_multipart

PHONE_NUMBER_ID = "106540352242922"
WABA_ID = "102290129340398"
DISPLAY_NUMBER = "15550783881"
TEXT_LIMIT = 4096
CAPTION_LIMIT = 1024
IMAGE_MAX = 5 * 1024 * 1024
#: "Supported media types" of the Cloud API (what ``POST /{phone-number-id}/media`` takes).
MEDIA_TYPES = (
    "audio/aac", "audio/amr", "audio/mpeg", "audio/mp4", "audio/ogg", "text/plain",
    "application/vnd.ms-excel",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "application/msword",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.ms-powerpoint",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "application/pdf", "image/jpeg", "image/png", "image/webp", "video/3gpp", "video/mp4",
)  # fmt: skip
_MAGIC = {"image/jpeg": b"\xff\xd8\xff", "image/png": b"\x89PNG\r\n\x1a\n"}
WINDOW_S = 24 * 3600.0
MEDIA_URL_S = 300.0
HREF = "/documentation/business-messaging/whatsapp/support/error-codes"


def wa_error(code: int, message: str, details: str, *, status: int = 400) -> Response:
    """WhatsApp's error envelope: Graph's, with ``error_data.details``."""
    response = error(code, message, status=status)
    response.body["error"]["error_data"] = {"messaging_product": "whatsapp", "details": details}
    return response


def status_error(code: int, title: str, details: str) -> dict[str, Any]:
    return {"code": code, "title": title, "message": title, "error_data": {"details": details},
            "href": HREF}  # fmt: skip


OUTSIDE_WINDOW = status_error(
    131047,
    "Re-engagement message",
    "Message failed to send because more than 24 hours have passed since the customer last"
    " replied to this number.",
)


@dataclass
class Customer:
    wa_id: str
    user_id: str  # the business-scoped user id (BSUID)
    name: str
    hides_number: bool = False  # a username user: no wa_id / from in the payloads


@dataclass
class Outgoing:
    """A message the business sent through the API."""

    wamid: str
    customer: Customer | None
    body: dict[str, Any]
    at: float
    reference: str | None

    @property
    def text(self) -> str | None:
        text = self.body.get("text")
        return text.get("body") if isinstance(text, dict) else None

    @property
    def template(self) -> dict[str, Any] | None:
        template = self.body.get("template")
        return template if isinstance(template, dict) else None

    @property
    def image(self) -> dict[str, Any] | None:
        image = self.body.get("image")
        return image if isinstance(image, dict) else None


@dataclass
class MediaFile:
    data: bytes
    mime: str  # what the API says
    declared_size: int | None = None  # what GET /{media-id} says (None: the real size)
    uploaded: bool = False  # by the business (POST /{phone-number-id}/media)
    filename: str | None = None


def template(
    name: str,
    body: str,
    *,
    language: str = "nl",
    category: str = "UTILITY",
    named: bool = True,
    examples: list[str] | None = None,
    status: str = "APPROVED",
    header: dict[str, Any] | None = None,
    footer: str | None = None,
    buttons: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """A template as ``GET /{waba-id}/message_templates`` lists it."""
    body_part: dict[str, Any] = {"type": "BODY", "text": body}
    if named:
        names = list(dict.fromkeys(re.findall(r"\{\{([a-z_][a-z0-9_]*)\}\}", body)))
        if names:
            body_part["example"] = {
                "body_text_named_params": [
                    {"param_name": n, "example": (examples or [])[i] if examples else n}
                    for i, n in enumerate(names)
                ]
            }
    elif examples:
        body_part["example"] = {"body_text": [examples]}
    components: list[dict[str, Any]] = []
    if header is not None:
        components.append({"type": "HEADER", **header})
    components.append(body_part)
    if footer:
        components.append({"type": "FOOTER", "text": footer})
    if buttons:
        components.append({"type": "BUTTONS", "buttons": buttons})
    return {
        "name": name,
        "parameter_format": "NAMED" if named else "POSITIONAL",
        "components": components,
        "language": language,
        "status": status,
        "category": category,
        "id": str(546151681022936 + abs(hash((name, language))) % 10**9),
    }


DEFAULT_TEMPLATES = [
    template(
        "order_update",
        "Hallo {{customer_name}}, je bestelling {{order_number}} is vandaag verzonden.",
        examples=["Jan", "1234"],
        footer="Webcare BV",
    ),
    template(
        "follow_up",
        "Hoi {{1}}, we hebben je vraag bekeken. Antwoord gerust op dit bericht.",
        named=False,
        examples=["Jan"],
        buttons=[{"type": "QUICK_REPLY", "text": "Bel me"}],
    ),
    template(
        "summer_sale",
        "Onze zomeractie begint vandaag!",
        category="MARKETING",
        header={"format": "IMAGE", "example": {"header_handle": ["https://scontent.x/h.jpg"]}},
    ),
    template("login_code", "{{1}} is je code.", category="AUTHENTICATION", named=False),
    template("not_yet", "Wordt nog beoordeeld.", status="PENDING"),
]


class FakeWhatsApp(FakeGraph):
    """One business number (``PHONE_NUMBER_ID``) of one account (``WABA_ID``) with a system
    user's token, its customers, templates and media, and the app that pushes its webhooks."""

    name = "whatsapp"

    def __init__(
        self,
        token: str = "system-user-token",
        app_secret: str = "test_app_secret",
        *,
        clock: Callable[[], float] = time.time,
    ) -> None:
        super().__init__(token, app_secret, clock=clock)
        self.customers: dict[str, Customer] = {}  # by wa_id and by user_id
        self.last_inbound: dict[str, float] = {}  # user_id -> the customer's last message
        self.outgoing: list[Outgoing] = []
        self.templates: list[dict[str, Any]] = [dict(t) for t in DEFAULT_TEMPLATES]
        self.media: dict[str, MediaFile] = {}
        self.uploads: list[str] = []  # media ids of the business's uploads, in order
        self.media_links: dict[str, tuple[str, float]] = {}  # hash -> (media id, valid until)
        #: A free-form message outside the 24 h: "async" (200, then a failed status) or "sync".
        self.outside_window = "async"
        #: The "sent" status goes out right after a send (before the HTTP answer may arrive).
        self.auto_sent = True
        self.quality = "GREEN"
        #: The next media addresses given out are already expired (the 5 minutes are over).
        self.expired_links = 0
        #: Media addresses on another host than the API's (a URL a connector must not follow).
        self.media_url_base: str | None = None
        #: Downloads answer with a redirect to this address instead of the file.
        self.download_redirect: str | None = None
        #: Downloads are sent without Content-Length (the reader must stop by itself).
        self.stream_downloads = False
        self.subscribed = 0
        self._wa_numbers = itertools.count(31_612_345_601)
        self._media_ids = itertools.count(1_234_567_890_987_001)

    # --- customers -------------------------------------------------------------------------
    def customer(self, name: str = "Jan de Vries", *, hides_number: bool = False) -> Customer:
        with self.lock:
            for c in self.customers.values():
                if c.name == name:
                    return c
            wa_id = str(next(self._wa_numbers))
            person = Customer(wa_id, f"NL.{secrets.randbelow(10**19):019d}", name, hides_number)
            self.customers[person.wa_id] = person
            self.customers[person.user_id] = person
            return person

    def _wamid(self) -> str:
        return "wamid." + base64.b64encode(b"HBgL" + secrets.token_bytes(24)).decode()

    def _contact(self, person: Customer) -> dict[str, Any]:
        contact: dict[str, Any] = {"profile": {"name": person.name}, "user_id": person.user_id}
        if not person.hides_number:
            contact["wa_id"] = person.wa_id
        return contact

    def message(
        self,
        by: Customer,
        text: str | None = None,
        *,
        kind: str = "text",
        content: Any = None,
        created_at: float | None = None,
        context: dict[str, Any] | None = None,
        extra: dict[str, Any] | None = None,
    ) -> str:
        """The customer writes (pushed at once); returns the message's ``wamid``."""
        with self.lock:
            when = self.clock() if created_at is None else created_at
            wamid = self._wamid()
            message: dict[str, Any] = {
                "from_user_id": by.user_id,
                "id": wamid,
                "timestamp": str(int(when)),
                "type": kind,
            }
            if not by.hides_number:
                message["from"] = by.wa_id
            if kind == "text":
                message["text"] = {"body": text or ""}
            elif content is not None:
                message[kind] = content
            if context is not None:
                message["context"] = context
            message.update(extra or {})
            if kind not in ("reaction", "system", "unsupported"):
                self.last_inbound[by.user_id] = max(when, self.last_inbound.get(by.user_id, 0))
        self.emit_value({"contacts": [self._contact(by)], "messages": [message]}, when)
        return wamid

    def add_media(
        self,
        by: Customer,
        kind: str,
        data: bytes,
        mime: str,
        *,
        caption: str | None = None,
        filename: str | None = None,
        declared_size: int | None = None,
        voice: bool = False,
    ) -> tuple[str, str]:
        """The customer sends a file; returns (wamid, media id)."""
        media_id = str(next(self._media_ids))
        self.media[media_id] = MediaFile(data, mime, declared_size)
        part: dict[str, Any] = {"mime_type": mime, "sha256": "m04pFf2E=", "id": media_id}
        if caption is not None:
            part["caption"] = caption
        if filename is not None:
            part["filename"] = filename
        if kind == "audio":
            part["voice"] = voice
        if kind == "sticker":
            part["animated"] = False
        return self.message(by, kind=kind, content=part), media_id

    def react(self, by: Customer, wamid: str, emoji: str | None) -> str:
        content: dict[str, Any] = {"message_id": wamid}
        if emoji is not None:
            content["emoji"] = emoji
        return self.message(by, kind="reaction", content=content)

    # --- statuses --------------------------------------------------------------------------
    def status(
        self,
        sent: Outgoing | str,
        kind: str,
        *,
        at: float | None = None,
        errors: list[dict[str, Any]] | None = None,
        times: int = 1,
    ) -> dict[str, Any]:
        """A status callback for one of our messages (``times`` > 1: the same one again)."""
        out = sent if isinstance(sent, Outgoing) else next(o for o in self.outgoing
                                                           if o.wamid == sent)  # fmt: skip
        when = self.clock() if at is None else at
        status: dict[str, Any] = {
            "id": out.wamid,
            "status": kind,
            "timestamp": str(int(when)),
            "recipient_id": out.customer.wa_id if out.customer else str(out.body.get("to")),
        }
        if out.reference is not None:
            status["biz_opaque_callback_data"] = out.reference
        if kind == "sent":
            status["pricing"] = {"billable": True, "pricing_model": "PMP", "type": "regular",
                                 "category": "service"}  # fmt: skip
        if errors:
            status["errors"] = errors
        for _ in range(times):
            self.emit_value({"statuses": [status]}, when)
        return status

    # --- webhooks --------------------------------------------------------------------------
    def emit_value(self, value: dict[str, Any], when: float) -> None:
        full = {
            "messaging_product": "whatsapp",
            "metadata": {
                "display_phone_number": DISPLAY_NUMBER,
                "phone_number_id": PHONE_NUMBER_ID,
            },
            **value,
        }
        self.emit_entry({"id": WABA_ID, "changes": [{"value": full, "field": "messages"}]})

    def emit_entry(self, entry: dict[str, Any]) -> None:
        with self.lock:
            if self._batch is not None:
                self._batch.append(entry)
                return
        if self.push:
            self.send_payload({"object": "whatsapp_business_account", "entry": [entry]})

    @contextmanager
    def batched(self) -> Iterator[None]:
        """Everything made inside goes out as one delivery (several entries)."""
        with self.lock:
            self._batch = []
        try:
            yield
        finally:
            with self.lock:
                entries, self._batch = self._batch or [], None
            if entries:
                self.send_payload({"object": "whatsapp_business_account", "entry": entries})

    # --- serving -----------------------------------------------------------------------------
    def throttle_next(
        self, code: int = 130429, *, count: int = 1, regain_minutes: int = 0,
        path: str | None = None,
    ) -> None:  # fmt: skip
        """The next requests hit a rate limit: 130429 (throughput, HTTP 429), 131056 (pair
        rate), 80007 (account), 4 (app)."""
        words = {
            130429: ("(#130429) Rate limit hit", "Cloud API message throughput has been reached.",
                     429),
            131056: ("(#131056) (Business Account, Consumer Account) pair rate limit hit",
                     "Too many messages sent from this phone number to the same phone number in"
                     " a short period of time.", 400),
            80007: ("(#80007) Rate limit issues", "The WhatsApp Business account has reached"
                    " its rate limit.", 400),
        }  # fmt: skip
        if code not in words:
            super().throttle_next(code, count=count, regain_minutes=regain_minutes, path=path)
            return
        message, details, status = words[code]
        body = wa_error(code, message, details, status=status).body
        headers = self.usage_headers(full=True, regain_minutes=regain_minutes)
        self.fail_next(count, status, body=body, headers=headers, path=path)

    def route(self, request: Request) -> Response | None:
        params = self._params(request)
        token = params.get("access_token")
        auth = request.headers.get("authorization", "")
        if auth.lower().startswith("bearer "):
            token = auth[7:].strip()
        if token in self.token_errors or token != self.token:
            answer = super().route(request)  # Graph's 190 …, as WhatsApp answers it: 401
            if answer is not None:
                answer.status = 401
            return answer
        return super().route(request)

    def _get(self, request: Request, parts: list[str], params: dict[str, Any]) -> Response:
        if parts == [PHONE_NUMBER_ID]:
            return Response(200, {"display_phone_number": "+1 555-078-3881",
                                  "verified_name": "Webcare BV", "quality_rating": self.quality,
                                  "name_status": "APPROVED", "id": PHONE_NUMBER_ID})  # fmt: skip
        if parts == [WABA_ID, "message_templates"]:
            wanted = params.get("status")
            items = [t for t in self.templates if not wanted or t["status"] == wanted]
            return self._paged(request, params, items)
        if parts == ["whatsapp_business", "attachments"]:
            return self._download(params)
        if len(parts) == 1 and parts[0] in self.media:
            media_id = parts[0]
            found = self.media[media_id]
            link = secrets.token_urlsafe(12)
            until = self.clock() + MEDIA_URL_S
            if self.expired_links > 0:
                self.expired_links -= 1
                until = self.clock() - 1
            self.media_links[link] = (media_id, until)
            size = found.declared_size if found.declared_size is not None else len(found.data)
            return Response(200, {
                "messaging_product": "whatsapp",
                "url": f"{self.media_url_base or self.base_url}/whatsapp_business/attachments/"
                       f"?mid={media_id}"
                       f"&ext={int(until)}&hash={link}",
                "mime_type": found.mime, "sha256": "73298ec1475=", "file_size": str(size),
                "id": media_id,
            })  # fmt: skip
        return wa_error(100, f"Unsupported get request. Object with ID '{'/'.join(parts)}' does"
                        " not exist", "Invalid parameter")  # fmt: skip

    def _download(self, params: dict[str, Any]) -> Response:
        link = self.media_links.get(str(params.get("hash") or ""))
        if link is None or self.clock() > link[1]:
            return Response(404, b"URL signature expired")
        if self.download_redirect is not None:
            return Response(302, b"", {"Location": self.download_redirect})
        found = self.media[link[0]]
        if self.stream_downloads:
            return Response(200, Streamed(found.data, found.mime))
        return Response(200, found.data, {"Content-Type": found.mime})

    def _params(self, request: Request) -> dict[str, Any]:
        content_type = request.headers.get("content-type", "")
        if not is_multipart(content_type):
            return super()._params(request)
        params: dict[str, Any] = {k: v[0] for k, v in request.query.items()}
        for name, part in form_parts(content_type, request.body).items():
            params[name] = part if part.filename is not None else part.text
        return params

    def _post(self, request: Request, parts: list[str], params: dict[str, Any]) -> Response | None:
        if parts == [WABA_ID, "subscribed_apps"]:
            self.subscribed += 1
            return Response(200, {"success": True})
        if parts == [PHONE_NUMBER_ID, "messages"]:
            return self._send(params)
        if parts == [PHONE_NUMBER_ID, "media"]:
            return self._upload(params)
        return wa_error(100, "Unsupported post request.", "Invalid parameter")

    def _upload(self, params: dict[str, Any]) -> Response:
        if params.get("messaging_product") != "whatsapp":
            return wa_error(100, "(#100) Invalid parameter",
                            "The parameter messaging_product is required.")  # fmt: skip
        file, kind = params.get("file"), params.get("type")
        if not isinstance(file, Part):
            return wa_error(100, "(#100) The parameter file is required.", "Invalid parameter")
        if not isinstance(kind, str) or not kind:
            return wa_error(100, "(#100) The parameter type is required.", "Invalid parameter")
        if kind not in MEDIA_TYPES:
            return wa_error(100, "(#100) Param file must be a file with one of the following"
                            f" types: {', '.join(MEDIA_TYPES)}. Received file of type"
                            f" '{kind}'.", "Invalid parameter")  # fmt: skip
        magic = _MAGIC.get(kind)
        if magic is not None and not file.data.startswith(magic):
            return wa_error(131053, "(#131053) Media upload error",
                            f"Unable to process the file: its content is not {kind}.")  # fmt: skip
        if kind.startswith("image/") and kind != "image/webp" and len(file.data) > IMAGE_MAX:
            return wa_error(131053, "(#131053) Media upload error",
                            f"File size is too big. Max file size for {kind}: 5MB.")  # fmt: skip
        with self.lock:
            media_id = str(next(self._media_ids))
            self.media[media_id] = MediaFile(file.data, kind, uploaded=True,
                                             filename=file.filename)  # fmt: skip
            self.uploads.append(media_id)
        return Response(200, {"id": media_id})

    def _send(self, params: dict[str, Any]) -> Response | None:
        if params.get("messaging_product") != "whatsapp":
            return wa_error(100, "(#100) Invalid parameter",
                            "The parameter messaging_product is required.")  # fmt: skip
        to, recipient = params.get("to"), params.get("recipient")
        person: Customer | None = None
        if isinstance(to, str) and to:
            person = self.customers.get(to.lstrip("+"))
        elif isinstance(recipient, str) and recipient:
            person = self.customers.get(recipient)
        else:
            return wa_error(131008, "(#131008) Required parameter is missing",
                            "The parameter to is required.")  # fmt: skip
        reference = params.get("biz_opaque_callback_data")
        if reference is not None and (not isinstance(reference, str) or len(reference) > 512):
            return wa_error(100, "(#100) Invalid parameter",
                            "biz_opaque_callback_data must be at most 512 characters.")  # fmt: skip
        kind = params.get("type", "text")
        now = self.clock()
        outside = person is None or now - self.last_inbound.get(person.user_id, -1e18) > WINDOW_S
        if kind == "text":
            text = params.get("text")
            body = text.get("body") if isinstance(text, dict) else None
            if not isinstance(body, str) or not body:
                return wa_error(131008, "(#131008) Required parameter is missing",
                                "The parameter text['body'] is required.")  # fmt: skip
            if len(body) > TEXT_LIMIT:
                return wa_error(100, "(#100) Invalid parameter",
                                f"Param text['body'] must be at most {TEXT_LIMIT} characters"
                                " long.")  # fmt: skip
            if outside and self.outside_window == "sync":
                return wa_error(131047, "(#131047) Re-engagement message",
                                OUTSIDE_WINDOW["error_data"]["details"])  # fmt: skip
        elif kind == "image":
            image = params.get("image")
            media_id = image.get("id") if isinstance(image, dict) else None
            if not isinstance(media_id, str) or not media_id:
                return wa_error(131008, "(#131008) Required parameter is missing",
                                "The parameter image['id'] is required.")  # fmt: skip
            found = self.media.get(media_id)
            if found is None or not found.uploaded:
                return wa_error(100, "(#100) Invalid parameter",
                                f"Param image['id'] {media_id} is not a valid media"
                                " id.")  # fmt: skip
            caption = image.get("caption") if isinstance(image, dict) else None
            if caption is not None and (not isinstance(caption, str)
                                        or len(caption) > CAPTION_LIMIT):  # fmt: skip
                return wa_error(100, "(#100) Invalid parameter",
                                f"Param image['caption'] must be at most {CAPTION_LIMIT}"
                                " characters long.")  # fmt: skip
            if outside and self.outside_window == "sync":
                return wa_error(131047, "(#131047) Re-engagement message",
                                OUTSIDE_WINDOW["error_data"]["details"])  # fmt: skip
        elif kind == "template":
            refused = self._check_template(params.get("template"))
            if refused is not None:
                return refused
            outside = False
        else:
            return wa_error(131051, "(#131051) Unsupported message type",
                            f"Message type {kind} is not supported here.")  # fmt: skip
        sent = Outgoing(self._wamid(), person, dict(params), now,
                        reference if isinstance(reference, str) else None)  # fmt: skip
        self.outgoing.append(sent)
        if self.auto_sent:
            if person is None:
                self.status(
                    sent,
                    "failed",
                    errors=[
                        status_error(
                            131026, "Message undeliverable", "The recipient is not on WhatsApp."
                        )
                    ],
                )
            elif outside:
                self.status(sent, "failed", errors=[OUTSIDE_WINDOW])
            else:
                self.status(sent, "sent")
        if self.take_lost_ack():
            return None
        contact: dict[str, Any] = {"input": str(to or recipient)}
        if person is not None:
            contact["wa_id" if to else "user_id"] = person.wa_id if to else person.user_id
        return Response(200, {"messaging_product": "whatsapp", "contacts": [contact],
                              "messages": [{"id": sent.wamid}]})  # fmt: skip

    def _check_template(self, given: Any) -> Response | None:
        if not isinstance(given, dict) or not isinstance(given.get("name"), str):
            return wa_error(131008, "(#131008) Required parameter is missing",
                            "The parameter template['name'] is required.")  # fmt: skip
        language = given.get("language")
        code = language.get("code") if isinstance(language, dict) else None
        found = next((t for t in self.templates if t["name"] == given["name"]
                      and t["language"] == code and t["status"] == "APPROVED"), None)  # fmt: skip
        if found is None:
            return wa_error(132001, "(#132001) Template name does not exist in the translation",
                            f"template name ({given['name']}) does not exist in {code}",
                            status=404)  # fmt: skip
        body = next(c for c in found["components"] if c["type"] == "BODY")["text"]
        wanted = list(dict.fromkeys(re.findall(r"\{\{\s*([^{}]+?)\s*\}\}", body)))
        values: list[dict[str, Any]] = []
        for component in given.get("components") or []:
            if isinstance(component, dict) and component.get("type") == "body":
                values.extend(component.get("parameters") or [])
        if len(values) != len(wanted):
            return wa_error(132000, "(#132000) Number of parameters does not match the expected"
                            " number of params", f"body: number of localizable_params"
                            f" ({len(values)}) does not match the expected number of params"
                            f" ({len(wanted)})")  # fmt: skip
        named = found["parameter_format"] == "NAMED"
        for value in values:
            if not isinstance(value, dict) or value.get("type") != "text" or not value.get("text"):
                return wa_error(132012, "(#132012) Parameter format does not match format in"
                                " the created template", "a parameter is not text")  # fmt: skip
            if named != ("parameter_name" in value) or (
                    named and value["parameter_name"] not in wanted):  # fmt: skip
                return wa_error(132012, "(#132012) Parameter format does not match format in"
                                " the created template",
                                "named parameters need parameter_name")  # fmt: skip
        return None

    def rendered(self, sent: Outgoing) -> str:
        """What the customer reads of a template message we sent."""
        given = sent.template
        assert given is not None
        found = next(t for t in self.templates if t["name"] == given["name"])
        body: str = next(c for c in found["components"] if c["type"] == "BODY")["text"]
        values = [p for c in given.get("components") or [] for p in c.get("parameters") or []]
        for i, value in enumerate(values, start=1):
            key = value.get("parameter_name") or str(i)
            body = body.replace("{{" + key + "}}", value["text"])
        return body
