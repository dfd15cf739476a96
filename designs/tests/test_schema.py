"""The one function that says what a valid design is: exactly its keys, nothing more."""

import copy

import pytest
from django.core.exceptions import ValidationError

from designs.builtin import builtin_templates
from designs.schema import validate_design


@pytest.fixture
def design():
    (svc,) = builtin_templates()
    return copy.deepcopy(svc["design"])


def _problems(design) -> list[str]:
    with pytest.raises(ValidationError) as error:
        validate_design(design)
    return error.value.messages


def test_the_shipped_design_is_valid(design):
    validate_design(design)


def test_an_unknown_key_is_refused_at_every_level(design):
    design["participants"] = [{"name": "Anna Ek"}]
    design["program"]["steering_group"] = "Kommunledningen"
    design["modules"][0]["responsible_consultant"] = "Pia Lindqvist"
    design["modules"][1]["evaluation_form"]["answers"] = []
    design["modules"][2]["evaluation_form"]["versions"][0]["created_by"] = "hr@orebro.example"
    design["modules"][3]["evaluation_form"]["versions"][0]["questions"][0]["mean"] = 4.8
    design["agreement_questions"] = [
        {
            "part": "plan",
            "key": "develop",
            "label": "Vad jag vill utveckla",
            "help_text": "",
            "required": True,
            "multiline": True,
            "order": 1,
            "active": True,
            "texts": {"anna": "Min plan"},
        }
    ]

    assert _problems(design) == [
        "design: unknown keys participants",
        "program: unknown keys steering_group",
        "modules[1]: unknown keys responsible_consultant",
        "modules[2].evaluation_form: unknown keys answers",
        "modules[3].evaluation_form.versions[1]: unknown keys created_by",
        "modules[4].evaluation_form.versions[1].questions[1]: unknown keys mean",
        "agreement_questions[1]: unknown keys texts",
    ]


def test_a_missing_key_is_refused(design):
    del design["effect_themes"]
    del design["modules"][0]["duration_days"]

    assert _problems(design) == ["design: missing keys effect_themes"]

    design["effect_themes"] = []
    assert _problems(design) == ["modules[1]: missing keys duration_days"]


@pytest.mark.parametrize(
    ("days", "valid"),
    [("0.5", True), ("1.5", True), ("10", True), ("2.0", True), ("1.25", False),
     ("0", False), ("10.5", False), ("", False), (1.5, False), ("1,5", False)],
)  # fmt: skip
def test_a_modules_length_is_half_days_from_half_a_day_to_ten(design, days, valid):
    design["modules"][0]["duration_days"] = days

    if valid:
        validate_design(design)
    else:
        assert _problems(design) == [
            "modules[1].duration_days: must be half days from 0.5 to 10 as a text, for example "
            '"1.5"'
        ]


def test_orders_and_numbers_are_the_places_in_their_lists(design):
    design["modules"][1]["order"] = 5
    design["modules"][0]["evaluation_form"]["versions"][0]["number"] = 2
    design["modules"][0]["evaluation_form"]["versions"][0]["questions"][2]["order"] = 1

    assert _problems(design) == [
        "modules[1].evaluation_form.versions[1].number: must be 1, its place in the list",
        "modules[1].evaluation_form.versions[1].questions[3].order: must be 3, its place in "
        "the list",
        "modules[2].order: must be 2, its place in the list",
    ]


def test_values_of_the_wrong_kind_are_refused(design):
    design["program"]["min_group_size"] = 30  # above the largest
    design["modules"][0]["name"] = " "
    design["modules"][0]["evaluation_form"]["collects_effects"] = "yes"
    questions = design["modules"][1]["evaluation_form"]["versions"][0]["questions"]
    questions[0]["kind"] = "stars"
    design["modules"][2]["evaluation_form"]["versions"][0]["questions"] = [
        dict(q) for q in questions if q["kind"] == "text"
    ]
    for order, question in enumerate(
        design["modules"][2]["evaluation_form"]["versions"][0]["questions"], start=1
    ):
        question["order"] = order
    design["effect_themes"] = ["Helhetssyn", ""]

    assert _problems(design) == [
        "program.max_group_size: smaller than the smallest group",
        "modules[1].name: must not be empty",
        "modules[1].evaluation_form.collects_effects: must be true or false",
        "modules[2].evaluation_form.versions[1].questions[1].kind: must be scale or text",
        "modules[3].evaluation_form.versions[1].questions: a version needs at least one scale "
        "question",
        "effect_themes[2]: must not be empty",
    ]


def test_agreement_question_keys_are_unique(design):
    question = {
        "part": "plan",
        "key": "develop",
        "label": "Vad jag vill utveckla",
        "help_text": "",
        "required": True,
        "multiline": True,
        "order": 1,
        "active": True,
    }
    design["agreement_questions"] = [question, {**question, "part": "later"}]

    assert _problems(design) == [
        "agreement_questions[2].part: must be follow_up, plan or roadmap",
        "agreement_questions[2].key: used by an earlier question",
    ]


def test_not_an_object_is_refused():
    assert _problems([]) == ["design: must be an object"]
