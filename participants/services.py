"""Writes about people. Each rule that spans rows has one message, here."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .models import Person


def validate_line_manager(*, person: Person, line_manager: Person | None) -> None:
    """Refuse a line manager from another organisation, or one that makes a cycle.

    Walks up from the proposed manager; reaching ``person`` means the chain
    would loop. Runs one query per level, which is bounded by the depth of the
    organisation (a handful of levels).
    """
    if line_manager is None:
        return
    if line_manager.organisation_id != person.organisation_id:
        raise ValidationError(
            {"line_manager": _("The line manager must belong to the same organisation.")},
            code="line_manager_other_organisation",
        )
    seen = set()
    current = line_manager
    while current is not None:
        if current.pk == person.pk and person.pk is not None:
            raise ValidationError(
                {
                    "line_manager": _(
                        "%(manager)s cannot be the line manager of %(person)s: "
                        "that would make a loop in the line of managers."
                    )
                    % {"manager": line_manager.full_name, "person": person.full_name}
                },
                code="line_manager_cycle",
            )
        if current.pk in seen:  # an existing loop above; stop walking
            break
        seen.add(current.pk)
        current = (
            Person.objects.only("pk", "line_manager_id").filter(pk=current.line_manager_id).first()
            if current.line_manager_id
            else None
        )


@transaction.atomic
def person_save(*, person: Person) -> Person:
    """Validate and store a person (new or changed). Raises ValidationError."""
    person.full_clean()
    validate_line_manager(person=person, line_manager=person.line_manager)
    person.save()
    return person


@transaction.atomic
def person_set_line_manager(*, person: Person, line_manager: Person | None) -> Person:
    validate_line_manager(person=person, line_manager=line_manager)
    person.line_manager = line_manager
    person.save(update_fields=["line_manager"])
    return person
