"""E-mail: a support mailbox read over IMAP, replies sent over SMTP.

Reading (``fetch``): the configured folder is opened read-only and messages are fetched with
``BODY.PEEK[]``, so nothing is marked as read for the people who also use the mailbox in a mail
client. The cursor is ``"<UIDVALIDITY>:<last UID read>"``. When the server renumbers the folder
(a new UIDVALIDITY), or on the very first fetch, the messages of the last ``BACKFILL_DAYS`` days
are read again: mentions are deduplicated by Message-ID on the team server, so that is harmless.

A message becomes a mention with the Message-ID (without angle brackets) as ``source_id``, the
subject and the body (plain text preferred, HTML converted, quoted history dropped) as text, and
what a reply needs (Message-ID, References, Subject, Reply-To) in ``meta``. Our own copies (sent
from the support address) and machine-made mail (auto-replies, bounces) are skipped, with a
reason.

Attachments (parts with ``Content-Disposition: attachment``, and inline images) become
:class:`MediaRef` records whose ref names the message and the part: folder, UIDVALIDITY, UID,
the IMAP section number and the part's transfer encoding. ``fetch_media`` reads exactly that
part again over IMAP (``BODY.PEEK[<section>]<0.N>``, never more than the limit needs) and
decodes it, so the team server gets the file the customer sent, whatever its size, even when
the message was larger than what ``fetch`` reads of it. Parts whose headers lie past the first
``MAX_MESSAGE_BYTES`` of a message are not seen. A reply's images go out as MIME attachments.

Replying (``deliver``): one SMTP transaction to the customer plus a blind copy to the support
address itself, then an IMAP APPEND to the sent folder. The Message-ID is derived from our reply
id (``<reference@domain>``), so a retry after a crash can *search* for it (``lookup``) in the
sent folder and in the inbox (where the blind copy lands even if the APPEND never happened).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import imaplib
import json
import logging
import quopri
import re
import smtplib
import ssl
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage, Message
from email.parser import BytesParser
from email.utils import format_datetime, parseaddr, parsedate_to_datetime
from html.parser import HTMLParser
from typing import Any

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
    OutgoingReply,
)
from webcare.channels.errors import (
    AuthFailed,
    ChannelError,
    MediaTooLarge,
    NotConfigured,
    readable,
)
from webcare.domain.media import kind_for, size_words

log = logging.getLogger(__name__)

TIMEOUT_S = 30.0  # every IMAP and SMTP socket
MAX_MESSAGES = 100  # per fetch; more=True when there were more
FETCH_CHUNK = 20  # messages per UID FETCH command
MAX_MESSAGE_BYTES = 512 * 1024  # read at most this much of one message (text comes first)
MAX_TEXT = 20_000  # characters of mention text
MAX_REFERENCES = 20  # ids kept in a reply's References header
BACKFILL_DAYS = 7  # read again on the first fetch and after a UIDVALIDITY change
SECURITY = ("ssl", "starttls", "none")
LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})

SPEC = ConnectorSpec(
    kind="email",
    label="E-mail (IMAP + SMTP)",
    fields=(
        ConfigField("imap_host", "IMAP server", required=True, help="imap.example.com"),
        ConfigField("imap_port", "IMAP port", default=993, kind="int"),
        ConfigField(
            "imap_security",
            "IMAP security",
            default="ssl",
            help='"ssl" (port 993), "starttls" (port 143), or "none" (only for localhost).',
        ),
        ConfigField("smtp_host", "SMTP server", required=True, help="smtp.example.com"),
        ConfigField("smtp_port", "SMTP port", default=587, kind="int"),
        ConfigField(
            "smtp_security",
            "SMTP security",
            default="starttls",
            help='"starttls" (port 587), "ssl" (port 465), or "none" (only for localhost).',
        ),
        ConfigField("username", "User name", help="For IMAP and SMTP; empty = the address."),
        ConfigField("password", "Password", required=True, secret=True),
        ConfigField(
            "address",
            "Support address",
            required=True,
            help="The address customers write to; replies are sent from it.",
        ),
        ConfigField("folder", "Folder to read", default="INBOX"),
        ConfigField("sent_folder", "Sent folder", default="Sent", help="Replies are filed here."),
    ),
    char_limit=None,
    can_reply=True,
    lookup="search",
    default_interval_s=60.0,
    can_attach=True,
)
MAX_ATTACHMENTS = 20  # files kept per message


# --- configuration -------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Server:
    host: str
    port: int
    security: str


def _server(config: Mapping[str, Any], prefix: str, default_port: int, default_sec: str) -> Server:
    label = prefix.upper()
    host = str(config.get(f"{prefix}_host") or "").strip()
    if not host:
        raise NotConfigured(f"{label} server is not set for this channel.")
    raw_port = config.get(f"{prefix}_port")
    try:
        port = default_port if raw_port in (None, "") else int(raw_port)
    except (TypeError, ValueError):
        raise NotConfigured(f"{label} port {raw_port!r} is not a number.") from None
    if not 0 < port < 65536:
        raise NotConfigured(f"{label} port {port} is out of range.")
    security = str(config.get(f"{prefix}_security") or default_sec).strip().lower()
    if security not in SECURITY:
        raise NotConfigured(
            f"{label} security must be one of {', '.join(SECURITY)}, not {security!r}."
        )
    if security == "none" and host.lower() not in LOOPBACK:
        raise NotConfigured(
            f'{label} security "none" would send the password unencrypted to {host}; it is only'
            ' allowed for a server on this machine (127.0.0.1 or localhost). Use "ssl" or'
            ' "starttls".'
        )
    return Server(host, port, security)


def _clean_address(value: str | None) -> str | None:
    """A bare ``local@domain`` from a header value or handle, or None when there is none."""
    if not value:
        return None
    _name, addr = parseaddr(str(value))
    addr = addr.strip()
    if addr.count("@") != 1 or any(c.isspace() or c in '<>",' for c in addr):
        return None
    local, domain = addr.split("@")
    if not local or not domain:
        return None
    return addr


def _quote(value: str) -> str:
    """An IMAP quoted string (imaplib sends arguments as they are)."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _utf7_mailbox(name: str) -> str:
    """A mailbox name in IMAP's modified UTF-7 (RFC 3501 5.1.3), quoted."""
    out: list[str] = []
    pending: list[str] = []

    def flush() -> None:
        if pending:
            data = "".join(pending).encode("utf-16-be")
            out.append("&" + base64.b64encode(data).decode().rstrip("=").replace("/", ",") + "-")
            pending.clear()

    for ch in name:
        if 0x20 <= ord(ch) <= 0x7E:
            flush()
            out.append("&-" if ch == "&" else ch)
        else:
            pending.append(ch)
    flush()
    return _quote("".join(out))


