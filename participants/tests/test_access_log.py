"""The access log's service and selector: what a row holds, and whose rows are read."""

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from participants.access_log import access_log_for, access_log_record
from participants.models import PersonalDataAccess
from participants.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

Action = PersonalDataAccess.Action
NOW = dt.datetime(2026, 3, 2, 9, 15, tzinfo=dt.UTC)


@pytest.fixture
def clock(monkeypatch):
    """django.utils.timezone.now held at NOW (the one thing mocked)."""
    monkeypatch.setattr(timezone, "now", lambda: NOW)
    return NOW


def test_the_log_has_no_field_beyond_ids_action_what_and_time():
    """A new field (a name, an address, the list's filters) would be personal data in the log."""
    fields = [field.name for field in PersonalDataAccess._meta.concrete_fields]

    assert fields == ["id", "organisation", "actor", "action", "subject", "what", "at"]


def test_a_row_stores_only_the_ids_the_action_the_fixed_what_and_the_time(clock, org, hr_user):
    person = PersonFactory(organisation=org, first_name="Anna", last_name="Ek")

    row = access_log_record(
        organisation=org,
        actor=hr_user,
        action=Action.PERSON_VIEWED,
        subject=person,
        what="programs:person_detail",
    )

    assert PersonalDataAccess.objects.values().get() == {
        "id": row.pk,
        "organisation_id": org.pk,
        "actor_id": hr_user.pk,
        "action": "person_viewed",
        "subject_id": person.pk,
        "what": "programs:person_detail",
        "at": NOW,
    }


def test_a_list_export_has_no_subject(clock, org, hr_user):
    access_log_record(
        organisation=org, actor=hr_user, action=Action.LIST_EXPORT, what="programs:person_export"
    )

    assert list(PersonalDataAccess.objects.values("actor_id", "action", "subject_id", "what")) == [
        {
            "actor_id": hr_user.pk,
            "action": "list_export",
            "subject_id": None,
            "what": "programs:person_export",
        }
    ]


def test_an_anonymous_actor_is_stored_as_none(clock, org):
    person = PersonFactory(organisation=org)

    row = access_log_record(
        organisation=org, actor=AnonymousUser(), action=Action.EXTRACT, subject=person
    )

    assert row.actor_id is None


def test_a_person_of_another_organisation_is_refused(org, other_org, hr_user):
    stranger = PersonFactory(organisation=other_org)

    with pytest.raises(ValueError, match="another organisation"):
        access_log_record(
            organisation=org, actor=hr_user, action=Action.PERSON_VIEWED, subject=stranger
        )

    assert PersonalDataAccess.objects.count() == 0


def test_a_removed_login_leaves_the_row_without_it(org, hr_user):
    row = access_log_record(organisation=org, actor=hr_user, action=Action.LIST_EXPORT)

    hr_user.delete()

    row.refresh_from_db()
    assert (row.actor_id, row.action) == (None, "list_export")


def _at(minutes):
    return NOW + dt.timedelta(minutes=minutes)


def test_the_selector_reads_one_organisation_newest_first_and_filters(
    monkeypatch, org, other_org, hr_user, outsider
):
    anna = PersonFactory(organisation=org)
    bo = PersonFactory(organisation=org)
    theirs = PersonFactory(organisation=other_org)
    made = {}
    for minutes, organisation, actor, action, subject in [
        (1, org, hr_user, Action.PERSON_VIEWED, anna),
        (2, org, hr_user, Action.LIST_EXPORT, None),
        (3, other_org, outsider, Action.PERSON_VIEWED, theirs),
        (4, org, hr_user, Action.PERSON_VIEWED, bo),
        (5, org, hr_user, Action.EXTRACT, anna),
    ]:
        monkeypatch.setattr(timezone, "now", lambda minutes=minutes: _at(minutes))
        made[minutes] = access_log_record(
            organisation=organisation, actor=actor, action=action, subject=subject
        )

    assert list(access_log_for(org)) == [made[5], made[4], made[2], made[1]]
    assert list(access_log_for(org, action=Action.PERSON_VIEWED)) == [made[4], made[1]]
    assert list(access_log_for(org, subject=anna)) == [made[5], made[1]]
    assert list(access_log_for(org, action=Action.EXTRACT, subject=anna)) == [made[5]]
    assert list(access_log_for(org, subject=theirs)) == []
