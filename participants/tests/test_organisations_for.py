"""The organisations a user belongs to (``organisations_for``): any stored role, an active
manager record, or working there as a consultant; each organisation once, by name, in one
query that reads no other organisation's people."""

import pytest

from participants.models import Role
from participants.selectors import organisations_for
from participants.tests.factories import (
    ConsultantFactory,
    MembershipFactory,
    OrganisationFactory,
    PersonFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def _names(user):
    return [organisation.name for organisation in organisations_for(user=user)]


def test_each_way_of_belonging_counts_once_and_the_list_is_by_name():
    user = UserFactory()
    orebro = OrganisationFactory(name="Örebro kommun", slug="orebro")
    arboga = OrganisationFactory(name="Arboga kommun", slug="arboga")
    lindesberg = OrganisationFactory(name="Lindesbergs kommun", slug="lindesberg")
    kumla = OrganisationFactory(name="Kumla kommun", slug="kumla")
    # Örebro three ways (two roles, a manager record), Arboga as a consultant, Lindesberg
    # as a manager and a consultant; Kumla only by an ended manager record.
    MembershipFactory(user=user, organisation=orebro, role=Role.HR)
    MembershipFactory(user=user, organisation=orebro, role=Role.STEERING)
    PersonFactory(user=user, organisation=orebro)
    PersonFactory(user=user, organisation=lindesberg)
    PersonFactory(user=user, organisation=kumla, active=False)
    ConsultantFactory(user=user, organisations=[arboga, lindesberg])
    # Someone else's roles in Kumla do not make it the user's.
    other = UserFactory()
    MembershipFactory(user=other, organisation=kumla, role=Role.HR)
    PersonFactory(user=other, organisation=kumla)

    assert _names(user) == ["Arboga kommun", "Lindesbergs kommun", "Örebro kommun"]
    assert _names(other) == ["Kumla kommun"]


def test_a_user_without_any_role_has_none_and_an_anonymous_visitor_neither():
    from django.contrib.auth.models import AnonymousUser

    PersonFactory(organisation=OrganisationFactory(name="Arboga kommun"))
    assert _names(UserFactory()) == []
    assert _names(AnonymousUser()) == []


def test_one_query_without_a_join_or_distinct(django_assert_num_queries):
    user = UserFactory()
    MembershipFactory(user=user, organisation=OrganisationFactory(name="Arboga kommun"))
    with django_assert_num_queries(1) as captured:
        assert _names(user) == ["Arboga kommun"]
    sql = captured.captured_queries[0]["sql"].upper()
    # A join through people and DISTINCT read every manager of every organisation.
    assert "DISTINCT" not in sql
    assert " JOIN " not in sql.split(" WHERE ", 1)[0]