def _words(exc: BaseException) -> str:
    """The server's own words from an imaplib / smtplib error."""
    if isinstance(exc, OSError):  # ssl and socket errors: (errno, words)
        return readable(str(exc)) or type(exc).__name__
    # imaplib: the server's line as bytes; smtplib: the words
    return (_said(exc.args[0]) if exc.args else "") or type(exc).__name__


def _text(data: Any) -> str:
    if isinstance(data, bytes):
        return data.decode("utf-8", "replace")
    return str(data)


def _said(data: Any) -> str:
    """A server's answer for an error message: one line, bounded (it may be many lines)."""
    return readable(_text(data))


# --- parsing -------------------------------------------------------------------------------
_ID = re.compile(r"<([^<>\s]+)>")
_ATTRIBUTION = re.compile(
    r"^(on|op|am|le|el)\b.*\b(wrote|schreef|schrieb|a écrit|escribió)\s*:\s*$", re.IGNORECASE
)
_ORIGINAL = re.compile(
    r"^-{3,}\s*(original message|oorspronkelijk bericht|ursprüngliche nachricht)\s*-{3,}\s*$",
    re.IGNORECASE,
)
_OUTLOOK_RULE = re.compile(r"^_{10,}\s*$")
_OUTLOOK_FROM = re.compile(r"^(from|van|von|de)\s*:", re.IGNORECASE)
_LANGUAGE = re.compile(r"^[a-z]{2,3}$")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _ids(value: Any) -> list[str]:
    """Message ids (without angle brackets) in a Message-ID / In-Reply-To / References value."""
    if value is None:
        return []
    text = str(value)
    found = _ID.findall(text)
    if found:
        return list(found)
    bare = text.strip()
    return [bare] if bare and "@" in bare and not any(c.isspace() for c in bare) else []


