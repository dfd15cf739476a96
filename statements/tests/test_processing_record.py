"""The records of processing (art. 30): public, generated from the platform's declaration,
the organisation's details and its retention rules."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import translation

from core.tests.html import parse, table, text
from retention.kinds import BY_KEY, KINDS
from retention.models import RetentionRule
from statements.models import PrivacyDetails
from statements.processing import ACTIVITIES, SECURITY_MEASURES

pytestmark = pytest.mark.django_db


def _record(client, org):
    return client.get(reverse("statements:processing_record", kwargs={"org": org.slug}))


def _sv(text) -> str:
    with translation.override("sv"):
        return str(text)


def _dl(page, key) -> dict[str, str]:
    section = page.one(f"section[aria-labelledby=record-{key}]")
    terms = [text(e) for e in section.iter("dt")]
    values = [text(e) for e in section.iter("dd")]
    return dict(zip(terms, values, strict=True))


def test_record_is_public_and_lists_every_activity_as_article_30_asks(client, org):
    response = _record(client, org)

    assert response.status_code == 200
    page = parse(response)
    assert page.texts("title") == [
        "Registerförteckning · Örebro kommun · Sveriges viktigaste chefsjobb"
    ]
    assert page.texts("h1") == ["Registerförteckning"]
    assert page.texts("section h3") == [_sv(activity.name) for activity in ACTIVITIES]
    assert page.text("#processor") == "Inte ifyllt ännu."
    assert page.texts("#security li") == [_sv(measure) for measure in SECURITY_MEASURES]
    email = _dl(page, "email")
    assert list(email) == [
        "Ändamål",
        "Kategorier av registrerade",
        "Kategorier av personuppgifter",
        "Mottagare",
        "Överföring till länder utanför EU/EES",
        "Gallring",
    ]
    assert email["Kategorier av personuppgifter"] == "Namn och kontaktuppgifter; Skickad e-post"
    assert email["Mottagare"] == (
        "Personuppgiftsbiträdet som driver programmet; E-postleverantören som levererar e-posten"
    )
    assert email["Överföring till länder utanför EU/EES"] == (
        "Personuppgifterna förs inte över till något land utanför EU/EES."
    )
    assert email["Gallring"] == (
        f"{_sv(BY_KEY['outbox'].name)}: Ännu inget gallringsbeslut — uppgifterna gallras inte"
    )
    assert len(table(response, "retention")) == len(KINDS)


def test_record_says_the_decision_of_an_applied_rule(client, org):
    PrivacyDetails.objects.create(
        organisation=org, processor_name="Ledarskapsbyrån AB", processor_contact="08-123 45"
    )
    RetentionRule.objects.create(
        organisation=None,  # the outbox is a kind of the platform (retention.kinds)
        kind="outbox",
        period_days=60,
        decision_reference="KS 2025/17",
        decided_on=dt.date(2025, 3, 1),
        enabled=True,
    )

    page = parse(_record(client, org))

    assert page.text("#processor") == "Ledarskapsbyrån AB, 08-123 45"
    assert _dl(page, "email")["Gallring"] == (
        f"{_sv(BY_KEY['outbox'].name)}: gallras efter 60 dagar, räknat från "
        f"{_sv(BY_KEY['outbox'].counted_from)} (beslut KS 2025/17, beslutat 2025-03-01)"
    )


def test_record_of_an_activity_without_a_retention_kind_says_how_long(client, org):
    page = parse(_record(client, org))

    assert _dl(page, "evaluations")["Gallring"] == (
        "Svaren är inte kopplade till någon person. Fritextsvar läses av HR innan de visas, så "
        "att inget i dem pekar ut någon."
    )


def test_record_links_the_notice_and_hr_to_the_edit_page(client, org, hr_user):
    client.force_login(hr_user)

    page = parse(_record(client, org))

    hrefs = [a.get("href") for a in page.select("main a")]
    assert reverse("statements:privacy_notice", kwargs={"org": org.slug}) in hrefs
    assert reverse("statements:privacy_edit", kwargs={"org": org.slug}) in hrefs


def test_record_for_a_visitor_has_no_edit_link(client, org):
    page = parse(_record(client, org))

    hrefs = [a.get("href") for a in page.select("main a")]
    assert reverse("statements:privacy_edit", kwargs={"org": org.slug}) not in hrefs


def test_privacy_index_lists_every_organisation_with_its_notice(client, org, other_org):
    response = client.get(reverse("statements:privacy_index"))

    page = parse(response)
    assert page.texts("h1") == ["Dataskydd"]
    assert page.texts("#organisations a") == ["Region Västmanland", "Örebro kommun"]
    assert [a.get("href") for a in page.select("#organisations a")] == [
        "/o/vastmanland/dataskydd/",
        "/o/orebro/dataskydd/",
    ]


def test_privacy_index_without_organisations_says_so(client, db):
    page = parse(client.get(reverse("statements:privacy_index")))

    assert page.select("#organisations") == []
    assert "Ingen organisation använder plattformen ännu." in page.text("main")
