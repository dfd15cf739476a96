"""The agreement pages: what each party sees and may do, what HR and process leaders see (never
the texts), every agreement URL tried with other people's ids, and flat query counts."""

from dataclasses import dataclass

import pytest
from django.urls import reverse
from django.utils import timezone

from core.tests import html
from participants.models import Role
from participants.tests.factories import (
    ConsultantFactory,
    OrganisationFactory,
    PersonFactory,
    UserFactory,
)
from programs.agreements import services
from programs.models import Agreement, AgreementField, ReviewerChange
from programs.tests.factories import (
    AgreementFactory,
    AttendanceFactory,
    EnrollmentFactory,
    GroupFactory,
    ProgramFactory,
    RoundFactory,
)
from programs.tests.test_agreements import PLAN, make_pair

pytestmark = pytest.mark.django_db

SECRET = "HEMLIG TEXT om mitt ledarskap"


def _page(response) -> str:
    return response.content.decode()


def _text(response) -> str:
    """The page's visible text with whitespace collapsed."""
    return html.parse(response).text()


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


def _edit_url(org, enrollment, stage="before_1"):
    return reverse(
        "programs:agreement_edit",
        kwargs={"org": org.slug, "enrollment_id": enrollment.pk, "stage": stage},
    )


def _url(name, org, agreement):
    return reverse(f"programs:{name}", kwargs={"org": org.slug, "pk": agreement.pk})


@pytest.fixture
def pair(org):
    return make_pair(org)


def _fill(**texts):
    return {f"texts-{key}": value for key, value in texts.items()}


# --- The participant writes -------------------------------------------------------------------


def test_edit_page_asks_the_stage_questions_in_swedish(client, org, pair):
    client.force_login(pair.participant)

    response = client.get(_edit_url(org, pair.enrollment, "between_1_2"))

    page = html.parse(response)
    assert response.status_code == 200
    assert page.text("h1") == "Överenskommelse: Mellan modul 1 och 2"
    assert page.text("p.lead") == "Mellan dig och Bo Berg"
    labels = [
        (label.get("for").removeprefix("id_texts-"), html.text(label))
        for label in page.select("label[for^=id_texts-]")
    ]
    assert labels == [
        ("tried", "Vad jag faktiskt har prövat, tillämpat och involverat mina medarbetare i "
                  "sedan förra modulen"),
        ("develop", "Vad jag vill utveckla"),
        ("try_apply_involve", "Vad jag ska pröva, tillämpa och involvera mina medarbetare i före "
                              "nästa modul"),
        ("support", "Det stöd jag behöver från min chef"),
    ]  # fmt: skip
    buttons = page.select("form.agreement-form button[type=submit]")
    assert [(b.get("name"), b.get("value")) for b in buttons] == [
        ("action", "draft"),
        ("action", "submit"),
    ]


def test_saving_a_draft_stores_the_text_and_comes_back(client, org, pair):
    client.force_login(pair.participant)
    url = _edit_url(org, pair.enrollment)

    response = client.post(url, {**_fill(develop="Tydligare mål"), "action": "draft"}, follow=True)

    agreement = Agreement.objects.get()
    assert response.redirect_chain == [(url, 302)]
    assert (agreement.status, agreement.texts) == ("draft", {"develop": "Tydligare mål"})
    assert _messages(response)[0].startswith("Ditt utkast är sparat (")
    assert "Tydligare mål</textarea>" in _page(response)


