"""The design a program template holds, and the one function that says what a valid one is.

A design is plain JSON, version ``DESIGN_VERSION``, with exactly these keys (no other key is
accepted anywhere, so nothing about people can be slipped in by a later change):

- ``program``: ``purpose``, ``motto`` (texts), ``period_days`` (the program's length: its end
  is this many days after its start), ``min_group_size`` and ``max_group_size`` (the group
  size bounds of ``programs.group_size``).
- ``modules``: in order, each ``order`` (1, 2, … as listed), ``name``, ``purpose``,
  ``duration_days`` (half days as a string, "1.5"; 0.5–10, as ``Module.duration_days``) and
  ``evaluation_form``: null, or ``collects_effects`` and ``versions``, each ``number``
  (1, 2, … as listed) and ``questions``, each ``order`` (1, 2, …), ``kind`` (scale or text),
  ``text``, ``low_label``, ``high_label`` and ``allow_comment``.
- ``agreement_questions``: the program's own agreement questions (``AgreementField``: part,
  key, label, help_text, required, multiline, order, active). An empty list: the program
  asks the default questions (``programs.agreements.rules.DEFAULT_FIELDS``).
- ``effect_themes``: the names of the themes for effect entries, in order.

What is not a design choice is left out: k and the evaluation window are the installation's
(``evaluations.rules``, from settings), dates are the new program's, and rounds, groups,
people, consultants, agreements and answers belong to a program that runs.
"""

import re
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError

DESIGN_VERSION = 1

DESIGN_KEYS = {"program", "modules", "agreement_questions", "effect_themes"}
PROGRAM_KEYS = {"purpose", "motto", "period_days", "min_group_size", "max_group_size"}
MODULE_KEYS = {"order", "name", "purpose", "duration_days", "evaluation_form"}
FORM_KEYS = {"collects_effects", "versions"}
VERSION_KEYS = {"number", "questions"}
QUESTION_KEYS = {"order", "kind", "text", "low_label", "high_label", "allow_comment"}
AGREEMENT_KEYS = {
    "part",
    "key",
    "label",
    "help_text",
    "required",
    "multiline",
    "order",
    "active",
}
QUESTION_KINDS = ("scale", "text")
AGREEMENT_PARTS = ("follow_up", "plan", "roadmap")
# As long as the models' fields allow.
MAX_NAME = 200
MAX_MOTTO = 200
MAX_QUESTION = 500
MAX_SCALE_LABEL = 100
MAX_AGREEMENT_KEY = 40
MAX_AGREEMENT_LABEL = 200
MAX_AGREEMENT_HELP = 300
MAX_THEME = 200
MAX_PERIOD_DAYS = 36525  # a hundred years: a check of the type, not of the plan
MAX_GROUP_SIZE = 999
MIN_DAYS, MAX_DAYS = Decimal("0.5"), Decimal("10")
_DAYS = re.compile(r"^\d{1,2}(\.\d)?$")
_SLUG = re.compile(r"^[-a-zA-Z0-9_]+$")


class _Checker:
    """Collects every problem of a design, each with where it is ("modules[2].name")."""

    def __init__(self):
        self.problems: list[str] = []

    def fail(self, where: str, what: str) -> None:
        self.problems.append(f"{where}: {what}")

    def mapping(self, value, keys: set[str], where: str) -> bool:
        if not isinstance(value, dict):
            self.fail(where, "must be an object")
            return False
        unknown = sorted(set(value) - keys)
        missing = sorted(keys - set(value))
        if unknown:
            self.fail(where, f"unknown keys {', '.join(unknown)}")
        if missing:
            self.fail(where, f"missing keys {', '.join(missing)}")
        # Unknown keys are refused, and the known ones are checked all the same.
        return not missing

    def listing(self, value, where: str) -> bool:
        if not isinstance(value, list):
            self.fail(where, "must be a list")
            return False
        return True

    def text(self, value, where: str, *, max_length: int, blank: bool = True) -> None:
        if not isinstance(value, str):
            self.fail(where, "must be a text")
        elif len(value) > max_length:
            self.fail(where, f"longer than {max_length} characters")
        elif not blank and not value.strip():
            self.fail(where, "must not be empty")

    def boolean(self, value, where: str) -> None:
        if not isinstance(value, bool):
            self.fail(where, "must be true or false")

    def integer(self, value, where: str, *, low: int, high: int) -> bool:
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            self.fail(where, f"must be a whole number from {low} to {high}")
            return False
        return True

    def position(self, value, index: int, where: str) -> None:
        if isinstance(value, bool) or value != index:
            self.fail(where, f"must be {index}, its place in the list")


def validate_design(design) -> None:
    """Raise ValidationError listing every problem unless ``design`` is a valid design.

    The problems are in English for the developer: a design comes from code (the built-in
    templates) or from ``designs.services.template_from_program``, which makes valid ones
    out of what the programs' own forms allow.
    """
    check = _Checker()
    if check.mapping(design, DESIGN_KEYS, "design"):
        _check_program(check, design["program"])
        _check_modules(check, design["modules"])
        _check_agreement_questions(check, design["agreement_questions"])
        _check_effect_themes(check, design["effect_themes"])
    if check.problems:
        raise ValidationError(check.problems, code="invalid_design")


