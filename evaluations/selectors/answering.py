"""Reads for the participant: open evaluations, whether they may answer now, and the form.

Everything here is the participant's own: their sessions, their enrollment,
and the questions to answer. Nothing reads an answer.
"""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Subquery
from django.http import Http404
from django.utils import timezone

from participants.models import Organisation, Person, User
from programs.makeups.rules import attendance_takes_part_q, session_places, takes_part
from programs.models import Attendance, Enrollment, Session
from programs.places import holding_place_q

from .. import rules
from ..models import Completion, EffectTheme, EvaluationForm, FormVersion, Question


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
            attendance_takes_part_q(),
            enrollment__person=person,
            status=Attendance.Status.PRESENT,
            session__ends_at__lte=now,
            session__ends_at__gt=now - window,
        )
        .exclude(Exists(answered))
        .select_related("session__module", "session__group")
        .order_by("session__ends_at", "session_id")
    )
    return [OpenEvaluation(session=attendance.session) for attendance in attendances]


class AnswerState:
    """What ``answer_state`` says: the participant may answer now, or why not."""

    OPEN = "open"
    ANSWERED = "answered"
    NOT_ATTENDED = "not_attended"
    NOT_YET = "not_yet"
    CLOSED = "closed"


@dataclass(frozen=True)
class AnswerFacts:
    """What the answer state rests on, for one enrollment and session."""

    session_id: int
    answered: bool  # a Completion exists
    present: bool  # attendance registered as present


def answer_state(
    *,
    enrollment: Enrollment,
    session: Session,
    now: dt.datetime | None = None,
    fresh: bool = False,
) -> str:
    """Whether this participant may answer this session's evaluation now, and if not, why.

    Uses ``enrollment.answer_facts`` when ``participant_session_or_404`` loaded
    them for this session, unless ``fresh``; else one query.
    """
    now = now or timezone.now()
    facts = getattr(enrollment, "answer_facts", None)
    if fresh or facts is None or facts.session_id != session.pk:
        answered, present = (
            Enrollment.objects.filter(pk=enrollment.pk)
            .annotate(
                answered=Exists(
                    Completion.objects.filter(enrollment=OuterRef("pk"), session=session)
                ),
                present=Exists(
                    Attendance.objects.filter(
                        enrollment=OuterRef("pk"),
                        session=session,
                        status=Attendance.Status.PRESENT,
                    )
                ),
            )
            .values_list("answered", "present")
            .first()
        ) or (False, False)
        facts = AnswerFacts(session_id=session.pk, answered=answered, present=present)
    if facts.answered:
        return AnswerState.ANSWERED
    attended = facts.present and takes_part(enrollment, session)
    if not attended:
        return AnswerState.NOT_ATTENDED
    if now < session.ends_at:
        return AnswerState.NOT_YET
    if not rules.is_open(session.ends_at, now=now):
        return AnswerState.CLOSED
    return AnswerState.OPEN


def participant_session_or_404(
    *, user: User, organisation: Organisation, session_id: int
) -> tuple[Session, Enrollment]:
    """A session of the user's own group in this organisation, with their enrollment; else 404.

    The enrollment carries ``answer_facts`` for this session (answered? present?), so
    ``answer_state`` needs no query of its own. Two queries.
    """
    session = (
        Session.objects.select_related("module__program", "group__round")
        .filter(pk=session_id, group__round__program__organisation=organisation)
        .first()
    )
    if session is None:
        raise Http404
    enrollment = (
        session_places(session)
        .filter(person__user=user, person__active=True, person__organisation=organisation)
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


def form_content_for_module(*, module, version_id: int | None = None) -> FormContent | None:
    """What ``form_content`` gives for the module's form, in one query (two when the form
    collects effects): the version ``version_id`` if it is one of this module's form, else
    the newest. None when that is not found with questions (no form yet, an unknown
    version, a version without questions): then ask ``form_content`` after
    ``evaluation_form_ensure``, as before.

    The questions come with their version and its form: the answer page's GET and POST
    read no form or version of their own.
    """
    versions = FormVersion.objects.filter(form__module_id=module.pk)
    if version_id is not None:
        chosen = versions.filter(pk=version_id).values("pk")
    else:
        chosen = versions.order_by("-number").values("pk")[:1]
    questions = list(
        Question.objects.filter(version__in=Subquery(chosen))
        .select_related("version__form")
        .order_by("order")
    )
    if not questions:
        return None
    version = questions[0].version
    form = version.form
    form.module = module  # the caller's instance: no query for it
    themes = (
        list(EffectTheme.objects.filter(program_id=module.program_id).order_by("order"))
        if form.collects_effects
        else []
    )
    return FormContent(form=form, version=version, questions=questions, themes=themes)
