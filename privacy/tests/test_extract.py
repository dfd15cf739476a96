"""The register extract's dict (privacy.extract.person_extract): what it holds, what it
reduces to a role, and that its query count does not grow with the data."""

import datetime as dt
import json

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core.models import OutboxTask
from evaluations.models import Completion
from participants.access_log import access_log_record
from participants.accounts import send_login_links
from participants.models import ManagerImport, PersonalDataAccess
from participants.services import import_summary
from participants.tests.factories import PersonFactory, UserFactory
from privacy.extract import FORMAT, person_extract
from programs.agreements import services as agreements
from programs.models import Attendance, ReviewerChange
from programs.tests.factories import AttendanceFactory, EnrollmentFactory
from programs.tests.test_agreements import PLAN, make_pair

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair(org):
    return make_pair(org, passed=1)


def _agreed(pair):
    agreement = agreements.agreement_submit(
        enrollment=pair.enrollment, stage="before_1", texts=PLAN, user=pair.participant
    )
    return agreements.agreement_review(agreement_id=agreement.pk, user=pair.manager, agree=True)


def test_extract_holds_the_manager_record_and_the_login(org, pair):
    extract = person_extract(organisation=org, person=pair.person)

    assert extract["format"] == FORMAT == "svc-registerutdrag/1"
    assert extract["organisation"] == {"name": "Örebro kommun", "slug": "orebro"}
    person = extract["person"]
    assert (person["first_name"], person["last_name"], person["email"]) == (
        "Anna",
        "Ek",
        "deltagare@orebro.test",
    )
    assert person["line_manager"] == "Bo Berg"
    assert person["employee_number"] == pair.person.employee_number
    assert extract["login"]["email"] == "deltagare@orebro.test"
    assert extract["login"]["roles"] == ["Deltagare"]
    assert extract["login"]["active"] is True
    json.dumps(extract)  # JSON as it is


def test_extract_holds_the_agreement_with_its_history_and_the_attendance(org, pair):
    _agreed(pair)
    AttendanceFactory(
        enrollment=pair.enrollment, session=pair.sessions[0], status=Attendance.Status.PRESENT
    )
    Completion.objects.create(enrollment=pair.enrollment, session=pair.sessions[0])

    extract = person_extract(organisation=org, person=pair.person)

    (enrollment,) = extract["enrollments"]
    assert enrollment["group"] == "Grupp 1"
    assert [(a["module"], a["status"], a["status_label"]) for a in enrollment["attendance"]] == [
        ("1. Del av en helhet", "present", "Närvarande")
    ]
    assert [e["module"] for e in enrollment["evaluations_answered"]] == ["1. Del av en helhet"]
    (agreement,) = enrollment["agreements"]
    assert (agreement["stage"], agreement["status"]) == ("before_1", "agreed")
    assert {t["key"]: t["answer"] for t in agreement["texts"]} == PLAN
    assert agreement["agreed_by"] == "Bo Berg"
    assert [(v["status"], v["by"]) for v in agreement["history"]] == [
        ("submitted", "Du"),
        ("agreed", "Bo Berg"),
    ]
    assert {t["key"]: t["answer"] for t in agreement["history"][0]["texts"]} == PLAN


def test_reviewer_is_named_and_whoever_changed_the_reviewer_only_by_role(org, pair, hr_user):
    """The rule: line manager and reviewers are named (they write in the agreements);
    the HR coordinator who named the reviewer is reduced to the role."""
    hr_user.full_name = "Hanna HR-Person"
    hr_user.save()
    reviewer = PersonFactory(organisation=org, first_name="Rut", last_name="Granskare")
    agreements.enrollment_set_reviewer(
        enrollment=pair.enrollment,
        reviewer=reviewer,
        reason="Chefen är föräldraledig",
        user=hr_user,
    )

    extract = person_extract(organisation=org, person=pair.person)

    (enrollment,) = extract["enrollments"]
    assert enrollment["reviewer"] == "Rut Granskare"
    assert [
        (c["reviewer"], c["reason"], c["changed_by"]) for c in enrollment["reviewer_changes"]
    ] == [("Rut Granskare", "Chefen är föräldraledig", "HR-samordnare")]
    text = json.dumps(extract, ensure_ascii=False)
    assert "Hanna HR-Person" not in text
    assert hr_user.email not in text


