"""The template pages as HR uses them, and the console's start page as the operator uses it.

Pages are read in English (the visitor's language cookie), so the tests say the same with
and without the Swedish catalogue compiled.
"""

import datetime as dt

import pytest
from django.conf import settings
from django.urls import reverse

from core.tests.html import parse, table
from designs.builtin import SVC_KEY
from designs.models import ProgramTemplate
from designs.services import template_from_program
from participants.models import PlatformOperator
from participants.tests.factories import UserFactory
from programs.models import Module, Program
from programs.tests.factories import ModuleFactory, ProgramFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def hr(english, hr_user):
    english.force_login(hr_user)
    return english


@pytest.fixture
def svc():
    return ProgramTemplate.objects.get(builtin_key=SVC_KEY)


def _own_template(organisation, name, modules=2):
    program = ProgramFactory(organisation=organisation, name=f"Program för {name}")
    for order in range(1, modules + 1):
        ModuleFactory(program=program, order=order)
    return template_from_program(program=program, name=name, by=None)


def test_the_list_shows_the_builtin_templates_and_the_organisations_own_only(
    hr, org, other_org, svc
):
    _own_template(org, "Vår mall")
    _own_template(other_org, "Västmanlands mall")

    response = hr.get(reverse("designs:template_list", kwargs={"org": org.slug}))

    assert table(response, "builtin-templates") == [
        ["Sveriges viktigaste chefsjobb (SVC)", "4", "6", "20–25", "Start a program from "
         "Sveriges viktigaste chefsjobb (SVC)"],
    ]  # fmt: skip
    assert table(response, "own-templates") == [
        ["Vår mall", "2", "3", "20–25", "Start a program from Vår mall"]
    ]
    assert "Västmanlands mall" not in response.content.decode()


def test_another_organisations_template_is_not_found(hr, org, other_org):
    theirs = _own_template(other_org, "Västmanlands mall")

    detail = hr.get(
        reverse("designs:template_detail", kwargs={"org": org.slug, "template_id": theirs.pk})
    )
    start = hr.post(
        reverse("designs:program_start", kwargs={"org": org.slug}),
        {"template": theirs.pk, "name": "Stulen"},
    )

    assert detail.status_code == 404
    assert start.status_code == 200  # the form again: the choice is not among ours
    assert parse(start).texts(".error-summary li") == [
        "Select a valid choice. That choice is not one of the available choices."
    ]
    assert not Program.objects.filter(name="Stulen").exists()


def test_the_detail_shows_the_svc_design_read_only(hr, org, svc):
    response = hr.get(
        reverse("designs:template_detail", kwargs={"org": org.slug, "template_id": svc.pk})
    )

    page = parse(response)
    assert page.texts("h1") == ["Sveriges viktigaste chefsjobb (SVC)"]
    assert page.texts(".template-module h3") == [
        "1. Del av en helhet",
        "2. Klar ledare",
        "3. Säker chef",
        "4. Initiativrik utvecklare",
    ]
    assert page.texts(".module-days") == [
        "Length in days: 1.5",
        "Length in days: 2",
        "Length in days: 1",
        "Length in days: 1.5",
    ]
    assert page.texts("[data-testid=module-summary]") == ["4 modules; days in all: 6"]
    assert page.texts("[data-testid=group-size]") == ["20–25"]
    assert page.texts("[data-testid=period-days]") == ["1095 days from start to end"]
    assert len(page.texts(".template-module ol li")) == 28
    assert page.texts(".template-module ol li")[:2] == [
        "Modulens innehåll var relevant för mitt uppdrag som chef. (scale 1–6, with a comment)",
        "Jag har fått verktyg som jag kan pröva och tillämpa i min vardag som chef. "
        "(scale 1–6, with a comment)",
    ]
    assert page.texts(".template-agreement-questions li")[0] == (
        "What I actually tried, applied and involved my staff in since the last module "
        "(Follow-up (between modules only))"
    )
    assert len(page.texts(".template-agreement-questions li")) == 7
    assert page.texts(".template-effect-themes li") == [
        "Ökad helhetssyn i chefsrollen",
        "Tydligare chefer och säkrare beslut",
        "Bättre på att leda förändring",
    ]
    assert page.select("main form") == []  # read only: no form on the page itself


def test_hr_saves_a_program_as_a_template(hr, org):
    program = ProgramFactory(organisation=org, name="Chefsprogram 2026")
    ModuleFactory(program=program, order=1, name="Start")
    url = reverse("designs:template_create", kwargs={"org": org.slug, "program_id": program.pk})

    form = hr.get(url)
    response = hr.post(url, {"name": "Vår mall", "description": "Inför 2027."}, follow=True)

    assert parse(form).one("input[name=name]").get("value") == "Chefsprogram 2026"
    template = ProgramTemplate.objects.get(organisation=org)
    assert (template.name, template.description, template.built_in) == (
        "Vår mall",
        "Inför 2027.",
        False,
    )
    assert [m["name"] for m in template.design["modules"]] == ["Start"]
    assert response.redirect_chain == [
        (
            reverse(
                "designs:template_detail", kwargs={"org": org.slug, "template_id": template.pk}
            ),
            302,
        )
    ]
    assert parse(response).texts(".messages .alert") == [
        "The template “Vår mall” is saved. Start a new program from it on this page."
    ]


