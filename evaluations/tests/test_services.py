"""Answering an evaluation: one submission per participant and session, stored without a person."""

import datetime as dt
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from core.models import OutboxTask
from evaluations import selectors, services
from evaluations.models import (
    Completion,
    EffectEntry,
    EffectTheme,
    EvaluationForm,
    FormVersion,
    Question,
    RatingCounter,
    ReviewState,
    SealedAnswers,
    TextAnswer,
)
from programs.models import Attendance

from .factories import answer, answers_for, close_window, fold, make_group, make_program

pytestmark = pytest.mark.django_db


@pytest.fixture
def program(org):
    return make_program(org)


@pytest.fixture
def setup(program):
    return make_group(program=program, size=6)


def _counts(session) -> dict[tuple[int, int], int]:
    return {
        (c.question.order, c.value): c.count
        for c in RatingCounter.objects.filter(session=session, count__gt=0).select_related(
            "question"
        )
    }


def test_default_form_has_five_scale_questions_two_open_ones_and_swedish_end_labels(program):
    form = services.evaluation_form_ensure(module=program.modules.get(order=1))

    questions = list(form.versions.get().questions.order_by("order"))

    assert [q.kind for q in questions] == ["scale"] * 5 + ["text"] * 2
    assert (questions[0].low_label, questions[0].high_label) == (
        "Instämmer inte alls",
        "Instämmer helt",
    )
    assert [q.allow_comment for q in questions[:5]] == [True, True, False, False, True]
    assert form.collects_effects is False


def test_last_module_collects_effects_and_program_gets_three_themes(program):
    form = services.evaluation_form_ensure(module=program.modules.get(order=4))

    assert form.collects_effects is True
    assert list(EffectTheme.objects.filter(program=program).values_list("name", flat=True)) == [
        "Ökad helhetssyn i chefsrollen",
        "Tydligare chefer och säkrare beslut",
        "Bättre på att leda förändring",
    ]


def test_ensuring_a_form_twice_creates_it_once(program):
    module = program.modules.get(order=2)

    first = services.evaluation_form_ensure(module=module)
    second = services.evaluation_form_ensure(module=module)

    assert first.pk == second.pk
    assert FormVersion.objects.filter(form__module=module).count() == 1


def test_submit_stores_a_completion_counters_and_texts_without_a_person(setup):
    session, enrollment = setup.sessions[1], setup.enrollments[0]

    result = answer(
        enrollment, session, value=[6, 5, 4, 3, 2], comment="Mycket relevant.", text="Navigatorn."
    )

    assert result.stored is True
    assert list(Completion.objects.values_list("enrollment_id", "session_id")) == [
        (enrollment.pk, session.pk)
    ]
    assert list(SealedAnswers.objects.values_list("session_id", flat=True)) == [session.pk]
    assert RatingCounter.objects.count() == TextAnswer.objects.count() == 0

    fold(session)

    assert SealedAnswers.objects.count() == 0
    assert _counts(session) == {(1, 6): 1, (2, 5): 1, (3, 4): 1, (4, 3): 1, (5, 2): 1}
    assert RatingCounter.objects.filter(session=session).count() == 5 * 6
    assert sorted(TextAnswer.objects.values_list("text", "review")) == [
        ("Mycket relevant.", ReviewState.UNREVIEWED),
        ("Navigatorn.", ReviewState.UNREVIEWED),
    ]


def test_answers_are_dated_by_the_day_only(setup):
    answer(setup.enrollments[0], setup.sessions[1], text="Bra dag.")

    fold(setup.sessions[1])
    text = TextAnswer.objects.get()

    assert isinstance(text.submitted_on, dt.date)
    assert not isinstance(text.submitted_on, dt.datetime)


def test_counters_add_up_over_several_participants(setup):
    session = setup.sessions[1]
    for enrollment, value in zip(setup.enrollments, [5, 5, 6, 4, 5, 1], strict=True):
        answer(enrollment, session, value=value)

    fold(session)

    assert _counts(session) == {
        (order, value): n for order in range(1, 6) for value, n in {1: 1, 4: 1, 5: 3, 6: 1}.items()
    }


