"""ApiClient against the real team server (and small fake servers for what it never sends):
every failure arrives as a Webcare error with a readable message."""

from __future__ import annotations

import socket
import ssl
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any

import pytest
import trustme

from tests.support.server import PASSWORD, TestServer, running_server
from tests.support.tls import https_team_server
from webcare import __version__
from webcare.domain.errors import (
    AuthError,
    ClaimConflict,
    NotFoundError,
    PermissionDenied,
    TransientError,
    ValidationError,
    VersionConflict,
    WebcareError,
)
from webcare.domain.models import Role
from webcare.domain.wire import ChangesPage
from webcare.net.agent_api import ApiClient
from webcare.net.errors import (
    CertificateError,
    CursorGone,
    InsecureUrlError,
    OfflineError,
    OutboxOutOfStep,
    ServerError,
)
from webcare.net.team_api import TeamApi
from webcare.net.urls import normalize_url

Clients = Callable[..., ApiClient]


@pytest.fixture
def clients() -> Iterator[Clients]:
    """Make ApiClients; all of them are closed after the test."""
    made: list[ApiClient] = []

    def make(base_url: str, **kwargs: Any) -> ApiClient:
        api = ApiClient(base_url, **kwargs)
        made.append(api)
        return api

    yield make
    for api in made:
        api.close()


def signed_in(clients: Clients, server: TestServer, username: str, **kwargs: Any) -> ApiClient:
    api = clients(server.url, **kwargs)
    api.login(username, PASSWORD, "api client test")
    return api


def reply(seq: int, mid: int, epoch: int, op: str) -> dict[str, Any]:
    return {
        "client_seq": seq,
        "op_id": op,
        "type": "reply",
        "mention_id": mid,
        "claim_epoch": epoch,
        "body": "Sorry to hear that! ^Eva",
    }


# --- the real team server -------------------------------------------------------------------


def test_login_me_and_logout(server: TestServer, clients: Clients) -> None:
    eva_id = server.add_user("eva")
    api = clients(server.url + "/")
    assert api.base_url == server.url
    assert api.health()["status"] == "ok"  # no sign-in needed

    result = api.login("eva", PASSWORD, "api client test")
    assert result["token"].startswith("wct_")
    assert result["user"]["id"] == eva_id
    assert api.token == result["token"]
    assert api.me()["username"] == "eva"

    other = clients(server.url, token=result["token"])
    assert other.me()["id"] == eva_id  # a token from the keyring works the same

    api.logout()
    assert api.token is None
    with pytest.raises(AuthError) as caught:
        other.me()  # the token was revoked on the server
    assert caught.value.title == "Sign-in needed"
    other.logout()  # a dead token counts as signed out
    assert other.token is None


def test_wrong_password_is_an_auth_error_with_the_servers_message(
    server: TestServer, clients: Clients
) -> None:
    server.add_user("eva")
    api = clients(server.url)
    with pytest.raises(AuthError) as caught:
        api.login("eva", "not the password")
    assert caught.value.message == "Wrong username or password."
    assert api.token is None
    with pytest.raises(AuthError):
        api.me()  # not signed in


def test_claim_held_by_someone_else_names_the_holder(server: TestServer, clients: Clients) -> None:
    (mid,) = server.add_mentions(1)
    server.add_user("eva")
    server.add_user("tom")
    eva, tom = signed_in(clients, server, "eva"), signed_in(clients, server, "tom")

    granted = eva.claim(mid)
    assert granted["result"] == "granted"
    assert granted["mention"]["claim_epoch"] == 1
    with pytest.raises(ClaimConflict) as caught:
        tom.claim(mid)
    error = caught.value
    assert error.holder_id == server.users["eva"]
    assert error.holder_name == "Eva"
    assert 890 < error.lease_remaining_s <= 900
    assert "Eva" in error.message
    with pytest.raises(ClaimConflict):
        tom.renew(mid)
    assert eva.renew(mid)["mention"]["claim_epoch"] == 1
    assert eva.release(mid)["mention"]["claim_agent_id"] is None
    assert tom.claim(mid)["mention"]["claim_epoch"] == 2


