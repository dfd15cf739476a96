"""When a person may be erased (GDPR art. 17), and what an erased record looks like. The rule.

HR erases a person once no legal ground to keep their data remains. Refused,
with the reason (``erasure_refusals``), while the program still needs them:

- **An open agreement**: an agreement not yet agreed (draft, waiting for the
  line manager, sent back) on a place the person still holds (planned, active
  or completed, ``programs.places``). The participant and their manager are
  still working on it. A withdrawn or moved place ends its agreements, whatever
  their state.
- **A future session**: a session not yet held (it has not ended) of a group in
  which the person holds a place (the next one of each group is named), or a
  make-up booking into one.
- **Someone else's agreement to review**: the person reviews a place (as the
  reviewer HR named for it, or as the participant's line manager where HR named
  none) that has an open agreement, or a session still to come and so an
  agreement before it. HR can name another reviewer first (the agreement
  page). Once nothing is left to review, their direct reports simply lose the
  link to them (``services.person_erase``).
- **Their own data**: an HR coordinator does not erase their own record.

An erased record (``is_erased``) carries the placeholder address of
``erased_email`` (the reserved top-level domain ``.invalid``, RFC 2606, which
no real address has); erasing it again changes nothing.

Whose login goes with the record (``login_kept``): a login belongs to its
holder (``participants.accounts``). It is pseudonymised and deactivated only
when it holds nothing but this record: no role or manager record in another
organisation, no consultant record, no staff rights. Otherwise it is only
unlinked from the record, and this organisation's roles end.
"""

from django.db.models import Exists, OuterRef, Q
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from participants.accounts import login_organisation_ids
from participants.models import Consultant, Organisation, Person, User
from programs.models import Agreement, Enrollment, MakeUpBooking, Session
from programs.places import PLACE_STATUSES

ERASED_FIRST_NAME = "Borttagen"
ERASED_LAST_NAME = "person {short}"
ERASED_DOMAIN = "borttagen.invalid"
ERASED_PREFIX = "borttagen-"
OPEN_STATUSES = (Agreement.Status.DRAFT, Agreement.Status.SUBMITTED, Agreement.Status.RETURNED)


def erased_email(token: str) -> str:
    return f"{ERASED_PREFIX}{token}@{ERASED_DOMAIN}"


def erased_name(token: str) -> tuple[str, str]:
    """(first name, last name) of the pseudonym: "Borttagen" "person 3f9a1c"."""
    return ERASED_FIRST_NAME, ERASED_LAST_NAME.format(short=token[:6])


def is_erased(person: Person) -> bool:
    """The record has been erased (its address is the placeholder)."""
    return person.email.lower().endswith(f"@{ERASED_DOMAIN}")


def login_kept(*, login: User, organisation: Organisation) -> bool:
    """The login holds something besides its record here, so it stays its holder's."""
    if login.is_staff or login.is_superuser:
        return True
    if Consultant.objects.filter(user=login).exists():
        return True
    return bool(login_organisation_ids(user=login) - {organisation.pk})


def _when(moment) -> str:
    return formats.date_format(timezone.localtime(moment), "SHORT_DATE_FORMAT")


def _open_q(prefix: str = "") -> Q:
    return Q(
        **{
            f"{prefix}status__in": OPEN_STATUSES,
            f"{prefix}enrollment__status__in": PLACE_STATUSES,
        }
    )


