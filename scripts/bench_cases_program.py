"""Bench lines for the program's own work: import, composition, pages at national scale.

Each `prepare(ctx)` runs once, with Django set up on the throwaway PostgreSQL,
and returns what to time (TimedCase) or the headers to send (HttpCase setup).
"""

from __future__ import annotations

import itertools

IMPORT_ROWS = 10_000
_counter = itertools.count(1)


def import_csv(rows: int = IMPORT_ROWS) -> bytes:
    """A Windows-1252 `;` CSV like a Swedish HR export, with a tree of line managers."""
    lines = [
        "Anställningsnummer;Förnamn;Efternamn;E-post;Förvaltning;Enhet;Chefsnivå;"
        "Närmaste chef (anst.nr);Chef sedan"
    ]
    levels = ["Kommunledning", "Förvaltningschef", "Avdelningschef", "Enhetschef"]
    for n in range(1, rows + 1):
        manager = "" if n == 1 else str(10_000 + (n // 8 or 1))
        level = levels[min(3, len(str(n)) - 1)]
        lines.append(
            f"{10_000 + n};Åsa{n};Öberg{n};chef{n}@kommun.se;Förvaltning {n % 12};"
            f"Enhet {n % 40};{level};{manager};2015-03-01"
        )
    return ("\r\n".join(lines) + "\r\n").encode("cp1252")


def prepare_import(ctx):
    """Time one full import (validation + write) of 10,000 new managers into a new organisation."""
    from participants.imports import import_apply
    from participants.models import Organisation

    data = import_csv()

    def run():
        org = Organisation.objects.create(
            name="Bänkkommun", slug=f"bench-import-{next(_counter)}-{id(data) % 9999}"
        )
        preview = import_apply(organisation=org, data=data, filename="bench.csv")
        assert len(preview.created) == IMPORT_ROWS, preview.errors[:3]

    return run


def prepare_compose(ctx):
    from programs.composition import bench_compose_2000

    return bench_compose_2000


def national_scale_hr_headers(ctx) -> dict[str, str]:
    """Seed 150,000 managers over 310 organisations (once) and log in the largest one's HR."""
    ctx.django()
    from django.core.management import call_command

    from participants.models import Membership, Organisation, Role

    if not Organisation.objects.filter(slug="skala-001").exists():
        call_command("seed_scale", managers=150_000, organisations=310, verbosity=0)
    org = Organisation.objects.get(slug="skala-001")
    headers = ctx.logged_in_headers("bench-hr@skala.example", full_name="Bänk HR")
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.get(email="bench-hr@skala.example")
    Membership.objects.get_or_create(user=user, organisation=org, role=Role.HR)
    return headers


def national_scale_program_url() -> str:
    from participants.models import Organisation

    org = Organisation.objects.get(slug="skala-001")
    program = org.programs.order_by("pk").first()
    return f"/o/{org.slug}/program/{program.pk}/"
