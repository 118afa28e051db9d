"""Reading an e-mail as a mention: its text (plain text preferred, HTML converted, quoted
history dropped), its sender, date and language, whether a machine wrote it, and its files as
:class:`MediaRef` records naming their IMAP part.
"""

from __future__ import annotations

import base64
import binascii
import imaplib
import json
import quopri
import re
import time
from collections.abc import Iterator
from datetime import UTC
from email.message import EmailMessage, Message
from email.utils import parseaddr, parsedate_to_datetime
from html.parser import HTMLParser
from typing import Any

from webcare.channels.base import (
    MediaRef,
)
from webcare.channels.errors import (
    ChannelError,
)
from webcare.domain.media import kind_for

MAX_TEXT = 20_000  # characters of mention text
MAX_ATTACHMENTS = 20  # files kept per message


def clean_address(value: str | None) -> str | None:
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


def header_ids(value: Any) -> list[str]:
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


def decode_part(raw: bytes, encoding: str) -> bytes:
    if encoding == "base64":
        try:
            return base64.b64decode(b"".join(raw.split()), validate=False)
        except (binascii.Error, ValueError) as exc:
            raise ChannelError(f"The attachment is not valid base64 ({exc}).",
                               permanent=True) from exc  # fmt: skip
    if encoding == "quoted-printable":
        return quopri.decodestring(raw)
    return raw


def cap_text(text: str) -> str:
    return text if len(text) <= MAX_TEXT else text[: MAX_TEXT - 1] + "…"


def auto_generated(msg: EmailMessage, sender: str) -> str | None:
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


def sent_at(msg: EmailMessage, internaldate: bytes | None, now: float) -> float:
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


def content_language(msg: EmailMessage) -> str | None:
    value = str(msg.get("Content-Language", "")).split(",")[0].strip().lower()
    primary = value.split("-")[0]
    return primary if _LANGUAGE.match(primary) else None


def first_address(msg: EmailMessage, header: str) -> tuple[str, str | None] | None:
    """(address, display name) of the first address in ``header``."""
    value = msg.get(header)
    if value is None:
        return None
    addresses = getattr(value, "addresses", None)
    if addresses:
        first = addresses[0]
        addr = clean_address(first.addr_spec)
        if addr:
            return addr, (first.display_name or None)
    name, raw = parseaddr(str(value))
    addr = clean_address(raw)
    return (addr, name or None) if addr else None
