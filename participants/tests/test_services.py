"""Rules about people that span rows: the line manager's organisation and cycles."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from participants.services import person_save, person_set_line_manager

from .factories import OrganisationFactory, PersonFactory


@pytest.fixture(autouse=True)
def swedish():
    with translation.override("sv"):
        yield


@pytest.fixture
def chain(org):
    """Anna (top) <- Bo <- Cecilia: Cecilia's line manager is Bo, Bo's is Anna."""
    anna = PersonFactory(organisation=org, first_name="Anna", last_name="Ek")
    bo = PersonFactory(organisation=org, first_name="Bo", last_name="Lind", line_manager=anna)
    cecilia = PersonFactory(
        organisation=org, first_name="Cecilia", last_name="Berg", line_manager=bo
    )
    return anna, bo, cecilia


def test_person_set_line_manager_refuses_a_cycle(chain):
    anna, _, cecilia = chain

    with pytest.raises(ValidationError) as exc:
        person_set_line_manager(person=anna, line_manager=cecilia)

    assert exc.value.message_dict == {
        "line_manager": [
            "Cecilia Berg kan inte vara närmaste chef för Anna Ek: det skulle ge en slinga i "
            "chefsleden."
        ]
    }
    assert exc.value.error_dict["line_manager"][0].code == "line_manager_cycle"
    anna.refresh_from_db()
    assert anna.line_manager is None


def test_person_set_line_manager_refuses_the_person_themselves(chain):
    _, bo, _ = chain

    with pytest.raises(ValidationError) as exc:
        person_set_line_manager(person=bo, line_manager=bo)

    assert exc.value.messages == [
        "Bo Lind kan inte vara närmaste chef för Bo Lind: det skulle ge en slinga i chefsleden."
    ]


def test_person_set_line_manager_refuses_another_organisation(chain):
    _, bo, _ = chain
    outsider = PersonFactory(organisation=OrganisationFactory(slug="region-x"))

    with pytest.raises(ValidationError) as exc:
        person_set_line_manager(person=bo, line_manager=outsider)

    assert exc.value.message_dict == {
        "line_manager": ["Närmaste chef måste tillhöra samma organisation."]
    }
    bo.refresh_from_db()
    assert bo.line_manager_id == chain[0].pk


def test_person_set_line_manager_moves_a_person_within_the_tree(chain):
    anna, _, cecilia = chain

    person_set_line_manager(person=cecilia, line_manager=anna)

    cecilia.refresh_from_db()
    assert cecilia.line_manager == anna


def test_person_set_line_manager_accepts_no_manager(chain):
    _, bo, _ = chain

    person_set_line_manager(person=bo, line_manager=None)

    bo.refresh_from_db()
    assert bo.line_manager is None


def test_person_save_refuses_a_line_manager_of_another_organisation(org):
    outsider = PersonFactory(organisation=OrganisationFactory(slug="region-x"))
    person = PersonFactory.build(organisation=org, department=None, line_manager=outsider)

    with pytest.raises(ValidationError) as exc:
        person_save(person=person)

    assert exc.value.message_dict == {
        "line_manager": ["Närmaste chef måste tillhöra samma organisation."]
    }
    assert person.pk is None


def test_person_save_refuses_a_cycle_through_an_existing_person(chain):
    anna, _, cecilia = chain
    anna.line_manager = cecilia

    with pytest.raises(ValidationError) as exc:
        person_save(person=anna)

    assert exc.value.messages == [
        "Cecilia Berg kan inte vara närmaste chef för Anna Ek: det skulle ge en slinga i "
        "chefsleden."
    ]
