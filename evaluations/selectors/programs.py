"""Reads for HR and process leaders: the program, its forms and the free texts that may be shown.

Free texts leave this module only when HR has published them and their
session has at least k answers and a closed window; ``review_queue`` (HR
only) is the one read of texts that are not published.
"""

import datetime as dt

from django.db.models import Count, QuerySet
from django.http import Http404

from participants.models import Organisation, User
from programs.models import Group, Module, Program
from programs.selectors import program_for_organisation_or_404

from .. import rules
from ..models import (
    Completion,
    EffectEntry,
    EvaluationForm,
    FormVersion,
    RatingCounter,
    ReviewState,
    SealedAnswers,
    TextAnswer,
)

# --- Programs, groups and process leaders ---------------------------------------------------


def program_or_404(*, organisation: Organisation, program_id: int) -> Program:
    return program_for_organisation_or_404(organisation=organisation, program_id=program_id)


def module_or_404(*, program: Program, module_id: int) -> Module:
    module = Module.objects.filter(program=program, pk=module_id).select_related("program").first()
    if module is None:
        raise Http404
    return module


def groups_led_by(*, user: User, program: Program) -> set[int]:
    """Ids of the program's groups the user leads, as a group's or a session's process leader."""
    by_group = Group.objects.filter(round__program=program, process_leaders__user=user)
    by_session = Group.objects.filter(round__program=program, sessions__process_leader__user=user)
    return set(by_group.values_list("pk", flat=True)) | set(by_session.values_list("pk", flat=True))


# --- Free texts -------------------------------------------------------------------------------


def _sessions_with_k(*, program: Program, now: dt.datetime | None = None) -> QuerySet:
    """Ids of the program's sessions with a closed window and at least k answers."""
    return (
        Completion.objects.filter(
            session__group__round__program=program,
            session__ends_at__lt=rules.published_before(now=now),
        )
        .values("session_id")
        .annotate(n=Count("pk"))
        .filter(n__gte=rules.min_responses())
        .values("session_id")
    )


def published_texts(
    *,
    program: Program,
    group_ids: set[int] | None = None,
    module_id: int | None = None,
    now: dt.datetime | None = None,
) -> QuerySet[TextAnswer]:
    """Texts HR published, from sessions with a closed window and at least k answers."""
    texts = (
        TextAnswer.objects.filter(
            session__group__round__program=program,
            review=ReviewState.PUBLIC,
            session_id__in=_sessions_with_k(program=program, now=now),
        )
        .select_related("question", "session__module", "session__group")
        .order_by("session__module__order", "question__order", "id")
    )
    if group_ids is not None:
        texts = texts.filter(session__group_id__in=group_ids)
    if module_id is not None:
        texts = texts.filter(session__module_id=module_id)
    return texts


def published_effects(
    *,
    program: Program,
    group_ids: set[int] | None = None,
    theme_id: int | None = None,
    now: dt.datetime | None = None,
) -> QuerySet[EffectEntry]:
    entries = (
        EffectEntry.objects.filter(
            session__group__round__program=program,
            review=ReviewState.PUBLIC,
            session_id__in=_sessions_with_k(program=program, now=now),
        )
        .select_related("theme", "session__group")
        .order_by("theme__order", "id")
    )
    if group_ids is not None:
        entries = entries.filter(session__group_id__in=group_ids)
    if theme_id is not None:
        entries = entries.filter(theme_id=theme_id)
    return entries


def review_queue(
    *, program: Program, kind: str, state: str, now: dt.datetime | None = None
) -> QuerySet:
    """HR's texts to review (or reviewed): only from sessions that can ever be shown.

    Texts of a session with fewer than k answers are never shown to anyone, so
    HR does not need to read them either; texts of open sessions wait until
    the window closes.
    """
    model = EffectEntry if kind == "effects" else TextAnswer
    queryset = model.objects.filter(
        session__group__round__program=program,
        review=state,
        session_id__in=_sessions_with_k(program=program, now=now),
    )
    if model is EffectEntry:
        return queryset.select_related("theme", "session__module", "session__group").order_by(
            "theme__order", "id"
        )
    return queryset.select_related("question", "session__module", "session__group").order_by(
        "session__module__order", "question__order", "id"
    )


def review_item_or_404(*, program: Program, kind: str, item_id) -> TextAnswer | EffectEntry:
    model = EffectEntry if kind == "effects" else TextAnswer
    item = model.objects.filter(session__group__round__program=program, pk=item_id).first()
    if item is None:
        raise Http404
    return item


# --- Forms and versions ----------------------------------------------------------------------


def forms_of_program(*, program: Program) -> list[Module]:
    """The program's modules with their forms and number of versions (one query)."""
    return list(
        Module.objects.filter(program=program)
        .select_related("evaluation_form")
        .annotate(version_count=Count("evaluation_form__versions"))
        .order_by("order")
    )


def current_version(form: EvaluationForm) -> FormVersion:
    """The newest version of the form: the one a participant answers and HR edits."""
    return form.versions.order_by("-number").first()


def version_has_answers(version: FormVersion) -> bool:
    """Whether anyone has answered this version; such a version is never changed again.

    Sealed answers not yet folded may be to any version of the module's form, so
    while any exist the version counts as answered.
    """
    return (
        RatingCounter.objects.filter(question__version=version, count__gt=0).exists()
        or TextAnswer.objects.filter(question__version=version).exists()
        or SealedAnswers.objects.filter(session__module_id=version.form.module_id).exists()
    )
