"""WhatsApp Business (Cloud API): customers' messages to the business number, replies inside the
24-hour customer-service window, approved template messages outside it, delivery receipts.

The Graph API (``webcare.channels.graph``) with a **system user's** access token (permissions
``whatsapp_business_messaging`` and ``whatsapp_business_management``) of the Meta app that is
subscribed to the WhatsApp Business account's ``messages`` webhook field.

**Inbound: only by webhook.** The Cloud API has no way to read messages back (no history, no
polling endpoint): what Meta pushes to ``/v1/hooks/{channel}`` is all there is, which is why the
push receiver stores every delivery before it answers. Meta retries a delivery that was not
answered 200 for up to 7 days. ``fetch`` is a health check instead: it reads the phone number
(``GET /{phone-number-id}``), so a dead token or a lost permission shows in the Channels tab
before a customer waits, and it (re)subscribes the app to the account's webhooks
(``POST /{waba-id}/subscribed_apps``) every :data:`SUBSCRIBE_EVERY_S`.

A delivery (object ``whatsapp_business_account``, field ``messages``) is batched:
``entry`` x ``changes`` x ``value.messages`` (with the senders in ``value.contacts``) and/or
``value.statuses`` (no message at all). Routed by ``value.metadata.phone_number_id``:

* a **message** → a mention (id: the ``wamid``, which a duplicate delivery repeats; times are
  Unix seconds *as strings*), windowed (``meta["window"]``: the 24 hours run from the
  customer's last message, on Meta's clock). The author is the customer's business-scoped user
  id (BSUID, ``user_id``) where Meta sends one, else the phone number (``wa_id``); the reply
  goes to ``+<wa_id>``, or to the BSUID when the customer hides their number. Text as it is;
  images, stickers, voice notes, videos and documents as a :class:`MediaRef` by media id (the
  caption is the text; without one, what it is: ``[image]``, ``[voice message]``), which the
  team server fetches through :meth:`fetch_media` (``GET /{media-id}``, then its URL on Meta's
  hosts, both with the token); reactions, button and list replies, locations and shared
  contacts as readable text; ``unsupported``, ``system`` and unknown types are skipped
  (listed, never stored). A quoted message (``context.id``) is the mention's parent.
* a **status** (``sent`` / ``delivered`` / ``read`` / ``failed``; ``played`` counts as read) →
  a :class:`Receipt` naming the reply by its ``wamid`` and by our reference, which every reply
  carries in ``biz_opaque_callback_data`` (``webcare:<reply id>``). ``failed`` carries Meta's
  words (``errors[]``: 131047 outside the window, 131026 undeliverable …). Receipts only move
  forward, so duplicates and late or out-of-order statuses change nothing.

**Replies** (``deliver``): ``POST /{phone-number-id}/messages`` with ``messaging_product:
whatsapp``, the text (at most 4096 characters, no link preview), ``context.message_id`` (the
reply quotes the message it answers) and our reference. A reply with an image (one: WhatsApp
sends one per message, ``SPEC.attach_max_count``) first uploads it (``POST
/{phone-number-id}/media``, multipart ``file``, ``type``, ``messaging_product``: its ``id``),
then sends ``type: image`` with ``image: {id, caption}`` (the text as the caption, at most
1024 characters), quoting and carrying the reference the same way; Meta takes JPEG and PNG up
to 5 MB (:data:`IMAGE_TYPES`, :data:`IMAGE_MAX_BYTES`), which the team server holds a reply
to when it accepts it. An upload whose answer was lost is simply uploaded again (an unused
media id does no harm); the message itself keeps the rule below. Outside the window an approved
**template** instead (``type: template`` with its name, language and body parameters; named or
positional as the template is), the only thing Meta delivers then. The templates come from
``GET /{waba-id}/message_templates?status=APPROVED`` (:meth:`message_templates`); those that
need what Webcare cannot give (a media header, a link or code button with a variable, a
one-time password) are listed as unsupported. A free-text reply outside the window is refused
by the team server before it gets here; Meta's own refusal (131047, sync or as a ``failed``
status) fails it with its words.

**Exactly once.** WhatsApp has no idempotency key and no way to look a sent message up, so
there is no lookup (``lookup="none"``). A reply whose answer never came back (the connection
broke after the request went out, a proxy's page instead of Graph's) *may* have been sent: it
fails with "may have been posted" instead of being sent again, and so does one the server was
killed in the middle of (``resend_unknown=False``). Meta settles it: the ``sent`` status
echoes our reference with the ``wamid``, and the receipt records the reply as sent (see
``services/receipts.py``). Meta does not promise that a ``sent`` status always comes (so a reply
that never reached Meta stays failed, for the agent to retry).
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Iterator, Mapping
from typing import Any, Self
from urllib.parse import urljoin, urlsplit

import requests
from urllib3.exceptions import ConnectTimeoutError

from webcare.channels import graph
from webcare.channels.base import (
    Author,
    Batch,
    ChannelInfo,
    ConfigField,
    ConnectorBase,
    ConnectorSpec,
    Delivered,
    IncomingMention,
    MediaBlob,
    MediaRef,
    OutgoingMedia,
    OutgoingReply,
    PlatformTemplate,
    PushResult,
    Receipt,
    TemplateList,
)
from webcare.channels.errors import (
    AuthFailed,
    ChannelError,
    MalformedResponse,
    MediaTooLarge,
    NotConfigured,
    readable,
)
from webcare.channels.graph import Graph, GraphError, TokenError, epoch_seconds, graph_id
from webcare.channels.http import platform_message
from webcare.channels.settings import Settings
from webcare.domain.media import size_words, type_words

CHAR_LIMIT = 4096  # text.body
CAPTION_LIMIT = 1024  # image.caption
#: The images the Cloud API takes ("Supported media types": image/jpeg and image/png, 5 MB).
IMAGE_TYPES = frozenset({"image/jpeg", "image/png"})
IMAGE_MAX_BYTES = 5 * 1024 * 1024
MAX_TEXT = 20_000
WINDOW_S = 24 * 3600.0
#: Our reference in ``biz_opaque_callback_data`` (Meta echoes it in every status; max 512).
REFERENCE_PREFIX = "webcare:"
#: How often the app's subscription to the account's webhooks is renewed.
SUBSCRIBE_EVERY_S = 6 * 3600.0
TEMPLATE_FIELDS = "name,status,category,language,parameter_format,components"
NUMBER_FIELDS = "display_phone_number,verified_name,quality_rating,name_status"
#: Hosts a media URL from ``GET /{media-id}`` may point at (besides the Graph host itself).
MEDIA_HOSTS = ("lookaside.fbsbx.com", ".fbcdn.net", ".whatsapp.net", ".fbsbx.com")
MAX_REDIRECTS = 3

SPEC = ConnectorSpec(
    kind="whatsapp",
    label="WhatsApp",
    fields=(
        ConfigField(
            "phone_number_id",
            "Phone number ID",
            required=True,
            help="The business number's id (15 digits, not the number itself): the Meta app's"
            " WhatsApp > API Setup, or WhatsApp Manager > Phone numbers.",
        ),
        ConfigField(
            "waba_id",
            "WhatsApp Business account ID",
            required=True,
            help="The account the number belongs to (API Setup shows it too): its approved"
            " templates are offered outside the 24 hours, and its webhooks are subscribed.",
        ),
        ConfigField(
            "access_token",
            "Access token (system user)",
            required=True,
            secret=True,
            help="A system user's token (Business settings > System users > Generate token) for"
            " the Meta app, with whatsapp_business_messaging and whatsapp_business_management."
            " It does not expire; the API Setup page's temporary token lasts 24 hours.",
        ),
        graph.APP_SECRET_FIELD,
        graph.verify_token_field("WhatsApp > Configuration (webhook field: messages)"),
        *graph.API_FIELDS,
    ),
    char_limit=CHAR_LIMIT,
    can_reply=True,
    lookup="none",
    default_interval_s=900.0,  # the health check; messages come by webhook
    receives_push=True,
    resend_unknown=False,
    reply_window_s=WINDOW_S,
    window_rule="WhatsApp only allows approved template messages after 24 h.",
    window_templates=True,
    can_attach=True,  # one image per message: uploaded, then sent by its media id
    attach_max_bytes=IMAGE_MAX_BYTES,
    attach_max_count=1,
    attach_types=IMAGE_TYPES,
    caption_limit=CAPTION_LIMIT,
)

#: What to do about WhatsApp's own error codes (Cloud API "Error codes"), in words.
ADVICE: dict[int, str] = {
    131047: "The customer last wrote more than 24 hours ago: only an approved template message"
    " reaches them now.",
    131026: "The message could not be delivered: the number may not be on WhatsApp, use an old"
    " app version, or not have accepted WhatsApp's terms.",
    131049: "Meta held the message back to keep engagement healthy; try again later.",
    131050: "The customer stopped marketing messages from this business.",
    131051: "WhatsApp does not support this kind of message.",
    131052: "WhatsApp could not download the file the customer sent; ask them to send it again.",
    131053: "The attached file could not be used (its type or format).",
    131021: "The customer's number is the business number itself.",
    131030: "The number is not on the test number's allowed list (Meta app > WhatsApp > API"
    " Setup).",
    131048: "Meta limits this number for spam reports; improve the messages' quality first.",
    131062: "This kind of message cannot go to a customer who hides their phone number.",
    132000: "The number of template variables does not match the template: choose it again.",
    132001: "The template does not exist in this language or is not approved (any more):"
    " choose another, or ask an admin to check it in WhatsApp Manager (the template list is"
    " read again within 10 minutes).",
    132005: "The template with its variables filled in is too long.",
    132007: "The template's variables break WhatsApp's formatting rules.",
    132012: "The template's variables do not have the format it expects.",
    132015: "The template is paused (low quality): choose another.",
    132016: "The template is disabled: choose another.",
}
#: Refusals no reply can get past until an admin acts: replies wait (like a dead token).
ADMIN_CODES: dict[int, str] = {
    131031: "The WhatsApp Business account is locked: see WhatsApp Manager.",
    131042: "WhatsApp reports a payment problem with the business account: add or fix its"
    " payment method in WhatsApp Manager.",
    131037: "The number's display name is not approved yet.",
    133010: "The phone number is not registered with the Cloud API: register it (API Setup).",
    10: "The token lacks a permission: give the system user whatsapp_business_messaging and"
    " whatsapp_business_management for this app and account, then paste a new token.",
    200: "The token lacks a permission: give the system user whatsapp_business_messaging and"
    " whatsapp_business_management for this app and account, then paste a new token.",
}
SYSTEM_USER_ADVICE = (
    "create a new token for the app's system user (Business settings > System users >"
    " Generate token, with whatsapp_business_messaging and whatsapp_business_management) and"
    " paste it in the channel's settings. A system user's token does not expire; the API Setup"
    " page's temporary one lasts 24 hours."
)
_UNKNOWN = (
    "May have been posted: the connection broke before WhatsApp answered ({what}), and WhatsApp"
    " offers no way to check whether the reply arrived, so it is not sent again by itself. If"
    " WhatsApp reports it (its 'sent' status names the reply), it is recorded as sent; otherwise"
    " look in WhatsApp and try delivering it again if it is not there."
)
_NAMED = re.compile(r"\{\{\s*([a-z_][a-z0-9_]*)\s*\}\}")
_POSITIONAL = re.compile(r"\{\{\s*(\d+)\s*\}\}")
_PLACEHOLDER = re.compile(r"\{\{\s*([^{}]*?)\s*\}\}")
TEMPLATE_NAME = re.compile(r"[a-z0-9_]{1,512}\Z")
TEMPLATE_LANGUAGE = re.compile(r"[A-Za-z]{2,3}([_-][A-Za-z0-9]{2,8}){0,2}\Z")


class Skipped(ValueError):
    """A message Webcare does not store (an unsupported type), with the reason."""


def _text(value: Any, what: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValueError(f"{what} is not text")
    return value


def _words(value: Any, limit: int = 300) -> str:
    return readable(value, limit) if isinstance(value, str) else ""


def _int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def _maybe_sent(exc: requests.RequestException) -> bool:
    """Whether a request that failed this way may have reached Meta (its outcome unknown); a
    connection that was never made cannot have sent anything."""
    if isinstance(exc, requests.ConnectTimeout | requests.exceptions.SSLError):
        return False
    if isinstance(exc, requests.exceptions.InvalidURL | requests.exceptions.MissingSchema):
        return False
    if isinstance(exc, requests.ConnectionError):
        reason = exc.args[0] if exc.args else None
        inner = getattr(reason, "reason", reason)
        if isinstance(inner, ConnectTimeoutError):  # incl. NewConnectionError, name resolution
            return False
    return True


def error_words(errors: Any) -> str:
    """A status's or message's ``errors[]`` in words: Meta's title and details, its code, and
    what to do about it."""
    first = errors[0] if isinstance(errors, list) and errors else None
    if not isinstance(first, dict):
        return "WhatsApp reports that the reply was not delivered."
    code = _int(first.get("code"))
    title = _words(first.get("title") or first.get("message"), 160)
    data = first.get("error_data")
    details = _words(data.get("details"), 200) if isinstance(data, dict) else ""
    said = title or "not delivered"
    if details and details not in said:
        said += f" — {details}"
    advice = ADVICE.get(code or 0, "")
    number = f" (code {code})" if code is not None else ""
    return f"WhatsApp did not deliver the reply: {said}{number}. {advice}".strip()


# --- templates ---------------------------------------------------------------------------------
def parse_template(item: Any) -> PlatformTemplate | str:
    """An approved template Webcare can send, or why it cannot (``str``)."""
    if not isinstance(item, dict):
        raise ValueError("not an object")
    name, language = item.get("name"), item.get("language")
    if not isinstance(name, str) or not TEMPLATE_NAME.match(name):
        raise ValueError("no usable name")
    if not isinstance(language, str) or not TEMPLATE_LANGUAGE.match(language):
        raise ValueError(f"template {name}: no usable language")
    status = item.get("status")
    if status is not None and status != "APPROVED":
        return f"its status is {status}"
    category = str(item.get("category") or "")
    if category == "AUTHENTICATION":
        return "a one-time password template (sent by a login system, not by an agent)"
    named = str(item.get("parameter_format") or "POSITIONAL").upper() == "NAMED"
    header = body = footer = ""
    body_seen = False
    buttons: list[str] = []
    examples: dict[str, str] = {}
    components = item.get("components")
    for part in components if isinstance(components, list) else []:
        if not isinstance(part, dict):
            continue
        kind = str(part.get("type") or "").upper()
        if kind == "HEADER":
            form = str(part.get("format") or "TEXT").upper()
            if form != "TEXT":
                return f"it has a {form.lower()} header (send it from WhatsApp Manager)"
            header = _text(part.get("text"), "the header")
            if _PLACEHOLDER.search(header):
                return "its header has a variable"
        elif kind == "BODY":
            body_seen = True
            body = _text(part.get("text"), "the body")
            examples = _examples(part.get("example"), body, named)
        elif kind == "FOOTER":
            footer = _text(part.get("text"), "the footer")
        elif kind == "BUTTONS":
            for button in part.get("buttons") or []:
                if not isinstance(button, dict):
                    continue
                form = str(button.get("type") or "").upper()
                if form not in ("QUICK_REPLY", "URL", "PHONE_NUMBER"):
                    return f"it has a {form.lower().replace('_', ' ')} button"
                if form == "URL" and "{{" in str(button.get("url") or ""):
                    return "it has a link button with a variable"
                buttons.append(_words(button.get("text"), 60))
        else:
            return f"it has a {kind.lower().replace('_', ' ')} part"
    if not body_seen or not body.strip():
        return "it has no text"
    pattern = _NAMED if named else _POSITIONAL
    names: list[str] = []
    for match in pattern.finditer(body):
        if match.group(1) not in names:
            names.append(match.group(1))
    if not named:
        names.sort(key=int)
    rest = pattern.sub("", body)
    if "{{" in rest:
        return "its variables are neither all named nor all numbered"
    return PlatformTemplate(
        name=name,
        language=language,
        category=category,
        body=body,
        parameters=tuple((n, examples.get(n, "")) for n in names),
        header=header,
        footer=footer,
        buttons=tuple(b for b in buttons if b),
    )


def _examples(example: Any, body: str, named: bool) -> dict[str, str]:
    if not isinstance(example, dict):
        return {}
    out: dict[str, str] = {}
    if named:
        for item in example.get("body_text_named_params") or []:
            if isinstance(item, dict) and isinstance(item.get("param_name"), str):
                out[item["param_name"]] = _words(item.get("example"), 200)
        return out
    rows = example.get("body_text")
    first = rows[0] if isinstance(rows, list) and rows and isinstance(rows[0], list) else []
    for i, value in enumerate(first, start=1):
        out[str(i)] = _words(value, 200)
    return out


def template_payload(template: Mapping[str, Any]) -> dict[str, Any]:
    """The ``template`` object of a send for ``{"name", "language", "parameters"}``:
    numbered parameters are positional (in order), others named (``parameter_name``)."""
    name, language = template.get("name"), template.get("language")
    if not isinstance(name, str) or not TEMPLATE_NAME.match(name):
        raise ValueError("the template has no usable name")
    if not isinstance(language, str) or not TEMPLATE_LANGUAGE.match(language):
        raise ValueError("the template has no usable language")
    raw = template.get("parameters") or []
    if not isinstance(raw, list):
        raise ValueError("the template's parameters are not a list")
    pairs: list[tuple[str, str]] = []
    for p in raw:
        if not isinstance(p, Mapping) or not isinstance(p.get("name"), str):
            raise ValueError("a template parameter has no name")
        if not isinstance(p.get("text"), str) or not p["text"].strip():
            raise ValueError(f"the template parameter {p['name']} is empty")
        pairs.append((p["name"], p["text"]))
    out: dict[str, Any] = {"name": name, "language": {"code": language}}
    if pairs:
        if all(n.isdigit() for n, _ in pairs):
            values = [
                {"type": "text", "text": t} for _, t in sorted(pairs, key=lambda p: int(p[0]))
            ]
        else:
            values = [{"type": "text", "parameter_name": n, "text": t} for n, t in pairs]
        out["components"] = [{"type": "body", "parameters": values}]
    return out


def render_template(body: str, values: Mapping[str, str]) -> str:
    """The template's text with its variables filled in (what the customer will read)."""
    return _PLACEHOLDER.sub(lambda m: values.get(m.group(1).strip(), m.group(0)), body)


