"""A login is controlled only by the person who holds it.

The reported takeover, step by step through the web, and the ways a holder
confirms a change: the link sent to their address, or a button while logged in.
"""

import re
from urllib.parse import urlencode

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from participants.models import LoginConfirmation, Membership, Person, Role, User
from participants.tests.factories import (
    DepartmentFactory,
    MembershipFactory,
    PersonFactory,
    UserFactory,
)
from programs.tests.factories import EnrollmentFactory, GroupFactory
from svc.roles import roles_in

pytestmark = pytest.mark.django_db

LINK = re.compile(r"http://127\.0\.0\.1:8000(/bekrafta/[^\s]+/)")


def _link(message) -> str:
    match = LINK.search(message.body)
    assert match, message.body
    return match.group(1)


def _logs_in(email, password="correct-horse-battery") -> bool:
    client = Client()
    client.post(reverse("login"), {"username": email, "password": password})
    return "_auth_user_id" in client.session


def test_the_reported_takeover_leaves_the_other_organisations_login_unchanged(
    client, org, other_org, hr_user, outsider, django_capture_on_commit_callbacks
):
    """As the region's HR: a manager with Örebro's HR address, a login link, an import with
    a new address, then "Forgot your password?" for it. Örebro's HR login is untouched."""
    victim_before = User.objects.values().get(pk=hr_user.pk)
    DepartmentFactory(organisation=other_org, name="Regionledningen")
    group = GroupFactory(round__program__organisation=other_org)
    member = PersonFactory(organisation=other_org, email="medlem@vastmanland.test")
    EnrollmentFactory(person=member, group=group)
    client.force_login(outsider)
    department = other_org.departments.get(name="Regionledningen")

    # 1. A manager whose e-mail is Örebro's HR coordinator's address.
    client.post(
        reverse("participants:person_create", kwargs={"org": other_org.slug}),
        {
            "employee_number": "R-1", "first_name": "Falsk", "last_name": "Chef",
            "email": "hr@orebro.test", "department": department.pk, "level": "enhetschef",
            "active": "on",
        },
    )  # fmt: skip
    fake = Person.objects.get(organisation=other_org, employee_number="R-1")
    # 2. The line manager of a member of a group.
    member.line_manager = fake
    member.save()
    # 3. The group's login links.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse(
                "programs:group_login_links", kwargs={"org": "vastmanland", "group_id": group.pk}
            )
        )
    fake.refresh_from_db()
    assert fake.user_id is None
    # 4. An import that gives that employee number a new address.
    upload = (
        "Anställningsnummer;Förnamn;Efternamn;E-post;Förvaltning\r\n"
        "R-1;Falsk;Chef;angripare@vastmanland.test;Regionledningen\r\n"
    ).encode()
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post(
        reverse("participants:import_upload", kwargs={"org": other_org.slug}),
        {"file": SimpleUploadedFile("chefer.csv", upload, content_type="text/csv")},
    )
    pk = response["Location"].rstrip("/").rsplit("/", 1)[-1]
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("participants:import_confirm", kwargs={"org": "vastmanland", "pk": pk}))
    # 5. "Forgot your password?" for the new address.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        Client().post(reverse("forgot_password"), {"email": "angripare@vastmanland.test"})

    assert mail.outbox == []
    assert User.objects.values().get(pk=hr_user.pk) == victim_before
    assert not User.objects.filter(email="angripare@vastmanland.test").exists()
    assert _logs_in("hr@orebro.test")
    victim = Client()
    victim.force_login(hr_user)
    assert victim.get(reverse("svc:hr_start", kwargs={"org": org.slug})).status_code == 200
    assert roles_in(user=hr_user, organisation=other_org) == set()


# --- The holder confirms a link ---------------------------------------------------------------


def test_the_holder_links_their_login_with_the_e_mailed_link(
    client, org, other_org, outsider, django_capture_on_commit_callbacks
):
    """A manager in two organisations: Örebro asks, the holder (Region HR) confirms."""
    person = PersonFactory(organisation=org, email="HR@vastmanland.test", first_name="Vera")
    EnrollmentFactory(person=person, group=GroupFactory(round__program__organisation=org))
    from participants.accounts import send_login_links

    with django_capture_on_commit_callbacks(execute=True):
        send_login_links(people=[person])
    link = _link(mail.outbox[0])

    page = client.get(link).content.decode()
    assert "<h1>Bekräfta ändringen av din inloggning</h1>" in page
    assert "Örebro kommun vill koppla din inloggning <strong>hr@vastmanland.test</strong>" in page
    response = client.post(link, follow=True)

    person.refresh_from_db()
    assert person.user == outsider
    assert "Din inloggning är nu kopplad till dina uppgifter som chef i Örebro kommun." in (
        response.content.decode()
    )
    assert roles_in(user=outsider, organisation=org) == {Role.PARTICIPANT}
    assert roles_in(user=outsider, organisation=other_org) == {Role.HR}
    again = client.post(link, follow=True).content.decode()
    assert "<h1>Länken fungerar inte</h1>" in again


