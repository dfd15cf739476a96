"""In Chromium, with axe on every page and state: HR edits the program (a shorter period that
strands a session is refused), the modules (a new length, a move, a deletion refused) and a
group's process leaders, from the program and group pages, never through the admin."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from participants.tests.factories import ConsultantFactory
from programs.models import Module, Program
from programs.tests.factories import (
    GroupFactory,
    ModuleFactory,
    ProgramFactory,
    RoundFactory,
    SessionFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ZONE = timezone.get_default_timezone()


@pytest.fixture
def data(org):
    program = ProgramFactory(
        organisation=org,
        name="Sveriges viktigaste chefsjobb",
        starts_on=dt.date(2015, 1, 1),
        ends_on=dt.date(2017, 12, 31),
    )
    modules = [
        ModuleFactory(program=program, order=order, name=name, duration_days=Decimal(days))
        for order, name, days in [
            (1, "Del av en helhet", "1.5"),
            (2, "Klar ledare", "2"),
            (3, "Säker chef", "1"),
            (4, "Initiativrik utvecklare", "1.5"),
        ]
    ]
    group = GroupFactory(round=RoundFactory(program=program, number=1), number=1)
    SessionFactory(
        group=group,
        module=modules[0],
        starts_at=dt.datetime(2015, 3, 2, 9, tzinfo=ZONE),
        ends_at=dt.datetime(2015, 3, 3, 12, tzinfo=ZONE),
    )
    SessionFactory(
        group=group,
        module=modules[1],
        starts_at=dt.datetime(2017, 6, 12, 9, tzinfo=ZONE),
        ends_at=dt.datetime(2017, 6, 13, 16, tzinfo=ZONE),
    )
    ConsultantFactory(name="Pia Lindqvist", firm="", organisations=[org])
    return {"program": program, "group": group}


def test_hr_edits_the_program_and_its_modules(page, live_server, axe, login_as, hr_user, org, data):
    program = data["program"]
    login_as(page, hr_user)
    page.goto(live_server.url + reverse("svc:hr_start", kwargs={"org": org.slug}))
    expect(page.locator("a[href^='/admin']")).to_have_count(0)
    page.get_by_role("link", name="Sveriges viktigaste chefsjobb").first.click()

    page.get_by_role("link", name="Redigera programmet").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Redigera programmet")
    axe(page, context="program form")

    page.get_by_label("Slut").fill("2017-06-01")
    page.get_by_role("button", name="Spara").click()
    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text(
        "Programmet kan inte sluta före ett av gruppernas modultillfällen. Flytta först "
        "tillfället på gruppens planeringssida, eller välj ett senare slut: Grupp 1 "
        "(Omgång 1): 2. Klar ledare, 2017-06-12–2017-06-13."
    )
    axe(page, context="program form: a session stranded")
    assert Program.objects.get(pk=program.pk).ends_on == dt.date(2017, 12, 31)

    page.get_by_label("Slut").fill("2017-06-30")
    page.get_by_role("button", name="Spara").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sveriges viktigaste chefsjobb")
    expect(page.get_by_role("status")).to_contain_text("Programmet är sparat.")
    assert Program.objects.get(pk=program.pk).ends_on == dt.date(2017, 6, 30)

    page.get_by_role("link", name="Redigera modulerna").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Moduler")
    expect(page.locator("#edit-modules tbody tr")).to_have_count(4)
    axe(page, context="modules page")

    page.get_by_role("button", name="Flytta upp: Initiativrik utvecklare").click()
    expect(page.get_by_role("status")).to_contain_text("Initiativrik utvecklare är nu modul 3.")
    axe(page, context="modules page after a move, with its history")

    page.get_by_role("link", name="Klar ledare").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Redigera 2. Klar ledare")
    axe(page, context="module form")
    page.get_by_label("Längd i dagar").fill("1,5")
    page.get_by_role("button", name="Spara").click()
    expect(page.get_by_role("status")).to_contain_text("2. Klar ledare är sparad.")
    assert Module.objects.get(program=program, order=2).duration_days == Decimal("1.5")

    page.get_by_role("link", name="Klar ledare").click()
    page.get_by_role("link", name="Ta bort 2. Klar ledare").click()
    expect(page.get_by_test_id("delete-refused")).to_contain_text(
        "2. Klar ledare kan inte tas bort: en grupp har ett modultillfälle av den."
    )
    axe(page, context="module deletion refused")


def test_hr_sets_a_groups_process_leaders(page, live_server, axe, login_as, hr_user, org, data):
    group = data["group"]
    login_as(page, hr_user)
    page.goto(
        live_server.url
        + reverse("programs:group_detail", kwargs={"org": org.slug, "group_id": group.pk})
    )

    page.get_by_role("link", name="Ändra processledare").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Processledare för Grupp 1")
    axe(page, context="process leaders form")

    page.get_by_label("Pia Lindqvist").check()
    page.get_by_role("button", name="Spara").click()
    expect(page.get_by_role("status")).to_contain_text("Processledarna för Grupp 1 är sparade.")
    assert [str(c) for c in group.process_leaders.all()] == ["Pia Lindqvist"]

    page.get_by_role("link", name="Ändra processledare").click()
    expect(page.locator("#history li li").first).to_have_text(
        "Processledare: Ingen → Pia Lindqvist"
    )
    axe(page, context="process leaders with their history")