def erasure_refusals(*, person: Person, by: User | None = None, now=None) -> list[str]:
    """Why ``person`` may not be erased now, one sentence each; empty when they may be.

    Five queries whatever the person holds.
    """
    if is_erased(person):
        return []
    now = now or timezone.now()
    name = person.full_name
    refusals = []
    if by is not None and by.pk is not None and person.user_id == by.pk:
        refusals.append(_("You cannot erase your own personal data."))

    own_open = (
        Agreement.objects.filter(_open_q(), enrollment__person=person)
        .select_related("enrollment__program")
        .order_by("enrollment__program__name", "stage")
    )
    for agreement in own_open:
        refusals.append(
            _(
                "%(name)s has an agreement that is not agreed yet in %(program)s "
                "(%(stage)s: %(status)s). It must be agreed, or the place withdrawn, first."
            )
            % {
                "name": name,
                "program": agreement.enrollment.program.name,
                "stage": agreement.get_stage_display(),
                "status": agreement.get_status_display().lower(),
            }
        )

    upcoming = (
        Session.objects.filter(
            ends_at__gt=now,
            group__enrollments__person=person,
            group__enrollments__status__in=PLACE_STATUSES,
        )
        .select_related("module", "group")
        .distinct()
        .order_by("starts_at")
    )
    seen_groups = set()
    for session in upcoming:  # the next session of each group is reason enough
        if session.group_id in seen_groups:
            continue
        seen_groups.add(session.group_id)
        refusals.append(
            _("%(name)s has a session still to come: %(module)s on %(date)s (%(group)s).")
            % {
                "name": name,
                "module": session.module.name,
                "date": _when(session.starts_at),
                "group": session.group,
            }
        )
    bookings = (
        MakeUpBooking.objects.filter(enrollment__person=person, session__ends_at__gt=now)
        .select_related("session__module", "session__group")
        .order_by("session__starts_at")
    )
    for booking in bookings:
        refusals.append(
            _(
                "%(name)s is booked into a make-up session still to come: "
                "%(module)s on %(date)s (%(group)s)."
            )
            % {
                "name": name,
                "module": booking.session.module.name,
                "date": _when(booking.session.starts_at),
                "group": booking.session.group,
            }
        )

    reviews = Q(enrollment__reviewer=person) | Q(
        enrollment__reviewer__isnull=True,
        enrollment__person__line_manager=person,
        enrollment__person__active=True,
    )
    to_review = (
        Agreement.objects.filter(_open_q(), reviews)
        .select_related("enrollment__person")
        .order_by("enrollment__person__last_name", "enrollment__person__first_name", "stage")
    )
    reviewed = set()
    for agreement in to_review:
        enrollment = agreement.enrollment
        reviewed.add(enrollment.pk)
        values = {
            "name": name,
            "other": enrollment.person.full_name,
            "stage": agreement.get_stage_display(),
        }
        if enrollment.reviewer_id == person.pk:
            message = _(
                "%(name)s is the reviewer HR named for %(other)s, whose agreement "
                "(%(stage)s) is not agreed yet. Name another reviewer for %(other)s first, "
                "or wait until it is agreed."
            )
        else:
            message = _(
                "%(name)s is the line manager of %(other)s, whose agreement (%(stage)s) is "
                "not agreed yet, and reviews it. Name another reviewer for %(other)s first, "
                "or wait until it is agreed."
            )
        refusals.append(message % values)

    # The agreements still to come: a reviewed place with a session ahead of it.
    ahead = (
        Enrollment.objects.filter(
            Q(reviewer=person)
            | Q(reviewer__isnull=True, person__line_manager=person, person__active=True),
            status__in=PLACE_STATUSES,
        )
        .filter(Exists(Session.objects.filter(group=OuterRef("group"), ends_at__gt=now)))
        .exclude(pk__in=reviewed)
        .select_related("person")
        .order_by("person__last_name", "person__first_name", "pk")
    )
    for enrollment in ahead:
        values = {"name": name, "other": enrollment.person.full_name}
        if enrollment.reviewer_id == person.pk:
            message = _(
                "%(name)s is the reviewer HR named for %(other)s, who has sessions still to "
                "come and agreements before them. Name another reviewer for %(other)s first, "
                "or wait until their last session is held."
            )
        else:
            message = _(
                "%(name)s is the line manager of %(other)s, who has sessions still to come "
                "and agreements before them for %(name)s to review. Name another reviewer for "
                "%(other)s first, or wait until their last session is held."
            )
        refusals.append(message % values)
    return refusals
