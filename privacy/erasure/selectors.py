"""Reads for the erasure page: the person (scoped to the organisation) and what erasing means."""

from dataclasses import dataclass

from django.db.models import Q
from django.http import Http404

from participants.models import Organisation, Person
from programs.models import Agreement, Enrollment, ReviewerChange

from ..models import RegisterExtract
from .rules import is_erased, login_kept


def person_for_erasure(*, organisation: Organisation, pk: int) -> Person:
    """The organisation's person with their login; another organisation's is a 404."""
    person = (
        Person.objects.filter(organisation=organisation, pk=pk)
        .select_related("organisation", "user", "department")
        .first()
    )
    if person is None:
        raise Http404
    return person


@dataclass(frozen=True)
class ErasurePreview:
    """What erasing the person removes and what stays, as counts for the page."""

    erased: bool
    has_login: bool
    # The login holds roles elsewhere: it is only unlinked (``rules.login_kept``).
    login_kept: bool
    enrollments: int
    agreements: int
    agreement_history: int
    reviewer_changes: int
    direct_reports: int
    # PDFs of the person's register extract: they hold everything, so erasure removes them.
    register_extracts: int


def erasure_preview(*, person: Person) -> ErasurePreview:
    """The counts of ``ErasurePreview``, in a fixed number of queries."""
    enrollments = Enrollment.objects.filter(person=person)
    agreements = Agreement.objects.filter(enrollment__person=person)
    history = Agreement.history.filter(enrollment_id__in=enrollments.values("pk")).filter(
        ~Q(texts={}) | ~Q(return_comment="")
    )
    return ErasurePreview(
        erased=is_erased(person),
        has_login=person.user_id is not None,
        login_kept=person.user is not None
        and login_kept(login=person.user, organisation=person.organisation),
        enrollments=enrollments.count(),
        agreements=agreements.count(),
        agreement_history=history.count(),
        reviewer_changes=ReviewerChange.objects.filter(
            Q(enrollment__person=person) | Q(reviewer=person)
        )
        .exclude(reason="")
        .count(),
        direct_reports=Person.objects.filter(line_manager=person).count(),
        register_extracts=RegisterExtract.objects.filter(person=person).count(),
    )