def test_extract_lists_the_emails_sent_to_the_person_and_counts_those_about_others(
    org, pair, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _agreed(pair)  # "submitted" goes to the line manager, "agreed" to the participant
        send_login_links(people=[pair.person])
    # The participant is the line manager of someone who sends them an agreement.
    report_user = UserFactory(email="medarbetare@orebro.test")
    report = PersonFactory(
        organisation=org, user=report_user, line_manager=pair.person, email=report_user.email
    )
    report_enrollment = EnrollmentFactory(person=report, group=pair.group)
    with django_capture_on_commit_callbacks(execute=True):
        agreements.agreement_submit(
            enrollment=report_enrollment, stage="before_1", texts=PLAN, user=report_user
        )

    extract = person_extract(organisation=org, person=pair.person)

    assert [(e["kind"], e["recipient"], e["state"]) for e in extract["emails"]] == [
        ("programs.send_agreement_mail", "reviewer", "done"),
        ("programs.send_agreement_mail", "you", "done"),
        ("participants.send_login_link", "you", "done"),
    ]
    assert extract["emails_as_reviewer"]["total"] == 1
    text = json.dumps(extract, ensure_ascii=False)
    assert report.full_name not in text
    assert "medarbetare@orebro.test" not in text
    assert len(extract["login_link_requests"]) == 1


def test_extract_holds_sign_ins_lockouts_and_active_sessions_never_a_session_key(org, pair):
    address = pair.participant.email
    common = {"user_agent": "Firefox", "ip_address": "10.0.0.7", "http_accept": "*/*"}
    AccessLog.objects.create(username=address, path_info="/login/", **common)
    AccessFailureLog.objects.create(
        username=address, path_info="/login/", locked_out=True, **common
    )
    AccessAttempt.objects.create(
        username=address, path_info="/login/", get_data="", post_data="x", failures_since_start=3,
        **common,
    )  # fmt: skip
    AccessLog.objects.create(username="someone@orebro.test", path_info="/login/", **common)
    session = SessionStore()
    session["_auth_user_id"] = str(pair.participant.pk)
    session.set_expiry(600)
    session.create()
    other = SessionStore()
    other["_auth_user_id"] = str(pair.manager.pk)
    other.create()

    extract = person_extract(organisation=org, person=pair.person)

    signs = extract["sign_ins"]
    assert [(r["ip_address"], r["user_agent"]) for r in signs["logins"]] == [
        ("10.0.0.7", "Firefox")
    ]
    assert [r["locked_out"] for r in signs["failures"]] == [True]
    assert [r["failures"] for r in signs["lockout_counters"]] == [3]
    assert extract["sessions"]["active"] == 1
    assert len(extract["sessions"]["expires_at"]) == 1
    assert session.session_key not in json.dumps(extract)


def test_extract_shows_only_the_persons_own_row_of_an_import(org, pair, hr_user):
    other = PersonFactory(organisation=org, first_name="Olle", last_name="Annan")
    summary = import_summary(
        type(
            "Preview",
            (),
            {
                "ok": True, "file_format": "CSV", "encoding": "utf-8", "delimiter": ";",
                "total_rows": 2, "date_formats": [], "new_departments": [], "unchanged": 0,
                "errors": [],
                "created": [type("C", (), {"row": 3, "employee_number": other.employee_number,
                                           "name": "Olle Annan", "fields": []})()],
                "updated": [type("C", (), {"row": 2, "employee_number": pair.person.employee_number,
                                           "name": "Anna Ek", "fields": ["email"]})()],
            },
        )()
    )  # fmt: skip
    ManagerImport.objects.create(
        organisation=org,
        uploaded_by=hr_user,
        filename="chefer.csv",
        status=ManagerImport.Status.APPLIED,
        summary=summary,
    )

    extract = person_extract(organisation=org, person=pair.person)

    assert [
        (r["file"], r["row"], r["change"], r["fields"], r["uploaded_by"])
        for r in extract["imports"]
    ] == [("chefer.csv", 2, "updated", "email", "HR-samordnare")]
    assert "Olle Annan" not in json.dumps(extract, ensure_ascii=False)


def test_access_log_rows_about_the_person_name_the_actor_by_role(org, pair, hr_user):
    access_log_record(
        organisation=org,
        actor=hr_user,
        action=PersonalDataAccess.Action.PERSON_VIEWED,
        subject=pair.person,
        what="person_detail",
    )
    access_log_record(
        organisation=org, actor=hr_user, action=PersonalDataAccess.Action.PERSON_VIEWED,
        subject=pair.manager_person, what="person_detail",
    )  # fmt: skip

    extract = person_extract(organisation=org, person=pair.person)

    assert [(r["action"], r["what"], r["by"]) for r in extract["access_log"]] == [
        ("person_viewed", "person_detail", "HR-samordnare")
    ]


def test_extract_says_in_plain_words_that_evaluation_answers_are_not_in_it(org, pair):
    extract = person_extract(organisation=org, person=pair.person)

    assert extract["not_included"][0] == (
        "Svaren på modulernas utvärderingar kan inte kopplas till en person och finns därför "
        "inte i utdraget. Det enda som sparas om dig är om du har svarat på en moduls "
        "utvärdering, aldrig vad du svarade."
    )


def test_a_person_of_another_organisation_is_refused(org, other_org):
    with pytest.raises(ValueError):
        person_extract(organisation=org, person=PersonFactory(organisation=other_org))


def _count(org, person) -> int:
    with CaptureQueriesContext(connection) as ctx:
        person_extract(organisation=org, person=person)
    return len(ctx.captured_queries)


def _grow(org, pair, hr_user, n, start):
    """More of every kind: agreements, attendance, reviewer changes, e-mails, log rows."""
    for stage in ("between_1_2", "between_2_3")[:n]:
        agreements.agreement_save_draft(
            enrollment=pair.enrollment, stage=stage, texts={"develop": "Bra"}, user=pair.participant
        )
    for session in pair.sessions[start : start + n]:
        AttendanceFactory(enrollment=pair.enrollment, session=session)
    for i in range(n):
        reviewer = PersonFactory(organisation=org)
        agreements.enrollment_set_reviewer(
            enrollment=pair.enrollment, reviewer=reviewer, reason=f"Byte {i}", user=hr_user
        )
        access_log_record(
            organisation=org, actor=hr_user, action=PersonalDataAccess.Action.PERSON_VIEWED,
            subject=pair.person, what="person_detail",
        )  # fmt: skip
    send_login_links(people=[pair.person])
    OutboxTask.objects.filter(task_name="participants.send_login_link").update(
        created_at=timezone.now() - dt.timedelta(hours=1)
    )


def test_query_count_is_the_same_at_two_data_sizes(org, pair, hr_user):
    _agreed(pair)
    _grow(org, pair, hr_user, 1, 1)
    small = _count(org, pair.person)
    _grow(org, pair, hr_user, 2, 2)
    assert ReviewerChange.objects.count() == 3
    large = _count(org, pair.person)

    assert small == large
    assert small <= 40
