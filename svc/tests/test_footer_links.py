"""Every page's footer links the privacy notice and the accessibility statement (issue 16).

On an organisation's page (a URL under /o/<org>/ that answers) the footer links that
organisation's notice and statement, the statement with the page the visitor came from, so
that the report form knows it; elsewhere (the start page, the console, the consultant's
pages, an error page) the installation's. Every row of the access matrix is opened as a
role that may see it; every whole HTML page (not a download, a redirect or an htmx
fragment) must have both links.
"""

from urllib.parse import quote

import pytest
from django.urls import reverse

from core.tests.html import parse
from svc.tests import test_access_matrix
from svc.tests.test_matrix_forms import CASES, _as, _url

world = test_access_matrix.world

pytestmark = pytest.mark.django_db


def _footer_links(response) -> list[tuple[str, str]] | None:
    if response.streaming or not response.get("Content-Type", "").startswith("text/html"):
        return None
    if "<html" not in response.content.decode():
        return None
    page = parse(response)
    return [(link.get("href"), "".join(link.itertext())) for link in page.select("footer a")]


@pytest.mark.parametrize(("name", "role"), CASES)
def test_every_page_links_the_privacy_notice_and_the_accessibility_statement(
    client, world, name, role
):
    _as(client, world, role, "sv")
    url = _url(name, world)

    response = client.get(url)

    links = _footer_links(response)
    if links is None:
        return  # a download, a redirect or a fragment: no footer to have
    if url.startswith(f"/o/{world.org.slug}/") and response.status_code == 200:
        org = {"org": world.org.slug}
        expected = [
            (reverse("statements:privacy_notice", kwargs=org), "Så behandlar vi personuppgifter"),
            (
                reverse("statements:accessibility_statement", kwargs=org) + "?sida=" + quote(url),
                "Tillgänglighetsredogörelse",
            ),
        ]
    else:
        expected = [
            (reverse("statements:privacy_index"), "Så behandlar vi personuppgifter"),
            (reverse("statements:accessibility"), "Tillgänglighetsredogörelse"),
        ]
    assert links == expected, url


def test_the_error_pages_have_the_footer_links_too(client, world):
    response = client.get("/o/finns-inte/hr/")

    assert response.status_code in (302, 404)
    client.force_login(world.users[test_access_matrix.Role.HR])
    not_found = client.get("/o/finns-inte/hr/")

    assert not_found.status_code == 404
    assert [href for href, _ in _footer_links(not_found)] == [
        reverse("statements:privacy_index"),
        reverse("statements:accessibility"),
    ]
