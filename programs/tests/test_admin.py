"""The Django admin for people and the program, scoped to the HR coordinator's organisations."""

import datetime as dt

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from participants.models import (
    Consultant,
    Department,
    ManagerImport,
    Membership,
    Organisation,
    Person,
    Role,
)
from participants.tests.factories import (
    ConsultantFactory,
    DepartmentFactory,
    PersonFactory,
    UserFactory,
)
from programs.models import (
    Agreement,
    Attendance,
    CheckIn,
    Enrollment,
    Group,
    Module,
    Program,
    Round,
    Session,
)
from programs.tests.factories import (
    AgreementFactory,
    AttendanceFactory,
    CheckInFactory,
    EnrollmentFactory,
    GroupFactory,
    ModuleFactory,
    ProgramFactory,
    RoundFactory,
    SessionFactory,
)

pytestmark = pytest.mark.django_db

# Model → lookup from the model to its organisation.
SCOPED_MODELS = {
    Organisation: "pk",
    Membership: "organisation",
    Department: "organisation",
    Person: "organisation",
    Consultant: "organisations",
    Program: "organisation",
    Module: "program__organisation",
    Round: "program__organisation",
    Group: "round__program__organisation",
    Enrollment: "program__organisation",
    Session: "group__round__program__organisation",
    Attendance: "enrollment__program__organisation",
    Agreement: "enrollment__program__organisation",
    CheckIn: "program__organisation",
    ManagerImport: "organisation",
}
MODEL_IDS = sorted(SCOPED_MODELS, key=lambda m: m._meta.label)


def _admin_url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def _grant_admin_permissions(user):
    user.is_staff = True
    user.save()
    user.user_permissions.set(
        Permission.objects.filter(content_type__app_label__in=["participants", "programs"])
    )


def _populate(organisation, *, name):
    """One row of every model in the organisation."""
    consultant = ConsultantFactory(name=f"Konsult {name}", organisations=[organisation])
    program = ProgramFactory(organisation=organisation, name=f"Program {name}")
    module = ModuleFactory(program=program, order=1, responsible_consultant=consultant)
    group = GroupFactory(round=RoundFactory(program=program, number=1), number=1, name=name)
    enrollment = EnrollmentFactory(
        group=group,
        person=PersonFactory(organisation=organisation, last_name=f"Person {name}"),
    )
    session = SessionFactory(group=group, module=module, process_leader=consultant)
    AttendanceFactory(session=session, enrollment=enrollment)
    AgreementFactory(enrollment=enrollment, texts={"develop": f"Hemligt mål {name}"})
    CheckInFactory(program=program, module=module, consultant=consultant)
    ManagerImport.objects.create(organisation=organisation, filename=f"chefer-{name}.csv")
    return enrollment


@pytest.fixture
def staff_hr(hr_user):
    _grant_admin_permissions(hr_user)
    return hr_user


@pytest.fixture
def two_organisations(org, other_org, staff_hr, outsider):
    return {"ours": _populate(org, name="A"), "theirs": _populate(other_org, name="B")}


def _expected(model, organisation):
    return set(
        model.objects.filter(**{SCOPED_MODELS[model]: organisation.pk}).values_list("pk", flat=True)
    )


# --- Scoping ---------------------------------------------------------------------------------


@pytest.mark.parametrize("model", MODEL_IDS, ids=lambda m: m._meta.model_name)
def test_changelist_shows_only_rows_of_the_coordinators_organisation(
    client, staff_hr, org, two_organisations, model
):
    client.force_login(staff_hr)

    response = client.get(_admin_url(model, "changelist"))

    assert response.status_code == 200
    shown = {obj.pk for obj in response.context["cl"].result_list}
    assert shown == _expected(model, org)
    assert shown != set()


@pytest.mark.parametrize("model", MODEL_IDS, ids=lambda m: m._meta.model_name)
def test_change_page_of_another_organisations_row_redirects_as_missing(
    client, staff_hr, other_org, two_organisations, model
):
    (foreign_pk,) = _expected(model, other_org)
    client.force_login(staff_hr)

    response = client.get(_admin_url(model, "change", foreign_pk))

    assert response.status_code == 302
    assert response["Location"] == reverse("admin:index")


