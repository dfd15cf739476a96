"""Writing check-ins and status reports, and rendering a report's PDF: numbering, the frozen
snapshot, idempotent rendering, retries on transient errors, failure, and the e-mail."""

import datetime as dt
import threading

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.db import connection
from django.utils import timezone

from participants.models import Role
from participants.tests.factories import ConsultantFactory
from programs.models import Attendance
from programs.tests.factories import (
    AttendanceFactory,
    EnrollmentFactory,
    ModuleFactory,
    ProgramFactory,
)
from reports import services, tasks
from reports.models import StatusReport
from reports.tests.factories import StatusReportFactory

pytestmark = pytest.mark.django_db


def _create(program, user=None, **kwargs):
    return services.status_report_create(
        program=program,
        created_by=user,
        period_start=dt.date(2015, 3, 1),
        period_end=dt.date(2015, 4, 30),
        summary="Programmet har startat.",
        **kwargs,
    )


def _files(storage_root):
    return sorted(p.name for p in storage_root.rglob("*.pdf"))


@pytest.fixture
def storage_root(settings):
    from pathlib import Path

    return Path(settings.STORAGES["private"]["OPTIONS"]["location"])


# --- Check-ins ----------------------------------------------------------------------------


def test_check_in_is_logged_with_the_project_leader(small_program, hr_user):
    check_in = services.check_in_create(
        program=small_program.program,
        project_leader=hr_user,
        held_on=dt.date(2015, 3, 16),
        module=small_program.modules[0],
        consultant=small_program.consultants[0],
        observations="Bra start.",
        corrections="Mer tid för fallarbete.",
        follow_up="",
    )

    check_in.refresh_from_db()
    assert (check_in.program, check_in.project_leader, check_in.corrections) == (
        small_program.program,
        hr_user,
        "Mer tid för fallarbete.",
    )


def test_check_in_refuses_a_module_of_another_program(small_program, hr_user):
    other_module = ModuleFactory(
        program=ProgramFactory(organisation=small_program.program.organisation)
    )

    with pytest.raises(ValidationError) as error:
        services.check_in_create(
            program=small_program.program,
            project_leader=hr_user,
            held_on=dt.date(2015, 3, 16),
            module=other_module,
            consultant=None,
            observations="Bra start.",
            corrections="",
        )

    assert error.value.message_dict == {"module": ["Välj en modul i det här programmet."]}


def test_check_in_refuses_a_consultant_of_another_organisation(small_program, hr_user, other_org):
    with pytest.raises(ValidationError) as error:
        services.check_in_create(
            program=small_program.program,
            project_leader=hr_user,
            held_on=dt.date(2015, 3, 16),
            module=small_program.modules[0],
            consultant=ConsultantFactory(organisations=[other_org]),
            observations="Bra start.",
            corrections="",
        )

    assert error.value.message_dict == {"consultant": ["Välj en konsult som arbetar för er."]}


# --- Numbering and the snapshot ---------------------------------------------------------------


def test_reports_are_numbered_per_program(small_program, hr_user):
    other = ProgramFactory(organisation=small_program.program.organisation, name="Nästa program")

    numbers = [
        _create(small_program.program, hr_user, generate=False).number,
        _create(small_program.program, hr_user, generate=False).number,
        _create(other, hr_user, generate=False).number,
        _create(small_program.program, hr_user, generate=False).number,
    ]

    assert numbers == [1, 2, 1, 3]


@pytest.mark.django_db(transaction=True)
def test_two_reports_saved_at_once_get_consecutive_numbers(small_program, hr_user):
    """The program row is locked while the number is taken (PostgreSQL, two threads)."""
    if connection.vendor != "postgresql":
        pytest.fail("This test needs PostgreSQL: run it with `make test`.")
    barrier = threading.Barrier(2)
    numbers, errors = [], []

    def write():
        try:
            barrier.wait()
            numbers.append(_create(small_program.program, generate=False).number)
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=write) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert sorted(numbers) == [1, 2]


