"""In Chromium, with axe on every page and state: the agreement between a participant and their
line manager, from the first draft to agreed; the participant's flow by keyboard alone; and
every agreement page at 320 px without horizontal scrolling."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from demo.agreements import seed_demo_agreements
from demo.seed import seed_demo
from participants.models import Person
from participants.tests.factories import ConsultantFactory, PersonFactory
from programs.agreements import services
from programs.models import Agreement, Program
from programs.tests.test_agreements import PLAN, make_pair

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct-horse-battery"
DEVELOP = "Att leda förändring så att medarbetarna är med från början."
TRY = "Pröva Navigatorn på schemaförändringen och involvera skyddsombudet."
SUPPORT = "Att vi stämmer av varannan vecka."


def _url(live_server, name, **kwargs):
    return live_server.url + reverse(name, kwargs=kwargs)


def _switch(page, login_as, user):
    page.context.clear_cookies()
    login_as(page, user)


def test_participant_and_line_manager_agree_on_the_module_1_agreement(
    page, live_server, axe, login_as
):
    seed_demo()
    program = Program.objects.get(organisation__slug="orebro", name="Sveriges viktigaste chefsjobb")
    seed_demo_agreements(program=program)
    me = Person.objects.select_related("user", "line_manager__user").get(
        user__email="deltagare@orebro.example"
    )
    chef = me.line_manager
    assert chef.user.email == "chef@orebro.example"
    # The demo program has ended; the participant starts the module-1 agreement afresh.
    Agreement.objects.filter(enrollment__person=me, stage="before_1").delete()
    start = _url(live_server, "svc:participant_start", org="orebro")

    # 1. The participant drafts, leaves a required answer empty, and sees what is wrong.
    login_as(page, me.user)
    page.goto(live_server.url + reverse("home"))
    expect(page).to_have_url(start)
    expect(page.locator("#my-agreements")).to_contain_text("Färdplan efter modul 4")
    axe(page, context="my program")
    page.locator("#my-agreements").get_by_role("link", name="Före modul 1").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Överenskommelse: Före modul 1")
    axe(page, context="empty agreement")
    page.get_by_label("Vad jag vill utveckla").fill(DEVELOP)
    page.get_by_label("Det stöd jag behöver från min chef").fill(SUPPORT)
    page.get_by_role("button", name=f"Skicka till {chef.full_name}").click()

    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text(
        "Svara på ”Vad jag ska pröva, tillämpa och involvera mina medarbetare i före nästa "
        "modul” innan du skickar överenskommelsen."
    )
    expect(page.get_by_label("Vad jag vill utveckla")).to_have_value(DEVELOP)
    expect(page.get_by_label("Det stöd jag behöver från min chef")).to_have_value(SUPPORT)
    axe(page, context="error summary")
    page.get_by_label("Vad jag ska pröva").fill(TRY)
    page.get_by_role("button", name=f"Skicka till {chef.full_name}").click()
    expect(page.get_by_test_id("agreement-status")).to_have_text("Väntar på chefen")
    axe(page, context="submitted, participant")

    # 2. The line manager sends it back with a comment.
    _switch(page, login_as, chef.user)
    page.goto(_url(live_server, "svc:line_manager_start", org="orebro"))
    axe(page, context="line manager page")
    page.locator("#to-act-on").get_by_role("link", name=f"{me.full_name}: Före modul 1").click()
    expect(page.get_by_role("main")).to_contain_text(DEVELOP)
    axe(page, context="review")
    page.get_by_role("button", name="Skicka tillbaka med kommentar").click()
    expect(page.locator("[data-error-summary]")).to_contain_text("Skriv vad som behöver ändras.")
    axe(page, context="review error")
    page.get_by_label("Vad behöver ändras?").fill("Skriv vem i arbetsgruppen du involverar.")
    page.get_by_role("button", name="Skicka tillbaka med kommentar").click()
    expect(page.locator(".messages")).to_contain_text(
        f"Överenskommelsen är skickad tillbaka till {me.full_name} med din kommentar."
    )
    axe(page, context="sent back, line manager")

    # 3. The participant changes it and sends it again; the manager agrees.
    _switch(page, login_as, me.user)
    page.goto(start)
    page.locator("#my-agreements").get_by_role("link", name="Före modul 1").click()
    expect(page.get_by_role("main")).to_contain_text("Skriv vem i arbetsgruppen du involverar.")
    axe(page, context="sent back, participant")
    page.get_by_label("Vad jag ska pröva").fill(TRY + " Hela arbetsgruppen är med.")
    page.get_by_role("button", name=f"Skicka till {chef.full_name}").click()
    expect(page.get_by_test_id("agreement-status")).to_have_text("Väntar på chefen")

    _switch(page, login_as, chef.user)
    page.goto(_url(live_server, "svc:line_manager_start", org="orebro"))
    page.locator("#to-act-on").get_by_role("link", name=f"{me.full_name}: Före modul 1").click()
    page.get_by_role("button", name="Godkänn").click()
    expect(page.get_by_test_id("agreement-status")).to_have_text("Överenskommen")
    axe(page, context="agreed, line manager")

    # 4. Both see the history.
    page.get_by_role("link", name="Historik").click()
    events = page.locator("#history h2")
    expect(events).to_have_text(
        [
            "Överenskommen",
            "Skickad till chefen",
            "Skickad tillbaka med en kommentar",
            "Skickad till chefen",
            "Utkast sparat",
        ]
    )
    axe(page, context="history, line manager")
    _switch(page, login_as, me.user)
    page.reload()
    expect(events).to_have_count(5)
    expect(page.locator("#history")).to_contain_text("Skriv vem i arbetsgruppen du involverar.")
    axe(page, context="history, participant")
    agreement = Agreement.objects.get(enrollment__person=me, stage="before_1")
    assert (agreement.status, agreement.texts["try_apply_involve"]) == (
        "agreed",
        TRY + " Hela arbetsgruppen är med.",
    )


def _focused(page) -> dict:
    return page.evaluate(
        """() => {
            const e = document.activeElement;
            return {id: e.id || "", text: (e.innerText || e.value || "").trim()};
        }"""
    )


def _tab_to(page, *, id=None, text=None, limit=120):
    """Press Tab until the element with this id or text has the focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = _focused(page)
        if (id and focused["id"] == id) or (text and focused["text"] == text):
            return
    raise AssertionError(f"Tab never reached {id or text!r}")


