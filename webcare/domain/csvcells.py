"""CSV that a spreadsheet cannot run: every CSV Webcare writes goes through :func:`to_csv`.

A text cell that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is read as a
formula by Excel, LibreOffice and Google Sheets (OWASP "CSV injection"): a customer's name
``=HYPERLINK("http://…")`` would become a live link in the lead's report. Such cells get a
leading ``'``, which spreadsheets take as "this is text". Numbers are not text: ``-12`` stays a
number. A text cell that already begins with ``'`` before one of those characters (or before a
second ``'``) gets one more, so that :func:`restore` gives back exactly what was written.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

#: What makes a spreadsheet read a cell as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_ESCAPED = ("'", *FORMULA_STARTS)


def neutralise(value: Any) -> Any:
    """``value`` safe for a spreadsheet: text that would start a formula gets a leading ``'``."""
    if not isinstance(value, str):
        return value
    if value.startswith(FORMULA_STARTS) or (value[:1] == "'" and value[1:2].startswith(_ESCAPED)):
        return "'" + value
    return value


def restore(value: str) -> str:
    """The text :func:`neutralise` was given (for reading back a CSV Webcare wrote)."""
    if value[:1] == "'" and value[1:2].startswith(_ESCAPED):
        return value[1:]
    return value


def to_csv(rows: Iterable[Sequence[Any]]) -> str:
    """Rows as CSV text (``\\n`` line ends), ``None`` as an empty cell, text neutralised."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for row in rows:
        writer.writerow(["" if v is None else neutralise(v) for v in row])
    return out.getvalue()
