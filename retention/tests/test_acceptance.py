"""Issue 16's acceptance: with the clock five years on, a run removes exactly what the dry run
listed, logs the counts, and leaves another organisation's records and the program's kept
figures alone.

The demo is seeded once for the module. Records the demo does not hold (the access log,
imports, login records, sessions, e-mails) are added for both organisations: some due five
years on, some not.
"""

import datetime as dt
from collections import defaultdict
from unittest import mock

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.sessions.backends.db import SessionStore
from django.core.management import call_command
from django.utils import timezone

from core.models import OutboxTask
from demo.seed import seed_demo
from participants.models import ManagerImport, Organisation, PersonalDataAccess
from programs.models import Agreement, Attendance, Enrollment, ReviewerChange
from reports.models import StatusReport
from retention.kinds import KINDS
from retention.models import RetentionLogEntry, RetentionRule
from retention.services import retention_apply, retention_plan, retention_rule_save

DECISION = "KS 2026/0815"
FIVE_YEARS = dt.timedelta(days=5 * 365)


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        seed_demo()
    yield
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)


def _records_of(organisation, *, later):
    """What the demo lacks: per kind one record due five years on, one not (where a kind has
    a record that can be younger than its period then)."""
    person = organisation.people.order_by("pk").first()
    PersonalDataAccess.objects.create(
        organisation=organisation, action=PersonalDataAccess.Action.PERSON_VIEWED, subject=person
    )
    PersonalDataAccess.objects.create(
        organisation=organisation,
        action=PersonalDataAccess.Action.LIST_EXPORT,
        what="person_export",
        at=later - dt.timedelta(days=1),
    )
    ManagerImport.objects.create(
        organisation=organisation,
        filename="chefer.xlsx",
        status=ManagerImport.Status.APPLIED,
        applied_at=timezone.now(),
        summary={"created": [[2, "1001", "Anna Andersson"]]},
    )
    # A preview uploaded an hour before the run is not yet abandoned.
    with mock.patch("django.utils.timezone.now", return_value=later - dt.timedelta(hours=1)):
        ManagerImport.objects.create(organisation=organisation, filename="ny.xlsx")
    enrollment = Enrollment.objects.filter(program__organisation=organisation).first()
    ReviewerChange.objects.create(enrollment=enrollment, reason="Chefen är föräldraledig.")
    agreement = Agreement.objects.filter(enrollment__program__organisation=organisation).first()
    if agreement is not None:  # the region's demo program has none
        agreement.return_comment = "Utveckla målen."
        agreement.save()  # a historical row
    # A register extract produced now (due), one produced the day before the run (not due).
    from privacy.models import RegisterExtract
    from statements.models import AccessibilityReport

    RegisterExtract.objects.create(organisation=organisation, person=person)
    RegisterExtract.objects.create(
        organisation=organisation, person=person, created_at=later - dt.timedelta(days=1)
    )
    # A report of an accessibility problem received now (due) and one the day before (not).
    AccessibilityReport.objects.create(organisation=organisation, description="Fokus syns inte.")
    AccessibilityReport.objects.create(
        organisation=organisation,
        description="Knappen saknar namn.",
        created_at=later - dt.timedelta(days=1),
    )


def _platform_records(*, later):
    for n, when in enumerate((timezone.now(), later - dt.timedelta(days=1))):
        with mock.patch("django.utils.timezone.now", return_value=when):
            OutboxTask.objects.create(
                task_name="participants.send_login_link",
                state=OutboxTask.State.DONE,
                finished_at=when,
            )
            common = {"user_agent": "Firefox", "ip_address": f"192.0.2.{n + 1}", "path_info": "/"}
            AccessLog.objects.create(username="hr@orebro.example", **common)
            AccessFailureLog.objects.create(username="okand@example.org", **common)
            AccessAttempt.objects.create(
                username="okand@example.org",
                get_data="",
                post_data="",
                failures_since_start=1,
                **common,
            )
    store = SessionStore()
    store["language"] = "sv"
    store.create()


def _enable_everything(organisation):
    for kind in KINDS:
        if kind.is_platform:
            RetentionRule.objects.create(
                kind=kind.key,
                period_days=kind.default_days,
                decision_reference="Driftens beslut 2026-01",
                enabled=True,
            )
        else:
            retention_rule_save(
                organisation=organisation,
                kind=kind.key,
                period_days=kind.default_days,
                decision_reference=DECISION,
                decided_on=dt.date(2026, 3, 15),
                enabled=True,
                user=None,
            )


