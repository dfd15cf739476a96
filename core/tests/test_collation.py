"""Names sort the Swedish way: … X Y Z Å Ä Ö (in PostgreSQL through ICU, in SQLite in Python)."""

import pytest

from core.collation import swedish_key
from participants.tests.factories import PersonFactory
from programs.people import registry_people

NAMES = ["Öberg", "Ängström", "Zetterberg", "Åberg", "Adams", "Ågren", "Ekdahl", "Émile", "ärlig"]
SWEDISH_ORDER = [
    "Adams", "Ekdahl", "Émile", "Zetterberg", "Åberg", "Ågren", "Ängström", "ärlig", "Öberg",
]  # fmt: skip


def test_the_python_collation_puts_a_ring_a_diaeresis_and_o_diaeresis_after_z():
    assert sorted(NAMES, key=swedish_key) == SWEDISH_ORDER


@pytest.mark.django_db
def test_the_registry_lists_managers_in_swedish_order(org):
    for name in NAMES:
        PersonFactory(organisation=org, last_name=name, first_name="Anna")

    listed = [p.last_name for p in registry_people(organisation=org)]

    assert listed == SWEDISH_ORDER
