"""The access log of personal data: one service to write it, one selector to read it."""

from django.db.models import QuerySet

from .models import Organisation, Person, PersonalDataAccess, User


def access_log_record(
    *,
    organisation: Organisation,
    actor: User | None,
    action: str,
    subject: Person | None = None,
    what: str = "",
) -> PersonalDataAccess:
    """Write one row of the access log. Side effects: none beyond the row.

    ``what`` names the list or form (a fixed identifier), never its content.
    """
    if subject is not None and subject.organisation_id != organisation.pk:
        raise ValueError("The person belongs to another organisation.")
    return PersonalDataAccess.objects.create(
        organisation=organisation,
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        subject=subject,
        what=what,
    )


def access_log_for(organisation: Organisation) -> QuerySet[PersonalDataAccess]:
    """The organisation's access log, newest first, with the login and the person in one query."""
    return PersonalDataAccess.objects.filter(organisation=organisation).select_related(
        "actor", "subject"
    )