def test_second_submit_stores_nothing_and_says_already_answered(setup):
    session, enrollment = setup.sessions[1], setup.enrollments[0]
    answer(enrollment, session, value=6, text="Första svaret.")

    second = answer(enrollment, session, value=1, text="Andra svaret.")

    assert second.stored is False
    assert second.already_answered is True
    assert Completion.objects.count() == 1
    fold(session)
    assert _counts(session) == {(order, 6): 1 for order in range(1, 6)}
    assert list(TextAnswer.objects.values_list("text", flat=True)) == ["Första svaret."]


def test_a_page_loaded_before_another_tab_answered_still_stores_nothing(setup):
    """The page's facts say "not answered"; the submit reads them again and keeps the first."""
    session, enrollment = setup.sessions[1], setup.enrollments[0]
    enrollment.answer_facts = selectors.AnswerFacts(
        session_id=session.pk, answered=False, present=True
    )
    assert selectors.answer_state(enrollment=enrollment, session=session) == "open"
    answer(setup.enrollments[0], session, value=6)

    second = services.evaluation_submit(
        enrollment=enrollment, session=session, answers=answers_for(session, value=1)
    )

    assert second.stored is False
    assert selectors.answer_state(enrollment=enrollment, session=session) == "open"
    assert selectors.answer_state(enrollment=enrollment, session=session, fresh=True) == "answered"
    fold(session)
    assert _counts(session) == {(order, 6): 1 for order in range(1, 6)}


def test_participant_who_did_not_attend_cannot_answer(setup):
    Attendance.objects.filter(enrollment=setup.enrollments[0]).update(
        status=Attendance.Status.ABSENT
    )

    with pytest.raises(services.NotAnswerable) as error:
        answer(setup.enrollments[0], setup.sessions[1])

    assert error.value.code == "not_attended"
    assert Completion.objects.count() == 0


def test_participant_of_another_group_cannot_answer(program, setup):
    other = make_group(program=program, size=1)

    with pytest.raises(services.NotAnswerable) as error:
        answer(other.enrollments[0], setup.sessions[1])

    assert error.value.code == "not_attended"


def test_evaluation_is_closed_after_the_deadline(setup, settings):
    settings.EVALUATION_WINDOW_DAYS = 14
    close_window(setup.sessions[1])

    with pytest.raises(services.NotAnswerable) as error:
        answer(setup.enrollments[0], setup.sessions[1])

    assert error.value.code == "closed"


def test_evaluation_opens_when_the_session_ends(program):
    setup = make_group(program=program, size=1, ended_ago=dt.timedelta(hours=-2))

    with pytest.raises(services.NotAnswerable) as error:
        answer(setup.enrollments[0], setup.sessions[1])

    assert error.value.code == "not_yet"


def test_missing_rating_is_refused_and_nothing_is_stored(setup):
    session = setup.sessions[1]
    answers = answers_for(session)
    incomplete = services.SubmittedAnswers(
        version_id=answers.version_id, ratings=dict(list(answers.ratings.items())[:4])
    )

    with pytest.raises(ValidationError) as error:
        services.evaluation_submit(
            enrollment=setup.enrollments[0], session=session, answers=incomplete
        )

    assert error.value.messages == ["Besvara alla frågor på skalan 1–6."]
    assert Completion.objects.count() == 0


def test_comment_on_a_question_without_comments_is_refused(setup):
    session = setup.sessions[1]
    answers = answers_for(session)
    no_comment = Question.objects.get(version_id=answers.version_id, order=3)

    with pytest.raises(ValidationError) as error:
        services.evaluation_submit(
            enrollment=setup.enrollments[0],
            session=session,
            answers=services.SubmittedAnswers(
                version_id=answers.version_id,
                ratings=answers.ratings,
                texts={no_comment.pk: "Hej"},
            ),
        )

    assert error.value.code == "form_changed"


