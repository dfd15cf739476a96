"""In Chromium with axe, at 1280 and 320 px: the platform operator's console, from the
operator's start page to a new organisation whose invited HR coordinator accepts."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from evaluations.tests.factories import make_group, make_program
from participants.models import Membership, Organisation, PlatformOperator, Role
from participants.tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ACTIVATION = re.compile(r"http://127\.0\.0\.1:8000(/aktivera/[^/\s]+/[^/\s]+/)")


@pytest.mark.parametrize("width", [1280, 320])
def test_the_operator_creates_an_organisation_and_invites_its_hr_who_accepts(
    page, live_server, axe, login_as, org, width
):
    page.set_viewport_size({"width": width, "height": 800})
    make_group(program=make_program(org), size=6, modules=(1, 2), name="Gruppen Ek")
    operator = UserFactory(email="drift@konsultbolaget.test", full_name="Olle Operatör")
    PlatformOperator.objects.create(user=operator)
    login_as(page, operator)

    page.goto(f"{live_server.url}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Plattformskonsol")
    expect(page.get_by_role("table", name="Program i Örebro kommun")).to_be_visible()
    axe(page, context=f"{width} px: the console")

    page.get_by_role("link", name="Ny organisation").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ny organisation")
    axe(page, context=f"{width} px: new organisation")
    page.locator("#id_name").fill("Lindesbergs kommun")
    page.get_by_label("Kortnamn").fill("Lindesberg")
    page.get_by_label("Förvaltningar och enheter (valfritt)").fill(
        "Socialförvaltningen / Hemtjänst\nBarn- och utbildningsförvaltningen"
    )
    page.get_by_role("button", name="Skapa organisationen").click()
    expect(page.locator("[data-error-summary] li")).to_have_text(
        [re.compile(r"^Kortnamnet får bara innehålla små bokstäver")]
    )
    expect(page.locator("#id_name")).to_have_value("Lindesbergs kommun")
    axe(page, context=f"{width} px: new organisation with an error")

    page.get_by_label("Kortnamn").fill("")
    page.get_by_role("button", name="Skapa organisationen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Lindesbergs kommun")
    expect(page.get_by_role("status")).to_contain_text(
        "Lindesbergs kommun är skapad, på /o/lindesbergs-kommun/."
    )
    expect(page.locator("#coordinators")).to_have_text("Ingen HR-samordnare än.")
    axe(page, context=f"{width} px: the new organisation")
    assert Organisation.objects.get(slug="lindesbergs-kommun").departments.count() == 3

    page.locator("#id_full_name").fill("Hanna Rask")
    page.locator("#id_email").fill("hanna.rask@lindesberg.se")
    page.get_by_role("button", name="Bjud in").click()
    expect(page.get_by_role("status")).to_contain_text(
        "En inloggning är skapad för hanna.rask@lindesberg.se som HR-samordnare i "
        "Lindesbergs kommun."
    )
    expect(page.locator("#coordinators li")).to_have_text(
        ["Hanna Rask <hanna.rask@lindesberg.se> (har inte loggat in än)"]
    )
    axe(page, context=f"{width} px: the organisation with its invited HR coordinator")

    # The HR coordinator accepts in her own browser: a password, then HR's start page.
    [message] = mail.outbox
    link = ACTIVATION.search(message.body).group(1)
    page.context.clear_cookies()
    page.goto(f"{live_server.url}{link}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Välj ditt lösenord")
    page.locator("#id_new_password1").fill("ett-långt-lösenord-2026")
    page.locator("#id_new_password2").fill("ett-långt-lösenord-2026")
    page.get_by_role("button", name="Spara lösenordet och logga in").click()
    expect(page).to_have_url(f"{live_server.url}/o/lindesbergs-kommun/hr/")
    expect(page.get_by_role("status")).to_contain_text("Ditt lösenord är sparat. Välkommen!")
    axe(page, context=f"{width} px: the new HR coordinator's start page")
    assert Membership.objects.filter(
        user__email="hanna.rask@lindesberg.se",
        organisation__slug="lindesbergs-kommun",
        role=Role.HR,
    ).exists()