@pytest.mark.parametrize("model", MODEL_IDS, ids=lambda m: m._meta.model_name)
def test_superuser_sees_every_organisation(client, org, other_org, two_organisations, model):
    superuser = UserFactory(email="root@svc.test", is_staff=True, is_superuser=True)
    client.force_login(superuser)

    response = client.get(_admin_url(model, "changelist"))

    shown = {obj.pk for obj in response.context["cl"].result_list}
    assert shown == _expected(model, org) | _expected(model, other_org)


def test_staff_without_the_hr_role_sees_nothing(client, steering_user, two_organisations):
    _grant_admin_permissions(steering_user)
    client.force_login(steering_user)

    assert client.get(_admin_url(Person, "changelist")).status_code == 403
    assert client.get(reverse("admin:index")).context["app_list"] == []


def test_foreign_key_choices_are_limited_to_the_organisation(
    client, staff_hr, org, two_organisations
):
    client.force_login(staff_hr)

    response = client.get(_admin_url(Enrollment, "add"))

    fields = response.context["adminform"].form.fields
    assert set(fields["group"].queryset) == set(
        Group.objects.filter(round__program__organisation=org)
    )
    assert set(fields["person"].queryset) == set(Person.objects.filter(organisation=org))


def test_autocomplete_offers_only_the_organisations_people(
    client, staff_hr, org, two_organisations
):
    client.force_login(staff_hr)

    response = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "programs", "model_name": "enrollment", "field_name": "person", "term": ""},
    )

    assert response.status_code == 200
    assert [r["text"] for r in response.json()["results"]] == [
        p.full_name for p in Person.objects.filter(organisation=org).order_by("last_name")
    ]


def test_organisation_filter_is_hidden_for_a_single_organisation(
    client, staff_hr, two_organisations
):
    client.force_login(staff_hr)

    response = client.get(_admin_url(Person, "changelist"))

    titles = [str(spec.title) for spec in response.context["cl"].filter_specs if spec.has_output()]
    assert str(Organisation._meta.verbose_name) not in titles


def test_coordinator_of_two_organisations_filters_by_organisation(
    client, staff_hr, org, other_org, two_organisations
):
    Membership.objects.create(user=staff_hr, organisation=other_org, role=Role.HR)
    client.force_login(staff_hr)

    both = client.get(_admin_url(Person, "changelist"))
    theirs = client.get(_admin_url(Person, "changelist"), {"organisation": other_org.pk})

    assert {p.organisation_id for p in both.context["cl"].result_list} == {org.pk, other_org.pk}
    assert {p.organisation_id for p in theirs.context["cl"].result_list} == {other_org.pk}


# --- Users and consultants that reach other organisations ----------------------------------------


def test_user_changelist_hides_other_organisations_and_superusers(
    client, staff_hr, org, outsider, two_organisations
):
    UserFactory(email="root@svc.test", is_staff=True, is_superuser=True)
    linked = UserFactory(email="anna@orebro.test")
    PersonFactory(organisation=org, user=linked)
    client.force_login(staff_hr)

    response = client.get(_admin_url(type(staff_hr), "changelist"))

    assert {u.email for u in response.context["cl"].result_list} == {
        "hr@orebro.test",
        "anna@orebro.test",
    }


def test_coordinator_cannot_make_anyone_superuser(client, staff_hr):
    client.force_login(staff_hr)

    response = client.get(_admin_url(type(staff_hr), "change", staff_hr.pk))

    assert "is_superuser" not in response.context["adminform"].form.fields


def test_login_used_in_another_organisation_is_read_only(
    client, staff_hr, org, other_org, two_organisations
):
    shared = UserFactory(email="delad@konsult.test")
    Membership.objects.create(user=shared, organisation=org, role=Role.PROCESS_LEADER)
    Membership.objects.create(user=shared, organisation=other_org, role=Role.PROCESS_LEADER)
    client.force_login(staff_hr)

    response = client.post(
        reverse("admin:auth_user_password_change", args=[shared.pk]),
        {"password1": "new-password-2015!", "password2": "new-password-2015!"},
    )

    assert response.status_code == 403
    shared.refresh_from_db()
    assert shared.check_password("correct-horse-battery")