def test_text_with_a_nul_character_is_refused(setup):
    with pytest.raises(ValidationError) as error:
        answer(setup.enrollments[0], setup.sessions[1], text="a\x00b")

    assert error.value.messages == ["Texten innehåller ett tecken som inte är tillåtet."]


def test_effect_entries_are_stored_with_their_theme_and_no_person(program):
    setup = make_group(program=program, size=2, modules=(4,))
    session = setup.sessions[4]
    services.evaluation_form_ensure(module=session.module)
    themes = list(EffectTheme.objects.filter(program=program).order_by("order"))

    answer(
        setup.enrollments[0],
        session,
        effects=[(themes[0].pk, "Jag ser helheten."), (themes[2].pk, "Navigatorn hjälpte.")],
    )

    fold(session)

    assert sorted(EffectEntry.objects.values_list("theme__name", "text", "review")) == [
        ("Bättre på att leda förändring", "Navigatorn hjälpte.", "unreviewed"),
        ("Ökad helhetssyn i chefsrollen", "Jag ser helheten.", "unreviewed"),
    ]


def test_effects_on_a_form_without_effects_are_refused(setup, program):
    theme = services.effect_themes_ensure(program=program)[0]

    with pytest.raises(ValidationError) as error:
        answer(setup.enrollments[0], setup.sessions[1], effects=[(theme.pk, "x")])

    assert error.value.code == "no_effects"


def test_submitting_queues_no_task(setup):
    answer(setup.enrollments[0], setup.sessions[1], text="Inget i kön.")

    assert OutboxTask.objects.count() == 0


# --- Versions ------------------------------------------------------------------------------------


def _questions(*texts):
    return [
        services.QuestionData(kind="scale", text=t, low_label="Nej", high_label="Ja") for t in texts
    ]


def test_editing_a_form_without_answers_changes_the_current_version(program):
    form = services.evaluation_form_ensure(module=program.modules.get(order=1))

    version = services.evaluation_form_update(
        form=form, questions=_questions("Ny fråga?"), collects_effects=False
    )

    assert version.number == 1
    assert list(version.questions.values_list("text", "low_label")) == [("Ny fråga?", "Nej")]


def test_editing_a_form_with_answers_creates_a_new_version_and_keeps_old_answers(setup):
    session = setup.sessions[1]
    answer(setup.enrollments[0], session, value=6)
    form = EvaluationForm.objects.get(module=session.module)
    old_version = FormVersion.objects.get(form=form)
    old_questions = set(old_version.questions.filter(kind="scale").values_list("pk", flat=True))

    version = services.evaluation_form_update(
        form=form, questions=_questions("Ny fråga?"), collects_effects=False
    )
    answer(setup.enrollments[1], session, value=[2])

    fold(session)

    assert version.number == 2
    assert FormVersion.objects.filter(form=form).count() == 2
    assert (
        set(
            RatingCounter.objects.filter(session=session, count__gt=0)
            .exclude(question__version=version)
            .values_list("question_id", flat=True)
        )
        == old_questions
    )
    assert list(
        RatingCounter.objects.filter(question__version=version, count__gt=0).values_list(
            "value", "count"
        )
    ) == [(2, 1)]


def test_saving_unchanged_questions_creates_no_version(setup):
    answer(setup.enrollments[0], setup.sessions[1])
    form = EvaluationForm.objects.get(module=setup.sessions[1].module)
    current = selectors.current_version(form)

    version = services.evaluation_form_update(
        form=form,
        questions=[services.question_data(q) for q in current.questions.order_by("order")],
        collects_effects=False,
    )

    assert version.pk == current.pk


def test_a_form_needs_a_scale_question(program):
    form = services.evaluation_form_ensure(module=program.modules.get(order=1))

    with pytest.raises(ValidationError) as error:
        services.evaluation_form_update(
            form=form,
            questions=[services.QuestionData(kind="text", text="Vad tar du med dig?")],
            collects_effects=False,
        )

    assert error.value.messages == ["Formuläret behöver minst en fråga på skalan 1–6."]


