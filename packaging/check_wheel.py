"""Build the wheel and prove it installs a working team server (``make package``).

``pip wheel . --no-deps`` into ``dist/``, then a fresh virtual environment (no access to this
project's ``.venv``) installs ``dist/webcare-<version>-py3-none-any.whl`` with its dependencies
from the package index, and there ``webcare server --help`` must work and ``webcare server``
must answer ``GET /v1/health`` on a loopback port with the wheel's version. Then the same in a
second venv installed the way ``packaging/server/Containerfile`` does it: the wheel without its
dependencies plus ``server_requirements.py``'s list (no PySide6, no keyring).
"""

# ruff: noqa: S603  (runs pip, venv and the installed webcare: fixed commands, no user input)
from __future__ import annotations

import json
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DIST = ROOT / "dist"


def version() -> str:
    text = (ROOT / "webcare" / "__init__.py").read_text(encoding="utf-8")
    match = re.search(r'^__version__ = "([^"]+)"', text, re.MULTILINE)
    if match is None:
        raise SystemExit("check wheel: no __version__ in webcare/__init__.py")
    return match.group(1)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def wait_for_health(url: str, timeout_s: float = 60) -> dict[str, object]:
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 (loopback)
                body: dict[str, object] = json.loads(response.read())
                return body
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


def check_server(venv: Path, workdir: Path) -> dict[str, object]:
    """``webcare server --help`` and a real start answering /v1/health, from ``venv``."""
    webcare = venv / "bin" / "webcare"
    helped = subprocess.run(
        [str(webcare), "server", "--help"], capture_output=True, text=True, check=False
    )
    if helped.returncode != 0 or "--db" not in helped.stdout:
        sys.stderr.write(helped.stdout + helped.stderr)
        raise SystemExit(f"check wheel: `webcare server --help` failed in {venv}")
    port = free_port()
    db = workdir / f"{venv.name}.db"
    command = [str(webcare), "server", "--db", str(db), "--port", str(port)]
    server = subprocess.Popen(
        [*command, "--log-level", "warning"], cwd=workdir, stdout=subprocess.DEVNULL
    )
    try:
        health = wait_for_health(f"http://127.0.0.1:{port}/v1/health")
    finally:
        server.terminate()
        server.wait(timeout=30)
    if health.get("status") != "ok" or health.get("version") != version():
        raise SystemExit(f"check wheel: unexpected health answer {health} in {venv}")
    return health


def main() -> int:
    started = time.monotonic()
    wheel = DIST / f"webcare-{version()}-py3-none-any.whl"
    wheel.unlink(missing_ok=True)
    pip_wheel = [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(DIST)]
    subprocess.run([*pip_wheel, str(ROOT)], check=True)
    if not wheel.is_file():
        raise SystemExit(f"check wheel: {wheel} was not built")
    with tempfile.TemporaryDirectory(prefix="webcare-wheel-") as tmp:
        workdir = Path(tmp)
        # 1. as a user would: pip install webcare-*.whl (with PySide6 and everything)
        full = workdir / "full"
        subprocess.run([sys.executable, "-m", "venv", str(full)], check=True)
        pip = [str(full / "bin" / "python"), "-m", "pip", "install", "--quiet"]
        subprocess.run([*pip, str(wheel)], check=True)
        health = check_server(full, workdir)
        full_s = time.monotonic() - started

        # 2. as the Containerfile does: the server's dependencies only
        server = workdir / "server"
        subprocess.run([sys.executable, "-m", "venv", str(server)], check=True)
        python = str(server / "bin" / "python")
        listed = subprocess.run(
            [python, str(ROOT / "packaging" / "server" / "server_requirements.py"), str(wheel)],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split()
        subprocess.run([python, "-m", "pip", "install", "--quiet", *listed], check=True)
        pip_no_deps = [python, "-m", "pip", "install", "--quiet", "--no-deps"]
        subprocess.run([*pip_no_deps, str(wheel)], check=True)
        qt = subprocess.run([python, "-c", "import PySide6"], capture_output=True, check=False)
        if qt.returncode == 0:
            raise SystemExit("check wheel: the server-only install contains PySide6")
        check_server(server, workdir)
    took = time.monotonic() - started
    print(
        f"wheel: {wheel.relative_to(ROOT)} ({wheel.stat().st_size // 1024} KiB): `pip install`"
        f" in a fresh venv runs `webcare server` ({full_s:.0f} s; /v1/health {health}); so does"
        f" the server-only install of the Containerfile (without PySide6), {took:.0f} s in all"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
