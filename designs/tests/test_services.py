"""Saving a program's design as a template, starting a program from one, and the built-in
SVC template: exact stored values, module by module and question by question."""

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from designs.builtin import SVC_KEY
from designs.models import ProgramTemplate
from designs.selectors import program_design
from designs.services import (
    ensure_builtin_templates,
    program_from_template,
    template_from_program,
)
from evaluations import services as evaluation_services
from evaluations.models import EffectTheme, EvaluationForm, FormVersion, Question, TextAnswer
from evaluations.services.authoring import QuestionData
from evaluations.tests.factories import answer, close_window, make_group, publish_texts
from participants.tests.factories import ConsultantFactory, OrganisationFactory, UserFactory
from programs.agreements.services import agreement_field_save, agreement_fields_customise
from programs.models import AgreementField, Module, Program
from programs.tests.factories import AgreementFactory, ModuleFactory, ProgramFactory

pytestmark = pytest.mark.django_db

LOW, HIGH = "Instämmer inte alls", "Instämmer helt"


def _scale(order, text, comment=False):
    return {
        "order": order,
        "kind": "scale",
        "text": text,
        "low_label": LOW,
        "high_label": HIGH,
        "allow_comment": comment,
    }


def _open(order, text):
    return {
        "order": order,
        "kind": "text",
        "text": text,
        "low_label": "",
        "high_label": "",
        "allow_comment": False,
    }


def _default_questions():
    return [
        _scale(1, "Modulens innehåll var relevant för mitt uppdrag som chef.", True),
        _scale(
            2, "Jag har fått verktyg som jag kan pröva och tillämpa i min vardag som chef.", True
        ),
        _scale(3, "Processledarna skapade ett gott lärandeklimat i gruppen."),
        _scale(4, "Det fanns tillräckligt med tid för reflektion och erfarenhetsutbyte."),
        _scale(5, "Sammantaget är jag nöjd med modulen.", True),
        _open(6, "Vad tar du med dig från modulen till din vardag som chef?"),
        _open(7, "Vad kan göras bättre till nästa grupp?"),
    ]


@pytest.fixture
def running_program(org):
    """A program that has run: two modules (the first with a form in two versions, answered),
    a third without a form, enrollments, an agreement with texts, a responsible consultant,
    customised agreement questions and renamed effect themes."""
    program = ProgramFactory(
        organisation=org,
        name="Chefsprogram 2015",
        purpose="En gemensam ledarkultur.",
        motto="Säkra, initiativrika och klara",
        starts_on=dt.date(2015, 1, 1),
        ends_on=dt.date(2016, 6, 30),
        min_group_size=18,
        max_group_size=24,
    )
    consultant = ConsultantFactory(name="Pia Lindqvist", organisations=[org])
    ModuleFactory(
        program=program,
        order=1,
        name="Del av en helhet",
        purpose="Chefsrollen i en politiskt styrd organisation.",
        duration_days=Decimal("1.5"),
        responsible_consultant=consultant,
    )
    ModuleFactory(
        program=program, order=2, name="Klar ledare", purpose="", duration_days=Decimal("2")
    )
    ModuleFactory(
        program=program, order=3, name="Säker chef", purpose="Ramarna.", duration_days=Decimal(1)
    )
    setup = make_group(program=program, size=5, modules=(1, 2))
    for enrollment in setup.enrollments:
        answer(enrollment, setup.sessions[1], comment="Anna Ek var bäst.", text="Mitt svar X1")
    close_window(setup.sessions[1])
    publish_texts(setup.sessions[1])
    module_1 = Module.objects.get(program=program, order=1)
    form = evaluation_services.evaluation_form_ensure(module=module_1)
    evaluation_services.evaluation_form_update(
        form=form,
        questions=[
            QuestionData(kind="scale", text="Modulen var relevant.", low_label="Inte alls",
                         high_label="Helt", allow_comment=True),
            QuestionData(kind="text", text="Vad tar du med dig?"),
        ],
        collects_effects=False,
    )  # fmt: skip
    # Module 2's form stays the default; module 3 has none.
    evaluation_services.evaluation_form_ensure(module=Module.objects.get(program=program, order=2))
    evaluation_services.effect_themes_update(
        program=program, names=["Helhetssyn", "Tydligare beslut", ""]
    )
    with translation.override("en"):  # the default questions are stored in the language in use
        agreement_fields_customise(program=program)
    agreement_field_save(
        program=program,
        values={"part": "plan", "label": "Mitt första steg", "help_text": "Kort.", "order": 9},
    )
    AgreementField.objects.filter(program=program, key="support").update(active=False)
    AgreementFactory(enrollment=setup.enrollments[0], texts={"develop": "Hemlig plan om Bo Berg"})
    return program


