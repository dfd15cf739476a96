"""Group list and round exports: the files open in openpyxl and say what the data says,
with text that Excel would run as a formula neutralised."""

import io

import pytest
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from participants.models import Level
from participants.tests.factories import DepartmentFactory, PersonFactory
from programs.exports import group_list_xlsx, round_xlsx
from programs.models import Enrollment
from programs.tests.factories import AttendanceFactory, EnrollmentFactory, GroupFactory
from programs.tests.test_scheduling import make_group, make_program, schedule

pytestmark = pytest.mark.django_db

DAYS = ["2015-03-02", "2015-03-30", "2015-04-27", "2015-05-25"]


@pytest.fixture(autouse=True)
def swedish():
    with translation.override("sv"):
        yield


@pytest.fixture
def round_data(org):
    """Group 1: Åsa (completed, present at all four) and a hostile name; group 2: one member."""
    program, modules = make_program(org)
    social = DepartmentFactory(organisation=org, name="Socialförvaltningen")
    group, _ = make_group(program, number=1, members=0, name="Kommunledningen")
    boss = PersonFactory(organisation=org, first_name="Stina", last_name="Chef")
    asa = EnrollmentFactory(
        group=group,
        status=Enrollment.Status.COMPLETED,
        person=PersonFactory(
            organisation=org, employee_number="1001", first_name="Åsa", last_name="Öberg",
            email="asa@orebro.se", department=social, level=Level.DEPARTMENT_HEAD,
            line_manager=boss,
        ),
    )  # fmt: skip
    hostile = EnrollmentFactory(
        group=group,
        person=PersonFactory(
            organisation=org, employee_number="1002", first_name="=HYPERLINK(\"http://x\")",
            last_name="+Ek", email="ek@orebro.se", department=social,
        ),
    )  # fmt: skip
    EnrollmentFactory(group=group, status=Enrollment.Status.WITHDRAWN, person__organisation=org)
    sessions = schedule(group, modules, DAYS)
    for session in sessions:
        AttendanceFactory(session=session, enrollment=asa, status="present")
    AttendanceFactory(session=sessions[0], enrollment=hostile, status="excused")
    second = GroupFactory(round=group.round, number=2)
    EnrollmentFactory(
        group=second,
        person=PersonFactory(organisation=org, employee_number="2001", first_name="Bo",
                             last_name="Berg", department=social),
    )  # fmt: skip
    return group


def _sheets(data: bytes) -> dict[str, list[list]]:
    workbook = load_workbook(io.BytesIO(data))
    return {
        sheet.title: [list(row) for row in sheet.iter_rows(values_only=True)]
        for sheet in workbook.worksheets
    }


def test_group_list_export_has_members_and_attendance_with_formulas_neutralised(round_data):
    sheets = _sheets(group_list_xlsx(group=round_data))

    assert list(sheets) == ["Deltagare", "Närvaro"]
    assert sheets["Deltagare"] == [
        ["Anställningsnummer", "Förnamn", "Efternamn", "E-postadress", "Förvaltning",
         "Chefsnivå", "Chef", "Status"],
        ["1002", "'=HYPERLINK(\"http://x\")", "'+Ek", "ek@orebro.se", "Socialförvaltningen",
         "Enhetschef/första linjen", None, "Aktiv"],
        ["1001", "Åsa", "Öberg", "asa@orebro.se", "Socialförvaltningen", "Förvaltningschef",
         "Stina Chef", "Genomförd"],
    ]  # fmt: skip
    assert sheets["Närvaro"] == [
        ["Anställningsnummer", "Namn", "1. Del av en helhet", "2. Klar ledare", "3. Säker chef",
         "4. Initiativrik utvecklare", "Närvarande moduler", "Genomförd"],
        ["1002", "'=HYPERLINK(\"http://x\") +Ek", "Anmäld frånvaro", None, None, None, 0, "Nej"],
        ["1001", "Åsa Öberg", "Närvarande", "Närvarande", "Närvarande", "Närvarande", 4, "Ja"],
    ]  # fmt: skip


def test_round_export_lists_every_group_of_the_round(round_data):
    sheets = _sheets(round_xlsx(round_=round_data.round))

    assert list(sheets) == ["Grupplistor", "Närvaro"]
    assert [row[:4] for row in sheets["Grupplistor"]] == [
        ["Utvecklingsgrupp", "Anställningsnummer", "Förnamn", "Efternamn"],
        ["Kommunledningen", "1002", '\'=HYPERLINK("http://x")', "'+Ek"],
        ["Kommunledningen", "1001", "Åsa", "Öberg"],
        ["Grupp 2", "2001", "Bo", "Berg"],
    ]
    assert [(row[0], row[2], row[-2], row[-1]) for row in sheets["Närvaro"][1:]] == [
        ("Kommunledningen", '\'=HYPERLINK("http://x") +Ek', 0, "Nej"),
        ("Kommunledningen", "Åsa Öberg", 4, "Ja"),
        ("Grupp 2", "Bo Berg", 0, "Nej"),
    ]


def test_export_downloads_are_xlsx_attachments(client, hr_user, org, round_data):
    client.force_login(hr_user)

    group_file = client.get(
        reverse("programs:group_export", kwargs={"org": org.slug, "group_id": round_data.pk})
    )
    round_file = client.get(
        reverse("programs:round_export", kwargs={"org": org.slug, "round_id": round_data.round_id})
    )

    assert group_file["Content-Disposition"] == (
        'attachment; filename="deltagarlista-kommunledningen.xlsx"'
    )
    assert round_file["Content-Disposition"] == (
        'attachment; filename="sveriges-viktigaste-chefsjobb-omgang-1.xlsx"'
    )
    assert _sheets(round_file.content)["Grupplistor"][3][1] == "2001"
