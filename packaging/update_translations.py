"""Keep the translations in step with the code: lupdate, then lrelease.

    .venv/bin/python packaging/update_translations.py           # update .ts, compile .qm
    .venv/bin/python packaging/update_translations.py --check   # exit 1 if the .ts is behind

``lupdate`` collects every ``self.tr("…")`` / ``QCoreApplication.translate("Context", "…")``
of the client's Python files (the modules that import Qt: ``webcare/ui`` and
``webcare/app.py``) into ``resources/translations/webcare_<lang>.ts``: new strings arrive as
unfinished, strings gone from the code are dropped. Translate the new ones (Qt Linguist, or
any editor), then run it again: ``lrelease`` compiles the ``.qm`` the app loads.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TRANSLATIONS = ROOT / "resources" / "translations"
LANGUAGES = ("nl",)


def tool(name: str) -> str:
    """``pyside6-<name>`` next to this Python (the venv), else from PATH."""
    for candidate in (Path(sys.executable).parent / f"pyside6-{name}",):
        if candidate.exists():
            return str(candidate)
    found = shutil.which(f"pyside6-{name}") or shutil.which(name)
    if found is None:
        raise SystemExit(f"pyside6-{name} not found: install PySide6 (pip install pyside6)")
    return found


def sources(root: Path = ROOT) -> list[Path]:
    """The Python files with user-visible text: every module of the package that uses Qt."""
    return sorted(
        path
        for path in (root / "webcare").rglob("*.py")
        if "PySide6" in path.read_text(encoding="utf-8")
    )


def ts_path(language: str) -> Path:
    return TRANSLATIONS / f"webcare_{language}.ts"


def lupdate(target: Path, files: list[Path] | None = None) -> None:
    """Update (or create) ``target`` from the code; obsolete entries are dropped."""
    target.parent.mkdir(parents=True, exist_ok=True)
    args = [tool("lupdate"), "-no-obsolete", "-locations", "none"]
    args += [str(p) for p in (files if files is not None else sources())]
    args += ["-ts", str(target)]
    subprocess.run(args, check=True, capture_output=True, text=True)  # noqa: S603


def lrelease(ts: Path, qm: Path) -> None:
    subprocess.run(  # noqa: S603
        [tool("lrelease"), str(ts), "-qm", str(qm)], check=True, capture_output=True, text=True
    )


def messages(ts: Path) -> dict[tuple[str, str, str], ET.Element]:
    """(context, source, disambiguation comment) -> the <message> element."""
    root = ET.parse(ts).getroot()  # noqa: S314 - our own file
    out: dict[tuple[str, str, str], ET.Element] = {}
    for context in root.iter("context"):
        name = context.findtext("name") or ""
        for message in context.iter("message"):
            key = (name, message.findtext("source") or "", message.findtext("comment") or "")
            out[key] = message
    return out


def untranslated(ts: Path) -> list[tuple[str, str, str]]:
    """Messages without a finished translation."""
    missing = []
    for key, message in messages(ts).items():
        translation = message.find("translation")
        if translation is None:
            missing.append(key)
            continue
        forms = list(translation.iter("numerusform"))
        texts = [f.text or "" for f in forms] if forms else [translation.text or ""]
        kind = translation.get("type", "")
        if kind in ("unfinished", "obsolete", "vanished") or not all(t.strip() for t in texts):
            missing.append(key)
    return missing


def check(language: str) -> list[str]:
    """What is wrong with the committed ``.ts``/``.qm`` (empty: all in order)."""
    committed = ts_path(language)
    if not committed.exists():
        return [f"{committed} is missing"]
    problems = []
    qm = committed.with_suffix(".qm")
    with tempfile.TemporaryDirectory() as tmp:
        fresh = Path(tmp) / committed.name
        lupdate(fresh)
        in_code, in_file = set(messages(fresh)), set(messages(committed))
        compiled = Path(tmp) / qm.name
        lrelease(committed, compiled)  # lrelease is deterministic: same .ts, same bytes
        if not qm.exists() or qm.read_bytes() != compiled.read_bytes():
            problems.append(f"{qm.name} is missing or not compiled from this {committed.name}")
    problems += [f"not in {committed.name} yet: {k}" for k in sorted(in_code - in_file)]
    problems += [f"no longer in the code: {k}" for k in sorted(in_file - in_code)]
    problems += [f"untranslated: {k}" for k in untranslated(committed)]
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="only report, change nothing")
    args = parser.parse_args(argv)
    status = 0
    for language in LANGUAGES:
        ts = ts_path(language)
        if args.check:
            problems = check(language)
            for problem in problems:
                print(f"{ts.name}: {problem}")
            status = status or int(bool(problems))
            continue
        lupdate(ts)
        lrelease(ts, ts.with_suffix(".qm"))
        missing = untranslated(ts)
        print(f"{ts.relative_to(ROOT)}: {len(messages(ts))} strings, {len(missing)} untranslated")
        for context, source, _comment in missing:
            print(f"  {context}: {source!r}")
    return status


if __name__ == "__main__":
    sys.exit(main())
