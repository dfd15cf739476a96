"""Reads for the accessibility statement, scoped to one organisation."""

from django.db.models import QuerySet

from participants.models import Organisation, Role, User

from .models_accessibility import AccessibilityContact, AccessibilityReport


def accessibility_contact_for(*, organisation: Organisation) -> AccessibilityContact | None:
    """The organisation's contact details for the statement, or None before HR fills them in."""
    return AccessibilityContact.objects.filter(organisation=organisation).first()


def accessibility_reports_for(*, organisation: Organisation) -> QuerySet[AccessibilityReport]:
    """The organisation's reports, the unhandled first, the newest first within each."""
    return AccessibilityReport.objects.filter(organisation=organisation).order_by(
        "handled", "-created_at", "-pk"
    )


def accessibility_report_for(*, organisation: Organisation, pk: int) -> AccessibilityReport:
    """One of the organisation's reports; another organisation's raises DoesNotExist."""
    return accessibility_reports_for(organisation=organisation).get(pk=pk)


def hr_coordinators(*, organisation: Organisation) -> QuerySet[User]:
    """The active logins that hold the HR role in the organisation, by e-mail address."""
    return (
        User.objects.filter(
            is_active=True,
            memberships__organisation=organisation,
            memberships__role=Role.HR,
        )
        .distinct()
        .order_by("email")
    )


def organisations_with_statements() -> QuerySet[Organisation]:
    """Every organisation, by name: each has its own statement page."""
    return Organisation.objects.order_by("name").only("name", "slug")