def drop_quoted(text: str) -> str:
    """The new part of a reply: no ``>`` lines, nothing after "On ... wrote:" and the like."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    kept: list[str] = []
    for i, line in enumerate(lines):
        stripped = line.strip()
        if _ORIGINAL.match(stripped):
            break
        if (
            _OUTLOOK_RULE.match(stripped)
            and i + 1 < len(lines)
            and _OUTLOOK_FROM.match(lines[i + 1].strip())
        ):
            break
        if _ATTRIBUTION.match(stripped):
            break
        # Mail clients wrap a long attribution: "On Mon, ... Jan <\njan@x.nl> wrote:"
        if kept and _ATTRIBUTION.match(kept[-1].strip() + " " + stripped):
            kept.pop()
            break
        if stripped.startswith(">"):
            continue
        kept.append(line.rstrip())
    return _tidy("\n".join(kept))


def _tidy(text: str) -> str:
    return re.sub(r"\n{3,}", "\n\n", text.strip())


class _HtmlText(HTMLParser):
    """HTML to readable plain text; quoted history (blockquote, gmail_quote) is left out.

    Block elements ask for a line break (or a blank line); the breaks are written before the next
    text, so nested or empty blocks never pile up blank lines.
    """

    LINES = frozenset({"div", "li", "tr", "dt", "dd", "section", "article", "header", "footer"})
    PARAGRAPHS = frozenset(
        {"p", "ul", "ol", "table", "pre", "hr", "dl", "h1", "h2", "h3", "h4", "h5", "h6"}
    )
    HIDDEN = frozenset({"script", "style", "head", "title", "template"})
    QUOTE_MARKERS = ("gmail_quote", "yahoo_quoted", "moz-cite-prefix", "divrplyfwdmsg")

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.pending = 0  # line breaks to write before the next text
        self.bullet = False
        self.skip_tag: str | None = None
        self.skip_depth = 0
        self.hidden = 0
        self.href: str | None = None
        self.link_text: list[str] = []

    def _break(self, lines: int) -> None:
        self.pending = max(self.pending, lines)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.skip_tag is not None:
            if tag == self.skip_tag:
                self.skip_depth += 1
            return
        marker = " ".join(v or "" for k, v in attrs if k in ("class", "id")).lower()
        if tag == "blockquote" or (tag == "div" and any(m in marker for m in self.QUOTE_MARKERS)):
            self.skip_tag, self.skip_depth = tag, 1
            self._break(2)
        elif tag in self.HIDDEN:
            self.hidden += 1
        elif tag == "br":
            self.pending = min(self.pending + 1, 2)
        elif tag in self.LINES:
            self._break(1)
            self.bullet = tag == "li"
        elif tag in self.PARAGRAPHS:
            self._break(2)
        elif tag == "a":
            self.href = dict(attrs).get("href")
            self.link_text = []

    def handle_endtag(self, tag: str) -> None:
        if self.skip_tag is not None:
            if tag == self.skip_tag:
                self.skip_depth -= 1
                if self.skip_depth == 0:
                    self.skip_tag = None
            return
        if tag in self.HIDDEN:
            self.hidden = max(0, self.hidden - 1)
        elif tag in self.LINES:
            self._break(1)
        elif tag in self.PARAGRAPHS:
            self._break(2)
        elif tag == "a" and self.href:
            shown = "".join(self.link_text).strip()
            if self.href.startswith(("http://", "https://")) and self.href != shown:
                self._write(f" ({self.href})")
            self.href = None

    def _write(self, text: str) -> None:
        if self.pending and self.parts:
            self.parts.append("\n" * self.pending)
            text = text.lstrip()
        self.pending = 0
        if self.bullet:
            text, self.bullet = "- " + text.lstrip(), False
        self.parts.append(text)

    def handle_data(self, data: str) -> None:
        if self.skip_tag is not None or self.hidden:
            return
        text = re.sub(r"\s+", " ", data)
        if not text.strip():
            if self.parts and not self.pending:
                self.parts.append(" ")
            return
        self._write(text)
        if self.href is not None:
            self.link_text.append(text)

    def text(self) -> str:
        lines = [line.strip() for line in "".join(self.parts).split("\n")]
        return _tidy("\n".join(lines))


def html_to_text(markup: str) -> str:
    parser = _HtmlText()
    parser.feed(markup)
    parser.close()
    return parser.text()


def _part_text(part: Message) -> str:
    try:
        content = part.get_content() if isinstance(part, EmailMessage) else None
    except (LookupError, ValueError, AssertionError):
        content = None
    if isinstance(content, str):
        return content
    payload = part.get_payload(decode=True)
    return payload.decode("utf-8", "replace") if isinstance(payload, bytes) else ""


def body_text(msg: EmailMessage) -> str:
    """The message's own words: text/plain preferred, else HTML as text; history dropped."""
    part: Message | None = msg.get_body(preferencelist=("plain", "html"))
    if part is None or part.get_content_maintype() != "text":
        part = next(
            (
                p
                for p in msg.walk()
                if p.get_content_type() in ("text/plain", "text/html") and not p.get_filename()
            ),
            None,
        )
    if part is None:
        return ""
    text = _part_text(part)
    if part.get_content_subtype() == "html":
        text = html_to_text(text)
    return drop_quoted(text)


def _sections(msg: Message) -> Iterator[tuple[str, Message]]:
    """The leaf parts of a message with their IMAP section numbers (RFC 3501 6.4.5): the
    parts of a multipart are 1, 2, ...; those of a nested multipart 2.1, 2.2, ...; a message
    that is not multipart has one part, 1. Attached messages are not looked into."""
    if not msg.is_multipart():
        yield "1", msg
        return

    def walk(part: Message, prefix: str) -> Iterator[tuple[str, Message]]:
        children = part.get_payload()
        for i, child in enumerate(children if isinstance(children, list) else [], start=1):
            number = f"{prefix}.{i}" if prefix else str(i)
            if isinstance(child, Message) and child.is_multipart():
                yield from walk(child, number)
            elif isinstance(child, Message):
                yield number, child

    yield from walk(msg, "")


