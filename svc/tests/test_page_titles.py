"""Every page's title says the page first, then its context, each part once.

For each row of ``test_access_matrix.MATRIX`` and each role that reaches it (as
``test_matrix_forms`` walks them), the page is opened in Swedish and its
``<title>`` split on " · ". No part may come twice. The matrix's program is
called "Sveriges viktigaste chefsjobb", like the site in Swedish: a page about
it used to be titled "… · Sveriges viktigaste chefsjobb · Sveriges viktigaste
chefsjobb".
"""

import re

import pytest
from django.urls import reverse

from core.tests.html import parse
from svc.tests import test_access_matrix
from svc.tests.test_access_matrix import MATRIX, login_of
from svc.tests.test_matrix_forms import CASES, _url

world = test_access_matrix.world  # the matrix's fixture: the same organisations and roles

SITE_NAME = "Sveriges viktigaste chefsjobb"
GET_CASES = [(name, role) for name, role in CASES if MATRIX[name].method == "get"]


def _title(response) -> str | None:
    """The page's title, or None for a download, a redirect or an htmx fragment."""
    if response.streaming or not response.get("Content-Type", "").startswith("text/html"):
        return None
    titles = parse(response).texts("title")
    return titles[0] if titles else None


def test_the_matrix_program_is_named_like_the_site(world):
    """Otherwise the test below could not see a program's name said twice."""
    assert world.program.name == SITE_NAME


@pytest.mark.parametrize(("name", "role"), GET_CASES)
def test_every_page_title_names_each_part_once(client, world, name, role):
    if role is not None:
        client.force_login(login_of(world, role))
    client.post(reverse("set_language"), {"language": "sv", "next": "/"})

    response = client.get(_url(name, world))

    title = _title(response)
    if title is None:
        # Not a page: a download, a redirect or an htmx fragment, which has no title to check.
        assert (
            response.streaming
            or response.status_code in {301, 302}
            or ("<html" not in response.content.decode(errors="replace"))
        ), f"{name}: a page without a <title>"
        return
    parts = title.split(" · ")
    assert len(parts) == len(set(parts)), f"{name}: a part of {title!r} comes twice"
    assert all(parts), f"{name}: {title!r} has an empty part"
    assert parts[-1] == SITE_NAME, f"{name}: {title!r} does not end with the site's name"
    # The context is its own part, not glued to the page's name with a colon.
    assert not re.search(rf": {re.escape(world.program.name)}\b", title), title
