"""Erasure (GDPR art. 17): the refusals, each stored value after erasing, the login rule."""

import datetime as dt
import re

import pytest
from axes.models import AccessAttempt, AccessLog
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session as StoredSession
from django.core.exceptions import ValidationError
from django.utils import timezone

from core.models import OutboxTask
from core.outbox import enqueue
from evaluations.models import Completion
from participants.accounts import SEND_LOGIN_LINK_TO_ADDRESS, send_login_links
from participants.models import (
    LoginConfirmation,
    LoginLinkRequest,
    ManagerImport,
    Membership,
    Person,
    PersonalDataAccess,
    Role,
)
from participants.tests.factories import (
    ConsultantFactory,
    MembershipFactory,
    OrganisationFactory,
    PersonFactory,
    UserFactory,
)
from privacy.erasure import Login, erasure_refusals, is_erased, person_erase
from programs.agreements.services import (
    agreement_review,
    agreement_save_draft,
    agreement_submit,
    enrollment_set_reviewer,
)
from programs.models import Agreement, Attendance, Enrollment, MakeUpBooking, ReviewerChange
from programs.tests.factories import (
    AgreementFactory,
    AttendanceFactory,
    EnrollmentFactory,
    GroupFactory,
    SessionFactory,
)

PLAN = {
    "develop": "Leda förändring i min enhet",
    "try_apply_involve": "Navigatorn",
    "support": "Tid",
}


@pytest.fixture
def world(org, hr_user):
    """A participant whose round is over: agreed agreement with history, attendance, a login."""
    boss_user = UserFactory(email="chef@orebro.test")
    boss = PersonFactory(organisation=org, user=boss_user, first_name="Berit", last_name="Chef")
    user = UserFactory(email="anna.svensson@orebro.test", full_name="Anna Svensson")
    person = PersonFactory(
        organisation=org,
        user=user,
        first_name="Anna",
        last_name="Svensson",
        email="Anna.Svensson@orebro.test",
        employee_number="E4711",
        manager_since=dt.date(2012, 5, 1),
        line_manager=boss,
    )
    report = PersonFactory(organisation=org, line_manager=person)
    group = GroupFactory(round__program__organisation=org)
    session = SessionFactory(group=group)  # 2015: held long ago
    enrollment = EnrollmentFactory(person=person, group=group, status=Enrollment.Status.COMPLETED)
    AttendanceFactory(enrollment=enrollment, session=session)
    Completion.objects.create(enrollment=enrollment, session=session)
    agreement_submit(enrollment=enrollment, stage="before_1", texts=PLAN, user=user)
    agreement = Agreement.objects.get(enrollment=enrollment)
    agreement_review(agreement_id=agreement.pk, user=boss_user, agree=False, comment="Mer om Anna")
    agreement_submit(enrollment=enrollment, stage="before_1", texts=PLAN, user=user)
    agreement_review(agreement_id=agreement.pk, user=boss_user, agree=True)
    enrollment_set_reviewer(
        enrollment=enrollment, reviewer=boss, reason="Annas chef är tjänstledig", user=hr_user
    )
    return {
        "org": org,
        "hr": hr_user,
        "person": person,
        "user": user,
        "boss": boss,
        "report": report,
        "enrollment": enrollment,
        "agreement": agreement,
        "session": session,
    }


def _refresh(*objs):
    for obj in objs:
        obj.refresh_from_db()


# --- The refusals ---------------------------------------------------------------------------


def test_refusals_none_for_a_participant_whose_round_is_over(world):
    assert erasure_refusals(person=world["person"], by=world["hr"]) == []


def test_refused_with_an_agreement_not_agreed_yet(world):
    agreement_save_draft(
        enrollment=world["enrollment"],
        stage="between_1_2",
        texts={"tried": "Navigatorn"},
        user=world["user"],
    )

    assert erasure_refusals(person=world["person"]) == [
        f"Anna Svensson har en överenskommelse som inte är klar än i "
        f"{world['enrollment'].program.name} (Mellan modul 1 och 2: utkast). Den behöver "
        "bli överenskommen, eller deltagandet avbrytas, först."
    ]


def test_an_open_agreement_of_a_withdrawn_place_does_not_refuse(world):
    AgreementFactory(enrollment=world["enrollment"], stage="between_1_2")
    Enrollment.objects.filter(pk=world["enrollment"].pk).update(status="withdrawn")

    assert erasure_refusals(person=world["person"]) == []


