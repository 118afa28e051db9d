"""Transport and the kept sign-in.

TLS: plain http:// to another machine is refused, an unverified certificate is refused unless
the user gives its CA file, and no code outside the tests turns verification off.
Keyring: with a null, a failing or a hanging backend the app shows its sign-in within 3 s
(measured), does not crash, and writes the token to no file unless the user opted in.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import keyring.backend
import pytest
import trustme
from keyring.backends import null
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from tests.support.gui import make_app
from tests.support.keyring import BrokenKeyring, MemoryKeyring, TypedKeyringBackend, installed
from tests.support.server import PASSWORD, TestServer, running_server
from tests.support.tls import https_team_server
from webcare.net.agent_api import ApiClient
from webcare.net.errors import CertificateError, InsecureUrlError

ROOT = Path(__file__).resolve().parents[2]
INSECURE = re.compile(
    r"verify\s*=\s*False|CERT_NONE|check_hostname\s*=\s*False|_create_unverified_context"
)


@pytest.mark.parametrize(
    "url",
    ["http://webcare.example.com", "http://10.0.0.5:8750", "http://[2001:db8::1]/", "HTTP://x.nl"],
)
def test_plain_http_to_another_machine_is_refused(url: str) -> None:
    with pytest.raises(InsecureUrlError) as caught:
        ApiClient(url)
    assert "https://" in caught.value.message


@pytest.mark.parametrize("url", ["http://127.0.0.1:8750", "http://localhost:1", "http://[::1]:9"])
def test_plain_http_to_this_machine_is_allowed(url: str) -> None:
    ApiClient(url).close()


def test_an_unverified_certificate_is_refused_unless_its_ca_is_given(tmp_path: Path) -> None:
    with https_team_server(tmp_path, trustme.CA(), "127.0.0.1") as tls:
        with ApiClient(tls.url) as untrusted, pytest.raises(CertificateError):
            untrusted.health()
        with ApiClient(tls.url) as untrusted, pytest.raises(CertificateError):
            untrusted.login("eva", PASSWORD)  # the password is never sent over it
        with ApiClient(tls.url, verify=str(tls.ca_path)) as trusted:
            assert trusted.health()["status"] == "ok"


def test_no_code_outside_the_tests_turns_verification_off() -> None:
    found = []
    for folder in ("webcare", "packaging"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if INSECURE.search(line):
                    found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert found == []
    assert INSECURE.search("requests.get(url, verify=False)")  # the pattern itself works
    assert INSECURE.search("ctx.check_hostname = False")


# --- keyring backends that do not help --------------------------------------------------------


class HangingKeyring(TypedKeyringBackend):
    """A backend whose every call hangs for 30 s (a D-Bus service that never answers).

    ``release`` ends the hang early, so the test leaves no thread behind.
    """

    def __init__(self) -> None:
        super().__init__()
        self.release = threading.Event()
        self.calls = 0

    def _hang(self) -> None:
        self.calls += 1
        self.release.wait(30)

    def get_password(self, service: str, username: str) -> str | None:
        self._hang()
        return None

    def set_password(self, service: str, username: str, password: str) -> None:
        self._hang()

    def delete_password(self, service: str, username: str) -> None:
        self._hang()


@pytest.fixture
def team(tmp_path: Path) -> Iterator[TestServer]:
    with running_server(tmp_path / "server", channels=False) as server:
        server.add_user("eva")
        yield server


def _files_containing(root: Path, secret: str) -> list[str]:
    return [
        str(p.relative_to(root))
        for p in root.rglob("*")
        if p.is_file() and secret.encode() in p.read_bytes()
    ]


@pytest.mark.parametrize("kind", ["null", "failing", "hanging"])
def test_app_starts_fast_and_keeps_no_plaintext_token(
    qapp: QApplication, qtbot: QtBot, team: TestServer, tmp_path: Path, kind: str
) -> None:
    makers: dict[str, Callable[[], keyring.backend.KeyringBackend]] = {
        "null": null.Keyring,
        "failing": BrokenKeyring,
        "hanging": HangingKeyring,
    }
    backend = makers[kind]()
    with installed(backend):
        app = make_app(qapp, tmp_path / "client", kind)
        app.settings.setValue("server_url", team.url)
        app.settings.setValue("username", "eva")
        try:
            started = time.monotonic()
            app.start()
            qtbot.waitUntil(
                lambda: app.login_dialog is not None and app.login_dialog.isVisible(),
                timeout=10_000,
            )
            seconds = time.monotonic() - started
            print(f"{kind} keyring: sign-in shown after {seconds:.2f} s")
            assert seconds < 3.0
            dialog = app.login_dialog
            assert dialog is not None
            assert "sign in again" in dialog.keyring_note.text()
            assert dialog.plaintext_opt_in is not None
            assert not dialog.plaintext_opt_in.isChecked()
            dialog.password.setText(PASSWORD)
            dialog.buttons.accepted.emit()
            qtbot.waitUntil(lambda: app.session is not None, timeout=15_000)
            session = app.session
            assert session is not None
            qtbot.addWidget(session.window)
            token = session.api.token
            assert token and token.startswith("wct_")
            qtbot.waitUntil(lambda: session.controller.bootstrapped, timeout=15_000)
            app.settings.sync()
            assert _files_containing(tmp_path / "client", token) == []
            assert _files_containing(Path(str(team.db_path.parent)), token) == []
        finally:
            app.shutdown()
            if isinstance(backend, HangingKeyring):
                backend.release.set()


def test_with_a_working_keyring_the_token_is_only_there(
    qapp: QApplication, qtbot: QtBot, team: TestServer, tmp_path: Path
) -> None:
    with installed(MemoryKeyring()) as backend:
        assert isinstance(backend, MemoryKeyring)
        app = make_app(qapp, tmp_path / "client", "memory")
        try:
            app.start()
            qtbot.waitUntil(lambda: app.login_dialog is not None, timeout=5000)
            dialog = app.login_dialog
            assert dialog is not None
            dialog.server.setText(team.url)
            dialog.username.setText("eva")
            dialog.password.setText(PASSWORD)
            dialog.buttons.accepted.emit()
            qtbot.waitUntil(lambda: bool(backend.secrets), timeout=15_000)
            session = app.session
            assert session is not None
            qtbot.addWidget(session.window)
            (token,) = backend.secrets.values()
            assert _files_containing(tmp_path / "client", token) == []
        finally:
            app.shutdown()
