"""A real mail server for the e-mail connector's tests: Dovecot (IMAP) and aiosmtpd (SMTP).

Dovecot runs in the foreground from a generated config in a temporary directory, listening on
127.0.0.1 on free ports (plain + STARTTLS, and implicit TLS with a trustme certificate), serving
passwd-file users whose mailboxes are Maildirs; :func:`mail_server` gives each test a fresh user
(so one Dovecot can serve a whole module: stopping it takes a second). aiosmtpd
listens on another free port; what it receives for the support address is stored in that same
Maildir (so a blind copy of a reply really lands in the inbox Dovecot serves), everything else is
kept in :attr:`MailServer.sent` as "arrived at the customer's". Tests can also drop raw messages
straight into the Maildir (:meth:`MailServer.drop`) and make the SMTP server refuse a recipient.

Needs the Debian package ``dovecot-imapd`` (``/usr/sbin/dovecot``, ``/usr/bin/doveadm``); the
fixture skips with that reason when it is missing.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import pwd
import shutil
import socket
import ssl
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path
from typing import Any

import pytest
import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session

ADDRESS = "support@example.com"
PASSWORD = "s3cret-pass"
PREMADE_USERS = 40  # one per test that shares a Dovecot


def _binary(name: str) -> str | None:
    return shutil.which(name) or next(
        (p for d in ("/usr/sbin", "/usr/bin") if os.access(p := f"{d}/{name}", os.X_OK)), None
    )


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class Received:
    """One SMTP transaction that reached the server."""

    mail_from: str
    rcpt_tos: list[str]
    raw: bytes

    @property
    def message(self) -> EmailMessage:
        return BytesParser(policy=policy.default).parsebytes(self.raw.replace(b"\r\n", b"\n"))


@dataclass
class Dovecot:
    """A running Dovecot: one passwd-file, any number of users, each with a Maildir."""

    root: Path
    port: int = 0
    uid: int = 0
    gid: int = 0
    doveadm: str = "doveadm"
    tls_port: int = 0  # implicit TLS (imaps); the plain port offers STARTTLS
    ca: trustme.CA = field(default_factory=trustme.CA)
    _users: Iterator[int] = field(default_factory=itertools.count)

    @property
    def conf(self) -> Path:
        return self.root / "dovecot.conf"

    def client_context(self) -> ssl.SSLContext:
        """A client context that trusts this server's certificate (for 127.0.0.1/localhost)."""
        context = ssl.create_default_context()
        self.ca.configure_trust(context)
        return context

    def server_context(self) -> ssl.SSLContext:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        self.ca.issue_cert("127.0.0.1", "localhost").configure_cert(context)
        return context

    def add_user(self) -> tuple[str, Path]:
        """A user nobody has used yet: (name, home directory)."""
        number = next(self._users)
        if number >= PREMADE_USERS:  # Dovecot reads a changed passwd-file at most once a second
            self._write_users(number, number + 1)
            time.sleep(1.1)
        name = f"support-{number}"
        return name, self.root / "users" / name

    def _write_users(self, first: int, end: int) -> None:
        with (self.root / "passwd").open("a") as passwd:
            for number in range(first, end):
                home = self.root / "users" / f"support-{number}"
                home.mkdir(parents=True)
                os.chown(home, self.uid, self.gid)
                passwd.write(
                    f"support-{number}:{{PLAIN}}{PASSWORD}:{self.uid}:{self.gid}::{home}\n"
                )


@dataclass
class MailServer:
    """One test's mailbox: an IMAP user on Dovecot, and the SMTP server that feeds it."""

    imap: Dovecot
    home: Path
    username: str
    password: str = PASSWORD
    smtp_port: int = 0
    address: str = ADDRESS
    #: Transactions with a recipient other than the support address ("sent to the customer").
    sent: list[Received] = field(default_factory=list)
    #: Every transaction, in order.
    transactions: list[Received] = field(default_factory=list)
    #: recipient address (lower case) -> SMTP reply line to refuse it with, e.g. "550 5.1.1 ..."
    refuse: dict[str, str] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)
    _seq: Iterator[int] = field(default_factory=itertools.count)

    @property
    def maildir(self) -> Path:
        return self.home / "Maildir"

    @property
    def config(self) -> dict[str, Any]:
        """A channel config for the connector pointing at this server."""
        return {
            "imap_host": "127.0.0.1",
            "imap_port": self.imap.port,
            "imap_security": "none",
            "smtp_host": "127.0.0.1",
            "smtp_port": self.smtp_port,
            "smtp_security": "none",
            "username": self.username,
            "address": self.address,
            "folder": "INBOX",
            "sent_folder": "Sent",
        }

    @property
    def secrets(self) -> dict[str, str]:
        return {"password": self.password}

    def folder_dir(self, folder: str) -> Path:
        path = self.maildir if folder == "INBOX" else self.maildir / f".{folder}"
        for sub in ("", "new", "cur", "tmp"):
            (path / sub).mkdir(parents=True, exist_ok=True)
            os.chown(path / sub, self.imap.uid, self.imap.gid)
        return path

    def drop(
        self, raw: bytes | str, *, folder: str = "INBOX", received_at: float | None = None
    ) -> None:
        """Deliver a raw message into the Maildir, as a local delivery agent would."""
        data = raw.encode() if isinstance(raw, str) else raw
        data = data.replace(b"\r\n", b"\n")  # Maildir files use the local line ending
        path = self.folder_dir(folder)
        name = f"{time.time_ns()}.M{next(self._seq)}P{os.getpid()}.webcare-test"
        tmp = path / "tmp" / name
        tmp.write_bytes(data)
        os.chown(tmp, self.imap.uid, self.imap.gid)
        if received_at is not None:  # Dovecot takes INTERNALDATE from the file's mtime
            os.utime(tmp, (received_at, received_at))
        tmp.rename(path / "new" / name)

    def set_uidvalidity(self, value: int, folder: str = "INBOX") -> None:
        """Renumber a folder, as a server migration would."""
        subprocess.run(
            [
                self.imap.doveadm,
                "-c",
                str(self.imap.conf),
                "mailbox",
                "update",
                "-u",
                self.username,
                "--uid-validity",
                str(value),
                folder,
            ],
            check=True,
            capture_output=True,
            timeout=10,
        )

    def customer_messages(self, to: str) -> list[EmailMessage]:
        with self.lock:
            return [r.message for r in self.sent if to.lower() in (t.lower() for t in r.rcpt_tos)]


