"""The HR coordinator's manager registry and the import pages."""

import datetime as dt

import pytest
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from core.tests import html
from participants.models import ManagerImport, Person
from participants.tests.factories import DepartmentFactory, PersonFactory
from programs.tests.factories import EnrollmentFactory, GroupFactory, ProgramFactory, RoundFactory

pytestmark = pytest.mark.django_db

HEADER = "Anställningsnummer;Förnamn;Efternamn;E-post;Förvaltning;Chefsnivå;Närmaste chef (anst.nr)"
ROWS = [
    "9001;Åke;Öst;ake@orebro.se;Socialförvaltningen;Förvaltningschef;",
    "9002;Märit;Ängström;marit@orebro.se;Socialförvaltningen;Enhetschef;9001",
]


def _upload(client, org, lines, name="chefer.csv"):
    data = ("\r\n".join([HEADER, *lines]) + "\r\n").encode("cp1252")
    return client.post(
        reverse("participants:import_upload", kwargs={"org": org.slug}),
        {"file": SimpleUploadedFile(name, data, content_type="text/csv")},
    )


@pytest.fixture
def hr(client, hr_user):
    client.force_login(hr_user)
    return client


def test_registry_lists_managers_with_department_and_enrollment(hr, org):
    social = DepartmentFactory(organisation=org, name="Socialförvaltningen")
    anna = PersonFactory(organisation=org, first_name="Anna", last_name="Ek", department=social)
    PersonFactory(organisation=org, first_name="Bo", last_name="Ask")
    program = ProgramFactory(organisation=org)
    EnrollmentFactory(person=anna, group=GroupFactory(round=RoundFactory(program=program)))

    response = hr.get(reverse("programs:person_list", kwargs={"org": org.slug}))

    page = response.content.decode()
    assert "2 chefer" in page
    rows = [p.full_name for p in response.context["people"]]
    assert rows == ["Bo Ask", "Anna Ek"]
    assert [p.is_enrolled for p in response.context["people"]] == [False, True]


def test_registry_search_and_filters(hr, org):
    social = DepartmentFactory(organisation=org, name="Socialförvaltningen")
    PersonFactory(
        organisation=org, first_name="Anna", last_name="Ek", department=social,
        manager_since=dt.date(2016, 1, 1),
    )  # fmt: skip
    PersonFactory(organisation=org, first_name="Bo", last_name="Ask", active=False)
    url = reverse("programs:person_list", kwargs={"org": org.slug})

    def names(**params):
        return [p.full_name for p in hr.get(url, params).context["people"]]

    assert names(q="ann") == ["Anna Ek"]
    assert names(department=social.pk) == ["Anna Ek"]
    assert names(manager_since_from="2015-06-01") == ["Anna Ek"]
    assert names(active="no") == ["Bo Ask"]
    assert names(enrolled="yes") == []
    assert "Ingen chef matchar sökningen." in hr.get(url, {"q": "zzz"}).content.decode()


def test_registry_query_count_does_not_grow(hr, org, queries):
    PersonFactory(organisation=org)

    def grow():
        for _ in range(30):
            PersonFactory(organisation=org)

    queries.assert_flat(hr, reverse("programs:person_list", kwargs={"org": org.slug}), grow=grow)


def test_registry_is_paginated_by_50(hr, org):
    PersonFactory.create_batch(51, organisation=org)

    response = hr.get(reverse("programs:person_list", kwargs={"org": org.slug}))

    assert len(response.context["people"]) == 50
    assert "Sida 1 av 2" in response.content.decode()


def test_person_detail_shows_group_sessions_and_agreement_state_without_texts(hr, org):
    from programs.tests.factories import AgreementFactory, AttendanceFactory, SessionFactory

    program = ProgramFactory(organisation=org)
    group = GroupFactory(round=RoundFactory(program=program), number=7)
    enrollment = EnrollmentFactory(group=group)
    session = SessionFactory(group=group)
    AttendanceFactory(session=session, enrollment=enrollment, status="excused")
    AgreementFactory(enrollment=enrollment, texts={"develop": "HEMLIG TEXT"}, status="submitted")

    response = hr.get(
        reverse("programs:person_detail", kwargs={"org": org.slug, "pk": enrollment.person.pk})
    )

    page = response.content.decode()
    assert "Grupp 7" in page
    assert "Anmäld frånvaro" in page
    assert "Före modul 1: Väntar på chefen" in page
    assert "HEMLIG TEXT" not in page


