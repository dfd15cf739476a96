"""The HR pages of retention: what they say, what they store, and flat query counts."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from core.tests.html import parse, table
from participants.models import PersonalDataAccess
from retention.models import RetentionLogEntry, RetentionRule
from retention.services import retention_rule_save

pytestmark = pytest.mark.django_db


def _url(name, **kwargs):
    return reverse(f"retention:{name}", kwargs={"org": "orebro", **kwargs})


@pytest.fixture
def hr(client, hr_user):
    client.force_login(hr_user)
    return client


def _enable_access_log(org, days=730):
    return retention_rule_save(
        organisation=org,
        kind="access_log",
        period_days=days,
        decision_reference="KS 2026/12",
        decided_on=dt.date(2026, 3, 1),
        enabled=True,
        user=None,
    )


def _old_accesses(org, n):
    PersonalDataAccess.objects.bulk_create(
        PersonalDataAccess(organisation=org, action="extract", at=timezone.now().replace(year=2020))
        for _ in range(n)
    )


def test_the_rules_page_shows_each_kind_with_its_default_and_why(hr, org):
    _enable_access_log(org, days=400)

    page = parse(hr.get(_url("rules")))

    access = page.one("[data-testid=rule-access_log]")
    assert parse_dl(access) == {
        "Status": "Tillämpas",
        "Sparas": "400 dagar",
        "Räknas från": "Åtkomsten",
        "Beslut": "KS 2026/12 (2026-03-01)",
        "Förval": "730 dagar. Sparas för att kunna svara på vem som har sett en persons uppgifter.",
    }
    assert page.text("[data-testid=rule-agreements] [data-testid=state]") == "Tillämpas inte"
    assert page.text("[data-testid=rule-agreements] [data-testid=decision]") == (
        "Inget beslut registrerat"
    )
    assert len(page.select("section.retention-rule")) == 9
    # The platform's kinds are shown, without a link to change them.
    hrefs = [a.get("href") for a in page.select("section.retention-rule a")]
    assert hrefs == [
        _url("rule_edit", kind=kind)
        for kind in (
            "agreements",
            "attendance",
            "import_files",
            "access_log",
            "register_extracts",
            "accessibility_reports",
        )
    ]


def parse_dl(element) -> dict:
    from core.tests.html import text

    terms = [text(e) for e in element.iter("dt")]
    values = [text(e) for e in element.iter("dd")]
    return dict(zip(terms, values, strict=True))


def test_saving_a_rule_with_a_decision(hr, org, hr_user):
    response = hr.post(
        _url("rule_edit", kind="agreements"),
        {
            "period_days": "1095",
            "decision_reference": "KS 2026/0815",
            "decided_on": "2026-03-15",
            "enabled": "on",
        },
    )
    assert response.status_code == 302 and response["Location"] == _url("rules")
    rule = RetentionRule.objects.get()
    assert (
        rule.organisation,
        rule.kind,
        rule.period_days,
        rule.decision_reference,
        rule.decided_on,
        rule.enabled,
        rule.changed_by,
    ) == (org, "agreements", 1095, "KS 2026/0815", dt.date(2026, 3, 15), True, hr_user)
    page = parse(hr.get(response["Location"]))
    assert page.texts(".messages .alert") == [
        "Regeln för ”Överenskommelser med historik, byten av granskare och påminnelser” "
        "har sparats."
    ]


def test_enabling_without_a_decision_is_refused_and_the_input_kept(hr, org):
    response = hr.post(
        _url("rule_edit", kind="agreements"),
        {"period_days": "1095", "decision_reference": "", "decided_on": "", "enabled": "on"},
    )
    assert response.status_code == 200
    page = parse(response)
    assert page.texts(".error-summary li") == [
        "Ange gallringsbeslutets beteckning innan regeln tillämpas. Uppgifter får bara gallras "
        "med stöd av ett beslut."
    ]
    assert page.one("input[name=period_days]").get("value") == "1095"
    assert page.one("input[name=enabled]").get("checked") is not None
    assert not RetentionRule.objects.exists()


def test_a_kind_of_the_platform_has_no_form(hr, org):
    assert hr.get(_url("rule_edit", kind="outbox")).status_code == 404
    assert hr.get(_url("rule_edit", kind="nonsense")).status_code == 404


def test_the_dry_run_lists_counts_and_removes_nothing(hr, org):
    _enable_access_log(org)
    _old_accesses(org, 3)

    response = hr.get(_url("dry_run"))

    assert table(response, "plan") == [
        ["Loggen över åtkomst till personuppgifter", "3", "2020-" + _old_day(), "KS 2026/12"]
    ]
    [button] = parse(response).select("a.btn-danger")
    assert (button.get("href"), parse(response).text("a.btn-danger")) == (
        _url("apply"),
        "Gallra nu …",
    )
    assert PersonalDataAccess.objects.count() == 3


def _old_day():
    return timezone.localdate(timezone.now().replace(year=2020)).strftime("%m-%d")


def test_applying_asks_first_then_removes_and_logs(hr, org, hr_user):
    _enable_access_log(org)
    _old_accesses(org, 2)

    confirm = parse(hr.get(_url("apply")))
    assert "2 poster gallras för gott, enligt listan nedan." in confirm.text()
    assert PersonalDataAccess.objects.count() == 2

    response = hr.post(_url("apply"))

    assert response["Location"] == _url("log")
    assert not PersonalDataAccess.objects.exists()
    entry = RetentionLogEntry.objects.get()
    assert (entry.kind, entry.removed, entry.ran_by, entry.decision_reference) == (
        "access_log",
        2,
        hr_user,
        "KS 2026/12",
    )
    log = hr.get(response["Location"])
    assert parse(log).texts(".messages .alert") == [
        "2 poster gallrades. Loggen visar vad, per slag."
    ]
    [row] = table(log, "retention-log")
    assert row[1:] == [
        "Loggen över åtkomst till personuppgifter",
        "2",
        "2020-" + _old_day(),
        "730 dagar",
        "KS 2026/12",
        "hr@orebro.test",
    ]


def test_applying_without_rules_says_so(hr, org):
    response = hr.post(_url("apply"), follow=True)
    assert parse(response).texts(".messages .alert") == [
        "Ingen regel tillämpas, så ingenting gallrades."
    ]
    assert not RetentionLogEntry.objects.exists()


def test_the_log_holds_only_the_organisations_entries(hr, org, other_org):
    RetentionLogEntry.objects.create(
        organisation=other_org, kind="access_log", removed=9, decision_reference="X"
    )
    RetentionLogEntry.objects.create(
        organisation=None, kind="sessions", removed=7, decision_reference="Y"
    )
    page = parse(hr.get(_url("log")))
    assert page.texts(".empty-state p") == ["Ingen regel har gallrat något än."]


@pytest.mark.parametrize("name", ["rules", "dry_run", "apply", "log"])
def test_query_counts_do_not_grow_with_the_data(hr, org, queries, name):
    for kind in ("agreements", "attendance", "import_files", "access_log"):
        retention_rule_save(
            organisation=org,
            kind=kind,
            period_days=1,
            decision_reference="KS 1",
            decided_on=None,
            enabled=True,
            user=None,
        )
    RetentionLogEntry.objects.create(
        organisation=org, kind="access_log", removed=1, decision_reference="KS 1"
    )
    _old_accesses(org, 2)

    def grow():
        _old_accesses(org, 40)
        RetentionLogEntry.objects.bulk_create(
            RetentionLogEntry(
                organisation=org, kind="agreements", removed=n, decision_reference="KS 1"
            )
            for n in range(40)
        )

    queries.assert_flat(hr, _url(name), grow=grow)