def _check_program(check: _Checker, program) -> None:
    if not check.mapping(program, PROGRAM_KEYS, "program"):
        return
    check.text(program["purpose"], "program.purpose", max_length=10_000)
    check.text(program["motto"], "program.motto", max_length=MAX_MOTTO)
    check.integer(program["period_days"], "program.period_days", low=0, high=MAX_PERIOD_DAYS)
    low = check.integer(
        program["min_group_size"], "program.min_group_size", low=1, high=MAX_GROUP_SIZE
    )
    high = check.integer(
        program["max_group_size"], "program.max_group_size", low=1, high=MAX_GROUP_SIZE
    )
    if low and high and program["max_group_size"] < program["min_group_size"]:
        check.fail("program.max_group_size", "smaller than the smallest group")


def _check_modules(check: _Checker, modules) -> None:
    if not check.listing(modules, "modules"):
        return
    for index, module in enumerate(modules, start=1):
        where = f"modules[{index}]"
        if not check.mapping(module, MODULE_KEYS, where):
            continue
        check.position(module["order"], index, f"{where}.order")
        check.text(module["name"], f"{where}.name", max_length=MAX_NAME, blank=False)
        check.text(module["purpose"], f"{where}.purpose", max_length=10_000)
        _check_days(check, module["duration_days"], f"{where}.duration_days")
        if module["evaluation_form"] is not None:
            _check_form(check, module["evaluation_form"], f"{where}.evaluation_form")


def _check_days(check: _Checker, value, where: str) -> None:
    days = None
    if isinstance(value, str) and _DAYS.match(value):
        try:
            days = Decimal(value)
        except InvalidOperation:  # pragma: no cover - the pattern admits only numbers
            days = None
    if days is None or not MIN_DAYS <= days <= MAX_DAYS or days % Decimal("0.5"):
        check.fail(where, 'must be half days from 0.5 to 10 as a text, for example "1.5"')


def _check_form(check: _Checker, form, where: str) -> None:
    if not check.mapping(form, FORM_KEYS, where):
        return
    check.boolean(form["collects_effects"], f"{where}.collects_effects")
    if not check.listing(form["versions"], f"{where}.versions"):
        return
    if not form["versions"]:
        check.fail(f"{where}.versions", "a form needs at least one version")
    for number, version in enumerate(form["versions"], start=1):
        at = f"{where}.versions[{number}]"
        if not check.mapping(version, VERSION_KEYS, at):
            continue
        check.position(version["number"], number, f"{at}.number")
        if not check.listing(version["questions"], f"{at}.questions"):
            continue
        for order, question in enumerate(version["questions"], start=1):
            _check_question(check, question, order, f"{at}.questions[{order}]")
        kinds = [q.get("kind") for q in version["questions"] if isinstance(q, dict)]
        if "scale" not in kinds:
            check.fail(f"{at}.questions", "a version needs at least one scale question")


def _check_question(check: _Checker, question, order: int, where: str) -> None:
    if not check.mapping(question, QUESTION_KEYS, where):
        return
    check.position(question["order"], order, f"{where}.order")
    if question["kind"] not in QUESTION_KINDS:
        check.fail(f"{where}.kind", "must be scale or text")
    check.text(question["text"], f"{where}.text", max_length=MAX_QUESTION, blank=False)
    check.text(question["low_label"], f"{where}.low_label", max_length=MAX_SCALE_LABEL)
    check.text(question["high_label"], f"{where}.high_label", max_length=MAX_SCALE_LABEL)
    check.boolean(question["allow_comment"], f"{where}.allow_comment")


def _check_agreement_questions(check: _Checker, questions) -> None:
    if not check.listing(questions, "agreement_questions"):
        return
    keys = set()
    for index, question in enumerate(questions, start=1):
        where = f"agreement_questions[{index}]"
        if not check.mapping(question, AGREEMENT_KEYS, where):
            continue
        if question["part"] not in AGREEMENT_PARTS:
            check.fail(f"{where}.part", "must be follow_up, plan or roadmap")
        key = question["key"]
        if not isinstance(key, str) or not _SLUG.match(key) or len(key) > MAX_AGREEMENT_KEY:
            check.fail(f"{where}.key", "must be a short key of letters, digits and dashes")
        elif key in keys:
            check.fail(f"{where}.key", "used by an earlier question")
        keys.add(key if isinstance(key, str) else "")
        check.text(question["label"], f"{where}.label", max_length=MAX_AGREEMENT_LABEL, blank=False)
        check.text(question["help_text"], f"{where}.help_text", max_length=MAX_AGREEMENT_HELP)
        check.boolean(question["required"], f"{where}.required")
        check.boolean(question["multiline"], f"{where}.multiline")
        check.integer(question["order"], f"{where}.order", low=0, high=32767)
        check.boolean(question["active"], f"{where}.active")


def _check_effect_themes(check: _Checker, themes) -> None:
    if not check.listing(themes, "effect_themes"):
        return
    for index, theme in enumerate(themes, start=1):
        check.text(theme, f"effect_themes[{index}]", max_length=MAX_THEME, blank=False)


def total_days(design: dict) -> Decimal:
    """The days of all the design's modules together: 6, or 5.5."""
    total = sum((Decimal(m["duration_days"]) for m in design["modules"]), Decimal(0))
    return total.quantize(Decimal(1)) if total == total.to_integral_value() else total
