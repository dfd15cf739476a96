from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from demo.seed import DEMO_PASSWORD, seed_demo
from demo.specs import SVC_PROGRAM_NAME
from demo.today import demo_logins_today


class Command(BaseCommand):
    help = (
        "Create or update the demo program (Örebro kommun, SVC 2015–2017), a live program "
        "dated from today and a small second organisation. Idempotent: a second run the same "
        "day writes nothing. Prints each login with what it can do today."
    )

    def add_arguments(self, parser):
        parser.add_argument("--quiet-logins", action="store_true", help="Do not print logins.")
        parser.add_argument(
            "--render-latest-report",
            action="store_true",
            help="Render the newest status report's PDF in-process (make run does).",
        )

    def handle(self, *args, **options):
        if not settings.DEMO_MODE:
            raise CommandError("seed_demo only runs with DEMO_MODE=true (never in production).")
        figures = seed_demo()
        self.stdout.write("SVC in figures (Örebro kommun):")
        for key, value in figures.items():
            self.stdout.write(f"  {key}: {value}")
        if options["render_latest_report"]:
            from demo.reports import render_latest_report
            from programs.models import Program

            program = Program.objects.get(organisation__slug="orebro", name=SVC_PROGRAM_NAME)
            report = render_latest_report(program=program)
            if report is not None:
                self.stdout.write(
                    f"Status report Nr {report.number}: {report.get_status_display()}"
                )
        if not options["quiet_logins"]:
            self.stdout.write("")
            self.stdout.write(f"Demo logins (password {DEMO_PASSWORD}):")
            for email, roles, today in demo_logins_today():
                self.stdout.write(f"  {email:<34} {roles} — {today}")