def test_mention_contact_bootstrap_and_templates(server: TestServer, clients: Clients) -> None:
    (mid,) = server.add_mentions(1)
    server.add_user("eva")
    eva = signed_in(clients, server, "eva")
    detail = eva.mention(mid)
    assert detail["mention"]["id"] == mid
    history = eva.contact(detail["contact"]["id"])
    assert [m["id"] for m in history["mentions"]] == [mid]
    head = eva.bootstrap()
    assert head["me"]["username"] == "eva"
    page = eva.bootstrap_page("mentions", after=0, limit=10)
    assert [m["id"] for m in page["items"]] == [mid]
    assert eva.templates() == []
    assert eva.templates(include_archived=True) == []
    with pytest.raises(NotFoundError):
        eva.mention(mid + 1000)


def test_cursor_the_server_cannot_serve_is_cursor_gone(
    server: TestServer, clients: Clients
) -> None:
    server.add_user("eva")
    eva = signed_in(clients, server, "eva")
    cursor = eva.bootstrap()["cursor"]
    with pytest.raises(CursorGone) as caught:
        eva.changes(cursor + 1000)
    assert caught.value.reason == "cursor_ahead"
    assert "bootstrap again" in caught.value.message


def test_outbox_gap_and_seq_conflict_are_out_of_step(server: TestServer, clients: Clients) -> None:
    m1, m2 = server.add_mentions(2)
    server.add_user("eva")
    eva = signed_in(clients, server, "eva")
    e1 = eva.claim(m1)["mention"]["claim_epoch"]
    e2 = eva.claim(m2)["mention"]["claim_epoch"]

    with pytest.raises(OutboxOutOfStep) as caught:
        eva.post_mutations(
            "client-0001", [reply(2, m1, e1, "op-second"), reply(3, m2, e2, "op-third")]
        )
    assert caught.value.code == "gap"
    assert caught.value.last_seq == 0
    assert caught.value.results == []
    assert eva.client_state("client-0001") == 0

    ok = eva.post_mutations("client-0001", [reply(1, m1, e1, "op-first")])
    assert [r["outcome"] for r in ok["results"]] == ["accepted"]
    assert eva.client_state("client-0001") == 1
    with pytest.raises(OutboxOutOfStep) as caught:
        eva.post_mutations("client-0001", [reply(1, m1, e1, "op-different")])
    assert caught.value.code == "seq_conflict"
    assert caught.value.last_seq == 1


def test_template_writes_map_to_permission_version_and_validation_errors(
    server: TestServer, clients: Clients
) -> None:
    server.add_user("eva")
    server.add_user("anna", Role.ADMIN)
    # the template writes and assigning are the Team window's calls
    eva = TeamApi(signed_in(clients, server, "eva"))
    anna = TeamApi(signed_in(clients, server, "anna"))
    fields = {"title": "DM vragen", "body": "Hoi {{customer_name}}, stuur ons een DM!"}

    with pytest.raises(PermissionDenied) as denied:
        eva.create_template(fields)
    assert denied.value.title == "Not allowed"
    assert denied.value.message  # the server's sentence, not a status code

    tpl = anna.create_template(fields)
    assert tpl["version"] == 1
    assert anna.update_template(tpl["id"], {**fields, "title": "DM"}, version=1)["version"] == 2
    with pytest.raises(VersionConflict) as stale:
        anna.update_template(tpl["id"], {**fields, "title": "Mine"}, version=1)
    assert stale.value.current_version == 2
    assert stale.value.current["title"] == "DM"

    with pytest.raises(ValidationError) as invalid:
        anna.create_template({"title": "Broken", "body": "Hoi {{no_such_variable}}"})
    assert "no_such_variable" in invalid.value.message
    with pytest.raises(ValidationError):
        anna.create_template({"title": "", "body": "x"})
    with pytest.raises(PermissionDenied):
        eva.assign(1, server.users["eva"])  # agents cannot assign either


