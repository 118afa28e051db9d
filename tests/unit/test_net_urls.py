"""The API's paths: ids the caller passes stay inside their own path segment."""

from __future__ import annotations

from webcare.net.urls import API_ROOT, api_path


def test_api_path_joins_below_the_api_root() -> None:
    assert API_ROOT == "/v1"
    assert api_path("me") == "/v1/me"
    assert api_path("mentions", 12, "claim") == "/v1/mentions/12/claim"


def test_api_path_escapes_text_segments_whole() -> None:
    # a client or reply id with a '/', '?' or '#' must not reach another endpoint
    assert api_path("clients", "a/b?c#d") == "/v1/clients/a%2Fb%3Fc%23d"
    assert api_path("replies", "r 1", "retry") == "/v1/replies/r%201/retry"


def test_api_path_writes_numbers_as_integers() -> None:
    assert api_path("media", True) == "/v1/media/1"  # as int() did before
