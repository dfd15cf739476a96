"""Rounds, group composition, intake and moves: the writes, and the reads their pages need.

Writes (``services``; keyword-only, typed, each in one transaction):

- ``round_create``: a new omgång in a program.
- ``proposal_accept``: the composition the coordinator accepted becomes Group rows and
  Enrollments together; accepting the same proposal again creates nothing.
- ``intake_add``: a manager who is not in the program joins a group.
- ``enrollment_move``: a participant changes group; the old enrollment becomes "moved"
  and the new one points back to it (``moved_from``).

Reads (``selectors``): a round's pool, the intake list, the next round's groups,
``proposal_compose`` (the composer with the program's bounds and departments by
förvaltning) and the proposal page. They are used by the rounds pages only; each runs a
fixed number of queries whatever the number of people.
"""

from .selectors import (
    MemberRow,
    ProposalPage,
    ProposedGroup,
    candidates_for,
    groups_with_size,
    intake_people,
    next_group_number,
    next_round,
    pool_people,
    proposal_compose,
    proposal_page,
)
from .services import (
    Accepted,
    Moved,
    Placed,
    enrollment_move,
    intake_add,
    names_list,
    proposal_accept,
    round_create,
)

__all__ = [
    "Accepted",
    "MemberRow",
    "Moved",
    "Placed",
    "ProposalPage",
    "ProposedGroup",
    "candidates_for",
    "enrollment_move",
    "groups_with_size",
    "intake_add",
    "intake_people",
    "names_list",
    "next_group_number",
    "next_round",
    "pool_people",
    "proposal_accept",
    "proposal_compose",
    "proposal_page",
    "round_create",
]
