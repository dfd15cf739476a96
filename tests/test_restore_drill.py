"""The restore drill's checks (scripts/restore_drill_checks.py) catch an altered restore.

`make test` runs the whole drill (scripts/restore_drill.py) on a real dump and
restore before pytest; these tests show that each of its comparisons fails, with
its exact sentence, when the restore is not the source: a row lost, a row
changed, a table missing, an object lost or altered, a PDF that is not the report.
"""

import importlib.util
import sys
from pathlib import Path

import pytest
from django.db import connection

from participants.models import Organisation

SCRIPTS = Path(__file__).resolve().parent.parent / "scripts"


def _load_checks():
    spec = importlib.util.spec_from_file_location(
        "restore_drill_checks", SCRIPTS / "restore_drill_checks.py"
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("restore_drill_checks", module)
    spec.loader.exec_module(module)
    return module


checks = _load_checks()


@pytest.fixture
def two_organisations(db):
    return [
        Organisation.objects.create(name="Örebro kommun", slug="orebro"),
        Organisation.objects.create(name="Lindesbergs kommun", slug="lindesberg"),
    ]


def _snapshot():
    with connection.cursor() as cur:
        return checks.row_counts(cur), checks.table_checksums(cur, ["participants_organisation"])


def test_an_identical_database_compares_equal(two_organisations):
    counts, sums = _snapshot()
    again_counts, again_sums = _snapshot()

    assert counts["participants_organisation"] == 2
    # Every table of the public schema is counted, from the catalogue.
    assert {"participants_organisation", "programs_attendance", "django_migrations"} <= set(counts)
    assert checks.compare_row_counts(counts, again_counts) == []
    assert checks.compare_checksums(sums, again_sums) == []


def test_a_lost_row_is_reported_by_the_row_counts(two_organisations):
    counts, sums = _snapshot()
    two_organisations[1].delete()
    restored_counts, restored_sums = _snapshot()

    assert checks.compare_row_counts(counts, restored_counts) == [
        "table participants_organisation: 2 rows in the source, 1 restored"
    ]
    assert checks.compare_checksums(sums, restored_sums) == [
        "table participants_organisation: the restored rows differ from the source's "
        f"(md5 {restored_sums['participants_organisation'][:12]}, "
        f"source {sums['participants_organisation'][:12]})"
    ]


def test_a_changed_row_is_reported_by_the_checksum_though_the_counts_agree(two_organisations):
    counts, sums = _snapshot()
    Organisation.objects.filter(pk=two_organisations[0].pk).update(name="Örebro kommun (ändrad)")
    restored_counts, restored_sums = _snapshot()

    assert checks.compare_row_counts(counts, restored_counts) == []
    assert restored_sums["participants_organisation"] != sums["participants_organisation"]
    assert checks.compare_checksums(sums, restored_sums) == [
        "table participants_organisation: the restored rows differ from the source's "
        f"(md5 {restored_sums['participants_organisation'][:12]}, "
        f"source {sums['participants_organisation'][:12]})"
    ]


def test_a_table_missing_from_either_side_is_reported():
    source = {"programs_attendance": 10, "reports_statusreport": 2}
    restored = {"reports_statusreport": 2, "reports_stray": 0}

    assert checks.compare_row_counts(source, restored) == [
        "table programs_attendance: in the source, missing from the restore",
        "table reports_stray: in the restore, not in the source",
    ]
    assert checks.compare_checksums({"programs_attendance": "a" * 32}, {}) == [
        "table programs_attendance: the restored rows differ from the source's "
        f"(md5 -, source {'a' * 12})"
    ]


def test_a_key_table_that_no_longer_exists_stops_the_drill(db):
    with connection.cursor() as cur, pytest.raises(checks.DrillError) as caught:
        checks.table_checksums(cur, ["participants_organisation", "programs_renamed"])

    assert str(caught.value) == (
        "key table programs_renamed is not in the database "
        "(renamed? update KEY_TABLES in scripts/restore_drill.py)"
    )


def test_every_key_table_exists_and_has_a_primary_key(db):
    with connection.cursor() as cur:
        sums = checks.table_checksums(cur, checks.KEY_TABLES)
        keys = {table: checks.primary_key(cur, table) for table in checks.KEY_TABLES}

    assert set(sums) == set(checks.KEY_TABLES)
    assert keys == {table: ["id"] for table in checks.KEY_TABLES}


def test_lost_and_altered_objects_are_reported():
    pdf = "status-reports/orebro/program-1/statusrapport-20-20.pdf"
    upload = "imports/orebro/3.xlsx"
    source = {
        pdf: checks.StoredObject(59271, "53ec791a6113387c74c8a36141b5d3b1", "53ec791a6113387c"),
        upload: checks.StoredObject(4096, "e1", "m1"),
    }
    restored = {
        pdf: checks.StoredObject(59293, "9f0e", "9f0e"),
        "stray.txt": checks.StoredObject(1, "e2", "m2"),
    }

    assert checks.compare_objects(source, dict(source)) == []
    assert checks.compare_objects(source, restored) == [
        f"object {upload}: in the source bucket, missing from the restore",
        f"object {pdf}: 59271 bytes in the source, 59293 restored",
        f"object {pdf}: ETag 9f0e, the source's 53ec791a6113387c74c8a36141b5d3b1",
        f"object {pdf}: content MD5 9f0e, the source's 53ec791a6113387c",
        "object stray.txt: in the restored bucket, not in the source",
    ]


def test_the_report_pdf_must_be_a_pdf_holding_the_reports_text(tmp_path):
    from weasyprint import HTML

    path = tmp_path / "report.pdf"
    path.write_bytes(
        HTML(string="<h1>Statusrapport nr 20</h1><p>Sveriges viktigaste chefsjobb</p>").write_pdf()
    )

    assert checks.check_report_pdf(path, ["Statusrapport nr 20", "Sveriges viktigaste"]) == (
        1,
        [],
    )
    assert checks.check_report_pdf(path, ["Statusrapport nr 21"]) == (
        1,
        ["report PDF: the text 'Statusrapport nr 21' is not in it"],
    )

    path.write_bytes(b"<html>an error page</html>")
    assert checks.check_report_pdf(path, ["Statusrapport nr 20"]) == (
        0,
        ["report PDF: not a PDF (it starts with b'<html>an')"],
    )