def test_refused_with_a_session_still_to_come(world):
    future = SessionFactory(
        group=world["enrollment"].group,
        module__order=2,
        starts_at=timezone.now() + dt.timedelta(days=10),
        ends_at=timezone.now() + dt.timedelta(days=10, hours=8),
    )

    (reason,) = erasure_refusals(person=world["person"])
    assert reason == (
        f"Anna Svensson har ett modultillfälle kvar: {future.module.name} den "
        f"{timezone.localtime(future.starts_at):%Y-%m-%d} ({world['enrollment'].group})."
    )


def test_refused_with_a_make_up_booking_still_to_come(world):
    other_group = GroupFactory(round=world["enrollment"].group.round)
    future = SessionFactory(
        group=other_group,
        module__order=2,
        starts_at=timezone.now() + dt.timedelta(days=3),
        ends_at=timezone.now() + dt.timedelta(days=3, hours=8),
    )
    MakeUpBooking.objects.create(enrollment=world["enrollment"], session=future)

    (reason,) = erasure_refusals(person=world["person"])
    assert reason == (
        f"Anna Svensson är bokad på ett uppsamlingstillfälle som inte har hållits än: "
        f"{future.module.name} den {timezone.localtime(future.starts_at):%Y-%m-%d} "
        f"({other_group})."
    )


def test_refused_as_the_line_manager_who_reviews_an_open_agreement(world):
    report = world["report"]
    report.first_name, report.last_name = "Karl", "Karlsson"
    report.save()
    EnrollmentFactory(person=report, group=world["enrollment"].group)
    AgreementFactory(enrollment=report.enrollments.get(), status=Agreement.Status.SUBMITTED)

    assert erasure_refusals(person=world["person"]) == [
        "Anna Svensson är chef för Karl Karlsson, vars överenskommelse (Före modul 1) inte är "
        "klar än, och granskar den. Utse en annan granskare för Karl Karlsson först, eller "
        "vänta tills den är överenskommen."
    ]


def test_refused_as_the_named_reviewer_of_an_open_agreement(world, hr_user):
    other = PersonFactory(organisation=world["org"], first_name="Lisa", last_name="Ek")
    enrollment = EnrollmentFactory(person=other, group=world["enrollment"].group)
    enrollment_set_reviewer(
        enrollment=enrollment, reviewer=world["person"], reason="", user=hr_user
    )
    AgreementFactory(enrollment=enrollment, status=Agreement.Status.RETURNED)

    assert erasure_refusals(person=world["person"]) == [
        "HR har utsett Anna Svensson till granskare för Lisa Ek, vars överenskommelse "
        "(Före modul 1) inte är klar än. Utse en annan granskare för Lisa Ek först, eller "
        "vänta tills den är överenskommen."
    ]


def _ahead(group):
    return SessionFactory(
        group=group,
        module__order=2,
        starts_at=timezone.now() + dt.timedelta(days=30),
        ends_at=timezone.now() + dt.timedelta(days=30, hours=8),
    )


def test_refused_as_the_line_manager_of_a_participant_with_sessions_to_come(world):
    report = world["report"]
    report.first_name, report.last_name = "Karl", "Karlsson"
    report.save()
    group = GroupFactory(round=world["enrollment"].group.round)
    EnrollmentFactory(person=report, group=group)
    _ahead(group)

    assert erasure_refusals(person=world["person"]) == [
        "Anna Svensson är chef för Karl Karlsson, som har modultillfällen kvar och "
        "överenskommelser före dem som Anna Svensson ska granska. Utse en annan granskare för "
        "Karl Karlsson först, eller vänta tills det sista tillfället är hållet."
    ]


def test_refused_as_the_named_reviewer_of_a_participant_with_sessions_to_come(world, hr_user):
    other = PersonFactory(organisation=world["org"], first_name="Lisa", last_name="Ek")
    group = GroupFactory(round=world["enrollment"].group.round)
    enrollment = EnrollmentFactory(person=other, group=group)
    enrollment_set_reviewer(
        enrollment=enrollment, reviewer=world["person"], reason="", user=hr_user
    )
    _ahead(group)

    assert erasure_refusals(person=world["person"]) == [
        "HR har utsett Anna Svensson till granskare för Lisa Ek, som har modultillfällen kvar "
        "och överenskommelser före dem. Utse en annan granskare för Lisa Ek först, eller vänta "
        "tills det sista tillfället är hållet."
    ]