def test_long_poll_outlives_the_read_timeout(server: TestServer, clients: Clients) -> None:
    server.add_user("eva")
    # the poll waits twice the read timeout; the slack past its end (the read timeout itself)
    # is what a loaded machine gets to answer in, so keep it at seconds, not fractions
    eva = signed_in(clients, server, "eva", read_timeout=2.0)
    cursor = eva.bootstrap()["cursor"]
    started = time.monotonic()
    page = eva.changes(cursor, wait=4.0)
    elapsed = time.monotonic() - started
    assert page["changes"] == []
    assert page["cursor"] == cursor
    assert 3.9 <= elapsed < 10.0


def test_threads_do_not_wait_for_a_long_poll(server: TestServer, clients: Clients) -> None:
    (mid,) = server.add_mentions(1)
    server.add_user("eva")
    eva = signed_in(clients, server, "eva")
    cursor = eva.bootstrap()["cursor"]
    polled: list[ChangesPage] = []
    poller = threading.Thread(
        target=lambda: polled.append(eva.changes(cursor, wait=2.0)), name="test-long-poll"
    )
    poller.start()
    try:
        time.sleep(0.2)  # let the long-poll reach the server
        started = time.monotonic()
        assert eva.me()["username"] == "eva"  # its own session, not queued behind the poll
        eva.claim(mid)  # ... and this write wakes the poll
        assert time.monotonic() - started < 1.5
    finally:
        poller.join(10)
    assert not poller.is_alive()
    assert [c["entity"] for c in polled[0]["changes"]] == ["mention"]
    eva.close()
    assert eva.me()["username"] == "eva"  # usable after close(): a fresh session


def test_stopped_server_is_offline(tmp_path: Path, clients: Clients) -> None:
    with running_server(tmp_path) as srv:
        srv.add_user("eva")
        api = clients(srv.url)
        api.login("eva", PASSWORD)
        url = srv.url
    with pytest.raises(OfflineError) as caught:
        api.me()
    error = caught.value
    assert isinstance(error, TransientError)
    assert error.title == "Offline"
    assert error.message.startswith(f"Cannot reach the team server at {url}: connection refused")
    assert "Traceback" not in error.message
    assert "HTTPConnectionPool" not in error.message


def test_a_server_that_accepts_but_never_answers_times_out(clients: Clients) -> None:
    with socket.create_server(("127.0.0.1", 0)) as listener:  # the kernel accepts; nobody reads
        port = listener.getsockname()[1]
        api = clients(f"http://127.0.0.1:{port}", read_timeout=0.3)
        started = time.monotonic()
        with pytest.raises(OfflineError) as caught:
            api.health()
        assert time.monotonic() - started < 5
    assert "did not answer within 0.3 seconds" in caught.value.message


# --- fake servers for answers the team server never gives ----------------------------------

HTML = {"Content-Type": "text/html; charset=utf-8"}


@dataclass
class FakeServer:
    url: str
    requests: list[dict[str, str]] = field(default_factory=list)


