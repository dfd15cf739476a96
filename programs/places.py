"""Holds a place: which enrollments count as a person's place in a program. The one rule.

An enrollment that is planned, active or completed holds the person's place;
withdrawn and moved ones do not (a move leaves a new enrollment that does).
Three forms, one rule, with a test that they agree
(programs/tests/test_places.py):

- ``Enrollment.objects.holding_place()``: the QuerySet method;
- ``holding_place_q(prefix)``: the same filter through a relation, e.g.
  ``holding_place_q("enrollments__")`` on groups or people;
- ``holds_place(enrollment)``: the check on one object.

This module imports no model (``programs.models`` imports it), so the
statuses are spelled here; the test ties them to ``Enrollment.Status``.
"""

from django.db.models import Q, QuerySet

PLACE_STATUSES = ("planned", "active", "completed")
NOT_A_PLACE = ("withdrawn", "moved")


def holding_place_q(prefix: str = "") -> Q:
    return Q(**{f"{prefix}status__in": PLACE_STATUSES})


def holds_place(enrollment) -> bool:
    return enrollment.status in PLACE_STATUSES


class EnrollmentQuerySet(QuerySet):
    def holding_place(self) -> QuerySet:
        return self.filter(holding_place_q())
