"""The known shortcomings come from one file beside the accessibility checks
(tests/accessibility_shortcomings.toml): it has the form the statement reads, and every
statement page shows each entry exactly as written there, in Swedish and in English."""

import datetime as dt
import tomllib

import pytest
from django.urls import reverse

from core.tests.html import Page, parse, text
from statements.accessibility import (
    SHORTCOMINGS_FILE,
    Compliance,
    Kind,
    ShortcomingsFileError,
    compliance,
    parse_shortcomings,
    shortcomings,
)

pytestmark = pytest.mark.django_db

RAW = tomllib.loads(SHORTCOMINGS_FILE.read_text(encoding="utf-8"))


def _expected(text: str, settings) -> str:
    return text.strip().replace("{idle_minutes}", str(settings.SESSION_IDLE_MINUTES))


def _in_language(client, language):
    client.post(reverse("set_language"), {"language": language, "next": "/"})


def test_the_file_lives_beside_the_checks_that_test_accessibility():
    assert SHORTCOMINGS_FILE.parent == (SHORTCOMINGS_FILE.parent / "page_checks.py").parent
    assert (SHORTCOMINGS_FILE.parent / "page_checks.py").is_file()


def test_the_file_parses_into_every_entry_in_its_order():
    found = shortcomings()

    assert found.assessed == RAW["assessed"]
    assert [entry.id for entry in found.entries] == [raw["id"] for raw in RAW["shortcoming"]]
    assert [entry.id for entry in found.entries] == [
        "session-timeout",
        "status-report-pdf",
        "assistive-technology",
        "spreadsheet-exports",
        "identity-provider",
        "admin",
    ]


def test_the_idle_timeout_of_the_installation_is_in_its_text(settings):
    settings.SESSION_IDLE_MINUTES = 45
    entry = next(e for e in shortcomings().entries if e.id == "session-timeout")

    assert entry.text_in("sv").startswith(
        "Du loggas ut automatiskt efter 45 minuter utan aktivitet,"
    )
    assert entry.text_in("en").startswith(
        "You are logged out automatically after 45 minutes without activity,"
    )
    assert entry.wcag == ("2.2.1",)
    assert entry.kind == Kind.NOT_COMPLIANT


@pytest.mark.parametrize(
    ("text", "complaint"),
    [
        ('[[shortcoming]]\nid = "x"\n', "`assessed` must be a date"),
        (
            'assessed = 2026-12-07\n[[shortcoming]]\nid = "x"\nkind = "not_compliant"\n',
            "Entry 1 must have exactly the keys",
        ),
        (
            "assessed = 2026-12-07\n"
            + (
                '[[shortcoming]]\nid = "x"\nkind = "not_compliant"\nwcag = []\nsv = "a"\n'
                'en = "b"\nwhere_sv = "c"\nwhere_en = "d"\n'
            )
            * 2,
            "Entry 2: bad or repeated id 'x'",
        ),
        (
            'assessed = 2026-12-07\n[[shortcoming]]\nid = "x"\nkind = "fine"\nwcag = []\n'
            'sv = "a"\nen = "b"\nwhere_sv = "c"\nwhere_en = "d"\n',
            "x: kind must be one of",
        ),
        (
            'assessed = 2026-12-07\n[[shortcoming]]\nid = "x"\nkind = "not_compliant"\n'
            'wcag = ["WCAG 2.2.1"]\nsv = "a"\nen = "b"\nwhere_sv = "c"\nwhere_en = "d"\n',
            "x: wcag must list criteria like '2.2.1'",
        ),
        (
            'assessed = 2026-12-07\n[[shortcoming]]\nid = "x"\nkind = "not_compliant"\n'
            'wcag = []\nsv = "a"\nen = " "\nwhere_sv = "c"\nwhere_en = "d"\n',
            "x: every text must be filled in",
        ),
    ],
)
def test_a_file_of_the_wrong_form_is_refused_with_the_reason(text, complaint):
    with pytest.raises(ShortcomingsFileError) as error:
        parse_shortcomings(text)

    assert str(error.value).startswith(complaint)


