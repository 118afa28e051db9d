"""Import of the "Customer Support on Twitter" (twcs) CSV format.

Columns: ``tweet_id, author_id, inbound, created_at, text, response_tweet_id,
in_response_to_tweet_id``. Inbound tweets (customers) become mentions; brand tweets become
replies, signed by the agent whose signature ends the text (``^MM``, ``/AY``, ``- Paige``).

The brand a customer wrote to is found, in order: from a brand tweet that answers it, from the
brand tweet it answers, from the customer tweet it follows up, from an ``@brand`` in the text.
What the team's database already holds counts too (:class:`Known`): a tweet that answers, or is
answered by, a stored tweet belongs to that tweet's channel, and an ``@brand`` may name a brand
that has no tweet in this file. Every row that cannot be imported is reported with its reason.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from webcare.channels.base import (
    Author,
    Batch,
    ChannelInfo,
    IncomingMention,
    IncomingReply,
)
from webcare.channels.csvfile import check_width
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
#: twcs author ids: anonymised customer numbers or brand screen names (letters, digits, _)
_AUTHOR = re.compile(r"[A-Za-z0-9_]{1,50}")
TIME_EXAMPLE = "Wed Oct 11 06:55:44 +0000 2017"


@dataclass(frozen=True, slots=True)
class Tweet:
    tweet_id: str
    author_id: str
    inbound: bool
    created_at: float
    text: str
    responses: tuple[str, ...]
    in_response_to: str | None
    line: int = 0  # in the file, for reporting


@dataclass(frozen=True, slots=True)
class Known:
    """What the team's database already holds, for a file that continues earlier history."""

    #: lower-case screen name (the channel's handle without ``@``) -> the stored channel
    channels: Mapping[str, ChannelInfo] = field(default_factory=dict)
    #: id of a tweet stored as a mention or reply -> lower-case screen name of its channel
    posts: Mapping[str, str] = field(default_factory=dict)


def screen_name(info: ChannelInfo) -> str:
    """The key a stored channel is known by: its handle without ``@`` (else its brand)."""
    return (info.handle.lstrip("@") or info.brand).lower()


def parse_time(text: str) -> float:
    """``Wed Oct 11 06:55:44 +0000 2017`` -> epoch seconds."""
    try:
        return datetime.strptime(text.strip(), "%a %b %d %H:%M:%S %z %Y").timestamp()
    except ValueError:
        raise ValueError(f"created_at {text!r} is not a time like {TIME_EXAMPLE!r}") from None


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
        tweet_id = (row["tweet_id"] or "").strip()
        where = f"line {line} (tweet {tweet_id})" if tweet_id else f"line {line}"
        try:
            author = (row["author_id"] or "").strip()
            check_width(row, reader.fieldnames)
            if not tweet_id or not author:
                raise ValueError("tweet_id and author_id are required")
            if not _AUTHOR.fullmatch(author):
                raise ValueError(
                    f"author_id {author[:60]!r} is not a Twitter user id or screen name"
                )
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
                    line=line,
                )
            )
        except ValueError as exc:
            problems.append(f"{where}: {exc}")
    return tweets, problems


def _brands(tweets: dict[str, Tweet], known: Known) -> dict[str, str]:
    """Map each inbound tweet id to the screen name of the brand it was addressed to."""
    in_file = {t.author_id for t in tweets.values() if not t.inbound}
    by_lower = {name: name for name in known.channels} | {b.lower(): b for b in in_file}
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
    # a tweet that answers (or is answered by) one the database holds is in that one's channel
    for t in tweets.values():
        if t.inbound and t.tweet_id not in brand_of:
            stored = (r for r in (t.in_response_to, *t.responses) if r and r not in tweets)
            found = next((known.posts[r] for r in stored if r in known.posts), None)
            if found is not None:
                brand_of[t.tweet_id] = found
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


def _where(t: Tweet) -> str:
    return f"line {t.line} (tweet {t.tweet_id})" if t.line else f"tweet {t.tweet_id}"


def to_batches(tweets: list[Tweet], known: Known | None = None) -> tuple[list[Batch], list[str]]:
    """Group tweets into one batch per brand channel (a stored channel where there is one)."""
    known = known or Known()
    by_id = {t.tweet_id: t for t in tweets}
    brand_of = _brands(by_id, known)
    problems: list[str] = []
    batches: dict[str, Batch] = {}

    def batch(brand: str) -> Batch:
        info = known.channels.get(brand.lower()) or channel_for(brand)
        if info.name not in batches:
            batches[info.name] = Batch(channel=info)
        return batches[info.name]

    for t in sorted(tweets, key=lambda t: (t.created_at, t.tweet_id)):
        if t.inbound:
            brand = brand_of.get(t.tweet_id)
            if brand is None:
                problems.append(
                    f"{_where(t)}: no brand found for this customer tweet (no brand tweet"
                    " answers it or is answered by it, and it names no known @brand)"
                )
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
                problems.append(f"{_where(t)}: brand tweet that answers nothing")
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
    ordered = sorted(batches.values(), key=lambda b: (b.channel.brand, b.channel.name))
    return ordered, problems


def read_file(
    path: Path, known: Callable[[list[Tweet]], Known] | None = None
) -> tuple[list[Batch], list[str]]:
    """Read a twcs CSV file into per-brand batches, plus every row that cannot be imported.

    ``known`` tells, for the tweets read, what the database already holds (:class:`Known`).
    """
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
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
    batches, more = to_batches(tweets, known(tweets) if known is not None else None)
    return batches, problems + more
