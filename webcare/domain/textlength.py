"""How long a reply is on its platform: the count the platform itself holds against its limit.

The team server checks a reply with :func:`measure` before it accepts it, and the composer's
counter shows :func:`measure`'s count, so the two can never disagree. The count is of the text
that will actually be posted (:func:`posted_text`), counted the way the platform counts it:

* **Mastodon** (``StatusLengthValidator``): the connector puts ``@acct `` in front of a reply
  that does not mention the author yet. The status is counted in grapheme clusters, with every
  ``http(s)://`` URL as 23 characters and a remote mention ``@user@domain`` as ``@user``.
* **Bluesky** (the ``app.bsky.feed.post`` lexicon): ``text`` has ``maxGraphemes`` 300 and
  ``maxLength`` 3000, and a lexicon's ``maxLength`` is in UTF-8 bytes. URLs count in full.
* **X** (twitter-text, configuration v3): the NFC text is weighted: a code point in U+0000 to
  U+10FF, U+2000 to U+200D, U+2010 to U+201F or U+2032 to U+2037 weighs 1, any other 2; an emoji
  (a whole emoji sequence) 2; every URL 23, with or without ``https://``. The @-names X puts in
  front of a reply are not in the text and do not count.
* **Telegram** (``sendMessage``, sent as plain text, no ``parse_mode``): "1-4096 characters after
  entities parsing". The Bot API server (tdlib) counts Unicode code points of the text after
  trimming it (``create_input_message_content``: ``utf8_length(text) > message_text_length_max``,
  "Message is too long"), not UTF-16 code units: an emoji outside the BMP is one, as a live
  measurement also found (4096 times U+1F600 accepted, 4097 refused). Entity offsets are UTF-16; the
  length check is not.
* **Facebook** (Messenger's Send API: 2000) and **Instagram** (a DM: "less than 1000
  characters" and "1000 bytes or less" in UTF-8): code points, and Instagram's bytes too.
* anything else (e-mail, RSS, a webhook, the sandbox): no limit of its own; graphemes are shown.

Grapheme clusters are Unicode's extended grapheme clusters (UAX #29), from the ``regex``
module's ``\\X``, which follows the current Unicode version.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

import regex

#: Bluesky's ``maxLength`` for a post's text, in UTF-8 bytes (``maxGraphemes`` is the channel's).
BLUESKY_MAX_BYTES = 3000
#: What a URL counts on Mastodon and X, however long it is.
URL_LENGTH = 23

PLATFORMS = {
    "mastodon": "Mastodon",
    "bluesky": "Bluesky",
    "twitter": "X",
    "facebook": "Facebook",
    "whatsapp": "WhatsApp",
    "telegram": "Telegram",
    "instagram": "Instagram",
}
#: Instagram's direct messages take 1000 UTF-8 bytes (Meta's Send API for Instagram).
INSTAGRAM_MAX_BYTES = 1000

_GRAPHEME = regex.compile(r"\X")
# An http(s) URL: a host with a dot, then anything up to white space; trailing punctuation
# (and a closing bracket that was not opened inside the URL) belongs to the sentence.
_URL = regex.compile(r"(?<![\w@])https?://(?:[\w-]+\.)+[\w-]+(?::\d{1,5})?(?:[/?#][^\s<>\"]*)?")
_TRAILING = ".,;:!?'\"*"
# X links bare domains too ("kpn.com/hulp"): the common generic TLDs and every two-letter one.
_GTLDS = (
    "com|net|org|info|biz|edu|gov|int|mil|io|co|app|dev|ai|me|tv|xyz|online|site|shop|store|"
    "tech|news|blog|eu|asia|mobi|pro|name|travel|jobs|cloud|live|page|link|club|media|email"
)
_BARE = regex.compile(
    r"(?<![\w@./:-])(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+(?:" + _GTLDS + r"|[a-z]{2})"
    r"(?![\w-])(?::\d{1,5})?(?:/[^\s<>\"]*)?",
    regex.IGNORECASE,
)
# Mastodon's Account::MENTION_RE: the local part, and an optional @domain.
_MASTODON_MENTION = regex.compile(
    r"(?<![=/\w])@([a-z0-9_]+(?:[.-]+[a-z0-9_]+)*)(?:@[\w]+(?:[.-]+[\w]+)*)?", regex.IGNORECASE
)
# What the Mastodon connector accepts as an account to mention: ``user`` or ``user@domain``.
_ACCT = regex.compile(r"[\w.-]+(?:@[\w.-]+\.[\w-]+)?")
# twitter-text v3: code point ranges that weigh 1; everything else weighs 2.
_LIGHT = ((0x0000, 0x10FF), (0x2000, 0x200D), (0x2010, 0x201F), (0x2032, 0x2037))
_EMOJI = regex.compile(
    r"\p{Emoji_Presentation}|\p{Extended_Pictographic}(?:\uFE0F|\p{Emoji_Modifier}|\u200D)"
    r"|\p{Regional_Indicator}{2}|[0-9#*]\uFE0F?\u20E3"
)


def graphemes(text: str) -> int:
    """User-perceived characters (extended grapheme clusters): ``"👍🏽"`` and ``"é"`` are one."""
    return sum(1 for _ in _GRAPHEME.finditer(text))


def utf8_bytes(text: str) -> int:
    return len(text.encode("utf-8", "surrogatepass"))


def code_points(text: str) -> int:
    """Unicode scalar values: what tdlib's ``utf8_length`` counts (``"👍🏽"`` is two)."""
    return len(text)


def _strip_trailing(url: str) -> str:
    while url and (
        url[-1] in _TRAILING
        or (url[-1] == ")" and url.count(")") > url.count("("))
        or (url[-1] == "]" and url.count("]") > url.count("["))
    ):
        url = url[:-1]
    return url


