"""A synthetic year of mentions, modelled on the real sample, deterministic by seed.

Shape taken from ``../shared/data/twcs_sample.csv`` (93 tweets): customer texts of ~106
characters on average (up to ~170), brand replies ~132 characters signed by an agent (``^MM``),
about 0.9 brand replies per customer mention, follow-ups that answer the brand (threads of depth
1-4), a long-tailed brand mix (one brand has ~30 % of the traffic, the next ~18 %...), and
arrival times with a day/night and weekday rhythm. Words come from the sample's own vocabulary
plus Dutch webcare words, so FTS5 sees realistic tokens.

Two outputs of the same history:

* :func:`batches` — what a connector hands the team server (``ingest``), per brand channel;
* :func:`wire_pages` — what the server's bootstrap sends a client, entity by entity, so a
  client store can be filled through its real sync applier without a server in between.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from webcare.channels.base import Author, Batch, ChannelInfo, IncomingMention, IncomingReply
from webcare.domain.signatures import find_signature

BRANDS = (
    ("AppleSupport", 30),
    ("SpotifyCares", 18),
    ("Tesco", 18),
    ("VirginTrains", 9),
    ("British_Airways", 7),
    ("KPNwebcare", 6),
    ("Ziggo", 5),
    ("NS_online", 4),
    ("Bol_com", 3),
)
AGENTS_PER_BRAND = 12
VOCABULARY = [
    "my",
    "phone",
    "won't",
    "turn",
    "on",
    "after",
    "the",
    "update",
    "and",
    "support",
    "has",
    "not",
    "helped",
    "at",
    "all",
    "the",
    "app",
    "keeps",
    "crashing",
    "when",
    "I",
    "open",
    "a",
    "playlist",
    "train",
    "delayed",
    "again",
    "no",
    "wifi",
    "on",
    "board",
    "refund",
    "please",
    "order",
    "never",
    "arrived",
    "tracking",
    "says",
    "delivered",
    "but",
    "nothing",
    "here",
    "internet",
    "down",
    "since",
    "this",
    "morning",
    "modem",
    "blinking",
    "orange",
    "factuur",
    "te",
    "hoog",
    "abonnement",
    "opzeggen",
    "storing",
    "glasvezel",
    "wachten",
    "al",
    "twee",
    "dagen",
    "klantenservice",
    "bereikbaar",
    "pakket",
    "bezorgd",
    "retour",
    "terugbetaling",
    "vertraging",
    "trein",
    "battery",
    "drains",
    "fast",
    "screen",
    "cracked",
    "warranty",
    "repair",
    "appointment",
    "store",
    "booking",
    "seat",
    "luggage",
    "lost",
    "flight",
    "cancelled",
    "compensation",
    "voucher",
    "account",
    "locked",
    "password",
    "reset",
    "login",
    "email",
    "verification",
    "code",
    "never",
    "came",
    "billing",
    "charged",
    "twice",
    "subscription",
    "premium",
    "family",
    "plan",
]
REPLY_OPENERS = (
    "Sorry to hear that!",
    "Thanks for reaching out.",
    "We're here to help.",
    "Vervelend om te horen!",
    "Dank voor je bericht.",
    "Let's get this sorted.",
)
START = datetime(2025, 1, 1, tzinfo=UTC).timestamp()
YEAR_S = 365 * 86400.0
#: how busy each hour of the day is (UTC), from quiet nights to busy evenings
HOURLY = (1, 1, 1, 1, 1, 2, 4, 7, 9, 10, 10, 9, 9, 9, 9, 9, 9, 10, 11, 11, 9, 6, 4, 2)


@dataclass(frozen=True)
class Post:
    source_id: str
    brand: str
    author: str
    text: str
    created_at: float
    parent: str | None  # the brand reply it follows up, if any
    followers: int


@dataclass(frozen=True)
class Answer:
    source_id: str
    brand: str
    answers: str
    text: str
    created_at: float


def _text(rng: random.Random, mean: int, cap: int) -> str:
    length = max(12, min(cap, int(rng.gauss(mean, mean / 3))))
    words: list[str] = []
    size = 0
    while size < length:
        word = rng.choice(VOCABULARY)
        words.append(word)
        size += len(word) + 1
    return " ".join(words)[:length]


def _arrival(rng: random.Random) -> float:
    """A time in the year with the daily rhythm (weekends ~30 % quieter)."""
    while True:
        t = START + rng.random() * YEAR_S
        hour = int((t % 86400) // 3600)
        weekday = int((t // 86400 + 3) % 7)  # 2025-01-01 was a Wednesday
        weight = HOURLY[hour] / 11 * (0.7 if weekday >= 5 else 1.0)
        if rng.random() < weight:
            return t


def history(n_mentions: int, seed: int = 7) -> tuple[list[Post], list[Answer]]:
    """``n_mentions`` customer posts and the brand's answers to ~90 % of them."""
    rng = random.Random(seed)
    brands = [b for b, _w in BRANDS]
    weights = [w for _b, w in BRANDS]
    posts: list[Post] = []
    answers: list[Answer] = []
    n_customers = max(10, n_mentions // 3)
    next_id = 1
    while len(posts) < n_mentions:
        brand = rng.choices(brands, weights)[0]
        customer = f"cust{rng.randrange(n_customers)}"
        followers = int(rng.paretovariate(1.2) * 40)
        t = _arrival(rng)
        parent: str | None = None
        depth = rng.choices((1, 2, 3, 4), (70, 20, 7, 3))[0]
        for _level in range(depth):
            if len(posts) >= n_mentions:
                break
            sid = str(next_id)
            next_id += 1
            mention = f"@{brand} " + _text(rng, 95, 160)
            posts.append(Post(sid, brand, customer, mention, t, parent, followers))
            if rng.random() > 0.9:
                break  # never answered
            t += rng.expovariate(1 / 1800)  # ~30 min to a first answer
            aid = str(next_id)
            next_id += 1
            agent = f"A{rng.randrange(AGENTS_PER_BRAND)}"
            body = f"{rng.choice(REPLY_OPENERS)} {_text(rng, 110, 125)} ^{agent}"
            answers.append(Answer(aid, brand, sid, body, t))
            parent = aid
            t += rng.expovariate(1 / 3600)
    return posts, answers


def channel(brand: str) -> ChannelInfo:
    return ChannelInfo(
        kind="twitter", name=f"@{brand} on Twitter", brand=brand, handle=f"@{brand}", char_limit=280
    )


def batches(n_mentions: int, seed: int = 7, per_batch: int = 5000) -> Iterator[Batch]:
    """The history as connector batches (each at most ``per_batch`` posts), in time order."""
    posts, answers = history(n_mentions, seed)
    by_brand: dict[str, tuple[list[IncomingMention], list[IncomingReply]]] = {}
    for p in posts:
        by_brand.setdefault(p.brand, ([], []))[0].append(
            IncomingMention(
                source_id=p.source_id,
                author=Author(p.author, f"@{p.author}", None, p.followers),
                text=p.text,
                created_at=p.created_at,
                parent_source_id=p.parent,
            )
        )
    for a in answers:
        by_brand.setdefault(a.brand, ([], []))[1].append(
            IncomingReply(a.source_id, a.answers, a.text, a.created_at, find_signature(a.text))
        )
    for brand in sorted(by_brand):
        mentions, replies = by_brand[brand]
        # a brand reply travels in the batch of the mention it answers (never before it)
        batch_of = {m.source_id: i // per_batch for i, m in enumerate(mentions)}
        grouped: dict[int, list[IncomingReply]] = {}
        for r in replies:
            grouped.setdefault(batch_of[r.in_reply_to_source_id], []).append(r)
        for index, start in enumerate(range(0, len(mentions), per_batch)):
            yield Batch(
                channel=channel(brand),
                mentions=mentions[start : start + per_batch],
                replies=grouped.get(index, []),
            )


def _iso(t: float) -> str:
    return datetime.fromtimestamp(t, UTC).isoformat().replace("+00:00", "Z")


def wire_pages(n_mentions: int, seed: int = 7, page: int = 5000) -> Iterator[tuple[str, list[Any]]]:
    """The same history as bootstrap pages ``(entity, items)`` in the server's wire format."""
    posts, answers = history(n_mentions, seed)
    brands = sorted({b for b, _w in BRANDS})
    channel_ids = {b: i for i, b in enumerate(brands, 1)}
    yield (
        "channel",
        [
            {
                "id": i,
                "kind": "twitter",
                "name": f"@{b} on Twitter",
                "brand": b,
                "handle": f"@{b}",
                "enabled": True,
                "char_limit": 280,
                "last_fetch_at": None,
                "last_error": None,
            }
            for b, i in channel_ids.items()
        ],
    )
    agents = [
        {
            "id": 10 + i,
            "username": f"agent{i}",
            "display_name": f"Agent {i}",
            "signature": "",
            "role": "agent",
            "disabled": False,
            "brand": None,
            "can_login": False,
        }
        for i in range(AGENTS_PER_BRAND)
    ]
    yield "user", agents
    contacts: dict[str, int] = {}
    items: list[dict[str, Any]] = []
    for p in posts:
        if p.author not in contacts:
            contacts[p.author] = len(contacts) + 1
            items.append(
                {
                    "id": contacts[p.author],
                    "platform": "twitter",
                    "platform_user_id": p.author,
                    "handle": f"@{p.author}",
                    "name": None,
                    "followers": p.followers,
                }
            )
            if len(items) == page:
                yield "contact", items
                items = []
    if items:
        yield "contact", items
    answered = {a.answers: a for a in answers}
    mention_id = {p.source_id: i for i, p in enumerate(posts, 1)}
    items = []
    for i, p in enumerate(posts, 1):
        a = answered.get(p.source_id)
        status = "answered" if a else "open"
        items.append(
            {
                "id": i,
                "channel_id": channel_ids[p.brand],
                "source_id": p.source_id,
                "contact_id": contacts[p.author],
                "text": p.text,
                "url": None,
                "language": None,
                "parent_mention_id": None,
                "thread_id": i,
                "created_at": _iso(p.created_at),
                "received_at": _iso(p.created_at),
                "status": status,
                "priority": 1,
                "tags": [],
                "claim_agent_id": None,
                "claim_epoch": 0,
                "lease_remaining_s": None,
                "claimed_for_s": None,
                "replied_at": _iso(a.created_at) if a else None,
                "closed_at": None,
                "updated_at": _iso(p.created_at),
            }
        )
        if len(items) == page:
            yield "mention", items
            items = []
    if items:
        yield "mention", items
    items = []
    for a in answers:
        items.append(
            {
                "id": f"twitter:{a.source_id}",
                "mention_id": mention_id[a.answers],
                "agent_id": 10 + int(a.text.rsplit("^A", 1)[1]),
                "body": a.text,
                "template_id": None,
                "accepted_at": _iso(a.created_at),
                "posted_at": _iso(a.created_at),
                "delivery_state": "imported",
                "delivery_error": None,
                "platform_post_id": a.source_id,
                "posted_url": None,
                "delivery_attempts": 0,
                "automatic": False,
            }
        )
        if len(items) == page:
            yield "reply", items
            items = []
    if items:
        yield "reply", items