# --- the Graph client ------------------------------------------------------------------------
class _WhatsAppGraph(Graph):
    """Graph, with WhatsApp's advice for a dead token and for refusals an admin must fix."""

    def request(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        try:
            return super().request(method, path, **kwargs)
        except TokenError as exc:
            raise _token_error(exc) from exc
        except GraphError as exc:
            raise _whatsapp_error(exc) from exc


def _token_error(exc: TokenError) -> TokenError:
    """Graph's token error with what a WhatsApp admin must do (a system user's token, not a
    Page's), keeping Meta's words and code."""
    page_advice = graph.TOKEN_ADVICE.get(exc.subcode, graph.TOKEN_ADVICE[None])
    tail = exc.message.split(page_advice, 1)[-1].strip() if page_advice in exc.message else ""
    number = f"{exc.code}/{exc.subcode}" if exc.subcode is not None else str(exc.code)
    words = f"WhatsApp no longer accepts the access token: {SYSTEM_USER_ADVICE}"
    words += f" {tail}" if tail else f" (code {number})"
    return TokenError(words, code=exc.code, subcode=exc.subcode, status=exc.status or 401)


def _whatsapp_error(exc: GraphError) -> ChannelError:
    code = exc.code or 0
    family = 200 if 200 <= code < 300 else code
    if family in ADMIN_CODES:
        return AuthFailed(f"{ADMIN_CODES[family]} ({exc.message})", permanent=True,
                          status=exc.status)  # fmt: skip
    advice = ADVICE.get(code)
    if advice:
        return GraphError(
            f"{exc.message}. {advice}", code=exc.code, subcode=exc.subcode,
            permanent=exc.permanent, retry_after_s=exc.retry_after_s, status=exc.status,
        )  # fmt: skip
    return exc


# --- the connector -----------------------------------------------------------------------------
class WhatsAppConnector(ConnectorBase):
    can_reply = True
    can_lookup = False

    @classmethod
    def from_settings(
        cls, info: ChannelInfo, settings: Settings, *, clock: Callable[[], float]
    ) -> Self:
        phone_number_id, waba_id = settings.text("phone_number_id"), settings.text("waba_id")
        for value, name in ((phone_number_id, "phone_number_id"), (waba_id, "waba_id")):
            if not value.isdigit():
                label = settings.field(name).label  # type: ignore[union-attr]  # both are fields
                raise NotConfigured(f"{label} must be the number's or account's id (digits"
                                    f" only), not {value!r}.")  # fmt: skip
        version, base_url = graph.api_settings(settings)
        return cls(
            info,
            phone_number_id=phone_number_id,
            waba_id=waba_id,
            token=settings.text("access_token"),
            app_secret=settings.text("app_secret"),
            verify_token=settings.text("verify_token"),
            base_url=base_url,
            version=version,
            clock=clock,
        )

    def __init__(
        self,
        info: ChannelInfo,
        *,
        phone_number_id: str,
        waba_id: str,
        token: str,
        app_secret: str,
        verify_token: str,
        base_url: str = graph.DEFAULT_BASE_URL,
        version: str = graph.DEFAULT_VERSION,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.info = info
        self.phone_number_id = phone_number_id
        self.waba_id = waba_id
        self.app_secret = app_secret
        self.verify_token = verify_token
        self.clock = clock
        self.graph = _WhatsAppGraph(token, base_url=base_url, version=version,
                                    platform="WhatsApp", clock=clock)  # fmt: skip
        self._graph_host = urlsplit(base_url).netloc

    # --- webhooks --------------------------------------------------------------------------
    def verify_subscription(self, params: Mapping[str, str]) -> str | None:
        return graph.challenge(params, self.verify_token)

    def authenticate_push(self, headers: Mapping[str, str], body: bytes) -> bool:
        return graph.signature_ok(self.app_secret, headers.get("x-hub-signature-256"), body)

    def parse_push(self, body: bytes) -> PushResult:
        entries = graph.load_push(body, "whatsapp_business_account")
        mentions: list[IncomingMention] = []
        receipts: list[Receipt] = []
        skipped: list[str] = []
        for n, entry in enumerate(entries):
            changes = entry.get("changes")
            for i, change in enumerate(changes if isinstance(changes, list) else []):
                if not isinstance(change, dict) or change.get("field") != "messages":
                    continue  # template and account updates: not used
                where = f"entry {n} change {i}"
                value = change.get("value")
                if not isinstance(value, dict):
                    skipped.append(f"{where}: no value")
                    continue
                metadata = value.get("metadata")
                number = graph_id(metadata.get("phone_number_id")) if isinstance(
                    metadata, dict) else None  # fmt: skip
                if number != self.phone_number_id:
                    skipped.append(f"{where}: for phone number {number}, not this channel's")
                    continue
                self._change(value, where, mentions, receipts, skipped)
        batches = [Batch(channel=self.info, mentions=mentions)] if mentions else []
        return PushResult(batches=batches, receipts=receipts, skipped=skipped)

    def _change(
        self, value: dict[str, Any], where: str, mentions: list[IncomingMention],
        receipts: list[Receipt], skipped: list[str],
    ) -> None:  # fmt: skip
        names: dict[str, str] = {}
        contacts = value.get("contacts")
        for contact in contacts if isinstance(contacts, list) else []:
            if not isinstance(contact, dict):
                continue
            profile = contact.get("profile")
            name = profile.get("name") if isinstance(profile, dict) else None
            if isinstance(name, str) and name.strip():
                for key in ("wa_id", "user_id"):
                    cid = graph_id(contact.get(key))
                    if cid is not None:
                        names[cid] = name.strip()[:200]
        messages = value.get("messages")
        for j, message in enumerate(messages if isinstance(messages, list) else []):
            try:
                mention = self._message(message, names)
            except (ValueError, TypeError, OverflowError, AttributeError) as exc:
                skipped.append(f"{where} message {j}: {exc}")
                continue
            if mention is not None:
                mentions.append(mention)
        statuses = value.get("statuses")
        for j, status in enumerate(statuses if isinstance(statuses, list) else []):
            try:
                receipt = self._status(status)
            except (ValueError, TypeError, OverflowError, AttributeError) as exc:
                skipped.append(f"{where} status {j}: {exc}")
                continue
            if receipt is not None:
                receipts.append(receipt)
        errors = value.get("errors")
        if isinstance(errors, list) and errors:
            # system, app or account errors with no message (e.g. 130429 throughput)
            skipped.append(f"{where}: WhatsApp reported {error_words(errors)}")

    def _message(self, message: Any, names: Mapping[str, str]) -> IncomingMention | None:
        """A message as a mention; ``None``: nothing to keep; :class:`Skipped` (a
        ``ValueError``) says why one is left out."""
        if not isinstance(message, dict):
            raise ValueError("not an object")
        wamid = graph_id(message.get("id"), 400)
        if wamid is None:
            raise ValueError("a message without id")
        kind = message.get("type")
        if kind == "system":
            return None  # a number or user id changed: nothing to answer
        wa_id = graph_id(message.get("from"), 40)
        user_id = graph_id(message.get("from_user_id"), 200)
        if wa_id is None and user_id is None:
            raise ValueError(f"message {wamid} has no sender")
        created = epoch_seconds(message.get("timestamp"))
        # every message the customer sends opens the 24 hours again; whether a reaction does is
        # not documented: it counts here too (if Meta disagrees, its 131047 fails the reply)
        meta: dict[str, str] = {"kind": "message", "window": "messaging", "type": str(kind)}
        files: list[MediaRef] = []
        text = self._content(kind, message, meta, files)
        if text is None:
            return None
        context = message.get("context")
        parent = graph_id(context.get("id"), 400) if isinstance(context, dict) else None
        if isinstance(context, dict) and (context.get("forwarded")
                                          or context.get("frequently_forwarded")):  # fmt: skip
            meta["forwarded"] = "yes"
            text = f"[forwarded] {text}"
        if kind == "reaction":
            parent = meta.get("quote") or parent
        if wa_id is not None:
            meta["wa_id"] = wa_id
        if user_id is not None:
            meta["user_id"] = user_id
        meta.setdefault("quote", wamid)
        name = names.get(wa_id or "") or names.get(user_id or "")
        handle = f"+{wa_id}" if wa_id else name or str(user_id)
        return IncomingMention(
            source_id=wamid,
            author=Author(platform_user_id=user_id or str(wa_id), handle=handle, name=name),
            text=text.strip()[:MAX_TEXT],
            created_at=created,
            parent_source_id=parent,
            meta=meta,
            media=tuple(files),
        )

    def _content(
        self, kind: Any, message: dict[str, Any], meta: dict[str, str], files: list[MediaRef]
    ) -> str | None:
        """What a message says, as text (a file's caption; its :class:`MediaRef` goes into
        ``files``); ``None`` when there is nothing to keep; raises :class:`Skipped` for what
        Webcare cannot show."""
        part = message.get(kind) if isinstance(kind, str) else None
        if kind == "text":
            body = _text(part.get("body") if isinstance(part, dict) else None, "text.body")
            return body if body.strip() else None
        if kind in ("image", "sticker", "audio", "video", "document"):
            if not isinstance(part, dict):
                raise ValueError(f"a {kind} message without its {kind}")
            mime = part.get("mime_type")
            filename = _words(part.get("filename"), 200) if kind == "document" else ""
            # the media id is how the team server fetches the file (fetch_media); without one
            # the file is kept as one that cannot be fetched, with that reason
            files.append(MediaRef(
                kind=kind,
                ref=graph_id(part.get("id")) or "",
                mime=mime[:100] if isinstance(mime, str) and mime else None,
                size=_int(part.get("file_size")),
                filename=filename or None,
            ))  # fmt: skip
            caption = _text(part.get("caption"), "caption").strip()
            if caption:
                return caption
            # no caption: say what was sent, so the queue, search and notices have words too
            if kind == "document":
                return f"[document: {filename}]" if filename else "[document]"
            if kind == "audio":
                return "[voice message]" if part.get("voice") else "[audio]"
            return f"[{kind}]"
        if kind == "reaction":
            if not isinstance(part, dict):
                raise ValueError("a reaction without its reaction")
            emoji = part.get("emoji")
            target = graph_id(part.get("message_id"), 400)
            if target is not None:
                meta["quote"] = target
            if not isinstance(emoji, str) or not emoji:
                return None  # a reaction taken back
            return f"[reaction: {emoji[:20]}]"
        if kind == "button":  # a template's quick-reply button
            said = part.get("text") if isinstance(part, dict) else None
            return f"[button] {_text(said, 'button.text')}".strip()
        if kind == "interactive":
            return self._interactive(part)
        if kind == "location":
            if not isinstance(part, dict):
                raise ValueError("a location without its location")
            lat, lon = part.get("latitude"), part.get("longitude")
            words = ", ".join(w for w in (_words(part.get("name"), 200),
                                          _words(part.get("address"), 300)) if w)  # fmt: skip
            where = ""
            if isinstance(lat, int | float) and isinstance(lon, int | float):
                where = f" https://www.openstreetmap.org/?mlat={lat}&mlon={lon}"
            return f"[location] {words}{where}".strip()
        if kind == "contacts":
            people = message.get("contacts")
            cards = []
            for person in people if isinstance(people, list) else []:
                if not isinstance(person, dict):
                    continue
                name = person.get("name")
                shown = _words(name.get("formatted_name"), 200) if isinstance(name, dict) else ""
                phones = person.get("phones")
                numbers = [_words(p.get("phone"), 40) for p in phones if isinstance(p, dict)] \
                    if isinstance(phones, list) else []  # fmt: skip
                cards.append(" ".join([shown or "?", *[n for n in numbers if n]]))
            return "[contact] " + "; ".join(cards) if cards else "[contact]"
        if kind in ("unsupported", "unknown"):
            errors = message.get("errors")
            what = ""
            inner = message.get("unsupported")
            if isinstance(inner, dict) and isinstance(inner.get("type"), str):
                what = f" ({inner['type'][:40]})"
            first = errors[0] if isinstance(errors, list) and errors else None
            words = _words(first.get("title"), 120) if isinstance(first, dict) else ""
            raise Skipped(f"an unsupported message{what}: {words or 'WhatsApp sent no content'}")
        raise Skipped(f"a message of type {str(kind)[:40]!r}, which Webcare does not show")

    def _interactive(self, part: Any) -> str | None:
        if not isinstance(part, dict):
            raise ValueError("an interactive message without its content")
        form = part.get("type")
        reply = part.get(form) if isinstance(form, str) else None
        if form in ("button_reply", "list_reply") and isinstance(reply, dict):
            title = _text(reply.get("title"), "title").strip()
            description = _words(reply.get("description"), 300)
            return f"[{'button' if form == 'button_reply' else 'choice'}] {title}" + (
                f" — {description}" if description else ""
            )
        if form == "nfm_reply" and isinstance(reply, dict):  # a WhatsApp Flow's answers
            answers = reply.get("response_json")
            return f"[form] {_words(answers, 1000)}".strip()
        raise Skipped(f"an interactive reply of type {str(form)[:40]!r}")

    def _status(self, status: Any) -> Receipt | None:
        if not isinstance(status, dict):
            raise ValueError("not an object")
        wamid = graph_id(status.get("id"), 400)
        kind = status.get("status")
        if kind == "played":  # a voice note was played: more than read
            kind = "read"
        if kind not in ("sent", "delivered", "read", "failed"):
            return None  # deleted, warning …: not a receipt
        at = epoch_seconds(status.get("timestamp"))
        opaque = status.get("biz_opaque_callback_data")
        reference = None
        if isinstance(opaque, str) and opaque.startswith(REFERENCE_PREFIX):
            reference = opaque[len(REFERENCE_PREFIX) :][:200] or None
        if wamid is None and reference is None:
            raise ValueError("a status without id")
        error = error_words(status.get("errors")) if kind == "failed" else None
        return Receipt(
            platform_post_id=wamid, reference=reference, status=str(kind), at=at, error=error
        )

    # --- health check (there is nothing to poll) --------------------------------------------
    def fetch(self, cursor: str | None) -> list[Batch]:
        now = self.clock()
        state: dict[str, Any] = {}
        if cursor:
            try:
                loaded = json.loads(cursor)
                state = loaded if isinstance(loaded, dict) else {}
            except ValueError:
                state = {}
        number = self.graph.object(
            "GET", f"/{self.phone_number_id}", params={"fields": NUMBER_FIELDS}
        )
        skipped: list[str] = []
        quality = number.get("quality_rating")
        if quality == "RED":
            skipped.append("WhatsApp rates the number's quality low (RED): sending may be limited.")
        subscribed = state.get("subscribed_at")
        subscribed = float(subscribed) if isinstance(subscribed, int | float) else 0.0
        if now - subscribed >= SUBSCRIBE_EVERY_S:
            self.subscribe()
            subscribed = now
        shown = number.get("display_phone_number")
        next_state: dict[str, Any] = {"subscribed_at": subscribed, "checked_at": now}
        if isinstance(shown, str):
            next_state["number"] = shown[:40]
        return [
            Batch(
                channel=self.info,
                cursor=json.dumps(next_state, sort_keys=True),
                skipped=skipped,
                wait_s=self.graph.last_wait_s,
            )
        ]

    def subscribe(self) -> None:
        """Subscribe the app to the account's webhooks (without it, no message arrives)."""
        try:
            answer = self.graph.object("POST", f"/{self.waba_id}/subscribed_apps")
        except AuthFailed:
            raise
        except ChannelError as exc:
            raise ChannelError(
                f"Could not subscribe the app to the WhatsApp account's webhooks: {exc.message}",
                permanent=exc.permanent, retry_after_s=exc.retry_after_s, status=exc.status,
            ) from exc  # fmt: skip
        if answer.get("success") is not True:
            raise MalformedResponse("WhatsApp did not confirm the webhook subscription.")

    # --- templates -------------------------------------------------------------------------
    def message_templates(self) -> TemplateList:
        """The account's approved templates (``GET /{waba-id}/message_templates``)."""
        params = {"fields": TEMPLATE_FIELDS, "status": "APPROVED", "limit": "100"}
        out = TemplateList()
        for data in self.graph.pages(f"/{self.waba_id}/message_templates", params):
            for item in data:
                try:
                    parsed = parse_template(item)
                except (ValueError, TypeError) as exc:
                    out.unsupported.append(("?", "", f"it could not be read ({exc})"))
                    continue
                if isinstance(parsed, str):
                    name = item.get("name") if isinstance(item, dict) else "?"
                    language = item.get("language") if isinstance(item, dict) else ""
                    out.unsupported.append((str(name)[:512], str(language)[:20], parsed))
                else:
                    out.templates.append(parsed)
        out.templates.sort(key=lambda t: (t.name, t.language))
        return out

    # --- deliver ---------------------------------------------------------------------------
    def deliver(self, reply: OutgoingReply) -> Delivered:
        meta = reply.mention_meta
        if meta.get("kind") != "message":
            raise ChannelError("WhatsApp: this mention is not a WhatsApp message; it cannot be"
                               " answered from here.", permanent=True)  # fmt: skip
        body: dict[str, Any] = {"messaging_product": "whatsapp", "recipient_type": "individual"}
        wa_id, user_id = meta.get("wa_id"), meta.get("user_id")
        if wa_id:
            body["to"] = "+" + wa_id.lstrip("+")
        elif user_id:
            body["recipient"] = user_id
        else:
            raise ChannelError("WhatsApp: this message has no sender to answer.", permanent=True)
        if reply.platform_template is not None:
            if reply.media:
                raise ChannelError("WhatsApp: a template message cannot carry images.",
                                   permanent=True)  # fmt: skip
            try:
                body["type"] = "template"
                body["template"] = template_payload(reply.platform_template)
            except ValueError as exc:
                raise ChannelError(f"WhatsApp: {exc}.", permanent=True) from exc
        else:
            if reply.media:
                body["type"] = "image"
                body["image"] = {"id": self.upload(reply.media), "caption": reply.text}
            else:
                body["type"] = "text"
                body["text"] = {"preview_url": False, "body": reply.text}
            quote = meta.get("quote") or reply.mention_source_id
            if quote:
                body["context"] = {"message_id": quote}
        body["biz_opaque_callback_data"] = (REFERENCE_PREFIX + reply.reference)[:512]
        answer = self._send(body)
        messages = answer.get("messages")
        first = messages[0] if isinstance(messages, list) and messages else None
        wamid = graph_id(first.get("id"), 400) if isinstance(first, dict) else None
        if wamid is None:
            # accepted (2xx) without saying its id: recorded as sent; the status brings the id
            return Delivered(platform_post_id=f"unknown:{reply.reference}")
        return Delivered(platform_post_id=wamid)

    def upload(self, media: tuple[OutgoingMedia, ...]) -> str:
        """Upload a reply's image (``POST /{phone-number-id}/media``): its media id. Raises a
        permanent :class:`ChannelError` for what WhatsApp does not take (more than one image,
        another type than JPEG or PNG, over 5 MB) before anything is sent."""
        if len(media) != 1:
            raise ChannelError(f"WhatsApp sends one image per message; this reply has"
                               f" {len(media)}.", permanent=True)  # fmt: skip
        (image,) = media
        name = image.filename or "image"
        if image.kind != "image" or image.mime not in IMAGE_TYPES:
            raise ChannelError(f"WhatsApp takes JPEG and PNG images only; {name} is"
                               f" {type_words(image.mime)}.", permanent=True)  # fmt: skip
        if len(image.data) > IMAGE_MAX_BYTES:
            raise ChannelError(
                f"WhatsApp takes images up to {size_words(IMAGE_MAX_BYTES)}; {name} is"
                f" {size_words(len(image.data))}.",
                permanent=True,
            )
        extension = {"image/jpeg": ".jpg", "image/png": ".png"}[image.mime]
        answer = self.graph.object(
            "POST",
            f"/{self.phone_number_id}/media",
            data={"messaging_product": "whatsapp", "type": image.mime},
            files={"file": (image.filename or f"image{extension}", image.data, image.mime)},
        )
        media_id = graph_id(answer.get("id"), 100)
        if media_id is None:
            raise MalformedResponse("WhatsApp did not say the uploaded image's media id.")
        return media_id

    def _send(self, body: dict[str, Any]) -> dict[str, Any]:
        """``POST /{phone-number-id}/messages``; an answer that never came (or is not Graph's)
        is "may have been posted", permanent, so nothing goes out twice by itself."""
        http = self.graph
        try:
            response = http.session.post(
                http.url(f"/{self.phone_number_id}/messages"), json=body, timeout=http.timeout
            )
        except requests.RequestException as exc:
            words = readable(str(exc))
            if _maybe_sent(exc):
                raise ChannelError(_UNKNOWN.format(what=words), permanent=True) from None
            raise ChannelError(f"Could not reach WhatsApp: {words}") from None
        http.last_wait_s = graph.usage_wait(response.headers)
        try:
            answer = response.json()
        except ValueError:
            answer = None
        if 200 <= response.status_code < 300:
            return answer if isinstance(answer, dict) else {}
        error = answer.get("error") if isinstance(answer, dict) else None
        if not isinstance(error, dict) or _int(error.get("code")) is None:
            # not Graph's answer (a proxy's page): whether Meta got the message is unknown
            raise ChannelError(_UNKNOWN.format(what=platform_message(response)), permanent=True)
        refused = graph.graph_error(response, "WhatsApp", http.last_wait_s)
        if isinstance(refused, TokenError):
            raise _token_error(refused)
        if isinstance(refused, GraphError):
            raise _whatsapp_error(refused)
        raise refused

    # --- media -----------------------------------------------------------------------------
    def fetch_media(self, ref: MediaRef, *, max_bytes: int) -> MediaBlob:
        """A customer's file by its media id: ``GET /{media-id}`` gives its size and a URL
        (valid 5 minutes; an expired one is asked for again once) that is read with the token
        too. Only Meta's own hosts are read from (:data:`MEDIA_HOSTS`; a redirect is checked
        the same way), and never more than ``max_bytes`` (+1): a file announced or found larger
        raises :class:`MediaTooLarge`. A media id that is not one, or a file that is gone (an
        inbound media id lasts 7 days), is a permanent :class:`ChannelError`."""
        media_id = ref.ref
        if not (media_id.isascii() and media_id.isdigit() and len(media_id) <= 40):
            raise ChannelError(f"WhatsApp: {media_id[:60]!r} is not a media id.", permanent=True)
        for attempt in range(2):
            info = self.graph.object(
                "GET", f"/{media_id}", params={"phone_number_id": self.phone_number_id}
            )
            url = info.get("url")
            if not isinstance(url, str) or not url:
                raise MalformedResponse("WhatsApp gave no address for the file.")
            size = _int(info.get("file_size"))
            if size is not None and size > max_bytes:
                raise _too_large(size, max_bytes)
            blob = self._download(url, max_bytes)
            if blob is not None:
                return blob
            if attempt == 0:
                continue  # the 5 minutes ran out: ask for a new address
        raise ChannelError("WhatsApp did not give the file (its address expired twice).")

    def _download(self, url: str, max_bytes: int) -> MediaBlob | None:
        """The file at ``url`` (``None``: the address expired), following at most
        :data:`MAX_REDIRECTS` redirects, each to one of Meta's hosts."""
        for _hop in range(MAX_REDIRECTS + 1):
            host = self._media_host(url)
            if host is None:
                where = urlsplit(url).hostname or url[:80]
                raise ChannelError(
                    f"WhatsApp gave a file address on another host ({where}); Webcare only"
                    " downloads from Meta's servers.",
                    permanent=True,
                )
            try:
                with self.graph.session.get(url, stream=True, timeout=self.graph.timeout,
                                            allow_redirects=False) as got:  # fmt: skip
                    location = got.headers.get("Location")
                    if got.is_redirect and location:
                        url = urljoin(url, location)
                        continue
                    if got.status_code == 404:
                        return None
                    if got.status_code != 200:
                        raise ChannelError(
                            f"WhatsApp did not give the file ({platform_message(got)}).",
                            permanent=got.status_code in (403, 410),
                            status=got.status_code,
                        )
                    announced = _int(got.headers.get("Content-Length"))
                    if announced is not None and announced > max_bytes:
                        raise _too_large(announced, max_bytes)
                    data = b"".join(_limited(got.iter_content(65536), max_bytes))
                    mime = got.headers.get("Content-Type")
            except requests.RequestException as exc:
                raise ChannelError(f"Could not download the file: {readable(str(exc))}") from None
            said = mime.split(";")[0].strip() if mime else ""
            return MediaBlob(data, said or None)
        raise ChannelError("WhatsApp redirected the file's download too often.")

    def _media_host(self, url: str) -> str | None:
        """The host of ``url`` when it is one of Meta's (https), or the Graph host itself."""
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        if parts.netloc and parts.netloc == self._graph_host:
            return host
        if parts.scheme == "https" and any(
            host == h or (h.startswith(".") and host.endswith(h)) for h in MEDIA_HOSTS
        ):
            return host
        return None

    def close(self) -> None:
        self.graph.close()


def _limited(chunks: Iterator[bytes], max_bytes: int) -> Iterator[bytes]:
    total = 0
    for chunk in chunks:
        total += len(chunk)
        if total > max_bytes:
            raise _too_large(None, max_bytes)
        yield chunk


def _too_large(size: int | None, limit: int) -> MediaTooLarge:
    if size is None:
        return MediaTooLarge(f"The file is over the {size_words(limit)} limit.")
    return MediaTooLarge(f"{size_words(size)} is over the {size_words(limit)} limit.", size=size)
