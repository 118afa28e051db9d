"""Build the one-folder desktop bundle and prove it starts (``make package``).

1. ``pyinstaller packaging/webcare.spec`` into ``dist/webcare/`` (work files in ``build/``);
2. ``dist/webcare/webcare demo --screenshot dist/bundle-check.png`` on Qt's offscreen platform:
   the bundle must start its embedded server, sign in, render the inbox and write a real PNG;
3. ``dist/webcare/webcare server --help`` (the server's code paths are in the bundle too);
4. the Linux desktop files through ``desktop-file-validate`` and ``appstreamcli`` when present.

Prints and writes ``dist/bundle-report.json``: build time, bundle size, screenshot size.
Exits non-zero when any step fails. ``--skip-build`` checks an existing ``dist/webcare/``.
"""

# ruff: noqa: S603  (runs PyInstaller, the bundle and the validators: fixed commands)
from __future__ import annotations

import argparse
import json
import os
import shutil
import struct
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DIST = ROOT / "dist"
BUNDLE = DIST / "webcare"
SCREENSHOT = DIST / "bundle-check.png"
REPORT = DIST / "bundle-report.json"
LINUX = ROOT / "packaging" / "linux"

MIN_PNG_BYTES = 20_000  # the rendered inbox is ~150 KB; an empty window is a few KB
MIN_PNG_SIDE = 600  # the demo window is 1280 x 800


def folder_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


def png_size(path: Path) -> tuple[int, int]:
    """Width and height from a PNG's IHDR chunk; ValueError when it is no PNG."""
    head = path.read_bytes()[:24]
    if len(head) < 24 or head[:8] != b"\x89PNG\r\n\x1a\n" or head[12:16] != b"IHDR":
        raise ValueError(f"{path} is not a PNG file")
    width, height = struct.unpack(">II", head[16:24])
    return int(width), int(height)


def build() -> float:
    started = time.monotonic()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "PyInstaller",
            "--noconfirm",
            "--clean",
            "--log-level=WARN",
            "--distpath",
            str(DIST),
            "--workpath",
            str(ROOT / "build" / "pyinstaller"),
            str(ROOT / "packaging" / "webcare.spec"),
        ],
        check=True,
        cwd=ROOT,
    )
    return time.monotonic() - started


def check_screenshot() -> dict[str, Any]:
    SCREENSHOT.unlink(missing_ok=True)
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    started = time.monotonic()
    result = subprocess.run(
        [str(BUNDLE / "webcare"), "demo", "--screenshot", str(SCREENSHOT)],
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    elapsed = time.monotonic() - started
    if result.returncode != 0 or not SCREENSHOT.is_file():
        sys.stderr.write(result.stdout + result.stderr)
        raise SystemExit(f"bundle check: the bundle did not render {SCREENSHOT}")
    size = SCREENSHOT.stat().st_size
    width, height = png_size(SCREENSHOT)
    if size < MIN_PNG_BYTES or min(width, height) < MIN_PNG_SIDE:
        raise SystemExit(
            f"bundle check: {SCREENSHOT} is too small ({size} bytes, {width}x{height}):"
            " the inbox was not rendered"
        )
    return {"bytes": size, "width": width, "height": height, "seconds": round(elapsed, 1)}


def check_server_help() -> None:
    result = subprocess.run(
        [str(BUNDLE / "webcare"), "server", "--help"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    if result.returncode != 0 or "--db" not in result.stdout:
        sys.stderr.write(result.stdout + result.stderr)
        raise SystemExit("bundle check: `webcare server --help` failed in the bundle")


def validate_desktop_files() -> dict[str, str]:
    """Run the validators that are installed; 'skipped' for the others."""
    checks = {
        "desktop-file-validate": [str(LINUX / "org.webcare.Webcare.desktop")],
        "appstreamcli": ["validate", "--no-net", str(LINUX / "org.webcare.Webcare.metainfo.xml")],
    }
    results: dict[str, str] = {}
    for tool, args in checks.items():
        exe = shutil.which(tool)
        if exe is None:
            results[tool] = "skipped (not installed: ./packaging/system-deps.sh --package)"
            continue
        run = subprocess.run([exe, *args], capture_output=True, text=True, check=False)
        output = (run.stdout + run.stderr).strip()
        if run.returncode != 0:
            raise SystemExit(f"bundle check: {tool} failed:\n{output}")
        results[tool] = output or "ok"
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--skip-build", action="store_true", help="check dist/webcare as it is")
    args = parser.parse_args(argv)

    build_s = None if args.skip_build else build()
    if not (BUNDLE / "webcare").is_file():
        raise SystemExit(f"bundle check: {BUNDLE / 'webcare'} is missing")
    shot = check_screenshot()
    check_server_help()
    validators = validate_desktop_files()
    bundle_bytes = folder_size(BUNDLE)
    report: dict[str, Any] = {
        "platform": sys.platform,
        "python": sys.version.split()[0],
        "build_seconds": None if build_s is None else round(build_s, 1),
        "bundle_bytes": bundle_bytes,
        "bundle_files": sum(1 for p in BUNDLE.rglob("*") if p.is_file()),
        "screenshot": shot,
        "validators": validators,
    }
    REPORT.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    mib = bundle_bytes / 2**20
    took = "" if build_s is None else f" built in {build_s:.0f} s,"
    print(
        f"bundle: {BUNDLE.relative_to(ROOT)}{took} {mib:.0f} MiB in {report['bundle_files']} files;"
        f" {SCREENSHOT.relative_to(ROOT)} {shot['width']}x{shot['height']}, {shot['bytes']} bytes"
        f" (started and rendered in {shot['seconds']} s); report in {REPORT.relative_to(ROOT)}"
    )
    for tool, outcome in validators.items():
        print(f"{tool}: {outcome}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
