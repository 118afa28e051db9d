from __future__ import annotations

import pytest

from webcare.domain.errors import TemplateError
from webcare.domain.models import TemplateContext
from webcare.domain.templates import (
    SAMPLE_CONTEXT,
    TemplateFields,
    append_signature,
    render,
    validate_body,
    variables_in,
)


def test_render_fills_known_variables() -> None:
    body = "Hoi {{customer_name}}, {{ brand }} helpt je graag! {{agent_signature}}"
    validate_body(body)
    ctx = TemplateContext(customer_handle="@jan", agent_signature="^Eva", brand="KPN")
    assert render(body, ctx) == "Hoi @jan, KPN helpt je graag! ^Eva"  # name falls back to handle
    assert render(body, SAMPLE_CONTEXT).startswith("Hoi Jan de Vries, Webcare")
    assert variables_in(body) == ["customer_name", "brand", "agent_signature"]


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ("Hoi {{klant}}", "Unknown variable {{klant}}"),
        ("Hoi {{customer_name}", "unbalanced"),
        ("Hoi customer_name}}", "unbalanced"),
        ("   ", "needs a text"),
        ("x" * 5001, "at most 5000"),
    ],
)
def test_invalid_bodies(body: str, fragment: str) -> None:
    with pytest.raises(TemplateError, match=fragment.replace("{", r"\{")):
        validate_body(body)


def test_fields_are_validated_and_normalised() -> None:
    f = TemplateFields.create(title=" DM ", body="Hi {{agent_name}}", tags=["A", "a", " b "])
    assert (f.title, f.language, f.tags) == ("DM", "nl", ("a", "b"))
    with pytest.raises(TemplateError, match="Language"):
        TemplateFields.create(title="x", body="y", language="de")
    with pytest.raises(TemplateError, match="shortcut"):
        TemplateFields.create(title="x", body="y", shortcut="two words")
    with pytest.raises(TemplateError, match="title"):
        TemplateFields.create(title=" ", body="y")


def test_signature_is_appended_once() -> None:
    assert append_signature("Fijne dag!", "^Eva") == "Fijne dag! ^Eva"
    assert append_signature("Fijne dag! ^Eva  ", "^Eva") == "Fijne dag! ^Eva"
    assert append_signature("Fijne dag!", "") == "Fijne dag!"
    assert append_signature("", "^Eva") == "^Eva"
