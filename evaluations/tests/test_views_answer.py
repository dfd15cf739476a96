"""The participant's pages: the answer form, a repeat submit, errors, effects, open evaluations."""

import logging

import pytest
from django.conf import settings
from django.urls import reverse

from core.models import OutboxTask
from evaluations.models import (
    Completion,
    EffectTheme,
    Question,
    RatingCounter,
    SealedAnswers,
    TextAnswer,
)
from evaluations.services import evaluation_form_ensure
from programs.models import Attendance
from programs.tests.factories import SessionFactory

from .factories import (
    answer,
    close_window,
    fold,
    make_group,
    make_program,
    participant_login,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def program(org):
    return make_program(org)


@pytest.fixture
def setup(program):
    return make_group(program=program, size=6, name="Grupp Ek")


@pytest.fixture
def participant(setup):
    return participant_login(setup.enrollments[0], "deltagare@orebro.test")


def _answer_url(org, session):
    return reverse("evaluations:answer", kwargs={"org": org.slug, "session_id": session.pk})


def _post_data(session, *, value="5", skip=(), comment="", text=""):
    form = evaluation_form_ensure(module=session.module)
    version = form.versions.order_by("-number").first()
    data = {"version": str(version.pk)}
    for question in version.questions.order_by("order"):
        if question.kind == Question.Kind.SCALE and question.order not in skip:
            data[f"q{question.pk}"] = value
        if question.kind == Question.Kind.SCALE and question.allow_comment and comment:
            data[f"c{question.pk}"] = comment
        if question.kind == Question.Kind.TEXT and text and question.order == 6:
            data[f"t{question.pk}"] = text
    return data


# --- Answering -------------------------------------------------------------------------------


def test_answer_page_shows_each_scale_as_a_fieldset_of_labelled_radios(
    client, org, setup, participant
):
    client.force_login(participant)

    response = client.get(_answer_url(org, setup.sessions[1]))
    html = response.content.decode()

    assert response.status_code == 200
    assert html.count("<fieldset") == 5
    assert html.count("<legend") == 5
    assert html.count('type="radio"') == 30
    assert '<label class="form-check-label" for="' in html
    assert "1 – Instämmer inte alls" in html
    assert "6 – Instämmer helt" in html
    assert "Spåra effekter av SVC" not in html


def test_the_drawn_form_follows_question_edits_and_the_language(client, org, setup, participant):
    """The unbound form's HTML is cached; an edit in place or another language draws it anew."""
    client.force_login(participant)
    url = _answer_url(org, setup.sessions[1])
    assert "Kommentar (frivillig)" in client.get(url).content.decode()
    version = evaluation_form_ensure(module=setup.sessions[1].module).versions.get()
    first = version.questions.get(order=1)
    old_text = first.text

    Question.objects.filter(pk=first.pk).update(text="Hur väl passade dagen dig?")
    edited = client.get(url).content.decode()

    assert "Hur väl passade dagen dig?" in edited
    assert old_text not in edited
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(url).content.decode()
    assert "Comment (optional)" in english
    assert "Kommentar (frivillig)" not in english
    assert "Hur väl passade dagen dig?" in english


def test_posting_the_form_stores_it_and_redirects_to_the_thank_you(client, org, setup, participant):
    client.force_login(participant)
    session = setup.sessions[1]

    response = client.post(_answer_url(org, session), _post_data(session, text="Navigatorn."))

    assert response.status_code == 302
    assert response["Location"] == reverse(
        "evaluations:thanks", kwargs={"org": org.slug, "session_id": session.pk}
    )
    assert Completion.objects.filter(session=session).count() == 1
    assert SealedAnswers.objects.filter(session=session).count() == 1
    thanks = client.get(response["Location"])
    assert "Tack för dina svar" in thanks.content.decode()
    fold(session)
    assert list(TextAnswer.objects.values_list("text", flat=True)) == ["Navigatorn."]


def test_nothing_but_the_envelope_keeps_the_answer_after_the_post(
    client, org, setup, participant, caplog
):
    """No draft, session entry, log line, cache entry or outbox row carries the text."""
    client.force_login(participant)
    session = setup.sessions[1]
    caplog.set_level(logging.DEBUG)

    client.post(_answer_url(org, session), _post_data(session, text="Hemligt svar 4711."))

    stored = client.session.load()
    assert "Hemligt svar 4711" not in repr(stored)
    assert "Hemligt svar 4711" not in caplog.text
    assert OutboxTask.objects.count() == 0
    assert not any("Hemligt svar 4711" in repr(v) for v in _cached_values())
    assert TextAnswer.objects.count() == 0
    assert b"Hemligt svar 4711" not in bytes(SealedAnswers.objects.get().sealed)


def _cached_values():
    """Every stored value (pickled bytes) of both caches, in local memory or in Redis."""
    from django.core.cache import caches
    from django.core.cache.backends.redis import RedisCache

    for alias in ("default", "ratelimit"):
        backend = caches[alias]
        if isinstance(backend, RedisCache):
            client = backend._cache.get_client()
            yield from (client.get(key) for key in client.scan_iter())
        else:
            yield from backend._cache.values()


def test_a_second_post_stores_nothing_and_says_so_in_swedish(client, org, setup, participant):
    client.force_login(participant)
    session = setup.sessions[1]
    client.post(_answer_url(org, session), _post_data(session, value="6"))

    response = client.post(_answer_url(org, session), _post_data(session, value="1"), follow=True)

    assert Completion.objects.count() == 1
    assert RatingCounter.objects.filter(value=1, count__gt=0).count() == 0
    assert [str(m) for m in response.context["messages"]] == [
        "Du har redan besvarat den här utvärderingen. Ditt första svar finns kvar; "
        "inget nytt sparades."
    ]


def test_errors_are_summarised_and_everything_typed_is_kept(client, org, setup, participant):
    client.force_login(participant)
    session = setup.sessions[1]
    data = _post_data(session, value="4", skip=(2,), comment="Min kommentar", text="Mitt svar")

    response = client.post(_answer_url(org, session), data)
    html = response.content.decode()
    form = response.context["form"]

    assert response.status_code == 200
    assert Completion.objects.count() == 0
    assert [message for _, message in form.error_summary()] == [
        "Välj ett värde från 1 till 6 för ”Jag har fått verktyg som jag kan pröva och "
        "tillämpa i min vardag som chef.”"
    ]
    assert form.error_summary()[0][0].endswith("_0")
    assert "data-error-summary" in html
    assert html.count("checked") == 4
    assert html.count("Min kommentar</textarea>") == 3
    assert "Mitt svar</textarea>" in html


def test_a_session_the_participant_did_not_attend_explains_why(client, org, setup, participant):
    Attendance.objects.filter(enrollment=setup.enrollments[0]).update(
        status=Attendance.Status.ABSENT
    )
    client.force_login(participant)

    response = client.get(_answer_url(org, setup.sessions[1]))

    assert response.status_code == 200
    assert (
        "Du kan utvärdera ett modultillfälle när din närvaro där är registrerad."
        in response.content.decode()
    )
    assert "form-check-input" not in response.content.decode()


def test_a_closed_evaluation_says_when_it_closed(client, org, setup, participant):
    close_window(setup.sessions[1])
    client.force_login(participant)

    response = client.get(_answer_url(org, setup.sessions[1]))

    assert response.status_code == 200
    assert "Utvärderingen stängde" in response.content.decode()
    assert '<form method="post" novalidate' not in response.content.decode()


def test_the_last_module_asks_for_effects_with_the_three_themes(client, org, program):
    setup = make_group(program=program, size=1, modules=(4,))
    user = participant_login(setup.enrollments[0], "sista@orebro.test")
    client.force_login(user)
    session = setup.sessions[4]

    page = client.get(_answer_url(org, session)).content.decode()
    theme = EffectTheme.objects.get(program=program, order=3)
    data = _post_data(session)
    data.update({"effect1_theme": str(theme.pk), "effect1_text": "Jag leder förändring bättre."})
    client.post(_answer_url(org, session), data)
    fold(session)

    assert "Spåra effekter av SVC" in page
    assert page.count("Bättre på att leda förändring") == 3
    assert list(session.effect_entries.values_list("theme__name", "text")) == [
        ("Bättre på att leda förändring", "Jag leder förändring bättre.")
    ]


def test_an_effect_without_a_theme_is_an_error(client, org, program):
    setup = make_group(program=program, size=1, modules=(4,))
    client.force_login(participant_login(setup.enrollments[0], "sista@orebro.test"))
    session = setup.sessions[4]
    data = {**_post_data(session), "effect2_text": "Ett tema saknas."}

    response = client.post(_answer_url(org, session), data)

    assert [m for _, m in response.context["form"].error_summary()] == [
        "Välj ett tema för effekt 2."
    ]
    assert "Ett tema saknas.</textarea>" in response.content.decode()


def test_open_evaluations_are_listed_for_the_participant(client, org, setup, participant):
    client.force_login(participant)

    before = client.get(reverse("evaluations:my_evaluations", kwargs={"org": org.slug}))
    answer(setup.enrollments[0], setup.sessions[1])
    after = client.get(reverse("evaluations:my_evaluations", kwargs={"org": org.slug}))

    assert [e.session for e in before.context["open_evaluations"]] == [setup.sessions[1]]
    assert "Utvärdera Del av en helhet" in before.content.decode()
    assert after.context["open_evaluations"] == []
    assert "Du har inga utvärderingar att besvara just nu." in after.content.decode()


def test_session_of_another_group_is_404_for_a_participant(client, org, program, participant):
    other_group = make_group(program=program, size=1).group
    foreign = SessionFactory(group=other_group, module=program.modules.get(order=2))
    client.force_login(participant)

    response = client.get(_answer_url(org, foreign))

    assert response.status_code == 404


# --- What answering costs: the queries of the form's GET and POST ----------------------------


@pytest.mark.parametrize(
    ("modules", "number", "fieldsets", "get_queries", "post_queries"),
    [
        # session, login, roles, session + enrollment, the questions with their version and
        # form; the POST adds the fresh answer state and the transaction's two rows.
        ((1, 2), 1, 5, 6, 11),
        # The last module also reads the program's effect themes (three effect entries).
        ((4,), 4, 8, 7, 12),
    ],
)
def test_the_form_costs_a_fixed_number_of_queries(
    client,
    org,
    program,
    django_assert_num_queries,
    modules,
    number,
    fieldsets,
    get_queries,
    post_queries,
):
    setup = make_group(program=program, size=3, modules=modules)
    client.force_login(participant_login(setup.enrollments[0], "fraga@orebro.test"))
    session = setup.sessions[number]
    data = _post_data(session)  # the form exists (evaluation_form_ensure)

    with django_assert_num_queries(get_queries):
        page = client.get(_answer_url(org, session))
    assert page.status_code == 200
    assert page.content.decode().count("<fieldset") == fieldsets

    with django_assert_num_queries(post_queries) as captured:
        response = client.post(_answer_url(org, session), data)
    assert response.status_code == 302
    assert Completion.objects.filter(session=session).count() == 1
    assert SealedAnswers.objects.filter(session=session).count() == 1
    statements = [q["sql"].split()[0] for q in captured.captured_queries]
    assert statements.count("INSERT") == 2