class _Handler:
    def __init__(self, state: MailServer) -> None:
        self.state = state

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        refusal = self.state.refuse.get(address.lower())
        if refusal:
            return refusal
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        raw = envelope.original_content or b""
        received = Received(str(envelope.mail_from), list(envelope.rcpt_tos), raw)
        state = self.state
        with state.lock:
            state.transactions.append(received)
            if any(r.lower() != state.address.lower() for r in received.rcpt_tos):
                state.sent.append(received)
        if any(r.lower() == state.address.lower() for r in received.rcpt_tos):
            state.drop(b"Return-Path: <" + received.mail_from.encode() + b">\r\n" + raw)
        return "250 2.0.0 Message accepted for delivery"


class _Authenticator:
    def __init__(self, state: MailServer) -> None:
        self.state = state

    def __call__(
        self, server: SMTP, session: Session, envelope: Envelope, mechanism: str, auth_data: Any
    ) -> AuthResult:
        ok = (
            isinstance(auth_data, LoginPassword)
            and auth_data.login.decode() == self.state.username
            and auth_data.password.decode() == self.state.password
        )
        return AuthResult(success=ok, handled=False)


_CONFIG = """\
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = yes
ssl_cert = <{root}/cert.pem
ssl_key = <{root}/key.pem
disable_plaintext_auth = no
auth_mechanisms = plain login
auth_failure_delay = 0
default_internal_user = {internal}
default_login_user = {login}
first_valid_uid = {uid}
first_valid_gid = {gid}
mail_location = maildir:~/Maildir
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/passwd
}}
userdb {{
  driver = passwd-file
  args = username_format=%u {root}/passwd
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {tls_port}
  }}
}}
service anvil {{
  chroot =
}}
"""


def _wait_for_port(port: int, proc: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            break
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.5):
            return
        time.sleep(0.02)
    text = log.read_text(errors="replace") if log.exists() else ""
    raise RuntimeError(f"Dovecot did not start on port {port}:\n{text[-3000:]}")


@contextmanager
def dovecot() -> Iterator[Dovecot]:
    """Run Dovecot until the block ends, then stop it, wait for it and remove its files.

    Stopping takes Dovecot about a second, so tests share one (module scope) and each test gets
    a fresh user from :func:`mail_server`.
    """
    binary, doveadm = _binary("dovecot"), _binary("doveadm")
    if binary is None or doveadm is None:
        pytest.skip("Dovecot is not installed (Debian: apt-get install dovecot-imapd)")
    root = Path(tempfile.mkdtemp(prefix="webcare-dovecot-"))
    if os.geteuid() == 0:  # Dovecot refuses to serve mail as root: use its own users
        mail_user, internal, login = pwd.getpwnam("dovecot"), "dovecot", "dovenull"
    else:
        mail_user = pwd.getpwuid(os.getuid())
        internal = login = mail_user.pw_name
    server = Dovecot(root, free_port(), mail_user.pw_uid, mail_user.pw_gid, doveadm, free_port())
    proc: subprocess.Popen[bytes] | None = None
    try:
        root.chmod(0o755)  # the mail user must reach the homes below it
        for sub in ("run", "state", "users"):
            (root / sub).mkdir()
        server._write_users(0, PREMADE_USERS)
        cert = server.ca.issue_cert("127.0.0.1", "localhost")
        cert.private_key_pem.write_to_path(str(root / "key.pem"))
        (root / "cert.pem").write_bytes(b"".join(p.bytes() for p in cert.cert_chain_pems))
        server.conf.write_text(
            _CONFIG.format(
                root=root,
                internal=internal,
                login=login,
                uid=server.uid,
                gid=server.gid,
                port=server.port,
                tls_port=server.tls_port,
            )
        )
        proc = subprocess.Popen(
            [binary, "-F", "-c", str(server.conf)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        _wait_for_port(server.port, proc, root / "dovecot.log")
        yield server
    finally:
        if proc is not None:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=5)
        shutil.rmtree(root, ignore_errors=True)


@contextmanager
def smtp_server(state: MailServer) -> Iterator[MailServer]:
    """Run aiosmtpd for ``state`` until the block ends (then stop and join its thread)."""
    state.smtp_port = free_port()
    controller = Controller(
        _Handler(state),
        hostname="127.0.0.1",
        port=state.smtp_port,
        authenticator=_Authenticator(state),
        tls_context=state.imap.server_context(),  # STARTTLS offered, not required
        auth_require_tls=False,
        ready_timeout=10,
    )
    controller.start()
    try:
        yield state
    finally:
        controller.stop()


@contextmanager
def mail_server(imap: Dovecot | None = None) -> Iterator[MailServer]:
    """A fresh mailbox on ``imap`` (or on a Dovecot of its own) with an SMTP server feeding it."""
    with contextlib.ExitStack() as stack:
        if imap is None:
            imap = stack.enter_context(dovecot())
        username, home = imap.add_user()
        state = MailServer(imap=imap, home=home, username=username)
        state.folder_dir("INBOX")
        yield stack.enter_context(smtp_server(state))