def test_a_programs_design_holds_its_modules_forms_questions_and_settings(running_program):
    design = program_design(program=running_program)

    assert design["program"] == {
        "purpose": "En gemensam ledarkultur.",
        "motto": "Säkra, initiativrika och klara",
        "period_days": 546,
        "min_group_size": 18,
        "max_group_size": 24,
    }
    assert [
        (m["order"], m["name"], m["purpose"], m["duration_days"]) for m in design["modules"]
    ] == [
        (1, "Del av en helhet", "Chefsrollen i en politiskt styrd organisation.", "1.5"),
        (2, "Klar ledare", "", "2"),
        (3, "Säker chef", "Ramarna.", "1"),
    ]
    first, second, third = (m["evaluation_form"] for m in design["modules"])
    assert first == {
        "collects_effects": False,
        "versions": [
            {"number": 1, "questions": _default_questions()},
            {
                "number": 2,
                "questions": [
                    {
                        "order": 1,
                        "kind": "scale",
                        "text": "Modulen var relevant.",
                        "low_label": "Inte alls",
                        "high_label": "Helt",
                        "allow_comment": True,
                    },
                    _open(2, "Vad tar du med dig?"),
                ],
            },
        ],
    }
    assert second == {
        "collects_effects": False,
        "versions": [{"number": 1, "questions": _default_questions()}],
    }
    assert third is None
    assert design["effect_themes"] == ["Helhetssyn", "Tydligare beslut"]
    assert design["agreement_questions"] == [
        {
            "part": "follow_up",
            "key": "tried",
            "label": "What I actually tried, applied and involved my staff in since the last "
            "module",
            "help_text": "Your process leader will ask about this at the next session.",
            "required": True,
            "multiline": True,
            "order": 1,
            "active": True,
        },
        *[
            {
                "part": "plan",
                "key": key,
                "label": label,
                "help_text": "",
                "required": True,
                "multiline": True,
                "order": order,
                "active": key != "support",
            }
            for key, label, order in (
                ("develop", "What I want to develop", 2),
                (
                    "try_apply_involve",
                    "What I will try, apply and involve my staff in before the next module",
                    3,
                ),
                ("support", "The support I need from my manager", 4),
            )
        ],
        {
            "part": "plan",
            "key": "mitt-forsta-steg",
            "label": "Mitt första steg",
            "help_text": "Kort.",
            "required": True,
            "multiline": True,
            "order": 9,
            "active": True,
        },
        *[
            {
                "part": "roadmap",
                "key": key,
                "label": label,
                "help_text": help_text,
                "required": True,
                "multiline": key != "when",
                "order": order,
                "active": True,
            }
            for key, label, help_text, order in (
                ("continue_with", "What I will continue with", "", 5),
                ("manager_follow_up", "How my manager will follow up", "", 6),
                ("when", "When we follow up", "For example a month, or the next performance "
                 "review.", 7),
            )
        ],
    ]  # fmt: skip


def test_a_template_carries_no_people_and_no_answers(running_program, hr_user):
    assert TextAnswer.objects.filter(text="Mitt svar X1").count() == 5  # the answers exist

    template = template_from_program(program=running_program, name="Vår mall", by=hr_user)

    stored = json.dumps(ProgramTemplate.objects.get(pk=template.pk).design, ensure_ascii=False)
    people = running_program.enrollments.select_related("person")
    for enrollment in people:
        person = enrollment.person
        for value in (f"{person.first_name} {person.last_name}", person.email):
            assert value not in stored
        assert f'"{person.employee_number}"' not in stored
    for value in (
        "Pia Lindqvist",  # the module-responsible consultant
        "Örebro slott",  # the sessions' venue
        "Mitt svar X1",  # an open answer
        "Anna Ek var bäst.",  # a comment
        "Hemlig plan om Bo Berg",  # an agreement's text
        hr_user.email,
        "2015-",  # no date
        "@",  # no address of any kind
    ):
        assert value not in stored
    assert template.organisation == running_program.organisation
    assert (template.name, template.description, template.built_in, template.version) == (
        "Vår mall",
        "",
        False,
        1,
    )


