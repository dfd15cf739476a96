"""The extract and erasure on a database without JSON containment (SQLite, what `make run`
uses by default): before, both failed with NotSupportedError, so the demo's extract page and
erasure were a server error (and erasure a second one: a union of ordered querysets in
``login_organisation_ids``). Run on SQLite (DATABASE_URL=sqlite:///...), these failed before
the fix; on PostgreSQL the patched feature flag sends ``imports_naming`` down the same path."""

import pytest
from django.db import connection

from participants.models import ManagerImport
from privacy.erasure import person_erase
from privacy.extract import person_extract
from privacy.tests.test_erasure import world  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db


@pytest.fixture
def no_json_contains(monkeypatch):
    monkeypatch.setattr(connection.features, "supports_json_field_contains", False)


def _import(org):
    return ManagerImport.objects.create(
        organisation=org,
        filename="chefer.csv",
        status=ManagerImport.Status.APPLIED,
        summary={
            "created": [[2, "E4711", "Anna Svensson"], [3, "E0001", "Bo Ek"]],
            "updated": [],
        },
    )


def test_extract_lists_the_import_row_without_json_contains(world, no_json_contains):  # noqa: F811
    _import(world["org"])

    extract = person_extract(organisation=world["org"], person=world["person"])

    assert [(r["file"], r["row"], r["change"]) for r in extract["imports"]] == [
        ("chefer.csv", 2, "created")
    ]


def test_erasure_pseudonymises_the_import_row_without_json_contains(world, no_json_contains):  # noqa: F811
    record = _import(world["org"])

    person_erase(person=world["person"], by=world["hr"])

    person = world["person"]
    person.refresh_from_db()
    record.refresh_from_db()
    assert record.summary["created"] == [
        [2, person.employee_number, person.full_name],
        [3, "E0001", "Bo Ek"],
    ]
    assert "Anna" not in str(record.summary)
