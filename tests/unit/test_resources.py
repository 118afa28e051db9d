"""Every resource the code refers to exists, and what the build generates is current."""

from __future__ import annotations

import importlib.util
import re
import sys
import tomllib
from pathlib import Path
from types import ModuleType

import pytest
from PySide6.QtCore import QFile
from PySide6.QtSvg import QSvgRenderer

from webcare.ui import palette, resources
from webcare.ui.widgets.main_window import ACTION_ICONS

ROOT = Path(__file__).resolve().parents[2]
SOURCES = sorted((ROOT / "webcare").rglob("*.py"))

ICON_CALL = re.compile(r"""\bicon\(\s*["']([a-z_]+)["']""")
PATH_CALL = re.compile(r"""resource_path\(\s*f?["']([^"']+)["']""")
QRC_URL = re.compile(r"""["'](:/[^"']+)["']""")
QSS_URL = re.compile(r"url\(\s*([^)]+?)\s*\)")


@pytest.fixture(scope="module")
def build() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "build_resources", ROOT / "packaging" / "build_resources.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["build_resources"] = module
    spec.loader.exec_module(module)
    return module


def _code() -> dict[Path, str]:
    return {p: p.read_text(encoding="utf-8") for p in SOURCES}


def test_every_icon_the_code_names_exists() -> None:
    used = {name for text in _code().values() for name in ICON_CALL.findall(text)}
    used |= set(ACTION_ICONS.values()) | set(resources.ACTION_ICONS)
    assert {"claim", "send", "template", "sync"} <= used  # the scan sees the calls
    for name in sorted(used):
        path = resources.resource_path(f"icons/{name}.svg")
        assert QSvgRenderer(str(path)).isValid(), path
        assert "currentColor" in path.read_text(encoding="utf-8"), f"{name}: not themeable"


def test_every_resource_path_in_the_code_exists() -> None:
    literal = set()
    for path, text in _code().items():
        for match in PATH_CALL.findall(text):
            if "{" in match:  # f-strings: the formatted names are checked below
                continue
            literal.add(match)
        for url in QRC_URL.findall(text):  # no Qt resource file is used; any :/ must resolve
            assert QFile.exists(url), f"{path.relative_to(ROOT)} uses {url}"
    literal |= {resources.APP_ICON, "styles/base.qss", "styles/light.qss", "styles/dark.qss"}
    literal |= {resources.app_icon_png(size) for size in resources.APP_ICON_SIZES}
    for relative in sorted(literal):
        assert resources.resource_path(relative).is_file(), relative


def test_stylesheets_refer_to_existing_files_and_defined_colours() -> None:
    base = resources.resource_path("styles/base.qss").read_text(encoding="utf-8")
    for mode, colours in palette.PALETTES.items():
        assert palette.variables(base) <= set(colours), mode
        assert set(colours) == set(palette.LIGHT), mode
    for url in QSS_URL.findall(base):
        assert resources.resource_path(url.strip("\"'").removeprefix(":/")).is_file(), url


def test_the_wheel_carries_what_the_client_loads() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    included = config["tool"]["hatch"]["build"]["targets"]["wheel"]["force-include"]
    for source, target in included.items():
        assert (ROOT / source).exists(), source
        assert target.startswith("webcare/"), target
    targets = set(included.values())
    assert {"webcare/resources/icons", "webcare/resources/styles"} <= targets


def test_generated_files_are_current(build: ModuleType, qapp: object) -> None:
    assert build.main(["--check"]) == 0, "run: .venv/bin/python packaging/build_resources.py"


def test_app_icon_pngs_have_their_size() -> None:
    from PySide6.QtGui import QImage

    for size in resources.APP_ICON_SIZES:
        image = QImage(str(resources.resource_path(resources.app_icon_png(size))))
        assert (image.width(), image.height()) == (size, size)
        assert image.hasAlphaChannel()
