from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from participants.imports import ImportFileError, ImportRefused, import_apply, import_preview
from participants.models import Organisation


def preview_lines(preview) -> list[str]:
    """The preview as text: the same facts as the web page's preview."""
    lines = [
        _("File: %(format)s, %(rows)d rows.")
        % {"format": preview.file_format, "rows": preview.total_rows}
    ]
    if preview.encoding and preview.delimiter == "\t":
        lines.append(
            _("Character encoding: %(encoding)s; separator: tab.") % {"encoding": preview.encoding}
        )
    elif preview.encoding:
        lines.append(
            _("Character encoding: %(encoding)s; separator: “%(delimiter)s”.")
            % {"encoding": preview.encoding, "delimiter": preview.delimiter}
        )
    if preview.date_formats:
        lines.append(
            _("Dates read as: %(formats)s.") % {"formats": ", ".join(preview.date_formats)}
        )
    lines.append(
        _("New: %(created)d. Changed: %(updated)d. Unchanged: %(unchanged)d. Bad rows: %(errors)d.")
        % {
            "created": len(preview.created),
            "updated": len(preview.updated),
            "unchanged": preview.unchanged,
            "errors": len({row for row, _message in preview.errors}),
        }
    )
    if preview.new_departments:
        lines.append(
            _("New departments: %(names)s.") % {"names": ", ".join(preview.new_departments)}
        )
    for change in preview.updated:
        lines.append(
            _("Row %(row)d: %(name)s (%(number)s) changes %(fields)s.")
            % {
                "row": change.row,
                "name": change.name,
                "number": change.employee_number,
                "fields": ", ".join(change.fields),
            }
        )
    for row, message in preview.errors:
        lines.append(_("Row %(row)d: %(message)s") % {"row": row, "message": message})
    return lines


class Command(BaseCommand):
    help = "Import managers from an HR-system export (CSV or XLSX). All or nothing."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--organisation", required=True, help="The organisation's slug.")
        parser.add_argument("--dry-run", action="store_true", help="Only show the preview.")

    def handle(self, *args, file: Path, organisation: str, dry_run: bool, **options):
        org = Organisation.objects.filter(slug=organisation).first()
        if org is None:
            raise CommandError(
                _("No organisation with the short name %(slug)s.") % {"slug": organisation}
            )
        try:
            data = file.read_bytes()
        except OSError as exc:
            raise CommandError(str(exc)) from exc
        try:
            preview = (
                import_preview(organisation=org, data=data, filename=file.name)
                if dry_run
                else import_apply(organisation=org, data=data, filename=file.name)
            )
        except ImportFileError as exc:
            raise CommandError(str(exc)) from exc
        except ImportRefused as exc:
            for line in preview_lines(exc.preview):
                self.stdout.write(line)
            raise CommandError(_("The import has errors; nothing was imported.")) from exc
        for line in preview_lines(preview):
            self.stdout.write(line)
        if dry_run:
            self.stdout.write(_("Dry run: nothing was written."))
        else:
            self.stdout.write(_("Imported."))
