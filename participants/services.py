"""Writes about people. Each rule that spans rows has one message, here."""

import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .accounts import person_record_changed
from .models import Person

logger = logging.getLogger(__name__)


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
            {
                "line_manager": ValidationError(
                    _("The line manager must belong to the same organisation."),
                    code="line_manager_other_organisation",
                )
            }
        )
    seen = set()
    current = line_manager
    while current is not None:
        if current.pk == person.pk and person.pk is not None:
            message = _(
                "%(manager)s cannot be the line manager of %(person)s: "
                "that would make a loop in the line of managers."
            ) % {"manager": line_manager.full_name, "person": person.full_name}
            raise ValidationError(
                {"line_manager": ValidationError(message, code="line_manager_cycle")}
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
    """Validate and store a person (new or changed). Raises ValidationError.

    Side effects: for a changed address or a person no longer active, what
    ``accounts.person_record_changed`` does (the login itself never changes here).
    """
    person.full_clean()
    validate_line_manager(person=person, line_manager=person.line_manager)
    before = (
        Person.objects.filter(pk=person.pk).values_list("email", "active").first()
        if person.pk
        else None
    )
    person.save()
    if before is not None:
        person_record_changed(person=person, old_email=before[0], was_active=before[1])
    return person


@transaction.atomic
def person_set_line_manager(*, person: Person, line_manager: Person | None) -> Person:
    validate_line_manager(person=person, line_manager=line_manager)
    person.line_manager = line_manager
    person.save(update_fields=["line_manager"])
    return person


# --- Manager import from the browser ---------------------------------------------------------

SUMMARY_LIST_LIMIT = 500


def import_summary(preview) -> dict:
    """What the preview and result pages show, as JSON stored with the import."""
    return {
        "ok": preview.ok,
        "file_format": preview.file_format,
        "encoding": preview.encoding,
        "delimiter": preview.delimiter,
        # A tab is named on the page, not shown.
        "tab_separated": preview.delimiter == "\t",
        "total_rows": preview.total_rows,
        "date_formats": preview.date_formats,
        "new_departments": preview.new_departments,
        "created_count": len(preview.created),
        "updated_count": len(preview.updated),
        "unchanged": preview.unchanged,
        "bad_rows": len({row for row, _message in preview.errors}),
        "created": [
            [c.row, c.employee_number, c.name] for c in preview.created[:SUMMARY_LIST_LIMIT]
        ],
        "updated": [
            [c.row, c.employee_number, c.name, ", ".join(c.fields)]
            for c in preview.updated[:SUMMARY_LIST_LIMIT]
        ],
        "errors": [[row, message] for row, message in preview.errors],
    }


class ImportAlreadyApplied(Exception):
    pass


def _private_storage():
    from django.core.files.storage import storages

    return storages["private"]


def manager_import_upload(*, organisation, user, filename: str, data: bytes):
    """Preview an uploaded file and keep it (privately) until the coordinator confirms.

    Raises ImportFileError when the file as a whole is unreadable; nothing is
    stored then. A file with bad rows is recorded as refused, without the file.
    """
    from django.core.files.base import ContentFile

    from .imports import import_preview
    from .models import ManagerImport

    preview = import_preview(organisation=organisation, data=data, filename=filename)
    record = ManagerImport(
        organisation=organisation,
        uploaded_by=user,
        filename=filename[:255],
        summary=import_summary(preview),
        status=ManagerImport.Status.PREVIEWED if preview.ok else ManagerImport.Status.REFUSED,
    )
    if preview.ok:
        record.stored_name = _private_storage().save(
            f"imports/{record.id}.upload", ContentFile(data)
        )
    record.save()
    return record


@transaction.atomic
def manager_import_confirm(*, organisation, import_id):
    """Apply a previewed import. Idempotent: a second confirmation raises ImportAlreadyApplied.

    Side effects: the people, departments and logins of import_apply; the
    stored file is deleted after commit. A stored file missing from the storage
    is a ValidationError ("upload the file again"), and nothing changes.
    """
    from django.utils import timezone

    from .imports import ImportRefused, import_apply
    from .models import ManagerImport

    record = ManagerImport.objects.select_for_update().get(pk=import_id, organisation=organisation)
    if record.status == ManagerImport.Status.APPLIED:
        raise ImportAlreadyApplied
    cannot_confirm = ValidationError(_("This import cannot be confirmed. Upload the file again."))
    if record.status != ManagerImport.Status.PREVIEWED or not record.stored_name:
        raise cannot_confirm
    storage = _private_storage()
    try:
        with storage.open(record.stored_name, "rb") as handle:
            data = handle.read()
    except FileNotFoundError:
        # Gone from the storage (removed by hand, or a node's own folder kept it).
        logger.warning("Import %s: stored file %s is missing", record.pk, record.stored_name)
        raise cannot_confirm from None
    try:
        preview = import_apply(organisation=organisation, data=data, filename=record.filename)
    except ImportRefused as exc:  # the people changed since the preview
        record.status = ManagerImport.Status.REFUSED
        record.summary = import_summary(exc.preview)
        record.save(update_fields=["status", "summary"])
        return record
    stored_name = record.stored_name
    record.status = ManagerImport.Status.APPLIED
    record.summary = import_summary(preview)
    record.applied_at = timezone.now()
    record.stored_name = ""
    record.save(update_fields=["status", "summary", "applied_at", "stored_name"])
    transaction.on_commit(lambda: storage.delete(stored_name))
    return record


# --- Access to the Django admin for HR coordinators --------------------------------------------

HR_ADMIN_GROUP = "HR-samordnare"
HR_ADMIN_APPS = ("participants", "programs")


def grant_hr_admin(*, user) -> None:
    """Let an HR coordinator use the admin for people and program data.

    The admin itself scopes every list to the organisations where the user
    holds the HR role (participants.admin); this only grants the model
    permissions and staff status.
    """
    from django.contrib.auth.models import Group, Permission

    group, created = Group.objects.get_or_create(name=HR_ADMIN_GROUP)
    if created or not group.permissions.exists():
        group.permissions.set(
            # Coordinators end roles (memberships) but never delete logins or organisations.
            Permission.objects.filter(content_type__app_label__in=HR_ADMIN_APPS).exclude(
                content_type__model__in=["user", "organisation"],
                codename__startswith="delete_",
            )
        )
    if not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    user.groups.add(group)
