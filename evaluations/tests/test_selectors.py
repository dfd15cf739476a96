"""Reads: open evaluations for a participant, published texts, HR's review queue."""

import datetime as dt

import pytest

from evaluations import rules
from evaluations.models import ReviewState, TextAnswer
from evaluations.selectors import open_evaluations_for, published_texts, review_queue
from programs.models import Attendance

from .factories import answer, answer_all, close_window, fold, make_group, make_program

pytestmark = pytest.mark.django_db


@pytest.fixture
def program(org):
    return make_program(org)


def test_open_evaluations_are_attended_ended_unanswered_and_within_the_deadline(program):
    setup = make_group(program=program, size=2, modules=(1, 2, 3))
    person = setup.enrollments[0].person
    answer(setup.enrollments[0], setup.sessions[1])
    Attendance.objects.filter(enrollment=setup.enrollments[0], session=setup.sessions[3]).update(
        status=Attendance.Status.ABSENT
    )
    later = make_group(program=program, size=1, ended_ago=dt.timedelta(hours=-3))

    items = open_evaluations_for(person=person)

    assert [item.session for item in items] == [setup.sessions[2]]
    assert items[0].deadline == setup.sessions[2].ends_at + dt.timedelta(days=rules.window_days())
    assert open_evaluations_for(person=later.enrollments[0].person) == []


def test_an_evaluation_is_no_longer_open_after_its_deadline(program):
    setup = make_group(program=program, size=1)
    close_window(setup.sessions[1])

    assert open_evaluations_for(person=setup.enrollments[0].person) == []


def test_published_texts_need_publication_a_closed_window_and_k_answers(program):
    setup = make_group(program=program, size=5)
    answer_all(setup, 1, 5, text="Bra")
    fold(setup.sessions[1])
    TextAnswer.objects.update(review=ReviewState.PUBLIC)

    while_open = list(published_texts(program=program))
    close_window(setup.sessions[1])
    TextAnswer.objects.filter(pk=TextAnswer.objects.first().pk).update(review=ReviewState.HIDDEN)

    assert while_open == []
    assert published_texts(program=program).count() == 4


def test_review_queue_leaves_out_open_and_small_sessions(program):
    big = make_group(program=program, size=5)
    small = make_group(program=program, size=4)
    still_open = make_group(program=program, size=6)
    for setup in (big, small, still_open):
        answer_all(setup, 1, len(setup.enrollments), text="Text")
    close_window(big.sessions[1], small.sessions[1])

    queue = review_queue(program=program, kind="texts", state=ReviewState.UNREVIEWED)

    assert {t.session_id for t in queue} == {big.sessions[1].pk}
    assert queue.count() == 5


# --- The form to answer, in one query (form_content_for_module) ----------------------------


def test_the_form_for_a_module_is_what_form_content_gives_in_one_query(
    org, django_assert_num_queries
):
    from evaluations.models import FormVersion, Question
    from evaluations.selectors import form_content, form_content_for_module
    from evaluations.services import evaluation_form_ensure

    program = make_program(org)
    first, last = program.modules.get(order=1), program.modules.get(order=4)
    assert form_content_for_module(module=first) is None  # no form yet: ensure it first
    form = evaluation_form_ensure(module=first)
    old = form.versions.get()
    new = FormVersion.objects.create(form=form, number=2)
    Question.objects.create(
        version=new, order=1, kind=Question.Kind.TEXT, text="Vad tar du med dig?"
    )

    with django_assert_num_queries(1):
        newest = form_content_for_module(module=first)
    expected = form_content(form=form)
    assert (newest.form.pk, newest.version.pk, newest.themes) == (form.pk, new.pk, [])
    assert newest.questions == expected.questions
    assert newest.form.module is first

    chosen = form_content_for_module(module=first, version_id=old.pk)
    assert chosen.version == old
    assert chosen.questions == form_content(form=form, version=old).questions
    assert len(chosen.questions) == 7  # the default questions

    # Another module's version, or one that does not exist: not this form's.
    last_form = evaluation_form_ensure(module=last)
    assert form_content_for_module(module=first, version_id=last_form.versions.get().pk) is None
    assert form_content_for_module(module=first, version_id=new.pk + 1000) is None

    with django_assert_num_queries(2):  # the last module collects effects: and its themes
        effects = form_content_for_module(module=last)
    assert [t.name for t in effects.themes] == [t.name for t in form_content(form=last_form).themes]
    assert len(effects.themes) == 3