def test_a_line_manager_whose_report_has_another_reviewer_is_not_refused(world, hr_user):
    report = world["report"]
    group = GroupFactory(round=world["enrollment"].group.round)
    enrollment = EnrollmentFactory(person=report, group=group)
    enrollment_set_reviewer(enrollment=enrollment, reviewer=world["boss"], reason="", user=hr_user)
    AgreementFactory(enrollment=enrollment, status=Agreement.Status.SUBMITTED)
    _ahead(group)

    assert erasure_refusals(person=world["person"]) == []


def test_refused_to_erase_oneself(world):
    assert erasure_refusals(person=world["person"], by=world["user"]) == [
        "Du kan inte radera dina egna personuppgifter."
    ]


def test_the_service_refuses_too_and_changes_nothing(world):
    AgreementFactory(enrollment=world["enrollment"], stage="between_1_2")

    with pytest.raises(ValidationError) as refused:
        person_erase(person=world["person"], by=world["hr"])

    assert refused.value.messages == erasure_refusals(person=world["person"])
    assert len(refused.value.messages) == 1
    _refresh(world["person"])
    assert world["person"].full_name == "Anna Svensson"
    assert not PersonalDataAccess.objects.filter(action="erasure").exists()


# --- What erasing stores -----------------------------------------------------------------


def test_erasure_pseudonymises_the_person_field_by_field(world):
    person = world["person"]
    department, level, organisation = person.department_id, person.level, person.organisation_id

    result = person_erase(person=person, by=world["hr"])

    person.refresh_from_db()
    token = re.fullmatch(r"borttagen-([0-9a-f]{16})@borttagen\.invalid", person.email).group(1)
    assert (
        person.first_name,
        person.last_name,
        person.email,
        person.employee_number,
        person.manager_since,
        person.line_manager_id,
        person.active,
        person.user_id,
    ) == (
        "Borttagen",
        f"person {token[:6]}",
        f"borttagen-{token}@borttagen.invalid",
        f"borttagen-{token}",
        None,
        None,
        False,
        world["user"].pk,
    )
    assert (person.department_id, person.level, person.organisation_id) == (
        department,
        level,
        organisation,
    )
    assert is_erased(person)
    assert result.login == Login.PSEUDONYMISED
    assert result.person.full_name == f"Borttagen person {token[:6]}"


def test_erasure_keeps_every_row_the_figures_count(world):
    enrollment, agreement = world["enrollment"], world["agreement"]
    before = (
        enrollment.status,
        list(Attendance.objects.filter(enrollment=enrollment).values_list("session_id", "status")),
        Completion.objects.filter(enrollment=enrollment).count(),
        Agreement.objects.filter(pk=agreement.pk).values_list(
            "stage", "status", "submitted_at", "agreed_at", "updated_at"
        )[0],
        agreement.history.count(),
    )

    person_erase(person=world["person"], by=world["hr"])

    enrollment.refresh_from_db()
    assert (
        enrollment.status,
        list(Attendance.objects.filter(enrollment=enrollment).values_list("session_id", "status")),
        Completion.objects.filter(enrollment=enrollment).count(),
        Agreement.objects.filter(pk=agreement.pk).values_list(
            "stage", "status", "submitted_at", "agreed_at", "updated_at"
        )[0],
        agreement.history.count(),
    ) == before
    assert enrollment.person_id == world["person"].pk


def test_erasure_empties_agreement_texts_and_their_history(world):
    agreement = world["agreement"]
    assert agreement.history.exclude(texts={}).count() == 4

    result = person_erase(person=world["person"], by=world["hr"])

    agreement.refresh_from_db()
    assert (agreement.texts, agreement.return_comment) == ({}, "")
    assert list(agreement.history.values_list("texts", "return_comment")) == [({}, "")] * 4
    assert list(
        agreement.history.order_by("history_id").values_list("history_change_reason", flat=True)
    ) == ["submitted", "returned", "submitted", "agreed"]
    assert (result.counts["agreements"], result.counts["agreement_history"]) == (1, 4)


def test_erasure_empties_reviewer_change_reasons(world):
    person_erase(person=world["person"], by=world["hr"])

    change = ReviewerChange.objects.get(enrollment=world["enrollment"])
    assert (change.reason, change.reviewer_id, change.changed_by_id) == (
        "",
        world["boss"].pk,
        world["hr"].pk,
    )


