"""In Chromium with axe: HR erases a person, from the person's page, at 1280 and 320 px."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from participants.models import Person
from participants.tests.factories import PersonFactory, UserFactory
from programs.models import Agreement
from programs.tests.factories import (
    AgreementFactory,
    AttendanceFactory,
    EnrollmentFactory,
    SessionFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _both_widths(page, axe, context):
    for width in (1280, 320):
        page.set_viewport_size({"width": width, "height": 900})
        axe(page, context=f"{context} at {width} px")


@pytest.fixture
def anna(org):
    person = PersonFactory(
        organisation=org,
        first_name="Anna",
        last_name="Svensson-Lindqvistsdotter",
        user=UserFactory(email="anna.svensson-lindqvistsdotter@orebro.test"),
        line_manager=PersonFactory(organisation=org),
    )
    session = SessionFactory(group__round__program__organisation=org)
    enrollment = EnrollmentFactory(person=person, group=session.group, status="completed")
    AttendanceFactory(enrollment=enrollment, session=session)
    AgreementFactory(
        enrollment=enrollment, status=Agreement.Status.AGREED, agreed_at=timezone.now()
    )
    return person


def test_refused_then_confirmed_erasure(page, live_server, axe, login_as, hr_user, org, anna):
    draft = AgreementFactory(enrollment=anna.enrollments.get(), stage="between_1_2")
    login_as(page, hr_user)
    page.goto(f"{live_server.url}/o/{org.slug}/chefer/{anna.pk}/")
    page.get_by_role("link", name="Radera personuppgifter").click()

    expect(page.get_by_role("heading", level=2)).to_have_text(
        "Personuppgifterna kan inte raderas än"
    )
    expect(page.get_by_test_id("erasure-refusals")).to_contain_text(
        "har en överenskommelse som inte är klar än"
    )
    expect(page.get_by_role("button", name="Radera personuppgifter")).to_have_count(0)
    _both_widths(page, axe, "refused")

    draft.delete()
    page.set_viewport_size({"width": 1280, "height": 900})
    page.reload()
    expect(page.get_by_test_id("erasure-removed")).to_be_visible()
    _both_widths(page, axe, "confirm")

    page.get_by_label("Personens namn").fill("Anna Svensson")
    page.get_by_role("button", name="Radera personuppgifter").click()
    expect(page.get_by_role("alert")).to_contain_text(
        "Det är inte personens namn. Inget har raderats."
    )
    expect(page.get_by_label("Personens namn")).to_have_value("Anna Svensson")
    _both_widths(page, axe, "wrong name")
    assert Person.objects.get(pk=anna.pk).first_name == "Anna"

    page.get_by_label("Personens namn").fill("Anna Svensson-Lindqvistsdotter")
    page.get_by_role("button", name="Radera personuppgifter").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Chefer")
    erased = Person.objects.get(pk=anna.pk)
    expect(page.get_by_role("status")).to_contain_text(
        "Personuppgifterna för Anna Svensson-Lindqvistsdotter är raderade. "
        f"Uppgiften heter nu {erased.full_name}."
    )
    assert (erased.first_name, erased.active) == ("Borttagen", False)