def test_the_holder_confirms_from_the_start_page_while_logged_in(
    client, org, outsider, django_capture_on_commit_callbacks
):
    person = PersonFactory(organisation=org, email="hr@vastmanland.test")
    from participants.accounts import send_login_links

    send_login_links(people=[person])
    confirmation = LoginConfirmation.objects.get()
    client.force_login(outsider)

    home = client.get(reverse("home")).content.decode()
    assert "Örebro kommun vill koppla din inloggning till sitt ledarutvecklingsprogram." in home
    response = client.post(
        reverse("confirm_login_here", kwargs={"pk": confirmation.pk}), follow=True
    )

    person.refresh_from_db()
    assert person.user == outsider
    assert response.redirect_chain[0][0] == reverse("home")


def test_someone_else_cannot_confirm_another_holders_request(client, org, outsider, hr_user):
    person = PersonFactory(organisation=org, email="hr@vastmanland.test")
    from participants.accounts import send_login_links

    send_login_links(people=[person])
    confirmation = LoginConfirmation.objects.get()
    client.force_login(hr_user)

    response = client.post(reverse("confirm_login_here", kwargs={"pk": confirmation.pk}))

    assert response.status_code == 404
    person.refresh_from_db()
    assert person.user_id is None


def test_a_link_request_lapses_when_hr_changes_the_address(client, org, outsider):
    person = PersonFactory(organisation=org, email="hr@vastmanland.test")
    from participants.accounts import send_login_links
    from participants.services import person_save

    send_login_links(people=[person])
    person.email = "annan@orebro.test"
    person_save(person=person)

    assert LoginConfirmation.objects.get().state == "cancelled"


# --- A new address waits for the holder ----------------------------------------------------


def _change_address(client, org, person, email):
    data = {
        "employee_number": person.employee_number, "first_name": person.first_name,
        "last_name": person.last_name, "email": email, "department": person.department_id,
        "level": person.level, "active": "on",
    }  # fmt: skip
    return client.post(
        reverse("participants:person_edit", kwargs={"org": org.slug, "pk": person.pk}), data
    )


def test_a_new_address_changes_the_login_only_when_the_holder_confirms_logged_in(
    client, org, hr_user, django_capture_on_commit_callbacks
):
    user = UserFactory(email="anna@orebro.test")
    person = PersonFactory(organisation=org, user=user, email=user.email)
    client.force_login(hr_user)

    with django_capture_on_commit_callbacks(execute=True):
        _change_address(client, org, person, "anna.ny@orebro.test")
    user.refresh_from_db()
    assert user.email == "anna@orebro.test"
    assert _logs_in("anna@orebro.test")
    assert [m.to for m in mail.outbox] == [["anna.ny@orebro.test"]]
    link = _link(mail.outbox[0])

    holder = Client()
    not_yet = holder.get(link)
    assert not_yet["Location"] == f"{reverse('login')}?{urlencode({'next': link})}"
    holder.post(reverse("login"), {"username": "anna@orebro.test",
                                   "password": "correct-horse-battery"})  # fmt: skip
    page = holder.get(link).content.decode()
    assert "Din inloggning ändras från <strong>anna@orebro.test</strong> till" in page
    holder.post(link)

    user.refresh_from_db()
    assert user.email == "anna.ny@orebro.test"
    assert _logs_in("anna.ny@orebro.test")


def test_a_new_address_cannot_be_confirmed_by_whoever_holds_that_mailbox(
    client, org, hr_user, outsider, django_capture_on_commit_callbacks
):
    user = UserFactory(email="anna@orebro.test")
    person = PersonFactory(organisation=org, user=user, email=user.email)
    client.force_login(hr_user)
    with django_capture_on_commit_callbacks(execute=True):
        _change_address(client, org, person, "hr@vastmanland.test")
    link = _link(mail.outbox[0])

    mailbox_owner = Client()
    mailbox_owner.force_login(outsider)
    mailbox_owner.post(link)

    user.refresh_from_db()
    assert user.email == "anna@orebro.test"
    assert LoginConfirmation.objects.get().state == "pending"


