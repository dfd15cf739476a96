"""Who leads a group by name (``group_process_leaders``): the process leaders named for the
group, or, while none is named, those leading its sessions; each once, by name, in one
query that neither joins every consultant's groups and sessions nor needs DISTINCT."""

import pytest

from participants.tests.factories import ConsultantFactory
from programs.selectors import group_process_leaders
from programs.tests.factories import GroupFactory, ModuleFactory, SessionFactory

pytestmark = pytest.mark.django_db


def _names(group):
    return [consultant.name for consultant in group_process_leaders(group=group)]


@pytest.fixture
def group():
    return GroupFactory()


def _session(group, leader, order):
    module = ModuleFactory(program=group.round.program, order=order)
    return SessionFactory(group=group, module=module, process_leader=leader)


def test_while_none_is_named_those_leading_its_sessions_each_once_by_name(group):
    pia = ConsultantFactory(name="Pia Lindqvist")
    bo = ConsultantFactory(name="Bo Ek")
    _session(group, pia, 1)
    _session(group, pia, 2)
    _session(group, bo, 3)
    _session(group, None, 4)
    # A consultant named for, or leading a session of, another group does not lead this one.
    other = GroupFactory(round=group.round)
    stranger = ConsultantFactory(name="Åsa Främling")
    other.process_leaders.add(stranger)
    _session(other, stranger, 1)

    assert _names(group) == ["Bo Ek", "Pia Lindqvist"]


def test_the_named_process_leaders_come_before_those_leading_sessions(group):
    named = ConsultantFactory(name="Cecilia Namngiven")
    also_leading = ConsultantFactory(name="Anna Båda")
    _session(group, ConsultantFactory(name="Bo Ek"), 1)
    _session(group, also_leading, 2)
    group.process_leaders.add(named, also_leading)

    assert _names(group) == ["Anna Båda", "Cecilia Namngiven"]


def test_a_group_without_leaders_has_none(group):
    assert _names(group) == []


def test_one_query_without_distinct(group, django_assert_num_queries):
    group.process_leaders.add(ConsultantFactory(name="Pia Lindqvist"))
    _session(group, ConsultantFactory(name="Bo Ek"), 1)
    with django_assert_num_queries(1) as captured:
        assert _names(group) == ["Pia Lindqvist"]
    assert "DISTINCT" not in captured.captured_queries[0]["sql"].upper()
