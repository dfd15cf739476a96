"""Review of issue 18: what an outsider found on the console's pages."""

import pytest
from django.urls import reverse

from core.tests.html import parse

pytestmark = pytest.mark.django_db


def test_the_start_from_template_page_keeps_the_consoles_menu_entry(client, operator, org):
    client.force_login(operator)

    response = client.get(reverse("console:program_start", kwargs={"slug": org.slug}))

    assert response.status_code == 200
    assert parse(response).texts("#main-nav .nav-link") == ["Konsol"]