def _urls(text: str, *, bare: bool) -> list[tuple[int, int]]:
    """Where the URLs in ``text`` are (start, end), in order, not overlapping."""
    spans: list[tuple[int, int]] = []
    for match in _URL.finditer(text):
        url = _strip_trailing(match.group(0))
        spans.append((match.start(), match.start() + len(url)))
    if bare:
        for match in _BARE.finditer(text):
            start = match.start()
            if any(a <= start < b for a, b in spans):
                continue
            spans.append((start, start + len(_strip_trailing(match.group(0)))))
        spans.sort()
    return spans


def _replace_urls(text: str, spans: list[tuple[int, int]], placeholder: str) -> str:
    parts: list[str] = []
    last = 0
    for start, end in spans:
        parts.append(text[last:start])
        parts.append(placeholder)
        last = end
    parts.append(text[last:])
    return "".join(parts)


# --- Mastodon --------------------------------------------------------------------------------
def mastodon_acct(handle: str) -> str:
    """The account a Mastodon reply must mention (``user`` or ``user@domain``), or ``""``."""
    acct = (handle or "").strip().lstrip("@")
    return acct if _ACCT.fullmatch(acct) else ""


def mentions(text: str, acct: str) -> bool:
    """Whether ``text`` already mentions ``acct`` (``user`` or ``user@domain``)."""
    pattern = r"(?<![\w@/])@" + regex.escape(acct) + r"(?![\w@-])"
    return regex.search(pattern, text, regex.IGNORECASE) is not None


def mastodon_status(body: str, handle: str) -> str:
    """The status posted for ``body`` answering ``handle``: ``@acct `` in front when missing."""
    acct = mastodon_acct(handle)
    if acct and not mentions(body, acct):
        return f"@{acct} {body}"
    return body


def mastodon_length(status: str) -> int:
    """Mastodon's count: graphemes, every URL as 23, ``@user@domain`` as ``@user``."""
    text = _replace_urls(status, _urls(status, bare=False), "x" * URL_LENGTH)
    text = _MASTODON_MENTION.sub(lambda m: "@" + m.group(1), text)
    return graphemes(text)


# --- X ---------------------------------------------------------------------------------------
def _weight(ch: str) -> int:
    cp = ord(ch)
    return 1 if any(a <= cp <= b for a, b in _LIGHT) else 2


def twitter_length(text: str) -> int:
    """twitter-text's weighted length (v3): URLs 23, emoji 2, CJK and the like 2, Latin 1."""
    text = unicodedata.normalize("NFC", text)
    total = 0
    last = 0
    for start, end in [*_urls(text, bare=True), (len(text), len(text))]:
        for cluster in _GRAPHEME.findall(text[last:start]):
            if _EMOJI.match(cluster):
                total += 2
            else:
                total += sum(_weight(ch) for ch in cluster)
        if end > start:
            total += URL_LENGTH
        last = end
    return total


# --- every platform --------------------------------------------------------------------------
def posted_text(kind: str, body: str, reply_to: str = "") -> str:
    """What the connector of ``kind`` posts for ``body`` answering the author ``reply_to``."""
    if kind == "mastodon":
        return mastodon_status(body, reply_to)
    return body


@dataclass(frozen=True, slots=True)
class PostLength:
    """A reply as the platform sees it: its count against the limit, and its size in bytes."""

    kind: str
    text: str  # exactly what will be posted
    count: int  # the platform's count of ``text``
    limit: int | None  # the channel's limit for ``count``; None: no limit
    size: int  # UTF-8 bytes of ``text``
    size_limit: int | None  # a limit in bytes too (Bluesky); None: none

    @property
    def over_count(self) -> bool:
        return self.limit is not None and self.count > self.limit

    @property
    def over_size(self) -> bool:
        return self.size_limit is not None and self.size > self.size_limit

    @property
    def over(self) -> bool:
        return self.over_count or self.over_size

    def problem(self) -> str | None:
        """Why the platform would refuse the reply, in words; ``None`` when it fits."""
        platform = PLATFORMS.get(self.kind, "this channel")
        if self.over_count:
            return (
                f"The reply is {self.count} characters as {platform} counts them; the limit is"
                f" {self.limit}."
            )
        if self.over_size:
            return (
                f"The reply is {self.size} bytes long; {platform} allows {self.size_limit} bytes"
                " (emoji and accented letters take several)."
            )
        return None


def measure(kind: str, body: str, *, reply_to: str = "", limit: int | None = None) -> PostLength:
    """How long ``body`` is once posted on a ``kind`` channel whose limit is ``limit``.

    ``reply_to`` is the handle of the author being answered (Mastodon mentions them in front).
    """
    text = posted_text(kind, body, reply_to)
    size_limit: int | None = None
    if kind == "mastodon":
        count = mastodon_length(text)
    elif kind == "twitter":
        count = twitter_length(text)
    elif kind == "bluesky":
        count = graphemes(text)
        size_limit = BLUESKY_MAX_BYTES
    elif kind == "telegram":
        count = code_points(text)  # the server stores the reply trimmed, as Telegram would
    elif kind in ("facebook", "whatsapp"):
        # Messenger's Send API takes 2000 characters, WhatsApp's text 4096: code points (an
        # emoji with a skin tone is two), which is never fewer than the graphemes a person sees
        count = len(text)
    elif kind == "instagram":
        # "less than 1000 characters" and "1000 bytes or less" (a DM; a comment takes 2200)
        count = len(text)
        size_limit = INSTAGRAM_MAX_BYTES
    else:
        count = graphemes(text)
    return PostLength(
        kind=kind,
        text=text,
        count=count,
        limit=limit,
        size=utf8_bytes(text),
        size_limit=size_limit,
    )