def test_participant_flow_by_keyboard_alone(page, live_server, axe, org):
    pair = make_pair(org)

    page.goto(live_server.url + reverse("login"))
    _tab_to(page, id="id_username")
    page.keyboard.type(pair.participant.email)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Mitt program")

    _tab_to(page, text="Börja skriva")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Överenskommelse: Före modul 1")
    _tab_to(page, id="id_texts-develop")
    page.keyboard.type(DEVELOP)
    page.keyboard.press("Tab")  # leaves "what I will try" empty
    page.keyboard.press("Tab")
    page.keyboard.type(SUPPORT)
    _tab_to(page, text="Skicka till Bo Berg")
    page.keyboard.press("Enter")

    expect(page.locator("[data-error-summary]")).to_be_focused()
    axe(page, context="keyboard: error summary")
    _tab_to(page, text=re.sub(r"\s+", " ", page.locator("[data-error-summary] a").inner_text()))
    page.keyboard.press("Enter")
    expect(page.locator("#id_texts-try_apply_involve")).to_be_focused()
    page.keyboard.type(TRY)
    _tab_to(page, text="Skicka till Bo Berg")
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("agreement-status")).to_have_text("Väntar på chefen")

    _tab_to(page, text="Historik")
    page.keyboard.press("Enter")
    expect(page.locator("#history h2")).to_have_text(["Skickad till chefen", "Utkast sparat"])
    axe(page, context="keyboard: history")
    agreement = Agreement.objects.get()
    assert agreement.texts == {"develop": DEVELOP, "try_apply_involve": TRY, "support": SUPPORT}