@contextmanager
def fake_server(
    routes: dict[str, tuple[int, dict[str, str], bytes]], *, tls: ssl.SSLContext | None = None
) -> Iterator[FakeServer]:
    """A one-thread HTTP(S) server on 127.0.0.1 answering ``routes[path]`` (else an HTML 404)."""
    fake = FakeServer("")

    class Handler(BaseHTTPRequestHandler):
        def answer(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            self.rfile.read(length)
            path = self.path.split("?", 1)[0]
            fake.requests.append(
                {"method": self.command, "path": path}
                | {k.lower(): v for k, v in self.headers.items()}
            )
            status, headers, body = routes.get(path, (404, HTML, b"<h1>Not Found</h1>"))
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:
            self.answer()

        def do_POST(self) -> None:
            self.answer()

        def log_message(self, *_args: Any) -> None:
            pass

    httpd = HTTPServer(("127.0.0.1", 0), Handler)
    if tls is not None:
        httpd.socket = tls.wrap_socket(httpd.socket, server_side=True)
    scheme = "https" if tls is not None else "http"
    fake.url = f"{scheme}://127.0.0.1:{httpd.server_address[1]}"
    thread = threading.Thread(
        target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, name="fake-http-server"
    )
    thread.start()
    try:
        yield fake
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(5)


PROXY_PAGE = b"<html><body><h1>502 Bad Gateway</h1><hr>nginx</body></html>"


def test_non_json_error_pages_become_readable_errors(clients: Clients) -> None:
    routes = {
        "/v1/health": (502, {**HTML, "Retry-After": "7"}, PROXY_PAGE),
        "/v1/me": (500, HTML, b"<html><body>Internal Server Error</body></html>"),
        "/v1/bootstrap": (503, {"Content-Type": "text/plain"}, b"maintenance"),
        "/v1/templates": (200, HTML, b"<html>Welcome to nginx!</html>"),
        "/v1/auth/login": (429, {"Retry-After": "12", "Content-Type": "application/json"},
                           b'{"error": "too_many_attempts", "message": "Slow down."}'),
        "/v1/changes": (504, {**HTML, "Retry-After": "soon"}, b"<h1>Gateway Timeout</h1>"),
        "/v1/clients/client-0001": (301, {"Location": "https://elsewhere.example/"}, b""),
    }  # fmt: skip
    with fake_server(routes) as fake:
        api = clients(fake.url, token="wct_test")

        with pytest.raises(TransientError) as proxy:
            api.health()
        assert proxy.value.retry_after_s == 7
        assert proxy.value.message == (
            f"The team server at {fake.url} is temporarily unavailable (502 Bad Gateway)."
            " Webcare will try again."
        )
        assert "<html>" not in proxy.value.message

        with pytest.raises(ServerError) as internal:
            api.me()
        assert internal.value.message.startswith("The team server had an internal error (500).")
        assert not isinstance(internal.value, TransientError)

        with pytest.raises(TransientError) as unavailable:
            api.bootstrap()
        assert unavailable.value.retry_after_s == 2.0  # no Retry-After: the default

        with pytest.raises(TransientError) as gateway:
            api.changes(0)
        assert gateway.value.retry_after_s == 2.0  # an unreadable Retry-After: the default

        with pytest.raises(ServerError) as not_json:
            api.templates()
        assert "cannot read" in not_json.value.message

        with pytest.raises(TransientError) as throttled:
            api.login("eva", "x")
        assert throttled.value.retry_after_s == 12
        assert throttled.value.message == "Slow down."

        with pytest.raises(NotFoundError) as missing:
            api.mention(5)
        assert "<h1>" not in missing.value.message

        with pytest.raises(ValidationError) as moved:
            api.client_state("client-0001")  # never follows a redirect with the token
        assert "https://elsewhere.example/" in moved.value.message
        assert len(fake.requests) == 8


def test_headers_sent_on_every_request(clients: Clients) -> None:
    ok = (200, {"Content-Type": "application/json"}, b'{"status": "ok"}')
    with fake_server({"/v1/health": ok, "/v1/me": ok}) as fake:
        api = clients(fake.url, token="wct_abc")
        api.health()
        api.me()
    health, me = fake.requests
    for seen in (health, me):
        assert seen["user-agent"] == f"Webcare/{__version__} (desktop)"
        assert seen["accept"] == "application/json"
    assert "authorization" not in health  # public endpoint: the token stays home
    assert me["authorization"] == "Bearer wct_abc"


# --- TLS ------------------------------------------------------------------------------------


def test_self_signed_certificate_is_refused_unless_its_ca_is_given(tmp_path: Path) -> None:
    # The clients close before the server stops: uvicorn waits out its graceful-shutdown time
    # for idle TLS keep-alive connections and then leaks their transports.
    with https_team_server(tmp_path, trustme.CA(), "127.0.0.1") as tls:
        with ApiClient(tls.url) as untrusted, pytest.raises(CertificateError) as caught:
            untrusted.health()
        error = caught.value
        assert error.title == "Certificate problem"
        assert "127.0.0.1" in error.message
        assert "refused the connection for your safety" in error.message
        assert not isinstance(error, TransientError)  # retrying will not fix it

        with ApiClient(tls.url, verify=str(tls.ca_path)) as trusted:
            assert trusted.health()["status"] == "ok"
            assert trusted.login("eva", PASSWORD)["user"]["username"] == "eva"
            assert trusted.me()["username"] == "eva"


def test_certificate_for_another_host_is_refused(tmp_path: Path, clients: Clients) -> None:
    ca = trustme.CA()
    ca_path = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(ca_path))
    server_tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("webcare.example.com").configure_cert(server_tls)
    ok = (200, {"Content-Type": "application/json"}, b'{"status": "ok"}')
    with fake_server({"/v1/health": ok}, tls=server_tls) as fake:
        api = clients(fake.url, verify=str(ca_path))
        with pytest.raises(CertificateError) as caught:
            api.health()
    assert "another host name" in caught.value.message
    assert fake.requests == []  # nothing was sent over the unverified connection


