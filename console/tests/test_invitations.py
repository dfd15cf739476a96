"""Inviting an organisation's HR coordinator from the console, by the identity rules:
a login only for an address without one; an existing login only when its holder confirms."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from core.tests.html import parse
from participants.models import LoginConfirmation, Membership, Role, User
from svc.roles import roles_in

pytestmark = pytest.mark.django_db

ACTIVATION = re.compile(r"http://127\.0\.0\.1:8000(/aktivera/[^/\s]+/[^/\s]+/)")
CONFIRMATION = re.compile(r"https?://[^/\s]+(/bekrafta/[^/\s]+/)")


def _detail(organisation) -> str:
    return reverse("console:organisation_detail", kwargs={"slug": organisation.slug})


def _invite(client, organisation, captured, **data):
    with captured(execute=True):
        return client.post(_detail(organisation), data, follow=True)


def test_a_new_address_gets_a_login_with_the_hr_role_and_a_password_link(
    client, operator, org, django_capture_on_commit_callbacks
):
    client.force_login(operator)

    response = _invite(
        client,
        org,
        django_capture_on_commit_callbacks,
        full_name="Hanna Rask",
        email=" Hanna.Rask@Orebro.se ",
    )

    user = User.objects.get(email="hanna.rask@orebro.se")
    assert (user.full_name, user.has_usable_password()) == ("Hanna Rask", False)
    assert roles_in(user=user, organisation=org) == {Role.HR}
    assert [m.to for m in mail.outbox] == [["hanna.rask@orebro.se"]]
    assert mail.outbox[0].subject == "Din inloggning till Sveriges viktigaste chefsjobb"
    page = parse(response)
    assert page.texts(".messages .alert") == [
        "En inloggning är skapad för hanna.rask@orebro.se som HR-samordnare i Örebro kommun. "
        "Ett mejl med en länk för att välja lösenord är på väg."
    ]
    assert page.texts("#coordinators li") == [
        "Hanna Rask <hanna.rask@orebro.se> (har inte loggat in än)"
    ]

    # She accepts through the activation link, and starts on HR's start page.
    client.logout()
    link = ACTIVATION.search(mail.outbox[0].body).group(1)
    form_url = client.get(link)["Location"]
    accepted = client.post(
        form_url,
        {"new_password1": "Ett långt lösen 42!", "new_password2": "Ett långt lösen 42!"},
        follow=True,
    )
    assert accepted.redirect_chain[-1][0] == reverse("svc:hr_start", kwargs={"org": org.slug})


def test_an_address_with_a_login_elsewhere_is_asked_to_confirm_and_linked_only_then(
    client, operator, org, outsider, django_capture_on_commit_callbacks
):
    client.force_login(operator)

    response = _invite(
        client,
        org,
        django_capture_on_commit_callbacks,
        full_name="Någon annan",
        email="HR@vastmanland.test",
    )

    outsider.refresh_from_db()
    assert outsider.full_name != "Någon annan"
    assert Membership.objects.filter(user=outsider, organisation=org).exists() is False
    confirmation = LoginConfirmation.objects.get()
    assert (confirmation.kind, confirmation.role, confirmation.state) == (
        "membership",
        "hr",
        "pending",
    )
    assert [m.to for m in mail.outbox] == [["hr@vastmanland.test"]]
    assert mail.outbox[0].subject == "Bekräfta din inloggning till Örebro kommun"
    assert (
        "Du är inbjuden som ”HR-samordnare” i ledarutvecklingsprogrammet hos Örebro kommun, "
        "med din befintliga inloggning." in mail.outbox[0].body
    )
    page = parse(response)
    assert page.texts(".messages .alert") == [
        "hr@vastmanland.test har redan en inloggning. Innehavaren får ett mejl och ombeds "
        "bekräfta; först då blir hen HR-samordnare i Örebro kommun."
    ]
    assert page.text("#coordinators") == "Ingen HR-samordnare än."
    assert page.texts("#invitations li") == [
        f"hr@vastmanland.test, tillfrågad {confirmation.created_at:%Y-%m-%d}"
    ]

    # The holder opens the link and confirms: now, and only now, HR of both.
    link = CONFIRMATION.search(mail.outbox[0].body).group(1)
    holder = client.__class__()
    holder.force_login(outsider)
    shown = parse(holder.get(link))
    assert "Du är inbjuden som HR-samordnare i ledarutvecklingsprogrammet hos Örebro kommun" in (
        shown.text("main")
    )
    holder.post(link)

    assert roles_in(user=outsider, organisation=org) == {Role.HR}
    assert parse(client.get(_detail(org))).texts("#coordinators li") == [
        f"{outsider.get_full_name()} <hr@vastmanland.test>"
        + ("" if outsider.last_login else " (har inte loggat in än)")
    ]


def test_asking_the_same_holder_twice_sends_the_same_request_again(
    client, operator, org, outsider, django_capture_on_commit_callbacks
):
    client.force_login(operator)
    for _ in range(2):
        _invite(
            client, org, django_capture_on_commit_callbacks, full_name="X", email=outsider.email
        )

    assert LoginConfirmation.objects.count() == 1
    assert len(mail.outbox) == 2


def test_an_address_already_hr_here_is_told_so_and_nothing_is_sent(
    client, operator, org, hr_user, django_capture_on_commit_callbacks
):
    client.force_login(operator)

    response = _invite(
        client, org, django_capture_on_commit_callbacks, full_name="Hanna", email="HR@orebro.test"
    )

    assert response.status_code == 200
    page = parse(response)
    assert page.texts("[data-error-summary] li") == [
        "hr@orebro.test är redan HR-samordnare i Örebro kommun."
    ]
    assert page.one("#id_full_name").get("value") == "Hanna"
    assert mail.outbox == []
    assert LoginConfirmation.objects.count() == 0
    assert Membership.objects.filter(organisation=org, role=Role.HR).count() == 1


def test_an_empty_invitation_names_both_fields(client, operator, org):
    client.force_login(operator)

    response = client.post(_detail(org), {})

    assert parse(response).texts("[data-error-summary] li") == [
        "Ange namn.",
        "Ange e-postadress.",
    ]
    assert User.objects.filter(email="").count() == 0


# --- The operator's way in ------------------------------------------------------------------


def test_the_operators_start_page_is_the_console_with_its_menu_entry(client, operator):
    client.force_login(operator)

    response = client.get(reverse("home"), follow=True)

    assert response.redirect_chain == [(reverse("console:home"), 302)]
    page = parse(response)
    assert page.texts("#main-nav .nav-link") == ["Konsol"]
    assert page.texts("title") == ["Plattformskonsol · Sveriges viktigaste chefsjobb"]


def test_an_operator_who_is_also_a_member_chooses_between_the_console_and_the_organisation(
    client, operator, org
):
    Membership.objects.create(user=operator, organisation=org, role=Role.STEERING)
    client.force_login(operator)

    page = parse(client.get(reverse("home")))

    links = [(a.get("href"), a.text) for a in page.select("main a")]
    assert links == [
        (reverse("console:home"), "Gå till plattformskonsolen"),
        (reverse("svc:organisation_home", kwargs={"org": org.slug}), "Örebro kommun"),
    ]


def test_a_member_who_is_not_an_operator_has_no_console_entry(client, hr_user, org):
    client.force_login(hr_user)

    page = parse(client.get(reverse("svc:hr_start", kwargs={"org": org.slug})))

    assert "Konsol" not in page.texts("#main-nav .nav-link")
    assert client.get(reverse("console:home")).status_code == 403


def test_the_holder_may_confirm_on_their_start_page_instead(
    client, operator, org, outsider, django_capture_on_commit_callbacks
):
    client.force_login(operator)
    _invite(client, org, django_capture_on_commit_callbacks, full_name="X", email=outsider.email)
    holder = client.__class__()
    outsider.set_password("ett-långt-lösenord-2026")
    outsider.save()
    holder.post(
        reverse("login"), {"username": outsider.email, "password": "ett-långt-lösenord-2026"}
    )

    start = parse(holder.get(reverse("home")))
    assert start.texts("main form span") == [
        "Du är inbjuden som ”HR-samordnare” i ledarutvecklingsprogrammet hos Örebro kommun."
    ]
    confirmation = LoginConfirmation.objects.get()
    response = holder.post(
        reverse("confirm_login_here", kwargs={"pk": confirmation.pk}), follow=True
    )

    assert parse(response).texts(".messages .alert") == [
        "Din inloggning har nu rollen ”HR-samordnare” i Örebro kommun."
    ]
    assert roles_in(user=outsider, organisation=org) == {Role.HR}
