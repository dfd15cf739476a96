"""Reads for evaluations, scoped to the organisation and the asking user from the start.

Aggregated results live in ``evaluations.results``. Free texts leave this
module only when HR has published them and their session has at least k
answers and a closed window; ``review_queue`` (HR only) is the one read of
texts that are not published.
"""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Exists, F, OuterRef, QuerySet, Subquery
from django.http import Http404
from django.utils import timezone

from participants.models import Organisation, Person, User
from programs.models import Attendance, Enrollment, Group, Module, Program, Session
from programs.places import holding_place_q
from programs.selectors import program_for_organisation_or_404

from . import rules

# Other apps (the status reports) read the aggregated results here; the k rule
# and complementary suppression are already applied in them.
from .effects import effect_summary as effect_summary
from .models import (
    Completion,
    EffectEntry,
    EffectTheme,
    EvaluationForm,
    FormVersion,
    Question,
    ReviewState,
    TextAnswer,
)
from .results import program_results as program_results

# --- The participant ---------------------------------------------------------------------


@dataclass(frozen=True)
class OpenEvaluation:
    session: Session

    @property
    def deadline(self) -> dt.datetime:
        return rules.deadline(self.session.ends_at)


def open_evaluations_for(*, person: Person, now: dt.datetime | None = None) -> list[OpenEvaluation]:
    """The sessions this person attended whose evaluation is open and not yet answered.

    Open from the session's end until its deadline. One query, starting from
    the person's own enrollments.
    """
    now = now or timezone.now()
    window = dt.timedelta(days=rules.window_days())
    answered = Completion.objects.filter(
        enrollment=OuterRef("enrollment"), session=OuterRef("session")
    )
    attendances = (
        Attendance.objects.filter(
            holding_place_q("enrollment__"),
            enrollment__person=person,
            enrollment__group_id=F("session__group_id"),
            status=Attendance.Status.PRESENT,
            session__ends_at__lte=now,
            session__ends_at__gt=now - window,
        )
        .exclude(Exists(answered))
        .select_related("session__module", "session__group")
        .order_by("session__ends_at", "session_id")
    )
    return [OpenEvaluation(session=attendance.session) for attendance in attendances]


@dataclass(frozen=True)
class MissingRespondents:
    """Who attended a session and has not answered its evaluation (names only)."""

    attended: int
    missing: list[Person]

    @property
    def answered(self) -> int:
        return self.attended - len(self.missing)


def missing_respondents(*, session: Session) -> MissingRespondents:
    """From the completion records only: nothing about what anyone answered.

    Shown to a process leader of the session's group, and only when the
    organisation allows it (``Organisation.process_leaders_see_missing``).
    Two queries.
    """
    present = Attendance.objects.filter(
        holding_place_q("enrollment__"),
        session=session,
        status=Attendance.Status.PRESENT,
        enrollment__group_id=session.group_id,
    )
    answered = Completion.objects.filter(enrollment=OuterRef("enrollment"), session=session)
    missing = (
        present.exclude(Exists(answered))
        .select_related("enrollment__person__department")
        .order_by("enrollment__person__last_name", "enrollment__person__first_name", "pk")
    )
    return MissingRespondents(
        attended=present.count(), missing=[row.enrollment.person for row in missing]
    )


def participant_session_or_404(
    *, user: User, organisation: Organisation, session_id: int
) -> tuple[Session, Enrollment]:
    """A session of the user's own group in this organisation, with their enrollment; else 404.

    The enrollment carries ``answer_facts`` for this session (answered? present?), so
    ``services.answer_state`` needs no query of its own. Two queries.
    """
    from .services import AnswerFacts

    session = (
        Session.objects.select_related("module__program", "group__round")
        .filter(pk=session_id, group__round__program__organisation=organisation)
        .first()
    )
    if session is None:
        raise Http404
    enrollment = (
        Enrollment.objects.holding_place()
        .filter(
            person__user=user,
            person__active=True,
            person__organisation=organisation,
            group_id=session.group_id,
        )
        .annotate(
            answered=Exists(Completion.objects.filter(enrollment=OuterRef("pk"), session=session)),
            present=Exists(
                Attendance.objects.filter(
                    enrollment=OuterRef("pk"), session=session, status=Attendance.Status.PRESENT
                )
            ),
        )
        .select_related("person")
        .first()
    )
    if enrollment is None:
        raise Http404
    enrollment.answer_facts = AnswerFacts(
        session_id=session.pk, answered=enrollment.answered, present=enrollment.present
    )
    return session, enrollment


@dataclass(frozen=True)
class FormContent:
    form: EvaluationForm
    version: FormVersion
    questions: list[Question]
    themes: list[EffectTheme]


def form_content(*, form: EvaluationForm, version: FormVersion | None = None) -> FormContent:
    """The version to answer (the newest unless given), its questions and the themes.

    Two queries (one without effect themes): the newest version comes with its questions.
    """
    if version is None:
        newest = form.versions.order_by("-number").values("pk")[:1]
        questions = list(
            Question.objects.filter(version=Subquery(newest))
            .select_related("version")
            .order_by("order")
        )
        version = questions[0].version if questions else form.versions.order_by("-number").first()
    else:
        questions = list(version.questions.order_by("order"))
    themes = (
        list(EffectTheme.objects.filter(program_id=form.module.program_id).order_by("order"))
        if form.collects_effects
        else []
    )
    return FormContent(form=form, version=version, questions=questions, themes=themes)


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


def forms_of_program(*, program: Program) -> list[Module]:
    """The program's modules with their forms and number of versions (one query)."""
    return list(
        Module.objects.filter(program=program)
        .select_related("evaluation_form")
        .annotate(version_count=Count("evaluation_form__versions"))
        .order_by("order")
    )