def test_https_to_a_plain_http_server_is_a_certificate_error(
    server: TestServer, clients: Clients
) -> None:
    api = clients(server.url.replace("http://", "https://"))
    with pytest.raises(CertificateError) as caught:
        api.health()
    assert "secure connection to 127.0.0.1 could not be set up" in caught.value.message


# --- addresses (no network at all) ----------------------------------------------------------


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_args: Any, **_kwargs: Any) -> Any:
        raise AssertionError("no network access expected")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)


@pytest.mark.usefixtures("no_network")
@pytest.mark.parametrize(
    "url", ["http://webcare.example.com", "http://192.168.1.20:8750/", "http://[2001:db8::1]"]
)
def test_plain_http_to_another_machine_is_refused(url: str) -> None:
    with pytest.raises(InsecureUrlError) as caught:
        ApiClient(url)
    assert isinstance(caught.value, ValidationError)
    assert caught.value.title == "Insecure address"
    assert "https://" in caught.value.message
    # an explicit choice allows it (constructing still touches no network)
    ApiClient(url, allow_insecure_http=True).close()


@pytest.mark.usefixtures("no_network")
@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("http://127.0.0.1:8750/", "http://127.0.0.1:8750"),
        ("http://127.1.2.3:8750", "http://127.1.2.3:8750"),
        ("HTTP://LocalHost:8750//", "http://localhost:8750"),
        ("http://[::1]:8750/", "http://[::1]:8750"),
        ("  https://Webcare.Example.com/team/ ", "https://webcare.example.com/team"),
    ],
)
def test_addresses_are_normalized(url: str, expected: str) -> None:
    assert normalize_url(url) == expected
    api = ApiClient(url)
    assert api.base_url == expected
    api.close()


@pytest.mark.usefixtures("no_network")
@pytest.mark.parametrize(
    "url",
    [
        "",
        "webcare.example.com",
        "ftp://webcare.example.com",
        "https://",
        "https://webcare.example.com:99999",
        "https://eva:secret@webcare.example.com",
        "https://webcare.example.com/?x=1",
    ],
)
def test_invalid_addresses_are_validation_errors(url: str) -> None:
    with pytest.raises(ValidationError) as caught:
        ApiClient(url)
    assert not isinstance(caught.value, InsecureUrlError)
    assert caught.value.message
    assert "secret" not in caught.value.message


@pytest.mark.usefixtures("no_network")
def test_a_missing_ca_bundle_is_reported_at_once(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="does not exist"):
        ApiClient("https://webcare.example.com", verify=str(tmp_path / "missing.pem"))


def test_a_damaged_token_asks_to_sign_in_again(clients: Clients) -> None:
    api = clients("http://127.0.0.1:9", token="wct_bad\ntoken")
    with pytest.raises(AuthError, match="sign in again"):
        api.me()


def test_every_error_is_a_webcare_error() -> None:
    for error in (OfflineError, CertificateError, CursorGone, OutboxOutOfStep, ServerError):
        assert issubclass(error, WebcareError)
    assert issubclass(InsecureUrlError, ValidationError)