def test_erasure_ends_being_someones_line_manager(world):
    person_erase(person=world["person"], by=world["hr"])

    world["report"].refresh_from_db()
    assert world["report"].line_manager_id is None


def test_a_login_held_only_here_is_pseudonymised_and_closed(world):
    user = world["user"]
    MembershipFactory(user=user, organisation=world["org"], role=Role.STEERING)
    user.language = "en"
    user.last_login = timezone.now()
    user.save()

    person_erase(person=world["person"], by=world["hr"])

    user.refresh_from_db()
    world["person"].refresh_from_db()
    assert (
        user.email,
        user.full_name,
        user.is_active,
        user.has_usable_password(),
        user.language,
        user.last_login,
    ) == (world["person"].email, world["person"].full_name, False, False, "", None)
    assert not Membership.objects.filter(user=user).exists()


def test_a_login_with_a_role_elsewhere_is_only_unlinked(world):
    user = world["user"]
    elsewhere = OrganisationFactory(slug="karlstad")
    MembershipFactory(user=user, organisation=elsewhere, role=Role.HR)
    MembershipFactory(user=user, organisation=world["org"], role=Role.STEERING)
    before = (user.email, user.full_name, user.password, user.is_active)
    store = SessionStore()
    store["_auth_user_id"] = str(user.pk)
    store.create()

    result = person_erase(person=world["person"], by=world["hr"])

    user.refresh_from_db()
    world["person"].refresh_from_db()
    assert result.login == Login.UNLINKED
    assert (user.email, user.full_name, user.password, user.is_active) == before
    assert world["person"].user_id is None
    assert list(Membership.objects.filter(user=user).values_list("organisation__slug", "role")) == [
        ("karlstad", "hr")
    ]
    assert StoredSession.objects.filter(session_key=store.session_key).exists()


@pytest.mark.parametrize("holds", ["manager record elsewhere", "consultant record"])
def test_a_login_holding_other_records_is_only_unlinked(world, holds):
    user = world["user"]
    if holds == "consultant record":
        ConsultantFactory(user=user, organisations=[world["org"]])
    else:
        PersonFactory(organisation=OrganisationFactory(slug="karlstad"), user=user)

    assert person_erase(person=world["person"], by=world["hr"]).login == Login.UNLINKED
    user.refresh_from_db()
    assert (user.email, user.is_active) == ("anna.svensson@orebro.test", True)


def test_erasure_removes_login_traces_of_a_pseudonymised_login(world, settings):
    user, person = world["user"], world["person"]
    send_login_links(people=[person])  # a login link request and its outbox row
    enqueue(SEND_LOGIN_LINK_TO_ADDRESS, email="anna.svensson@orebro.test")
    other_link = enqueue(SEND_LOGIN_LINK_TO_ADDRESS, email="someone@orebro.test")
    LoginConfirmation.objects.create(
        kind=LoginConfirmation.Kind.EMAIL,
        user=user,
        organisation=world["org"],
        person=person,
        new_email="anna.ny@orebro.test",
    )
    for model in (AccessAttempt, AccessLog):
        model.objects.create(
            username="anna.svensson@orebro.test",
            ip_address="10.0.0.1",
            user_agent="x",
            http_accept="*/*",
            path_info="/login/",
            **(
                {"get_data": "", "post_data": "", "failures_since_start": 3}
                if model is AccessAttempt
                else {}
            ),
        )
    mine, theirs = SessionStore(), SessionStore()
    mine["_auth_user_id"] = str(user.pk)
    theirs["_auth_user_id"] = str(world["hr"].pk)
    mine.create()
    theirs.create()
    ManagerImport.objects.create(
        organisation=world["org"],
        filename="chefer.csv",
        status=ManagerImport.Status.APPLIED,
        summary={
            "created_count": 2,
            "created": [[2, "E4711", "Anna Svensson"], [3, "E0001", "Bo Ek"]],
            "updated": [[4, "E4711", "Anna Svensson", "e-post"]],
        },
    )

    result = person_erase(person=person, by=world["hr"])

    person.refresh_from_db()
    number, name = person.employee_number, person.full_name
    assert not LoginLinkRequest.objects.filter(user=user).exists()
    assert not LoginConfirmation.objects.filter(user=user).exists()
    assert list(OutboxTask.objects.values_list("pk", flat=True)) == [other_link.pk]
    assert not AccessAttempt.objects.exists() and not AccessLog.objects.exists()
    assert not StoredSession.objects.filter(session_key=mine.session_key).exists()
    assert StoredSession.objects.filter(session_key=theirs.session_key).exists()
    assert ManagerImport.objects.get().summary == {
        "created_count": 2,
        "created": [[2, number, name], [3, "E0001", "Bo Ek"]],
        "updated": [[4, number, name, "e-post"]],
    }
    assert (result.counts["sessions"], result.counts["lockout_records"]) == (1, 2)