def test_coordinator_creates_no_login_and_changes_no_login_in_the_admin(client, staff_hr, org):
    """Logins come from login links and invitations; the holder owns address and password."""
    PersonFactory(organisation=org, email="Karin.Ek@orebro.test")
    own = UserFactory(email="anna@orebro.test")
    PersonFactory(organisation=org, user=own, email="anna@orebro.test")
    client.force_login(staff_hr)
    data = {
        "email": "karin.ek@orebro.test",
        "password1": "ett-langt-losenord-2015",
        "password2": "ett-langt-losenord-2015",
        "memberships-TOTAL_FORMS": "0",
        "memberships-INITIAL_FORMS": "0",
    }

    add = client.post(_admin_url(type(staff_hr), "add"), data)
    page = client.get(_admin_url(type(staff_hr), "change", own.pk))
    password = client.post(
        reverse("admin:auth_user_password_change", args=[own.pk]),
        {"password1": "new-password-2015!", "password2": "new-password-2015!"},
    )

    assert add.status_code == 403
    assert not type(staff_hr).objects.filter(email="karin.ek@orebro.test").exists()
    assert page.status_code == 200
    form = page.context["adminform"].form
    assert [name for name, field in form.fields.items() if not field.disabled] == []
    assert password.status_code == 403
    own.refresh_from_db()
    assert own.check_password("correct-horse-battery")


def test_consultant_shared_with_another_organisation_is_read_only(
    client, staff_hr, org, other_org, two_organisations
):
    shared = ConsultantFactory(name="Delad Konsult", organisations=[org, other_org])
    own = Consultant.objects.get(name="Konsult A")
    client.force_login(staff_hr)

    post = client.post(_admin_url(Consultant, "change", shared.pk), {"name": "Ändrad"})
    own_page = client.get(_admin_url(Consultant, "change", own.pk))

    assert post.status_code == 403
    shared.refresh_from_db()
    assert shared.name == "Delad Konsult"
    assert own_page.context["has_change_permission"] is True


# --- Agreements are private --------------------------------------------------------------------


def test_coordinator_sees_agreement_status_but_never_the_texts(client, staff_hr, two_organisations):
    agreement = Agreement.objects.get(enrollment=two_organisations["ours"])
    client.force_login(staff_hr)

    change = client.get(_admin_url(Agreement, "change", agreement.pk))
    search = client.get(_admin_url(Agreement, "changelist"), {"q": "Hemligt"})

    page = change.content.decode()
    assert change.status_code == 200
    assert "Hemligt mål A" not in page
    assert "return_comment" not in page
    assert 'name="texts"' not in page
    assert change.context["has_change_permission"] is False
    assert list(search.context["cl"].result_list) == []


def test_coordinator_cannot_change_an_agreement(client, staff_hr, two_organisations):
    agreement = Agreement.objects.get(enrollment=two_organisations["ours"])
    client.force_login(staff_hr)

    response = client.post(
        _admin_url(Agreement, "change", agreement.pk),
        {"enrollment": agreement.enrollment_id, "stage": agreement.stage, "status": "agreed"},
    )

    assert response.status_code == 403
    agreement.refresh_from_db()
    assert agreement.status == Agreement.Status.DRAFT


def test_superuser_sees_agreement_texts(client, two_organisations):
    agreement = Agreement.objects.get(enrollment=two_organisations["ours"])
    client.force_login(UserFactory(email="root@svc.test", is_staff=True, is_superuser=True))

    page = client.get(_admin_url(Agreement, "change", agreement.pk)).content.decode()

    assert "Hemligt mål A" in page


# --- Writes go through the services --------------------------------------------------------------


def test_enrollment_added_in_admin_gets_its_program(client, staff_hr, org, two_organisations):
    group = Group.objects.get(round__program__organisation=org)
    person = PersonFactory(organisation=org)
    client.force_login(staff_hr)

    response = client.post(
        _admin_url(Enrollment, "add"),
        {"person": person.pk, "group": group.pk, "status": Enrollment.Status.PLANNED},
    )

    assert response.status_code == 302
    enrollment = Enrollment.objects.get(person=person)
    assert (enrollment.group, enrollment.program) == (group, group.round.program)


