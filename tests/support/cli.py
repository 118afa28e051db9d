"""Shared test helpers."""

from __future__ import annotations

import subprocess
import sys


def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*WEBCARE, *args], input=stdin, capture_output=True, text=True, timeout=60, check=False
    )


WEBCARE = [sys.executable, "-m", "webcare"]