def _lockout(username):
    return AccessAttempt.objects.create(
        username=username,
        ip_address="10.0.0.1",
        user_agent="x",
        http_accept="*/*",
        path_info="/login/",
        get_data="",
        post_data="",
        failures_since_start=10,
    )


def test_another_logins_address_keeps_its_lockout_and_links(world):
    """A record that merely carries the address of someone else's login clears nothing of it."""
    person = PersonFactory(organisation=world["org"], email="Chef@orebro.test")
    attempt = _lockout("chef@orebro.test")
    link = enqueue(SEND_LOGIN_LINK_TO_ADDRESS, email="chef@orebro.test")

    person_erase(person=person, by=world["hr"])

    assert AccessAttempt.objects.filter(pk=attempt.pk).exists()
    assert OutboxTask.objects.filter(pk=link.pk).exists()


def test_a_kept_logins_own_address_keeps_its_lockout(world):
    MembershipFactory(
        user=world["user"], organisation=OrganisationFactory(slug="karlstad"), role=Role.HR
    )
    attempt = _lockout("anna.svensson@orebro.test")

    person_erase(person=world["person"], by=world["hr"])

    assert AccessAttempt.objects.filter(pk=attempt.pk).exists()


def test_erasure_is_recorded_in_the_access_log(world):
    person_erase(person=world["person"], by=world["hr"])

    assert list(
        PersonalDataAccess.objects.values_list("organisation", "actor", "action", "subject", "what")
    ) == [(world["org"].pk, world["hr"].pk, "erasure", world["person"].pk, "pseudonymised")]


def test_erasing_twice_changes_nothing_the_second_time(world):
    person_erase(person=world["person"], by=world["hr"])
    first = Person.objects.filter(pk=world["person"].pk).values()[0]

    again = person_erase(person=world["person"], by=world["hr"])

    assert again.already_erased
    assert Person.objects.filter(pk=world["person"].pk).values()[0] == first
    assert PersonalDataAccess.objects.filter(action="erasure").count() == 1
    assert erasure_refusals(person=world["person"]) == []


def test_another_organisations_records_are_untouched(world, other_org):
    namesake = PersonFactory(
        organisation=other_org, first_name="Anna", last_name="Svensson", employee_number="E4711"
    )

    person_erase(person=world["person"], by=world["hr"])

    namesake.refresh_from_db()
    assert (namesake.full_name, namesake.employee_number, namesake.active) == (
        "Anna Svensson",
        "E4711",
        True,
    )


def _more_of_everything(world, n):
    for stage in ("between_1_2", "between_2_3", "between_3_4")[:n]:
        AgreementFactory(
            enrollment=world["enrollment"], stage=stage, status="agreed", agreed_at=timezone.now()
        )
    for _ in range(n):
        group = GroupFactory(round__program__organisation=world["org"])
        enrollment = EnrollmentFactory(person=world["person"], group=group, status="withdrawn")
        AttendanceFactory(enrollment=enrollment, session=SessionFactory(group=group))
        PersonFactory(organisation=world["org"], line_manager=world["person"])


def test_erasure_query_count_does_not_grow_with_the_data(world, django_assert_max_num_queries):
    """Measured at one size, then held at a larger one."""
    small = dict(world)
    _more_of_everything(small, 1)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        person_erase(person=small["person"], by=small["hr"])
    measured = len(ctx.captured_queries)

    large_person = PersonFactory(
        organisation=world["org"], first_name="Stor", last_name="Data", user=UserFactory()
    )
    large = {
        **world,
        "person": large_person,
        "enrollment": EnrollmentFactory(
            person=large_person, group=world["enrollment"].group, status="completed"
        ),
    }
    _more_of_everything(large, 3)
    with django_assert_max_num_queries(measured):
        person_erase(person=large_person, by=world["hr"])
