"""Import of the "Customer Support on Twitter" (twcs) CSV format.

Columns: ``tweet_id, author_id, inbound, created_at, text, response_tweet_id,
in_response_to_tweet_id``. Inbound tweets (customers) become mentions; brand tweets become
replies, signed by the agent whose signature ends the text (``^MM``, ``/AY``, ``- Paige``).

The brand a customer wrote to is found, in order: from a brand tweet that answers it, from the
brand tweet it answers, from the customer tweet it follows up, from an ``@brand`` in the text.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from webcare.channels.base import (
    Author,
    Batch,
    ChannelInfo,
    ConnectorBase,
    IncomingMention,
    IncomingReply,
)
from webcare.domain.errors import ValidationError
from webcare.domain.signatures import find_signature

COLUMNS = (
    "tweet_id",
    "author_id",
    "inbound",
    "created_at",
    "text",
    "response_tweet_id",
    "in_response_to_tweet_id",
)
TWEET_LIMIT = 280
_HANDLE = re.compile(r"@(\w{1,30})")


@dataclass(frozen=True, slots=True)
class Tweet:
    tweet_id: str
    author_id: str
    inbound: bool
    created_at: float
    text: str
    responses: tuple[str, ...]
    in_response_to: str | None


def parse_time(text: str) -> float:
    """``Wed Oct 11 06:55:44 +0000 2017`` -> epoch seconds."""
    return datetime.strptime(text.strip(), "%a %b %d %H:%M:%S %z %Y").timestamp()


def channel_for(brand: str) -> ChannelInfo:
    return ChannelInfo(
        kind="twitter",
        name=f"@{brand} on Twitter",
        brand=brand,
        handle=f"@{brand}",
        char_limit=TWEET_LIMIT,
    )


def read_tweets(lines: Iterable[str]) -> tuple[list[Tweet], list[str]]:
    """Parse rows; bad rows are reported (with their line number), never fatal."""
    reader = csv.DictReader(lines)
    missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise ValidationError(
            f"This is not a twcs file: the columns {', '.join(missing)} are missing.",
            title="Unknown file format",
        )
    tweets: list[Tweet] = []
    problems: list[str] = []
    for row in reader:
        line = reader.line_num
        try:
            tweet_id = (row["tweet_id"] or "").strip()
            author = (row["author_id"] or "").strip()
            if not tweet_id or not author:
                raise ValueError("tweet_id and author_id are required")
            inbound_text = (row["inbound"] or "").strip().lower()
            if inbound_text not in ("true", "false"):
                raise ValueError(f"inbound must be True or False, not {row['inbound']!r}")
            tweets.append(
                Tweet(
                    tweet_id=tweet_id,
                    author_id=author,
                    inbound=inbound_text == "true",
                    created_at=parse_time(row["created_at"] or ""),
                    text=row["text"] or "",
                    responses=tuple(
                        r.strip() for r in (row["response_tweet_id"] or "").split(",") if r.strip()
                    ),
                    in_response_to=(row["in_response_to_tweet_id"] or "").strip() or None,
                )
            )
        except ValueError as exc:
            problems.append(f"line {line}: {exc}")
    return tweets, problems


def _brands(tweets: dict[str, Tweet]) -> dict[str, str]:
    """Map each inbound tweet id to the brand it was addressed to."""
    known = {t.author_id for t in tweets.values() if not t.inbound}
    by_lower = {b.lower(): b for b in known}
    brand_of: dict[str, str] = {}
    for t in tweets.values():
        if not t.inbound:
            continue
        for rid in t.responses:
            r = tweets.get(rid)
            if r is not None and not r.inbound:
                brand_of[t.tweet_id] = r.author_id
                break
        else:
            parent = tweets.get(t.in_response_to or "")
            if parent is not None and not parent.inbound:
                brand_of[t.tweet_id] = parent.author_id
    # a customer thread is about one brand: follow-ups inherit it from the tweet they answer,
    # and a thread's first tweet from its follow-ups (repeat for chains)
    changed = True
    while changed:
        changed = False
        for t in tweets.values():
            if not t.inbound or t.tweet_id in brand_of:
                continue
            related = [t.in_response_to or "", *t.responses]
            found = next((brand_of[r] for r in related if r in brand_of), None)
            if found:
                brand_of[t.tweet_id] = found
                changed = True
    for t in tweets.values():
        if t.inbound and t.tweet_id not in brand_of:
            for handle in _HANDLE.findall(t.text):
                if handle.lower() in by_lower:
                    brand_of[t.tweet_id] = by_lower[handle.lower()]
                    break
    return brand_of


def to_batches(tweets: list[Tweet]) -> tuple[list[Batch], list[str]]:
    """Group tweets into one batch per brand channel."""
    by_id = {t.tweet_id: t for t in tweets}
    brand_of = _brands(by_id)
    problems: list[str] = []
    batches: dict[str, Batch] = {}

    def batch(brand: str) -> Batch:
        if brand not in batches:
            batches[brand] = Batch(channel=channel_for(brand))
        return batches[brand]

    for t in sorted(tweets, key=lambda t: (t.created_at, t.tweet_id)):
        if t.inbound:
            brand = brand_of.get(t.tweet_id)
            if brand is None:
                problems.append(f"tweet {t.tweet_id}: no brand found for this customer tweet")
                continue
            batch(brand).mentions.append(
                IncomingMention(
                    source_id=t.tweet_id,
                    author=Author(platform_user_id=t.author_id, handle=f"@{t.author_id}"),
                    text=t.text,
                    created_at=t.created_at,
                    parent_source_id=t.in_response_to,
                )
            )
        else:
            if t.in_response_to is None:
                problems.append(f"tweet {t.tweet_id}: brand tweet that answers nothing")
                continue
            batch(t.author_id).replies.append(
                IncomingReply(
                    source_id=t.tweet_id,
                    in_reply_to_source_id=t.in_response_to,
                    text=t.text,
                    created_at=t.created_at,
                    signature=find_signature(t.text),
                )
            )
    return [batches[b] for b in sorted(batches)], problems


def read_file(path: Path) -> tuple[list[Batch], list[str]]:
    """Read a twcs CSV file into per-brand batches, plus the problems found on the way."""
    try:
        with path.open(encoding="utf-8", newline="") as fh:
            tweets, problems = read_tweets(fh)
    except UnicodeDecodeError as exc:
        raise ValidationError(
            f"{path.name} is not UTF-8 text ({exc.reason} at byte {exc.start}).",
            title="Cannot read file",
        ) from exc
    except OSError as exc:
        raise ValidationError(
            f"Cannot read {path}: {exc.strerror}.", title="Cannot read file"
        ) from exc
    batches, more = to_batches(tweets)
    return batches, problems + more


class TwcsConnector(ConnectorBase):
    """A twcs file behind the connector protocol: one fetch returns the whole file, per brand.

    Import only: replies to these channels wait until an admin gives them a live connector.
    """

    can_reply = False

    def __init__(self, path: Path) -> None:
        self.path = path

    def fetch(self, cursor: str | None) -> list[Batch]:
        batches, problems = read_file(self.path)
        if batches and problems:
            first = batches[0]
            skipped = [*first.skipped, *problems]
            batches[0] = Batch(first.channel, first.mentions, first.replies, skipped=skipped)
        return batches
