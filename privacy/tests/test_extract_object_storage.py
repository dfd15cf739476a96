"""The register extract's PDF with private storage in S3-compatible object storage (the moto
server of `make test`; fixture ``object_store``): the PDF is kept in its row, so the web node
that serves it needs no file from the node or worker that rendered it."""

import pytest
from django.urls import reverse

from privacy.models import RegisterExtract
from programs.tests.test_agreements import make_pair

pytestmark = pytest.mark.django_db


def _url(name, pair, **kwargs):
    return reverse(name, kwargs={"org": "orebro", "pk": pair.person.pk, **kwargs})


def test_the_extract_pdf_is_served_from_its_row_and_writes_no_object(
    client, org, hr_user, object_store, django_capture_on_commit_callbacks
):
    pair = make_pair(org, passed=1)
    client.force_login(hr_user)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(_url("privacy:extract_pdf_create", pair))
    row = RegisterExtract.objects.get()
    download = client.get(_url("privacy:extract_pdf", pair, extract_id=row.pk))

    assert row.status == "ready"
    assert bytes(row.pdf)[:5] == b"%PDF-"
    assert download.content == bytes(row.pdf)
    assert download["Content-Disposition"] == (
        f'attachment; filename="registerutdrag-{pair.person.employee_number}.pdf"'
    )
    assert object_store.keys() == []
