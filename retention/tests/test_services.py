"""Retention rules and runs, kind by kind, with the clock passed in (``now``)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from core.models import OutboxTask
from participants.models import LoginLinkRequest, ManagerImport, PersonalDataAccess
from participants.tests.factories import PersonFactory, UserFactory
from programs.models import (
    Agreement,
    AgreementReminder,
    Attendance,
    InvitationRequest,
    MakeUpBooking,
    ReviewerChange,
    SessionReminder,
)
from programs.tests.factories import (
    AgreementFactory,
    AttendanceFactory,
    EnrollmentFactory,
    GroupFactory,
    ProgramFactory,
    RoundFactory,
    SessionFactory,
)
from retention.kinds import BY_KEY, KIND_KEYS, KINDS, PLATFORM_KEYS
from retention.models import RetentionLogEntry, RetentionRule
from retention.selectors import rules_for
from retention.services import due, retention_apply, retention_plan, retention_rule_save

pytestmark = pytest.mark.django_db

NOW = timezone.make_aware(dt.datetime(2026, 12, 7, 3, 15))


def _enable(organisation, kind, days=None):
    return retention_rule_save(
        organisation=organisation,
        kind=kind,
        period_days=BY_KEY[kind].default_days if days is None else days,
        decision_reference="KS 2026/12",
        decided_on=dt.date(2026, 3, 1),
        enabled=True,
        user=None,
    )


def _enable_platform(kind, days):
    return RetentionRule.objects.create(
        kind=kind, period_days=days, decision_reference="Drift 2026:1", enabled=True
    )


def _program(organisation, ends_on):
    program = ProgramFactory(organisation=organisation, ends_on=ends_on)
    group = GroupFactory(round=RoundFactory(program=program))
    return program, group


def _counts(plan) -> dict:
    return {p.kind.key: p.count for p in plan}


# --- The kinds ----------------------------------------------------------------------------


def test_every_kind_has_its_removal():
    assert set(due.PARTS) == set(KIND_KEYS)


def test_the_defaults_are_documented_and_off(org):
    rules = rules_for(org)
    assert [(r.kind.key, r.period_days, r.enabled, r.is_default) for r in rules] == [
        ("agreements", 730, False, True),
        ("attendance", 3650, False, True),
        ("outbox", 30, False, True),
        ("login_records", 90, False, True),
        ("import_files", 0, False, True),
        ("sessions", 0, False, True),
        ("access_log", 730, False, True),
        ("register_extracts", 30, False, True),
        ("accessibility_reports", 730, False, True),
    ]
    assert all(kind.why and kind.counted_from for kind in KINDS)
    assert PLATFORM_KEYS == ("outbox", "login_records", "sessions")


def test_outbox_rows_pointed_at_are_known_to_the_outbox_kind():
    """A new model pointing at the outbox must say whether its rows go with the e-mail."""
    pointing = {rel.name for rel in OutboxTask._meta.related_objects}
    assert pointing == set(due.OUTBOX_REMOVED_WITH) | set(due.OUTBOX_KEPT_FOR)


def test_a_register_extract_model_has_what_the_kind_filters_by():
    """Without privacy.RegisterExtract the kind is empty; with it, it must have an
    organisation and a date the kind knows (retention.services.due.REGISTER_EXTRACT_POINTS)."""
    from django.apps import apps

    try:
        model = apps.get_model(*due.REGISTER_EXTRACT)
    except LookupError:
        assert due.register_extract_model() is None
        assert due.register_extracts(organisation=None, now=NOW, period_days=0) == []
        return
    assert due.register_extract_model() is not None, f"{model} lacks organisation or a date"


# --- Rules: off by default, on only with a decision ---------------------------------------


def test_rules_off_by_default_remove_nothing(org):
    group = _program(org, dt.date(2015, 6, 30))[1]
    AgreementFactory(enrollment=EnrollmentFactory(group=group))
    PersonalDataAccess.objects.create(
        organisation=org, action="person_viewed", at=NOW.replace(year=2000)
    )

    assert retention_plan(organisation=org, now=NOW + dt.timedelta(days=3650)) == []
    assert retention_apply(organisation=org, now=NOW + dt.timedelta(days=3650)) == []
    assert Agreement.objects.count() == 1
    assert PersonalDataAccess.objects.count() == 1
    assert RetentionLogEntry.objects.count() == 0


def test_enabling_without_a_decision_is_refused_and_nothing_saved(org):
    with pytest.raises(ValidationError) as caught:
        retention_rule_save(
            organisation=org,
            kind="agreements",
            period_days=365,
            decision_reference="  ",
            decided_on=None,
            enabled=True,
            user=None,
        )
    assert caught.value.message_dict == {
        "decision_reference": [
            "Ange gallringsbeslutets beteckning innan regeln tillämpas. Uppgifter får bara "
            "gallras med stöd av ett beslut."
        ]
    }
    assert RetentionRule.objects.count() == 0


def test_a_rule_without_a_decision_may_be_saved_switched_off(org, hr_user):
    rule = retention_rule_save(
        organisation=org,
        kind="access_log",
        period_days=400,
        decision_reference="",
        decided_on=None,
        enabled=False,
        user=hr_user,
    )
    assert (rule.period_days, rule.enabled, rule.changed_by) == (400, False, hr_user)


def test_the_database_refuses_an_enabled_rule_without_a_decision(org):
    with pytest.raises(IntegrityError), transaction.atomic():
        RetentionRule.objects.create(
            organisation=org, kind="agreements", period_days=1, enabled=True
        )


def test_a_platform_kind_has_no_rule_of_an_organisation(org):
    with pytest.raises(ValidationError):
        _enable(org, "outbox")
    with pytest.raises(IntegrityError), transaction.atomic():
        RetentionRule.objects.create(organisation=org, kind="sessions", period_days=0)


def test_the_decision_date_cannot_be_in_the_future(org):
    with pytest.raises(ValidationError) as caught:
        retention_rule_save(
            organisation=org,
            kind="agreements",
            period_days=365,
            decision_reference="KS 1",
            decided_on=timezone.localdate() + dt.timedelta(days=1),
            enabled=True,
            user=None,
        )
    assert list(caught.value.message_dict) == ["decided_on"]


# --- What is due, kind by kind -------------------------------------------------------------


def test_agreements_go_two_years_after_the_program_ended_with_history_and_reminders(org):
    _ended, group = _program(org, dt.date(2024, 12, 6))
    _running, running_group = _program(org, dt.date(2024, 12, 7))
    enrollment = EnrollmentFactory(group=group)
    agreement = AgreementFactory(enrollment=enrollment)
    agreement.status = Agreement.Status.SUBMITTED
    agreement.save()
    ReviewerChange.objects.create(enrollment=enrollment, reviewer=PersonFactory(organisation=org))
    AgreementReminder.objects.create(
        enrollment=enrollment, stage="before_1", session=SessionFactory(group=group)
    )
    kept = AgreementFactory(enrollment=EnrollmentFactory(group=running_group))
    _enable(org, "agreements")

    [planned] = retention_plan(organisation=org, now=NOW)
    assert (planned.count, planned.oldest) == (5, dt.date(2024, 12, 6))  # 1 + 2 history + 1 + 1
    [entry] = retention_apply(organisation=org, now=NOW)

    assert (entry.removed, entry.oldest, entry.decision_reference) == (
        5,
        dt.date(2024, 12, 6),
        "KS 2026/12",
    )
    assert list(Agreement.objects.values_list("pk", flat=True)) == [kept.pk]
    assert list(Agreement.history.model.objects.values_list("id", flat=True)) == [kept.pk]
    assert not ReviewerChange.objects.exists()
    assert not AgreementReminder.objects.exists()


def test_attendance_goes_with_make_ups_and_reminders_of_ended_programs(org):
    today = timezone.localdate(NOW)
    _ended, group = _program(org, today - dt.timedelta(days=3651))
    attendance = AttendanceFactory(
        session=SessionFactory(group=group), enrollment=EnrollmentFactory(group=group)
    )
    MakeUpBooking.objects.create(enrollment=attendance.enrollment, session=attendance.session)
    SessionReminder.objects.create(enrollment=attendance.enrollment, session=attendance.session)
    _running, running_group = _program(org, today - dt.timedelta(days=3650))
    kept = AttendanceFactory(
        session=SessionFactory(group=running_group),
        enrollment=EnrollmentFactory(group=running_group),
    )
    _enable(org, "attendance")

    assert _counts(retention_plan(organisation=org, now=NOW)) == {"attendance": 3}
    assert [e.removed for e in retention_apply(organisation=org, now=NOW)] == [3]
    assert list(Attendance.objects.values_list("pk", flat=True)) == [kept.pk]
    assert not MakeUpBooking.objects.exists() and not SessionReminder.objects.exists()


def test_the_access_log_goes_after_its_period(org):
    old = PersonalDataAccess.objects.create(
        organisation=org, action="extract", at=NOW - dt.timedelta(days=731)
    )
    young = PersonalDataAccess.objects.create(
        organisation=org, action="extract", at=NOW - dt.timedelta(days=729)
    )
    _enable(org, "access_log")

    [planned] = retention_plan(organisation=org, now=NOW)
    assert (planned.count, planned.oldest) == (1, timezone.localdate(old.at))
    retention_apply(organisation=org, now=NOW)
    assert list(PersonalDataAccess.objects.values_list("pk", flat=True)) == [young.pk]


def test_imports_go_at_confirmation_refusal_or_a_day_after_an_abandoned_preview(org, settings):
    from django.core.files.base import ContentFile
    from django.core.files.storage import storages

    ManagerImport.objects.create(
        organisation=org,
        filename="a.xlsx",
        status="applied",
        applied_at=NOW - dt.timedelta(minutes=1),
    )
    refused = ManagerImport.objects.create(organisation=org, filename="b.xlsx", status="refused")
    ManagerImport.objects.filter(pk=refused.pk).update(created_at=NOW - dt.timedelta(minutes=1))
    stored = storages["private"].save("imports/c.upload", ContentFile(b"data"))
    abandoned = ManagerImport.objects.create(
        organisation=org, filename="c.xlsx", stored_name=stored
    )
    ManagerImport.objects.filter(pk=abandoned.pk).update(created_at=NOW - dt.timedelta(hours=25))
    fresh = ManagerImport.objects.create(organisation=org, filename="d.xlsx", stored_name="x")
    ManagerImport.objects.filter(pk=fresh.pk).update(created_at=NOW - dt.timedelta(hours=23))
    _enable(org, "import_files")

    with transaction.atomic():  # the stored file goes after commit
        [entry] = retention_apply(organisation=org, now=NOW)
    assert entry.removed == 3
    assert list(ManagerImport.objects.values_list("filename", flat=True)) == ["d.xlsx"]


def test_another_organisations_records_are_not_due(org, other_org):
    _ended, group = _program(other_org, dt.date(2015, 1, 1))
    AgreementFactory(enrollment=EnrollmentFactory(group=group))
    PersonalDataAccess.objects.create(
        organisation=other_org, action="extract", at=NOW.replace(year=2000)
    )
    for kind in ("agreements", "access_log", "attendance", "import_files"):
        _enable(org, kind)

    assert set(_counts(retention_plan(organisation=org, now=NOW)).values()) == {0}
    retention_apply(organisation=org, now=NOW)
    assert Agreement.objects.count() == 1 and PersonalDataAccess.objects.count() == 1


# --- The platform's kinds -----------------------------------------------------------------


def test_the_outbox_keeps_invitation_runs_and_takes_login_link_requests(org):
    def task(state, finished_days_ago):
        row = OutboxTask.objects.create(task_name="x.y", state=state)
        OutboxTask.objects.filter(pk=row.pk).update(
            created_at=NOW - dt.timedelta(days=40),
            finished_at=NOW - dt.timedelta(days=finished_days_ago) if finished_days_ago else None,
        )
        return row

    task("done", 31), task("failed", None)
    young, pending = task("done", 29), task("pending", None)
    invitation = task("done", 31)
    InvitationRequest.objects.create(
        group=GroupFactory(round__program__organisation=org), outbox=invitation
    )
    link = task("done", 31)
    LoginLinkRequest.objects.create(user=UserFactory(), outbox=link)
    _enable_platform("outbox", 30)

    [entry] = retention_apply(organisation=None, now=NOW)
    assert (entry.organisation, entry.removed) == (None, 4)  # done, failed, link + its request
    assert set(OutboxTask.objects.values_list("pk", flat=True)) == {
        young.pk,
        pending.pk,
        invitation.pk,
    }
    assert not LoginLinkRequest.objects.exists()


def test_expired_sessions_go(org):
    from django.contrib.sessions.models import Session

    Session.objects.create(
        session_key="a" * 32, session_data="", expire_date=NOW - dt.timedelta(seconds=1)
    )
    Session.objects.create(
        session_key="b" * 32, session_data="", expire_date=NOW + dt.timedelta(minutes=30)
    )
    _enable_platform("sessions", 0)

    assert _counts(retention_plan(organisation=None, now=NOW)) == {"sessions": 1}
    retention_apply(organisation=None, now=NOW)
    assert list(Session.objects.values_list("session_key", flat=True)) == ["b" * 32]


def test_login_records_go_after_ninety_days(org):
    from axes.models import AccessAttempt, AccessLog

    for n, days in enumerate((91, 89)):
        common = {
            "user_agent": "x",
            "ip_address": f"192.0.2.{n}",
            "path_info": "/",
            "username": "a@b.se",
        }
        AccessLog.objects.create(**common)
        AccessAttempt.objects.create(get_data="", post_data="", failures_since_start=1, **common)
        AccessLog.objects.filter(ip_address=f"192.0.2.{n}").update(
            attempt_time=NOW - dt.timedelta(days=days)
        )
        AccessAttempt.objects.filter(ip_address=f"192.0.2.{n}").update(
            attempt_time=NOW - dt.timedelta(days=days)
        )
    _enable_platform("login_records", 90)

    assert [e.removed for e in retention_apply(organisation=None, now=NOW)] == [2]
    assert list(AccessLog.objects.values_list("ip_address", flat=True)) == ["192.0.2.1"]
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == ["192.0.2.1"]


def test_an_organisations_run_leaves_the_platforms_kinds_alone(org):
    _enable_platform("sessions", 0)
    _enable(org, "access_log")
    assert [p.kind.key for p in retention_plan(organisation=org, now=NOW)] == ["access_log"]
    assert [p.kind.key for p in retention_plan(organisation=None, now=NOW)] == ["sessions"]