def test_answers_posted_for_an_old_version_still_count_for_that_version(setup):
    session = setup.sessions[1]
    old = answers_for(session, value=4)
    answer(setup.enrollments[0], session)
    form = EvaluationForm.objects.get(module=session.module)
    services.evaluation_form_update(form=form, questions=_questions("Ny?"), collects_effects=False)

    result = services.evaluation_submit(
        enrollment=setup.enrollments[1], session=session, answers=old
    )

    fold(session)

    assert result.stored is True
    assert (
        RatingCounter.objects.filter(question__version_id=old.version_id, value=4, count=1).count()
        == 5
    )


# --- Themes ---------------------------------------------------------------------------------------


def test_themes_can_be_renamed_and_an_unused_one_removed(program):
    services.effect_themes_ensure(program=program)

    themes = services.effect_themes_update(
        program=program, names=["Helhetssyn", "", "Förändring", "Nytt tema"]
    )

    assert [(t.order, t.name) for t in themes] == [
        (1, "Helhetssyn"),
        (3, "Förändring"),
        (4, "Nytt tema"),
    ]


def test_a_theme_with_entries_cannot_be_removed(program):
    setup = make_group(program=program, size=1, modules=(4,))
    services.evaluation_form_ensure(module=setup.sessions[4].module)
    theme = EffectTheme.objects.get(program=program, order=2)
    answer(setup.enrollments[0], setup.sessions[4], effects=[(theme.pk, "Tydligare.")])

    with pytest.raises(ValidationError) as error:
        services.effect_themes_update(program=program, names=["A", "", "C"])

    assert error.value.messages == [
        "Temat ”Tydligare chefer och säkrare beslut” har effekter och kan inte tas bort."
    ]


# --- A dead broker and concurrent submissions -----------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_submitting_with_redis_stopped_stores_the_answer(program, redis_stopped):
    setup = make_group(program=program, size=1)

    result = answer(setup.enrollments[0], setup.sessions[1], value=5, text="Utan Redis.")

    assert SealedAnswers.objects.count() == 1
    assert fold(setup.sessions[1]).folded == 1

    assert result.stored is True
    assert Completion.objects.count() == 1
    assert _counts(setup.sessions[1]) == {(order, 5): 1 for order in range(1, 6)}
    assert list(TextAnswer.objects.values_list("text", flat=True)) == ["Utan Redis."]


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_identical_submits_store_exactly_one_answer(program):
    if connection.vendor != "postgresql":
        pytest.fail("Needs PostgreSQL (SQLite serialises writers): run with `make test`.")
    setup = make_group(program=program, size=1)
    session, enrollment = setup.sessions[1], setup.enrollments[0]
    answers = answers_for(session, value=6, text="En gång.")
    barrier = threading.Barrier(2)
    results, errors = [], []

    def submit():
        try:
            barrier.wait(timeout=10)
            results.append(
                services.evaluation_submit(enrollment=enrollment, session=session, answers=answers)
            )
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    fold(session)

    assert errors == []
    assert sorted(r.stored for r in results) == [False, True]
    assert Completion.objects.count() == 1
    assert _counts(session) == {(order, 6): 1 for order in range(1, 6)}
    assert list(TextAnswer.objects.values_list("text", flat=True)) == ["En gång."]


@pytest.mark.django_db(transaction=True)
def test_concurrent_submits_of_different_participants_lose_no_increment(program):
    if connection.vendor != "postgresql":
        pytest.fail("Needs PostgreSQL: run with `make test`.")
    setup = make_group(program=program, size=8)
    session = setup.sessions[1]
    answer(setup.enrollments[0], session, value=3)  # the counters exist before the race
    barrier = threading.Barrier(7)
    errors = []

    def submit(enrollment):
        try:
            barrier.wait(timeout=10)
            answer(enrollment, session, value=5)
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit, args=(e,)) for e in setup.enrollments[1:]]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    fold(session)

    assert errors == []
    assert Completion.objects.count() == 8
    assert _counts(session) == {
        **{(order, 3): 1 for order in range(1, 6)},
        **{(order, 5): 7 for order in range(1, 6)},
    }
