"""The whole life of a new program, as the HR coordinator runs it in Chromium, never in the
Django admin, with axe on every page: create the program and its four modules; import the
managers, create a round, compose and accept the groups; plan the sessions and send the
invitations; register attendance with one absence and book that person into another group's
session of the module (uppsamling); the evaluation opens for the participants, and its results
show once its window has closed; write a status report and download its PDF."""

import datetime as dt
import io
import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from evaluations.models import Completion
from evaluations.tests.factories import answer, close_window, participant_login
from participants.models import Person
from participants.tests.factories import ConsultantFactory
from programs.models import Attendance, Group, MakeUpBooking, Program, Session

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TODAY = timezone.localdate()
HEADER = (
    "Anställningsnummer;Förnamn;Efternamn;E-post;Förvaltning;Enhet;Chefsnivå;"
    "Närmaste chef (anst.nr);Chef sedan"
)
DEPARTMENTS = ["Socialförvaltningen", "Tekniska förvaltningen", "Förskoleförvaltningen"]
FIRST_NAMES = ["Anna", "Bo", "Cecilia", "David", "Eva", "Filip",
               "Greta", "Hugo", "Ines", "Johan", "Karin", "Lars"]  # fmt: skip
MODULES = [
    ("Del av en helhet", "Helheten och uppdraget.", "1,5"),
    ("Klar ledare", "Kommunikation och förändring.", "2"),
    ("Säker chef", "Ansvar och befogenheter.", "1"),
    ("Initiativrik utvecklare", "Utveckling och innovation.", "1,5"),
]


def _day(offset: int) -> str:
    return (TODAY + dt.timedelta(days=offset)).isoformat()


def _csv(tmp_path):
    lines = [HEADER] + [
        f"{2001 + i};{name};Lind{i:02d};{name.lower()}@orebro.se;{DEPARTMENTS[i % 3]};;"
        "Enhetschef;;2014-01-01"
        for i, name in enumerate(FIRST_NAMES)
    ]
    path = tmp_path / "chefer.csv"
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1252"))
    return path


@pytest.fixture
def pia(org, process_leader_user):
    return ConsultantFactory(
        name="Pia Lindqvist", firm="", user=process_leader_user, organisations=[org]
    )


