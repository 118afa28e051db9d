"""The e-mail connector: its settings, reading the mailbox over IMAP and replying over SMTP
(see :mod:`webcare.channels.mail`)."""

from __future__ import annotations

import hashlib
import imaplib
import json
import logging
import re
import smtplib
import ssl
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import format_datetime, parsedate_to_datetime
from typing import Any, Self

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
)
from webcare.channels.mail.imap import (
    MONTHS,
    as_text,
    internaldate,
    parse_cursor,
    parse_fetch,
    quote,
    said,
    utf7_mailbox,
    words,
)
from webcare.channels.mail.message import (
    attachments,
    auto_generated,
    body_text,
    cap_text,
    clean_address,
    content_language,
    decode_part,
    first_address,
    header_ids,
    sent_at,
)
from webcare.channels.settings import Settings
from webcare.domain.media import size_words

log = logging.getLogger(__name__)

TIMEOUT_S = 30.0  # every IMAP and SMTP socket
MAX_MESSAGES = 100  # per fetch; more=True when there were more
FETCH_CHUNK = 20  # messages per UID FETCH command
MAX_MESSAGE_BYTES = 512 * 1024  # read at most this much of one message (text comes first)
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


# --- parsing -------------------------------------------------------------------------------


# --- the connector -------------------------------------------------------------------------


def _reply_token(reference: str) -> str:
    """The local part of our reply's Message-ID: the reference if it is safe, else its hash."""
    if re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}", reference):
        return reference
    return "wc-" + hashlib.sha256(reference.encode()).hexdigest()[:32]


