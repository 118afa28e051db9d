"""Templates to and from JSON or CSV text (import/export in the template manager).

JSON: a list of objects with title, body, language, shortcut, tags (a list).
CSV: a header row ``title,body,language,shortcut,tags`` with tags separated by ``;``.
Every row is validated like a template typed in the editor; bad rows are reported by number.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Mapping
from typing import Any

from webcare.domain.csvcells import restore, to_csv
from webcare.domain.errors import TemplateError, ValidationError
from webcare.domain.templates import TemplateFields

FIELDS = ("title", "body", "language", "shortcut", "tags")


def _fields(data: Mapping[str, Any]) -> TemplateFields:
    tags = data.get("tags") or []
    if isinstance(tags, str):
        tags = tags.split(";")
    if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
        raise TemplateError("tags must be a list of words")
    for key in ("title", "body", "language", "shortcut"):
        if key in data and not isinstance(data[key], str):
            raise TemplateError(f"{key} must be text")
    return TemplateFields.create(
        title=str(data.get("title", "")),
        body=str(data.get("body", "")),
        language=str(data.get("language") or "nl"),
        shortcut=str(data.get("shortcut") or ""),
        tags=tags,
    )


def parse(text: str, fmt: str) -> tuple[list[TemplateFields], list[str]]:
    """Read templates; returns the valid ones and a problem per invalid row."""
    rows: list[Mapping[str, Any]]
    if fmt == "json":
        try:
            data = json.loads(text)
        except ValueError as exc:
            raise ValidationError(f"This is not valid JSON: {exc}.") from exc
        if not isinstance(data, list) or not all(isinstance(r, dict) for r in data):
            raise ValidationError("A template file holds a list of templates.")
        rows = data
        first = 1
    elif fmt == "csv":
        reader = csv.DictReader(io.StringIO(text))
        missing = [f for f in ("title", "body") if f not in (reader.fieldnames or [])]
        if missing:
            raise ValidationError(f"The CSV needs the columns {', '.join(missing)}.")
        # a cell we neutralised on export (a body starting with "=") reads back as it was
        rows = [{k: restore(v) if isinstance(v, str) else v for k, v in r.items()} for r in reader]
        first = 2  # row 1 is the header
    else:
        raise ValidationError("Import JSON or CSV files.")
    good: list[TemplateFields] = []
    problems: list[str] = []
    for number, row in enumerate(rows, start=first):
        try:
            good.append(_fields(row))
        except TemplateError as exc:
            problems.append(f"row {number}: {exc.message}")
    return good, problems


def dump(templates: Iterable[Mapping[str, Any]], fmt: str) -> str:
    """Write templates (as the server sends them) in a form :func:`parse` reads back."""
    items = [
        {
            "title": t["title"],
            "body": t["body"],
            "language": t["language"],
            "shortcut": t["shortcut"],
            "tags": list(t["tags"]),
        }
        for t in templates
    ]
    if fmt == "json":
        return json.dumps(items, indent=2, ensure_ascii=False) + "\n"
    rows = [[*(item[f] for f in FIELDS[:-1]), ";".join(item["tags"])] for item in items]
    return to_csv([list(FIELDS), *rows])
