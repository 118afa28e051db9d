"""Shared test helpers."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import trustme
import uvicorn

from tests.support.server import password_hash
from webcare.domain.models import Role
from webcare.server.app import begin_shutdown, create_app
from webcare.server.config import ServerConfig
from webcare.server.run import bind
from webcare.server.services import accounts


@dataclass
class TlsServer:
    url: str
    ca_path: Path


@contextmanager
def https_team_server(tmp_path: Path, ca: trustme.CA, *names: str) -> Iterator[TlsServer]:
    """The real team server behind uvicorn's TLS, with a certificate from a throwaway CA."""
    cert = ca.issue_cert(*names)
    key_path, cert_path, ca_path = tmp_path / "key.pem", tmp_path / "cert.pem", tmp_path / "ca.pem"
    cert.private_key_pem.write_to_path(str(key_path))
    cert.cert_chain_pems[0].write_to_path(str(cert_path))
    ca.cert_pem.write_to_path(str(ca_path))

    app = create_app(ServerConfig(db_path=tmp_path / "tls.db"))
    ctx = app.state.ctx
    with ctx.db.write() as conn:
        accounts.insert_user(
            conn, username="eva", display_name="Eva", signature="^Eva", role=Role.AGENT,
            password_hash=password_hash(), now=ctx.now(), actor_id=None,
        )  # fmt: skip
    sock = bind("127.0.0.1", 0)
    config = uvicorn.Config(
        app,
        log_level="critical",  # the refused handshakes are the point of the test
        lifespan="on",
        timeout_graceful_shutdown=3,
        ssl_keyfile=str(key_path),
        ssl_certfile=str(cert_path),
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [sock]}, name="tls-team-server", daemon=True
    )
    thread.start()
    try:
        deadline = time.monotonic() + 15
        while not server.started:
            assert thread.is_alive(), "the TLS server failed to start"
            assert time.monotonic() < deadline, "the TLS server did not start in time"
            time.sleep(0.01)
        yield TlsServer(f"https://127.0.0.1:{sock.getsockname()[1]}", ca_path)
    finally:
        begin_shutdown(app)
        server.should_exit = True
        thread.join(10)
        sock.close()