def _all_ids(models) -> dict:
    return {model: set(model.objects.values_list("pk", flat=True)) for model in models}


def test_a_run_five_years_on_removes_exactly_what_the_dry_run_listed(seeded, db):
    orebro = Organisation.objects.get(slug="orebro")
    region = Organisation.objects.get(slug="region-exempel")
    later = timezone.now() + FIVE_YEARS
    for organisation in (orebro, region):
        _records_of(organisation, later=later)
    _platform_records(later=later)
    _enable_everything(orebro)

    with mock.patch("django.utils.timezone.now", return_value=later):
        plans = retention_plan(organisation=orebro, now=later) + retention_plan(
            organisation=None, now=later
        )
        listed = defaultdict(set)  # model → ids the dry run listed
        for planned in plans:
            for part in planned.parts:
                listed[part.queryset.model] |= set(part.queryset.values_list("pk", flat=True))
        before = _all_ids(listed)
        statuses = list(Enrollment.objects.order_by("pk").values_list("pk", "status"))
        snapshots = list(StatusReport.objects.order_by("pk").values_list("pk", "snapshot"))
        region_rows = (
            Attendance.objects.filter(enrollment__program__organisation=region).count(),
            Agreement.objects.filter(enrollment__program__organisation=region).count(),
            PersonalDataAccess.objects.filter(organisation=region).count(),
            ManagerImport.objects.filter(organisation=region).count(),
        )

        entries = retention_apply(organisation=orebro, now=later) + retention_apply(
            organisation=None, now=later
        )

    # Every rule is on, and each planned something (the demo's programs ended long before).
    assert [p.kind.key for p in plans] == [k.key for k in KINDS if not k.is_platform] + [
        k.key for k in KINDS if k.is_platform
    ]
    counts = {p.kind.key: p.count for p in plans}
    assert all(counts[key] > 0 for key in counts), counts
    # The ids listed are gone, and nothing else of those models is.
    after = _all_ids(listed)
    for model, ids in listed.items():
        assert after[model] == before[model] - ids, model
    # One log entry per kind, with the dry run's count, the decision and the oldest point.
    assert {e.kind: e.removed for e in entries} == counts
    assert {e.kind: e.oldest for e in entries if e.removed} == {
        p.kind.key: p.oldest for p in plans if p.count
    }
    stored = RetentionLogEntry.objects.filter(organisation=orebro)
    assert {e.kind: (e.removed, e.decision_reference) for e in stored} == {
        k.key: (counts[k.key], DECISION) for k in KINDS if not k.is_platform
    }
    assert RetentionLogEntry.objects.filter(organisation=None).count() == 3
    # The ten-year attendance rule took the programs of 2015–2017, not the live one.
    assert set(
        Attendance.objects.filter(enrollment__program__organisation=orebro).values_list(
            "enrollment__program__name", flat=True
        )
    ) == set(
        orebro.programs.filter(ends_on__gte=dt.date(2021, 12, 1)).values_list("name", flat=True)
    )
    # Not due five years on: the recent access and the preview an hour old.
    assert PersonalDataAccess.objects.filter(organisation=orebro).count() == 1
    assert list(
        ManagerImport.objects.filter(organisation=orebro).values_list("filename", flat=True)
    ) == ["ny.xlsx"]
    # No history row of a removed agreement is left, not even one saying it was deleted.
    history = Agreement.history.model.objects
    assert not history.filter(enrollment__program__organisation=orebro, history_type="-").exists()
    # Another organisation lost nothing; the kept figures are unchanged.
    assert (
        Attendance.objects.filter(enrollment__program__organisation=region).count(),
        Agreement.objects.filter(enrollment__program__organisation=region).count(),
        PersonalDataAccess.objects.filter(organisation=region).count(),
        ManagerImport.objects.filter(organisation=region).count(),
    ) == region_rows
    assert list(Enrollment.objects.order_by("pk").values_list("pk", "status")) == statuses
    assert list(StatusReport.objects.order_by("pk").values_list("pk", "snapshot")) == snapshots

    # A second run the same night finds nothing more.
    with mock.patch("django.utils.timezone.now", return_value=later):
        again = retention_plan(organisation=orebro, now=later)
    assert {p.kind.key: p.count for p in again} == dict.fromkeys(
        counts.keys() - {k.key for k in KINDS if k.is_platform}, 0
    )
