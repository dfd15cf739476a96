"""The start page (``/``) of a login without organisations: the floor of every logged-in
page. It reads the session, the login and, in one query, what the page needs of it."""

import pytest
from django.urls import reverse

from participants.models import PlatformOperator, Role
from participants.tests.factories import (
    ConsultantFactory,
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

NO_ROLE = "Ditt konto har ännu ingen roll i något program. Kontakta din HR-samordnare."


def test_a_login_without_organisations_costs_three_queries_and_is_told_so(
    client, django_assert_num_queries
):
    client.force_login(UserFactory(full_name="Bänk Tom"))
    # The session, the login, and the start page's facts (start_facts).
    with django_assert_num_queries(3):
        response = client.get(reverse("home"))
    page = response.content.decode()
    assert response.status_code == 200
    assert NO_ROLE in page
    assert "Bänk Tom" in page
    assert 'id="consultant-link"' not in page


def test_a_consultant_without_organisations_gets_the_link_to_their_assignments(client):
    user = UserFactory()
    ConsultantFactory(user=user)
    client.force_login(user)
    page = client.get(reverse("home")).content.decode()
    assert 'id="consultant-link"' in page
    assert reverse("programs:consultant_sessions") in page


def test_an_operator_without_organisations_starts_in_the_console_and_with_some_chooses(client):
    user = UserFactory()
    PlatformOperator.objects.create(user=user)
    client.force_login(user)
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"] == reverse("console:home")

    MembershipFactory(user=user, organisation=OrganisationFactory(name="Arboga kommun"))
    page = client.get(reverse("home")).content.decode()
    assert reverse("console:home") in page
    assert "Arboga kommun" in page


def test_a_login_in_two_organisations_chooses_between_them_by_name(client):
    user = UserFactory()
    MembershipFactory(user=user, organisation=OrganisationFactory(name="Örebro kommun"))
    MembershipFactory(
        user=user, organisation=OrganisationFactory(name="Arboga kommun"), role=Role.STEERING
    )
    client.force_login(user)
    page = client.get(reverse("home")).content.decode()
    assert page.index("Arboga kommun") < page.index("Örebro kommun")
    assert NO_ROLE not in page
