from __future__ import annotations

import csv
import io

import pytest

from webcare.domain.errors import ValidationError
from webcare.domain.template_io import dump, parse

TEMPLATES = [
    {"title": "DM", "body": "Hoi {{customer_name}}, stuur een DM", "language": "nl",
     "shortcut": "dm", "tags": ["dm", "privacy"]},
    {"title": "Thanks, \"quoted\"", "body": "Thanks!\nBye, {{agent_signature}}", "language": "en",
     "shortcut": "", "tags": []},
]  # fmt: skip


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_round_trip(fmt: str) -> None:
    good, problems = parse(dump(TEMPLATES, fmt), fmt)
    assert problems == []
    assert [(t.title, t.body, t.language, t.shortcut, list(t.tags)) for t in good] == [
        (t["title"], t["body"], t["language"], t["shortcut"], t["tags"]) for t in TEMPLATES
    ]


def test_bad_rows_are_reported_by_number() -> None:
    text = "title,body,language\nOK,Hoi {{brand}},nl\nBad,Hoi {{klant}},nl\n,empty title,en\n"
    good, problems = parse(text, "csv")
    assert [t.title for t in good] == ["OK"]
    assert problems[0].startswith("row 3: Unknown variable {{klant}}")
    assert problems[1].startswith("row 4: A template needs a title")


def test_wrong_files() -> None:
    with pytest.raises(ValidationError, match="not valid JSON"):
        parse("{", "json")
    with pytest.raises(ValidationError, match="list of templates"):
        parse('{"title": "x"}', "json")
    with pytest.raises(ValidationError, match="columns body"):
        parse("title\nx\n", "csv")
    good, problems = parse('[{"title": 5, "body": "x"}]', "json")
    assert good == [] and "title must be text" in problems[0]


def test_template_exports_are_neutralised_and_read_back_exactly() -> None:
    templates = [
        {"title": "=1+1", "body": "@{{customer_name}} -- hi", "language": "nl",
         "shortcut": "+x", "tags": ["-minus", "ok"]},
        {"title": "'=quoted", "body": "'plain quote", "language": "en", "shortcut": "",
         "tags": []},
    ]  # fmt: skip
    text = dump(templates, "csv")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[1] == ["'=1+1", "'@{{customer_name}} -- hi", "nl", "'+x", "'-minus;ok"]
    assert rows[2] == ["''=quoted", "'plain quote", "en", "", ""]
    good, problems = parse(text, "csv")
    assert problems == []
    assert [(t.title, t.body, t.shortcut, list(t.tags)) for t in good] == [
        ("=1+1", "@{{customer_name}} -- hi", "+x", ["-minus", "ok"]),
        ("'=quoted", "'plain quote", "", []),
    ]


def test_nul_characters_in_an_imported_file_are_reported() -> None:
    good, problems = parse(
        '[{"title": "a\\u0000b", "body": "x"}, {"title": "ok", "body": "x", "tags": ["t\\u0000"]}]',
        "json",
    )
    assert good == []
    assert problems == [
        "row 1: A template's title must not contain NUL characters.",
        "row 2: A template's tag must not contain NUL characters.",
    ]