def test_a_taken_template_name_keeps_what_was_typed(hr, org):
    program = ProgramFactory(organisation=org)
    template_from_program(program=program, name="Vår mall", by=None)
    url = reverse("designs:template_create", kwargs={"org": org.slug, "program_id": program.pk})

    response = hr.post(url, {"name": "Vår mall", "description": "Andra gången."})

    page = parse(response)
    assert page.texts(".error-summary li") == [
        "Örebro kommun already has a template called “Vår mall”."
    ]
    assert page.one("textarea[name=description]").text.strip() == "Andra gången."
    assert ProgramTemplate.objects.filter(organisation=org).count() == 1


def test_the_program_page_links_to_saving_it_as_a_template(hr, org):
    program = ProgramFactory(organisation=org)

    response = hr.get(
        reverse("programs:program_overview", kwargs={"org": org.slug, "program_id": program.pk})
    )

    assert [a.get("href") for a in parse(response).select(".program-templates a")] == [
        reverse("designs:template_create", kwargs={"org": org.slug, "program_id": program.pk})
    ]


def test_hr_starts_a_program_from_the_svc_template(hr, org, svc):
    url = reverse("designs:program_start", kwargs={"org": org.slug})

    form = hr.get(f"{url}?mall={svc.pk}")
    response = hr.post(
        url, {"template": svc.pk, "name": "SVC 2027", "starts_on": "2027-01-11"}, follow=True
    )

    assert parse(form).one(f"input[name=template][value='{svc.pk}']").get("checked") == ""
    program = Program.objects.get(organisation=org, name="SVC 2027")
    assert (program.starts_on, program.ends_on) == (dt.date(2027, 1, 11), dt.date(2030, 1, 10))
    assert list(Module.objects.filter(program=program).values_list("name", flat=True)) == [
        "Del av en helhet",
        "Klar ledare",
        "Säker chef",
        "Initiativrik utvecklare",
    ]
    assert response.redirect_chain == [
        (
            reverse(
                "programs:program_overview", kwargs={"org": org.slug, "program_id": program.pk}
            ),
            302,
        )
    ]
    assert parse(response).texts(".messages .alert") == [
        "SVC 2027 is started from the template. Adapt its modules, forms and questions here, "
        "then add its rounds and groups."
    ]


def test_an_empty_start_form_says_what_to_fill_in_and_keeps_a_bad_date(hr, org):
    url = reverse("designs:program_start", kwargs={"org": org.slug})

    empty = hr.post(url, {})
    bad = hr.post(url, {"name": "SVC 2027", "starts_on": "11 januari"})

    assert parse(empty).texts(".error-summary li") == [
        "Choose template.",
        "Enter name of the program.",
    ]
    assert parse(bad).texts(".error-summary li") == [
        "Choose template.",
        "Give the first day as a date, for example 2026-01-12.",
    ]
    assert parse(bad).one("input[name=name]").get("value") == "SVC 2027"
    assert parse(bad).one("input[name=starts_on]").get("value") == "11 januari"
    assert not Program.objects.filter(organisation=org).exists()


def test_the_list_and_the_detail_read_in_the_same_queries_whatever_the_data(hr, org, svc, queries):
    _own_template(org, "Mall 1")
    list_url = reverse("designs:template_list", kwargs={"org": org.slug})
    detail_url = reverse("designs:template_detail", kwargs={"org": org.slug, "template_id": svc.pk})

    queries.assert_flat(
        hr, list_url, grow=lambda: [_own_template(org, f"Mall {n}", modules=4) for n in (2, 3)]
    )
    queries.assert_flat(hr, detail_url, grow=lambda: _own_template(org, "Mall 4"))


# --- The console ---------------------------------------------------------------------------


@pytest.fixture
def operator(english):
    user = UserFactory(email="drift@konsult.example")
    PlatformOperator.objects.create(user=user)
    english.force_login(user)
    return english


def test_the_operator_starts_a_program_in_an_organisation(operator, org, other_org, svc):
    _own_template(other_org, "Västmanlands mall")
    _own_template(org, "Vår mall")
    url = reverse("console:program_start", kwargs={"slug": org.slug})

    form = operator.get(url)
    response = operator.post(url, {"template": svc.pk, "name": "SVC i Örebro"}, follow=True)

    assert parse(form).texts("form .form-check label") == [
        "Sveriges viktigaste chefsjobb (SVC)",
        "Vår mall",
    ]
    program = Program.objects.get(name="SVC i Örebro")
    assert program.organisation == org
    assert program.modules.count() == 4
    assert response.redirect_chain == [
        (reverse("console:organisation_detail", kwargs={"slug": org.slug}), 302)
    ]
    assert parse(response).texts(".messages .alert") == [
        "SVC i Örebro is started in Örebro kommun. The organisation's HR coordinator finds it "
        "under Programs, adapts it and adds its rounds and groups."
    ]


def test_the_console_start_page_is_the_operators_only(english, hr_user, org):
    url = reverse("console:program_start", kwargs={"slug": org.slug})

    anonymous = english.get(url)
    english.force_login(hr_user)
    as_hr = english.get(url)

    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith(reverse("login"))
    assert as_hr.status_code == 403


def test_the_console_start_page_of_an_unknown_organisation_is_not_found(operator):
    response = operator.get(reverse("console:program_start", kwargs={"slug": "finns-inte"}))

    assert response.status_code == 404
