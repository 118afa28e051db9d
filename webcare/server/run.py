"""Running the team server: in the foreground (``webcare server``) or on a thread (demo, tests)."""

from __future__ import annotations

import logging
import signal
import socket
import threading
import time

import uvicorn
from fastapi import FastAPI

from webcare.domain.errors import ValidationError
from webcare.server.app import begin_shutdown, create_app
from webcare.server.config import ServerConfig


def bind(host: str, port: int) -> socket.socket:
    """Bind a listening socket first, so port 0 gives us the real port before serving."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # proto must say TCP: asyncio sets TCP_NODELAY only on sockets that do, and without it every
    # response written in two parts (headers, body) waited ~40 ms for the client's delayed ACK.
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:  # in use, not an address of this machine, a privileged port
        sock.close()
        raise ValidationError(
            f"Cannot listen on {host} port {port}: {exc.strerror or exc}.",
            title="Cannot start the server",
        ) from exc
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


def _uvicorn_config(app: FastAPI, log_level: str) -> uvicorn.Config:
    return uvicorn.Config(
        app,
        log_level=log_level,
        timeout_graceful_shutdown=3,
        lifespan="on",
        server_header=False,
        # Long-polls hold connections; keep idle ones around for the next poll.
        timeout_keep_alive=65,
    )


def serve_forever(config: ServerConfig, host: str, port: int, *, log_level: str = "info") -> None:
    """Serve in the foreground until SIGINT/SIGTERM, then stop gracefully."""
    app = create_app(config)
    server = uvicorn.Server(_uvicorn_config(app, log_level))

    def stop(_signum: int, _frame: object) -> None:
        # Only a flag: safe whenever the signal lands (even before uvicorn takes over, and when
        # uvicorn re-raises the signal after its own graceful shutdown).
        begin_shutdown(app)
        server.should_exit = True

    signal.signal(signal.SIGTERM, stop)
    sock = bind(host, port)
    real_port = sock.getsockname()[1]
    shown = f"[{host}]" if ":" in host else host
    print(f"Webcare team server listening on http://{shown}:{real_port}", flush=True)
    server.run(sockets=[sock])


class ServerThread:
    """A real uvicorn server on a loopback port, run on a background thread."""

    def __init__(
        self,
        config: ServerConfig,
        host: str = "127.0.0.1",
        port: int = 0,
        log_level: str = "warning",
    ) -> None:
        self.app = create_app(config)
        self._sock = bind(host, port)
        self.host = host
        self.port: int = self._sock.getsockname()[1]
        self.url = f"http://{host}:{self.port}"
        self._server = uvicorn.Server(_uvicorn_config(self.app, log_level))
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [self._sock]}, name="webcare-server",
            daemon=True,
        )  # fmt: skip

    def start(self, timeout: float = 15.0) -> ServerThread:
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self._server.started:
            if not self._thread.is_alive():
                raise RuntimeError("the team server failed to start")
            if time.monotonic() > deadline:
                raise TimeoutError("the team server did not start in time")
            time.sleep(0.01)
        return self

    def stop(self, timeout: float = 10.0) -> None:
        if self._thread.is_alive():
            begin_shutdown(self.app)
            self._server.should_exit = True
            self._thread.join(timeout)
        self._sock.close()
        if self._thread.is_alive():
            logging.getLogger("webcare.server").warning("server thread did not stop in time")

    def __enter__(self) -> ServerThread:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()
