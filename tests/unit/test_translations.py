"""The Dutch catalogue: complete, placeholders intact, in step with the code, compiled."""

from __future__ import annotations

import importlib.util
import re
import tempfile
import time
import xml.etree.ElementTree as ET
from pathlib import Path
from types import ModuleType

import pytest
from PySide6.QtCore import QLocale, QSettings, QTranslator

from webcare.ui import i18n

ROOT = Path(__file__).resolve().parents[2]
TS = ROOT / "resources" / "translations" / "webcare_nl.ts"
QM = TS.with_suffix(".qm")
PLACEHOLDER = re.compile(r"\{[^{}]*\}|%n")


def _script() -> ModuleType:
    path = ROOT / "packaging" / "update_translations.py"
    spec = importlib.util.spec_from_file_location("update_translations", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


tools = _script()


def _messages() -> list[tuple[str, ET.Element]]:
    root = ET.parse(TS).getroot()
    return [
        (context.findtext("name") or "", message)
        for context in root.iter("context")
        for message in context.iter("message")
    ]


def _translations(message: ET.Element) -> list[str]:
    translation = message.find("translation")
    assert translation is not None
    forms = list(translation.iter("numerusform"))
    return [f.text or "" for f in forms] if forms else [translation.text or ""]


def test_catalogue_is_dutch_and_not_empty() -> None:
    root = ET.parse(TS).getroot()
    assert root.get("language", "").startswith("nl")
    assert len(_messages()) > 300


def test_every_message_is_translated() -> None:
    problems = []
    for context, message in _messages():
        source = message.findtext("source") or ""
        translation = message.find("translation")
        kind = translation.get("type", "") if translation is not None else "missing"
        if kind in ("unfinished", "obsolete", "vanished", "missing"):
            problems.append(f"{context}: {source!r} is {kind}")
        elif not all(text.strip() for text in _translations(message)):
            problems.append(f"{context}: {source!r} has an empty translation")
    assert not problems, "\n".join(problems)


def test_placeholders_survive_translation() -> None:
    problems = []
    for context, message in _messages():
        source = message.findtext("source") or ""
        wanted = sorted(PLACEHOLDER.findall(source))
        for text in _translations(message):
            if sorted(PLACEHOLDER.findall(text)) != wanted:
                problems.append(f"{context}: {source!r} -> {text!r}")
    assert not problems, "\n".join(problems)


def test_accelerators_stay_single() -> None:
    """'&Claim' -> '&Oppakken': one accelerator where the source has one, none where not."""
    problems = []
    for context, message in _messages():
        source = message.findtext("source") or ""
        wanted = source.replace("&&", "").count("&")
        for text in _translations(message):
            if text.replace("&&", "").count("&") != wanted:
                problems.append(f"{context}: {source!r} -> {text!r}")
    assert not problems, "\n".join(problems)


def test_catalogue_is_in_step_with_the_code() -> None:
    """A string added to the code (or changed) without a translation fails here."""
    started = time.monotonic()
    with tempfile.TemporaryDirectory() as tmp:
        fresh = Path(tmp) / "webcare_nl.ts"
        tools.lupdate(fresh)
        in_code = set(tools.messages(fresh))
    assert time.monotonic() - started < 10, "lupdate is too slow for make test"
    in_file = set(tools.messages(TS))
    missing = sorted(in_code - in_file)
    stale = sorted(in_file - in_code)
    assert not missing, (
        f"strings without a translation (run packaging/update_translations.py): {missing}"
    )
    assert not stale, f"strings no longer in the code (run the same script): {stale}"


def test_compiled_catalogue_matches_the_ts(tmp_path: Path) -> None:
    assert QM.exists(), "run packaging/update_translations.py"
    compiled = tmp_path / "webcare_nl.qm"
    tools.lrelease(TS, compiled)
    assert compiled.read_bytes() == QM.read_bytes(), "the .qm is not compiled from this .ts"
    translator = QTranslator()
    assert translator.load(str(QM))
    for context, message in _messages():
        if message.get("numerus") == "yes":
            continue
        source = message.findtext("source") or ""
        comment = message.findtext("comment")
        assert translator.translate(context, source, comment) == _translations(message)[0]


def test_the_script_reports_nothing_to_do() -> None:
    assert tools.check("nl") == []


@pytest.mark.parametrize(
    ("choice", "system", "expected"),
    [
        ("nl", "en_US", "nl"),
        ("en", "nl_NL", "en"),
        ("NL", "en_US", "nl"),
        ("system", "nl_NL", "nl"),
        ("system", "nl_BE", "nl"),
        ("system", "en_GB", "en"),
        ("system", "de_DE", "en"),
        (None, "nl_NL", "nl"),
        ("fr", "en_US", "en"),  # unknown choices follow the system
    ],
)
def test_language_choice(choice: str | None, system: str, expected: str) -> None:
    assert i18n.resolve(choice, QLocale(system)) == expected


def test_catalogue_is_found() -> None:
    found = i18n.catalogue("nl")
    assert found is not None
    assert found.read_bytes() == QM.read_bytes()
    assert i18n.catalogue("xx") is None


@pytest.mark.parametrize(
    ("stored", "expected"),
    [(None, "system"), ("nl", "nl"), ("en", "en"), ("System", "system"), ("klingon", "system")],
)
def test_language_setting(tmp_path: Path, stored: str | None, expected: str) -> None:
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    if stored is not None:
        settings.setValue(i18n.SETTING, stored)
    assert i18n.language_setting(settings) == expected
