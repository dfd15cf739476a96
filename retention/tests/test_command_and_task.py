"""``manage.py apply_retention`` and the nightly task ``retention.apply_rules``, with the clock."""

import datetime as dt
import io
from unittest import mock

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from participants.models import PersonalDataAccess
from retention.models import RetentionLogEntry, RetentionRule
from retention.services import retention_rule_save
from retention.tasks import apply_rules

pytestmark = pytest.mark.django_db

NOW = timezone.make_aware(dt.datetime(2026, 12, 8, 3, 15))


def _access(organisation, days_ago):
    return PersonalDataAccess.objects.create(
        organisation=organisation, action="extract", at=NOW - dt.timedelta(days=days_ago)
    )


def _enable_access_log(organisation, days=730):
    retention_rule_save(
        organisation=organisation,
        kind="access_log",
        period_days=days,
        decision_reference="KS 2026/12",
        decided_on=None,
        enabled=True,
        user=None,
    )


def _run(*args) -> str:
    out = io.StringIO()
    with mock.patch("django.utils.timezone.now", return_value=NOW):
        call_command("apply_retention", *args, stdout=out)
    return out.getvalue()


def test_the_dry_run_prints_kind_count_and_decision_and_changes_nothing(org):
    _access(org, 800), _access(org, 900), _access(org, 10)
    _enable_access_log(org)

    assert _run("--organisation", "orebro", "--dry-run") == (
        "access_log\t2\tKS 2026/12\nProvkörning: inget gallrades.\n"
    )
    assert PersonalDataAccess.objects.count() == 3
    assert RetentionLogEntry.objects.count() == 0


def test_the_command_applies_and_logs(org):
    _access(org, 800), _access(org, 10)
    _enable_access_log(org)

    assert _run("--organisation", "orebro") == "access_log\t1\tKS 2026/12\n"
    assert PersonalDataAccess.objects.count() == 1
    entry = RetentionLogEntry.objects.get()
    assert (entry.organisation, entry.kind, entry.removed, entry.ran_at, entry.ran_by) == (
        org,
        "access_log",
        1,
        NOW,
        None,
    )


def test_the_command_without_rules_says_so(org):
    assert _run("--organisation", "orebro", "--dry-run") == (
        "Ingen regel tillämpas, inget att gallra.\n"
    )


def test_an_unknown_organisation_fails_with_a_message(org):
    with pytest.raises(CommandError) as caught:
        _run("--organisation", "nowhere", "--dry-run")
    assert str(caught.value) == "Ingen organisation har kortnamnet nowhere."


def test_the_platforms_rules_from_the_command_line(org):
    from django.contrib.sessions.models import Session

    Session.objects.create(
        session_key="a" * 32, session_data="", expire_date=NOW.replace(year=2020)
    )
    RetentionRule.objects.create(
        kind="sessions", period_days=0, decision_reference="Drift 2026:1", enabled=True
    )
    assert (
        _run("--platform", "--dry-run")
        == "sessions\t1\tDrift 2026:1\nProvkörning: inget gallrades.\n"
    )
    assert _run("--platform") == "sessions\t1\tDrift 2026:1\n"
    assert not Session.objects.exists()


def test_the_nightly_task_applies_every_organisations_rules_and_the_platforms(org, other_org):
    _access(org, 800), _access(other_org, 800), _access(other_org, 100)
    _enable_access_log(org)
    _enable_access_log(other_org, days=30)

    with mock.patch("django.utils.timezone.now", return_value=NOW):
        assert apply_rules() == {"orebro": 1, "vastmanland": 2, "": 0}
    assert not PersonalDataAccess.objects.exists()
    assert sorted(RetentionLogEntry.objects.values_list("organisation__slug", "removed")) == [
        ("orebro", 1),
        ("vastmanland", 2),
    ]


def test_the_nightly_task_is_on_the_beat_at_quarter_past_three():
    entry = settings.CELERY_BEAT_SCHEDULE["retention-apply-rules"]
    assert entry["task"] == "retention.apply_rules"
    assert (entry["schedule"].hour, entry["schedule"].minute) == ({3}, {15})
