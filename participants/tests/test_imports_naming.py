"""Which imports name an employee number: the same answer on SQLite (the demo's default
database, which has no JSON containment lookup) as on PostgreSQL. The suite runs on
PostgreSQL; the SQLite case turns the lookup off, as SQLite's features do."""

import pytest
from django.db import connection

from participants.models import ManagerImport
from participants.selectors import imports_naming

pytestmark = pytest.mark.django_db


def _imports(org, other_org):
    ManagerImport.objects.create(
        organisation=org,
        filename="a.csv",
        summary={"created": [[2, "E4711", "Anna Svensson"]], "updated": []},
    )
    ManagerImport.objects.create(
        organisation=org,
        filename="b.csv",
        summary={"created": [], "updated": [[5, "E4711", "Anna Svensson", "e-post"]]},
    )
    ManagerImport.objects.create(  # another number, whose name happens to be the number
        organisation=org,
        filename="c.csv",
        summary={"created": [[3, "E0001", "E4711"]], "updated": []},
    )
    ManagerImport.objects.create(  # the same number in another organisation
        organisation=other_org,
        filename="d.csv",
        summary={"created": [[2, "E4711", "Per Berg"]]},
    )
    ManagerImport.objects.create(organisation=org, filename="e.csv", summary={})


@pytest.mark.parametrize("json_contains", [True, False], ids=["postgresql", "sqlite"])
def test_imports_naming_an_employee_number(org, other_org, monkeypatch, json_contains):
    _imports(org, other_org)
    monkeypatch.setattr(connection.features, "supports_json_field_contains", json_contains)

    found = imports_naming(organisation_id=org.pk, employee_number="E4711")

    assert [record.filename for record in found] == ["a.csv", "b.csv"]
