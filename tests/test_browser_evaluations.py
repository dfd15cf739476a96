"""In Chromium, with axe on every page: answering an evaluation by keyboard, a second submit,
the error state, the 320 px layout, and the results pages of HR, the steering group and the
participant."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from evaluations.models import Completion, RatingCounter, SealedAnswers
from evaluations.services import effect_themes_ensure, evaluation_form_ensure
from evaluations.tests.factories import (
    answer,
    answer_all,
    close_window,
    fold,
    make_group,
    make_program,
    participant_login,
    publish_texts,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCALE_QUESTIONS = [
    "Modulens innehåll var relevant för mitt uppdrag som chef.",
    "Jag har fått verktyg som jag kan pröva och tillämpa i min vardag som chef.",
    "Processledarna skapade ett gott lärandeklimat i gruppen.",
    "Det fanns tillräckligt med tid för reflektion och erfarenhetsutbyte.",
    "Sammantaget är jag nöjd med modulen.",
]


@pytest.fixture
def open_evaluation(org):
    """The demo participant's group has just finished module 1: its evaluation is open."""
    program = make_program(org)
    setup = make_group(program=program, size=6, name="Utvecklingsgrupp 7")
    user = participant_login(setup.enrollments[0], "deltagare@orebro.example")
    return setup, user


def _answer_url(live_server, org, session):
    return live_server.url + reverse(
        "evaluations:answer", kwargs={"org": org.slug, "session_id": session.pk}
    )


