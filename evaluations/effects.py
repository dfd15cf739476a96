"""Tracing the effects: effect entries counted per theme, per group and for the program.

The same k rule and complementary suppression as the results apply: the
people behind a group's entries are those who answered a form that collects
effects in a session whose window has closed.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count

from programs.models import Group, Program

from . import rules
from .models import Completion, EffectEntry, EffectTheme
from .results import Status, distinct_people
from .suppression import Line, suppress


@dataclass
class EffectRow:
    label: str
    group: Group | None
    respondents: int
    _counts: list[int] = field(repr=False, default_factory=list)
    hidden: bool = False

    @property
    def shown(self) -> bool:
        return self.respondents >= rules.min_responses() and not self.hidden

    @property
    def counts(self) -> list[int] | None:
        return list(self._counts) if self.shown else None

    @property
    def status(self) -> str:
        if self.respondents == 0:
            return Status.NO_ANSWERS
        if self.respondents < rules.min_responses():
            return Status.TOO_FEW
        return Status.PROTECTED if self.hidden else Status.SHOWN


@dataclass
class EffectSummary:
    themes: list[EffectTheme]
    groups: list[EffectRow]
    total: EffectRow | None  # None when the viewer sees only some groups


def effect_summary(
    *, program: Program, group_ids: set[int] | None = None, now: dt.datetime | None = None
) -> EffectSummary:
    """Effect entries counted per theme, per group and for the program, suppressed for k.

    The people behind a group's entries are those who answered a form that
    collects effects in a session whose window has closed. Five queries.
    """
    cutoff = rules.published_before(now=now)
    k = rules.min_responses()
    themes = list(EffectTheme.objects.filter(program=program).order_by("order"))
    groups = list(
        Group.objects.filter(round__program=program).order_by("round__number", "number", "pk")
    )
    theme_index = {t.pk: i for i, t in enumerate(themes)}
    counts: dict[int, list[int]] = {g.pk: [0] * len(themes) for g in groups}
    for group_id, theme_id, n in (
        EffectEntry.objects.filter(
            session__group__round__program=program, session__ends_at__lt=cutoff
        )
        .values_list("session__group_id", "theme_id")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        if theme_id in theme_index and group_id in counts:
            counts[group_id][theme_index[theme_id]] += n
    published = Completion.objects.filter(
        session__group__round__program=program,
        session__ends_at__lt=cutoff,
        session__module__evaluation_form__collects_effects=True,
    )
    people = distinct_people(published, "session__group_id")
    total_people = published.aggregate(n=Count("enrollment__person_id", distinct=True))["n"] or 0
    rows = {
        g.pk: EffectRow(
            label=str(g), group=g, respondents=people.get(g.pk, 0), _counts=counts[g.pk]
        )
        for g in groups
    }
    total = EffectRow(
        label=str(program),
        group=None,
        respondents=total_people,
        _counts=[sum(c[i] for c in counts.values()) for i in range(len(themes))],
    )
    hidden = suppress(
        {**{g: r.respondents for g, r in rows.items()}, "program": total.respondents},
        [Line("program", tuple(rows))],
        k=k,
    )
    for key in hidden:
        (total if key == "program" else rows[key]).hidden = True
    visible = [rows[g.pk] for g in groups if group_ids is None or g.pk in group_ids]
    return EffectSummary(themes=themes, groups=visible, total=total if group_ids is None else None)
