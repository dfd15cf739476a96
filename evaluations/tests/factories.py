"""Building evaluation scenarios for tests: groups with a session, attendees and answers.

Answers always go through ``evaluation_submit``, the one way answers are
written, so the tests see what production stores: sealed envelopes. To have
results published, a test answers while the window is open and then closes it
(``close_window``), which folds the envelopes in as the beat task would at the
close. ``fold`` folds a session's envelopes as of its deadline, for tests that
look at the stored counters and rows while the window is still open.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from participants.tests.factories import PersonFactory, UserFactory
from programs.models import Enrollment, Group, Module, Program, Session
from programs.tests.factories import (
    AttendanceFactory,
    EnrollmentFactory,
    GroupFactory,
    ModuleFactory,
    ProgramFactory,
    RoundFactory,
    SessionFactory,
)

from .. import rules, services
from ..models import Question, TextAnswer
from ..selectors import form_content

MODULE_NAMES = ("Del av en helhet", "Klar ledare", "Säker chef", "Initiativrik utvecklare")


def make_program(organisation) -> Program:
    program = ProgramFactory(organisation=organisation, name="Sveriges viktigaste chefsjobb")
    for order, name in enumerate(MODULE_NAMES, start=1):
        ModuleFactory(program=program, order=order, name=name, duration_days=Decimal("1.5"))
    return program


@dataclass
class GroupSetup:
    group: Group
    sessions: dict[int, Session]  # module order -> session
    enrollments: list[Enrollment]


def make_group(
    *,
    program: Program,
    round_number: int = 1,
    size: int = 6,
    modules: tuple[int, ...] = (1,),
    ended_ago: dt.timedelta = dt.timedelta(days=1),
    name: str = "",
) -> GroupSetup:
    """A group of ``size`` participants who all attended its sessions of ``modules``.

    Sessions ended ``ended_ago`` before now (a day: the window is open).
    """
    round_ = RoundFactory(program=program, number=round_number)
    group = GroupFactory(round=round_, name=name)
    enrollments = [
        EnrollmentFactory(group=group, person=PersonFactory(organisation=program.organisation))
        for _ in range(size)
    ]
    sessions = {}
    now = timezone.now()
    for order in modules:
        module = Module.objects.get(program=program, order=order)
        ends_at = now - ended_ago - dt.timedelta(days=order - 1)
        session = SessionFactory(
            group=group,
            module=module,
            starts_at=ends_at - dt.timedelta(hours=8),
            ends_at=ends_at,
            process_leader=None,
        )
        for enrollment in enrollments:
            AttendanceFactory(session=session, enrollment=enrollment)
        sessions[order] = session
    return GroupSetup(group=group, sessions=sessions, enrollments=enrollments)


def participant_login(enrollment: Enrollment, email: str):
    """Give an enrolled person a login, so they hold the participant role."""
    user = UserFactory(email=email)
    enrollment.person.user = user
    enrollment.person.save(update_fields=["user"])
    return user


def answers_for(
    session: Session,
    *,
    value: int | list[int] = 5,
    comment: str = "",
    text: str = "",
    effects: tuple = (),
) -> services.SubmittedAnswers:
    """Answers to the session's current form: every scale question rated ``value``.

    ``value`` may be a list, one value per scale question in order.
    """
    content = form_content(form=services.evaluation_form_ensure(module=session.module))
    scale = [q for q in content.questions if q.kind == Question.Kind.SCALE]
    values = value if isinstance(value, list) else [value] * len(scale)
    texts = {}
    if comment:
        texts[next(q.pk for q in scale if q.allow_comment)] = comment
    if text:
        texts[next(q.pk for q in content.questions if q.kind == Question.Kind.TEXT)] = text
    return services.SubmittedAnswers(
        version_id=content.version.pk,
        ratings={q.pk: v for q, v in zip(scale, values, strict=True)},
        texts=texts,
        effects=tuple(effects),
    )


def answer(enrollment: Enrollment, session: Session, **kwargs) -> services.SubmitResult:
    return services.evaluation_submit(
        enrollment=enrollment, session=session, answers=answers_for(session, **kwargs)
    )


def answer_all(setup: GroupSetup, order: int, count: int, **kwargs) -> None:
    for enrollment in setup.enrollments[:count]:
        answer(enrollment, setup.sessions[order], **kwargs)


def close_window(*sessions: Session) -> None:
    """Move the sessions back in time so their windows have closed, and fold their answers."""
    for session in sessions:
        shift = dt.timedelta(days=rules.window_days() + 1)
        Session.objects.filter(pk=session.pk).update(
            starts_at=session.starts_at - shift, ends_at=session.ends_at - shift
        )
        session.refresh_from_db()
    services.answers_fold(session_ids={s.pk for s in sessions})


def fold(*sessions: Session) -> services.FoldResult:
    """Fold the sessions' envelopes as the beat task does at the close of their windows."""
    latest = max(rules.deadline(s.ends_at) for s in sessions)
    return services.answers_fold(now=latest, session_ids={s.pk for s in sessions})


def publish_texts(session: Session) -> None:
    TextAnswer.objects.filter(session=session).update(review="public")