def attachments(msg: EmailMessage, folder: str, validity: int, uid: int) -> tuple[MediaRef, ...]:
    """The files of a message (``Content-Disposition: attachment``, and inline images) as
    refs naming their IMAP part."""
    found: list[MediaRef] = []
    for section, part in _sections(msg):
        disposition = (part.get_content_disposition() or "").lower()
        mime = part.get_content_type().lower()
        inline_image = mime.startswith("image/") and (
            disposition == "inline" or part.get("Content-ID") is not None
        )
        if disposition != "attachment" and not inline_image:
            continue
        if mime == "message/rfc822" or len(found) >= MAX_ATTACHMENTS:
            continue
        encoding = str(part.get("Content-Transfer-Encoding", "7bit")).strip().lower()
        ref = json.dumps(
            {"f": folder, "v": validity, "u": uid, "p": section, "e": encoding},
            separators=(",", ":"),
        )
        description = part.get("Content-Description")
        found.append(
            MediaRef(
                kind=kind_for(mime),
                ref=ref,
                mime=mime,
                filename=part.get_filename(),
                caption=str(description).strip() or None if description else None,
            )
        )
    return tuple(found)


def _decode(raw: bytes, encoding: str) -> bytes:
    if encoding == "base64":
        try:
            return base64.b64decode(b"".join(raw.split()), validate=False)
        except (binascii.Error, ValueError) as exc:
            raise ChannelError(f"The attachment is not valid base64 ({exc}).",
                               permanent=True) from exc  # fmt: skip
    if encoding == "quoted-printable":
        return quopri.decodestring(raw)
    return raw


def _cap(text: str) -> str:
    return text if len(text) <= MAX_TEXT else text[: MAX_TEXT - 1] + "…"


def _auto_generated(msg: EmailMessage, sender: str) -> str | None:
    """Why this message was written by a machine (auto-reply, bounce), or None."""
    auto = str(msg.get("Auto-Submitted", "")).strip().lower()
    if auto and auto.split(";")[0].strip() != "no":
        return f"auto-submitted ({auto})"
    if msg.get_content_type() == "multipart/report":
        return "a delivery or read report"
    local = sender.split("@", maxsplit=1)[0].lower()
    if local in ("mailer-daemon", "postmaster"):
        return f"a bounce from {sender}"
    if str(msg.get("Return-Path", "x")).strip() in ("<>", ""):
        return "a bounce (empty return path)"
    precedence = str(msg.get("Precedence", "")).strip().lower()
    if precedence in ("bulk", "junk", "auto_reply"):
        return f"bulk or automatic mail (Precedence: {precedence})"
    if msg.get("X-Autoreply") is not None or msg.get("X-Autorespond") is not None:
        return "an automatic reply"
    return None


def _date(msg: EmailMessage, internaldate: bytes | None, now: float) -> float:
    value = msg.get("Date")
    if value is not None:
        try:
            parsed = parsedate_to_datetime(str(value))
        except (TypeError, ValueError, IndexError):
            parsed = None
        if parsed is not None:
            if parsed.tzinfo is None:
                parsed = parsed.replace(tzinfo=UTC)
            return parsed.timestamp()
    if internaldate:
        stamp = imaplib.Internaldate2tuple(b'INTERNALDATE "' + internaldate + b'"')
        if stamp is not None:
            return time.mktime(stamp)
    return now


def _language(msg: EmailMessage) -> str | None:
    value = str(msg.get("Content-Language", "")).split(",")[0].strip().lower()
    primary = value.split("-")[0]
    return primary if _LANGUAGE.match(primary) else None


def _sender(msg: EmailMessage, header: str) -> tuple[str, str | None] | None:
    """(address, display name) of the first address in ``header``."""
    value = msg.get(header)
    if value is None:
        return None
    addresses = getattr(value, "addresses", None)
    if addresses:
        first = addresses[0]
        addr = _clean_address(first.addr_spec)
        if addr:
            return addr, (first.display_name or None)
    name, raw = parseaddr(str(value))
    addr = _clean_address(raw)
    return (addr, name or None) if addr else None


# --- the connector -------------------------------------------------------------------------
@dataclass(slots=True)
class _Fetched:
    uid: int
    meta: bytes
    raw: bytes | None


def _parse_fetch(data: list[Any]) -> dict[int, _Fetched]:
    """imaplib's FETCH answer (tuples for literals, bytes for the rest) per UID."""
    records: list[_Fetched] = []
    for item in data:
        if isinstance(item, tuple):
            records.append(_Fetched(0, bytes(item[0]), bytes(item[1])))
        elif isinstance(item, bytes):
            if re.match(rb"^\d+ \(", item) or not records:
                records.append(_Fetched(0, item, None))
            else:
                records[-1].meta += b" " + item
    out: dict[int, _Fetched] = {}
    for rec in records:
        found = re.search(rb"\bUID (\d+)", rec.meta)
        if found and rec.raw is not None:
            rec.uid = int(found.group(1))
            out[rec.uid] = rec
    return out