def test_sending_with_an_empty_required_answer_keeps_every_word_and_saves_a_draft(
    client, org, pair
):
    client.force_login(pair.participant)

    response = client.post(
        _edit_url(org, pair.enrollment),
        {
            **_fill(develop="Tydligare mål", try_apply_involve="", support="Stöd"),
            "action": "submit",
        },
    )

    page = _page(response)
    assert response.status_code == 200
    assert "data-error-summary" in page
    assert (
        '<a class="alert-link" href="#id_texts-try_apply_involve">Svara på ”Vad jag ska pröva, '
        "tillämpa och involvera mina medarbetare i före nästa modul” innan du skickar "
        "överenskommelsen.</a>"
    ) in page
    assert "Tydligare mål</textarea>" in page
    assert "Det du har skrivit är sparat som utkast." in page
    agreement = Agreement.objects.get()
    assert (agreement.status, agreement.texts) == (
        "draft",
        {"develop": "Tydligare mål", "support": "Stöd"},
    )


def test_sending_a_complete_agreement_goes_to_the_line_manager(client, org, pair):
    client.force_login(pair.participant)

    response = client.post(
        _edit_url(org, pair.enrollment),
        {**_fill(**PLAN), "action": "submit"},
        follow=True,
    )

    agreement = Agreement.objects.get()
    assert response.redirect_chain == [(_url("agreement_detail", org, agreement), 302)]
    assert agreement.status == "submitted"
    assert _messages(response) == [
        "Överenskommelsen är skickad till Bo Berg. Du får ett e-postmeddelande när den har "
        "godkänts eller skickats tillbaka."
    ]
    assert "Väntar på att Bo Berg godkänner den eller skickar tillbaka den." in _text(response)


def test_posting_status_enrollment_or_line_manager_changes_nothing(client, org, pair):
    other = make_pair(org, email_prefix="b-", group=pair.group)
    client.force_login(pair.participant)

    client.post(
        _edit_url(org, pair.enrollment),
        {
            **_fill(develop="Mål"),
            "action": "draft",
            "status": "agreed",
            "texts-status": "agreed",
            "enrollment": other.enrollment.pk,
            "texts-enrollment": other.enrollment.pk,
            "line_manager": other.manager_person.pk,
            "agreed_at": "2015-01-01",
            "agreed_by": other.manager.pk,
            "reviewer": other.manager_person.pk,
        },
    )

    agreement = Agreement.objects.get()
    pair.person.refresh_from_db()
    pair.enrollment.refresh_from_db()
    assert (agreement.enrollment, agreement.status, agreement.agreed_at, agreement.agreed_by) == (
        pair.enrollment,
        "draft",
        None,
        None,
    )
    assert agreement.texts == {"develop": "Mål"}
    assert (pair.person.line_manager, pair.enrollment.reviewer) == (pair.manager_person, None)
    assert Agreement.objects.filter(enrollment=other.enrollment).count() == 0


def test_sending_twice_is_harmless(client, org, pair):
    client.force_login(pair.participant)
    data = {**_fill(**PLAN), "action": "submit"}
    client.post(_edit_url(org, pair.enrollment), data, follow=True)

    response = client.post(_edit_url(org, pair.enrollment), data, follow=True)

    agreement = Agreement.objects.get()
    assert agreement.history.count() == 1
    assert _messages(response) == ["Överenskommelsen är skickad och väntar på din chef."]


def test_a_nul_character_is_refused_with_a_message_and_the_rest_is_saved(client, org, pair):
    client.force_login(pair.participant)

    response = client.post(
        _edit_url(org, pair.enrollment),
        {**_fill(develop="Mål\x00", support="Stöd"), "action": "draft"},
    )

    assert response.status_code == 200
    assert "Texten innehåller ett tecken som inte kan sparas (NUL)." in _page(response)
    assert Agreement.objects.get().texts == {"support": "Stöd"}


