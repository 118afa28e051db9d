"""The HTTP helpers shared by the connectors: rate limits, error words, status mapping."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from webcare.channels.errors import AuthFailed, ChannelError, MalformedResponse, RateLimited
from webcare.channels.http import (
    USER_AGENT,
    Http,
    platform_message,
    rate_limit_wait,
    retry_after,
    server_error_wait,
)

NOW = 1_700_000_000.0


# --- retry_after ----------------------------------------------------------------------------
def test_retry_after_seconds() -> None:
    assert retry_after({"Retry-After": "120"}, NOW) == 120.0
    assert retry_after({"retry-after": " 7 "}, NOW) == 7.0


def test_retry_after_http_date() -> None:
    when = formatdate(NOW + 90, usegmt=True)  # "Tue, 14 Nov 2023 22:14:50 GMT"
    assert retry_after({"Retry-After": when}, NOW) == 90.0
    past = formatdate(NOW - 90, usegmt=True)
    assert retry_after({"Retry-After": past}, NOW) == 0.0


def test_retry_after_iso_reset() -> None:  # Mastodon
    headers = {"X-RateLimit-Reset": "2023-11-14T22:18:20.000Z"}
    assert retry_after(headers, NOW) == pytest.approx(300.0)
    assert retry_after({"X-RateLimit-Reset": "2023-11-14T22:18:20+00:00"}, NOW) == 300.0


def test_retry_after_epoch_reset() -> None:  # X, Bluesky
    assert retry_after({"x-rate-limit-reset": str(int(NOW) + 45)}, NOW) == 45.0
    assert retry_after({"RateLimit-Reset": str(int(NOW) + 10)}, NOW) == 10.0
    assert retry_after({"x-rate-limit-reset": str(int(NOW) - 10)}, NOW) == 0.0
    assert retry_after({"x-rate-limit-reset": "30"}, NOW) == 30.0  # small: seconds from now


def test_retry_after_prefers_retry_after_and_ignores_garbage() -> None:
    both = {"Retry-After": "5", "x-rate-limit-reset": str(int(NOW) + 500)}
    assert retry_after(both, NOW) == 5.0
    garbage = {"Retry-After": "soon", "x-rate-limit-reset": str(int(NOW) + 20)}
    assert retry_after(garbage, NOW) == 20.0  # falls back to the reset header
    assert retry_after({"Retry-After": "soon"}, NOW) is None
    assert retry_after({"X-RateLimit-Reset": "tomorrow"}, NOW) is None
    assert retry_after({"X-RateLimit-Reset": " "}, NOW) is None
    assert retry_after({}, NOW) is None


def test_server_error_wait_takes_the_reset_only_when_the_quota_is_spent() -> None:
    reset = {"X-RateLimit-Remaining": "299", "X-RateLimit-Reset": "2023-11-14T22:18:20Z"}
    assert server_error_wait(reset, NOW) is None  # Mastodon sends it with every answer
    assert server_error_wait({**reset, "X-RateLimit-Remaining": "0"}, NOW) == 300.0
    assert server_error_wait({**reset, "Retry-After": "7"}, NOW) == 7.0
    assert server_error_wait({"Retry-After": "soon"}, NOW) is None
    assert server_error_wait({}, NOW) is None


# --- rate_limit_wait ------------------------------------------------------------------------
def test_rate_limit_wait_only_when_spent() -> None:
    reset = str(int(NOW) + 120)
    assert (
        rate_limit_wait({"x-rate-limit-remaining": "0", "x-rate-limit-reset": reset}, NOW) == 120.0
    )
    assert (
        rate_limit_wait({"x-rate-limit-remaining": "3", "x-rate-limit-reset": reset}, NOW) is None
    )
    assert rate_limit_wait({"x-rate-limit-reset": reset}, NOW) is None


def test_rate_limit_wait_forms() -> None:
    mastodon = {"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "2023-11-14T22:14:20Z"}
    assert rate_limit_wait(mastodon, NOW) == 60.0
    bluesky = {"RateLimit-Remaining": "0", "RateLimit-Reset": str(int(NOW) + 15)}
    assert rate_limit_wait(bluesky, NOW) == 15.0
    assert rate_limit_wait({"X-RateLimit-Remaining": "0.0"}, NOW) == 60.0  # no reset: a minute
    assert rate_limit_wait({"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "x"}, NOW) is None


# --- platform_message -----------------------------------------------------------------------
def _response(
    status: int, body: bytes, reason: str = "", content_type: str = ""
) -> requests.Response:
    response = requests.Response()
    response.status_code = status
    response._content = body
    response.reason = reason
    if content_type:
        response.headers["Content-Type"] = content_type
    return response


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"error_description": "The token expired", "error": "invalid_token"}, "The token expired"),
        ({"title": "Forbidden", "detail": "Duplicate content."}, "Duplicate content."),
        ({"message": "Record not found"}, "Record not found"),
        ({"error": "Not Found"}, "Not Found"),
        ({"title": "Unauthorized"}, "Unauthorized"),
        ({"errors": [{"message": "Rate limit exceeded", "code": 88}]}, "Rate limit exceeded"),
        ({"errors": [{"detail": "Bad field"}]}, "Bad field"),
        ({"detail": "   ", "error": "Gone"}, "Gone"),
    ],
)
def test_platform_message_json_shapes(body: dict[str, Any], expected: str) -> None:
    response = _response(400, json.dumps(body).encode(), "Bad Request")
    assert platform_message(response) == f"HTTP 400: {expected}"


def test_platform_message_without_json() -> None:
    assert platform_message(_response(502, b"  upstream down  ")) == "HTTP 502: upstream down"
    long = platform_message(_response(500, b"x" * 500))
    assert long == "HTTP 500: " + "x" * 199 + "…"
    lines = platform_message(_response(500, b"line one\r\n\tline two\x00\x1b[31m"))
    assert lines == "HTTP 500: line one line two [31m"
    assert platform_message(_response(503, b"", "Service Unavailable")) == (
        "HTTP 503: Service Unavailable"
    )
    assert platform_message(_response(418, b"")) == "HTTP 418"
    # JSON, but none of the known keys: the raw body
    assert platform_message(_response(400, b'{"errors": []}')) == 'HTTP 400: {"errors": []}'


NGINX_502 = (
    b"<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
    b"<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n"
    b"</body>\r\n</html>\r\n"
)


@pytest.mark.parametrize(
    ("status", "reason", "content_type", "body", "expected"),
    [
        (502, "Bad Gateway", "text/html", NGINX_502, "HTTP 502 Bad Gateway: nginx"),
        (
            502,
            "Bad Gateway",
            "text/html; charset=utf-8",
            b"<html><body><h1>502 Bad Gateway</h1></body></html>",
            "HTTP 502 Bad Gateway",
        ),
        (  # served as text/plain: the markup is recognised all the same
            500,
            "Internal Server Error",
            "text/plain",
            b"<html><body><h1>We're sorry, but something went wrong.</h1></body></html>",
            "HTTP 500 Internal Server Error: We're sorry, but something went wrong.",
        ),
        (  # no reason phrase on the status line: the standard one
            503,
            "",
            "text/html",
            b"<!DOCTYPE html><html><head><style>h1 {color: red}</style>"
            b"<script>var x = '<b>';</script><title>Onderhoud &amp; updates</title></head>"
            b"<body><h1>Even geduld</h1></body></html>",
            "HTTP 503 Service Unavailable: Onderhoud & updates",
        ),
    ],
)
def test_an_html_error_page_becomes_its_status_and_a_short_summary(
    status: int, reason: str, content_type: str, body: bytes, expected: str
) -> None:
    message = platform_message(_response(status, body, reason, content_type))
    assert message == expected
    assert "<" not in message


def test_a_long_error_page_is_cut_at_a_word() -> None:
    page = b"<html><body><p>" + b"The upstream server did not answer in time. " * 20 + b"</p>"
    message = platform_message(_response(504, page, "Gateway Timeout", "text/html"))
    head = "HTTP 504 Gateway Timeout: "
    assert message.startswith(head + "The upstream server did not answer in time. The")
    words = message.removeprefix(head)
    assert len(words) <= 200 and words.endswith("…")
    assert words.removesuffix("…").split()[-1] in "The upstream server did not answer in time"


# --- Http.request against a tiny local server -----------------------------------------------
class _Handler(BaseHTTPRequestHandler):
    timeout = 5

    def do_GET(self) -> None:
        split = urlsplit(self.path)
        query = {k: v[-1] for k, v in parse_qs(split.query).items()}
        if split.path == "/slow":
            time.sleep(0.5)
        status = int(query.pop("status", "200"))
        body = query.pop("body", json.dumps({"ok": True, "agent": self.headers["User-Agent"]}))
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for name, value in query.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = False
    block_on_close = True


@pytest.fixture
def http() -> Iterator[Http]:
    server = _Server(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="tiny-http"
    )
    thread.start()
    client = Http(
        f"http://127.0.0.1:{server.server_address[1]}/",
        platform="Testbook",
        clock=lambda: NOW,
        timeout=(1.0, 0.2),
    )
    try:
        yield client
    finally:
        client.close()
        server.shutdown()
        server.server_close()
        thread.join(5)


def test_2xx_is_returned_with_our_user_agent(http: Http) -> None:
    assert http.json("GET", "/ok") == {"ok": True, "agent": USER_AGENT}
    assert http.last_wait_s is None
    assert http.request("GET", "/ok", params={"status": "204", "body": ""}).status_code == 204


def test_spent_quota_on_success_sets_last_wait(http: Http) -> None:
    params = {"x-rate-limit-remaining": "0", "x-rate-limit-reset": str(int(NOW) + 42)}
    http.request("GET", "/ok", params=params)
    assert http.last_wait_s == 42.0
    http.request("GET", "/ok")
    assert http.last_wait_s is None


def test_429_is_rate_limited(http: Http) -> None:
    params = {"status": "429", "Retry-After": "12", "body": '{"error": "Slow down"}'}
    with pytest.raises(RateLimited) as caught:
        http.request("GET", "/x", params=params)
    assert caught.value.retry_after_s == 12.0
    assert caught.value.status == 429
    assert caught.value.permanent is False
    assert caught.value.message == "Testbook refused the request (HTTP 429: Slow down)."
    with pytest.raises(RateLimited) as bare:
        http.request("GET", "/x", params={"status": "429"})
    assert bare.value.retry_after_s == 60.0  # no hint: a minute


def test_401_is_auth_failed(http: Http) -> None:
    with pytest.raises(AuthFailed) as caught:
        http.request("GET", "/x", params={"status": "401", "body": '{"error": "invalid_token"}'})
    assert caught.value.status == 401
    assert caught.value.permanent is False
    assert "invalid_token" in caught.value.message


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_5xx_is_temporary(http: Http, status: int) -> None:
    with pytest.raises(ChannelError) as caught:
        http.request("GET", "/x", params={"status": str(status), "Retry-After": "3"})
    assert type(caught.value) is ChannelError
    assert caught.value.permanent is False
    assert caught.value.retry_after_s == 3.0
    assert caught.value.status == status


@pytest.mark.parametrize(
    ("status", "permanent"),
    [*((s, True) for s in (400, 403, 404, 409, 410, 422)), (408, False), (418, False)],
)
def test_4xx_permanence(http: Http, status: int, permanent: bool) -> None:
    with pytest.raises(ChannelError) as caught:
        http.request("GET", "/x", params={"status": str(status)})
    assert caught.value.permanent is permanent
    assert caught.value.status == status
    assert caught.value.retry_after_s is None


def test_not_json_is_malformed(http: Http) -> None:
    with pytest.raises(MalformedResponse, match="not JSON"):
        http.json("GET", "/x", params={"body": "<html>"})


def test_timeout_and_unreachable(http: Http) -> None:
    with pytest.raises(ChannelError, match="Testbook did not answer in time") as slow:
        http.request("GET", "/slow")
    assert slow.value.permanent is False
    with socket.socket() as sock:  # a local port with nothing listening on it
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    nowhere = Http(f"http://127.0.0.1:{port}", platform="Nowhere", timeout=(0.5, 0.5))
    try:
        with pytest.raises(ChannelError, match="Could not reach Nowhere") as caught:
            nowhere.request("GET", "/")
    finally:
        nowhere.close()
    assert caught.value.status is None


def test_url_joins_paths_but_keeps_absolute_urls(http: Http) -> None:
    assert http.url("/a/b").endswith("/a/b")
    assert "//a" not in http.url("/a").split("://", 1)[1]
    assert http.url("https://other.example/x") == "https://other.example/x"
