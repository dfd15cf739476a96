"""Retention removes an abandoned import's file from S3-compatible object storage (the moto
server of `make test`; fixture ``object_store``) with its row, and nothing else."""

import datetime as dt

import pytest
from django.utils import timezone

from participants.models import ManagerImport
from participants.services import manager_import_upload
from retention.kinds import BY_KEY
from retention.services import retention_apply, retention_rule_save

pytestmark = pytest.mark.django_db

NOW = timezone.make_aware(dt.datetime(2026, 12, 7, 3, 15))
DATA = (
    "Anställningsnummer;Förnamn;Efternamn;E-post;Förvaltning;Chefsnivå;Närmaste chef (anst.nr)\r\n"
    "9001;Åke;Öst;ake@orebro.se;Socialförvaltningen;Förvaltningschef;\r\n"
).encode("cp1252")


def _preview(org, hr_user, *, uploaded_at):
    record = manager_import_upload(organisation=org, user=hr_user, filename="c.csv", data=DATA)
    ManagerImport.objects.filter(pk=record.pk).update(created_at=uploaded_at)
    return record


def test_removing_an_abandoned_preview_removes_its_object(
    org, hr_user, object_store, django_capture_on_commit_callbacks
):
    abandoned = _preview(org, hr_user, uploaded_at=NOW - dt.timedelta(hours=25))
    fresh = _preview(org, hr_user, uploaded_at=NOW - dt.timedelta(hours=23))
    assert object_store.keys() == sorted([abandoned.stored_name, fresh.stored_name])
    retention_rule_save(
        organisation=org,
        kind="import_files",
        period_days=BY_KEY["import_files"].default_days,
        decision_reference="KS 2026/12",
        decided_on=dt.date(2026, 3, 1),
        enabled=True,
        user=None,
    )

    with django_capture_on_commit_callbacks(execute=True):
        [entry] = retention_apply(organisation=org, now=NOW)

    assert entry.removed == 1
    assert list(ManagerImport.objects.values_list("pk", flat=True)) == [fresh.pk]
    assert object_store.keys() == [f"imports/{fresh.pk}.upload"]
    assert object_store.read(fresh.stored_name) == DATA
