import resource
import time

from django.core.management.base import BaseCommand, CommandError

from demo.scale import SLUG_PREFIX, ScaleDataExists, seed_scale


class Command(BaseCommand):
    help = (
        "Generate national-scale synthetic data for benchmarks: organisations with slugs "
        f"{SLUG_PREFIX}001, {SLUG_PREFIX}002, ... in the shape of the SVC demo. Refuses to run "
        "if organisations with those slugs exist; --replace deletes and rebuilds them. "
        "Needs no DEMO_MODE (the data holds no logins)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--managers", type=int, default=150_000)
        parser.add_argument("--organisations", type=int, default=310)
        parser.add_argument(
            "--replace",
            action="store_true",
            help=f"Delete existing {SLUG_PREFIX}* organisations and their data first.",
        )
        parser.add_argument("--seed", type=int, default=2015, help="Random seed (default 2015).")

    def handle(self, *args, managers, organisations, replace, seed, **options):
        if managers < 1 or organisations < 1:
            raise CommandError("--managers and --organisations must be positive.")
        started = time.perf_counter()
        try:
            figures = seed_scale(
                managers=managers, organisations=organisations, replace=replace, seed=seed
            )
        except (ScaleDataExists, ValueError) as exc:
            raise CommandError(str(exc)) from exc
        elapsed = time.perf_counter() - started
        for key, value in figures.items():
            self.stdout.write(f"{key}: {value}")
        # ru_maxrss is in KiB on Linux.
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        self.stdout.write(f"elapsed: {elapsed:.1f} s")
        self.stdout.write(f"peak RSS: {peak:.0f} MiB")