def test_creating_a_manager_with_a_line_manager_by_employee_number(hr, org):
    boss = PersonFactory(organisation=org, employee_number="100")
    department = DepartmentFactory(organisation=org)

    response = hr.post(
        reverse("participants:person_create", kwargs={"org": org.slug}),
        {
            "employee_number": "101", "first_name": "Nils", "last_name": "Holm",
            "email": "nils@orebro.se", "department": department.pk, "level": "enhetschef",
            "manager_since": "2016-04-01", "active": "on", "line_manager_number": "100",
        },
    )  # fmt: skip

    person = Person.objects.get(organisation=org, employee_number="101")
    assert response.status_code == 302
    assert (person.full_name, person.line_manager, person.manager_since) == (
        "Nils Holm", boss, dt.date(2016, 4, 1),
    )  # fmt: skip


def test_editing_a_manager_into_a_cycle_is_refused_and_keeps_the_input(hr, org):
    top = PersonFactory(organisation=org, employee_number="1", first_name="Tea", last_name="Top")
    below = PersonFactory(
        organisation=org, employee_number="2", first_name="Ulf", last_name="Under", line_manager=top
    )

    response = hr.post(
        reverse("participants:person_edit", kwargs={"org": org.slug, "pk": top.pk}),
        {
            "employee_number": "1", "first_name": "Tea-Maria", "last_name": "Top",
            "email": "", "department": top.department.pk, "level": "kommunledning",
            "manager_since": "", "active": "on", "line_manager_number": "2",
        },
    )  # fmt: skip

    page = response.content.decode()
    assert response.status_code == 200
    assert (
        "Ulf Under kan inte vara närmaste chef för Tea-Maria Top: det skulle ge en slinga i "
        "chefsleden."
    ) in page
    assert 'value="Tea-Maria"' in page
    top.refresh_from_db()
    assert (top.first_name, top.line_manager) == ("Tea", None)
    assert below.line_manager == top


def test_unknown_line_manager_number_is_a_field_error(hr, org):
    department = DepartmentFactory(organisation=org)

    response = hr.post(
        reverse("participants:person_create", kwargs={"org": org.slug}),
        {
            "employee_number": "5", "first_name": "A", "last_name": "B",
            "department": department.pk, "level": "enhetschef", "active": "on",
            "line_manager_number": "404",
        },
    )  # fmt: skip

    assert "Ingen chef i organisationen har anställningsnummer 404." in response.content.decode()
    assert Person.objects.filter(employee_number="5").exists() is False


def test_import_preview_then_confirm_then_confirm_again(
    hr, org, django_capture_on_commit_callbacks
):
    response = _upload(hr, org, ROWS)
    record = ManagerImport.objects.get()
    assert response["Location"] == reverse(
        "participants:import_detail", kwargs={"org": org.slug, "pk": record.pk}
    )
    assert record.status == ManagerImport.Status.PREVIEWED
    assert storages["private"].exists(record.stored_name)
    preview = hr.get(response["Location"]).content.decode()
    assert "Fil: CSV, 2 rader." in preview
    assert "Teckenkodning: Windows-1252; avgränsare: ”;”." in preview
    assert "Bekräfta importen" in preview
    assert Person.objects.count() == 0

    confirm_url = reverse("participants:import_confirm", kwargs={"org": org.slug, "pk": record.pk})
    with django_capture_on_commit_callbacks(execute=True):
        hr.post(confirm_url)
    record.refresh_from_db()
    assert record.status == ManagerImport.Status.APPLIED
    assert sorted(Person.objects.values_list("first_name", flat=True)) == ["Märit", "Åke"]
    assert not storages["private"].exists(f"imports/{record.pk}.upload")

    again = hr.post(confirm_url, follow=True)
    assert "Filen är redan importerad; inget ändrades." in again.content.decode()
    assert Person.objects.count() == 2


def test_import_with_bad_rows_lists_them_and_offers_no_confirm(hr, org):
    _upload(hr, org, [*ROWS, "9003;;Ek;;Social;Enhetschef;"])
    record = ManagerImport.objects.get()

    page = hr.get(
        reverse("participants:import_detail", kwargs={"org": org.slug, "pk": record.pk})
    ).content.decode()

    assert record.status == ManagerImport.Status.REFUSED
    assert record.stored_name == ""
    assert "<td>4</td><td>Förnamn saknas.</td>" in page
    assert "Bekräfta importen" not in page
    assert Person.objects.count() == 0


