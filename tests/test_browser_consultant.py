"""In Chromium with axe, at 1280 and 320 px: a consultant's sessions across organisations (the
month, the next sessions, the attendance to register) and the calendar address's page, made,
shown once, revoked (programs.consultant)."""

import re
from unittest import mock

import pytest
from playwright.sync_api import expect

from programs.models import CalendarFeed
from programs.tests.consultant_world import NOW, build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [1280, 320])
def test_the_consultants_month_next_sessions_and_calendar_address(
    page, live_server, axe, login_as, width
):
    world = build_world()
    page.set_viewport_size({"width": width, "height": 800})
    with mock.patch("django.utils.timezone.now", return_value=NOW):
        login_as(page, world.pia.user)
        page.goto(f"{live_server.url}/o/orebro/processledare/")
        page.get_by_role("link", name="Mina uppdrag").click()

        expect(page.get_by_role("heading", level=1)).to_have_text("Mina uppdrag")
        expect(page.locator("#upcoming-sessions tbody tr")).to_have_count(2)
        expect(page.locator("#attendance-to-register tbody tr")).to_have_count(1)
        expect(page.get_by_role("heading", name="Modultillfällen i december 2026")).to_be_visible()
        sessions = page.locator(".consultant-session")
        expect(sessions).to_have_count(3)
        expect(sessions.nth(1)).to_contain_text("Region Västmanland · Ledarskap i regionen")
        expect(sessions.nth(1)).to_be_visible()
        # A day without sessions: a cell of the grid when wide, left out of the list when narrow.
        free_day = page.locator(".consultant-day-free").first
        if width == 1280:
            expect(free_day).to_be_visible()
        else:
            expect(free_day).to_be_hidden()
        axe(page, context=f"{width} px: the month and the next sessions")

        page.get_by_role("link", name="Nästa månad (januari 2027)").click()
        expect(page.locator(".consultant-session")).to_have_count(1)
        axe(page, context=f"{width} px: January")

        page.get_by_role("link", name="Din kalenderadress").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Din kalenderadress")
        axe(page, context=f"{width} px: no address yet")
        page.get_by_role("button", name="Skapa en kalenderadress").click()
        address = page.get_by_label("Kalenderadress")
        expect(address).to_have_value(
            re.compile(rf"^{live_server.url}/kalender/[-_A-Za-z0-9]{{43}}\.ics$")
        )
        token = address.input_value().rsplit("/", 1)[1].removesuffix(".ics")
        axe(page, context=f"{width} px: the new address, shown once")

        page.reload()
        expect(page.get_by_label("Kalenderadress")).to_have_count(0)
        page.get_by_role("button", name="Återkalla adressen").click()
        expect(
            page.get_by_role("heading", name="Vill du återkalla kalenderadressen?")
        ).to_be_visible()
        axe(page, context=f"{width} px: the confirmation")
        page.get_by_role("button", name="Ja, återkalla adressen").click()
        expect(page.locator("#feed-state")).to_have_text("Du har ingen kalenderadress.")
        axe(page, context=f"{width} px: revoked")

    assert page.request.get(f"{live_server.url}/kalender/{token}.ics").status == 404
    assert CalendarFeed.objects.get(user=world.pia.user).revoked_at == NOW
