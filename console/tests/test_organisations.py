"""Creating an organisation in the console: the name, the short name, the departments."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from console.services import organisation_create, suggested_slug
from core.tests.html import parse
from participants.models import Department, Organisation
from participants.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

URL = reverse("console:organisation_create")


def _summary(response) -> list[str]:
    return parse(response).texts("[data-error-summary] li")


def test_suggested_slug_is_lowercase_ascii_from_the_name():
    assert suggested_slug("Örebro kommun") == "orebro-kommun"
    assert suggested_slug("Region Västra Götaland (VGR)") == "region-vastra-gotaland-vgr"
    assert suggested_slug("Kommun_ett  –  två") == "kommun-ett-tva"


def test_create_stores_the_organisation_and_its_departments_then_goes_to_its_page(client, operator):
    client.force_login(operator)

    response = client.post(
        URL,
        {
            "name": "  Lindesbergs   kommun ",
            "slug": "",
            "departments": (
                "Socialförvaltningen / Hemtjänst\n"
                "\n"
                "Socialförvaltningen/Äldreomsorg\n"
                "socialförvaltningen / hemtjänst\n"
                "Kommunledningsförvaltningen\n"
            ),
        },
    )

    organisation = Organisation.objects.get(slug="lindesbergs-kommun")
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "console:organisation_detail", kwargs={"slug": "lindesbergs-kommun"}
    )
    assert organisation.name == "Lindesbergs kommun"
    departments = sorted(
        (d.parent.name if d.parent else "", d.name)
        for d in Department.objects.filter(organisation=organisation).select_related("parent")
    )
    assert departments == [
        ("", "Kommunledningsförvaltningen"),
        ("", "Socialförvaltningen"),
        ("Socialförvaltningen", "Hemtjänst"),
        ("Socialförvaltningen", "Äldreomsorg"),
    ]
    page = parse(client.get(response["Location"]))
    assert page.texts(".messages .alert") == [
        "Lindesbergs kommun är skapad, på /o/lindesbergs-kommun/. "
        "Bjud nu in den första HR-samordnaren."
    ]


def test_a_taken_slug_is_refused_with_a_free_one_suggested_and_nothing_is_lost(client, operator):
    OrganisationFactory(name="Örebro kommun", slug="orebro-kommun")
    OrganisationFactory(name="Örebro kommun (gamla)", slug="orebro-kommun-2")
    client.force_login(operator)

    response = client.post(
        URL, {"name": "Örebro kommun", "slug": "", "departments": "Skolförvaltningen"}
    )

    assert response.status_code == 200
    assert _summary(response) == [
        "Kortnamnet ”orebro-kommun” är upptaget. Välj ett annat, till exempel ”orebro-kommun-3”."
    ]
    page = parse(response)
    assert page.one("#id_name").get("value") == "Örebro kommun"
    assert page.text("#id_departments") == "Skolförvaltningen"
    assert Organisation.objects.count() == 2
    assert Department.objects.count() == 0


@pytest.mark.parametrize(
    "slug", ["Orebro", "örebro", "orebro kommun", "-orebro", "orebro--kommun", "ny", "a_b"]
)
def test_a_malformed_or_reserved_slug_is_refused(client, operator, slug):
    client.force_login(operator)

    response = client.post(URL, {"name": "Örebro kommun", "slug": slug, "departments": ""})

    assert response.status_code == 200
    assert len(_summary(response)) == 1
    assert _summary(response)[0].startswith("Kortnamnet ")
    assert Organisation.objects.count() == 0


def test_bad_department_lines_are_named_by_line(client, operator):
    client.force_login(operator)

    response = client.post(
        URL,
        {
            "name": "Nora kommun",
            "slug": "nora",
            "departments": "Socialförvaltningen\n / Hemtjänst\nA / B / C\nTeknik /\n",
        },
    )

    assert _summary(response) == [
        "Förvaltningar och enheter, rad 2: ett namn saknas på ena sidan om ”/”.",
        "Förvaltningar och enheter, rad 3: ange en förvaltning och högst en enhet, som ”A / B”.",
        "Förvaltningar och enheter, rad 4: ett namn saknas på ena sidan om ”/”.",
    ]
    assert parse(response).one("#id_slug").get("value") == "nora"
    assert Organisation.objects.count() == 0


def test_the_service_refuses_a_taken_slug_in_any_case(operator):
    OrganisationFactory(slug="nora")

    with pytest.raises(ValidationError) as raised:
        organisation_create(name="Nora", slug="NORA", departments=[], by=operator)

    assert list(raised.value.message_dict) == ["slug"]
    assert Organisation.objects.filter(name="Nora").count() == 0
