"""The privacy notice (art. 13): what it says with and without the organisation's details,
in Swedish and English, and its retention section, generated from the retention rules."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import translation

from core.tests.html import parse, table
from participants.tests.factories import OrganisationFactory
from retention.kinds import BY_KEY, KINDS
from retention.models import RetentionRule
from statements.models import PrivacyDetails
from statements.processing import ACTIVITIES, DATA, PEOPLE, period_text

pytestmark = pytest.mark.django_db

NO_DECISION = "Ännu inget gallringsbeslut — uppgifterna gallras inte"


def _notice(client, org):
    return client.get(reverse("statements:privacy_notice", kwargs={"org": org.slug}))


def _sv(text) -> str:
    with translation.override("sv"):
        return str(text)


def _full_details(org, **overrides):
    values = {
        "controller_name": "Örebro kommun, kommunstyrelsen",
        "controller_contact": "Box 300 00, 701 35 Örebro\n019-21 10 00",
        "dpo_name": "Karin Dahl",
        "dpo_email": "dataskyddsombud@orebro.se",
        "dpo_phone": "019-21 20 00",
        "legal_basis_sv": "Allmänt intresse, enligt kommunstyrelsens beslut KS 2024/88.",
        "legal_basis_en": "Public interest, under the executive board's decision KS 2024/88.",
        "processor_name": "Ledarskapsbyrån AB",
        "processor_contact": "info@ledarskapsbyran.se",
        "other_recipients_sv": "Kommunens it-leverantör Drift AB.",
        "transfers_sv": "Inga överföringar.",
        "additional_sv": "Frågor besvaras av HR-avdelningen.",
    }
    return PrivacyDetails.objects.create(organisation=org, **{**values, **overrides})


def test_notice_without_details_tells_a_visitor_what_is_missing(client, org):
    response = _notice(client, org)

    assert response.status_code == 200
    page = parse(response)
    assert page.texts("title") == [
        "Dataskyddsinformation · Örebro kommun · Sveriges viktigaste chefsjobb"
    ]
    assert page.texts("h1") == ["Så behandlar Örebro kommun dina personuppgifter"]
    assert page.texts("main h2") == [
        "Vem som ansvarar för dina uppgifter",
        "Vad vi behandlar och varför",
        "Rättslig grund",
        "Hur länge uppgifterna sparas",
        "Vilka andra som får ta del av uppgifterna",
        "Överföring till länder utanför EU/EES",
        "Dina rättigheter",
    ]
    assert page.texts("#people li") == [_sv(category.name) for category in PEOPLE]
    assert page.text("#controller") == "Örebro kommun"
    assert page.text("#dpo") == (
        "Dataskyddsombudets kontaktuppgifter är inte ifyllda ännu. Kontakta Örebro kommun så länge."
    )
    assert page.select("#fill-in") == []
    assert page.texts(".privacy-prose") == [
        "Vi behandlar personuppgifterna eftersom det är nödvändigt för att utföra en uppgift av "
        "allmänt intresse (artikel 6.1 e i dataskyddsförordningen och 2 kap. 2 § "
        "dataskyddslagen, 2018:218). Som arbetsgivare ansvarar Örebro kommun för att utveckla "
        "sina chefer, och ledarskapsprogrammet är en del av det arbetet.",
        "Personuppgifterna förs inte över till något land utanför EU/EES.",
    ]
    assert page.texts("#recipients li") == [
        "Konsultföretaget som driver programmet och plattformen åt organisationen, som dess "
        "personuppgiftsbiträde. Företagets namn är inte ifyllt ännu. Ett personuppgiftsbiträde "
        "får bara använda uppgifterna enligt organisationens instruktioner.",
        "E-postleverantören som levererar plattformens e-post och som ser mottagare och "
        "innehåll i varje meddelande.",
    ]
    assert "Ingen annan får ta del av uppgifterna" in page.text("main")
    assert page.texts("#rights li strong") == [
        "Tillgång:", "Rättelse:", "Radering:", "Begränsning:", "Invändning:", "Klagomål:",
    ]  # fmt: skip
    assert page.one("#rights a").get("href") == "https://www.imy.se/"
    assert "Senast ändrad" not in page.text("main")


def test_notice_for_hr_without_details_asks_to_fill_them_in(client, org, hr_user):
    client.force_login(hr_user)

    page = parse(_notice(client, org))

    edit = reverse("statements:privacy_edit", kwargs={"org": org.slug})
    assert page.text("#dpo") == "Dataskyddsombudets kontaktuppgifter är inte ifyllda ännu."
    assert page.text("#fill-in") == (
        "Fyll i dataskyddsombudets kontaktuppgifter — informationen behöver dem innan "
        "programmet börjar."
    )
    assert page.one("#fill-in a").get("href") == edit
    assert [a.get("href") for a in page.select("main a") if a.get("href") == edit] == [edit, edit]


def test_notice_with_details_says_what_hr_filled_in(client, org):
    details = _full_details(org)

    page = parse(_notice(client, org))

    assert page.texts("h1") == ["Så behandlar Örebro kommun, kommunstyrelsen dina personuppgifter"]
    assert page.text("#controller") == (
        "Örebro kommun, kommunstyrelsen Box 300 00, 701 35 Örebro 019-21 10 00"
    )
    assert page.texts("#dpo li") == [
        "Karin Dahl", "E-post: dataskyddsombud@orebro.se", "Telefon: 019-21 20 00",
    ]  # fmt: skip
    assert page.one("#dpo a").get("href") == "mailto:dataskyddsombud@orebro.se"
    assert page.texts(".privacy-prose") == [
        "Allmänt intresse, enligt kommunstyrelsens beslut KS 2024/88.",
        "Kommunens it-leverantör Drift AB.",
        "Inga överföringar.",
        "Frågor besvaras av HR-avdelningen.",
    ]
    assert [e.get("lang") for e in page.select(".privacy-prose")] == ["sv"] * 4
    assert page.texts("#recipients li")[0] == (
        "Ledarskapsbyrån AB, som driver programmet och plattformen åt organisationen, som dess "
        "personuppgiftsbiträde. info@ledarskapsbyran.se Ett personuppgiftsbiträde får bara "
        "använda uppgifterna enligt organisationens instruktioner."
    )
    assert "Ingen annan får ta del av uppgifterna" not in page.text("main")
    assert page.texts("main h2")[-1] == "Mer information"
    assert page.texts("main p.small") == [f"Senast ändrad {details.changed_at:%Y-%m-%d}"]


def test_notice_in_english_uses_the_english_texts_and_says_which_are_only_in_swedish(client, org):
    _full_details(org)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})

    response = _notice(client, org)

    page = parse(response)
    assert response.content.decode().startswith('<!DOCTYPE html>\n<html lang="en">')
    assert page.texts("h1") == ["How Örebro kommun, kommunstyrelsen handles your personal data"]
    assert page.texts(".privacy-prose") == [
        "Public interest, under the executive board's decision KS 2024/88.",
        "Kommunens it-leverantör Drift AB.",
        "Inga överföringar.",
        "Frågor besvaras av HR-avdelningen.",
    ]
    assert [e.get("lang") for e in page.select(".privacy-prose")] == ["en", "sv", "sv", "sv"]
    assert page.texts("main p.small")[:3] == ["This part is only available in Swedish."] * 3
    assert page.texts("#rights li strong")[0] == "Access:"
    assert page.texts("#people li") == [str(category.name) for category in PEOPLE]


def test_notice_in_english_without_details_shows_the_platforms_english_texts(client, org):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})

    page = parse(_notice(client, org))

    assert page.text("#dpo") == (
        "The data protection officer's contact details have not been filled in yet. Until "
        "then, contact Örebro kommun."
    )
    assert page.texts(".privacy-prose")[1] == (
        "The personal data is not transferred to any country outside the EU/EEA."
    )
    assert [e.get("lang") for e in page.select(".privacy-prose")] == ["en", "en"]


def test_every_activity_is_on_the_notice_with_its_people_and_data(client, org):
    page = parse(_notice(client, org))

    assert page.texts("section h3") == [_sv(activity.name) for activity in ACTIVITIES]
    assert page.text("section[aria-labelledby=activity-evaluations] dl") == (
        "Vems uppgifter Deltagare i programmet "
        "Vilka uppgifter Utvärderingar av modulerna: Svar på utvärderingen efter varje modul. "
        "De sparas utan koppling till den som svarade och kan inte spåras tillbaka till hen. "
        "Hur länge Svaren är inte kopplade till någon person. Fritextsvar läses av HR innan de "
        "visas, så att inget i dem pekar ut någon."
    )


def test_retention_section_lists_every_kind_with_its_period_and_no_decision(client, org):
    rows = table(_notice(client, org), "retention")

    assert rows == [
        [_sv(kind.name), _sv(period_text(kind.default_days)), _sv(kind.counted_from).capitalize(),
         NO_DECISION]
        for kind in KINDS
    ]  # fmt: skip
    assert [row[1] for row in rows] == [
        "2 år", "10 år", "30 dagar", "90 dagar", "genast", "genast", "2 år", "30 dagar", "2 år",
    ]  # fmt: skip


def test_enabling_a_rule_changes_the_retention_section(client, org):
    """The outbox is a kind of the platform: its rule has no organisation (retention.kinds)."""
    before = table(_notice(client, org), "retention")
    RetentionRule.objects.create(
        organisation=None,
        kind="outbox",
        period_days=60,
        decision_reference="KS 2025/17",
        decided_on=dt.date(2025, 3, 1),
        enabled=True,
    )

    after = table(_notice(client, org), "retention")

    outbox = [kind.key for kind in KINDS].index("outbox")
    assert after[outbox] == [
        _sv(BY_KEY["outbox"].name),
        "60 dagar",
        _sv(BY_KEY["outbox"].counted_from).capitalize(),
        "KS 2025/17, beslutat 2025-03-01",
    ]
    assert after[:outbox] + after[outbox + 1 :] == before[:outbox] + before[outbox + 1 :]


def test_another_organisations_rule_does_not_change_the_notice(client, org, other_org):
    RetentionRule.objects.create(
        organisation=other_org,
        kind="access_log",
        period_days=60,
        decision_reference="X",
        enabled=True,
    )

    rows = table(_notice(client, org), "retention")

    assert rows[[kind.key for kind in KINDS].index("access_log")][1:] == [
        "2 år", _sv(BY_KEY["access_log"].counted_from).capitalize(), NO_DECISION,
    ]  # fmt: skip


def test_every_retention_kind_belongs_to_exactly_one_activity():
    """A new kind of record in retention.kinds must be placed in the notice's activities."""
    placed = [key for activity in ACTIVITIES for key in activity.retention]

    assert sorted(placed) == sorted(kind.key for kind in KINDS)


