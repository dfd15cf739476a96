"""National-scale synthetic data for benchmarks (``manage.py seed_scale``).

The same shape as the demo (``demo.plans``), per organisation: förvaltningar, a
tree of managers under a kommundirektör, one program with the four SVC
modules, up to five rounds, groups of 20–25 that mix departments,
enrollments, sessions in module order and attendance.

Organisations are planned and written a chunk at a time, so memory stays flat
whatever the total. Rows go in with ``bulk_create``; on PostgreSQL the
attendance rows, by far the most numerous, go in with COPY. Everything runs in
one transaction: a failed run leaves nothing behind.

The organisations get the slugs ``skala-001``, ``skala-002``, ...; a run
refuses to start if any of them exists, unless asked to replace them.
"""

import random
from collections.abc import Sequence

from django.db import connection, reset_queries, transaction
from django.db.models import Count, Max, Min

from participants.models import Consultant, Department, Organisation, Person
from programs.models import Attendance, Enrollment, Group, Program, Session

from .scale_writer import (
    BATCH_SIZE,
    CHUNK_MANAGERS,
    EMAIL_DOMAIN,
    MIN_SIZE,
    SLUG_PREFIX,
    ScaleWriter,
    split,
)


class ScaleDataExists(Exception):
    """Organisations with the benchmark's slugs exist already."""


def scale_slugs(organisations: int) -> list[str]:
    return [f"{SLUG_PREFIX}{i:03d}" for i in range(1, organisations + 1)]


def organisation_sizes(*, managers: int, organisations: int, rng: random.Random) -> list[int]:
    """Sizes from a few large municipalities to many small ones, summing to ``managers``."""
    if managers < MIN_SIZE * organisations:
        raise ValueError(
            f"{managers} managers cannot fill {organisations} organisations "
            f"of at least {MIN_SIZE} managers each."
        )
    weights = [rng.lognormvariate(0, 1.0) for _ in range(organisations)]
    return [MIN_SIZE + n for n in split(managers - MIN_SIZE * organisations, weights)]


def delete_scale_data(slugs: Sequence[str]) -> int:
    """Delete the organisations with these slugs and everything in them; returns rows deleted."""
    orgs = Organisation.objects.filter(slug__in=slugs)
    programs = Program.objects.filter(organisation__in=orgs)
    deleted = 0
    for queryset in (
        Attendance.objects.filter(session__group__round__program__in=programs),
        Session.objects.filter(group__round__program__in=programs),
        Enrollment.objects.filter(program__in=programs),
        programs,
        Person.objects.filter(organisation__in=orgs),
        Department.objects.filter(organisation__in=orgs, parent__isnull=False),
        Department.objects.filter(organisation__in=orgs),
        orgs,
        Consultant.objects.filter(email__endswith=f"@{EMAIL_DOMAIN}"),
    ):
        deleted += queryset.delete()[0]
    return deleted


def seed_scale(
    *, managers: int, organisations: int, replace: bool = False, seed: int = 2015
) -> dict:
    """Write ``managers`` managers over ``organisations`` organisations. Returns the figures.

    Raises ScaleDataExists if any of the slugs is taken and ``replace`` is off;
    with ``replace`` those organisations are deleted first.
    """
    if not connection.features.can_return_rows_from_bulk_insert:
        raise ValueError("seed_scale needs a database that returns ids from bulk inserts.")
    slugs = scale_slugs(organisations)
    writer = ScaleWriter(seed=seed)
    sizes = organisation_sizes(managers=managers, organisations=organisations, rng=writer.rng)
    with transaction.atomic():
        taken = Organisation.objects.filter(slug__startswith=SLUG_PREFIX)
        if taken.exists():
            if not replace:
                raise ScaleDataExists(
                    f"{taken.count()} organisation(s) with slugs {SLUG_PREFIX}… exist already; "
                    "run with --replace to delete and rebuild them."
                )
            delete_scale_data(list(taken.values_list("slug", flat=True)))
        orgs = Organisation.objects.bulk_create(
            [
                Organisation(slug=slug, name=f"Syntetisk kommun {slug.removeprefix(SLUG_PREFIX)}")
                for slug in slugs
            ],
            batch_size=BATCH_SIZE,
        )
        writer.write_consultants(orgs)
        chunk, chunk_size = [], 0
        for index, (org, size) in enumerate(zip(orgs, sizes, strict=True)):
            chunk.append((index, org, size))
            chunk_size += size
            if chunk_size >= CHUNK_MANAGERS or index == len(orgs) - 1:
                writer.write_chunk(chunk)
                chunk, chunk_size = [], 0
                reset_queries()  # with DEBUG on, the query log would hold every INSERT
    return scale_figures(slugs=slugs)


def scale_figures(*, slugs: Sequence[str]) -> dict:
    orgs = Organisation.objects.filter(slug__in=slugs)
    sizes = (
        Enrollment.objects.filter(program__organisation__in=orgs)
        .values("group_id")
        .annotate(size=Count("pk"))
        .aggregate(smallest=Min("size"), largest=Max("size"))
    )
    return {
        "organisations": orgs.count(),
        "managers": Person.objects.filter(organisation__in=orgs).count(),
        "departments": Department.objects.filter(organisation__in=orgs).count(),
        "consultants": Consultant.objects.filter(email__endswith=f"@{EMAIL_DOMAIN}").count(),
        "groups": Group.objects.filter(round__program__organisation__in=orgs).count(),
        "group_size_min": sizes["smallest"],
        "group_size_max": sizes["largest"],
        "enrollments": Enrollment.objects.filter(program__organisation__in=orgs).count(),
        "sessions": Session.objects.filter(group__round__program__organisation__in=orgs).count(),
        "attendance": Attendance.objects.filter(
            session__group__round__program__organisation__in=orgs
        ).count(),
    }
