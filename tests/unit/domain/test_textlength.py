"""How long a reply is on its platform: known answers worked out by hand from each platform's
documented counting (Mastodon's StatusLengthValidator, the app.bsky.feed.post lexicon,
twitter-text's v3 configuration, tdlib's check of a bot's message text), and properties."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from webcare.domain import textlength
from webcare.domain.textlength import measure

REMOTE = "@jan@other.example"  # a customer on another Mastodon server
LOCAL = "@klantenservice_fan"  # one on the brand's own server (no domain in the acct)
KEYCAP = "1\ufe0f\u20e3"  # 1️⃣: three code points, seven UTF-8 bytes, one grapheme
FAMILY = "\U0001f468\u200d\U0001f469\u200d\U0001f467\u200d\U0001f466"  # 7 code points, 25 bytes


# --- Mastodon ---------------------------------------------------------------------------------
def test_a_494_character_reply_to_a_remote_account_is_counted_with_its_mention() -> None:
    body = "x" * 494
    length = measure("mastodon", body, reply_to=REMOTE, limit=500)
    assert length.text == "@jan@other.example " + body  # what the connector posts
    assert length.count == 499  # "@jan " counts 5: Mastodon drops a remote mention's domain
    assert not length.over and length.problem() is None
    # two more characters and the mention tips it over, though the body alone is 496
    over = measure("mastodon", "x" * 496, reply_to=REMOTE, limit=500)
    assert over.count == 501 and over.over
    assert over.problem() == (
        "The reply is 501 characters as Mastodon counts them; the limit is 500."
    )


def test_a_494_character_reply_to_a_local_account_is_too_long() -> None:
    # the old check (len(body) <= 500) accepted this; Mastodon answers 422
    length = measure("mastodon", "x" * 494, reply_to=LOCAL, limit=500)
    assert length.count == 494 + len("@klantenservice_fan ")
    assert length.over


def test_mastodon_counts_every_url_as_23_and_mentions_without_their_domain() -> None:
    url = "https://www.example.org/support/faq/internet/storingen?regio=utrecht&id=12345"
    assert len(url) > 23
    assert textlength.mastodon_length(f"Zie {url}.") == len("Zie ") + 23 + 1  # "." is prose
    assert textlength.mastodon_length("(zie https://kpn.com/hulp)") == 1 + 4 + 23 + 1
    assert textlength.mastodon_length("@piet@mastodon.social en @anna") == len("@piet en @anna")
    assert textlength.mastodon_length("mail jan@example.org") == len("mail jan@example.org")
    assert textlength.mastodon_length("Dank je 👍🏽 ❤️") == len("Dank je x x")  # graphemes
    # a reply full of links fits although its raw length is far over 500
    body = " ".join([url] * 20)
    assert len(body) > 1500
    assert measure("mastodon", body, reply_to=REMOTE, limit=500).count == 5 + 20 * 23 + 19


def test_a_reply_that_mentions_the_author_already_gets_no_second_mention() -> None:
    length = measure("mastodon", "Hoi @jan@other.example, we kijken mee", reply_to=REMOTE)
    assert length.text == "Hoi @jan@other.example, we kijken mee"
    assert length.count == len("Hoi @jan, we kijken mee")
    assert length.limit is None and not length.over
    # no Mastodon account to mention (an e-mail address, nothing): the text as it is
    assert measure("mastodon", "Hoi", reply_to="jan@").text == "Hoi"
    assert measure("mastodon", "Hoi", reply_to="?").text == "Hoi"
    assert textlength.posted_text("mastodon", "Hoi", "@piet") == "@piet Hoi"


# --- Bluesky ----------------------------------------------------------------------------------
def test_300_emoji_graphemes_fit_bluesky() -> None:
    body = KEYCAP * 300
    assert len(body) == 900  # code points: what the old check counted
    length = measure("bluesky", body, limit=300)
    assert (length.count, length.size) == (300, 2100)
    assert not length.over and length.problem() is None
    assert measure("bluesky", KEYCAP * 301, limit=300).over_count


def test_bluesky_holds_a_post_to_3000_utf8_bytes_too() -> None:
    body = FAMILY * 300  # 300 graphemes, 7500 bytes
    length = measure("bluesky", body, limit=300)
    assert length.count == 300 and not length.over_count
    assert length.size == 7500 and length.over_size and length.over
    assert length.problem() == (
        "The reply is 7500 bytes long; Bluesky allows 3000 bytes"
        " (emoji and accented letters take several)."
    )
    # URLs count in full on Bluesky, and nothing is put in front of a reply
    url = "https://example.org/" + "a" * 300
    assert measure("bluesky", url, reply_to="@jan.bsky.social", limit=300).count == len(url)


@pytest.mark.parametrize(
    ("text", "count"),
    [
        ("abc", 3),
        ("e\u0301", 1),  # e + combining acute
        ("\U0001f44d\U0001f3fd", 1),  # thumbs up, skin tone
        ("\U0001f1f3\U0001f1f1\U0001f1e7\U0001f1ea", 2),  # NL BE
        (FAMILY, 1),
        ("\u2764\ufe0f!\r\n", 3),  # CR LF is one
        ("\u1100\u1161\u11a8", 1),  # a Hangul syllable written as three jamo
        ("", 0),
    ],
)
def test_graphemes(text: str, count: int) -> None:
    assert textlength.graphemes(text) == count


# --- X ----------------------------------------------------------------------------------------
def test_x_weighs_urls_emoji_and_cjk_as_twitter_text_does() -> None:
    # twitter-text's own example: 13 + 3 * 2 + 1 + 2 + 1 + 23
    assert textlength.twitter_length("english text 日本語 😷 https://example.com") == 46
    assert textlength.twitter_length("a" * 280) == 280
    assert textlength.twitter_length("日" * 140) == 280
    assert textlength.twitter_length(FAMILY) == 2  # one emoji sequence
    assert textlength.twitter_length("\U0001f1f3\U0001f1f1") == 2  # a flag
    assert textlength.twitter_length("“quote” — ok") == 12  # quotes and dashes weigh 1
    assert textlength.twitter_length("…") == 2  # U+2026 is outside the light ranges
    url = "https://www.example.org/" + "a" * 100
    assert textlength.twitter_length(f"Zie {url}!") == 4 + 23 + 1
    assert textlength.twitter_length("Zie kpn.com/storing") == 4 + 23  # bare domains too
    assert textlength.twitter_length("file.txt e.g. i.e.") == len("file.txt e.g. i.e.")
    assert textlength.twitter_length("e\u0301") == 1  # NFC first: one code point


def test_x_refuses_what_a_code_point_count_accepted() -> None:
    length = measure("twitter", "日本語で" * 50, reply_to="@jan", limit=280)
    assert length.text == "日本語で" * 50  # X names the author itself; nothing in front
    assert (length.count, length.over) == (400, True)


# --- Telegram ---------------------------------------------------------------------------------
def test_telegram_counts_code_points_as_the_bot_api_does() -> None:
    # tdlib holds a bot's text to utf8_length (code points) <= 4096: not graphemes, not UTF-16
    fits = measure("telegram", "\U0001f600" * 4096, reply_to="@jan", limit=4096)
    assert (fits.text, fits.count, fits.over) == ("\U0001f600" * 4096, 4096, False)
    assert fits.size == 4 * 4096  # no byte limit of its own
    over = measure("telegram", "\U0001f600" * 4097, limit=4096)
    assert (over.count, over.over) == (4097, True)
    assert over.problem() == (
        "The reply is 4097 characters as Telegram counts them; the limit is 4096."
    )
    assert measure("telegram", FAMILY, limit=4096).count == 7  # one grapheme, 7 code points
    assert measure("telegram", KEYCAP, limit=4096).count == 3
    url = "https://www.example.org/" + "a" * 100
    assert measure("telegram", url, limit=4096).count == len(url)  # links count in full


# --- channels without a limit -----------------------------------------------------------------
@pytest.mark.parametrize("kind", ["email", "rss", "webhook", "sandbox", "test"])
def test_channels_without_a_limit_never_refuse(kind: str) -> None:
    length = measure(kind, "x" * 20_000, reply_to="@jan")
    assert length.text == "x" * 20_000 and length.count == 20_000
    assert not length.over and length.problem() is None


@given(
    st.text(max_size=400), st.sampled_from(["mastodon", "bluesky", "twitter", "telegram", "email"])
)
def test_counts_are_total_and_never_exceed_code_points_plus_urls(text: str, kind: str) -> None:
    length = measure(kind, text, reply_to="@jan@other.example", limit=500)
    assert 0 <= length.count <= 2 * len(length.text) + 23
    assert length.size == len(length.text.encode("utf-8", "surrogatepass"))
