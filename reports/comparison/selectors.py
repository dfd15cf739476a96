"""Reads for the comparison between organisations: who takes part, and one program's comparison.

The distribution over the organisations that take part is worked out in a
fixed number of queries (``contributions``) and kept for the day in the cache.
Who takes part is read on every request, so an organisation that leaves stops
counting at once; one that joins makes the day's figures be worked out again.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import gettext as _

from evaluations import rules as evaluation_rules
from evaluations.results import Figures
from evaluations.selectors import program_results
from participants.models import Organisation
from programs.models import Program

from . import rules
from .contributions import PROGRAM, organisation_contributions
from .models import ComparisonOptIn

# How long the day's distribution is kept; the key holds the date, so a new day starts afresh.
CACHE_SECONDS = 24 * 60 * 60
CACHE_VERSION = 1


def opt_in_of(*, organisation: Organisation) -> ComparisonOptIn | None:
    return (
        ComparisonOptIn.objects.filter(organisation=organisation)
        .select_related("opted_in_by")
        .first()
    )


def taking_part_ids() -> set[int]:
    """The organisations that take part now."""
    return set(ComparisonOptIn.objects.values_list("organisation_id", flat=True))


def _cache_key(today: dt.date) -> str:
    k = evaluation_rules.min_responses()
    return f"reports:comparison:v{CACHE_VERSION}:{today.isoformat()}:k{k}"


def contributions_today(*, taking_part: set[int], now: dt.datetime | None = None) -> dict:
    """Organisation id -> its figures, for the organisations in ``taking_part`` that give any.

    Read from the day's cache; worked out again (a fixed number of queries) when an
    organisation takes part that the cached figures do not cover. Organisations
    that left are dropped here, whatever the cache holds.
    """
    now = now or timezone.now()
    key = _cache_key(timezone.localdate(now))
    cached = cache.get(key)
    if cached is None or not taking_part <= cached["covers"]:
        programs = Program.objects.filter(organisation_id__in=taking_part)
        cached = {
            "covers": set(taking_part),
            "figures": organisation_contributions(programs=programs, now=now),
        }
        cache.set(key, cached, CACHE_SECONDS)
    return {pk: figures for pk, figures in cached["figures"].items() if pk in taking_part}


@dataclass
class ComparisonRow:
    """One figure (a module by its order, or the whole program): ours beside the others'."""

    label: str
    own_mean: Decimal | None
    own_rate: Decimal | None  # per cent
    own_status: str  # evaluations.results.Status of our mean
    means: rules.Distribution | None
    mean_organisations: int  # how many organisations give a mean here
    rates: rules.Distribution | None
    rate_organisations: int


@dataclass
class Comparison:
    program: Program
    taking_part: bool
    contributing: int  # organisations that take part and give at least one figure
    rows: list[ComparisonRow]

    @property
    def shown(self) -> bool:
        return self.taking_part and self.contributing >= rules.MIN_ORGANISATIONS


def _own_rate(figures: Figures) -> Decimal | None:
    rate = figures.response_rate
    return None if rate is None else rate.quantize(Decimal("0.1"), ROUND_HALF_UP)


def _row(*, label, own: Figures, key, contributions: dict) -> ComparisonRow:
    given = [c[key] for c in contributions.values() if key in c]
    means = [figure["mean"] for figure in given if figure["mean"] is not None]
    rates = [figure["rate"] for figure in given if figure["rate"] is not None]
    return ComparisonRow(
        label=label,
        own_mean=own.mean,
        own_rate=_own_rate(own),
        own_status=own.status,
        means=rules.distribution(means, places=rules.MEAN_PLACES),
        mean_organisations=len(means),
        rates=rules.distribution(rates, places=rules.RATE_PLACES),
        rate_organisations=len(rates),
    )


def comparison_for(*, program: Program, now: dt.datetime | None = None) -> Comparison:
    """The program's module means and response rates beside the distribution of all
    organisations that take part. Nothing of the distribution unless the program's
    organisation takes part itself; rows only when enough organisations contribute.

    A fixed number of queries: the program's results (as its results page), who
    takes part, and, once a day or when someone joins, the contributions.
    """
    taking_part = taking_part_ids()
    if program.organisation_id not in taking_part:
        return Comparison(program=program, taking_part=False, contributing=0, rows=[])
    contributions = contributions_today(taking_part=taking_part, now=now)
    contributing = len(contributions)
    if contributing < rules.MIN_ORGANISATIONS:
        return Comparison(program=program, taking_part=True, contributing=contributing, rows=[])
    results = program_results(program=program, now=now)
    rows = [
        _row(
            label=str(row.module),
            own=row.total,
            key=row.module.order,
            contributions=contributions,
        )
        for row in results.module_rows
    ]
    rows.append(
        _row(
            label=_("The whole program"),
            own=results.total,
            key=PROGRAM,
            contributions=contributions,
        )
    )
    return Comparison(program=program, taking_part=True, contributing=contributing, rows=rows)


def other_programs(*, program: Program) -> list[Program]:
    """The organisation's other programs, to compare one of them instead."""
    return list(
        Program.objects.filter(organisation_id=program.organisation_id)
        .exclude(pk=program.pk)
        .only("pk", "name", "starts_on")
    )