def test_the_service_is_partly_compliant_while_anything_is_not_compliant_or_not_verified():
    def only(*kinds):
        text = "assessed = 2026-12-07\n" + "".join(
            f'[[shortcoming]]\nid = "e{n}"\nkind = "{kind}"\nwcag = []\nsv = "a"\nen = "b"\n'
            'where_sv = "c"\nwhere_en = "d"\n'
            for n, kind in enumerate(kinds)
        )
        return compliance(parse_shortcomings(text).entries)

    assert only(Kind.OUT_OF_SCOPE) == Compliance.FULL
    assert only() == Compliance.FULL
    assert only(Kind.OUT_OF_SCOPE, Kind.NOT_VERIFIED) == Compliance.PARTIAL
    assert only(Kind.NOT_COMPLIANT) == Compliance.PARTIAL
    assert compliance(shortcomings().entries) == Compliance.PARTIAL


def _shown(page) -> list[dict]:
    return [
        {
            "id": item.get("data-shortcoming"),
            "text": Page(item).text("[data-shortcoming-text]"),
            "where": Page(item).text("[data-shortcoming-where]"),
        }
        for item in page.select("[data-shortcoming]")
    ]


STATEMENT_URLS = [
    ("statements:accessibility", False),
    ("statements:accessibility_statement", True),
]


@pytest.mark.parametrize(("name", "with_org"), STATEMENT_URLS)
@pytest.mark.parametrize("language", ["sv", "en"])
def test_every_statement_page_shows_each_shortcoming_as_written_in_the_file(
    client, org, settings, name, with_org, language
):
    _in_language(client, language)
    url = reverse(name, kwargs={"org": org.slug} if with_org else {})

    page = parse(client.get(url))

    assert _shown(page) == [
        {
            "id": raw["id"],
            "text": _expected(raw[language], settings),
            "where": raw[f"where_{language}"].strip(),
        }
        for raw in RAW["shortcoming"]
    ]


@pytest.mark.parametrize(("name", "with_org"), STATEMENT_URLS)
def test_the_shortcomings_are_grouped_under_digg_s_headings_with_their_criteria(
    client, org, name, with_org
):
    url = reverse(name, kwargs={"org": org.slug} if with_org else {})

    page = parse(client.get(url))

    def ids(list_id):
        return [item.get("data-shortcoming") for item in page.select(f"#{list_id} li")]

    assert ids("not-compliant") == ["session-timeout"]
    assert ids("not-verified") == [
        "status-report-pdf",
        "assistive-technology",
        "spreadsheet-exports",
    ]
    assert ids("out-of-scope") == ["identity-provider", "admin"]
    assert page.texts("section[aria-labelledby=technical-title] h4") == [
        "Bristande förenlighet med lagkraven",
        "Ännu inte kontrollerat",
        "Innehåll som inte ingår i tjänsten",
    ]
    assert page.texts("#shortcoming-session-timeout [data-shortcoming-wcag]") == ["2.2.1"]
    assert page.texts("#shortcoming-status-report-pdf [data-shortcoming-wcag]") == ["1.3.1, 1.3.2"]
    assert page.text("[data-testid=compliance]") == (
        "Tjänsten är delvis förenlig med lagen om tillgänglighet till digital offentlig "
        "service, på grund av de brister som beskrivs nedan."
    )


@pytest.mark.parametrize(("name", "with_org"), STATEMENT_URLS)
def test_the_statement_says_when_the_service_was_assessed_and_links_digg(
    client, org, name, with_org
):
    url = reverse(name, kwargs={"org": org.slug} if with_org else {})

    page = parse(client.get(url))

    assessed = RAW["assessed"]
    assert isinstance(assessed, dt.date)
    months = ["januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti",
              "september", "oktober", "november", "december"]  # fmt: skip
    assert (
        f"Den senaste bedömningen av tjänsten gjordes den {assessed.day} "
        f"{months[assessed.month - 1]} {assessed.year}."
    ) in page.texts("section[aria-labelledby=tested-title] p")
    link = page.one("[data-testid=supervisor-report]")
    assert (link.get("href"), text(link)) == (
        "https://www.digg.se/tdosanmalan",
        "Anmäl bristande tillgänglighet till Digg",
    )
