"""Writes of program templates: save a program's design, start a program from a template, and
store the built-in templates.

A template holds a design (``designs.schema``) and nothing else: no people, no dates, no
answers. Starting a program from one writes the program's own rows (modules, evaluation
forms with their versions and questions, agreement questions, effect themes); HR then adapts
them on the program's ordinary editing pages.
"""

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from evaluations.models import EffectTheme, EvaluationForm, FormVersion, Question
from participants.models import Organisation, User
from programs.editing.services import program_create, save_with_history
from programs.models import AgreementField, Module, Program

from .builtin import builtin_templates
from .models import ProgramTemplate
from .schema import DESIGN_VERSION, validate_design
from .selectors import program_design


def _clean_name(name: str) -> str:
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Enter a name.")})
    return name


@transaction.atomic
def template_from_program(
    *, program: Program, name: str, by: User | None, description: str = ""
) -> ProgramTemplate:
    """Save the program's design as a template of the program's organisation.

    ``by`` is who saves it; a template records no one. Raises ValidationError keyed by field
    for an empty name or one the organisation's templates already have; nothing is stored
    then. Side effects: one ProgramTemplate row.
    """
    name = _clean_name(name)
    organisation = program.organisation
    if ProgramTemplate.objects.filter(organisation=organisation, name=name).exists():
        raise ValidationError(
            {
                "name": _("%(organisation)s already has a template called “%(name)s”.")
                % {"organisation": organisation, "name": name}
            }
        )
    design = program_design(program=program)
    try:
        validate_design(design)
    except ValidationError as exc:
        raise ValidationError(
            _("The program's design cannot be saved as a template: %(problems)s")
            % {"problems": "; ".join(exc.messages)}
        ) from exc
    template = ProgramTemplate(
        organisation=organisation,
        name=name,
        description=description.strip(),
        built_in=False,
        version=DESIGN_VERSION,
        design=design,
    )
    template.full_clean()
    template.save()
    return template


@transaction.atomic
def program_from_template(
    *,
    template: ProgramTemplate,
    organisation: Organisation,
    name: str,
    by: User | None,
    starts_on: dt.date | None = None,
) -> Program:
    """Start a new program in ``organisation`` from the template's design.

    The program starts on ``starts_on`` (today if not given) and ends the design's
    ``period_days`` later. Raises ValidationError for a template of another organisation, a
    design that is not valid, or a name the program cannot have; nothing is stored then.
    Side effects: the program and its modules (each with its first history record, by
    ``by``), the modules' evaluation forms with every version and question, the agreement
    questions and the effect themes of the design.
    """
    if template.organisation_id not in (None, organisation.pk):
        raise ValidationError({"template": _("Choose one of your organisation's templates.")})
    design = template.design
    try:
        validate_design(design)
    except ValidationError as exc:
        raise ValidationError(
            {
                "template": _("The template cannot be used: %(problems)s")
                % {"problems": "; ".join(exc.messages)}
            }
        ) from exc
    settings = design["program"]
    starts_on = starts_on or timezone.localdate()
    program = program_create(
        organisation=organisation,
        user=by,
        name=_clean_name(name),
        motto=settings["motto"],
        purpose=settings["purpose"],
        starts_on=starts_on,
        ends_on=starts_on + dt.timedelta(days=settings["period_days"]),
        min_group_size=settings["min_group_size"],
        max_group_size=settings["max_group_size"],
    )
    questions = []
    for item in design["modules"]:
        module = Module(
            program=program,
            order=item["order"],
            name=item["name"],
            purpose=item["purpose"],
            duration_days=Decimal(item["duration_days"]),
        )
        save_with_history(module, user=by, reason="module_create")
        form_design = item["evaluation_form"]
        if form_design is None:
            continue
        form = EvaluationForm.objects.create(
            module=module, collects_effects=form_design["collects_effects"]
        )
        for version_design in form_design["versions"]:
            version = FormVersion.objects.create(form=form, number=version_design["number"])
            questions += [
                Question(version=version, **question) for question in version_design["questions"]
            ]
    _create(Question, questions)
    _create(
        EffectTheme,
        [
            EffectTheme(program=program, order=order, name=theme)
            for order, theme in enumerate(design["effect_themes"], start=1)
        ],
    )
    _create(
        AgreementField,
        [AgreementField(program=program, **question) for question in design["agreement_questions"]],
    )
    return program


def _create(model, rows: list) -> None:
    """Check each row as its model does, then write them in one statement. Uniqueness is the
    design's own (validate_design), and the rows are new."""
    for row in rows:
        row.full_clean(
            exclude=["program", "version"], validate_unique=False, validate_constraints=False
        )
    model.objects.bulk_create(rows)


@transaction.atomic
def ensure_builtin_templates() -> list[ProgramTemplate]:
    """Store the shipped templates (``designs.builtin``): create any that is missing, and
    bring any whose file changed up to date. Idempotent; runs after every ``migrate``.

    Side effects: at most one write per shipped template, none when all are current.
    """
    stored = []
    for shipped in builtin_templates():
        validate_design(shipped["design"])
        values = {
            "name": shipped["name"],
            "description": shipped["description"],
            "version": shipped["version"],
            "design": shipped["design"],
        }
        template = ProgramTemplate.objects.filter(built_in=True, builtin_key=shipped["key"]).first()
        if template is None:
            template = ProgramTemplate(built_in=True, builtin_key=shipped["key"], **values)
        elif all(getattr(template, name) == value for name, value in values.items()):
            stored.append(template)
            continue
        for name, value in values.items():
            setattr(template, name, value)
        template.full_clean()
        template.save()
        stored.append(template)
    return stored