def test_snapshot_does_not_change_when_the_data_does(small_program, check_ins, hr_user):
    report = _create(small_program.program, hr_user, generate=False)
    frozen = report.snapshot

    group = small_program.groups[2]
    session = group.sessions.get()
    for _ in range(3):
        AttendanceFactory(
            session=session,
            enrollment=EnrollmentFactory(group=group),
            status=Attendance.Status.ABSENT,
        )
    _create(small_program.program, hr_user, generate=False)

    report.refresh_from_db()
    assert report.snapshot == frozen
    assert (report.snapshot["participants"]["enrolled"], report.snapshot["status_reports"]) == (
        9,
        1,
    )


def test_snapshot_freezes_the_names_and_the_corrections(small_program, check_ins, hr_user):
    report = _create(
        small_program.program,
        hr_user,
        generate=False,
        focus_round=small_program.rounds[0],
        focus_module=small_program.modules[1],
    )

    assert {
        key: report.snapshot[key]
        for key in ("organisation_name", "program_name", "focus_round", "focus_module")
    } == {
        "organisation_name": "Örebro kommun",
        "program_name": "Sveriges viktigaste chefsjobb",
        "focus_round": 1,
        "focus_module": "2. Klar ledare",
    }
    assert [c["held_on"] for c in report.snapshot["corrections"]] == ["2015-04-20", "2015-03-16"]


def test_report_refuses_a_period_that_ends_before_it_starts(small_program, hr_user):
    with pytest.raises(ValidationError) as error:
        services.status_report_create(
            program=small_program.program,
            created_by=hr_user,
            period_start=dt.date(2015, 4, 30),
            period_end=dt.date(2015, 3, 1),
            summary="Fel ordning.",
            generate=False,
        )

    assert error.value.messages == ["Perioden måste sluta samma dag som den börjar eller senare."]
    assert StatusReport.objects.count() == 0


# --- Rendering ------------------------------------------------------------------------------