# --- Deactivation ends roles in one organisation ----------------------------------------------


def test_deactivating_a_manager_ends_their_roles_here_only(
    client, org, other_org, hr_user, outsider
):
    user = UserFactory(email="anna@orebro.test")
    person = PersonFactory(organisation=org, user=user, email=user.email)
    EnrollmentFactory(person=person, group=GroupFactory(round__program__organisation=org))
    MembershipFactory(user=user, organisation=org, role=Role.STEERING)
    MembershipFactory(user=user, organisation=other_org, role=Role.STEERING)
    client.force_login(hr_user)
    data = {
        "employee_number": person.employee_number, "first_name": person.first_name,
        "last_name": person.last_name, "email": person.email,
        "department": person.department_id, "level": person.level,
    }  # fmt: skip

    client.post(
        reverse("participants:person_edit", kwargs={"org": org.slug, "pk": person.pk}), data
    )

    user.refresh_from_db()
    assert (user.is_active, user.check_password("correct-horse-battery")) == (True, True)
    assert roles_in(user=user, organisation=org) == set()
    assert roles_in(user=user, organisation=other_org) == {Role.STEERING}
    assert list(Membership.objects.filter(user=user).values_list("organisation", flat=True)) == [
        other_org.pk
    ]


# --- Requests that outlive their reason (review findings) -------------------------------------


def test_a_login_used_elsewhere_keeps_its_address_whatever_one_organisation_says(
    client, org, other_org, hr_user, django_capture_on_commit_callbacks
):
    user = UserFactory(email="anna@orebro.test")
    person = PersonFactory(organisation=org, user=user, email=user.email)
    MembershipFactory(user=user, organisation=other_org, role=Role.STEERING)
    client.force_login(hr_user)

    with django_capture_on_commit_callbacks(execute=True):
        _change_address(client, org, person, "anna@angripare.test")

    person.refresh_from_db()
    assert person.email == "anna@angripare.test"
    assert (User.objects.get(pk=user.pk).email, mail.outbox) == ("anna@orebro.test", [])
    assert not LoginConfirmation.objects.exists()


def test_a_new_address_lapses_when_the_record_is_deactivated(
    client, org, hr_user, django_capture_on_commit_callbacks
):
    user = UserFactory(email="anna@orebro.test")
    person = PersonFactory(organisation=org, user=user, email=user.email)
    client.force_login(hr_user)
    with django_capture_on_commit_callbacks(execute=True):
        _change_address(client, org, person, "anna.ny@orebro.test")
    link = _link(mail.outbox[0])
    person.refresh_from_db()
    person.active = False
    from participants.services import person_save

    person_save(person=person)

    holder = Client()
    holder.force_login(user)
    page = holder.get(link).content.decode()
    holder.post(link)

    assert "<h1>Länken fungerar inte</h1>" in page
    assert User.objects.get(pk=user.pk).email == "anna@orebro.test"


def test_hr_cannot_move_a_manager_record_to_another_organisation_in_the_admin(
    client, org, other_org, hr_user
):
    from django.contrib.auth.models import Permission

    MembershipFactory(user=hr_user, organisation=other_org, role=Role.HR)
    hr_user.is_staff = True
    hr_user.save()
    hr_user.user_permissions.set(Permission.objects.filter(content_type__app_label="participants"))
    linked = UserFactory(email="anna@orebro.test")
    person = PersonFactory(organisation=org, user=linked)
    client.force_login(hr_user)

    page = client.get(reverse("admin:participants_person_change", args=[person.pk]))

    assert "organisation" not in page.context["adminform"].form.fields


def test_a_unicode_spelling_of_an_address_shares_its_lockout(client, hr_user, settings):
    """PostgreSQL matches 'hr' and 'hr' with a dotless i alike; so does the lockout."""
    kristina = UserFactory(email="kristina@orebro.test")
    variant = "kr\u0131stina@orebro.test"
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        client.post("/logga-in/", {"username": "kristina@orebro.test", "password": f"f{attempt}"})

    response = client.post("/logga-in/", {"username": variant, "password": "correct-horse-battery"})

    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    assert kristina.check_password("correct-horse-battery")