def test_the_draft_saves_itself_while_the_participant_types(page, live_server, axe, login_as, org):
    pair = make_pair(org)
    login_as(page, pair.participant)
    edit = _url(
        live_server,
        "programs:agreement_edit",
        org=org.slug,
        enrollment_id=pair.enrollment.pk,
        stage="before_1",
    )
    page.goto(edit)

    page.get_by_label("Vad jag vill utveckla").press_sequentially("Tydligare mål", delay=20)

    expect(page.locator("#autosave-status")).to_contain_text(
        "Utkastet sparades automatiskt kl.", timeout=10_000
    )
    axe(page, context="autosaved")
    page.goto(edit)
    expect(page.get_by_label("Vad jag vill utveckla")).to_have_value("Tydligare mål")
    assert Agreement.objects.get().history.get().history_change_reason == "autosave"


def _no_horizontal_scroll(page):
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 320, f"{page.url} is {width} px wide at 320 px"


@pytest.fixture
def narrow(page):
    page.set_viewport_size({"width": 320, "height": 720})
    return page


def test_every_agreement_page_fits_320_pixels(
    narrow, live_server, axe, login_as, org, hr_user, process_leader_user
):
    page = narrow
    pair = make_pair(org, passed=1)
    pair.group.process_leaders.add(
        ConsultantFactory(user=process_leader_user, organisations=[org], name="Pia Lindqvist")
    )
    for n in range(3):
        PersonFactory(organisation=org, line_manager=pair.manager_person, last_name=f"Ek{n}")
    agreed = services.agreement_submit(
        enrollment=pair.enrollment, stage="before_1", texts=PLAN, user=pair.participant
    )
    services.agreement_review(agreement_id=agreed.pk, user=pair.manager, agree=True)
    waiting = services.agreement_submit(
        enrollment=pair.enrollment,
        stage="between_1_2",
        texts={**PLAN, "tried": "Gymnasie- och vuxenutbildningsförvaltningen " * 20},
        user=pair.participant,
    )
    org_slug = org.slug

    def visit(url, context):
        page.goto(url)
        _no_horizontal_scroll(page)
        axe(page, context=f"320 px: {context}")

    login_as(page, pair.participant)
    visit(_url(live_server, "svc:participant_start", org=org_slug), "my program")
    edit = _url(
        live_server,
        "programs:agreement_edit",
        org=org_slug,
        enrollment_id=pair.enrollment.pk,
        stage="between_2_3",
    )
    visit(edit, "edit")
    page.get_by_role("button", name="Skicka till Bo Berg").click()
    expect(page.locator("[data-error-summary]")).to_be_visible()
    _no_horizontal_scroll(page)
    axe(page, context="320 px: edit with errors")
    visit(_url(live_server, "programs:agreement_detail", org=org_slug, pk=waiting.pk), "detail")
    visit(_url(live_server, "programs:agreement_history", org=org_slug, pk=agreed.pk), "history")
    visit(_url(live_server, "programs:agreement_reopen", org=org_slug, pk=agreed.pk), "reopen")

    _switch(page, login_as, pair.manager)
    visit(_url(live_server, "svc:line_manager_start", org=org_slug), "line manager")
    visit(_url(live_server, "programs:agreement_detail", org=org_slug, pk=waiting.pk), "review")

    _switch(page, login_as, hr_user)
    program, group = pair.program.pk, pair.group.pk
    visit(
        _url(live_server, "programs:program_agreements", org=org_slug, program_id=program),
        "HR counts",
    )
    visit(_url(live_server, "programs:group_agreements", org=org_slug, group_id=group), "HR group")
    visit(
        _url(
            live_server,
            "programs:enrollment_reviewer",
            org=org_slug,
            enrollment_id=pair.enrollment.pk,
        ),
        "HR reviewer",
    )
    visit(
        _url(live_server, "programs:agreement_fields", org=org_slug, program_id=program),
        "HR questions",
    )

    _switch(page, login_as, process_leader_user)
    visit(_url(live_server, "programs:session_agreements", org=org_slug), "process leader")
    expect(page.get_by_test_id("agreed-summary")).to_have_text(
        "Mellan modul 1 och 2: 0 av 1 är överens."
    )
