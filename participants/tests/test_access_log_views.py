"""The access log in use: the pages that write it (one row each, exact values) and HR's page
that reads it (rows, filters, pagination, scope, query count)."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from core.tests import html
from participants.access_log import access_log_record
from participants.models import PersonalDataAccess
from participants.tests.factories import PersonFactory, UserFactory
from programs.tests.factories import EnrollmentFactory, GroupFactory, ProgramFactory, RoundFactory

pytestmark = pytest.mark.django_db

Action = PersonalDataAccess.Action
NOW = dt.datetime(2026, 3, 2, 9, 15, tzinfo=dt.UTC)  # 10:15 in Stockholm


@pytest.fixture
def clock(monkeypatch):
    """django.utils.timezone.now held at NOW and moved by hand (the one thing mocked)."""

    class Clock:
        now = NOW

        def move(self, **delta):
            self.now = self.now + dt.timedelta(**delta)

    clock = Clock()
    monkeypatch.setattr(timezone, "now", lambda: clock.now)
    return clock


@pytest.fixture
def hr(client, hr_user):
    client.force_login(hr_user)
    return client


def _log_url(org, **query):
    url = reverse("participants:access_log", kwargs={"org": org.slug})
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def _stored():
    return list(PersonalDataAccess.objects.order_by("pk").values())


# --- Writing: one row per access, with exact values ----------------------------------------


def test_viewing_a_persons_page_writes_one_row(clock, hr, hr_user, org):
    anna = PersonFactory(organisation=org, first_name="Anna", last_name="Ek")

    response = hr.get(reverse("programs:person_detail", kwargs={"org": org.slug, "pk": anna.pk}))

    assert response.status_code == 200
    [row] = _stored()
    assert row == {
        "id": row["id"],
        "organisation_id": org.pk,
        "actor_id": hr_user.pk,
        "action": "person_viewed",
        "subject_id": anna.pk,
        "what": "programs:person_detail",
        "at": NOW,
    }


def test_the_persons_page_links_to_the_log_filtered_on_them(hr, org):
    anna = PersonFactory(organisation=org)

    response = hr.get(reverse("programs:person_detail", kwargs={"org": org.slug, "pk": anna.pk}))

    links = [
        a.get("href")
        for a in html.parse(response).select("a")
        if html.text(a) == "Vem har sett uppgifterna"
    ]
    assert links == [_log_url(org, person=anna.pk)]


def _export_cases(org):
    program = ProgramFactory(organisation=org)
    group = GroupFactory(round=RoundFactory(program=program))
    EnrollmentFactory(group=group, person=PersonFactory(organisation=org))
    return [
        ("programs:person_export", {"org": org.slug}),
        ("programs:group_export", {"org": org.slug, "group_id": group.pk}),
        ("programs:round_export", {"org": org.slug, "round_id": group.round_id}),
    ]


@pytest.mark.parametrize("index", [0, 1, 2])
def test_each_export_of_people_writes_one_row_without_a_subject(clock, hr, hr_user, org, index):
    name, kwargs = _export_cases(org)[index]

    response = hr.get(reverse(name, kwargs=kwargs))

    assert response["Content-Disposition"].startswith("attachment;")
    [row] = _stored()
    assert row == {
        "id": row["id"],
        "organisation_id": org.pk,
        "actor_id": hr_user.pk,
        "action": "list_export",
        "subject_id": None,
        "what": name,
        "at": NOW,
    }


def test_an_export_refused_or_not_found_writes_nothing(
    client, org, other_org, hr_user, steering_user
):
    foreign_group = GroupFactory(round=RoundFactory(program=ProgramFactory(organisation=other_org)))
    client.force_login(steering_user)
    refused = client.get(reverse("programs:person_export", kwargs={"org": org.slug}))
    client.force_login(hr_user)
    not_found = client.get(
        reverse("programs:group_export", kwargs={"org": org.slug, "group_id": foreign_group.pk})
    )

    assert (refused.status_code, not_found.status_code) == (403, 404)
    assert _stored() == []


def test_another_organisations_person_page_writes_nothing(hr, org, other_org):
    stranger = PersonFactory(organisation=other_org)

    response = hr.get(
        reverse("programs:person_detail", kwargs={"org": org.slug, "pk": stranger.pk})
    )

    assert response.status_code == 404
    assert _stored() == []


# --- Reading: HR's page ---------------------------------------------------------------------


@pytest.fixture
def entries(clock, org, other_org, hr_user, outsider):
    """Three accesses in our organisation, one in the other, a minute apart."""
    hr_user.full_name = "Hanna Rask"
    hr_user.save()
    anna = PersonFactory(organisation=org, first_name="Anna", last_name="Ek")
    bo = PersonFactory(organisation=org, first_name="Bo", last_name="Ask")
    gone = UserFactory(email="slutat@orebro.test", full_name="Gunnar Slutat")
    access_log_record(
        organisation=org, actor=hr_user, action=Action.PERSON_VIEWED, subject=anna,
        what="programs:person_detail",
    )  # fmt: skip
    clock.move(minutes=1)
    access_log_record(
        organisation=org, actor=gone, action=Action.LIST_EXPORT, what="programs:person_export"
    )
    clock.move(minutes=1)
    access_log_record(
        organisation=org, actor=hr_user, action=Action.PERSON_VIEWED, subject=bo,
        what="programs:person_detail",
    )  # fmt: skip
    clock.move(minutes=1)
    access_log_record(
        organisation=other_org,
        actor=outsider,
        action=Action.PERSON_VIEWED,
        subject=PersonFactory(organisation=other_org, first_name="Vera", last_name="Väst"),
        what="programs:person_detail",
    )
    gone.delete()
    return {"anna": anna, "bo": bo}


def test_the_log_shows_who_when_action_person_and_what_newest_first(hr, org, entries):
    response = hr.get(_log_url(org))

    page = html.parse(response)
    assert page.text("#access-log caption") == "3 åtkomster"
    assert html.table(response, "access-log") == [
        ["2026-03-02 10:17", "Hanna Rask hr@orebro.test", "Visade en persons sida", "Bo Ask",
         "Chefens sida"],
        ["2026-03-02 10:16", "Borttagen inloggning", "Exporterade en lista med personer", "—",
         "Chefsregistret (Excel)"],
        ["2026-03-02 10:15", "Hanna Rask hr@orebro.test", "Visade en persons sida", "Anna Ek",
         "Chefens sida"],
    ]  # fmt: skip
    person_links = [a.get("href") for a in page.select("#access-log a")]
    assert person_links == [
        reverse("programs:person_detail", kwargs={"org": org.slug, "pk": entries["bo"].pk}),
        reverse("programs:person_detail", kwargs={"org": org.slug, "pk": entries["anna"].pk}),
    ]


def test_reading_the_log_is_not_itself_logged(hr, org, entries):
    """The log's names are its own entries, not a new access; see participants.access_log."""
    before = _stored()

    hr.get(_log_url(org))
    hr.get(_log_url(org, person=entries["anna"].pk))

    assert _stored() == before


