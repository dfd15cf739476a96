"""The manager import between preview and confirmation, with its file in S3-compatible object
storage (the moto server of `make test`; fixture ``object_store``)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.tests.html import parse
from participants.models import ManagerImport, Person

pytestmark = pytest.mark.django_db

HEADER = "Anställningsnummer;Förnamn;Efternamn;E-post;Förvaltning;Chefsnivå;Närmaste chef (anst.nr)"
ROWS = [
    "9001;Åke;Öst;ake@orebro.se;Socialförvaltningen;Förvaltningschef;",
    "9002;Märit;Ängström;marit@orebro.se;Socialförvaltningen;Enhetschef;9001",
]
DATA = ("\r\n".join([HEADER, *ROWS]) + "\r\n").encode("cp1252")


@pytest.fixture
def hr(client, hr_user):
    client.force_login(hr_user)
    return client


def _upload(client, org):
    return client.post(
        reverse("participants:import_upload", kwargs={"org": org.slug}),
        {"file": SimpleUploadedFile("chefer.csv", DATA, content_type="text/csv")},
    )


def test_the_previewed_file_is_an_object_the_confirmation_reads_and_then_removes(
    hr, org, object_store, django_capture_on_commit_callbacks
):
    _upload(hr, org)
    record = ManagerImport.objects.get()

    assert (record.status, record.stored_name) == ("previewed", f"imports/{record.pk}.upload")
    assert object_store.keys() == [f"imports/{record.pk}.upload"]
    assert object_store.read(record.stored_name) == DATA
    assert Person.objects.count() == 0

    with django_capture_on_commit_callbacks(execute=True):
        hr.post(reverse("participants:import_confirm", kwargs={"org": org.slug, "pk": record.pk}))

    record.refresh_from_db()
    assert (record.status, record.stored_name) == ("applied", "")
    assert sorted(Person.objects.values_list("employee_number", "first_name", "last_name")) == [
        ("9001", "Åke", "Öst"),
        ("9002", "Märit", "Ängström"),
    ]
    assert object_store.keys() == []


def test_a_preview_whose_object_is_gone_asks_for_the_file_again_and_imports_nothing(
    hr, org, object_store
):
    _upload(hr, org)
    record = ManagerImport.objects.get()
    object_store.empty()

    response = hr.post(
        reverse("participants:import_confirm", kwargs={"org": org.slug, "pk": record.pk}),
        follow=True,
    )

    assert parse(response).texts(".messages .alert-danger") == [
        "Importen kan inte bekräftas. Ladda upp filen igen."
    ]
    record.refresh_from_db()
    assert record.status == "previewed"
    assert Person.objects.count() == 0