def test_every_activity_names_known_people_and_data():
    people = {category.key for category in PEOPLE}
    data = {category.key for category in DATA}

    assert [a.key for a in ACTIVITIES if not set(a.people) <= people or not a.people] == []
    assert [a.key for a in ACTIVITIES if not set(a.data) <= data or not a.data] == []
    assert {key for a in ACTIVITIES for key in a.people} == people
    assert {key for a in ACTIVITIES for key in a.data} == data


@pytest.mark.parametrize(
    ("days", "swedish", "english"),
    [
        (0, "genast", "at once"),
        (1, "1 dag", "1 day"),
        (30, "30 dagar", "30 days"),
        (365, "1 år", "1 year"),
        (730, "2 år", "2 years"),
        (400, "400 dagar", "400 days"),
    ],
)
def test_period_text_says_days_or_whole_years(days, swedish, english):
    with translation.override("sv"):
        assert period_text(days) == swedish
    with translation.override("en"):
        assert period_text(days) == english


def test_notice_of_an_unknown_organisation_is_404(client, db):
    response = client.get(reverse("statements:privacy_notice", kwargs={"org": "finns-inte"}))

    assert response.status_code == 404


def test_notice_query_count_does_not_grow_with_rules_or_organisations(
    client, org, django_assert_max_num_queries
):
    _full_details(org)
    OrganisationFactory.create_batch(5)
    for kind in KINDS[:4]:
        RetentionRule.objects.create(
            organisation=None if kind.is_platform else org, kind=kind.key, period_days=10,
            decision_reference=f"D{kind.key}", enabled=True,
        )  # fmt: skip

    with django_assert_max_num_queries(4):
        _notice(client, org)
