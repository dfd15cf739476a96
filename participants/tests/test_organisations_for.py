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


# --- The start page's facts: the same organisations, and the login's flags, in one query ---


def test_start_facts_has_the_same_organisations_and_says_operator_and_consultant():
    from participants.models import PlatformOperator
    from participants.selectors import start_facts

    user = UserFactory()
    arboga = OrganisationFactory(name="Arboga kommun", slug="arboga")
    orebro = OrganisationFactory(name="Örebro kommun", slug="orebro")
    MembershipFactory(user=user, organisation=orebro, role=Role.HR)
    PersonFactory(user=user, organisation=orebro)
    ConsultantFactory(user=user, organisations=[arboga])
    PlatformOperator.objects.create(user=user)

    facts = start_facts(user=user)
    assert [o.slug for o in facts.organisations] == ["arboga", "orebro"]
    assert [o.name for o in facts.organisations] == _names(user)
    assert (facts.platform_operator, facts.consultant, facts.confirmations_waiting) == (
        True,
        True,
        False,
    )

    nobody = start_facts(user=UserFactory())
    assert nobody.organisations == []
    assert (nobody.platform_operator, nobody.consultant, nobody.confirmations_waiting) == (
        False,
        False,
        False,
    )


def test_start_facts_says_a_confirmation_waits_exactly_when_pending_confirmations_has_one(
    monkeypatch,
):
    """The flag and ``accounts.pending_confirmations`` (without new addresses) agree."""
    import datetime as dt

    from django.utils import timezone

    from participants.accounts import pending_confirmations
    from participants.models import LoginConfirmation
    from participants.selectors import start_facts

    org = OrganisationFactory(name="Arboga kommun")
    Kind, State = LoginConfirmation.Kind, LoginConfirmation.State

    def confirmation(user, kind, state=State.PENDING):
        fields = {"role": Role.HR} if kind == Kind.MEMBERSHIP else {"new_email": "ny@example.test"}
        return LoginConfirmation.objects.create(
            user=user, organisation=org, kind=kind, state=state, **fields
        )

    def waiting_by_the_selector(user):
        return (
            pending_confirmations().filter(user=user).exclude(kind=LoginConfirmation.Kind.EMAIL)
        ).exists()

    invited, new_address, confirmed, cancelled, old = UserFactory.create_batch(5)
    confirmation(invited, Kind.MEMBERSHIP)
    confirmation(new_address, Kind.EMAIL)  # confirmed elsewhere, not on the start page
    confirmation(confirmed, Kind.MEMBERSHIP, State.CONFIRMED)
    confirmation(cancelled, Kind.MEMBERSHIP, State.CANCELLED)
    now = timezone.now()
    monkeypatch.setattr(timezone, "now", lambda: now - dt.timedelta(days=8))
    confirmation(old, Kind.MEMBERSHIP)  # older than the link's lifetime (7 days)
    monkeypatch.setattr(timezone, "now", lambda: now)

    expected = {invited: True, new_address: False, confirmed: False, cancelled: False, old: False}
    assert {u: start_facts(user=u).confirmations_waiting for u in expected} == expected
    assert {u: waiting_by_the_selector(u) for u in expected} == expected

    # Six days later the invitation has not expired; eight days later it has, for both.
    for days, waits in [(6, True), (8, False)]:
        monkeypatch.setattr(timezone, "now", lambda days=days: now + dt.timedelta(days=days))
        assert start_facts(user=invited).confirmations_waiting is waits
        assert waiting_by_the_selector(invited) is waits


def test_start_facts_is_one_query(django_assert_num_queries):
    from participants.selectors import start_facts

    user = UserFactory()
    MembershipFactory(user=user, organisation=OrganisationFactory(name="Arboga kommun"))
    with django_assert_num_queries(1):
        assert [o.name for o in start_facts(user=user).organisations] == ["Arboga kommun"]