def _internaldate(meta: bytes) -> bytes | None:
    found = re.search(rb'INTERNALDATE "([^"]+)"', meta)
    return found.group(1) if found else None


def _parse_cursor(cursor: str | None) -> tuple[int, int] | None:
    if not cursor:
        return None
    validity, _, last = cursor.partition(":")
    try:
        return int(validity), int(last)
    except ValueError:
        return None


def _reply_token(reference: str) -> str:
    """The local part of our reply's Message-ID: the reference if it is safe, else its hash."""
    if re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}", reference):
        return reference
    return "wc-" + hashlib.sha256(reference.encode()).hexdigest()[:32]


class MailConnector(ConnectorBase):
    can_reply = True
    can_lookup = True

    def __init__(
        self,
        info: ChannelInfo,
        config: Mapping[str, Any],
        secrets: Mapping[str, str],
        clock: Callable[[], float],
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        self.info = info
        self.clock = clock
        self.imap_server = _server(config, "imap", 993, "ssl")
        self.smtp_server = _server(config, "smtp", 587, "starttls")
        address = _clean_address(str(config.get("address") or ""))
        if address is None:
            raise NotConfigured(
                f"Support address {config.get('address')!r} is not an e-mail address."
            )
        self.address = address
        self.domain = address.split("@")[1]
        self.username = str(config.get("username") or "").strip() or address
        self.password = secrets.get("password") or ""
        if not self.password:
            raise NotConfigured("Password is not set for this channel.")
        self.folder = str(config.get("folder") or "INBOX").strip() or "INBOX"
        self.sent_folder = str(config.get("sent_folder") or "Sent").strip() or "Sent"
        self._ssl_context = ssl_context

    def _context(self) -> ssl.SSLContext:
        if self._ssl_context is None:
            self._ssl_context = ssl.create_default_context()
        return self._ssl_context

    # --- IMAP ------------------------------------------------------------------------------
    @contextmanager
    def _imap(self) -> Iterator[imaplib.IMAP4]:
        srv = self.imap_server
        try:
            if srv.security == "ssl":
                imap: imaplib.IMAP4 = imaplib.IMAP4_SSL(
                    srv.host, srv.port, ssl_context=self._context(), timeout=TIMEOUT_S
                )
            else:
                imap = imaplib.IMAP4(srv.host, srv.port, timeout=TIMEOUT_S)
        except (OSError, imaplib.IMAP4.error) as exc:
            raise ChannelError(
                f"Cannot reach the IMAP server {srv.host}:{srv.port}: {_words(exc)}"
            ) from exc
        try:
            if srv.security == "starttls":
                imap.starttls(ssl_context=self._context())
            try:
                imap.login(_quote(self.username), self.password)
            except imaplib.IMAP4.abort:
                raise
            except imaplib.IMAP4.error as exc:
                raise AuthFailed(
                    f"The IMAP server refused the login for {self.username}: {_words(exc)}"
                ) from exc
            yield imap
        except imaplib.IMAP4.abort as exc:
            raise ChannelError(f"The IMAP connection was lost: {_words(exc)}") from exc
        except imaplib.IMAP4.error as exc:
            raise ChannelError(f"The IMAP server said: {_words(exc)}") from exc
        except OSError as exc:
            raise ChannelError(
                f"The IMAP server {srv.host}:{srv.port} failed: {_words(exc)}"
            ) from exc
        finally:
            with suppress(Exception):
                imap.logout()

    @staticmethod
    def _select(imap: imaplib.IMAP4, folder: str) -> tuple[int, int] | None:
        """Open ``folder`` read-only: (UIDVALIDITY, UIDNEXT); None when it does not exist."""
        typ, _data = imap.select(_utf7_mailbox(folder), readonly=True)
        if typ != "OK":
            return None
        values: list[int] = []
        for name in ("UIDVALIDITY", "UIDNEXT"):
            _typ, got = imap.response(name)
            try:
                values.append(int(_text(got[0])) if got and got[0] is not None else 0)
            except ValueError:
                values.append(0)
        return values[0], values[1]

    @staticmethod
    def _uid_search(imap: imaplib.IMAP4, *criteria: str) -> list[int]:
        typ, data = imap.uid("SEARCH", *criteria)
        if typ != "OK":
            raise ChannelError(f"The IMAP server refused a search: {_said(data[0])}")
        return sorted({int(x) for x in b" ".join(d for d in data if d).split() if x.isdigit()})

    # --- fetch -----------------------------------------------------------------------------
    def fetch(self, cursor: str | None) -> list[Batch]:
        mentions: list[IncomingMention] = []
        skipped: list[str] = []
        with self._imap() as imap:
            opened = self._select(imap, self.folder)
            if opened is None:
                raise ChannelError(
                    f"The IMAP folder {self.folder!r} does not exist for {self.username}.",
                    permanent=True,
                )
            validity, uidnext = opened
            previous = _parse_cursor(cursor)
            initial = previous is None or previous[0] != validity
            if previous is not None and not initial:
                last = previous[1]
                uids = [u for u in self._uid_search(imap, "UID", f"{last + 1}:*") if u > last]
            else:
                if previous is not None:
                    log.info(
                        "%s: UIDVALIDITY changed (%s -> %s); reading the last %s days again",
                        self.info.name,
                        previous[0],
                        validity,
                        BACKFILL_DAYS,
                    )
                since = datetime.fromtimestamp(self.clock() - BACKFILL_DAYS * 86400, UTC)
                day = f"{since.day}-{_MONTHS[since.month - 1]}-{since.year}"
                uids = self._uid_search(imap, "SINCE", day)
                last = 0
            more = len(uids) > MAX_MESSAGES
            uids = uids[:MAX_MESSAGES]
            for start in range(0, len(uids), FETCH_CHUNK):
                chunk = uids[start : start + FETCH_CHUNK]
                typ, data = imap.uid(
                    "FETCH",
                    ",".join(map(str, chunk)),
                    f"(UID INTERNALDATE BODY.PEEK[]<0.{MAX_MESSAGE_BYTES}>)",
                )
                if typ != "OK":
                    raise ChannelError(f"The IMAP server refused to fetch: {_said(data[0])}")
                got = _parse_fetch(data)
                for uid in chunk:
                    record = got.get(uid)
                    if record is None or record.raw is None:
                        skipped.append(f"message {uid}: gone before it could be read")
                        continue
                    try:
                        result = self._mention(
                            record.raw, _internaldate(record.meta), (validity, uid)
                        )
                    except Exception as exc:  # one bad message must not stop the mailbox
                        result = f"unreadable ({type(exc).__name__}: {exc})"
                    if isinstance(result, str):
                        skipped.append(f"message {uid}: {result}")
                    else:
                        mentions.append(result)
            if uids:
                last = max(last, uids[-1])
            if initial and not more:  # older messages than the window are not read later either
                last = max(last, uidnext - 1)
        return [
            Batch(
                channel=self.info,
                mentions=mentions,
                cursor=f"{validity}:{last}",
                skipped=skipped,
                more=more,
            )
        ]

    def _mention(
        self, raw: bytes, internaldate: bytes | None, where: tuple[int, int] | None = None
    ) -> IncomingMention | str:
        """The mention in one raw message, or why it is skipped (``where``: its UIDVALIDITY
        and UID, so its attachments can be fetched again)."""
        msg = BytesParser(policy=policy.default).parsebytes(raw)
        sender = _sender(msg, "From")
        if sender is None:
            return "no usable From address"
        addr, name = sender
        if addr.lower() == self.address.lower():
            return f"sent from our own address {self.address} (our copy)"
        machine = _auto_generated(msg, addr)
        if machine:
            return f"from {addr}: {machine}"
        subject = re.sub(r"\s+", " ", str(msg.get("Subject", ""))).strip()
        body = body_text(msg)
        text = _cap("\n\n".join(p for p in (subject, body) if p))
        if not text:
            return f"from {addr}: no subject and no text"
        message_ids = _ids(msg.get("Message-ID"))
        if message_ids:
            source_id, header_id = message_ids[0], f"<{message_ids[0]}>"
        else:
            head = re.split(rb"\r?\n\r?\n", raw, maxsplit=1)[0]
            source_id = "synthetic-" + hashlib.sha256(head).hexdigest()[:32]
            header_id = ""
        references = _ids(msg.get("References"))
        in_reply_to = _ids(msg.get("In-Reply-To"))
        parent = in_reply_to[0] if in_reply_to else (references[-1] if references else None)
        reply_to = _sender(msg, "Reply-To")
        return IncomingMention(
            source_id=source_id,
            author=Author(platform_user_id=addr.lower(), handle=addr, name=name),
            text=text,
            created_at=_date(msg, internaldate, self.clock()),
            parent_source_id=parent,
            language=_language(msg),
            meta={
                "message_id": header_id,
                "references": " ".join(f"<{r}>" for r in references[-MAX_REFERENCES:]),
                "subject": subject,
                "reply_to": reply_to[0] if reply_to else "",
            },
            media=attachments(msg, self.folder, *where) if where is not None else (),
        )

    def fetch_media(self, ref: MediaRef, *, max_bytes: int) -> MediaBlob:
        """One attachment, read again from its message over IMAP and decoded."""
        try:
            where = json.loads(ref.ref)
            folder, validity, uid = str(where["f"]), int(where["v"]), int(where["u"])
            section, encoding = str(where["p"]), str(where.get("e", "7bit"))
        except (ValueError, KeyError, TypeError) as exc:
            raise ChannelError("This attachment's address is unreadable.", permanent=True) from exc
        if not re.fullmatch(r"\d+(\.\d+)*", section):
            raise ChannelError("This attachment's part number is unreadable.", permanent=True)
        # base64 takes 4 bytes for 3, plus a line break every 76: read no more than that needs
        encoded_limit = max_bytes * 4 // 3 + max_bytes // 38 + 1024
        with self._imap() as imap:
            opened = self._select(imap, folder)
            if opened is None or opened[0] != validity:
                raise ChannelError(
                    f"The folder {folder!r} was renumbered or removed; the attachment cannot be"
                    " found again.",
                    permanent=True,
                )
            typ, data = imap.uid(
                "FETCH", str(uid), f"(UID BODY.PEEK[{section}]<0.{encoded_limit + 1}>)"
            )
            record = _parse_fetch(data).get(uid) if typ == "OK" else None
        if record is None or record.raw is None:
            raise ChannelError("The message with this attachment is gone from the mailbox.",
                               permanent=True)  # fmt: skip
        if len(record.raw) > encoded_limit:
            raise MediaTooLarge(f"The file is over the {size_words(max_bytes)} limit.")
        data_bytes = _decode(record.raw, encoding)
        if len(data_bytes) > max_bytes:
            raise MediaTooLarge(
                f"{size_words(len(data_bytes))} is over the {size_words(max_bytes)} limit.",
                size=len(data_bytes),
            )
        return MediaBlob(data_bytes, ref.mime)

    # --- deliver ---------------------------------------------------------------------------
    def message_id(self, reply: OutgoingReply) -> str:
        """Our reply's Message-ID without angle brackets: the same on every attempt."""
        return f"{_reply_token(reply.reference)}@{self.domain}"

    def compose(self, reply: OutgoingReply, to_addr: str, now: float) -> EmailMessage:
        meta = reply.mention_meta
        subject = meta.get("subject")
        if subject is None:  # not from this connector: the text starts with the subject
            subject = reply.mention_text.split("\n", 1)[0].strip()
        subject = re.sub(r"\s+", " ", subject).strip()
        if not re.match(r"^re\s*:", subject, re.IGNORECASE):
            subject = f"Re: {subject}" if subject else "Re: your message"
        parent = meta.get("message_id")
        source = reply.mention_source_id
        if parent is None and "@" in source and not source.startswith("synthetic-"):
            parent = f"<{source.strip('<>')}>"
        references = _ids(meta.get("references"))
        msg = EmailMessage(policy=policy.SMTP)
        msg["From"] = Address(display_name=self.info.brand or "", addr_spec=self.address)
        msg["To"] = to_addr
        msg["Subject"] = subject
        msg["Date"] = format_datetime(datetime.fromtimestamp(now, UTC))
        msg["Message-ID"] = f"<{self.message_id(reply)}>"
        if parent:
            parent_ids = _ids(parent)
            msg["In-Reply-To"] = " ".join(f"<{p}>" for p in parent_ids[:1])
            chain = [r for r in references if r not in parent_ids] + parent_ids[:1]
            msg["References"] = " ".join(f"<{r}>" for r in chain[-MAX_REFERENCES:])
        msg["X-Webcare-Reference"] = re.sub(r"[^\x21-\x7e]", "", reply.reference)[:200]
        msg.set_content(reply.text)
        for n, item in enumerate(reply.media, start=1):
            maintype, _, subtype = item.mime.partition("/")
            extension = {"jpeg": "jpg"}.get(subtype, subtype)
            msg.add_attachment(
                item.data, maintype=maintype, subtype=subtype,
                filename=item.filename or f"image-{n}.{extension}",
            )  # fmt: skip
            if item.caption:
                *_others, attached = msg.iter_parts()
                attached["Content-Description"] = " ".join(item.caption.split())
        return msg

    def deliver(self, reply: OutgoingReply) -> Delivered:
        to_addr = _clean_address(reply.mention_meta.get("reply_to")) or _clean_address(
            reply.author_handle
        )
        if to_addr is None:
            raise ChannelError(
                f"There is no e-mail address to answer to ({reply.author_handle!r}).",
                permanent=True,
            )
        if not to_addr.isascii():
            raise ChannelError(
                f"Replying to the non-ASCII address {to_addr} is not supported.", permanent=True
            )
        now = self.clock()
        msg = self.compose(reply, to_addr, now)
        raw = msg.as_bytes(policy=policy.SMTP)
        self._send(raw, to_addr)
        try:
            self._append_sent(raw, now)
        except ChannelError as exc:  # the customer has it; the blind copy lets lookup find it
            log.warning(
                "%s: reply %s sent but not filed: %s", self.info.name, reply.reference, exc.message
            )
        return Delivered(platform_post_id=self.message_id(reply), posted_at=now)

    @contextmanager
    def _smtp(self) -> Iterator[smtplib.SMTP]:
        srv = self.smtp_server
        if srv.security == "ssl":
            smtp: smtplib.SMTP = smtplib.SMTP_SSL(
                srv.host,
                srv.port,
                local_hostname=self.domain,
                timeout=TIMEOUT_S,
                context=self._context(),
            )
        else:
            smtp = smtplib.SMTP(srv.host, srv.port, local_hostname=self.domain, timeout=TIMEOUT_S)
        try:
            smtp.ehlo()
            if srv.security == "starttls":
                smtp.starttls(context=self._context())
                smtp.ehlo()
            if smtp.has_extn("auth"):
                smtp.login(self.username, self.password)
            yield smtp
        finally:
            with suppress(smtplib.SMTPException, OSError):
                smtp.quit()
            smtp.close()

    def _send(self, raw: bytes, to_addr: str) -> None:
        """One transaction: the customer first (a refusal sends nothing), then our blind copy."""
        srv = self.smtp_server
        try:
            with self._smtp() as smtp:
                code, text = smtp.mail(self.address)
                if code != 250:
                    raise smtplib.SMTPSenderRefused(code, text, self.address)
                code, text = smtp.rcpt(to_addr)
                if code not in (250, 251):
                    raise smtplib.SMTPRecipientsRefused({to_addr: (code, text)})
                if to_addr.lower() != self.address.lower():
                    code, text = smtp.rcpt(self.address)
                    if code not in (250, 251):
                        log.warning(
                            "%s: blind copy to %s refused: %s %s",
                            self.info.name,
                            self.address,
                            code,
                            _text(text),
                        )
                smtp.data(raw)
        except smtplib.SMTPAuthenticationError as exc:
            raise AuthFailed(
                f"The SMTP server refused the login for {self.username}: "
                f"{exc.smtp_code} {_said(exc.smtp_error)}"
            ) from exc
        except smtplib.SMTPRecipientsRefused as exc:
            code, text = next(iter(exc.recipients.values()))
            raise self._refused(code, text, f"the recipient {to_addr}") from exc
        except smtplib.SMTPResponseException as exc:
            raise self._refused(exc.smtp_code, exc.smtp_error, "the reply") from exc
        except smtplib.SMTPNotSupportedError as exc:
            raise ChannelError(
                f"The SMTP server {srv.host}:{srv.port} does not support {_words(exc)}"
            ) from exc
        except (smtplib.SMTPException, OSError) as exc:
            raise ChannelError(
                f"Cannot send through the SMTP server {srv.host}:{srv.port}: {_words(exc)}"
            ) from exc

    @staticmethod
    def _refused(code: int, text: bytes | str, what: str) -> ChannelError:
        words = f"{code} {_said(text)}".strip()
        if 500 <= code < 600:
            return ChannelError(
                f"The mail server refused {what}: {words}", permanent=True, status=code
            )
        return ChannelError(f"The mail server could not take {what} now: {words}", status=code)

    def _append_sent(self, raw: bytes, now: float) -> None:
        """File a copy of the sent reply in the sent folder (made when it is missing)."""
        mailbox = _utf7_mailbox(self.sent_folder)
        stamp = imaplib.Time2Internaldate(now)
        with self._imap() as imap:
            typ, data = imap.append(mailbox, r"(\Seen)", stamp, raw)
            if typ != "OK":
                imap.create(mailbox)
                typ, data = imap.append(mailbox, r"(\Seen)", stamp, raw)
            if typ != "OK":
                raise ChannelError(
                    f"The IMAP server would not file the reply in {self.sent_folder!r}:"
                    f" {_said(data[0])}"
                )

    # --- lookup ----------------------------------------------------------------------------
    def lookup(self, reply: OutgoingReply) -> Delivered | None:
        wanted = self.message_id(reply)
        with self._imap() as imap:
            for folder in dict.fromkeys((self.sent_folder, self.folder)):
                if self._select(imap, folder) is None:
                    continue
                for uid in self._uid_search(imap, "HEADER", "Message-ID", _quote(f"<{wanted}>")):
                    typ, data = imap.uid(
                        "FETCH", str(uid), "(UID BODY.PEEK[HEADER.FIELDS (MESSAGE-ID DATE)])"
                    )
                    record = _parse_fetch(data).get(uid) if typ == "OK" else None
                    if record is None or record.raw is None:
                        continue
                    head = BytesParser(policy=policy.default).parsebytes(record.raw)
                    if wanted not in _ids(head.get("Message-ID")):
                        continue  # a substring match on another id
                    posted: float | None = None
                    with suppress(TypeError, ValueError, IndexError):
                        posted = parsedate_to_datetime(str(head.get("Date"))).timestamp()
                    return Delivered(platform_post_id=wanted, posted_at=posted)
        return None


def create(
    info: ChannelInfo,
    config: Mapping[str, Any],
    secrets: Mapping[str, str],
    *,
    clock: Callable[[], float] = time.time,
) -> MailConnector:
    return MailConnector(info, config, secrets, clock)