def test_round_trip_program_template_program_is_equal_in_design(running_program, hr_user):
    region = OrganisationFactory(name="Region Exempel", slug="region-exempel")
    template = template_from_program(
        program=running_program, name="Vår mall", description="Tre moduler.", by=hr_user
    )
    template.organisation = None  # as a platform template, so another organisation may use it
    template.save()

    started = program_from_template(
        template=template,
        organisation=region,
        name="Ledarskap i regionen",
        starts_on=dt.date(2027, 1, 11),
        by=hr_user,
    )

    assert program_design(program=started) == program_design(program=running_program)
    started = Program.objects.get(pk=started.pk)
    assert (
        started.organisation,
        started.name,
        started.starts_on,
        started.ends_on,
        started.min_group_size,
        started.max_group_size,
        started.motto,
        started.purpose,
    ) == (
        region,
        "Ledarskap i regionen",
        dt.date(2027, 1, 11),
        dt.date(2028, 7, 10),
        18,
        24,
        "Säkra, initiativrika och klara",
        "En gemensam ledarkultur.",
    )
    assert list(
        Module.objects.filter(program=started)
        .order_by("order")
        .values_list("order", "name", "duration_days", "responsible_consultant")
    ) == [
        (1, "Del av en helhet", Decimal("1.5"), None),
        (2, "Klar ledare", Decimal("2.0"), None),
        (3, "Säker chef", Decimal("1.0"), None),
    ]
    assert list(
        FormVersion.objects.filter(form__module__program=started)
        .order_by("form__module__order", "number")
        .values_list("form__module__order", "number")
    ) == [(1, 1), (1, 2), (2, 1)]
    assert list(
        Question.objects.filter(version__form__module__program=started, version__number=2)
        .order_by("order")
        .values_list("order", "kind", "text", "low_label", "high_label", "allow_comment")
    ) == [
        (1, "scale", "Modulen var relevant.", "Inte alls", "Helt", True),
        (2, "text", "Vad tar du med dig?", "", "", False),
    ]
    assert list(EffectTheme.objects.filter(program=started).values_list("order", "name")) == [
        (1, "Helhetssyn"),
        (2, "Tydligare beslut"),
    ]
    assert list(
        AgreementField.objects.filter(program=started, active=False).values_list("key", "label")
    ) == [("support", "The support I need from my manager")]
    assert AgreementField.objects.filter(program=started).count() == 8
    # Nothing of the running program's people came along.
    assert started.rounds.count() == 0
    assert started.enrollments.count() == 0
    assert started.history.get().history_user == hr_user
    assert Module.history.filter(program_id=started.pk).count() == 3


def test_the_builtin_svc_template_is_shipped_with_the_seeds_design():
    template = ProgramTemplate.objects.get(built_in=True, builtin_key=SVC_KEY)
    design = template.design

    assert (template.name, template.organisation, template.version) == (
        "Sveriges viktigaste chefsjobb (SVC)",
        None,
        1,
    )
    assert [(m["order"], m["name"], m["duration_days"]) for m in design["modules"]] == [
        (1, "Del av en helhet", "1.5"),
        (2, "Klar ledare", "2"),
        (3, "Säker chef", "1"),
        (4, "Initiativrik utvecklare", "1.5"),
    ]
    assert sum(Decimal(m["duration_days"]) for m in design["modules"]) == Decimal(6)
    assert [m["evaluation_form"]["collects_effects"] for m in design["modules"]] == [
        False,
        False,
        False,
        True,
    ]
    for module in design["modules"]:
        assert module["evaluation_form"]["versions"] == [
            {"number": 1, "questions": _default_questions()}
        ]
    assert design["effect_themes"] == [
        "Ökad helhetssyn i chefsrollen",
        "Tydligare chefer och säkrare beslut",
        "Bättre på att leda förändring",
    ]
    assert design["agreement_questions"] == []  # the default questions
    assert design["program"] == {
        "purpose": "Stärka kompetensen hos cheferna så att de kan agera som säkra, "
        "initiativrika och klara chefer, som tar ansvar för helheten så att organisationen kan "
        "genomföra och utveckla sitt uppdrag i dag och i framtiden.",
        "motto": "Säkra, initiativrika och klara",
        "period_days": 1095,
        "min_group_size": 20,
        "max_group_size": 25,
    }


def test_the_builtin_svc_template_says_what_the_demo_and_the_defaults_say():
    """The JSON file is written out; the demo's modules and the default form are its source."""
    from demo.specs import MODULES
    from evaluations import defaults

    design = ProgramTemplate.objects.get(builtin_key=SVC_KEY).design

    assert [(m["name"], Decimal(m["duration_days"]), m["purpose"]) for m in design["modules"]] == [
        (spec.name, spec.days, spec.purpose) for spec in MODULES
    ]
    assert design["effect_themes"] == list(defaults.EFFECT_THEMES)
    assert [
        (q["kind"], q["text"], q["allow_comment"])
        for q in design["modules"][0]["evaluation_form"]["versions"][0]["questions"]
    ] == list(defaults.DEFAULT_QUESTIONS)


