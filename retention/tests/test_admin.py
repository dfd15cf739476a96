"""The platform's rules in the admin: a superuser's, for the platform's kinds only."""

import pytest
from django.urls import reverse

from participants.services import grant_hr_admin
from participants.tests.factories import UserFactory
from retention.models import RetentionRule

pytestmark = pytest.mark.django_db

ADD = reverse("admin:retention_retentionrule_add")


@pytest.fixture
def superuser_client(client):
    root = UserFactory(email="root@svc.test", is_staff=True, is_superuser=True)
    client.force_login(root)
    client.root = root
    return client


def test_a_superuser_records_a_platform_rule(superuser_client):
    response = superuser_client.post(
        ADD,
        {
            "kind": "outbox",
            "period_days": "30",
            "decision_reference": "Drift 2026:1",
            "decided_on": "2026-01-10",
            "enabled": "on",
        },
    )
    assert response.status_code == 302
    rule = RetentionRule.objects.get()
    assert (rule.organisation, rule.kind, rule.period_days, rule.enabled, rule.changed_by) == (
        None,
        "outbox",
        30,
        True,
        superuser_client.root,
    )


def test_the_admin_offers_only_the_platforms_kinds_and_wants_a_decision(superuser_client):
    response = superuser_client.post(
        ADD, {"kind": "sessions", "period_days": "0", "decision_reference": "", "enabled": "on"}
    )
    form = response.context["adminform"].form
    assert [key for key, _label in form.fields["kind"].choices] == [
        "outbox",
        "login_records",
        "sessions",
    ]
    assert form.non_field_errors() == ["En regel kan bara tillämpas med ett gallringsbeslut."]
    assert not RetentionRule.objects.exists()


def test_an_hr_coordinator_in_the_admin_does_not_see_the_rules(client, hr_user):
    grant_hr_admin(user=hr_user)
    client.force_login(hr_user)
    assert client.get(reverse("admin:retention_retentionrule_changelist")).status_code == 403
