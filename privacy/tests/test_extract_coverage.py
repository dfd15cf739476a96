"""Every model with a foreign-key path to a person or a login is covered by the register
extract (privacy.extract.registry.COVERED) or left out with a reason (EXCLUDED).

A new model that is neither fails here: add it to the extract, or say why not.
"""

from django.apps import apps

from privacy.extract import COVERED, EXCLUDED

TARGETS = {"participants.Person", "participants.User"}
MAX_HOPS = 4


def _forward_links(model):
    """Models one FK or one-to-one hop away (the direction the key points)."""
    return [
        field.related_model
        for field in model._meta.get_fields()
        if field.concrete and (field.many_to_one or field.one_to_one) and field.related_model
    ]


def _reaches_a_person(model) -> bool:
    frontier, seen = [model], {model}
    for _hop in range(MAX_HOPS):
        next_frontier = []
        for current in frontier:
            for target in _forward_links(current):
                if target._meta.label in TARGETS:
                    return True
                if target not in seen:
                    seen.add(target)
                    next_frontier.append(target)
        frontier = next_frontier
    return False


def models_with_personal_keys() -> set[str]:
    return {
        model._meta.label
        for model in apps.get_models()
        if model._meta.label in TARGETS or _reaches_a_person(model)
    }


def test_every_model_with_a_key_to_a_person_or_login_is_covered_or_excluded():
    found = models_with_personal_keys()

    unaccounted = sorted(found - COVERED.keys() - EXCLUDED.keys())

    assert unaccounted == [], (
        f"Models with a key to a person or a login that the register extract neither covers "
        f"nor excludes (privacy/extract/registry.py): {unaccounted}"
    )


def test_the_walk_finds_the_models_it_must():
    """The walk itself works: it finds keys of one hop and of several, and simple_history's."""
    found = models_with_personal_keys()

    assert {
        "participants.Membership",  # one hop to User
        "programs.Enrollment",  # one hop to Person
        "programs.Attendance",  # Attendance → Enrollment → Person
        "evaluations.Completion",  # Completion → Enrollment → Person
        "programs.HistoricalAgreement",  # simple_history, history_user → User
        "evaluations.RatingCounter",  # RatingCounter → Session → Consultant → User
        "admin.LogEntry",
    } <= found
    assert len(found) >= 30


def test_no_model_is_both_covered_and_excluded_and_each_exclusion_has_a_reason():
    assert COVERED.keys() & EXCLUDED.keys() == set()
    assert all(len(reason) > 20 for reason in EXCLUDED.values())


def test_every_name_in_the_registry_is_a_model():
    labels = {model._meta.label for model in apps.get_models()}

    assert sorted((COVERED.keys() | EXCLUDED.keys()) - labels) == []


def test_models_without_a_key_that_hold_the_person_as_data_are_covered():
    """The outbox (ids in its arguments), axes (the address) and sessions (the login's id)."""
    assert {
        "core.OutboxTask",
        "axes.AccessAttempt",
        "axes.AccessLog",
        "axes.AccessFailureLog",
        "sessions.Session",
    } <= COVERED.keys()