def test_hr_runs_a_new_program_from_start_to_status_report_without_the_admin(
    page, live_server, axe, login_as, hr_user, org, pia, tmp_path
):
    def check(page, context):
        """axe on the page state, and no link to the admin on it."""
        axe(page, context=context)
        expect(page.locator("a[href*='/admin/']")).to_have_count(0)

    login_as(page, hr_user)
    page.goto(live_server.url + reverse("svc:hr_start", kwargs={"org": org.slug}))
    check(page, "HR start page, no program")

    # 1. The program and its four modules.
    page.get_by_role("link", name="Alla program").click()
    page.get_by_role("link", name="Nytt program").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Nytt program")
    check(page, "new program")
    page.get_by_label("Namn").fill("Chefsjobbet")
    page.get_by_label("Start").fill(_day(-120))
    page.get_by_label("Slut").fill(_day(-130))
    page.get_by_label("Minsta grupp").fill("5")
    page.get_by_label("Största grupp").fill("7")
    page.get_by_role("button", name="Skapa programmet").click()
    expect(page.locator("[data-error-summary]")).to_contain_text(
        "Programmet måste sluta samma dag som det börjar eller senare."
    )
    check(page, "new program with an error")
    page.get_by_label("Slut").fill(_day(700))
    page.get_by_role("button", name="Skapa programmet").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Moduler")
    expect(page.get_by_role("status").first).to_contain_text("Chefsjobbet är skapat.")
    check(page, "modules of a new program")
    for name, purpose, days in MODULES:
        page.get_by_role("link", name="Lägg till en modul").click()
        page.get_by_label("Namn").fill(name)
        page.get_by_label("Syfte").fill(purpose)
        page.get_by_label("Längd i dagar").fill(days)
        page.get_by_role("button", name="Lägg till modulen").click()
    expect(page.locator("#edit-modules tbody tr")).to_have_count(4)
    check(page, "four modules")
    program = Program.objects.get(organisation=org, name="Chefsjobbet")
    assert list(program.modules.order_by("order").values_list("order", "name")) == [
        (1, "Del av en helhet"), (2, "Klar ledare"), (3, "Säker chef"),
        (4, "Initiativrik utvecklare"),
    ]  # fmt: skip

    # 2. The managers from the HR system, a round, its groups.
    page.goto(f"{live_server.url}/o/{org.slug}/import/")
    page.get_by_label("Fil från HR-systemet").set_input_files(str(_csv(tmp_path)))
    page.get_by_role("button", name="Visa förhandsvisning").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Granska förhandsvisningen")
    check(page, "import preview")
    page.get_by_role("button", name="Bekräfta importen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Importen är klar")
    assert Person.objects.filter(organisation=org).count() == 12

    page.goto(
        live_server.url
        + reverse("programs:program_overview", kwargs={"org": org.slug, "program_id": program.pk})
    )
    page.get_by_role("link", name="Ny omgång").click()
    page.get_by_label("Start").fill(_day(-60))
    page.get_by_label("Slut").fill(_day(200))
    page.get_by_role("button", name="Skapa omgången").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Välj deltagare till Omgång 1")
    page.get_by_role("link", name="Markera alla som visas").click()
    page.get_by_role("button", name="Sätt samman grupper").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Förslag till Omgång 1")
    check(page, "proposal")
    warnings = page.get_by_label("Godkänn grupperna trots varningarna")
    if warnings.count():
        warnings.check()
    page.get_by_role("button", name="Godkänn och skapa grupperna").click()
    expect(page.get_by_role("status").first).to_contain_text(
        "Omgång 1: 2 utvecklingsgrupper skapades, med 12 planerade deltagare."
    )
    group_1, group_2 = Group.objects.filter(round__program=program).order_by("number")
    assert (group_1.enrollments.count(), group_2.enrollments.count()) == (6, 6)

    # 3. The sessions of both groups, and the invitations.
    plans = {
        group_1: [(-2, "09:00", -1, "12:00"), (20, "09:00", 21, "16:00"),
                  (50, "09:00", 50, "16:00"), (80, "09:00", 81, "12:00")],
        group_2: [(7, "09:00", 8, "12:00"), (27, "09:00", 28, "16:00"),
                  (57, "09:00", 57, "16:00"), (87, "09:00", 88, "12:00")],
    }  # fmt: skip
    for group, days in plans.items():
        page.goto(
            live_server.url
            + reverse("programs:group_detail", kwargs={"org": org.slug, "group_id": group.pk})
        )
        page.get_by_role("link", name="Planera modultillfällen").click()
        for order, (start, start_time, end, end_time) in enumerate(days, start=1):
            page.locator(f"#id_m{order}_starts_at").fill(f"{_day(start)}T{start_time}")
            page.locator(f"#id_m{order}_ends_at").fill(f"{_day(end)}T{end_time}")
            page.locator(f"#id_m{order}_venue").fill("Örebro slott")
            page.locator(f"#id_m{order}_process_leader").select_option(label="Pia Lindqvist")
        check(page, f"planning {group}")
        page.get_by_role("button", name="Spara modultillfällena").click()
        expect(page.locator(".messages")).to_contain_text(
            f"Modultillfällena för {group} är sparade."
        )
    assert Session.objects.filter(group__round__program=program).count() == 8

    page.goto(
        live_server.url
        + reverse("programs:group_detail", kwargs={"org": org.slug, "group_id": group_1.pk})
    )
    page.get_by_role("link", name="Inbjudningar och inloggningar").click()
    page.get_by_role("button", name="Skicka inbjudningar").click()
    expect(page.locator(".messages")).to_contain_text(
        f"Inbjudningarna till {group_1} är registrerade: 6 deltagare får dem med e-post."
    )
    check(page, "invitations sent")
    invited = sorted(m.to[0] for m in mail.outbox if m.subject.startswith("Inbjudan"))
    assert invited == sorted(e.person.email for e in group_1.enrollments.all())

    # 4. Attendance at module 1 with one absence, and a make-up session for the absent.
    members = list(group_1.enrollments.select_related("person").order_by("person__first_name"))
    absent = members[0]
    module_1 = Session.objects.get(group=group_1, module__order=1)
    page.goto(
        live_server.url
        + reverse(
            "programs:session_attendance", kwargs={"org": org.slug, "session_id": module_1.pk}
        )
    )
    page.get_by_role("link", name="Markera alla som inte är registrerade som närvarande").click()
    page.get_by_role("group", name=re.compile(f"^{absent.person.full_name}")).get_by_label(
        "Frånvarande"
    ).check()
    check(page, "attendance with one absence")
    page.get_by_role("button", name="Spara närvaron").click()
    expect(page.locator(".messages")).to_contain_text("Närvaron är sparad för 6 deltagare.")
    assert sorted(Attendance.objects.filter(session=module_1).values_list("status", flat=True)) == [
        "absent", "present", "present", "present", "present", "present",
    ]  # fmt: skip

    page.goto(
        live_server.url
        + reverse("programs:program_progress", kwargs={"org": org.slug, "program_id": program.pk})
    )
    page.get_by_role("link", name=re.compile(r"^Vem saknar en modul\s*, Omgång 1$")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Uppsamling: Omgång 1")
    check(page, "who lacks a module")
    host = Session.objects.get(group=group_2, module__order=1)
    page.get_by_label(
        f"Uppsamlingstillfälle i modul 1 för {absent.person.full_name}"
    ).select_option(str(host.pk))
    page.get_by_role("button", name="Boka").click()
    expect(page.locator(".alert-success")).to_have_text(
        f"{absent.person.full_name} är bokad i {group_2} för modul 1."
    )
    check(page, "make-up booked")
    assert MakeUpBooking.objects.get().enrollment == absent

    # 5. Module 1 has ended: the evaluation is open for those who were there.
    present = members[1:]
    user = participant_login(present[0], "karin.deltagare@orebro.se")
    page.context.clear_cookies()
    login_as(page, user)
    page.goto(live_server.url + reverse("svc:participant_start", kwargs={"org": org.slug}))
    check(page, "the participant's start page: an evaluation open")
    page.get_by_role("link", name="Utvärdera Del av en helhet").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Utvärdering av Del av en helhet")
    check(page, "evaluation form")
    for name in page.eval_on_selector_all(
        "fieldset input[type=radio][value='5']", "inputs => inputs.map(i => i.name)"
    ):
        page.locator(f'input[name="{name}"][value="5"]').check()
    page.get_by_role("button", name="Skicka mina svar").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tack för dina svar")
    for enrollment in present[1:]:
        answer(enrollment, module_1, value=6)
    assert Completion.objects.filter(session=module_1).count() == 5

    close_window(module_1)  # 14 days later: the window has closed, the results are out
    page.context.clear_cookies()
    login_as(page, hr_user)
    page.goto(
        live_server.url
        + reverse("programs:program_overview", kwargs={"org": org.slug, "program_id": program.pk})
    )
    page.get_by_role("link", name="Utvärderingar").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Utvärderingar: Chefsjobbet")
    check(page, "evaluation results")
    # One answered with 5 throughout, four with 6: a mean of 5.8, from 5 answers (k is 5).
    module_row = page.get_by_role("row").filter(has_text="Del av en helhet").first
    expect(module_row.locator("td")).to_have_text(
        ["5,8", "5", "100,0 %", "0 %", "0 %", "0 %", "0 %", "20 %", "80 %"]
    )

    # 6. A status report, and its PDF.
    page.goto(live_server.url + reverse("reports:program_index", kwargs={"org": org.slug}))
    page.get_by_role("link", name=re.compile("Chefsjobbet")).first.click()
    page.get_by_role("link", name="Statusrapporter", exact=True).click()
    page.get_by_role("link", name="Skriv en statusrapport").click()
    check(page, "new status report")
    page.get_by_label("Sammanfattning").fill("Omgång 1 har startat; en deltagare tar igen modul 1.")
    page.get_by_role("button", name="Spara och skapa PDF:en").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Statusrapport nr 1")
    expect(page.locator("#report-status")).to_have_attribute("data-status", "ready")
    check(page, "status report ready")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Ladda ner statusrapport nr 1 (PDF)").click()
    pdf = PdfReader(io.BytesIO(download_info.value.path().read_bytes()))
    text = "\n".join(p.extract_text() for p in pdf.pages)
    assert text.split("\n")[:3] == ["Örebro kommun", "Statusrapport nr 1", "Chefsjobbet"]
    assert "Omgång 1 har startat; en deltagare tar igen modul 1." in text
