"""IMAP protocol helpers: quoting and mailbox names (modified UTF-7), the server's words in an
error, reading a FETCH answer per UID, and the ``"<UIDVALIDITY>:<last UID>"`` cursor.
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass
from typing import Any

from webcare.channels.errors import (
    readable,
)

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def quote(value: str) -> str:
    """An IMAP quoted string (imaplib sends arguments as they are)."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def utf7_mailbox(name: str) -> str:
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
    return quote("".join(out))


def words(exc: BaseException) -> str:
    """The server's own words from an imaplib / smtplib error."""
    if isinstance(exc, OSError):  # ssl and socket errors: (errno, words)
        return readable(str(exc)) or type(exc).__name__
    # imaplib: the server's line as bytes; smtplib: the words
    return (said(exc.args[0]) if exc.args else "") or type(exc).__name__


def as_text(data: Any) -> str:
    if isinstance(data, bytes):
        return data.decode("utf-8", "replace")
    return str(data)


def said(data: Any) -> str:
    """A server's answer for an error message: one line, bounded (it may be many lines)."""
    return readable(as_text(data))


@dataclass(slots=True)
class Fetched:
    uid: int
    meta: bytes
    raw: bytes | None


def parse_fetch(data: list[Any]) -> dict[int, Fetched]:
    """imaplib's FETCH answer (tuples for literals, bytes for the rest) per UID."""
    records: list[Fetched] = []
    for item in data:
        if isinstance(item, tuple):
            records.append(Fetched(0, bytes(item[0]), bytes(item[1])))
        elif isinstance(item, bytes):
            if re.match(rb"^\d+ \(", item) or not records:
                records.append(Fetched(0, item, None))
            else:
                records[-1].meta += b" " + item
    out: dict[int, Fetched] = {}
    for rec in records:
        found = re.search(rb"\bUID (\d+)", rec.meta)
        if found and rec.raw is not None:
            rec.uid = int(found.group(1))
            out[rec.uid] = rec
    return out


def internaldate(meta: bytes) -> bytes | None:
    found = re.search(rb'INTERNALDATE "([^"]+)"', meta)
    return found.group(1) if found else None


def parse_cursor(cursor: str | None) -> tuple[int, int] | None:
    if not cursor:
        return None
    validity, _, last = cursor.partition(":")
    try:
        return int(validity), int(last)
    except ValueError:
        return None
