"""In Chromium with axe, at 1280 and 320 px: HR takes part in the comparison between
organisations, and the comparison stays hidden with four organisations and shows with five."""

import pytest
from playwright.sync_api import expect

from participants.models import Role
from reports.models import ComparisonOptIn
from reports.tests.test_comparison import known_organisations, member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = (1280, 320)


def _check_at_each_width(page, axe, context):
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        axe(page, context=f"{context} at {width} px")
    page.set_viewport_size({"width": WIDTHS[0], "height": 900})


def test_hr_takes_part_then_the_comparison_is_hidden_with_four_and_shown_with_five(
    page, live_server, axe, login_as
):
    # Three organisations take part; ours (module means 4.2) has results but does not yet.
    orgs = known_organisations((4.2, 4.4, 5.0, 5.4))
    own, program = orgs[0]
    ComparisonOptIn.objects.filter(organisation=own).delete()
    login_as(page, member(own, Role.HR, "hr@jmf-1.test"))

    page.goto(f"{live_server.url}/")
    page.get_by_role("link", name="Jämförelse mellan organisationer: om ni ska delta").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Jämförelse mellan organisationer")
    expect(page.get_by_test_id("comparison-state")).to_have_text(
        "Nu: er organisation deltar inte (standard)."
    )
    _check_at_each_width(page, axe, "settings, not taking part")

    page.get_by_label("Vår organisation deltar i jämförelsen mellan organisationer").check()
    page.get_by_role("button", name="Spara").click()
    expect(page.get_by_role("status")).to_contain_text("Sparat. Er organisation deltar:")
    _check_at_each_width(page, axe, "settings, taking part")

    page.get_by_role("link", name=f"Jämförelse: {program.name}").click()
    expect(page.get_by_test_id("comparison-state")).to_have_text(
        "4 organisationer ger siffror till jämförelsen hittills. Jämförelsen visas från "
        "5 organisationer, så att den inte kan avslöja en organisations siffror."
    )
    expect(page.locator("table")).to_have_count(0)
    _check_at_each_width(page, axe, "comparison hidden (4)")

    known_organisations((3.8,), prefix="femte")
    page.reload()

    expect(page.get_by_test_id("comparison-state")).to_have_text(
        "5 organisationer ger siffror till jämförelsen."
    )
    # 3.8 4.2 4.4 5.0 5.4: the middle is the mean of 4.2, 4.4 and 5.0.
    expect(page.locator("#comparison-means tbody tr").first.locator("th, td")).to_have_text(
        ["1. Del av en helhet", "4,2", "4,5", "5"]
    )
    _check_at_each_width(page, axe, "comparison shown (5)")
