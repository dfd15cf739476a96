"""Agreements between participants and their line managers: the workflow, who reviews, the
history, the questions, e-mail, reminders and the demo data."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from unittest import mock

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from core.models import OutboxTask
from demo.agreements import seed_demo_agreements
from participants.tests.factories import PersonFactory, UserFactory
from programs.agreements import reports, selectors, services
from programs.agreements.rules import (
    DEFAULT_FIELDS,
    agreement_fields,
    fields_for_stage,
    stage_after_module,
)
from programs.agreements.visibility import reviewer_of
from programs.models import Agreement, AgreementField, AgreementReminder, ReviewerChange
from programs.tests.factories import (
    AgreementFactory,
    AttendanceFactory,
    EnrollmentFactory,
    GroupFactory,
    ModuleFactory,
    ProgramFactory,
    RoundFactory,
    SessionFactory,
)

pytestmark = pytest.mark.django_db

PLAN = {"develop": "Tydligare mål", "try_apply_involve": "Pröva APT-strukturen", "support": "Stöd"}
MODULE_NAMES = ["Del av en helhet", "Klar ledare", "Säker chef", "Initiativrik utvecklare"]


@dataclass
class Pair:
    """A participant and their line manager in one group with four sessions."""

    program: object
    group: object
    sessions: list
    enrollment: object
    participant: object  # User
    person: object
    manager: object  # User
    manager_person: object


def make_pair(org, *, passed: int = 0, email_prefix: str = "", group=None) -> Pair:
    """Modules 1..passed have started; the others lie ahead (four weeks apart)."""
    if group is None:
        program = ProgramFactory(organisation=org)
        group = GroupFactory(round=RoundFactory(program=program), number=1, name="Grupp 1")
        now = timezone.now()
        for order, name in enumerate(MODULE_NAMES, 1):
            module = ModuleFactory(
                program=program, order=order, name=name, duration_days=Decimal("1")
            )
            starts = now + dt.timedelta(days=28 * (order - passed) - 14)
            SessionFactory(
                group=group,
                module=module,
                starts_at=starts,
                ends_at=starts + dt.timedelta(hours=7),
                venue=f"Lokal {order}",
            )
    program = group.round.program
    manager = UserFactory(email=f"{email_prefix}chef@orebro.test", full_name="Bo Berg")
    manager_person = PersonFactory(
        organisation=org, user=manager, first_name="Bo", last_name="Berg", email=manager.email
    )
    participant = UserFactory(email=f"{email_prefix}deltagare@orebro.test", full_name="Anna Ek")
    person = PersonFactory(
        organisation=org,
        user=participant,
        first_name="Anna",
        last_name="Ek",
        email=participant.email,
        line_manager=manager_person,
    )
    enrollment = EnrollmentFactory(person=person, group=group)
    return Pair(
        program=program,
        group=group,
        sessions=list(group.sessions.order_by("module__order")),
        enrollment=enrollment,
        participant=participant,
        person=person,
        manager=manager,
        manager_person=manager_person,
    )


@pytest.fixture
def pair(org):
    return make_pair(org)


def _submitted(pair, stage="before_1", texts=PLAN):
    return services.agreement_submit(
        enrollment=pair.enrollment, stage=stage, texts=texts, user=pair.participant
    )


def _draft(pair, texts, stage="before_1"):
    return services.agreement_save_draft(
        enrollment=pair.enrollment, stage=stage, texts=texts, user=pair.participant
    )


def _reasons(agreement):
    return list(
        agreement.history.order_by("history_date", "history_id").values_list(
            "history_change_reason", "status"
        )
    )


# --- Stages and questions ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("order", "stage"),
    [(0, "before_1"), (1, "between_1_2"), (2, "between_2_3"), (3, "between_3_4"), (4, "roadmap")],
)
def test_stage_after_module_follows_the_modules(order, stage):
    assert stage_after_module(order) == stage


def test_between_stages_ask_what_was_tried_first_and_the_roadmap_has_its_own_questions(org):
    fields = agreement_fields(program=ProgramFactory(organisation=org))

    keys = {stage: [f.key for f in fields_for_stage(fields, stage)] for stage in ("before_1",
            "between_2_3", "roadmap")}  # fmt: skip

    assert keys == {
        "before_1": ["develop", "try_apply_involve", "support"],
        "between_2_3": ["tried", "develop", "try_apply_involve", "support"],
        "roadmap": ["continue_with", "manager_follow_up", "when"],
    }


def test_program_questions_replace_the_defaults_and_renaming_keeps_answers(org, pair):
    services.agreement_save_draft(
        enrollment=pair.enrollment, stage="before_1", texts=PLAN, user=pair.participant
    )
    develop = services.agreement_fields_customise(program=pair.program)[1]

    services.agreement_field_save(
        program=pair.program, field=develop, values={"label": "Mitt utvecklingsområde"}
    )
    added = services.agreement_field_save(
        program=pair.program,
        values={"part": "plan", "label": "Mina medarbetares röst", "required": False, "order": 9},
    )

    fields = fields_for_stage(agreement_fields(program=pair.program), "before_1")
    assert [(f.key, str(f.label)) for f in fields] == [
        ("develop", "Mitt utvecklingsområde"),
        ("try_apply_involve", str(DEFAULT_FIELDS[2].label)),
        ("support", str(DEFAULT_FIELDS[3].label)),
        ("mina-medarbetares-rost", "Mina medarbetares röst"),
    ]
    assert added.required is False
    assert AgreementField.objects.filter(program=pair.program).count() == 8
    assert Agreement.objects.get().texts["develop"] == "Tydligare mål"


def test_a_switched_off_question_keeps_its_answer_readable(org, pair):
    agreement = services.agreement_save_draft(
        enrollment=pair.enrollment, stage="before_1", texts=PLAN, user=pair.participant
    )
    support = AgreementField.objects.get(
        pk=services.agreement_fields_customise(program=pair.program)[3].pk
    )
    services.agreement_field_save(program=pair.program, field=support, values={"active": False})

    from programs.agreements.rules import answers

    rows = answers(
        fields=agreement_fields(program=pair.program), stage="before_1", texts=agreement.texts
    )
    assert rows[-1] == (str(DEFAULT_FIELDS[3].label), "Stöd")
    assert len(rows) == 3


# --- Drafts -----------------------------------------------------------------------------------


def test_save_draft_creates_the_agreement_and_a_history_entry(pair):
    agreement = services.agreement_save_draft(
        enrollment=pair.enrollment,
        stage="before_1",
        texts={"develop": "Tydligare mål  \n", "status": "agreed", "unknown": "x"},
        user=pair.participant,
    )

    agreement.refresh_from_db()
    assert (agreement.status, agreement.texts) == ("draft", {"develop": "Tydligare mål"})
    assert _reasons(agreement) == [("draft", "draft")]
    assert agreement.history.get().history_user == pair.participant


def test_save_draft_keeps_answers_not_in_this_post(pair):
    services.agreement_save_draft(
        enrollment=pair.enrollment, stage="before_1", texts=PLAN, user=pair.participant
    )

    agreement = services.agreement_save_draft(
        enrollment=pair.enrollment,
        stage="before_1",
        texts={"support": "Mer"},
        user=pair.participant,
    )

    assert agreement.texts == {**PLAN, "support": "Mer"}


def test_save_draft_without_text_stores_nothing(pair):
    agreement = services.agreement_save_draft(
        enrollment=pair.enrollment, stage="before_1", texts={"develop": ""}, user=pair.participant
    )

    assert agreement.pk is None
    assert Agreement.objects.count() == 0


def test_unchanged_draft_writes_no_history(pair):
    first = services.agreement_save_draft(
        enrollment=pair.enrollment, stage="before_1", texts=PLAN, user=pair.participant
    )
    services.agreement_save_draft(
        enrollment=pair.enrollment, stage="before_1", texts=PLAN, user=pair.participant
    )

    assert first.history.count() == 1


def test_autosaves_within_fifteen_minutes_are_one_history_entry(pair):
    start = timezone.now()
    with mock.patch("django.utils.timezone.now", return_value=start):
        services.agreement_save_draft(
            enrollment=pair.enrollment, stage="before_1", texts={"develop": "T"},
            user=pair.participant, autosave=True,
        )  # fmt: skip
    with mock.patch("django.utils.timezone.now", return_value=start + dt.timedelta(minutes=5)):
        services.agreement_save_draft(
            enrollment=pair.enrollment, stage="before_1", texts={"develop": "Ty"},
            user=pair.participant, autosave=True,
        )  # fmt: skip
    with mock.patch("django.utils.timezone.now", return_value=start + dt.timedelta(minutes=30)):
        agreement = services.agreement_save_draft(
            enrollment=pair.enrollment, stage="before_1", texts={"develop": "Tyd"},
            user=pair.participant, autosave=True,
        )  # fmt: skip

    history = list(agreement.history.order_by("history_date").values_list("texts", flat=True))
    assert history == [{"develop": "Ty"}, {"develop": "Tyd"}]


def test_a_submitted_agreement_cannot_be_changed_as_a_draft(pair):
    _submitted(pair)

    with pytest.raises(ValidationError) as error:
        services.agreement_save_draft(
            enrollment=pair.enrollment,
            stage="before_1",
            texts={"develop": "X"},
            user=pair.participant,
        )

    assert error.value.code == "locked"
    assert Agreement.objects.get().texts == PLAN


# --- Submit, review, reopen -------------------------------------------------------------------


def test_submit_requires_every_required_answer_and_stores_nothing(pair):
    with pytest.raises(ValidationError) as error:
        _submitted(pair, texts={"develop": "Tydligare mål"})

    assert sorted(error.value.error_dict) == ["support", "try_apply_involve"]
    assert Agreement.objects.count() == 0


def test_submit_sends_to_the_line_manager_by_e_mail(pair, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        agreement = _submitted(pair)

    agreement.refresh_from_db()
    assert agreement.status == "submitted"
    assert agreement.submitted_at is not None
    assert _reasons(agreement) == [("submitted", "submitted")]
    assert [m.to for m in mail.outbox] == [["chef@orebro.test"]]
    message = mail.outbox[0]
    assert message.subject == "Anna Ek har skickat en överenskommelse till dig: Före modul 1"
    assert f"/o/orebro/overenskommelser/{agreement.pk}/" in message.body
    assert "Tydligare mål" not in message.body
    assert "Tydligare mål" not in message.alternatives[0][0]


def test_submit_twice_is_refused_and_changes_nothing(pair):
    first = _submitted(pair)

    with pytest.raises(ValidationError) as error:
        _submitted(pair, texts={"develop": "Annat"})

    first.refresh_from_db()
    assert error.value.code == "locked"
    assert first.texts == PLAN
    assert first.history.count() == 1


def test_submit_without_anyone_to_review_is_refused(org, pair):
    pair.person.line_manager = None
    pair.person.save()
    pair.enrollment.refresh_from_db()

    with pytest.raises(ValidationError) as error:
        _submitted(pair)

    assert error.value.code == "no_reviewer"


def test_line_manager_agrees_and_the_participant_is_told(pair, django_capture_on_commit_callbacks):
    agreement = _submitted(pair)

    with django_capture_on_commit_callbacks(execute=True):
        services.agreement_review(agreement_id=agreement.pk, user=pair.manager, agree=True)

    agreement.refresh_from_db()
    assert (agreement.status, agreement.agreed_by) == ("agreed", pair.manager)
    assert [m.to for m in mail.outbox] == [["deltagare@orebro.test"]]
    assert mail.outbox[0].subject == "Din överenskommelse är godkänd: Före modul 1"


def test_sending_back_needs_a_comment(pair):
    agreement = _submitted(pair)

    with pytest.raises(ValidationError) as error:
        services.agreement_review(
            agreement_id=agreement.pk, user=pair.manager, agree=False, comment="  "
        )

    agreement.refresh_from_db()
    assert list(error.value.error_dict) == ["comment"]
    assert agreement.status == "submitted"


def test_sent_back_agreement_can_be_changed_and_sent_again(pair):
    agreement = _submitted(pair)
    services.agreement_review(
        agreement_id=agreement.pk, user=pair.manager, agree=False, comment="Mer konkret."
    )

    services.agreement_save_draft(
        enrollment=pair.enrollment,
        stage="before_1",
        texts={"develop": "Konkret"},
        user=pair.participant,
    )
    agreement = _submitted(pair, texts={"develop": "Konkret mål"})

    assert agreement.return_comment == "Mer konkret."
    assert _reasons(agreement) == [
        ("submitted", "submitted"),
        ("returned", "returned"),
        ("draft", "returned"),
        ("submitted", "submitted"),
    ]


def test_only_the_reviewer_may_decide(org, pair):
    agreement = _submitted(pair)
    other = make_pair(org, email_prefix="annan-", group=pair.group)

    for user in (pair.participant, other.manager):
        with pytest.raises(PermissionDenied):
            services.agreement_review(agreement_id=agreement.pk, user=user, agree=True)

    assert Agreement.objects.get(pk=agreement.pk).status == "submitted"


def test_a_second_decision_is_refused(pair):
    agreement = _submitted(pair)
    services.agreement_review(agreement_id=agreement.pk, user=pair.manager, agree=True)

    with pytest.raises(ValidationError) as error:
        services.agreement_review(
            agreement_id=agreement.pk, user=pair.manager, agree=False, comment="Nej"
        )

    assert error.value.code == "not_waiting"
    assert Agreement.objects.get(pk=agreement.pk).status == "agreed"


def test_reopening_makes_a_draft_and_keeps_the_agreed_version(
    pair, django_capture_on_commit_callbacks
):
    agreement = _submitted(pair)
    services.agreement_review(agreement_id=agreement.pk, user=pair.manager, agree=True)

    with django_capture_on_commit_callbacks(execute=True):
        services.agreement_reopen(agreement_id=agreement.pk, user=pair.participant)

    agreement.refresh_from_db()
    assert (agreement.status, agreement.agreed_at, agreement.texts) == ("draft", None, PLAN)
    assert _reasons(agreement)[-2:] == [("agreed", "agreed"), ("reopened", "draft")]
    assert [m.to for m in mail.outbox] == [["chef@orebro.test"]]


def test_reopening_needs_an_agreed_agreement_and_a_party(org, pair):
    agreement = _submitted(pair)
    with pytest.raises(ValidationError):
        services.agreement_reopen(agreement_id=agreement.pk, user=pair.participant)
    services.agreement_review(agreement_id=agreement.pk, user=pair.manager, agree=True)

    with pytest.raises(PermissionDenied):
        services.agreement_reopen(agreement_id=agreement.pk, user=UserFactory())

    assert Agreement.objects.get(pk=agreement.pk).status == "agreed"


@pytest.mark.django_db(transaction=True)
def test_a_dead_broker_loses_no_submission(org, redis_stopped):
    pair = make_pair(org)

    agreement = _submitted(pair)

    row = OutboxTask.objects.get(task_name="programs.send_agreement_mail")
    assert Agreement.objects.get(pk=agreement.pk).status == "submitted"
    assert (row.state, row.kwargs) == (
        "pending",
        {"agreement_id": agreement.pk, "event": "submitted"},
    )


def test_mail_for_an_agreement_that_moved_on_is_not_sent(pair):
    from programs.agreements.mail import send_agreement_mail

    agreement = _submitted(pair)
    services.agreement_review(agreement_id=agreement.pk, user=pair.manager, agree=True)

    assert send_agreement_mail.run(agreement_id=agreement.pk, event="submitted") == {"sent": False}
    assert mail.outbox == []


# --- The named reviewer -----------------------------------------------------------------------


def test_hr_names_a_reviewer_who_then_has_the_line_managers_access(
    org, pair, hr_user, django_capture_on_commit_callbacks
):
    agreement = _submitted(pair)
    stand_in_user = UserFactory(email="vikarie@orebro.test")
    stand_in = PersonFactory(organisation=org, user=stand_in_user, first_name="Cia")

    with django_capture_on_commit_callbacks(execute=True):
        change = services.enrollment_set_reviewer(
            enrollment=pair.enrollment, reviewer=stand_in, reason="Föräldraledig", user=hr_user
        )

    pair.enrollment.refresh_from_db()
    assert reviewer_of(pair.enrollment) == stand_in
    assert (change.reviewer, change.reason, change.changed_by) == (
        stand_in,
        "Föräldraledig",
        hr_user,
    )
    assert [m.to for m in mail.outbox] == [["vikarie@orebro.test"]]
    access = selectors.agreement_for_user_or_404(
        organisation=org, user=stand_in_user, pk=agreement.pk
    )
    assert access.is_reviewer is True
    with pytest.raises(Http404):
        selectors.agreement_for_user_or_404(organisation=org, user=pair.manager, pk=agreement.pk)
    services.agreement_review(agreement_id=agreement.pk, user=stand_in_user, agree=True)
    with pytest.raises(PermissionDenied):
        services.agreement_reopen(agreement_id=agreement.pk, user=pair.manager)


def test_giving_back_to_the_line_manager_is_kept_in_history(org, pair, hr_user):
    stand_in = PersonFactory(organisation=org)
    services.enrollment_set_reviewer(
        enrollment=pair.enrollment, reviewer=stand_in, reason="", user=hr_user
    )

    services.enrollment_set_reviewer(
        enrollment=pair.enrollment, reviewer=None, reason="Tillbaka", user=hr_user
    )
    again = services.enrollment_set_reviewer(
        enrollment=pair.enrollment, reviewer=None, reason="", user=hr_user
    )

    pair.enrollment.refresh_from_db()
    assert again is None
    assert reviewer_of(pair.enrollment) == pair.manager_person
    assert list(
        ReviewerChange.objects.order_by("changed_at", "pk").values_list("reviewer", "reason")
    ) == [(stand_in.pk, ""), (None, "Tillbaka")]


def test_reviewer_must_be_an_active_manager_of_the_organisation_and_not_the_participant(
    org, other_org, pair, hr_user
):
    for reviewer in (
        PersonFactory(organisation=other_org),
        PersonFactory(organisation=org, active=False),
        pair.person,
    ):
        with pytest.raises(ValidationError):
            services.enrollment_set_reviewer(
                enrollment=pair.enrollment, reviewer=reviewer, reason="", user=hr_user
            )

    assert ReviewerChange.objects.count() == 0


def test_a_line_manager_who_left_reviews_nothing(pair):
    pair.manager_person.active = False
    pair.manager_person.save()
    pair.enrollment.refresh_from_db()

    assert reviewer_of(pair.enrollment) is None


# --- History ------------------------------------------------------------------------------------


def test_history_lists_every_step_newest_first_with_what_changed(pair):
    agreement = _submitted(pair)
    services.agreement_review(
        agreement_id=agreement.pk, user=pair.manager, agree=False, comment="Mer konkret."
    )
    services.agreement_submit(
        enrollment=pair.enrollment,
        stage="before_1",
        texts={"develop": "Konkret mål"},
        user=pair.participant,
    )

    entries = selectors.agreement_history(agreement=agreement)

    assert [(e.event, e.who, e.comment) for e in entries] == [
        ("Skickad till chefen", "Anna Ek", ""),
        ("Skickad tillbaka med en kommentar", "Bo Berg", "Mer konkret."),
        ("Skickad till chefen", "Anna Ek", ""),
    ]
    assert entries[0].changes == [("Vad jag vill utveckla", "Konkret mål")]
    assert entries[1].changes == []
    assert len(entries[2].changes) == 3


# --- Pages built on the agreements ------------------------------------------------------------


def test_my_program_points_at_the_stage_before_the_next_module(org):
    pair = make_pair(org, passed=2)
    AgreementFactory(enrollment=pair.enrollment, stage="between_2_3", status="returned")
    AttendanceFactory(enrollment=pair.enrollment, session=pair.sessions[0], status="present")
    AttendanceFactory(enrollment=pair.enrollment, session=pair.sessions[1], status="excused")

    mine = selectors.my_program(enrollment=pair.enrollment)

    assert (mine.current.stage, mine.current.state) == ("between_2_3", "returned")
    assert [row.is_past for row in mine.sessions] == [True, True, False, False]
    assert [row.attendance for row in mine.sessions] == [
        "Närvarande",
        "Anmäld frånvaro",
        None,
        None,
    ]
    assert (mine.attended, mine.past_sessions) == (1, 2)
    assert mine.reviewer == pair.manager_person


def test_line_manager_overview_puts_what_waits_first(org, pair):
    later = make_pair(org, email_prefix="b-", group=pair.group)
    later.person.line_manager = pair.manager_person
    later.person.last_name = "Ärlig"
    later.person.save()
    waiting = services.agreement_submit(
        enrollment=later.enrollment, stage="before_1", texts=PLAN, user=later.participant
    )

    overview = selectors.line_manager_overview(organisation=org, user=pair.manager)

    assert [row.person.last_name for row in overview.rows] == ["Ärlig", "Ek"]
    assert overview.to_act_on == [waiting]


def test_hr_counts_per_group_and_state_without_texts(org, pair, django_assert_num_queries):
    _submitted(pair)
    make_pair(org, email_prefix="b-", group=pair.group)

    with django_assert_num_queries(4):
        counts = reports.program_agreement_counts(
            organisation=org, program_id=pair.program.pk, stage="before_1"
        )

    (summary,) = counts.rounds
    assert [g.cells for g in summary.groups] == [[1, 0, 1, 0, 0]]
    assert summary.totals == [1, 0, 1, 0, 0]


def test_process_leader_sees_states_for_the_next_session(org, pair, process_leader_user):
    from participants.tests.factories import ConsultantFactory

    pair.group.process_leaders.add(ConsultantFactory(user=process_leader_user, organisations=[org]))
    agreement = _submitted(pair)
    services.agreement_review(agreement_id=agreement.pk, user=pair.manager, agree=True)

    states = reports.session_agreement_states(organisation=org, user=process_leader_user)

    assert states.session == pair.sessions[0]
    assert [(p.full_name, state) for p, state, _label in states.rows] == [("Anna Ek", "agreed")]
    assert states.agreed == 1


# --- Reminders ----------------------------------------------------------------------------------


def test_reminders_go_out_once_before_the_module_to_whoever_must_act(
    org, django_capture_on_commit_callbacks
):
    pair = make_pair(org, passed=0)  # module 1 starts in 14 days
    waiting = make_pair(org, email_prefix="b-", group=pair.group)
    done = make_pair(org, email_prefix="c-", group=pair.group)
    services.agreement_submit(
        enrollment=waiting.enrollment, stage="before_1", texts=PLAN, user=waiting.participant
    )
    agreed = services.agreement_submit(
        enrollment=done.enrollment, stage="before_1", texts=PLAN, user=done.participant
    )
    services.agreement_review(agreement_id=agreed.pk, user=done.manager, agree=True)

    with django_capture_on_commit_callbacks(execute=True):
        queued = services.agreement_reminders_queue(days=15)
    with django_capture_on_commit_callbacks(execute=True):
        again = services.agreement_reminders_queue(days=15)

    assert (queued, again) == (2, 0)
    assert sorted(m.to[0] for m in mail.outbox) == ["b-chef@orebro.test", "deltagare@orebro.test"]
    to_participant = next(m for m in mail.outbox if m.to == ["deltagare@orebro.test"])
    assert to_participant.subject == (
        "Påminnelse: kom överens med din chef före modulen: Före modul 1"
    )
    assert "Nästa modul, 1. Del av en helhet, börjar" in to_participant.body
    assert AgreementReminder.objects.filter(sent_at__isnull=False).count() == 2


def test_the_daily_beat_task_queues_the_reminders(org, django_capture_on_commit_callbacks):
    from celery import current_app

    make_pair(org, passed=0)
    task = current_app.tasks["programs.agreement_reminders"]

    with django_capture_on_commit_callbacks(execute=True):
        queued = task.run()

    assert queued == 1
    assert [m.to for m in mail.outbox] == [["deltagare@orebro.test"]]


def test_no_reminder_outside_the_window(org):
    make_pair(org, passed=0)

    assert services.agreement_reminders_queue(days=7) == 0


# --- Demo data ----------------------------------------------------------------------------------


def test_seed_demo_agreements_fills_states_once_and_the_demo_participant_waits(org):
    pair = make_pair(org, passed=4)
    demo = pair.person
    demo.email = "deltagare@orebro.example"
    demo.save()
    report = make_pair(org, email_prefix="r-", group=pair.group)
    report.person.line_manager = demo
    report.person.save()
    for n in range(20):
        person = PersonFactory(organisation=org, line_manager=demo if n == 0 else None)
        EnrollmentFactory(group=pair.group, person=person)

    first = seed_demo_agreements(program=pair.program)
    second = seed_demo_agreements(program=pair.program)

    assert second == {"agreements": 0, "history": 0}
    assert first["agreements"] == Agreement.objects.count() > 80
    mine = dict(Agreement.objects.filter(enrollment=pair.enrollment).values_list("stage", "status"))
    assert mine == {
        "before_1": "agreed",
        "between_1_2": "agreed",
        "between_2_3": "agreed",
        "between_3_4": "agreed",
        "roadmap": "submitted",
    }
    waiting_for_demo = Agreement.objects.filter(
        enrollment__person__line_manager=demo, status="submitted"
    )
    assert waiting_for_demo.count() == 2
    roadmap = Agreement.objects.get(enrollment=pair.enrollment, stage="roadmap")
    assert [h.history_change_reason for h in roadmap.history.order_by("history_date")] == [
        "draft",
        "submitted",
    ]
    states = set(Agreement.objects.values_list("status", flat=True))
    assert "agreed" in states
    assert states <= {"draft", "submitted", "returned", "agreed"}
    assert not Agreement.objects.filter(status="agreed", agreed_at__isnull=True).exists()


def test_seed_demo_agreements_puts_the_demo_participants_agreement_back_to_waiting(org):
    pair = make_pair(org, passed=4)
    pair.person.email = "deltagare@orebro.example"
    pair.person.save()
    seed_demo_agreements(program=pair.program)
    roadmap = Agreement.objects.get(enrollment=pair.enrollment, stage="roadmap")
    services.agreement_review(agreement_id=roadmap.pk, user=pair.manager, agree=True)

    result = seed_demo_agreements(program=pair.program)

    roadmap.refresh_from_db()
    assert result == {"agreements": 0, "history": 1}
    assert roadmap.status == "submitted"
