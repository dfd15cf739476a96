"""The HR page that erases a person: what it says, the typed confirmation, the refusals."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from core.tests import html
from participants.models import Person, PersonalDataAccess
from participants.tests.factories import PersonFactory, UserFactory
from programs.models import Agreement
from programs.tests.factories import (
    AgreementFactory,
    AttendanceFactory,
    EnrollmentFactory,
    SessionFactory,
)


@pytest.fixture
def person(org):
    boss = PersonFactory(organisation=org)
    person = PersonFactory(
        organisation=org,
        first_name="Anna",
        last_name="Svensson",
        user=UserFactory(email="anna@orebro.test"),
        line_manager=boss,
    )
    session = SessionFactory(group__round__program__organisation=org)
    enrollment = EnrollmentFactory(person=person, group=session.group, status="completed")
    AttendanceFactory(enrollment=enrollment, session=session)
    AgreementFactory(
        enrollment=enrollment, status=Agreement.Status.AGREED, agreed_at=timezone.now()
    )
    return person


@pytest.fixture
def hr(client, hr_user):
    client.force_login(hr_user)
    return client


def _url(person):
    return reverse("privacy:erase", kwargs={"org": person.organisation.slug, "pk": person.pk})


def test_the_person_page_links_to_the_erasure_page(hr, person):
    page = html.parse(
        hr.get(reverse("programs:person_detail", kwargs={"org": "orebro", "pk": person.pk}))
    )

    assert [
        a.get("href") for a in page.select("a") if html.text(a) == "Radera personuppgifter"
    ] == [_url(person)]


def test_the_page_says_what_is_removed_and_what_stays(hr, person):
    page = html.parse(hr.get(_url(person)))

    assert page.text("h1") == "Radera personuppgifter"
    assert page.texts("[data-testid=erasure-removed] li") == [
        "Namn, e-postadress och anställningsnummer. Uppgiften finns kvar under namnet "
        "”Borttagen person” och en kod.",
        "Datum då personen blev chef, och personens chef.",
        "Det som skrivits i personens överenskommelse, i alla sparade versioner, och chefens "
        "kommentarer.",
        "Personens inloggning: den stängs, adressen och namnet ersätts, och den som är inloggad "
        "med den loggas ut.",
        "E-post om personen i utkorgen, förfrågningar om att bekräfta inloggningen och uppgifter "
        "om misslyckade inloggningar med personens adress.",
    ]
    assert page.texts("[data-testid=erasure-kept] li")[0] == (
        "Personens deltagande i programmet med dess status och närvaro, och varje "
        "överenskommelses steg, status och datum, utan namn. Programmets siffror, andelen som "
        "genomfört och statusrapporterna blir desamma."
    )
    assert page.texts("main button[type=submit]") == ["Radera personuppgifter"]


def test_a_refused_person_gets_the_reasons_and_no_button(hr, person):
    AgreementFactory(enrollment=person.enrollments.get(), stage="between_1_2")

    page = html.parse(hr.get(_url(person)))

    assert page.texts("[data-testid=erasure-refusals] li") == [
        "Anna Svensson har en överenskommelse som inte är klar än i Sveriges viktigaste "
        "chefsjobb (Mellan modul 1 och 2: utkast). Den behöver bli överenskommen, eller "
        "deltagandet avbrytas, först."
    ]
    assert page.select("main form") == []


def test_posting_to_a_refused_person_erases_nothing(hr, person):
    AgreementFactory(enrollment=person.enrollments.get(), stage="between_1_2")

    response = hr.post(_url(person), {"name": "Anna Svensson"})

    assert (response.status_code, response["Location"]) == (302, _url(person))
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["Inget har raderats."]
    person.refresh_from_db()
    assert person.full_name == "Anna Svensson"


@pytest.mark.parametrize("typed", ["", "Anna", "Anna Svenson"])
def test_a_wrong_name_erases_nothing_and_says_so(hr, person, typed):
    response = hr.post(_url(person), {"name": typed})

    page = html.parse(response)
    expected = (
        "Skriv personens namn för att bekräfta att uppgifterna ska raderas."
        if not typed
        else "Det är inte personens namn. Inget har raderats."
    )
    assert response.status_code == 200
    assert page.texts(".error-summary li") == [expected]
    assert page.one("input[name=name]").get("value", "") == typed
    person.refresh_from_db()
    assert (person.full_name, person.active) == ("Anna Svensson", True)
    assert not PersonalDataAccess.objects.filter(action="erasure").exists()


def test_the_typed_name_erases_and_returns_to_the_list(hr, person):
    response = hr.post(_url(person), {"name": "  anna   SVENSSON "})

    person.refresh_from_db()
    assert response.status_code == 302
    assert response["Location"] == reverse("programs:person_list", kwargs={"org": "orebro"})
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        f"Personuppgifterna för Anna Svensson är raderade. Uppgiften heter nu {person.full_name}."
    ]
    assert person.first_name == "Borttagen"
    assert PersonalDataAccess.objects.get().what == "pseudonymised"


def test_an_erased_person_page_says_so_without_a_form(hr, person):
    hr.post(_url(person), {"name": "Anna Svensson"})

    page = html.parse(hr.get(_url(person)))

    assert page.texts("[data-testid=erasure-done]") == [
        "Personuppgifterna i den här uppgiften är redan raderade. Det som programmets siffror "
        "räknar finns kvar utan namn."
    ]
    assert page.select("main form") == []


def test_another_organisations_person_is_404(hr, other_org):
    stranger = PersonFactory(organisation=other_org)
    url = reverse("privacy:erase", kwargs={"org": "orebro", "pk": stranger.pk})

    assert (hr.get(url).status_code, hr.post(url, {"name": stranger.full_name}).status_code) == (
        404,
        404,
    )
    assert Person.objects.get(pk=stranger.pk).full_name == stranger.full_name
