"""manage.py apply_retention --organisation SLUG [--dry-run], or --platform for the platform's."""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from participants.models import Organisation
from retention.services import retention_apply, retention_plan


class Command(BaseCommand):
    help = (
        "Apply the enabled retention rules of an organisation (or of the platform), or with "
        "--dry-run list what they would remove. Prints per kind: kind, count, decision."
    )

    def add_arguments(self, parser):
        scope = parser.add_mutually_exclusive_group(required=True)
        scope.add_argument("--organisation", help="The organisation's slug.")
        scope.add_argument(
            "--platform", action="store_true", help="The rules of the whole installation."
        )
        parser.add_argument("--dry-run", action="store_true", help="Remove nothing; list only.")

    def handle(self, *args, organisation=None, platform=False, dry_run=False, **options):
        org = None
        if not platform:
            org = Organisation.objects.filter(slug=organisation).first()
            if org is None:
                raise CommandError(
                    _("No organisation with the short name %(slug)s.") % {"slug": organisation}
                )
        now = timezone.now()
        if dry_run:
            rows = [
                (p.kind.key, p.count, p.rule.decision_reference)
                for p in retention_plan(organisation=org, now=now)
            ]
        else:
            rows = [
                (e.kind, e.removed, e.decision_reference)
                for e in retention_apply(organisation=org, now=now)
            ]
        if not rows:
            self.stdout.write(_("No rule is applied; nothing to remove."))
            return
        for kind, count, decision in rows:
            self.stdout.write(f"{kind}\t{count}\t{decision}")
        if dry_run:
            self.stdout.write(_("Dry run: nothing was removed."))
