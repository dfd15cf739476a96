"""HR edits the organisation's parts of the privacy notice: stored exactly, nothing lost on
bad input, the platform's default texts kept as defaults."""

import pytest
from django.urls import reverse
from django.utils import translation

from core.tests.html import parse
from statements.models import PrivacyDetails
from statements.processing import EDITABLE_FIELDS, privacy_details_save
from statements.processing.selectors import default_legal_basis, default_transfers

pytestmark = pytest.mark.django_db


def _url(org):
    return reverse("statements:privacy_edit", kwargs={"org": org.slug})


def _defaults(name="Örebro kommun"):
    texts = {}
    for language in ("sv", "en"):
        with translation.override(language):
            texts[f"legal_basis_{language}"] = default_legal_basis(name)
            texts[f"transfers_{language}"] = default_transfers()
    return texts


FILLED = {
    "controller_name": "",
    "controller_contact": "Box 300 00, 701 35 Örebro",
    "dpo_name": "Karin Dahl",
    "dpo_email": "dataskyddsombud@orebro.se",
    "dpo_phone": "019-21 20 00",
    "legal_basis_sv": "Allmänt intresse.",
    "legal_basis_en": "",
    "processor_name": "Ledarskapsbyrån AB",
    "processor_contact": "info@ledarskapsbyran.se",
    "other_recipients_sv": "",
    "other_recipients_en": "",
    "transfers_sv": "",
    "transfers_en": "",
    "additional_sv": "  Frågor besvaras av HR.  ",
    "additional_en": "Questions: HR.",
}


def test_edit_page_starts_from_the_platforms_texts(client, org, hr_user):
    client.force_login(hr_user)

    response = client.get(_url(org))

    assert response.status_code == 200
    page = parse(response)
    assert page.texts("h1") == ["Redigera dataskyddsinformationen"]
    assert page.texts("legend") == [
        "Personuppgiftsansvarig",
        "Dataskyddsombud",
        "Rättslig grund",
        "Mottagare",
        "Överföring till länder utanför EU/EES",
        "Mer information",
    ]
    for name, text in _defaults().items():
        assert page.text(f"textarea[name={name}]") == text
        assert page.one(f"textarea[name={name}]").get("lang") == name[-2:]
    assert page.one("input[name=dpo_email]").get("value") is None
    links = {a.text: a.get("href") for a in page.select("main a")}
    assert links["Förhandsgranska dataskyddsinformationen så som alla ser den"] == reverse(
        "statements:privacy_notice", kwargs={"org": org.slug}
    )


def test_saving_stores_exactly_what_hr_wrote_and_keeps_default_texts_as_defaults(
    client, org, hr_user
):
    client.force_login(hr_user)

    response = client.post(_url(org), {**FILLED, **{k: v for k, v in _defaults().items()
                                                    if k != "legal_basis_sv"}})  # fmt: skip

    assert response.status_code == 302
    assert response["Location"] == _url(org)
    stored = PrivacyDetails.objects.get(organisation=org)
    assert {name: getattr(stored, name) for name in EDITABLE_FIELDS} == {
        **FILLED,
        "additional_sv": "Frågor besvaras av HR.",
    }
    assert stored.changed_by == hr_user
    page = parse(client.get(_url(org)))
    assert page.texts(".messages .alert") == ["Dataskyddsinformationen är sparad."]
    assert page.one("input[name=dpo_email]").get("value") == "dataskyddsombud@orebro.se"
    assert page.text("textarea[name=legal_basis_sv]") == "Allmänt intresse."
    assert page.text("textarea[name=transfers_sv]") == _defaults()["transfers_sv"]


def test_a_malformed_dpo_email_is_refused_and_nothing_typed_is_lost(client, org, hr_user):
    client.force_login(hr_user)

    response = client.post(_url(org), {**FILLED, "dpo_email": "dataskyddsombud(at)orebro"})

    assert response.status_code == 200
    page = parse(response)
    assert page.texts("[data-error-summary] a") == ["Fyll i en giltig e-postadress."]
    assert page.one("[data-error-summary] a").get("href") == "#id_dpo_email"
    assert page.one("input[name=dpo_email]").get("value") == "dataskyddsombud(at)orebro"
    assert page.one("input[name=dpo_name]").get("value") == "Karin Dahl"
    assert page.text("textarea[name=legal_basis_sv]") == "Allmänt intresse."
    assert page.text("textarea[name=additional_en]") == "Questions: HR."
    assert PrivacyDetails.objects.count() == 0


def test_saving_again_changes_the_one_row(client, org, hr_user):
    client.force_login(hr_user)
    client.post(_url(org), FILLED)

    client.post(_url(org), {**FILLED, "dpo_name": "Per Holm"})

    assert list(PrivacyDetails.objects.values_list("organisation", "dpo_name")) == [
        (org.pk, "Per Holm")
    ]


def test_the_service_keeps_fields_it_is_not_given(org, hr_user, steering_user):
    privacy_details_save(organisation=org, user=hr_user, values={"dpo_name": "Karin Dahl"})

    details = privacy_details_save(
        organisation=org, user=steering_user, values={"dpo_phone": " 019-21 20 00 "}
    )

    assert (details.dpo_name, details.dpo_phone, details.changed_by) == (
        "Karin Dahl", "019-21 20 00", steering_user,
    )  # fmt: skip


def test_hr_of_another_organisation_cannot_edit_ours(client, org, outsider):
    client.force_login(outsider)

    response = client.post(_url(org), FILLED)

    assert response.status_code == 404
    assert PrivacyDetails.objects.count() == 0


def test_hr_start_page_links_to_the_edit_page(client, org, hr_user):
    client.force_login(hr_user)

    page = parse(client.get(reverse("svc:hr_start", kwargs={"org": org.slug})))

    links = {a.text: a.get("href") for a in page.select("main a")}
    assert links["Dataskydd: dataskyddsinformationen och registerförteckningen"] == _url(org)
