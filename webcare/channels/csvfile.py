"""A simple generic CSV format for mentions from anywhere (an export, a spreadsheet, a script).

Columns (a header row is required; only ``id``, ``author`` and ``text`` must be filled)::

    id, author, author_name, followers, text, created_at, url, in_reply_to, language

``created_at`` is ISO 8601 (``2026-11-20T10:00:00+01:00``; no offset = UTC) or unix seconds.
Bad rows are reported with their line number and skipped; re-importing a file changes nothing
(mentions are unique per channel and id). Import only: the channel it creates cannot reply
until an admin gives it a live connector.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path

from webcare.channels.base import Author, Batch, ChannelInfo, ConnectorBase, IncomingMention
from webcare.domain.errors import ValidationError

COLUMNS = (
    "id",
    "author",
    "author_name",
    "followers",
    "text",
    "created_at",
    "url",
    "in_reply_to",
    "language",
)
REQUIRED = ("id", "author", "text")
MAX_TEXT = 20_000


def check_width(row: Mapping[str | None, object], header: Sequence[str] | None) -> None:
    """Refuse a row with more fields than the header: its columns moved, its text would be cut."""
    extra = row.get(None)
    if isinstance(extra, list) and extra:
        width = len(header or []) + len(extra)
        raise ValueError(
            f"{width} fields where the header has {len(header or [])}"
            " (a comma in a text without quotes?)"
        )


def _followers(value: str) -> int:
    try:
        followers = int(value)
    except ValueError:
        raise ValueError(f"followers {value[:30]!r} is not a whole number") from None
    if followers < 0:
        raise ValueError("followers must not be negative")
    return followers


def _time(value: str) -> float:
    value = value.strip()
    if not value:
        raise ValueError("created_at is empty")
    try:
        return float(value)
    except ValueError:
        pass
    try:
        when = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(f"created_at {value!r} is not ISO 8601 or unix seconds") from None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.timestamp()


def read_rows(lines: Iterable[str], info: ChannelInfo) -> Batch:
    reader = csv.DictReader(lines)
    missing = [c for c in REQUIRED if c not in (reader.fieldnames or [])]
    if missing:
        raise ValidationError(
            f"The CSV needs the columns {', '.join(REQUIRED)}; missing: {', '.join(missing)}."
            f" Known columns: {', '.join(COLUMNS)}.",
            title="Unknown file format",
        )
    mentions: list[IncomingMention] = []
    skipped: list[str] = []
    for row in reader:
        line = reader.line_num
        source_id = (row.get("id") or "").strip()
        where = f"line {line} (id {source_id[:60]})" if source_id else f"line {line}"
        try:
            check_width(row, reader.fieldnames)
            author = (row.get("author") or "").strip()
            text = (row.get("text") or "").strip()
            if not source_id or not author or not text:
                raise ValueError("id, author and text must not be empty")
            if len(text) > MAX_TEXT:
                raise ValueError(f"text is longer than {MAX_TEXT} characters")
            followers_raw = (row.get("followers") or "").strip()
            followers = _followers(followers_raw) if followers_raw else None
            created = (row.get("created_at") or "").strip()
            mentions.append(
                IncomingMention(
                    source_id=source_id,
                    author=Author(
                        platform_user_id=author.lower(),
                        handle=author,
                        name=(row.get("author_name") or "").strip() or None,
                        followers=followers,
                    ),
                    text=text,
                    created_at=_time(created) if created else 0.0,
                    url=(row.get("url") or "").strip() or None,
                    parent_source_id=(row.get("in_reply_to") or "").strip() or None,
                    language=(row.get("language") or "").strip() or None,
                )
            )
        except (ValueError, TypeError) as exc:
            skipped.append(f"{where}: {exc}")
    return Batch(channel=info, mentions=mentions, skipped=skipped)


class CsvConnector(ConnectorBase):
    """A generic CSV file behind the connector protocol (import only)."""

    can_reply = False

    def __init__(self, path: Path, info: ChannelInfo, now: float) -> None:
        self.path = path
        self.info = info
        self.now = now

    def fetch(self, cursor: str | None) -> list[Batch]:
        try:
            with self.path.open(encoding="utf-8-sig", newline="") as fh:
                batch = read_rows(fh, self.info)
        except UnicodeDecodeError as exc:
            raise ValidationError(
                f"{self.path.name} is not UTF-8 text ({exc.reason} at byte {exc.start}).",
                title="Cannot read file",
            ) from exc
        except OSError as exc:
            raise ValidationError(
                f"Cannot read {self.path}: {exc.strerror}.", title="Cannot read file"
            ) from exc
        # a row without a time counts as arriving now
        mentions = [
            m
            if m.created_at
            else IncomingMention(
                m.source_id, m.author, m.text, self.now, m.url, m.parent_source_id, m.language
            )
            for m in batch.mentions
        ]
        return [Batch(self.info, mentions=mentions, skipped=batch.skipped)]
