"""Reads of program templates: the templates an organisation may use, one template's design
as a page shows it, and a program's design as a template stores it."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404

from evaluations.models import EffectTheme, FormVersion, Question
from participants.models import Organisation
from programs.agreements.rules import DEFAULT_FIELDS
from programs.models import AgreementField, Module, Program

from .models import ProgramTemplate
from .schema import total_days

# --- Which templates -------------------------------------------------------------------


def templates_for_organisation(*, organisation: Organisation) -> QuerySet[ProgramTemplate]:
    """The platform's templates and the organisation's own; never another organisation's."""
    return ProgramTemplate.objects.filter(
        Q(organisation__isnull=True) | Q(organisation=organisation)
    ).order_by("-built_in", "name", "pk")


def template_for_organisation_or_404(
    *, organisation: Organisation, template_id: int
) -> ProgramTemplate:
    template = templates_for_organisation(organisation=organisation).filter(pk=template_id).first()
    if template is None:
        raise Http404
    return template


def builtin_templates() -> QuerySet[ProgramTemplate]:
    return ProgramTemplate.objects.filter(built_in=True).order_by("name", "pk")


# --- A program's design ----------------------------------------------------------------


def _days(value: Decimal) -> str:
    """Half days as the design writes them: "1.5", "2", "10"."""
    return format(value.normalize(), "f")


def program_design(*, program: Program) -> dict:
    """The program's design (``designs.schema``): what it is made of, without its people.

    Five queries, whatever the number of modules, versions and questions.
    """
    modules = (
        Module.objects.filter(program=program)
        .select_related("evaluation_form")
        .prefetch_related(
            Prefetch(
                "evaluation_form__versions",
                queryset=FormVersion.objects.order_by("number").prefetch_related(
                    Prefetch("questions", queryset=Question.objects.order_by("order"))
                ),
            )
        )
        .order_by("order")
    )
    agreement_fields = AgreementField.objects.filter(program=program).order_by(
        "part", "order", "pk"
    )
    themes = EffectTheme.objects.filter(program=program).order_by("order")
    return {
        "program": {
            "purpose": program.purpose,
            "motto": program.motto,
            "period_days": (program.ends_on - program.starts_on).days,
            "min_group_size": program.min_group_size,
            "max_group_size": program.max_group_size,
        },
        "modules": [
            {
                "order": position,
                "name": module.name,
                "purpose": module.purpose,
                "duration_days": _days(module.duration_days),
                "evaluation_form": _form_design(getattr(module, "evaluation_form", None)),
            }
            for position, module in enumerate(modules, start=1)
        ],
        "agreement_questions": [
            {
                "part": f.part,
                "key": f.key,
                "label": f.label,
                "help_text": f.help_text,
                "required": f.required,
                "multiline": f.multiline,
                "order": f.order,
                "active": f.active,
            }
            for f in agreement_fields
        ],
        "effect_themes": [theme.name for theme in themes],
    }


def _form_design(form) -> dict | None:
    if form is None:
        return None
    return {
        "collects_effects": form.collects_effects,
        "versions": [
            {
                "number": position,
                "questions": [
                    {
                        "order": order,
                        "kind": q.kind,
                        "text": q.text,
                        "low_label": q.low_label,
                        "high_label": q.high_label,
                        "allow_comment": q.allow_comment,
                    }
                    for order, q in enumerate(version.questions.all(), start=1)
                ],
            }
            for position, version in enumerate(form.versions.all(), start=1)
        ],
    }


# --- A template as the pages show it ---------------------------------------------------


@dataclass(frozen=True)
class ModuleSummary:
    order: int
    name: str
    purpose: str
    duration_days: Decimal
    # The questions of the form's newest version (the one a new program's participants get).
    questions: list[dict]
    version_count: int
    has_form: bool
    collects_effects: bool


@dataclass(frozen=True)
class AgreementQuestionSummary:
    part: str
    label: str
    help_text: str
    active: bool


@dataclass(frozen=True)
class TemplateSummary:
    template: ProgramTemplate
    module_count: int
    total_days: Decimal
    modules: list[ModuleSummary] = field(default_factory=list)
    # True: the design has no agreement questions of its own; the default ones are shown.
    default_agreement_questions: bool = False
    agreement_questions: list[AgreementQuestionSummary] = field(default_factory=list)

    @property
    def program(self) -> dict:
        return self.template.design["program"]

    @property
    def effect_themes(self) -> list[str]:
        return self.template.design["effect_themes"]


def template_rows(*, organisation: Organisation) -> list[TemplateSummary]:
    """The templates the organisation may use, for the list: one query."""
    return [
        TemplateSummary(
            template=t,
            module_count=len(t.design["modules"]),
            total_days=total_days(t.design),
        )
        for t in templates_for_organisation(organisation=organisation)
    ]


def template_summary(*, template: ProgramTemplate) -> TemplateSummary:
    """The template's design as its page shows it; no query."""
    design = template.design
    modules = []
    for module in design["modules"]:
        form = module["evaluation_form"]
        versions = form["versions"] if form else []
        modules.append(
            ModuleSummary(
                order=module["order"],
                name=module["name"],
                purpose=module["purpose"],
                duration_days=Decimal(module["duration_days"]),
                questions=versions[-1]["questions"] if versions else [],
                version_count=len(versions),
                has_form=form is not None,
                collects_effects=bool(form and form["collects_effects"]),
            )
        )
    parts = dict(AgreementField.Part.choices)
    own = design["agreement_questions"]
    if own:
        questions = [
            AgreementQuestionSummary(
                part=parts[q["part"]],
                label=q["label"],
                help_text=q["help_text"],
                active=q["active"],
            )
            for q in sorted(own, key=lambda q: (q["part"], q["order"]))
        ]
    else:
        questions = [
            AgreementQuestionSummary(
                part=parts[q.part], label=str(q.label), help_text=str(q.help_text), active=True
            )
            for q in DEFAULT_FIELDS
        ]
    return TemplateSummary(
        template=template,
        module_count=len(modules),
        total_days=total_days(design),
        modules=modules,
        default_agreement_questions=not own,
        agreement_questions=questions,
    )
