"""Who has not answered: off by default; HR may show it to process leaders of the group."""

import datetime as dt

import pytest
from django.urls import reverse

from participants.models import Organisation
from participants.tests.factories import ConsultantFactory, PersonFactory, UserFactory
from programs.models import Attendance, Enrollment
from programs.tests.factories import AttendanceFactory, EnrollmentFactory

from .factories import answer, make_group, make_program

pytestmark = pytest.mark.django_db


@pytest.fixture
def program(org):
    return make_program(org)


@pytest.fixture
def setup(program):
    """Four who attended (two answer), one absent, one who withdrew after attending."""
    setup = make_group(program=program, size=4, name="Grupp Björk")
    names = [("Anna", "Ek"), ("Bertil", "Al"), ("Cecilia", "Lind"), ("David", "Asp")]
    for enrollment, (first, last) in zip(setup.enrollments, names, strict=True):
        enrollment.person.first_name, enrollment.person.last_name = first, last
        enrollment.person.save()
    session = setup.sessions[1]
    org = program.organisation
    absent = EnrollmentFactory(
        group=setup.group,
        person=PersonFactory(organisation=org, first_name="Erik", last_name="Frånvarande"),
    )
    AttendanceFactory(session=session, enrollment=absent, status=Attendance.Status.ABSENT)
    withdrawn = EnrollmentFactory(
        group=setup.group,
        person=PersonFactory(organisation=org, first_name="Frida", last_name="Avhoppad"),
    )
    AttendanceFactory(session=session, enrollment=withdrawn)
    Enrollment.objects.filter(pk=withdrawn.pk).update(status=Enrollment.Status.WITHDRAWN)
    answer(setup.enrollments[0], session)  # Anna Ek
    answer(setup.enrollments[2], session)  # Cecilia Lind
    return setup


@pytest.fixture
def leader(org, setup):
    consultant = ConsultantFactory(organisations=[org], user=UserFactory(email="pl@konsult.test"))
    setup.group.process_leaders.add(consultant)
    return consultant.user


def _url(org, session):
    return reverse("evaluations:missing", kwargs={"org": org.slug, "session_id": session.pk})


def _show_missing(org):
    Organisation.objects.filter(pk=org.pk).update(process_leaders_see_missing=True)


def test_nobody_sees_who_is_missing_by_default(client, org, setup, leader):
    assert Organisation.objects.get(pk=org.pk).process_leaders_see_missing is False
    client.force_login(leader)
    attendance = reverse(
        "programs:session_attendance", kwargs={"org": org.slug, "session_id": setup.sessions[1].pk}
    )

    response = client.get(_url(org, setup.sessions[1]))
    page = client.get(attendance).content.decode()

    assert response.status_code == 403
    assert "Bertil Al" not in response.content.decode()
    assert "Vilka har inte svarat på utvärderingen" not in page


def test_when_turned_on_the_leader_sees_exactly_who_attended_and_has_not_answered(
    client, org, setup, leader
):
    _show_missing(org)
    client.force_login(leader)

    response = client.get(_url(org, setup.sessions[1]))
    html = response.content.decode()

    assert response.status_code == 200
    assert [p.full_name for p in response.context["respondents"].missing] == [
        "Bertil Al",
        "David Asp",
    ]
    assert "2 av 4 deltagare som var närvarande har svarat." in html
    assert "Utvärderingen är öppen till" in html
    for not_listed in ("Anna Ek", "Cecilia Lind", "Erik Frånvarande", "Frida Avhoppad"):
        assert not_listed not in html


def test_the_attendance_page_links_to_the_list_when_turned_on(client, org, setup, leader):
    _show_missing(org)
    client.force_login(leader)
    session = setup.sessions[1]

    page = client.get(
        reverse("programs:session_attendance", kwargs={"org": org.slug, "session_id": session.pk})
    ).content.decode()

    assert f'href="{_url(org, session)}"' in page
    assert "Vilka har inte svarat på utvärderingen" in page


def test_everyone_answered_says_so(client, org, setup, leader):
    _show_missing(org)
    answer(setup.enrollments[1], setup.sessions[1])
    answer(setup.enrollments[3], setup.sessions[1])
    client.force_login(leader)

    html = client.get(_url(org, setup.sessions[1])).content.decode()

    assert "Alla som var närvarande har svarat." in html
    assert "4 av 4 deltagare" in html


def test_before_the_session_ends_the_list_waits(client, org, program, leader):
    _show_missing(org)
    later = make_group(program=program, size=2, ended_ago=-dt.timedelta(days=2), name="Sen")
    later.group.process_leaders.add(leader.consultant)
    client.force_login(leader)

    html = client.get(_url(org, later.sessions[1])).content.decode()

    assert "Utvärderingen öppnar när tillfället är slut." in html
    assert "Inte svarat ännu" not in html


def test_a_group_the_leader_does_not_lead_is_404(client, org, program, setup, leader):
    _show_missing(org)
    other = make_group(program=program, size=3, name="Annan grupp")
    client.force_login(leader)

    assert client.get(_url(org, other.sessions[1])).status_code == 404


def test_hr_turns_it_on_and_off_and_sees_no_names(client, org, hr_user, setup):
    client.force_login(hr_user)
    url = reverse("evaluations:missing_setting", kwargs={"org": org.slug})

    page = client.get(url).content.decode()
    on = client.post(url, {"visible": "on"}, follow=True)
    stored_on = Organisation.objects.get(pk=org.pk).process_leaders_see_missing
    again = client.post(url, {"visible": "on"}, follow=True)
    off = client.post(url, {}, follow=True)

    assert "ingen ser vem som har svarat (standard)." in page
    assert stored_on is True
    assert "Processledare ser nu vilka i deras grupper som inte har svarat." in on.content.decode()
    assert "Inget ändrades." in again.content.decode()
    assert Organisation.objects.get(pk=org.pk).process_leaders_see_missing is False
    assert "Sparat. Ingen utom deltagarna själva ser vem som har svarat." in off.content.decode()
    for html in (page, on.content.decode(), off.content.decode()):
        assert "Bertil Al" not in html


def test_the_list_costs_the_same_queries_for_a_larger_group(client, org, program, leader, queries):
    _show_missing(org)
    setup = make_group(program=program, size=2, name="Växande")
    setup.group.process_leaders.add(leader.consultant)
    session = setup.sessions[1]
    client.force_login(leader)

    def grow():
        for _ in range(15):
            enrollment = EnrollmentFactory(
                group=setup.group, person=PersonFactory(organisation=org)
            )
            AttendanceFactory(session=session, enrollment=enrollment)

    response = queries.assert_flat(client, _url(org, session), grow=grow)
    assert len(response.context["respondents"].missing) == 17