def test_the_log_filters_by_action(hr, org, entries):
    response = hr.get(_log_url(org, action="list_export"))

    assert [row[2] for row in html.table(response, "access-log")] == [
        "Exporterade en lista med personer"
    ]


def test_the_log_filtered_on_a_person_shows_only_their_rows_and_says_so(hr, org, entries):
    anna = entries["anna"]

    response = hr.get(_log_url(org, person=anna.pk))

    page = html.parse(response)
    assert [row[3] for row in html.table(response, "access-log")] == ["Anna Ek"]
    assert page.text("main p.filtered-person") == (
        "Visar vem som har kommit åt uppgifterna om Anna Ek. Visa hela loggen"
    )
    assert page.texts("title") == ["Åtkomstlogg: Anna Ek · Sveriges viktigaste chefsjobb"]
    # The action filter keeps the person.
    assert page.one("form input[name=person]").get("value") == str(anna.pk)


def test_the_log_filtered_on_another_organisations_person_is_404(hr, org, other_org, entries):
    stranger = PersonFactory(organisation=other_org)

    assert hr.get(_log_url(org, person=stranger.pk)).status_code == 404
    assert hr.get(_log_url(org, person="not-a-number")).status_code == 404


def test_the_log_never_shows_another_organisations_rows(client, outsider, org, other_org, entries):
    client.force_login(outsider)

    response = client.get(_log_url(other_org))

    assert [row[3] for row in html.table(response, "access-log")] == ["Vera Väst"]


def test_an_empty_log_and_an_empty_filter_say_so(hr, org):
    empty = html.parse(hr.get(_log_url(org)))
    filtered = html.parse(hr.get(_log_url(org, action="erasure")))

    assert empty.select("#access-log") == []
    assert "Ingen har sett eller exporterat personuppgifter ännu." in empty.texts("main p")
    assert "Ingen åtkomst matchar filtret." in filtered.texts("main p")


def test_the_log_is_paginated_by_50(clock, hr, hr_user, org):
    for _ in range(51):
        clock.move(seconds=1)
        access_log_record(organisation=org, actor=hr_user, action=Action.LIST_EXPORT)

    first = hr.get(_log_url(org))
    second = hr.get(_log_url(org, page=2))

    assert len(html.table(first, "access-log")) == 50
    assert "Sida 1 av 2" in first.content.decode()
    assert len(html.table(second, "access-log")) == 1


def test_the_log_page_query_count_does_not_grow_with_the_rows(queries, hr, hr_user, org):
    def grow():
        for _ in range(20):
            person = PersonFactory(organisation=org)
            actor = UserFactory()
            access_log_record(
                organisation=org, actor=actor, action=Action.PERSON_VIEWED, subject=person,
                what="programs:person_detail",
            )  # fmt: skip

    grow()
    anna = PersonFactory(organisation=org)
    queries.assert_flat(hr, _log_url(org), grow=grow)
    queries.assert_flat(hr, _log_url(org, person=anna.pk, action="person_viewed"), grow=grow)


def test_the_hr_start_page_links_to_the_log(hr, org):
    response = hr.get(reverse("svc:hr_start", kwargs={"org": org.slug}))

    links = {html.text(a): a.get("href") for a in html.parse(response).select("main a")}
    assert links["Åtkomstlogg: vem som har sett personuppgifter"] == _log_url(org)


def test_an_extract_printed_on_the_server_shows_as_the_command_line_not_a_removed_login(
    clock, hr, org
):
    from django.core.management import call_command

    anna = PersonFactory(organisation=org, first_name="Anna", last_name="Ek", email="anna@o.test")
    call_command("export_person_data", organisation=org.slug, email="anna@o.test", stdout=io())

    assert html.table(hr.get(_log_url(org)), "access-log") == [
        ["2026-03-02 10:15", "Serverns kommandorad", "Laddade ned ett registerutdrag", "Anna Ek",
         "Ett kommando på servern (export_person_data)"],
    ]  # fmt: skip
    assert anna.pk == PersonalDataAccess.objects.get().subject_id


def io():
    import io as _io

    return _io.StringIO()
