"""Erasure leaves nothing that ties back to the person: findings of the review of issue 16."""

import pytest

from privacy.erasure import erasure_preview, person_erase
from privacy.extract.services import register_extract_render, register_extract_request
from privacy.models import RegisterExtract
from privacy.tests.test_erasure import world  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db


def _pdf_of(world):  # noqa: F811
    row = register_extract_request(
        organisation=world["org"], person=world["person"], requested_by=world["hr"]
    )
    row = register_extract_render(extract_id=row.pk)
    assert row.is_ready and len(bytes(row.pdf)) > 1000
    return row


def test_erasure_removes_the_persons_register_extract_pdfs(world, other_org):  # noqa: F811
    """The PDF holds the name, address, employee number and every agreement text: after
    erasure it was still stored, and downloadable from the extract page."""
    _pdf_of(world)
    assert erasure_preview(person=world["person"]).register_extracts == 1
    someone_else = RegisterExtract.objects.create(
        organisation=world["org"], person=world["boss"], requested_by=world["hr"]
    )

    result = person_erase(person=world["person"], by=world["hr"])

    assert list(RegisterExtract.objects.values_list("pk", flat=True)) == [someone_else.pk]
    assert result.counts["register_extracts"] == 1
    assert erasure_preview(person=world["person"]).register_extracts == 0


def test_erasure_page_says_the_register_extract_pdfs_are_removed(world, client):  # noqa: F811
    _pdf_of(world)
    client.force_login(world["hr"])

    page = client.get(f"/o/{world['org'].slug}/chefer/{world['person'].pk}/radera/")

    removed = page.content.decode().split('data-testid="erasure-removed"')[1].split("</ul>")[0]
    assert "Registerutdraget som PDF som har tagits fram om personen." in removed
