"""The installer sources that cannot be run here, checked as far as Linux allows, in seconds.

The NSIS script is compiled (not run) by ``makensis`` against a stand-in bundle folder when
makensis is installed (``./packaging/system-deps.sh --package``); the macOS ``Info.plist`` keys
of the PyInstaller spec are read from its text. Building the real bundle is ``make package``.
"""

from __future__ import annotations

import ast
import shutil
import subprocess
from pathlib import Path

import pytest

from webcare import __version__

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "packaging" / "webcare.spec"
NSIS = ROOT / "packaging" / "windows" / "webcare.nsi"


def test_nsis_script_compiles(tmp_path: Path) -> None:
    makensis = shutil.which("makensis")
    if makensis is None:
        pytest.skip(
            "makensis is not installed; install it with ./packaging/system-deps.sh --package"
        )
    bundle = tmp_path / "webcare"
    (bundle / "_internal").mkdir(parents=True)
    for name in ("webcare.exe", "webcare-gui.exe", "_internal/base_library.zip"):
        (bundle / name).write_bytes(b"stand-in")
    out = tmp_path / f"webcare-{__version__}-setup.exe"
    run = subprocess.run(
        [
            makensis,
            "-V2",
            "-WX",  # warnings are errors
            f"-DVERSION={__version__}",
            f"-DBUNDLE_DIR={bundle}",
            f"-DOUTFILE={out}",
            NSIS.name,
        ],
        cwd=NSIS.parent,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert out.stat().st_size > 50_000
    assert out.read_bytes()[:2] == b"MZ"  # a Windows executable


def test_spec_is_python_and_names_the_app() -> None:
    source = SPEC.read_text(encoding="utf-8")
    ast.parse(source)  # PyInstaller executes it
    assert 'APP_ID = "org.webcare.Webcare"' in source
    assert "from webcare import __version__ as VERSION" in source  # one source of the version
    assert "MODULES as CONNECTOR_MODULES" in source  # connectors are hidden imports


def test_spec_info_plist_keys() -> None:
    source = SPEC.read_text(encoding="utf-8")
    plist = source[source.index("info_plist={") :]
    for key in (
        "CFBundleIdentifier",
        "CFBundleName",
        "CFBundleShortVersionString",
        "CFBundleVersion",
        "NSHighResolutionCapable",
        "LSMinimumSystemVersion",
    ):
        assert f'"{key}"' in plist, key
    assert "bundle_identifier=APP_ID" in source
