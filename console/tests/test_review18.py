"""Review of issue 18: what an outsider found on the console's pages."""

import pytest
from django.urls import reverse

from core.tests.html import parse
from designs.models import ProgramTemplate
from designs.services import template_from_program
from participants.models import LoginConfirmation, Membership, Organisation, Role, User
from programs.models import Program
from programs.tests.factories import ModuleFactory, ProgramFactory

pytestmark = pytest.mark.django_db


def test_the_start_from_template_page_keeps_the_consoles_menu_entry(client, operator, org):
    client.force_login(operator)

    response = client.get(reverse("console:program_start", kwargs={"slug": org.slug}))

    assert response.status_code == 200
    assert parse(response).texts("#main-nav .nav-link") == ["Konsol"]


def test_a_non_operator_cannot_create_an_organisation_invite_or_start_a_program(
    client, hr_user, org
):
    client.force_login(hr_user)
    before = Organisation.objects.count()

    created = client.post(
        reverse("console:organisation_create"), {"name": "Kapad kommun", "slug": "kapad"}
    )
    invited = client.post(
        reverse("console:organisation_detail", kwargs={"slug": org.slug}),
        {"full_name": "Eve", "email": "eve@example.test"},
    )
    started = client.post(
        reverse("console:program_start", kwargs={"slug": org.slug}), {"name": "X"}
    )

    assert (created.status_code, invited.status_code, started.status_code) == (403, 403, 403)
    assert Organisation.objects.count() == before
    assert not User.objects.filter(email="eve@example.test").exists()


def test_inviting_another_organisations_hr_in_other_case_takes_over_nothing(
    client, operator, org, other_org, make_member
):
    elsewhere = make_member(organisation=other_org, role=Role.HR)
    client.force_login(operator)

    client.post(
        reverse("console:organisation_detail", kwargs={"slug": org.slug}),
        {"full_name": "Någon Annan", "email": elsewhere.email.upper()},
    )

    elsewhere.refresh_from_db()
    assert not Membership.objects.filter(user=elsewhere, organisation=org).exists()
    assert elsewhere.full_name != "Någon Annan"
    assert User.objects.filter(email__iexact=elsewhere.email).count() == 1
    assert (
        LoginConfirmation.objects.filter(
            user=elsewhere, organisation=org, state=LoginConfirmation.State.PENDING
        ).count()
        == 1
    )


def test_hr_of_another_organisation_cannot_start_from_or_save_over_our_template(
    client, outsider, org, other_org
):
    program = ProgramFactory(organisation=org, name="Örebros program")
    ModuleFactory(program=program, order=1)
    ours = template_from_program(program=program, name="Örebros mall", by=None)
    client.force_login(outsider)

    detail = client.get(
        reverse("designs:template_detail", kwargs={"org": other_org.slug, "template_id": ours.pk})
    )
    start = client.post(
        reverse("designs:program_start", kwargs={"org": other_org.slug}),
        {"template": ours.pk, "name": "Stulet"},
    )
    save = client.post(
        reverse(
            "designs:template_create", kwargs={"org": other_org.slug, "program_id": program.pk}
        ),
        {"name": "Örebros mall"},
    )

    assert detail.status_code == 404
    assert start.status_code == 200  # the form again, with the choice refused
    assert not Program.objects.filter(name="Stulet").exists()
    assert save.status_code == 404
    assert ProgramTemplate.objects.filter(name="Örebros mall").count() == 1
