"""Anonymity by construction: the schema cannot link an answer to a person.

"Path" means following relations defined on a model (foreign keys, one-to-one,
many-to-many), transitively. From an answer the walk reaches the shared
context (session, question, theme, program, organisation) and, through the
process leaders and module consultants, consultants' logins: those are known
and listed. Any new path to a person, an enrollment, an attendance, a
completion or a login fails the test, as does any model pointing *at* an
answer.
"""

import pytest
from django.apps import apps
from django.db import connection, models

from evaluations.models import Completion, EffectEntry, RatingCounter, SealedAnswers, TextAnswer
from participants.models import Person, User
from programs.models import Agreement, Attendance, Enrollment

from .factories import answer, fold, make_group, make_program

ANSWER_MODELS = (RatingCounter, TextAnswer, EffectEntry, SealedAnswers)
PERSONAL = (Person, User, Enrollment, Attendance, Agreement, Completion)

# The consultants who lead a session or are responsible for a module have logins.
# They are not the respondent; these paths are the only ones allowed.
KNOWN_PATHS = {
    "session.process_leader.user",
    "session.group.process_leaders.user",
    "session.module.responsible_consultant.user",
}


def _forward_relations(model):
    for field in model._meta.get_fields():
        forward = (field.is_relation and field.concrete) or field.many_to_many
        if forward and not field.auto_created:
            yield field


def _paths_to_personal(model, prefix="", seen=()):
    """Every simple path of forward relations from ``model`` to a personal model."""
    for field in _forward_relations(model):
        target = field.related_model
        path = f"{prefix}{field.name}"
        if target in PERSONAL:
            yield path
            continue
        if target in seen or target is model:
            continue
        yield from _paths_to_personal(target, f"{path}.", (*seen, model))


def _normalised(path: str) -> str:
    """Paths through the question's module reach the same consultants as the session's."""
    return path.replace("question.version.form.module.", "session.module.").replace(
        "theme.program.", "session.group.round.program."
    )


@pytest.mark.parametrize("model", ANSWER_MODELS, ids=lambda m: m.__name__)
def test_answer_model_has_no_path_to_a_person(model):
    paths = {_normalised(p) for p in _paths_to_personal(model)}

    assert paths <= KNOWN_PATHS, f"{model.__name__} reaches a person: {sorted(paths - KNOWN_PATHS)}"


@pytest.mark.parametrize("model", ANSWER_MODELS, ids=lambda m: m.__name__)
def test_nothing_points_at_an_answer(model):
    pointing = [
        f"{other.__name__}.{field.name}"
        for other in apps.get_models()
        for field in other._meta.get_fields()
        if field.is_relation and field.related_model is model and not field.auto_created
    ]

    assert pointing == []


@pytest.mark.parametrize("model", ANSWER_MODELS, ids=lambda m: m.__name__)
def test_answer_model_has_a_random_key_no_time_of_day_and_no_client_data(model):
    fields = model._meta.concrete_fields

    assert isinstance(model._meta.pk, models.UUIDField)
    assert model._meta.ordering == ["id"]
    assert [f.name for f in fields if isinstance(f, models.DateTimeField | models.TimeField)] == []
    assert [
        f.name
        for f in fields
        if isinstance(f, models.GenericIPAddressField)
        or any(word in f.name for word in ("ip", "agent", "user", "person", "enrollment"))
    ] == []


def test_an_envelope_holds_its_session_and_the_sealed_bytes_only():
    assert [f.name for f in SealedAnswers._meta.concrete_fields] == ["id", "session", "sealed"]


def test_completion_holds_nothing_but_who_and_which_session():
    assert [f.name for f in Completion._meta.concrete_fields] == ["id", "enrollment", "session"]
    assert isinstance(Completion._meta.pk, models.UUIDField)


@pytest.mark.django_db(transaction=True)
def test_all_answer_rows_of_a_session_share_one_transaction_id_that_wrote_no_completion(org):
    """PostgreSQL stamps each row with the id of the transaction that last wrote it (xmin).

    The respondents' transactions write completions and envelopes only; the fold
    writes every answer row of the session in one transaction of its own.
    """
    if connection.vendor != "postgresql":
        pytest.fail("xmin is a PostgreSQL system column: run with `make test`.")
    program = make_program(org)
    setup = make_group(program=program, size=3)
    session = setup.sessions[1]
    for n, enrollment in enumerate(setup.enrollments):
        answer(enrollment, session, value=4 + n % 2, text=f"Svar {n}", comment=f"Kommentar {n}")
    fold(session)

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT DISTINCT xmin::text FROM evaluations_ratingcounter WHERE session_id = %s "
            "UNION SELECT DISTINCT xmin::text FROM evaluations_textanswer WHERE session_id = %s",
            [session.pk, session.pk],
        )
        stamps = {row[0] for row in cursor.fetchall()}
        cursor.execute("SELECT xmin::text FROM evaluations_completion")
        respondents = {row[0] for row in cursor.fetchall()}

    assert len(stamps) == 1
    assert len(respondents) == 3
    assert stamps & respondents == set()
