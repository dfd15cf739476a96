"""The results page is rendered at most once a minute per program, language, k and set of
groups (issue 17: 0.5 s a request at national scale): what a reader may see from the stored
page, and what never comes from another reader's."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from core.tests.html import parse
from evaluations.models import SealedAnswers
from participants.tests.factories import ConsultantFactory, UserFactory
from programs.models import Session

from .. import rules
from .factories import answer_all, close_window, make_group, make_program

pytestmark = pytest.mark.django_db


@pytest.fixture
def program(org):
    return make_program(org)


def _url(org, program):
    return reverse("evaluations:results", kwargs={"org": org.slug, "program_id": program.pk})


def _group_rows(client, org, program) -> list[str]:
    page = parse(client.get(_url(org, program)))
    return page.texts("section[aria-labelledby=groups-title] tbody th[scope=row].fw-normal")


@pytest.fixture
def clock(monkeypatch):
    """timezone.now at a chosen instant (the data is made first, at the real time)."""

    class Clock:
        def set(self, instant):
            monkeypatch.setattr(timezone, "now", lambda: instant)

    return Clock()


def test_the_results_are_at_most_a_minute_old(client, org, program, hr_user, clock):
    first = make_group(program=program, size=6, name="Grupp Ek")
    answer_all(first, 1, 6, value=5)
    close_window(*first.sessions.values())
    client.force_login(hr_user)
    start = timezone.now().replace(second=5, microsecond=0)
    clock.set(start)
    assert _group_rows(client, org, program) == ["Grupp Ek"]

    second = make_group(program=program, size=6, name="Grupp Björk")
    answer_all(second, 1, 6, value=4)
    close_window(*second.sessions.values())

    # Within the same minute the page is the one rendered at :05 ...
    clock.set(start + dt.timedelta(seconds=54))
    page = parse(client.get(_url(org, program)))
    assert page.texts("section[aria-labelledby=groups-title] tbody th[scope=row].fw-normal") == [
        "Grupp Ek"
    ]
    assert page.text("#results-as-of") == (
        f"Siffrorna gäller kl. {timezone.localtime(start):%H:%M}. De uppdateras varje minut."
    )

    # ... and the next minute's is rendered anew.
    clock.set(start + dt.timedelta(seconds=55))
    assert _group_rows(client, org, program) == ["Grupp Ek", "Grupp Björk"]


def test_a_window_folded_by_its_reader_shows_at_once(client, org, program, hr_user):
    first = make_group(program=program, size=6, name="Grupp Ek")
    answer_all(first, 1, 6, value=5)
    close_window(*first.sessions.values())
    client.force_login(hr_user)
    assert _group_rows(client, org, program) == ["Grupp Ek"]
    assert parse(client.get(_url(org, program))).text("[data-program-mean]") == "5,0"

    # A second group's window closes; no beat has folded it: this reader does, and sees it.
    second = make_group(program=program, size=6, name="Grupp Björk")
    answer_all(second, 1, 6, value=3)
    shift = dt.timedelta(days=rules.window_days() + 1)
    for session in second.sessions.values():
        Session.objects.filter(pk=session.pk).update(
            starts_at=session.starts_at - shift, ends_at=session.ends_at - shift
        )
    assert SealedAnswers.objects.count() == 6

    page = parse(client.get(_url(org, program)))
    assert SealedAnswers.objects.count() == 0
    assert page.texts("section[aria-labelledby=groups-title] tbody th[scope=row].fw-normal") == [
        "Grupp Ek",
        "Grupp Björk",
    ]
    assert page.text("[data-program-mean]") == "4,0"


def test_a_process_leader_never_gets_the_whole_programs_page_nor_hr_the_leaders(
    client, org, program, hr_user
):
    led = make_group(program=program, size=6, name="Grupp Ek")
    other = make_group(program=program, size=6, name="Grupp Björk")
    for setup in (led, other):
        answer_all(setup, 1, 6, value=5)
        close_window(*setup.sessions.values())
    leader = ConsultantFactory(organisations=[org])
    leader.user = UserFactory(email="pl@konsult.test")
    leader.save()
    led.group.process_leaders.add(leader)

    client.force_login(hr_user)
    assert _group_rows(client, org, program) == ["Grupp Ek", "Grupp Björk"]
    client.force_login(leader.user)
    assert _group_rows(client, org, program) == ["Grupp Ek (Omgång 1)"]
    client.force_login(hr_user)
    assert _group_rows(client, org, program) == ["Grupp Ek", "Grupp Björk"]


def test_each_language_has_its_own_page(client, org, program, hr_user):
    setup = make_group(program=program, size=6, name="Grupp Ek")
    answer_all(setup, 1, 6, value=5)
    close_window(*setup.sessions.values())
    client.force_login(hr_user)
    heading = "section[aria-labelledby=groups-title] h2"
    assert parse(client.get(_url(org, program))).text(heading) == "Per omgång och utvecklingsgrupp"

    hr_user.language = "en"
    hr_user.save(update_fields=["language"])
    assert parse(client.get(_url(org, program))).text(heading) == "Per round and development group"


def test_a_changed_k_starts_afresh(client, org, program, hr_user, settings):
    setup = make_group(program=program, size=6, name="Grupp Ek")
    answer_all(setup, 1, 6, value=5)
    close_window(*setup.sessions.values())
    client.force_login(hr_user)
    assert parse(client.get(_url(org, program))).text("[data-program-mean]") == "5,0"

    settings.EVALUATION_MIN_RESPONSES = 7
    assert rules.min_responses() == 7
    assert parse(client.get(_url(org, program))).text("[data-program-mean]") != "5,0"