def test_autosave_answers_htmx_with_a_status_line(client, org, pair):
    client.force_login(pair.participant)
    url = reverse(
        "programs:agreement_autosave",
        kwargs={"org": org.slug, "enrollment_id": pair.enrollment.pk, "stage": "before_1"},
    )

    response = client.post(url, _fill(develop="Mål"), HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    assert _page(response).startswith("Utkastet sparades automatiskt kl. ")
    assert Agreement.objects.get().history.get().history_change_reason == "autosave"


def test_autosave_after_the_session_ended_says_so_instead_of_showing_the_login(client, org, pair):
    url = reverse(
        "programs:agreement_autosave",
        kwargs={"org": org.slug, "enrollment_id": pair.enrollment.pk, "stage": "before_1"},
    )

    response = client.post(url, _fill(develop="Mål"), HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    assert _page(response).startswith("Du har loggats ut, så utkastet sparades inte.")
    assert Agreement.objects.count() == 0


def test_edit_page_of_a_submitted_agreement_leads_to_the_agreement(client, org, pair):
    agreement = services.agreement_submit(
        enrollment=pair.enrollment, stage="before_1", texts=PLAN, user=pair.participant
    )
    client.force_login(pair.participant)

    response = client.get(_edit_url(org, pair.enrollment))

    assert response["Location"] == _url("agreement_detail", org, agreement)


def test_unknown_stage_is_404(client, org, pair):
    client.force_login(pair.participant)

    assert client.get(_edit_url(org, pair.enrollment, "module_9")).status_code == 404


# --- The line manager decides ---------------------------------------------------------------


@pytest.fixture
def submitted(pair):
    return services.agreement_submit(
        enrollment=pair.enrollment,
        stage="before_1",
        texts={**PLAN, "develop": SECRET},
        user=pair.participant,
    )


def test_line_manager_reads_and_sees_the_decision(client, org, pair, submitted):
    client.force_login(pair.manager)

    response = client.get(_url("agreement_detail", org, submitted))

    text = _text(response)
    assert SECRET in text
    assert "Ditt beslut" in text
    assert '<button type="submit" name="decision" value="agree"' in _page(response)


def test_line_manager_agrees_in_one_step(client, org, pair, submitted):
    client.force_login(pair.manager)

    response = client.post(
        _url("agreement_review", org, submitted), {"decision": "agree"}, follow=True
    )

    submitted.refresh_from_db()
    assert submitted.status == "agreed"
    assert _messages(response) == [
        "Du har godkänt överenskommelsen. Anna Ek får ett e-postmeddelande."
    ]
    assert "Ditt beslut" not in _text(response)


def test_sending_back_without_a_comment_shows_the_error_summary(client, org, pair, submitted):
    client.force_login(pair.manager)

    response = client.post(
        _url("agreement_review", org, submitted), {"decision": "return", "comment": ""}
    )

    assert response.status_code == 200
    assert '<a class="alert-link" href="#id_comment">Skriv vad som behöver ändras.</a>' in _page(
        response
    )
    submitted.refresh_from_db()
    assert submitted.status == "submitted"


def test_sent_back_agreement_shows_the_comment_to_the_participant(client, org, pair, submitted):
    client.force_login(pair.manager)
    client.post(
        _url("agreement_review", org, submitted),
        {"decision": "return", "comment": "Mer konkret, tack."},
    )
    client.force_login(pair.participant)

    response = client.get(_edit_url(org, pair.enrollment))

    assert "Skickad tillbaka med en kommentar Mer konkret, tack." in _text(response)
    assert f"{SECRET}</textarea>" in _page(response)


def test_a_second_decision_only_tells_what_happened(client, org, pair, submitted):
    client.force_login(pair.manager)
    client.post(_url("agreement_review", org, submitted), {"decision": "agree"}, follow=True)

    response = client.post(
        _url("agreement_review", org, submitted),
        {"decision": "return", "comment": "Nej"},
        follow=True,
    )

    submitted.refresh_from_db()
    assert submitted.status == "agreed"
    assert _messages(response) == ["Överenskommelsen väntar inte längre på dig."]


def test_reopening_asks_first_then_unlocks(client, org, pair, submitted):
    services.agreement_review(agreement_id=submitted.pk, user=pair.manager, agree=True)
    client.force_login(pair.participant)
    url = _url("agreement_reopen", org, submitted)

    confirm = client.get(url)
    response = client.post(url, follow=True)

    assert "Öppna överenskommelsen igen?" in _text(confirm)
    assert response.redirect_chain == [(_edit_url(org, pair.enrollment), 302)]
    submitted.refresh_from_db()
    assert submitted.status == "draft"


def test_both_parties_read_the_history(client, org, pair, submitted):
    services.agreement_review(
        agreement_id=submitted.pk, user=pair.manager, agree=False, comment="Mer konkret."
    )

    for user in (pair.participant, pair.manager):
        client.force_login(user)
        response = client.get(_url("agreement_history", org, submitted))
        page = html.parse(response)
        assert page.texts("#history h2") == [
            "Skickad tillbaka med en kommentar",
            "Skickad till chefen",
        ]
        comments = [html.text(p) for p in page.select("#history p") if p.find("strong") is not None]
        assert comments == ["Kommentar: Mer konkret."]


# --- Every agreement URL, every role, other people's ids ---------------------------------------


@dataclass
class Cast:
    owner: object  # the pair whose agreements are tried
    other: object  # another participant and line manager in the same group
    both: object  # a participant who is also a line manager (not of the owner)
    stand_in: object  # a manager HR named as another participant's reviewer
    users: dict


@pytest.fixture
def cast(org, pair, hr_user, steering_user, process_leader_user, outsider):
    other = make_pair(org, email_prefix="b-", group=pair.group)
    both = make_pair(org, email_prefix="c-", group=pair.group)
    PersonFactory(organisation=org, line_manager=both.person)  # makes c-deltagare a line manager
    stand_in_user = UserFactory(email="vikarie@orebro.test")
    stand_in = PersonFactory(organisation=org, user=stand_in_user)
    PersonFactory(organisation=org, line_manager=stand_in)  # a line manager in their own right
    services.enrollment_set_reviewer(
        enrollment=other.enrollment, reviewer=stand_in, reason="", user=hr_user
    )
    ConsultantFactory(user=process_leader_user, organisations=[org])
    pair.group.process_leaders.add(process_leader_user.consultant)
    return Cast(
        owner=pair,
        other=other,
        both=both,
        stand_in=stand_in_user,
        users={
            "participant": pair.participant,
            "line_manager": pair.manager,
            "other_participant": other.participant,
            "other_line_manager": other.manager,
            "participant_and_line_manager": both.participant,
            "named_reviewer_of_another": stand_in_user,
            "hr": hr_user,
            "steering": steering_user,
            "process_leader": process_leader_user,
            "other_organisation": outsider,
        },
    )


def _agreements(pair):
    """One agreement of the owner in each state the URLs need, with a secret text."""
    submitted = AgreementFactory(
        enrollment=pair.enrollment,
        stage="before_1",
        status="submitted",
        texts={"develop": SECRET},
    )
    agreed = AgreementFactory(
        enrollment=pair.enrollment,
        stage="between_1_2",
        status="agreed",
        texts={"develop": SECRET},
        agreed_at="2015-03-01T10:00:00+01:00",
    )
    return submitted, agreed


# (url name, method, which agreement, who gets 200)
AGREEMENT_URLS = [
    ("agreement_detail", "get", "submitted", {"participant", "line_manager"}),
    ("agreement_history", "get", "submitted", {"participant", "line_manager"}),
    ("agreement_review", "post", "submitted", {"line_manager"}),
    ("agreement_reopen", "get", "agreed", {"participant", "line_manager"}),
    ("agreement_edit", "get", "enrollment", {"participant"}),
    ("agreement_autosave", "post", "enrollment", {"participant"}),
]


def _agreement_url(name, org, which, submitted, agreed, enrollment):
    if which == "enrollment":
        return reverse(
            f"programs:{name}",
            kwargs={"org": org.slug, "enrollment_id": enrollment.pk, "stage": "between_2_3"},
        )
    return _url(name, org, submitted if which == "submitted" else agreed)


@pytest.mark.parametrize(("name", "method", "which", "allowed"), AGREEMENT_URLS)
def test_every_agreement_url_answers_only_the_participant_and_their_reviewer(
    client, org, cast, name, method, which, allowed
):
    submitted, agreed = _agreements(cast.owner)
    url = _agreement_url(name, org, which, submitted, agreed, cast.owner.enrollment)
    statuses = {}

    for label, user in cast.users.items():
        client.force_login(user)
        response = getattr(client, method)(url)
        statuses[label] = response.status_code
        if response.status_code == 200:
            assert label in allowed, f"{label} got {name}"
        else:
            assert SECRET not in _page(response)
    client.logout()
    anonymous = getattr(client, method)(url)

    assert {label for label, status in statuses.items() if status == 200} == allowed
    assert all(status in (403, 404) for label, status in statuses.items() if label not in allowed)
    assert statuses["other_organisation"] == 404
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith(reverse("login"))
    submitted.refresh_from_db()
    agreed.refresh_from_db()
    assert (submitted.status, agreed.status) == ("submitted", "agreed")


@pytest.mark.parametrize(("name", "method", "which", "allowed"), AGREEMENT_URLS)
def test_each_party_is_refused_the_other_peoples_agreements(
    client, org, cast, name, method, which, allowed
):
    """The owner and their line manager try the ids of everybody else's agreements."""
    others = [cast.other, cast.both]
    stolen = [(*_agreements(pair), pair.enrollment) for pair in others]
    foreign = make_pair(OrganisationFactory(slug="annan"), email_prefix="x-")
    stolen.append((*_agreements(foreign), foreign.enrollment))

    for user in (cast.owner.participant, cast.owner.manager):
        client.force_login(user)
        for submitted, agreed, enrollment in stolen:
            url = _agreement_url(name, org, which, submitted, agreed, enrollment)
            response = getattr(client, method)(url)
            assert response.status_code in (403, 404), (user, url)
            assert SECRET not in _page(response)


def test_the_named_reviewer_has_the_line_managers_access(client, org, cast):
    submitted, _agreed = _agreements(cast.other)
    client.force_login(cast.stand_in)

    detail = client.get(_url("agreement_detail", org, submitted))
    decided = client.post(_url("agreement_review", org, submitted), {"decision": "agree"})
    client.force_login(cast.other.manager)
    line_manager = client.get(_url("agreement_detail", org, submitted))

    assert detail.status_code == 200
    assert SECRET in _text(detail)
    assert decided.status_code == 302
    assert line_manager.status_code == 404


def test_a_participant_cannot_decide_their_own_agreement_even_as_a_line_manager(client, org, cast):
    submitted, _agreed = _agreements(cast.both)
    client.force_login(cast.both.participant)

    response = client.post(_url("agreement_review", org, submitted), {"decision": "agree"})

    submitted.refresh_from_db()
    assert response.status_code == 403
    assert submitted.status == "submitted"


# --- Start pages --------------------------------------------------------------------------------


def test_my_program_shows_group_sessions_attendance_and_the_agreement_to_work_on(client, org):
    pair = make_pair(org, passed=1)
    pair.group.process_leaders.add(ConsultantFactory(name="Pia Lindqvist"))
    AttendanceFactory(enrollment=pair.enrollment, session=pair.sessions[0], status="present")
    client.force_login(pair.participant)

    response = client.get(reverse("svc:participant_start", kwargs={"org": org.slug}))

    page = html.parse(response)
    assert page.text("section[aria-labelledby=now-title]") == (
        "Att arbeta med nu Överenskommelse: Mellan modul 1 och 2 Inte påbörjad "
        "Skriv den och skicka den till Bo Berg. Börja skriva"
    )
    assert page.text("section[aria-labelledby=group-title] > p") == "Processledare: Pia Lindqvist"
    assert page.text("[data-testid=attendance-summary]") == (
        "Du har varit med på 1 av 1 modultillfälle hittills."
    )
    sessions = [[html.text(p) for p in li.iter("p")] for li in page.select("#my-sessions > li")]
    assert [lines[1] for lines in sessions] == [f"Plats: Lokal {n}" for n in (1, 2, 3, 4)]
    assert [lines[-1] for lines in sessions] == ["Närvaro: Närvarande"] + ["Närvaro: Kommande"] * 3
    members = [(li.text.strip(), html.text(li[0])) for li in page.select("#group-members > li")]
    assert members == [("Anna Ek", "(du)")]
    assert page.texts("#my-agreements a") == [
        "Före modul 1",
        "Mellan modul 1 och 2",
        "Mellan modul 2 och 3",
        "Mellan modul 3 och 4",
        "Färdplan efter modul 4",
    ]
    assert len(page.select("section[aria-labelledby=open-evaluations-title]")) == 1


def test_my_program_query_count_is_flat(client, org, queries):
    pair = make_pair(org, passed=2)
    client.force_login(pair.participant)

    def grow():
        for _n in range(15):
            enrollment = EnrollmentFactory(group=pair.group)
            for session in pair.sessions:
                AttendanceFactory(enrollment=enrollment, session=session)
        for session in pair.sessions:
            AttendanceFactory(enrollment=pair.enrollment, session=session)
        pair.group.process_leaders.add(*ConsultantFactory.create_batch(2))
        for stage in ("before_1", "between_1_2", "between_2_3", "roadmap"):
            AgreementFactory(enrollment=pair.enrollment, stage=stage)

    response = queries.assert_flat(
        client, reverse("svc:participant_start", kwargs={"org": org.slug}), grow=grow
    )

    assert len(response.context["mine"].members) == 16


def test_line_manager_page_lists_what_waits_first_with_one_step_to_agree(client, org, pair):
    waiting = make_pair(org, email_prefix="b-", group=pair.group)
    waiting.person.line_manager = pair.manager_person
    waiting.person.first_name, waiting.person.last_name = "Örjan", "Öst"
    waiting.person.save()
    agreement = services.agreement_submit(
        enrollment=waiting.enrollment, stage="before_1", texts=PLAN, user=waiting.participant
    )
    client.force_login(pair.manager)

    response = client.get(reverse("svc:line_manager_start", kwargs={"org": org.slug}))

    page = html.parse(response)
    assert [(a.get("href"), html.text(a)) for a in page.select("#to-act-on a")] == [
        (_url("agreement_detail", org, agreement), "Örjan Öst: Före modul 1")
    ]
    assert page.texts("#staff strong") == ["Örjan Öst", "Anna Ek"]


def test_line_manager_page_query_count_is_flat(client, org, pair, queries):
    client.force_login(pair.manager)

    def grow():
        other_group = GroupFactory(round=pair.group.round, number=2)
        for n in range(10):
            person = PersonFactory(organisation=org, line_manager=pair.manager_person)
            enrollment = EnrollmentFactory(
                person=person, group=pair.group if n % 2 else other_group
            )
            AgreementFactory(enrollment=enrollment, stage="before_1", status="submitted")
            AgreementFactory(enrollment=enrollment, stage="between_1_2", status="draft")

    response = queries.assert_flat(
        client, reverse("svc:line_manager_start", kwargs={"org": org.slug}), grow=grow
    )

    assert len(response.context["overview"].to_act_on) == 10


def test_line_manager_page_without_staff_in_the_program_says_so(client, org):
    user = UserFactory(email="ny-chef@orebro.test")
    PersonFactory(organisation=org, line_manager=PersonFactory(organisation=org, user=user))
    client.force_login(user)

    response = client.get(reverse("svc:line_manager_start", kwargs={"org": org.slug}))

    text = _text(response)
    assert "Inget väntar på dig just nu." in text
    assert "Ingen av dina medarbetare har en plats i ett program." in text


# --- HR and process leaders: states and dates, never texts ---------------------------------------


def test_hr_sees_counts_per_group_and_round_but_no_texts(client, org, pair, submitted, hr_user):
    make_pair(org, email_prefix="b-", group=pair.group)
    client.force_login(hr_user)

    response = client.get(
        reverse(
            "programs:program_agreements", kwargs={"org": org.slug, "program_id": pair.program.pk}
        )
    )

    page = _page(response)
    assert SECRET not in page
    (summary,) = response.context["counts"].rounds
    assert summary.groups[0].cells == [1, 0, 1, 0, 0]
    header = html.parse(response).texts("th[scope=col].text-end")
    assert header == [
        "Deltagare",
        "Inte påbörjad",
        "Utkast",
        "Väntar på chefen",
        "Återsänd",
        "Överenskommen",
    ]


def test_hr_sees_each_persons_states_and_dates_but_no_texts(client, org, pair, hr_user):
    agreement = services.agreement_submit(
        enrollment=pair.enrollment,
        stage="before_1",
        texts={**PLAN, "develop": SECRET},
        user=pair.participant,
    )
    services.agreement_review(agreement_id=agreement.pk, user=pair.manager, agree=True)
    agreement.refresh_from_db()
    client.force_login(hr_user)

    response = client.get(
        reverse("programs:group_agreements", kwargs={"org": org.slug, "group_id": pair.group.pk})
    )

    page = _page(response)
    assert SECRET not in page
    row = response.context["states"].rows[0]
    assert [cell.state for cell in row.cells] == ["agreed"] + ["not_started"] * 4
    assert row.cells[0].date == agreement.agreed_at
    agreed_on = timezone.localtime(agreement.agreed_at).date().isoformat()
    assert f'Överenskommen</span><br><span class="small">{agreed_on}</span>' in page


def test_hr_cannot_open_an_agreement(client, org, submitted, hr_user, steering_user):
    for user in (hr_user, steering_user):
        client.force_login(user)
        assert client.get(_url("agreement_detail", org, submitted)).status_code == 403


def _reviewer_url(org, pair):
    return reverse(
        "programs:enrollment_reviewer",
        kwargs={"org": org.slug, "enrollment_id": pair.enrollment.pk},
    )


def test_hr_names_a_reviewer_and_the_change_is_listed(client, org, pair, hr_user):
    stand_in = PersonFactory(organisation=org, first_name="Cia", last_name="Dahl")
    client.force_login(hr_user)
    url = reverse(
        "programs:enrollment_reviewer",
        kwargs={"org": org.slug, "enrollment_id": pair.enrollment.pk},
    )

    response = client.post(url, {"reviewer": stand_in.pk, "reason": "Föräldraledig"}, follow=True)
    page = client.get(url)

    assert _messages(response)[0] == "Cia Dahl granskar nu överenskommelserna för Anna Ek."
    assert "Cia Dahl utsedd till granskare" in _text(page)
    assert "Föräldraledig" in _text(page)
    assert ReviewerChange.objects.get().changed_by == hr_user


def test_hr_cannot_name_the_participant_as_their_own_reviewer(client, org, pair, hr_user):
    client.force_login(hr_user)
    url = reverse(
        "programs:enrollment_reviewer",
        kwargs={"org": org.slug, "enrollment_id": pair.enrollment.pk},
    )

    response = client.post(url, {"reviewer": pair.person.pk, "reason": ""})

    assert response.status_code == 200
    assert "data-error-summary" in _page(response)
    assert ReviewerChange.objects.count() == 0


def test_hr_changes_and_adds_questions(client, org, pair, hr_user):
    client.force_login(hr_user)
    url = reverse(
        "programs:agreement_fields", kwargs={"org": org.slug, "program_id": pair.program.pk}
    )

    client.post(
        url,
        {
            "key": "support",
            "q-support-label": "Stöd från min chef",
            "q-support-help_text": "",
            "q-support-order": "4",
            "q-support-active": "on",
        },
    )
    client.post(
        url,
        {
            "action": "add",
            "new-part": "plan",
            "new-label": "Hur jag involverar skyddsombudet",
            "new-order": "5",
        },
    )
    empty = client.post(url, {"action": "add", "new-part": "plan", "new-label": ""})

    fields = AgreementField.objects.filter(program=pair.program)
    support = fields.get(key="support")
    assert (support.label, support.required, support.active) == ("Stöd från min chef", False, True)
    assert fields.get(label="Hur jag involverar skyddsombudet").required is False
    assert fields.count() == 8
    assert empty.status_code == 200
    assert "data-error-summary" in _page(empty)


def test_process_leader_sees_names_and_states_for_the_next_session(
    client, org, pair, submitted, process_leader_user
):
    ConsultantFactory(user=process_leader_user, organisations=[org])
    pair.group.process_leaders.add(process_leader_user.consultant)
    client.force_login(process_leader_user)

    response = client.get(reverse("programs:session_agreements", kwargs={"org": org.slug}))

    page = html.parse(response)
    assert SECRET not in _page(response)
    assert page.text("[data-testid=agreed-summary]") == "Före modul 1: 0 av 1 är överens."
    assert [html.text(li.find("span")) for li in page.select("#participants > li")] == ["Anna Ek"]


def test_process_leader_cannot_pick_another_leaders_session(client, org, pair, process_leader_user):
    ConsultantFactory(user=process_leader_user, organisations=[org])
    client.force_login(process_leader_user)
    url = reverse("programs:session_agreements", kwargs={"org": org.slug})

    assert client.get(url, {"session": pair.sessions[0].pk}).status_code == 404
    assert client.get(url, {"session": "x"}).status_code == 404
    assert "Du har inget kommande modultillfälle." in _text(client.get(url))


def test_hr_pages_of_another_organisation_are_404(client, org, other_org, hr_user):
    program = ProgramFactory(organisation=other_org)
    group = GroupFactory(round=RoundFactory(program=program))
    enrollment = EnrollmentFactory(group=group)
    client.force_login(hr_user)

    urls = [
        reverse("programs:program_agreements", kwargs={"org": org.slug, "program_id": program.pk}),
        reverse("programs:agreement_fields", kwargs={"org": org.slug, "program_id": program.pk}),
        reverse("programs:group_agreements", kwargs={"org": org.slug, "group_id": group.pk}),
        reverse(
            "programs:enrollment_reviewer",
            kwargs={"org": org.slug, "enrollment_id": enrollment.pk},
        ),
    ]

    assert [client.get(url).status_code for url in urls] == [404, 404, 404, 404]


@pytest.mark.parametrize(
    ("name", "role"),
    [
        ("program_agreements", Role.HR),
        ("agreement_fields", Role.HR),
        ("group_agreements", Role.HR),
        ("enrollment_reviewer", Role.HR),
        ("session_agreements", Role.PROCESS_LEADER),
    ],
)
def test_hr_and_process_leader_pages_refuse_every_other_role(client, org, cast, name, role):
    kwargs = {"org": org.slug}
    if name in ("program_agreements", "agreement_fields"):
        kwargs["program_id"] = cast.owner.program.pk
    elif name == "group_agreements":
        kwargs["group_id"] = cast.owner.group.pk
    elif name == "enrollment_reviewer":
        kwargs["enrollment_id"] = cast.owner.enrollment.pk
    url = reverse(f"programs:{name}", kwargs=kwargs)
    role_users = {
        Role.HR: "hr",
        Role.PROCESS_LEADER: "process_leader",
    }

    statuses = {}
    for label, user in cast.users.items():
        client.force_login(user)
        statuses[label] = client.get(url).status_code

    assert {label for label, status in statuses.items() if status == 200} == {role_users[role]}
    assert statuses["other_organisation"] == 404
