from __future__ import annotations

import re

import pytest

from webcare.domain.errors import TemplateError
from webcare.domain.models import TemplateContext
from webcare.domain.templates import (
    SAMPLE_CONTEXT,
    AskField,
    AskProblem,
    TemplateFields,
    append_signature,
    ask_fields,
    ask_key,
    check_body,
    fill_asks,
    render,
    unfilled_asks,
    validate_body,
    value_problem,
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


ASKING = "Hoi {{customer_name}}, je order {{ask: Order  Number }} van {{ask:datum}} (nogmaals: {{ASK:order number}}). {{agent_signature}}"  # noqa: E501


def test_ask_variables_are_read_in_order_once_per_label() -> None:
    validate_body(ASKING)
    assert ask_fields(ASKING) == [
        AskField("order number", "Order Number"),
        AskField("datum", "datum"),
    ]
    check = check_body(ASKING)
    assert check.variables == ("customer_name", "agent_signature")
    assert (check.unknown, check.ask_problems, check.unbalanced) == ((), (), False)
    assert ask_key("  ORDER   number ") == "order number"
    assert ask_fields("{{ ask : x }}") == [AskField("x", "x")]
    assert ask_fields("Hoi {{customer_name}}") == []


def test_render_leaves_ask_variables_for_the_composer() -> None:
    rendered = render(ASKING, SAMPLE_CONTEXT)
    assert rendered == (
        "Hoi Jan de Vries, je order {{ask:Order Number}} van {{ask:datum}}"
        " (nogmaals: {{ask:order number}}). ^Eva"
    )
    assert ask_fields(rendered) == ask_fields(ASKING)  # the composer finds the same fields
    filled = fill_asks(rendered, {"order number": " 12 34 ", "datum": ""})
    assert filled == ("Hoi Jan de Vries, je order 12 34 van {{ask:datum}} (nogmaals: 12 34). ^Eva")
    assert unfilled_asks(filled) == ["{{ask:datum}}"]
    done = fill_asks(filled, {"datum": "3\nmei"})  # one line: a newline becomes a space
    assert done.endswith("van 3 mei (nogmaals: 12 34). ^Eva")
    assert unfilled_asks(done) == []


def test_bulk_rendering_fills_known_variables_per_customer_and_asks_once() -> None:
    values = {"order number": "A-1", "datum": "3 mei"}
    jan = render(ASKING, TemplateContext(customer_name="Jan", agent_signature="^Eva"), values)
    piet = render(ASKING, TemplateContext(customer_name="Piet", agent_signature="^Eva"), values)
    assert jan == "Hoi Jan, je order A-1 van 3 mei (nogmaals: A-1). ^Eva"
    assert piet.startswith("Hoi Piet, je order A-1")


def test_values_are_never_read_again_as_placeholders() -> None:
    sneaky = TemplateContext(customer_name="{{ask:order number}}")
    rendered = render("Hoi {{customer_name}}", sneaky, {"order number": "1"})
    assert rendered == "Hoi {{ask:order number}}"  # the name as written, not filled
    assert fill_asks("{{ask:a}} {{ask:b}}", {"a": "{{ask:b}}", "b": "2"}) == "{{ask:b}} 2"
    assert value_problem("{{ask:b}}") is not None
    assert value_problem("a { b } c") is None


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ("Je order {{ask:}}", "has no label"),
        ("Je order {{ask:   }}", "has no label"),
        ("Je order {{ask:order {nummer}}", "contains a brace"),
        ("Je order {{ask:order}nummer}}", "contains a brace"),
        ("Je order {{ask:" + "x" * 41 + "}}", "longer than 40 characters"),
        ("Je order {{ask:order\tnummer}}", "one line"),
        ("Je order {{ordernummer}}", "write {{ask:ordernummer}}"),
    ],
)
def test_invalid_ask_variables(body: str, fragment: str) -> None:
    with pytest.raises(TemplateError, match=re.escape(fragment)):
        validate_body(body)
    with pytest.raises(TemplateError):
        TemplateFields.create(title="Order", body=body)


def test_a_label_of_40_characters_is_fine() -> None:
    label = "x" * 38 + "  y"  # 41 as written, 40 once its spaces are normalised
    validate_body("{{ask:" + label + "}}")
    assert ask_fields("{{ask:" + label + "}}")[0].label == "x" * 38 + " y"
    check = check_body("{{ask:}} {{ask:a{b}} {{klant}}")
    assert [p for p, _label in check.ask_problems] == [AskProblem.BRACES, AskProblem.EMPTY]
    assert check.unknown == ("klant",)