def test_a_program_started_from_the_svc_template_has_its_four_modules_over_six_days(org, hr_user):
    template = ProgramTemplate.objects.get(builtin_key=SVC_KEY)

    program = program_from_template(
        template=template, organisation=org, name="SVC i Örebro", by=hr_user
    )

    program.refresh_from_db()
    today = timezone.localdate()
    assert (program.starts_on, program.ends_on) == (today, today + dt.timedelta(days=1095))
    assert list(program.modules.order_by("order").values_list("name", "duration_days")) == [
        ("Del av en helhet", Decimal("1.5")),
        ("Klar ledare", Decimal("2.0")),
        ("Säker chef", Decimal("1.0")),
        ("Initiativrik utvecklare", Decimal("1.5")),
    ]
    assert list(
        EvaluationForm.objects.filter(module__program=program)
        .order_by("module__order")
        .values_list("module__order", "collects_effects")
    ) == [(1, False), (2, False), (3, False), (4, True)]
    assert Question.objects.filter(version__form__module__program=program).count() == 28
    assert AgreementField.objects.filter(program=program).count() == 0  # the defaults apply
    assert list(EffectTheme.objects.filter(program=program).values_list("name", flat=True)) == [
        "Ökad helhetssyn i chefsrollen",
        "Tydligare chefer och säkrare beslut",
        "Bättre på att leda förändring",
    ]
    assert program_design(program=program) == template.design


def test_ensure_builtin_templates_is_idempotent_and_brings_a_changed_one_back():
    (before,) = ensure_builtin_templates()
    ProgramTemplate.objects.filter(pk=before.pk).update(name="Ändrad", design={})

    (again,) = ensure_builtin_templates()
    (third,) = ensure_builtin_templates()

    assert again.pk == third.pk == before.pk
    assert ProgramTemplate.objects.filter(built_in=True).count() == 1
    stored = ProgramTemplate.objects.get(pk=before.pk)
    assert stored.name == "Sveriges viktigaste chefsjobb (SVC)"
    assert len(stored.design["modules"]) == 4


def test_a_template_of_another_organisation_cannot_start_a_program(org, other_org, hr_user):
    program = ProgramFactory(organisation=other_org)
    ModuleFactory(program=program, order=1)
    theirs = template_from_program(program=program, name="Deras mall", by=None)

    with pytest.raises(ValidationError) as error:
        program_from_template(template=theirs, organisation=org, name="Stulen", by=hr_user)

    assert error.value.message_dict == {"template": ["Välj en av organisationens mallar."]}
    assert not Program.objects.filter(name="Stulen").exists()


def test_a_template_name_is_once_per_organisation_and_not_empty(org):
    program = ProgramFactory(organisation=org)
    template_from_program(program=program, name="Vår mall", by=None)

    with pytest.raises(ValidationError) as taken:
        template_from_program(program=program, name=" Vår mall ", by=None)
    with pytest.raises(ValidationError) as empty:
        template_from_program(program=program, name="  ", by=None)

    assert taken.value.message_dict == {
        "name": ["Örebro kommun har redan en mall som heter ”Vår mall”."]
    }
    assert empty.value.message_dict == {"name": ["Ange ett namn."]}
    assert ProgramTemplate.objects.filter(organisation=org).count() == 1


def test_a_failed_start_stores_nothing(org):
    template = ProgramTemplate.objects.get(builtin_key=SVC_KEY)
    programs_before = Program.objects.count()

    with pytest.raises(ValidationError) as error:
        program_from_template(template=template, organisation=org, name="x" * 201, by=None)

    assert list(error.value.message_dict) == ["name"]
    assert Program.objects.count() == programs_before
    assert Module.objects.filter(program__organisation=org).count() == 0


def test_a_programs_design_is_read_in_the_same_queries_whatever_its_size(
    running_program, django_assert_num_queries
):
    small = ProgramFactory(organisation=running_program.organisation)
    evaluation_services.evaluation_form_ensure(module=ModuleFactory(program=small, order=1))

    with django_assert_num_queries(5):
        program_design(program=small)
    with django_assert_num_queries(5):
        program_design(program=running_program)


def test_a_new_user_of_the_service_may_be_anyone_the_view_let_in(org):
    """``by`` is recorded only in the new program's history, never in the template."""
    user = UserFactory(email="vem@orebro.test")
    template = ProgramTemplate.objects.get(builtin_key=SVC_KEY)

    program = program_from_template(template=template, organisation=org, name="SVC", by=user)

    assert program.history.get().history_user == user
    assert "vem@orebro.test" not in json.dumps(template.design)


@pytest.mark.django_db(transaction=True)
def test_the_builtin_template_is_stored_again_after_a_flush():
    """As after ``migrate``: a database emptied by ``flush`` (as the browser tests' are)
    gets the built-in templates back."""
    from django.core.management import call_command

    ProgramTemplate.objects.all().delete()

    call_command("flush", interactive=False, verbosity=0)

    assert list(ProgramTemplate.objects.values_list("builtin_key", "name")) == [
        (SVC_KEY, "Sveriges viktigaste chefsjobb (SVC)")
    ]
