"""Acceptance (issue 16): the demo participant's extract holds their agreements with history,
their attendance and the e-mails sent to them; no evaluation answer, and nothing of another
participant but the names of their line manager and reviewer."""

import json

import pytest
from django.core.management import call_command

from demo.seed import seed_demo
from evaluations.models import RatingCounter, SealedAnswers, TextAnswer
from participants.accounts import send_login_links
from participants.models import Person
from privacy.extract import person_extract
from programs.agreements import services as agreements
from programs.models import Agreement


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        seed_demo()
    yield
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)


@pytest.fixture
def participant(seeded, db):
    return Person.objects.select_related("organisation", "line_manager").get(
        organisation__slug="orebro", user__email="deltagare@orebro.example"
    )


def test_demo_participants_extract_holds_agreements_history_attendance_and_emails(
    participant, django_capture_on_commit_callbacks
):
    # E-mails to them, through the services that send them: a login link, and the line
    # manager agreeing their roadmap (which waits for review in the demo).
    roadmap = Agreement.objects.get(enrollment__person=participant, stage="roadmap")
    with django_capture_on_commit_callbacks(execute=True):
        send_login_links(people=[participant])
        agreements.agreement_review(
            agreement_id=roadmap.pk, user=participant.line_manager.user, agree=True
        )

    extract = person_extract(organisation=participant.organisation, person=participant)

    agreements_in = [a for e in extract["enrollments"] for a in e["agreements"]]
    assert len(agreements_in) == Agreement.objects.filter(enrollment__person=participant).count()
    assert all(a["history"] for a in agreements_in)
    roadmap_in = next(a for a in agreements_in if a["stage"] == "roadmap")
    assert [v["reason"] for v in roadmap_in["history"]][-1] == "Överenskommen"
    assert {t["answer"] for t in roadmap_in["texts"]} == set(roadmap.texts.values())
    attendance = [a for e in extract["enrollments"] for a in e["attendance"]]
    assert len(attendance) == sum(e.attendances.count() for e in participant.enrollments.all())
    assert len(attendance) > 0
    assert [(m["kind"], m["recipient"]) for m in extract["emails"]] == [
        ("participants.send_login_link", "you"),
        ("programs.send_agreement_mail", "you"),
    ]


def test_demo_participants_extract_holds_no_answer_and_nothing_of_another_participant(
    participant,
):
    extract = person_extract(organisation=participant.organisation, person=participant)
    text = json.dumps(extract, ensure_ascii=False)

    allowed = {participant.full_name, participant.line_manager.full_name}
    allowed |= {
        name
        for e in extract["enrollments"]
        for name in [e["reviewer"], *(c["reviewer"] for c in e["reviewer_changes"])]
        if name
    }
    others = Person.objects.filter(organisation=participant.organisation).exclude(pk=participant.pk)
    named = sorted(
        p.full_name for p in others if p.full_name not in allowed and p.full_name in text
    )
    addressed = sorted(p.email for p in others if p.email and p.email in text)
    assert (named, addressed) == ([], [])
    # No evaluation answer: the extract holds no free text given in an evaluation.
    answers = [a.text for a in TextAnswer.objects.all() if len(a.text) > 20]
    assert answers and [a for a in answers if a in text] == []
    assert RatingCounter.objects.exists() or SealedAnswers.objects.exists()
    assert not {"rating", "ratings", "answers", "text_answers"} & set(extract)