def _tab_to(page, selector: str, limit: int = 60):
    """Press Tab until the element matching ``selector`` has focus: keyboard only."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"Tab never reached {selector}")


def _rate_by_keyboard(page, question_name: str, value: int):
    """Tab into the radio group, check 1 with Space, then move right to ``value``."""
    _tab_to(page, f'input[type=radio][name="{question_name}"]')
    page.keyboard.press("Space")
    for _ in range(value - 1):
        page.keyboard.press("ArrowRight")


def _scale_names(page) -> list[str]:
    return page.eval_on_selector_all(
        "fieldset input[type=radio][value='1']", "inputs => inputs.map(i => i.name)"
    )


def test_participant_answers_by_keyboard_and_a_second_submit_stores_nothing(
    page, live_server, axe, login_as, org, open_evaluation
):
    setup, user = open_evaluation
    session = setup.sessions[1]
    login_as(page, user)
    url = _answer_url(live_server, org, session)
    second_tab = page.context.new_page()
    second_tab.goto(url)

    page.goto(url)
    expect(page.get_by_role("heading", level=1)).to_have_text("Utvärdering av Del av en helhet")
    for question in SCALE_QUESTIONS:
        expect(page.get_by_role("group", name=question)).to_be_visible()
    axe(page, context="evaluation form")
    for name, value in zip(_scale_names(page), [5, 6, 5, 4, 5], strict=True):
        _rate_by_keyboard(page, name, value)
    _tab_to(page, "textarea[name^=t]")
    page.keyboard.type("Navigatorn och modet att fatta beslut.")
    _tab_to(page, "button[type=submit]")
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text("Tack för dina svar")
    axe(page, context="thank-you")
    assert Completion.objects.filter(session=session).count() == 1
    assert SealedAnswers.objects.filter(session=session).count() == 1
    fold(session)
    stored = dict(
        RatingCounter.objects.filter(session=session, count__gt=0).values_list(
            "question__order", "value"
        )
    )
    assert stored == {1: 5, 2: 6, 3: 5, 4: 4, 5: 5}

    # The same form, still open in a second tab, is sent again.
    for name in _scale_names(second_tab):
        second_tab.locator(f'input[name="{name}"][value="1"]').check()
    second_tab.get_by_role("button", name="Skicka mina svar").click()

    expect(second_tab.get_by_role("status")).to_contain_text(
        "Du har redan besvarat den här utvärderingen. Ditt första svar finns kvar; "
        "inget nytt sparades."
    )
    expect(second_tab.get_by_role("heading", level=1)).to_have_text("Tack för dina svar")
    axe(second_tab, context="already answered")
    assert Completion.objects.filter(session=session).count() == 1
    assert SealedAnswers.objects.count() == 0
    assert RatingCounter.objects.filter(session=session, value=1, count__gt=0).count() == 0


def test_error_summary_takes_focus_and_nothing_typed_is_lost(
    page, live_server, axe, login_as, org, open_evaluation
):
    setup, user = open_evaluation
    login_as(page, user)
    page.goto(_answer_url(live_server, org, setup.sessions[1]))
    names = _scale_names(page)
    page.locator(f'input[name="{names[0]}"][value="6"]').check()
    comment = page.get_by_role("group", name=SCALE_QUESTIONS[0]).get_by_label(
        "Kommentar (frivillig)"
    )
    comment.fill("Mycket relevant.")
    page.get_by_label("Vad kan göras bättre till nästa grupp?").fill("Längre pauser.")

    page.get_by_role("button", name="Skicka mina svar").click()

    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link")).to_have_count(4)
    expect(page.locator(f'input[name="{names[0]}"][value="6"]')).to_be_checked()
    expect(comment).to_have_value("Mycket relevant.")
    expect(page.get_by_label("Vad kan göras bättre till nästa grupp?")).to_have_value(
        "Längre pauser."
    )
    axe(page, context="evaluation form with errors")
    summary.get_by_role("link").first.click()
    expect(page.locator(f'input[name="{names[1]}"][value="1"]')).to_be_focused()
    assert Completion.objects.count() == 0


def test_form_fits_a_320_pixel_screen(page, live_server, axe, login_as, org, open_evaluation):
    setup, user = open_evaluation
    login_as(page, user)
    page.set_viewport_size({"width": 320, "height": 800})

    page.goto(_answer_url(live_server, org, setup.sessions[1]))

    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    axe(page, context="evaluation form at 320 px")


def test_last_module_form_with_effects_is_accessible(page, live_server, axe, login_as, org):
    program = make_program(org)
    setup = make_group(program=program, size=1, modules=(4,))
    evaluation_form_ensure(module=setup.sessions[4].module)
    login_as(page, participant_login(setup.enrollments[0], "sista@orebro.test"))

    page.goto(_answer_url(live_server, org, setup.sessions[4]))

    expect(page.get_by_role("heading", name="Spåra effekter av SVC")).to_be_visible()
    expect(page.get_by_role("group", name="Effekt 1").get_by_label("Tema")).to_be_visible()
    axe(page, context="evaluation form with effects")


@pytest.fixture
def results_data(org):
    program = make_program(org)
    evaluation_form_ensure(module=program.modules.get(order=4))
    themes = effect_themes_ensure(program=program)
    groups = [
        make_group(program=program, size=size, modules=(1, 2, 4), name=name)
        for size, name in [(8, "Grupp A"), (7, "Grupp B"), (6, "Grupp C")]
    ]
    for setup, count in zip(groups, [8, 7, 3], strict=True):
        answer_all(setup, 1, count, value=5, text="Bra dag.")
        answer_all(setup, 2, count, value=4, comment="Mer tid.")
        for n, enrollment in enumerate(setup.enrollments[:count]):
            answer(enrollment, setup.sessions[4], effects=[(themes[n % 3].pk, "Jag ser helheten.")])
        close_window(*setup.sessions.values())
        publish_texts(setup.sessions[1])
    return program, groups


@pytest.mark.parametrize("page_name", ["results", "comments", "effects", "review", "forms"])
def test_hr_result_pages_are_accessible(
    page, live_server, axe, login_as, hr_user, org, results_data, page_name
):
    program, _ = results_data
    login_as(page, hr_user)

    page.goto(
        live_server.url
        + reverse(f"evaluations:{page_name}", kwargs={"org": org.slug, "program_id": program.pk})
    )

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Utvärderingar: Sveriges viktigaste chefsjobb"
    )
    axe(page, context=f"HR {page_name}")


def test_results_page_shows_the_charts_and_hides_the_small_group(
    page, live_server, axe, login_as, steering_user, org, results_data
):
    program, _ = results_data
    login_as(page, steering_user)

    page.goto(
        live_server.url
        + reverse("evaluations:results", kwargs={"org": org.slug, "program_id": program.pk})
    )

    expect(page.get_by_role("img", name="Fördelning av alla svar, 1–6")).to_be_visible()
    expect(page.get_by_role("img", name="Medelvärde per modul och omgång")).to_be_visible()
    group_c = page.get_by_role("row").filter(has_text="Grupp C")
    expect(group_c).to_contain_text("färre än 5")
    axe(page, context="steering group results")


def test_form_editing_page_is_accessible(page, live_server, axe, login_as, hr_user, org):
    program = make_program(org)
    login_as(page, hr_user)

    page.goto(
        live_server.url
        + reverse(
            "evaluations:form_edit",
            kwargs={
                "org": org.slug,
                "program_id": program.pk,
                "module_id": program.modules.get(order=1).pk,
            },
        )
    )

    expect(page.get_by_role("group", name="Fråga 1")).to_be_visible()
    axe(page, context="form editing")


def test_participant_sees_the_groups_results_page(
    page, live_server, axe, login_as, org, results_data
):
    _, groups = results_data
    login_as(page, participant_login(groups[0].enrollments[0], "deltagare@orebro.example"))

    page.goto(live_server.url + reverse("evaluations:my_evaluations", kwargs={"org": org.slug}))

    expect(page.get_by_role("heading", name="Min grupps resultat")).to_be_visible()
    expect(page.get_by_role("row").filter(has_text="Del av en helhet")).to_contain_text("5,0")
    axe(page, context="participant results")


def test_hr_lets_process_leaders_see_who_is_missing_and_the_leader_sees_the_names(
    page, live_server, axe, login_as, hr_user, org, open_evaluation
):
    from participants.tests.factories import ConsultantFactory, UserFactory

    setup, _ = open_evaluation
    session = setup.sessions[1]
    answer(setup.enrollments[1], session)
    leader = ConsultantFactory(organisations=[org], user=UserFactory(email="pl@konsult.test"))
    setup.group.process_leaders.add(leader)
    login_as(page, hr_user)

    page.goto(live_server.url + reverse("evaluations:missing_setting", kwargs={"org": org.slug}))
    axe(page, context="who-has-answered setting, off")
    page.get_by_label("Låt processledare se vilka i deras grupper som inte har svarat").check()
    page.get_by_role("button", name="Spara").click()
    expect(page.get_by_role("status")).to_contain_text("Processledare ser nu vilka")
    axe(page, context="who-has-answered setting, on")

    page.context.clear_cookies()
    login_as(page, leader.user)
    page.goto(
        live_server.url
        + reverse("programs:session_attendance", kwargs={"org": org.slug, "session_id": session.pk})
    )
    page.get_by_role("link", name="Vilka har inte svarat på utvärderingen").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Vilka har inte svarat: Del av en helhet"
    )
    expect(page.get_by_text("1 av 6 deltagare som var närvarande har svarat.")).to_be_visible()
    expect(page.locator(".missing-respondents li")).to_have_count(5)
    axe(page, context="who has not answered (process leader)")
