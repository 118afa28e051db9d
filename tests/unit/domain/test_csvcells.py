from __future__ import annotations

import csv
import io

from hypothesis import given
from hypothesis import strategies as st

from webcare.domain.csvcells import neutralise, restore, to_csv


def test_text_that_starts_a_formula_gets_a_quote() -> None:
    for text in ("=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx", '=HYPERLINK("http://x")'):
        assert neutralise(text) == "'" + text
    for text in ("", "plain", "1-1", " =x", "'plain", "Jan"):
        assert neutralise(text) == text
    assert neutralise("'=x") == "''=x"  # so that restore() is exact
    assert neutralise("''") == "'''"


def test_numbers_stay_numbers() -> None:
    assert to_csv([["total", -5, -1.5, 0, None, True, "-5"]]) == "total,-5,-1.5,0,,True,'-5\n"
    row = next(csv.reader(io.StringIO(to_csv([[-3600.0, "=x"]]))))
    assert row == ["-3600.0", "'=x"]


@given(st.text())
def test_restore_gives_back_what_was_neutralised(text: str) -> None:
    assert restore(neutralise(text)) == text
    assert not neutralise(text).startswith(("=", "+", "-", "@", "\t", "\r"))
