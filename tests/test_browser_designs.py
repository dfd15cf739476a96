"""In Chromium with axe, at 1280 and 320 px: HR's program templates (the list, the built-in
SVC template's design, saving a program as a template) and starting a program from the SVC
template, first with an error, then for real; and the operator's start page in the console."""

import pytest
from playwright.sync_api import expect

from participants.models import PlatformOperator
from participants.tests.factories import UserFactory
from programs.models import Program
from programs.tests.factories import ModuleFactory, ProgramFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SVC = "Sveriges viktigaste chefsjobb (SVC)"


@pytest.mark.parametrize("width", [1280, 320])
def test_hr_reads_the_svc_template_and_starts_a_program_from_it(
    page, live_server, axe, login_as, hr_user, org, width
):
    page.set_viewport_size({"width": width, "height": 900})
    program = ProgramFactory(organisation=org, name="Chefsprogram 2015")
    ModuleFactory(program=program, order=1, name="Del av en helhet")
    login_as(page, hr_user)

    page.goto(f"{live_server.url}/o/{org.slug}/program/")
    page.get_by_role("link", name="Programmallar").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Programmallar")
    builtin = page.get_by_role("table", name="Mallar som alla organisationer får använda")
    expect(builtin).to_be_visible()
    expect(page.get_by_text("Din organisation har inga egna mallar än.")).to_be_visible()
    axe(page, context=f"template list at {width}")

    page.get_by_role("link", name=SVC, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(SVC)
    expect(page.locator(".template-module h3")).to_have_text(
        ["1. Del av en helhet", "2. Klar ledare", "3. Säker chef", "4. Initiativrik utvecklare"]
    )
    expect(page.get_by_test_id("module-summary")).to_have_text("4 moduler; dagar totalt: 6")
    axe(page, context=f"template detail at {width}")

    page.get_by_role("link", name="Starta ett program från den här mallen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Starta ett program från en mall")
    expect(page.get_by_label(SVC)).to_be_checked()
    page.get_by_label("Programmets första dag").fill("2027-01-11")
    page.get_by_role("button", name="Starta programmet").click()

    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    expect(summary.locator("li")).to_have_text(["Ange programmets namn."])
    expect(page.get_by_label(SVC)).to_be_checked()  # nothing lost
    axe(page, context=f"start form with an error at {width}")

    page.get_by_label("Programmets namn").fill("SVC 2027")
    page.get_by_role("button", name="Starta programmet").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("SVC 2027")
    expect(page.get_by_role("status")).to_contain_text("SVC 2027 är startat från mallen.")
    expect(page.locator("#modules tbody th")).to_have_text(
        ["Del av en helhet", "Klar ledare", "Säker chef", "Initiativrik utvecklare"]
    )
    axe(page, context=f"the new program at {width}")
    started = Program.objects.get(organisation=org, name="SVC 2027")
    assert started.modules.count() == 4

    page.get_by_role("link", name="Spara som mall").click()
    expect(page.get_by_label("Mallens namn")).to_have_value("SVC 2027")
    axe(page, context=f"save as a template at {width}")
    page.get_by_label("Mallens namn").fill("Vårt SVC")
    page.get_by_role("button", name="Spara mallen").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Vårt SVC")
    expect(page.get_by_role("status")).to_contain_text("Mallen ”Vårt SVC” är sparad.")
    page.get_by_role("link", name="Programmallar").click()
    own = page.get_by_role("table", name="Mallar sparade från program i Örebro kommun")
    expect(own.locator("tbody th")).to_have_text(["Vårt SVC"])
    axe(page, context=f"template list with an own template at {width}")


@pytest.mark.parametrize("width", [1280, 320])
def test_the_operator_starts_a_program_in_an_organisation(
    page, live_server, axe, login_as, org, width
):
    page.set_viewport_size({"width": width, "height": 900})
    operator = UserFactory(email="drift@konsult.example")
    PlatformOperator.objects.create(user=operator)
    login_as(page, operator)

    page.goto(f"{live_server.url}/konsol/organisationer/{org.slug}/starta-program/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Starta ett program från en mall")
    page.get_by_role("button", name="Starta programmet").click()
    expect(page.locator(".error-summary li")).to_have_text(["Välj mall.", "Ange programmets namn."])
    axe(page, context=f"console start form with errors at {width}")

    page.get_by_label(SVC).check()
    page.get_by_label("Programmets namn").fill("SVC i Örebro")
    page.get_by_role("button", name="Starta programmet").click()

    expect(page.get_by_role("status")).to_contain_text("SVC i Örebro är startat i Örebro kommun.")
    axe(page, context=f"console after the start at {width}")
    assert Program.objects.get(name="SVC i Örebro").organisation == org
