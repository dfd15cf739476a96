"""The demo of issue 18: the consultancy's operator, a third organisation started from the SVC
template, processledare@ working for two organisations, and the comparison Örebro sees.

Seeded once for the module (as test_seed_demo.py); each test reads inside its own transaction.
"""

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from core.tests.html import parse, table
from demo.seed import seed_demo
from designs.models import ProgramTemplate
from designs.selectors import program_design
from participants.models import Organisation, PlatformOperator, Role, User
from programs.models import Program
from reports.models import ComparisonOptIn
from svc.roles import roles_in


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        figures = seed_demo()
    yield figures
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)


@pytest.fixture
def demo(seeded, db):
    with translation.override("sv"):
        yield seeded


def test_the_operator_login_reaches_the_console_listing_every_organisation(demo, client):
    operator = User.objects.get(email="konsult@ledarskapskonsulterna.example")
    assert PlatformOperator.objects.filter(user=operator).exists()
    assert operator.full_name == "Jonas Falk"
    assert operator.check_password("demo-password-2015")
    assert operator.memberships.count() == 0

    client.force_login(operator)
    response = client.get("/", follow=True)

    assert response.redirect_chain[-1][0] == reverse("console:home")
    page = parse(response)
    assert page.text("#organisation-count") == "7 organisationer."
    organisations = [s.get("data-organisation") for s in page.select("section[data-organisation]")]
    assert organisations == [  # by name, in Swedish order: Å and Ö last
        "dalsjo",
        "lindesberg",
        "norrvik",
        "region-exempel",
        "sjoby",
        "akerby",
        "orebro",
    ]


def test_the_third_organisations_program_was_started_from_the_svc_template(demo):
    lindesberg = Organisation.objects.get(slug="lindesberg")
    program = Program.objects.get(organisation=lindesberg)
    template = ProgramTemplate.objects.get(builtin_key="svc")
    hr = User.objects.get(email="hr@lindesberg.example")

    assert program.name == "Sveriges viktigaste chefsjobb i Lindesberg"
    assert list(program.modules.values_list("order", "name")) == [
        (1, "Del av en helhet"),
        (2, "Klar ledare"),
        (3, "Säker chef"),
        (4, "Initiativrik utvecklare"),
    ]
    assert program_design(program=program)["modules"] == template.design["modules"]
    assert roles_in(user=hr, organisation=lindesberg) == {Role.HR}
    assert lindesberg.people.count() == 49
    assert lindesberg.departments.filter(parent__isnull=True).count() == 4
    group = program.rounds.get().groups.get()
    assert group.enrollments.count() == 22
    assert sorted(c.email for c in group.process_leaders.all())[-1] == (
        "processledare@konsult.example"
    )


def test_the_demo_process_leader_sees_sessions_of_two_organisations(demo, client):
    pia = User.objects.get(email="processledare@konsult.example")
    client.force_login(pia)

    rows = table(client.get(reverse("programs:consultant_sessions")), "upcoming-sessions")

    organisations = {row[2] for row in rows[1:]}
    assert organisations == {"Örebro kommun", "Lindesbergs kommun"}
    assert [row[1] for row in rows[1:] if row[2] == "Lindesbergs kommun"][:1] == [
        "Modul 1: Del av en helhet"
    ]


@pytest.mark.parametrize("email", ["hr@orebro.example", "styrgrupp@orebro.example"])
def test_orebro_sees_the_comparison_of_five_organisations(demo, client, email):
    cache.clear()
    program = Program.objects.get(organisation__slug="orebro", name="Sveriges viktigaste chefsjobb")
    client.force_login(User.objects.get(email=email))

    page = parse(
        client.get(
            reverse("reports:comparison", kwargs={"org": "orebro", "program_id": program.pk})
        )
    )

    assert " ".join(page.texts("[data-testid=comparison-state]")[0].split()) == (
        "5 organisationer ger siffror till jämförelsen."
    )
    means = page.rows("comparison-means")
    assert [row[0] for row in means[1:]] == [
        "1. Del av en helhet",
        "2. Klar ledare",
        "3. Säker chef",
        "4. Initiativrik utvecklare",
        "Hela programmet",
    ]
    assert all(row[-1] == "5" for row in means[1:])
    assert ComparisonOptIn.objects.count() == 5
    assert demo["organisations_in_comparison"] == 5


def test_a_second_run_writes_nothing(demo):
    assert seed_demo()["rows_written"] == 0