class MailConnector(ConnectorBase):
    can_reply = True
    can_lookup = True

    @classmethod
    def from_settings(
        cls, info: ChannelInfo, settings: Settings, *, clock: Callable[[], float]
    ) -> Self:
        return cls(info, settings.config, settings.secrets, clock)

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
        address = clean_address(str(config.get("address") or ""))
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
                f"Cannot reach the IMAP server {srv.host}:{srv.port}: {words(exc)}"
            ) from exc
        try:
            if srv.security == "starttls":
                imap.starttls(ssl_context=self._context())
            try:
                imap.login(quote(self.username), self.password)
            except imaplib.IMAP4.abort:
                raise
            except imaplib.IMAP4.error as exc:
                raise AuthFailed(
                    f"The IMAP server refused the login for {self.username}: {words(exc)}"
                ) from exc
            yield imap
        except imaplib.IMAP4.abort as exc:
            raise ChannelError(f"The IMAP connection was lost: {words(exc)}") from exc
        except imaplib.IMAP4.error as exc:
            raise ChannelError(f"The IMAP server said: {words(exc)}") from exc
        except OSError as exc:
            raise ChannelError(
                f"The IMAP server {srv.host}:{srv.port} failed: {words(exc)}"
            ) from exc
        finally:
            with suppress(Exception):
                imap.logout()

    @staticmethod
    def _select(imap: imaplib.IMAP4, folder: str) -> tuple[int, int] | None:
        """Open ``folder`` read-only: (UIDVALIDITY, UIDNEXT); None when it does not exist."""
        typ, _data = imap.select(utf7_mailbox(folder), readonly=True)
        if typ != "OK":
            return None
        values: list[int] = []
        for name in ("UIDVALIDITY", "UIDNEXT"):
            _typ, got = imap.response(name)
            try:
                values.append(int(as_text(got[0])) if got and got[0] is not None else 0)
            except ValueError:
                values.append(0)
        return values[0], values[1]

    @staticmethod
    def _uid_search(imap: imaplib.IMAP4, *criteria: str) -> list[int]:
        typ, data = imap.uid("SEARCH", *criteria)
        if typ != "OK":
            raise ChannelError(f"The IMAP server refused a search: {said(data[0])}")
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
            previous = parse_cursor(cursor)
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
                day = f"{since.day}-{MONTHS[since.month - 1]}-{since.year}"
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
                    raise ChannelError(f"The IMAP server refused to fetch: {said(data[0])}")
                got = parse_fetch(data)
                for uid in chunk:
                    record = got.get(uid)
                    if record is None or record.raw is None:
                        skipped.append(f"message {uid}: gone before it could be read")
                        continue
                    try:
                        result = self._mention(
                            record.raw, internaldate(record.meta), (validity, uid)
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
        sender = first_address(msg, "From")
        if sender is None:
            return "no usable From address"
        addr, name = sender
        if addr.lower() == self.address.lower():
            return f"sent from our own address {self.address} (our copy)"
        machine = auto_generated(msg, addr)
        if machine:
            return f"from {addr}: {machine}"
        subject = re.sub(r"\s+", " ", str(msg.get("Subject", ""))).strip()
        body = body_text(msg)
        text = cap_text("\n\n".join(p for p in (subject, body) if p))
        if not text:
            return f"from {addr}: no subject and no text"
        message_ids = header_ids(msg.get("Message-ID"))
        if message_ids:
            source_id, header_id = message_ids[0], f"<{message_ids[0]}>"
        else:
            head = re.split(rb"\r?\n\r?\n", raw, maxsplit=1)[0]
            source_id = "synthetic-" + hashlib.sha256(head).hexdigest()[:32]
            header_id = ""
        references = header_ids(msg.get("References"))
        in_reply_to = header_ids(msg.get("In-Reply-To"))
        parent = in_reply_to[0] if in_reply_to else (references[-1] if references else None)
        reply_to = first_address(msg, "Reply-To")
        return IncomingMention(
            source_id=source_id,
            author=Author(platform_user_id=addr.lower(), handle=addr, name=name),
            text=text,
            created_at=sent_at(msg, internaldate, self.clock()),
            parent_source_id=parent,
            language=content_language(msg),
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
            record = parse_fetch(data).get(uid) if typ == "OK" else None
        if record is None or record.raw is None:
            raise ChannelError("The message with this attachment is gone from the mailbox.",
                               permanent=True)  # fmt: skip
        if len(record.raw) > encoded_limit:
            raise MediaTooLarge(f"The file is over the {size_words(max_bytes)} limit.")
        data_bytes = decode_part(record.raw, encoding)
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
        references = header_ids(meta.get("references"))
        msg = EmailMessage(policy=policy.SMTP)
        msg["From"] = Address(display_name=self.info.brand or "", addr_spec=self.address)
        msg["To"] = to_addr
        msg["Subject"] = subject
        msg["Date"] = format_datetime(datetime.fromtimestamp(now, UTC))
        msg["Message-ID"] = f"<{self.message_id(reply)}>"
        if parent:
            parent_ids = header_ids(parent)
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
        to_addr = clean_address(reply.mention_meta.get("reply_to")) or clean_address(
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
                            as_text(text),
                        )
                smtp.data(raw)
        except smtplib.SMTPAuthenticationError as exc:
            raise AuthFailed(
                f"The SMTP server refused the login for {self.username}: "
                f"{exc.smtp_code} {said(exc.smtp_error)}"
            ) from exc
        except smtplib.SMTPRecipientsRefused as exc:
            code, text = next(iter(exc.recipients.values()))
            raise self._refused(code, text, f"the recipient {to_addr}") from exc
        except smtplib.SMTPResponseException as exc:
            raise self._refused(exc.smtp_code, exc.smtp_error, "the reply") from exc
        except smtplib.SMTPNotSupportedError as exc:
            raise ChannelError(
                f"The SMTP server {srv.host}:{srv.port} does not support {words(exc)}"
            ) from exc
        except (smtplib.SMTPException, OSError) as exc:
            raise ChannelError(
                f"Cannot send through the SMTP server {srv.host}:{srv.port}: {words(exc)}"
            ) from exc

    @staticmethod
    def _refused(code: int, text: bytes | str, what: str) -> ChannelError:
        words = f"{code} {said(text)}".strip()
        if 500 <= code < 600:
            return ChannelError(
                f"The mail server refused {what}: {words}", permanent=True, status=code
            )
        return ChannelError(f"The mail server could not take {what} now: {words}", status=code)

    def _append_sent(self, raw: bytes, now: float) -> None:
        """File a copy of the sent reply in the sent folder (made when it is missing)."""
        mailbox = utf7_mailbox(self.sent_folder)
        stamp = imaplib.Time2Internaldate(now)
        with self._imap() as imap:
            typ, data = imap.append(mailbox, r"(\Seen)", stamp, raw)
            if typ != "OK":
                imap.create(mailbox)
                typ, data = imap.append(mailbox, r"(\Seen)", stamp, raw)
            if typ != "OK":
                raise ChannelError(
                    f"The IMAP server would not file the reply in {self.sent_folder!r}:"
                    f" {said(data[0])}"
                )

    # --- lookup ----------------------------------------------------------------------------
    def lookup(self, reply: OutgoingReply) -> Delivered | None:
        wanted = self.message_id(reply)
        with self._imap() as imap:
            for folder in dict.fromkeys((self.sent_folder, self.folder)):
                if self._select(imap, folder) is None:
                    continue
                for uid in self._uid_search(imap, "HEADER", "Message-ID", quote(f"<{wanted}>")):
                    typ, data = imap.uid(
                        "FETCH", str(uid), "(UID BODY.PEEK[HEADER.FIELDS (MESSAGE-ID DATE)])"
                    )
                    record = parse_fetch(data).get(uid) if typ == "OK" else None
                    if record is None or record.raw is None:
                        continue
                    head = BytesParser(policy=policy.default).parsebytes(record.raw)
                    if wanted not in header_ids(head.get("Message-ID")):
                        continue  # a substring match on another id
                    posted: float | None = None
                    with suppress(TypeError, ValueError, IndexError):
                        posted = parsedate_to_datetime(str(head.get("Date"))).timestamp()
                    return Delivered(platform_post_id=wanted, posted_at=posted)
        return None