def test_saving_a_report_queues_it_and_the_task_stores_the_pdf(
    small_program, hr_user, storage_root, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        report = _create(small_program.program, hr_user)

    report.refresh_from_db()
    assert (report.status, report.attempts) == (StatusReport.Status.READY, 1)
    assert report.file_name == (
        f"status-reports/orebro/program-{small_program.program.pk}/statusrapport-1-{report.pk}.pdf"
    )
    assert (storage_root / report.file_name).read_bytes()[:5] == b"%PDF-"


def test_rendering_again_rewrites_the_same_file(small_program, hr_user, storage_root):
    report = _create(small_program.program, hr_user, generate=False)

    services.status_report_render(report_id=report.pk)
    services.status_report_render(report_id=report.pk)

    report.refresh_from_db()
    assert (report.status, report.attempts) == (StatusReport.Status.READY, 2)
    assert _files(storage_root) == [f"statusrapport-1-{report.pk}.pdf"]


def test_a_rendering_that_outlived_its_time_limit_is_queued_again_and_rendered_once(
    small_program, hr_user, storage_root, django_capture_on_commit_callbacks
):
    """A whole worker died mid-render: the beat job queues the report again after 4 minutes
    (hard time limit 180 s + 60 s), not an hour later when Redis would hand the message back."""
    from core.models import OutboxTask

    stalled = _create(small_program.program, hr_user, generate=False)
    busy = _create(small_program.program, hr_user, generate=False)
    now = timezone.now()
    StatusReport.objects.filter(pk=stalled.pk).update(
        status=StatusReport.Status.RENDERING,
        attempts=1,
        rendering_started_at=now - dt.timedelta(seconds=241),
    )
    StatusReport.objects.filter(pk=busy.pk).update(
        status=StatusReport.Status.RENDERING,
        attempts=1,
        rendering_started_at=now - dt.timedelta(seconds=239),
    )

    with django_capture_on_commit_callbacks(execute=True):
        queued = services.status_reports_recover_stalled(now=now)
    again = services.status_reports_recover_stalled(now=now)

    stalled.refresh_from_db()
    busy.refresh_from_db()
    assert (queued, again) == (1, 0)
    assert (stalled.status, stalled.attempts) == (StatusReport.Status.READY, 2)
    assert (busy.status, busy.attempts) == (StatusReport.Status.RENDERING, 1)
    assert _files(storage_root) == [f"statusrapport-{stalled.number}-{stalled.pk}.pdf"]
    assert list(
        OutboxTask.objects.filter(task_name=services.RENDER_TASK).values_list("kwargs", flat=True)
    ) == [{"report_id": stalled.pk}]


def test_the_beat_schedule_looks_for_stalled_renderings_every_minute(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["reports-recover-stalled"]

    assert entry == {"task": "reports.recover_stalled_reports", "schedule": 60.0}
    assert tasks.recover_stalled_reports.name == entry["task"]


def test_rendering_a_deleted_report_does_nothing(small_program, hr_user):
    report = _create(small_program.program, hr_user, generate=False)
    report_id = report.pk
    report.delete()

    assert services.status_report_render(report_id=report_id) is None


def test_a_transient_error_in_process_fails_at_once_with_nobody_to_retry(
    small_program, hr_user, monkeypatch
):
    """Without a broker (`make run`) nothing would retry later: "failed" and "try again" now.

    Retries with a real worker: ``test_worker.py``.
    """
    report = _create(small_program.program, hr_user, generate=False)

    def broken_save(self, name, content):
        raise OSError("disk full")

    monkeypatch.setattr(FileSystemStorage, "_save", broken_save)

    result = tasks.render_status_report.apply(kwargs={"report_id": report.pk})

    report.refresh_from_db()
    assert result.get() == {"report_id": report.pk, "status": "failed"}
    assert (report.status, report.attempts, report.error_message) == (
        StatusReport.Status.FAILED,
        1,
        "OSError: disk full",
    )


def test_an_unexpected_rendering_error_fails_at_once(small_program, hr_user, monkeypatch):
    import weasyprint

    report = _create(small_program.program, hr_user, generate=False)

    def broken(self, *args, **kwargs):
        raise ValueError("layout exploded")

    monkeypatch.setattr(weasyprint.HTML, "write_pdf", broken)

    tasks.render_status_report.apply(kwargs={"report_id": report.pk})

    report.refresh_from_db()
    assert (report.status, report.attempts, report.error_message) == (
        StatusReport.Status.FAILED,
        1,
        "ValueError: layout exploded",
    )


def test_generating_again_after_a_failure_queues_once(
    small_program, hr_user, django_capture_on_commit_callbacks
):
    report = StatusReportFactory(program=small_program.program, status=StatusReport.Status.FAILED)

    with django_capture_on_commit_callbacks() as callbacks:
        services.status_report_generate(report=report)
        services.status_report_generate(report=report)

    report.refresh_from_db()
    assert (report.status, len(callbacks)) == (StatusReport.Status.QUEUED, 1)


# --- The e-mail -------------------------------------------------------------------------------


def test_steering_group_gets_a_link_not_the_file_when_the_report_is_ready(
    small_program,
    hr_user,
    steering_user,
    make_member,
    org,
    outsider,
    django_capture_on_commit_callbacks,
):
    second = make_member(Role.STEERING, org, email="ordforande@orebro.test", full_name="Eva Ek")
    with django_capture_on_commit_callbacks(execute=True):
        report = _create(small_program.program, hr_user)

    assert sorted(m.to[0] for m in mail.outbox) == [second.email, steering_user.email]
    message = next(m for m in mail.outbox if m.to == [second.email])
    url = f"http://127.0.0.1:8000/o/orebro/statusrapporter/{report.pk}/"
    assert message.subject == "Statusrapport nr 1 är klar: Sveriges viktigaste chefsjobb"
    assert message.body == (
        "Hej Eva Ek!\n\n"
        "Statusrapport nr 1 för Sveriges viktigaste chefsjobb (Örebro kommun) är klar för "
        "styrgruppen. Läs den och ladda ner PDF:en här, när du har loggat in:\n\n"
        f"{url}\n"
    )
    assert message.attachments == []
    assert f'href="{url}"' in message.alternatives[0][0]


def test_rendering_again_sends_no_second_e_mail(
    small_program, hr_user, steering_user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        report = _create(small_program.program, hr_user)
        services.status_report_render(report_id=report.pk)

    assert [m.to for m in mail.outbox] == [[steering_user.email]]
