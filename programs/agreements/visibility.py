"""Who may see an agreement: its participant and its reviewer, nobody else.

The reviewer is the manager HR named for the enrollment, else the participant's line
manager; nobody when that person is no longer active. Both parties must have an active
manager record with a login.

Each rule in both its forms, kept side by side so they cannot drift apart (a test
checks they agree on the whole demo): an object check on one enrollment or agreement,
and a ``Q`` filter for a queryset, relative to the enrollment by ``prefix``
(``"enrollment__"`` from ``Agreement``, ``""`` from ``Enrollment``). HR and process
leaders see states and dates (``agreements.reports``), never an agreement itself.
"""

from django.db.models import Q

from participants.models import Person, User

from ..models import Agreement, Enrollment


def reviewer_of(enrollment: Enrollment) -> Person | None:
    """Who agrees the enrollment's agreements now: the named reviewer, else the line manager.

    None when there is nobody active to do it (HR must name a reviewer).
    """
    person = enrollment.reviewer if enrollment.reviewer_id else enrollment.person.line_manager
    if person is None or not person.active:
        return None
    return person


# --- The object checks ---------------------------------------------------------------------


def is_participant(*, user: User, enrollment: Enrollment) -> bool:
    """The user is the enrollment's participant (an active manager record)."""
    person = enrollment.person
    return user.pk is not None and person.active and person.user_id == user.pk


def is_reviewer(*, user: User, enrollment: Enrollment) -> bool:
    """The user reviews the enrollment's agreements (see ``reviewer_of``)."""
    reviewer = reviewer_of(enrollment)
    return user.pk is not None and reviewer is not None and reviewer.user_id == user.pk


def may_see(*, user: User, agreement: Agreement) -> bool:
    """The user may read, and as a party act on, the agreement."""
    enrollment = agreement.enrollment
    return is_participant(user=user, enrollment=enrollment) or is_reviewer(
        user=user, enrollment=enrollment
    )


# --- The same rules as queryset filters ----------------------------------------------------


def participant_q(*, user: User, prefix: str = "enrollment__") -> Q:
    return Q(**{f"{prefix}person__user": user, f"{prefix}person__active": True})


def reviewer_q(*, user: User, prefix: str = "enrollment__") -> Q:
    named = Q(**{f"{prefix}reviewer__user": user, f"{prefix}reviewer__active": True})
    line_manager = Q(
        **{
            f"{prefix}reviewer__isnull": True,
            f"{prefix}person__line_manager__user": user,
            f"{prefix}person__line_manager__active": True,
        }
    )
    return named | line_manager


def visible_q(*, user: User, prefix: str = "enrollment__") -> Q:
    """``may_see`` as a filter: ``Agreement.objects.filter(visible_q(user=user))``."""
    return participant_q(user=user, prefix=prefix) | reviewer_q(user=user, prefix=prefix)
