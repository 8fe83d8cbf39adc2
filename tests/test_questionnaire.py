"""Questionnaire TOML: validation and the rule that answered questionnaires only grow."""

from __future__ import annotations

import re

import pytest
from conftest import DATA, EXAMPLES, load_file

from pipelines import store
from pipelines.errors import QuestionnaireError
from pipelines.questionnaire import parse

BASE = (EXAMPLES / "dealer-sales.toml").read_text(encoding="utf-8")


def problems_of(text: str) -> str:
    with pytest.raises(QuestionnaireError) as info:
        parse(text)
    return "\n".join(info.value.problems)


def test_example_parses_with_normalised_levels():
    q = parse(BASE)
    assert q.id == "dealer-sales" and len(q.items) == 7 and len(q.dimensions) == 4
    scale = q.scale("likert5")
    assert (scale.min, scale.max, scale.norm(4)) == (1, 5, 75.0)


def test_unknown_scale_and_dimension_references():
    text = BASE.replace('dimension = "delivery"', 'dimension = "nowhere"').replace(
        'dimension = "facility"\nscale = "likert5"',
        'dimension = "facility"\nscale = "ten"',
    )
    found = problems_of(text)
    assert "unknown dimension 'nowhere'" in found
    assert "unknown scale 'ten'" in found


def test_duplicate_ids_and_non_positive_weight():
    text = BASE.replace('id = "q2"', 'id = "q1"').replace("weight = 0.2", "weight = 0", 1)
    found = problems_of(text)
    assert "duplicate id 'q1'" in found
    assert "must be positive" in found


def test_points_for_values_the_scale_lacks():
    text = BASE.replace(
        'label = "产品质量"\nweight = 0.3', 'label = "产品质量"\nweight = 0.3\npoints = { "7" = 1.0 }'
    )
    assert "level value '7' is not in any scale" in problems_of(text)


def test_answered_questionnaire_may_only_add_items(con):
    load_file(con, "survey", DATA / "survey_ok.csv", questionnaire_id="dealer-sales")
    changed = BASE.replace('column = "产品性能"', 'column = "产品性能2"')
    with pytest.raises(QuestionnaireError) as info:
        store.add_questionnaire(con, changed)
    assert "item 'q1' changed or removed" in info.value.problems
    grown = BASE + '\n[[items]]\nid = "q8"\ncolumn = "售后承诺"\ndimension = "product"\nscale = "likert5"\n'
    assert store.add_questionnaire(con, grown)["status"] == "updated"
    assert store.add_questionnaire(con, grown)["status"] == "unchanged"
    assert len(store.get_questionnaire(con, "dealer-sales").items) == 8


MINIMAL = """
id = "m"
title = "Minimal"
[[scales]]
id = "s"
levels = [{ value = 1, label = "bad", dissatisfied = true }, { value = 2, label = "good" }]
[[dimensions]]
id = "d"
[[items]]
id = "i"
dimension = "d"
scale = "s"
"""


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            ("levels = [{ value = 1", "levels = [1, 2, 3]\nx = [{ value = 1"),
            "scales[1].levels[1]: expected a table",
        ),
        (('scales]]\nid = "s"', 'scales]]\nid = "s"'), None),
        (
            [
                ('[[items]]\nid = "i"\ndimension = "d"\nscale = "s"\n', ""),
                ('title = "Minimal"', 'title = "Minimal"\nitems = [1, 2]'),
            ],
            "items[1]: expected a table",
        ),
        (
            ('[[scales]]\nid = "s"\nlevels', 'scales = "x"\n[[oops]]\nid = "s"\nlevels'),
            "scales: expected an array of tables",
        ),
        (
            ('[[dimensions]]\nid = "d"', '[[dimensions]]\nid = "d"\npoints = [1, 2]'),
            "dimensions[1].points: expected a table",
        ),
        (
            ('[[dimensions]]\nid = "d"', '[[dimensions]]\nid = "d"\nweight = nan'),
            "dimensions[1].weight: nan is not a finite",
        ),
        (
            ('[[dimensions]]\nid = "d"', '[[dimensions]]\nid = "d"\nweight = inf'),
            "dimensions[1].weight: inf is not a finite",
        ),
        (("{ value = 2,", "{ value = inf,"), "scales[1].levels[2].value: inf is not a finite"),
        (("{ value = 2,", "{ value = nan,"), "scales[1].levels[2].value: nan is not a finite"),
        (
            ('label = "good" }', 'label = "good", aliases = "xyz" }'),
            "scales[1].levels[2].aliases: expected a list",
        ),
        (("[[dimensions]]", 'na = "-"\n[[dimensions]]'), "scales[1].na: expected a list"),
        (('label = "good" }', 'label = "good", satisfied = "yes" }'), "satisfied: expected true or false"),
        (('dimension = "d"', 'dimension = ["d"]'), "items[1]: dimension and scale must be ids"),
        (('title = "Minimal"', 'title = "Minimal"\ncadence = "weekly"'), "cadence: 'weekly' must be one of"),
    ],
)
def test_malformed_toml_is_refused_with_its_key_path(change, expected):
    text = MINIMAL
    for old, new in change if isinstance(change, list) else [change]:
        assert old in text
        text = text.replace(old, new, 1)
    if expected is None:
        assert parse(text).id == "m"
        return
    assert expected in problems_of(text)


def test_cadence_is_read():
    assert parse(MINIMAL).cadence == "month"
    assert (
        parse(MINIMAL.replace('title = "Minimal"', 'title = "Minimal"\ncadence = "quarter"')).cadence
        == "quarter"
    )


def test_a_level_value_past_a_million_is_refused():
    text = BASE.replace("value = 5,", "value = 9223372036854775807,", 1)
    assert text != BASE
    assert "is outside ±1,000,000" in problems_of(text)


def test_call_rules_and_item_wording_are_checked():
    """CONTRACT §9: [calls] keys with their types and ranges; an item's text and required."""
    base = re.sub(r"\[calls\]\n(?:[a-z_]+ = .*\n)+", "", BASE)
    assert "[calls]" in BASE and "[calls]" not in base
    text = (
        base
        + '\n[calls]\nnew_sales = "yes"\nservice_share = 1.5\nquiet_days = -1\nmax_attempts = 0\nsoon = true\n'
    )
    found = problems_of(text)
    for words in (
        "calls.new_sales: expected true or false",
        "calls.service_share: 1.5 must be between 0 and 1",
        "calls.quiet_days: expected a whole number from 0",
        "calls.max_attempts: expected a whole number from 1",
        "calls: unknown key 'soon'",
    ):
        assert words in found, words
    wording = BASE.replace('text = "您对展厅环境的舒适程度满意吗？"', 'text = ""\nrequired = "yes"')
    found = problems_of(wording)
    assert ".required: expected true or false" in found and ".text: expected the question's text" in found
    parsed = parse(base + "\n[calls]\nservice_share = 0.25\n")
    assert parsed.calls.service_share == 0.25 and parsed.calls.new_sales and parsed.calls.max_attempts == 3
    assert parse(base).calls is None
