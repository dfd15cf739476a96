"""Completion follows attendance: when a place is *genomförd*. The one rule, in every form.

A place (an enrollment that holds one, ``programs.places``) is completed when
its holder was registered present at a session of every module of the
program: their own group's session or a make-up session (*uppsamling*) of
another group they were booked into (``programs.makeups``). Attendance is the
only input; nothing else (an import, the demo, a form) sets completion.

The forms, with a test that they agree (``programs/tests/test_completion.py``):

- ``is_complete(modules_present=..., module_count=...)``: the decision for one place;
- ``enrollment_is_complete(enrollment)``: the same for one stored enrollment (two queries);
- ``completed_enrollments(queryset, as_of=None)``: the queryset filter, computed
  from attendance in the database; with ``as_of``, only sessions that had
  started by that day count (a status report's figures as of its meeting);
- the stored status ``Enrollment.Status.COMPLETED``, which
  ``enrollments_completion_update`` brings in line with attendance each time
  attendance is saved. It is idempotent: saving unchanged attendance changes
  nothing. Pages, exports and live figures count the stored status.

Moved and withdrawn enrollments are left as they are.
"""

import datetime as dt

from django.db.models import Count, F, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from .models import Attendance, Enrollment, Module
from .places import PLACE_STATUSES, holds_place


def is_complete(*, modules_present: int, module_count: int) -> bool:
    """Present at a session of each of the program's modules (a program has at least one)."""
    return module_count > 0 and modules_present >= module_count


def status_after(*, status: str, complete: bool, has_attendance: bool) -> str:
    """The stored status that follows from attendance, for an enrollment holding a place.

    Completed when complete; a completed place that no longer is becomes active
    again; a planned place with any attendance is active. Others keep theirs.
    """
    if status not in PLACE_STATUSES:
        return status
    if complete:
        return Enrollment.Status.COMPLETED
    if status == Enrollment.Status.COMPLETED:
        return Enrollment.Status.ACTIVE
    if status == Enrollment.Status.PLANNED and has_attendance:
        return Enrollment.Status.ACTIVE
    return status


def _present(as_of: dt.datetime | None = None) -> QuerySet[Attendance]:
    """Present registrations at sessions of the enrollment's own program."""
    present = Attendance.objects.filter(
        status=Attendance.Status.PRESENT, session__module__program_id=OuterRef("program_id")
    )
    if as_of is not None:
        present = present.filter(session__starts_at__date__lte=timezone.localdate(as_of))
    return present


def modules_present(enrollment_ids, *, as_of: dt.datetime | None = None) -> dict[int, int]:
    """enrollment id → the number of its program's modules it was present at. One query."""
    return dict(
        Enrollment.objects.filter(pk__in=enrollment_ids)
        .annotate(n=_modules_present_subquery(as_of))
        .values_list("pk", "n")
    )


def _modules_present_subquery(as_of: dt.datetime | None):
    counted = (
        _present(as_of)
        .filter(enrollment_id=OuterRef("pk"))
        .order_by()
        .values("enrollment_id")
        .annotate(n=Count("session__module_id", distinct=True))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def _module_count_subquery():
    counted = (
        Module.objects.filter(program_id=OuterRef("program_id"))
        .order_by()
        .values("program_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def completed_enrollments(
    queryset: QuerySet[Enrollment], *, as_of: dt.datetime | None = None
) -> QuerySet[Enrollment]:
    """The places in ``queryset`` that are complete by attendance (as of a moment, if given)."""
    return (
        queryset.holding_place()
        .annotate(
            completion_modules_present=_modules_present_subquery(as_of),
            completion_module_count=_module_count_subquery(),
        )
        .filter(
            Q(completion_module_count__gt=0)
            & Q(completion_modules_present__gte=F("completion_module_count"))
        )
    )


def enrollment_is_complete(enrollment: Enrollment) -> bool:
    """The rule for one enrollment, from its stored attendance. Two queries."""
    if not holds_place(enrollment):
        return False
    module_count = Module.objects.filter(program_id=enrollment.program_id).count()
    present = modules_present([enrollment.pk]).get(enrollment.pk, 0)
    return is_complete(modules_present=present, module_count=module_count)


def enrollments_completion_update(*, enrollment_ids, program_id: int) -> int:
    """Bring the stored statuses in line with attendance. Returns how many became completed.

    Side effects: enrollment statuses updated (completed, or active again);
    nothing is written when they already agree.
    """
    enrollment_ids = list(enrollment_ids)
    if not enrollment_ids:
        return 0
    module_count = Module.objects.filter(program_id=program_id).count()
    present = modules_present(enrollment_ids)
    with_attendance = set(
        Attendance.objects.filter(enrollment_id__in=enrollment_ids).values_list(
            "enrollment_id", flat=True
        )
    )
    changes: dict[str, list[int]] = {}
    for pk, status in (
        Enrollment.objects.holding_place().filter(pk__in=enrollment_ids).values_list("pk", "status")
    ):
        after = status_after(
            status=status,
            complete=is_complete(modules_present=present.get(pk, 0), module_count=module_count),
            has_attendance=pk in with_attendance,
        )
        if after != status:
            changes.setdefault(after, []).append(pk)
    for status, pks in changes.items():
        Enrollment.objects.filter(pk__in=pks).update(status=status)
    return len(changes.get(Enrollment.Status.COMPLETED, []))