def test_second_enrollment_in_the_same_program_is_refused_on_the_form(
    client, staff_hr, org, two_organisations
):
    existing = two_organisations["ours"]
    other_group = GroupFactory(round=existing.group.round, number=2)
    client.force_login(staff_hr)

    response = client.post(
        _admin_url(Enrollment, "add"),
        {"person": existing.person_id, "group": other_group.pk, "status": "planned"},
    )

    assert response.status_code == 200
    assert list(response.context["adminform"].form.errors) == ["person"]
    assert Enrollment.objects.filter(person=existing.person).count() == 1


def test_session_out_of_module_order_is_refused_on_the_form(
    client, staff_hr, org, two_organisations
):
    group = two_organisations["ours"].group
    module_2 = ModuleFactory(program=group.round.program, order=2)
    first = Session.objects.get(group=group)
    before = timezone.localtime(first.starts_at) - dt.timedelta(days=7)
    client.force_login(staff_hr)

    response = client.post(
        _admin_url(Session, "add"),
        {
            "group": group.pk,
            "module": module_2.pk,
            "starts_at_0": before.date().isoformat(),
            "starts_at_1": "09:00:00",
            "ends_at_0": before.date().isoformat(),
            "ends_at_1": "16:00:00",
            "venue": "Conventum",
        },
    )

    assert response.status_code == 200
    assert list(response.context["adminform"].form.errors) == ["starts_at"]
    assert Session.objects.filter(group=group).count() == 1


def test_session_outside_the_rounds_dates_is_refused_on_the_form(
    client, staff_hr, org, two_organisations
):
    group = two_organisations["ours"].group
    module_2 = ModuleFactory(program=group.round.program, order=2)
    after_round = group.round.ends_on + dt.timedelta(days=1)
    client.force_login(staff_hr)

    response = client.post(
        _admin_url(Session, "add"),
        {
            "group": group.pk,
            "module": module_2.pk,
            "starts_at_0": after_round.isoformat(),
            "starts_at_1": "09:00:00",
            "ends_at_0": after_round.isoformat(),
            "ends_at_1": "16:00:00",
            "venue": "Conventum",
        },
    )

    errors = response.context["adminform"].form.errors
    assert response.status_code == 200
    assert errors == {
        "starts_at": [
            f"Modul 2 måste hållas inom omgångens datum, {group.round.starts_on.isoformat()}–"
            f"{group.round.ends_on.isoformat()}."
        ]
    }
    assert Session.objects.filter(group=group).count() == 1


def test_person_in_a_line_manager_loop_is_refused_on_the_form(client, staff_hr, org):
    top = PersonFactory(organisation=org)
    below = PersonFactory(organisation=org, line_manager=top)
    client.force_login(staff_hr)

    response = client.post(
        _admin_url(Person, "change", top.pk),
        {
            "organisation": org.pk,
            "employee_number": top.employee_number,
            "first_name": top.first_name,
            "last_name": top.last_name,
            "department": top.department_id,
            "level": top.level,
            "line_manager": below.pk,
            "active": "on",
        },
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors
    top.refresh_from_db()
    assert top.line_manager is None


def test_attendance_for_a_session_of_another_group_is_refused(
    client, staff_hr, org, two_organisations
):
    enrollment = two_organisations["ours"]
    other_group = GroupFactory(round=enrollment.group.round, number=2)
    module = Module.objects.get(program=enrollment.program, order=1)
    foreign_session = SessionFactory(group=other_group, module=module)
    client.force_login(staff_hr)

    response = client.post(
        _admin_url(Attendance, "add"),
        {"enrollment": enrollment.pk, "session": foreign_session.pk, "status": "present"},
    )

    assert response.status_code == 200
    assert list(response.context["adminform"].form.errors) == ["session"]


# --- Changelists do not grow in queries with the data ---------------------------------------------


def _count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    "model",
    [Person, Module, Round, Group, Enrollment, Session, Attendance, Agreement, CheckIn],
    ids=lambda m: m._meta.model_name,
)
def test_changelist_query_count_is_flat(client, staff_hr, org, two_organisations, model):
    client.force_login(staff_hr)
    url = _admin_url(model, "changelist")
    small = _count(client, url)

    department = DepartmentFactory(organisation=org, name="Tekniska förvaltningen")
    for i in range(5):
        enrollment = _populate(org, name=f"A{i}")
        enrollment.person.department = department
        enrollment.person.line_manager = PersonFactory(organisation=org)
        enrollment.person.save()

    assert _count(client, url) == small
