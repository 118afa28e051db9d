"""The Linux desktop entry and AppStream metainfo (packaging/linux/), checked in seconds.

The official validators run when installed (``./packaging/system-deps.sh --package`` installs
``desktop-file-utils`` and ``appstream``) and are skipped, saying so, when not. The checks
below them need nothing: what the files promise must match the program (command, icon,
version, screenshot). Building the bundle itself is ``make package``, not part of the tests.
"""

from __future__ import annotations

import configparser
import re
import shutil
import struct
import subprocess
import tomllib
from pathlib import Path
from xml.etree.ElementTree import Element

import defusedxml.ElementTree as SafeET
import pytest

from webcare import __version__

ROOT = Path(__file__).resolve().parents[2]
LINUX = ROOT / "packaging" / "linux"
APP_ID = "org.webcare.Webcare"
DESKTOP = LINUX / f"{APP_ID}.desktop"
METAINFO = LINUX / f"{APP_ID}.metainfo.xml"
INSTALL_HINT = "install it with ./packaging/system-deps.sh --package"


def _validator(tool: str) -> str:
    exe = shutil.which(tool)
    if exe is None:
        pytest.skip(f"{tool} is not installed; {INSTALL_HINT}")
    return exe


class _CaseSensitiveParser(configparser.ConfigParser):
    def optionxform(self, optionstr: str) -> str:
        return optionstr  # desktop entry keys are case-sensitive


def _entry() -> configparser.SectionProxy:
    parser = _CaseSensitiveParser(interpolation=None, strict=True)
    parser.read(DESKTOP, encoding="utf-8")
    return parser["Desktop Entry"]


def _metainfo() -> Element:
    root = SafeET.parse(METAINFO).getroot()
    assert root is not None
    return root


def _text(root: Element, path: str) -> str:
    node = root.find(path)
    assert node is not None, f"{METAINFO.name} has no <{path}>"
    return (node.text or "").strip()


# --- the official validators ------------------------------------------------------------------


def test_desktop_file_validate() -> None:
    run = subprocess.run(
        [_validator("desktop-file-validate"), str(DESKTOP)],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    # it prints hints even for valid files; errors make the exit status non-zero
    assert run.returncode == 0, run.stdout + run.stderr
    assert "error:" not in run.stdout + run.stderr


def test_appstreamcli_validate() -> None:
    run = subprocess.run(
        [_validator("appstreamcli"), "validate", "--no-net", "--no-color", str(METAINFO)],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr  # infos and pedantic notes are allowed


# --- the desktop entry ---------------------------------------------------------------------


def test_desktop_entry_starts_the_installed_command() -> None:
    entry = _entry()
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"][
        "scripts"
    ]
    assert entry["Type"] == "Application"
    assert entry["Exec"].split()[0] == "webcare"
    assert entry["Exec"].split()[0] in scripts  # the wheel's and the bundle's command
    assert entry["TryExec"] == "webcare"
    assert entry["Terminal"] == "false"
    # Qt on X11: WM_CLASS = (executable name, application name); create_qapp names it "Webcare"
    assert entry["StartupWMClass"] == "Webcare"


def test_desktop_entry_icon_is_the_app_id_and_exists() -> None:
    entry = _entry()
    assert entry["Icon"] == APP_ID  # installed as hicolor/<size>/apps/org.webcare.Webcare.png
    assert (ROOT / "resources" / "icons" / "webcare.svg").is_file()
    for size in (16, 32, 48, 64, 128, 256, 512):
        assert (ROOT / "resources" / "icons" / "png" / f"webcare-{size}.png").is_file()


def test_desktop_entry_categories() -> None:
    categories = _entry()["Categories"]
    assert categories.endswith(";")
    listed = categories.rstrip(";").split(";")
    main = {"AudioVideo", "Audio", "Video", "Development", "Education", "Game", "Graphics"}
    main |= {"Network", "Office", "Science", "Settings", "System", "Utility"}
    assert len(main.intersection(listed)) == 1, "exactly one main category, or it shows twice"
    assert "Network" in listed
    assert "Qt" in listed


def test_desktop_entry_is_translated_to_dutch() -> None:
    entry = _entry()
    assert entry["Comment[nl]"] != entry["Comment"]
    assert entry["GenericName[nl]"] != entry["GenericName"]


# --- the AppStream metainfo -----------------------------------------------------------------


def test_metainfo_names_the_desktop_entry_and_command() -> None:
    root = _metainfo()
    assert root.get("type") == "desktop-application"
    assert _text(root, "id") == APP_ID
    launchable = root.find("launchable")
    assert launchable is not None
    assert launchable.get("type") == "desktop-id"
    assert launchable.text == DESKTOP.name
    assert _text(root, "provides/binary") == _entry()["Exec"].split()[0]


def test_metainfo_licenses() -> None:
    root = _metainfo()
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert _text(root, "metadata_license") == "CC0-1.0"
    assert _text(root, "project_license") == pyproject["project"]["license"]


def test_metainfo_newest_release_is_this_version() -> None:
    releases = _metainfo().findall("releases/release")
    assert releases, "no <release>"
    newest = releases[0]  # AppStream lists releases newest first
    assert newest.get("version") == __version__
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", newest.get("date") or "")


def test_metainfo_screenshot_is_the_committed_one() -> None:
    root = _metainfo()
    image = root.find("screenshots/screenshot[@type='default']/image")
    assert image is not None
    assert (image.text or "").startswith("https://")  # stores refuse anything else
    name = (image.text or "").rsplit("/", 1)[-1]
    local = ROOT / "resources" / "screenshots" / name
    assert local.is_file(), f"the screenshot URL should publish {local}"
    header = local.read_bytes()[:24]
    width, height = struct.unpack(">II", header[16:24])
    assert (image.get("width"), image.get("height")) == (str(width), str(height))


def test_metainfo_has_a_content_rating_and_homepage() -> None:
    root = _metainfo()
    rating = root.find("content_rating")
    assert rating is not None
    assert rating.get("type") == "oars-1.1"
    assert _text(root, "url[@type='homepage']").startswith("https://")
