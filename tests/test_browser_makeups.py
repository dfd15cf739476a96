"""In Chromium, with axe on every page and state: the round's make-up sessions (booking,
a refused booking, cancelling), the host session's attendance with its guest, and the
guest's Mitt program."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from programs.makeups import services
from programs.models import MakeUpBooking
from programs.tests.test_makeups import world  # noqa: F401 (the fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _page_url(live_server, world):  # noqa: F811
    return live_server.url + reverse(
        "programs:round_makeups", kwargs={"org": "orebro", "round_id": world.round.pk}
    )


def test_hr_books_a_make_up_session_and_sees_a_refusal_at_the_field(
    page,
    live_server,
    axe,
    login_as,
    world,  # noqa: F811
):
    login_as(page, world.hr)
    page.goto(_page_url(live_server, world))
    expect(page.get_by_role("heading", level=1)).to_have_text("Uppsamling: Omgång 1")
    axe(page, context="make-up sessions of a round")

    choose = page.get_by_label("Uppsamlingstillfälle i modul 2 för Anna Ek")
    choose.select_option(str(world.sessions[2, 2].pk))
    page.get_by_role("button", name="Boka").click()
    expect(page.locator("[data-error-summary]")).to_contain_text("Anna Ek är redan bokad då")
    axe(page, context="a refused make-up booking")

    page.get_by_label("Uppsamlingstillfälle i modul 2 för Anna Ek").select_option(
        str(world.sessions[3, 2].pk)
    )
    page.get_by_role("button", name="Boka").click()
    expect(page.locator(".alert-success")).to_have_text("Anna Ek är bokad i Grupp 3 för modul 2.")
    axe(page, context="a make-up session booked")
    assert MakeUpBooking.objects.get().session == world.sessions[3, 2]

    page.get_by_role("button", name="Avboka den uppsamlingsplats som Anna Ek har").click()
    expect(page.locator(".alert-success")).to_have_text(
        "Uppsamlingsplatsen för Anna Ek i Grupp 3 är avbokad."
    )
    assert MakeUpBooking.objects.count() == 0


def test_the_host_session_lists_its_guest_and_the_guest_sees_it_in_mitt_program(
    page,
    live_server,
    axe,
    login_as,
    world,  # noqa: F811
):
    session = world.sessions[3, 2]
    services.make_up_book(enrollment=world.anna, session=session, booked_by=world.hr)
    login_as(page, world.hr)

    page.goto(
        live_server.url
        + reverse("programs:session_attendance", kwargs={"org": "orebro", "session_id": session.pk})
    )
    expect(page.locator(".attendance-member legend").last).to_have_text(
        f"Anna Ek · {world.anna.person.department} · uppsamling, från Grupp 1"
    )
    axe(page, context="attendance of a session with a make-up guest")

    page.context.clear_cookies()
    login_as(page, world.anna.person.user)
    page.goto(live_server.url + reverse("svc:participant_start", kwargs={"org": "orebro"}))
    expect(page.locator("#my-sessions")).to_contain_text("Uppsamling, med Grupp 3")
    axe(page, context="Mitt program with a make-up session")
