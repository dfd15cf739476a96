"""Results per role, texts and their review, the export, forms and themes, query counts."""

import io

import openpyxl
import pytest
from django.core.cache import cache
from django.urls import reverse

from core.tests import html
from evaluations.models import (
    EffectTheme,
    EvaluationForm,
    FormVersion,
    ReviewState,
    TextAnswer,
)
from evaluations.services import evaluation_form_ensure
from participants.tests.factories import ConsultantFactory, UserFactory

from .factories import (
    answer,
    answer_all,
    close_window,
    make_group,
    make_program,
    participant_login,
    publish_texts,
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


def _results_url(org, program, name="results"):
    return reverse(f"evaluations:{name}", kwargs={"org": org.slug, "program_id": program.pk})


# --- Results pages --------------------------------------------------------------------------------


@pytest.fixture
def closed_results(program):
    small = make_group(program=program, size=6, name="Liten grupp")
    large = make_group(program=program, size=10, name="Stor grupp")
    other = make_group(program=program, size=8, name="Tredje gruppen")
    answer_all(small, 1, 4, value=1, text="Ett litet svar")
    answer_all(large, 1, 10, value=5, text="Ett stort svar")
    answer_all(other, 1, 8, value=4)
    close_window(small.sessions[1], large.sessions[1], other.sessions[1])
    return small, large, other


def test_results_page_shows_the_program_mean_with_a_swedish_comma(
    client, org, program, hr_user, closed_results
):
    client.force_login(hr_user)

    response = client.get(_results_url(org, program))
    html = response.content.decode()

    assert response.status_code == 200
    assert response.context["results"].total.mean is not None
    assert f"{response.context['results'].total.mean:.1f}".replace(".", ",") in html
    assert "<svg" in html and "<style" not in html and "style=" not in html


def test_a_group_with_four_answers_shows_no_mean_on_the_page(
    client, org, program, steering_user, closed_results
):
    small, _, _ = closed_results
    client.force_login(steering_user)

    response = client.get(_results_url(org, program))
    row = next(r for r in response.context["results"].group_rows() if r.group == small.group)

    assert row.total.mean is None
    assert row.cells[0].figures.mean is None
    assert "färre än 5" in response.content.decode()


def test_process_leader_sees_only_the_groups_they_lead(client, org, program, closed_results):
    _, large, _ = closed_results
    leader = ConsultantFactory(organisations=[org])
    leader.user = UserFactory(email="pl@konsult.test")
    leader.save()
    large.group.process_leaders.add(leader)
    client.force_login(leader.user)

    response = client.get(_results_url(org, program))

    assert [r.group.name for r in response.context["results"].group_rows()] == ["Stor grupp"]
    assert response.context["results"].complete is False
    assert "Tredje gruppen" not in response.content.decode()


def test_steering_group_sees_no_unreviewed_or_hidden_text(
    client, org, program, steering_user, closed_results
):
    _, large, _ = closed_results
    texts = list(TextAnswer.objects.filter(session=large.sessions[1]).order_by("id"))
    TextAnswer.objects.filter(pk=texts[0].pk).update(review=ReviewState.PUBLIC)
    TextAnswer.objects.filter(pk=texts[1].pk).update(review=ReviewState.HIDDEN)
    client.force_login(steering_user)

    response = client.get(_results_url(org, program, "comments"))

    assert [t.pk for t in response.context["texts"]] == [texts[0].pk]
    assert response.content.decode().count("Ett stort svar") == 1


def test_published_texts_of_a_group_under_k_are_never_shown(
    client, org, program, steering_user, closed_results
):
    small, _, _ = closed_results
    publish_texts(small.sessions[1])
    client.force_login(steering_user)

    response = client.get(_results_url(org, program, "comments"))

    assert "Ett litet svar" not in response.content.decode()
    assert list(response.context["texts"]) == []


def test_hr_reviews_texts_and_the_queue_leaves_out_groups_under_k(
    client, org, program, hr_user, closed_results
):
    _, large, _ = closed_results
    client.force_login(hr_user)
    url = _results_url(org, program, "review")

    queue = client.get(url)
    first = queue.context["items"][0]
    response = client.post(
        url, {"item": str(first.pk), "decision": "hidden", "typ": "texts", "status": "unreviewed"}
    )

    assert {t.session_id for t in queue.context["items"]} == {large.sessions[1].pk}
    assert len(queue.context["items"]) == 10
    assert response.status_code == 302
    assert TextAnswer.objects.get(pk=first.pk).review == ReviewState.HIDDEN
    followed = client.get(response["Location"])
    assert [str(m) for m in followed.context["messages"]] == [
        "Texten är dold. Den visas aldrig utanför HR."
    ]


def test_reviewing_another_organisations_text_is_404(
    client, org, other_org, program, hr_user, closed_results
):
    foreign_program = make_program(other_org)
    foreign = make_group(program=foreign_program, size=1)
    answer(foreign.enrollments[0], foreign.sessions[1], text="Främmande")
    close_window(foreign.sessions[1])
    foreign_text = TextAnswer.objects.get(text="Främmande")
    client.force_login(hr_user)

    response = client.post(
        _results_url(org, program, "review"),
        {"item": str(foreign_text.pk), "decision": "public", "typ": "texts"},
    )

    assert response.status_code == 404
    assert TextAnswer.objects.get(pk=foreign_text.pk).review == ReviewState.UNREVIEWED


def test_export_has_no_mean_for_the_group_with_four_answers(
    client, org, program, hr_user, closed_results
):
    client.force_login(hr_user)

    response = client.get(_results_url(org, program, "results_export"))
    sheet = openpyxl.load_workbook(io.BytesIO(response.content))["Resultat"]
    rows = sheet.iter_rows(min_row=2)
    small_means = [row[7].value for row in rows if row[2].value == "Liten grupp"]

    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert small_means == [None, None]


def test_results_query_count_does_not_grow_with_the_data(
    client, org, program, hr_user, queries, closed_results
):
    client.force_login(hr_user)

    def grow():
        for n in range(3):
            setup = make_group(program=program, round_number=2, size=6, modules=(1, 2))
            answer_all(setup, 1, 6, text=f"Text {n}")
            answer_all(setup, 2, 5)
            close_window(*setup.sessions.values())
        cache.clear()  # the figures computed afresh at both sizes, not the minute's page

    queries.assert_flat(client, _results_url(org, program), grow=grow)
    # Read again within the minute: the page is the stored one (session, user, the
    # login's roles, the program, whether anything is left to fold).
    assert queries.count(client, _results_url(org, program))[0] == 5


@pytest.mark.parametrize("name", ["comments", "effects", "review"])
def test_text_pages_query_count_does_not_grow_with_the_data(
    client, org, program, hr_user, queries, closed_results, name
):
    publish_texts(closed_results[1].sessions[1])
    client.force_login(hr_user)

    def grow():
        setup = make_group(program=program, round_number=2, size=7, modules=(1, 4))
        evaluation_form_ensure(module=setup.sessions[4].module)
        theme = EffectTheme.objects.filter(program=program).first()
        for enrollment in setup.enrollments:
            answer(enrollment, setup.sessions[1], text="Mer text", comment="Mer")
            answer(enrollment, setup.sessions[4], effects=[(theme.pk, "Effekt")])
        close_window(*setup.sessions.values())
        publish_texts(setup.sessions[1])

    queries.assert_flat(client, _results_url(org, program, name), grow=grow)


def test_participant_sees_the_groups_results_only_after_the_window_and_above_k(
    client, org, setup, participant
):
    answer_all(setup, 1, 5, value=6)
    client.force_login(participant)
    url = reverse("evaluations:my_evaluations", kwargs={"org": org.slug})

    open_page = client.get(url)
    close_window(setup.sessions[1])
    closed_page = client.get(url)

    assert open_page.context["row"].cells[0].figures.mean is None
    assert closed_page.context["row"].cells[0].figures.mean is not None
    assert "6,0" in closed_page.content.decode()


def test_participants_note_calls_the_percentages_a_distribution_not_a_response_rate(
    client, org, setup, participant
):
    answer_all(setup, 1, 5, value=6)
    close_window(setup.sessions[1])
    client.force_login(participant)

    page = html.parse(client.get(reverse("evaluations:my_evaluations", kwargs={"org": org.slug})))

    assert page.texts(".text-body-secondary p")[0] == (
        "Medelvärdena gäller skalan 1–6. Procentsatserna under 1–6 är andelen av svaren "
        "som gav varje värde. ”färre än 5”: färre än 5 personer svarade, så inget visas."
    )
    assert "svarsfrekvens" not in page.text()


# --- Forms and themes ----------------------------------------------------------------------------


def _formset_data(questions, *, collects=False):
    data = {
        "q-TOTAL_FORMS": str(len(questions)),
        "q-INITIAL_FORMS": "0",
        "q-MIN_NUM_FORMS": "0",
        "q-MAX_NUM_FORMS": "1000",
    }
    if collects:
        data["collects_effects"] = "on"
    for index, (kind, text) in enumerate(questions):
        data.update(
            {
                f"q-{index}-kind": kind,
                f"q-{index}-text": text,
                f"q-{index}-low_label": "Inte alls",
                f"q-{index}-high_label": "Helt",
                f"q-{index}-ORDER": str(index + 1),
            }
        )
    return data


def test_hr_edits_a_form_with_answers_and_gets_a_new_version(client, org, program, hr_user, setup):
    answer(setup.enrollments[0], setup.sessions[1])
    module = setup.sessions[1].module
    client.force_login(hr_user)
    url = reverse(
        "evaluations:form_edit",
        kwargs={"org": org.slug, "program_id": program.pk, "module_id": module.pk},
    )

    response = client.post(
        url, _formset_data([("scale", "Hur nöjd är du?"), ("text", "Något mer?")]), follow=True
    )

    form = EvaluationForm.objects.get(module=module)
    assert FormVersion.objects.filter(form=form).count() == 2
    assert list(
        form.versions.get(number=2).questions.order_by("order").values_list("kind", "text")
    ) == [("scale", "Hur nöjd är du?"), ("text", "Något mer?")]
    assert [str(m) for m in response.context["messages"]] == [
        "Formuläret hade svar, så ändringarna sparades som version 2. "
        "Tidigare svar behåller sina frågor."
    ]


def test_hr_edits_a_question_on_the_page_as_drawn_and_leaves_the_empty_rows_alone(
    client, org, program, hr_user, setup
):
    """What a browser posts: every row the page drew, the two empty extra rows included."""
    module = setup.sessions[1].module
    client.force_login(hr_user)
    url = reverse(
        "evaluations:form_edit",
        kwargs={"org": org.slug, "program_id": program.pk, "module_id": module.pk},
    )
    page = html.parse(client.get(url))
    (form,) = [f for f in page.select("form") if any(e.get("name") == "q-0-text" for e in f.iter())]
    data = {**html.form_data(form), "q-0-text": "Hur väl passade dagen dig?"}

    response = client.post(url, data, follow=True)

    version = EvaluationForm.objects.get(module=module).versions.get()
    assert list(version.questions.order_by("order").values_list("order", "text"))[:2] == [
        (1, "Hur väl passade dagen dig?"),
        (2, "Jag har fått verktyg som jag kan pröva och tillämpa i min vardag som chef."),
    ]
    assert version.questions.count() == 7
    assert [str(m) for m in response.context["messages"]] == ["Formuläret sparades."]


def test_hr_form_edit_page_shows_the_default_questions_before_the_form_exists(
    client, org, program, hr_user
):
    client.force_login(hr_user)
    module = program.modules.get(order=2)

    response = client.get(
        reverse(
            "evaluations:form_edit",
            kwargs={"org": org.slug, "program_id": program.pk, "module_id": module.pk},
        )
    )

    assert response.status_code == 200
    assert len(response.context["formset"].forms) == 7 + 2
    assert EvaluationForm.objects.filter(module=module).exists() is False


def test_hr_saves_the_themes(client, org, program, hr_user):
    client.force_login(hr_user)

    response = client.post(
        _results_url(org, program, "forms"),
        {"theme1": "Helhetssyn", "theme2": "Tydlighet", "theme3": "Förändring", "theme4": ""},
        follow=True,
    )

    assert list(EffectTheme.objects.filter(program=program).values_list("name", flat=True)) == [
        "Helhetssyn",
        "Tydlighet",
        "Förändring",
    ]
    assert [str(m) for m in response.context["messages"]] == ["Temana sparades."]