def test_unreadable_upload_is_a_field_error_and_stores_nothing(hr, org):
    response = hr.post(
        reverse("participants:import_upload", kwargs={"org": org.slug}),
        {"file": SimpleUploadedFile("bild.csv", b"\x89PNG\r\n\x1a\n\x00\x00", "text/csv")},
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "Filen är varken CSV eller XLSX." in page
    assert "data-error-summary" in page
    assert ManagerImport.objects.count() == 0


def test_upload_over_the_import_max_bytes_setting_is_refused_by_the_form(hr, org):
    url = reverse("participants:import_upload", kwargs={"org": org.slug})
    data = b"x" * (1024 * 1024 + 1)

    with override_settings(IMPORT_MAX_BYTES=1024 * 1024):
        page = hr.get(url)
        response = hr.post(url, {"file": SimpleUploadedFile("chefer.csv", data, "text/csv")})

    assert page.context["form"].fields["file"].help_text == (
        "CSV (avgränsad med ; eller , eller tabb, även Excels ”Unicode-text”) eller XLSX, "
        "högst 1 MB, med kolumnnamn på första raden."
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {"file": ["Filen är för stor. Gränsen är 1 MB."]}
    assert ManagerImport.objects.count() == 0


def test_import_of_another_organisation_is_404(hr, org, other_org, outsider):
    from participants.services import manager_import_upload

    data = ("\r\n".join([HEADER, *ROWS]) + "\r\n").encode("cp1252")
    foreign = manager_import_upload(
        organisation=other_org, user=outsider, filename="deras.csv", data=data
    )

    detail = reverse("participants:import_detail", kwargs={"org": org.slug, "pk": foreign.pk})
    confirm = reverse("participants:import_confirm", kwargs={"org": org.slug, "pk": foreign.pk})
    assert hr.get(detail).status_code == 404
    assert hr.post(confirm).status_code == 404
    assert Person.objects.count() == 0


def test_registry_export_neutralises_formulas_and_keeps_filters(hr, org):
    import io

    import openpyxl

    PersonFactory(
        organisation=org, employee_number="1", first_name="=HYPERLINK(\"http://x\")",
        last_name="+Ek", email="@a.se",
    )  # fmt: skip
    PersonFactory(organisation=org, employee_number="2", first_name="Bo", last_name="-Ask")

    response = hr.get(reverse("programs:person_export", kwargs={"org": org.slug}), {"q": "ek"})

    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0][:4] == ["Anställningsnummer", "Förnamn", "Efternamn", "E-postadress"]
    assert rows[1][:4] == ["1", '\'=HYPERLINK("http://x")', "'+Ek", "'@a.se"]
    assert len(rows) == 2
    assert all(cell.data_type == "s" for cell in sheet[2][:4])


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        (
            "sv",
            [
                ("#id_employee_number", "Ange anställningsnummer."),
                ("#id_first_name", "Ange förnamn."),
                ("#id_last_name", "Ange efternamn."),
                ("#id_department", "Välj förvaltning."),
                ("#id_level", "Välj chefsnivå."),
            ],
        ),
        (
            "en",
            [
                ("#id_employee_number", "Enter employee number."),
                ("#id_first_name", "Enter first name."),
                ("#id_last_name", "Enter last name."),
                ("#id_department", "Choose department."),
                ("#id_level", "Choose managerial level."),
            ],
        ),
    ],
)
def test_new_manager_posted_empty_says_what_to_do_with_each_field(hr, org, language, expected):
    # The summary used to repeat "Detta fält måste fyllas i." once per field: four identical
    # links that named no field (WCAG 3.3.1, 3.3.3).
    hr.post(reverse("set_language"), {"language": language})

    response = hr.post(reverse("participants:person_create", kwargs={"org": org.slug}), {})

    links = html.parse(response).select(".error-summary a.alert-link")
    assert [(a.get("href"), html.text(a)) for a in links] == expected
    assert Person.objects.count() == 0


def test_registry_shows_the_forvaltning_and_the_unit_on_the_page_and_in_the_export(hr, org):
    # The import stores the unit (Enhet) as a manager's department; the "Förvaltning" column
    # showed the unit ("Lönecenter"). It shows the förvaltning, and the unit beside it.
    import io

    import openpyxl

    central = DepartmentFactory(organisation=org, name="Kommunledningsförvaltningen")
    payroll = DepartmentFactory(organisation=org, name="Lönecenter", parent=central)
    PersonFactory(organisation=org, first_name="Anna", last_name="Ek", department=payroll)
    PersonFactory(organisation=org, first_name="Bo", last_name="Ask", department=central)

    listed = html.parse(hr.get(reverse("programs:person_list", kwargs={"org": org.slug})))
    export = hr.get(reverse("programs:person_export", kwargs={"org": org.slug}))

    rows = listed.rows("people")
    assert rows[0][:4] == ["Namn", "Anställningsnummer", "Förvaltning", "Enhet"]
    assert [row[2:4] for row in rows[1:]] == [
        ["Kommunledningsförvaltningen", "–"],
        ["Kommunledningsförvaltningen", "Lönecenter"],
    ]
    sheet = openpyxl.load_workbook(io.BytesIO(export.content)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0][4:6] == ["Förvaltning", "Enhet"]
    assert [(r[2], r[4], r[5]) for r in rows[1:]] == [
        ("Ask", "Kommunledningsförvaltningen", None),
        ("Ek", "Kommunledningsförvaltningen", "Lönecenter"),
    ]
