"""Fold the sealed answers of every session whose evaluation window has closed.

The beat task ``evaluations.fold_sealed_answers`` does this every five
minutes; this command does the same by hand (cron without Celery, or after
restoring a lost seal key). ``--new-key`` prints a fresh key for
EVALUATION_SEAL_KEYS and touches nothing.
"""

from django.core.management.base import BaseCommand

from evaluations import sealing, services
from evaluations.services.canary import seal_canary_verify


class Command(BaseCommand):
    help = "Fold the sealed evaluation answers of sessions whose window has closed."

    def add_arguments(self, parser):
        parser.add_argument(
            "--new-key", action="store_true", help="Print a new seal key and do nothing else."
        )

    def handle(self, *args, **options):
        if options["new_key"]:
            self.stdout.write(sealing.new_key())
            return
        seal_canary_verify()  # refuses, saying why, with keys that cannot open the envelopes
        result = services.answers_fold()
        self.stdout.write(
            f"Folded {result.folded} sealed answers in {result.sessions} sessions; "
            f"{result.unreadable} do not open with the configured keys; "
            f"{result.failed} sessions rolled back."
        )
        if result.unreadable or result.failed:
            self.stderr.write(
                "Some sealed answers were not folded: they stay in the database. "
                "Check EVALUATION_SEAL_KEYS (every key still in use must be listed) and the log."
            )
